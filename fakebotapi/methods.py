"""The Bot API method table; Telegram matches method names case-insensitively."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from . import editing, forum, sending, settings, updates
from .params import Params
from .world import World

MethodFn = Callable[[World, Params], Awaitable[Any]]

METHOD_NAMES: dict[str, str] = {}
METHODS: dict[str, MethodFn] = {}
for _table in (sending.METHODS, editing.METHODS, updates.METHODS, settings.METHODS, forum.METHODS):
    for _name, _fn in _table.items():
        METHOD_NAMES[_name.lower()] = _name
        METHODS[_name.lower()] = _fn
