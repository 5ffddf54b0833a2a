"""Whole numbers as people type them: ASCII digits only, bounded, so nothing odd reaches int()."""

from __future__ import annotations

TELEGRAM_ID_MAX = 2**53  # Telegram promises user and chat ids fit in 52 significant bits


def plain_int(text: str, *, maximum: int) -> int | None:
    """0 to `maximum` written in ASCII digits ("²", "١", "１" and huge numbers are refused)."""
    text = text.strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None
