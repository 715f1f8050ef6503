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
    quiet_libraries(verbosity)


# Messages of the libraries below that say nothing a user can act on: hidden unless -v.
QUIET_WARNINGS = (
    # MLflow registers its local dataset source twice and warns about its own ambiguity
    "The specified dataset source can be interpreted in multiple ways",
)


def quiet_libraries(verbosity: int) -> None:
    """Below -v, the libraries' load reports, per-file progress bars and start-up logs are
    hidden (their warnings and errors still show); -v lets everything through."""
    import os
    import warnings

    if verbosity >= 1:
        for name in ("mlflow", "alembic"):
            logging.getLogger(name).setLevel(logging.NOTSET)
        return
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")
    for name in ("mlflow", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for message in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=message)
    if "transformers" in sys.modules:  # imported before the environment said so
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()


def progress_enabled() -> bool:
    """Progress bars follow the logger (hidden under --quiet) and need a terminal: a log file
    or a pipe gets the one-line messages only."""
    return logger.getEffectiveLevel() <= logging.INFO and stderr.is_terminal


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
