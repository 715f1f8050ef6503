"""Errors that reach the user as one line naming the file (and line) that is wrong."""

from __future__ import annotations

from pathlib import Path


class QuotestanceError(Exception):
    """Base class: the message is printed as-is, on one line, without a traceback."""


class InputError(QuotestanceError):
    """A file the user gave us is unusable: names the file, the line if any, and the problem."""

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        # a file name with a newline or another control character is shown quoted, so that
        # the error stays one line
        shown = self.path if self.path.isprintable() else repr(self.path)
        where = f"{shown}:{line}" if line is not None else shown
        super().__init__(f"{where}: {message}")


class OutputExistsError(QuotestanceError):
    """Refusal to overwrite something the user already has."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(f"{path}: already exists; pass --force to overwrite it")
