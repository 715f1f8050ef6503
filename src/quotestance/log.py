"""One logger for the package; the CLI's --quiet / -v set its level."""

from __future__ import annotations

import logging
import sys

from rich.console import Console

LOGGER_NAME = "quotestance"
logger = logging.getLogger(LOGGER_NAME)
stderr = Console(stderr=True)


def setup_logging(verbosity: int = 0, quiet: bool = False) -> None:
    """``quiet`` shows errors only; 0 shows progress and warnings; 1+ shows debug detail."""
    if quiet:
        level = logging.ERROR
    elif verbosity >= 1:
        level = logging.DEBUG
    else:
        level = logging.INFO
    logger.handlers.clear()
    handler = _StderrHandler()
    handler.setFormatter(_Formatter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def progress_enabled() -> bool:
    """Progress bars follow the logger: hidden under --quiet."""
    return logger.getEffectiveLevel() <= logging.INFO


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time, so that a progress bar that holds
    stderr prints the message above itself, and test runners capture it."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


class _Formatter(logging.Formatter):
    """One line per message, as written: plain for information, "warning:" and "error:"
    before the others, "debug:" before detail (-v)."""

    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        if record.levelno >= logging.ERROR:
            return f"error: {message}"
        if record.levelno >= logging.WARNING:
            return f"warning: {message}"
        if record.levelno <= logging.DEBUG:
            return f"debug: {message}"
        return message
