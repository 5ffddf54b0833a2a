"""Lays out buttons; what they mean is packed by bot.dialogs.callbacks."""

from __future__ import annotations

from collections.abc import Sequence

from bot.dialogs.turn import Button, Keyboard

BACK = "<"


def grid(buttons: Sequence[Button], columns: int) -> Keyboard:
    """Rows of at most `columns` buttons."""
    columns = max(1, columns)
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))
