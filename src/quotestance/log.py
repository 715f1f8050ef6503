"""One logger for the package; the CLI's --quiet / -v set its level."""

from __future__ import annotations

import logging

from rich.console import Console
from rich.logging import RichHandler

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
    handler = RichHandler(console=stderr, show_time=False, show_path=False, markup=False)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def progress_enabled() -> bool:
    """Progress bars follow the logger: hidden under --quiet."""
    return logger.getEffectiveLevel() <= logging.INFO
