"""Lays out buttons and encodes what they mean in callback data (at most 64 bytes)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.dialogs.turn import Button, Keyboard

BACK = "<"


def grid(buttons: Sequence[Button], columns: int) -> Keyboard:
    """Rows of at most `columns` buttons."""
    columns = max(1, columns)
    return tuple(tuple(buttons[i : i + columns]) for i in range(0, len(buttons), columns))


def flow_data(flow: str, step: str, value: str) -> str:
    """Callback data for an answer in a flow; the step makes stale buttons detectable."""
    data = f"f:{flow}:{step}:{value}"
    if len(data.encode()) > 64:
        raise ValueError(f"callback data too long: {data}")
    return data


def parse_flow_data(data: str) -> tuple[str, str, str] | None:
    """(flow, step, value) from flow callback data, None when malformed."""
    parts = data.split(":", 3)
    if len(parts) != 4 or parts[0] != "f" or not all(parts[1:3]):
        return None
    return parts[1], parts[2], parts[3]
