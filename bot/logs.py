"""Logging: one key=value line per event; never message texts, tokens or personal data."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"


def setup_logging(level: str = "INFO", file: Path | None = None) -> None:
    """Configures the root logger and quiets libraries that would log the bot token."""
    handler: logging.Handler
    if file is None:
        handler = logging.StreamHandler(sys.stderr)
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and Bot API URLs contain the token.
    for noisy in ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler", "tornado.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
