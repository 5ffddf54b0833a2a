"""The shape every multi-step dialog has, so the router can pause and resume any of them."""

from __future__ import annotations

from typing import Protocol

from bot.dialogs.turn import Turn


class Flow(Protocol):
    """A dialog whose position lives in Dialog.flow/step/answers."""

    name: str

    async def prompt(self, turn: Turn) -> None:
        """Asks the current step's question again (after an interruption or a language switch)."""

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """Applies a tapped answer for the current step."""

    async def on_text(self, turn: Turn, text: str) -> bool:
        """Applies typed text as an answer; False when the step does not take text."""

    def wants_buttons(self, turn: Turn) -> bool:
        """Whether the current step is answered only by its buttons (typed text gets a hint)."""
