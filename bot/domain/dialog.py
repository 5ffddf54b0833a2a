"""Where a chat is in a conversation: the whole state, so any process can continue it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TypeAlias

# What a dialog may remember between turns: plain JSON, stored as such in the dialog row.
JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None


@dataclass(frozen=True)
class Dialog:
    """One chat's position: the flow, its step, the answers so far and the way back."""

    flow: str | None = None
    step: str | None = None
    answers: dict[str, JsonValue] = field(default_factory=dict)
    history: tuple[str, ...] = ()
    version: int = 0

    @property
    def active(self) -> bool:
        """True while the user is inside a flow."""
        return self.flow is not None and self.step is not None

    def start(self, flow: str, step: str, answers: dict[str, JsonValue] | None = None) -> Dialog:
        """Enters a flow at its first step, forgetting any other flow."""
        return Dialog(flow=flow, step=step, answers=dict(answers or {}), version=self.version)

    def advance(self, step: str, **answers: JsonValue) -> Dialog:
        """Records answers and moves on, remembering the step for Back."""
        assert self.step is not None, "advance needs an active flow"
        merged = {**self.answers, **answers}
        return replace(self, step=step, answers=merged, history=(*self.history, self.step))

    def answer(self, **answers: JsonValue) -> Dialog:
        """Records answers without moving."""
        return replace(self, answers={**self.answers, **answers})

    def back(self) -> Dialog:
        """Returns to the previous step; the answers given there stay until overwritten."""
        if not self.history:
            return self
        return replace(self, step=self.history[-1], history=self.history[:-1])

    def end(self) -> Dialog:
        """Leaves the flow; keeps nothing of it."""
        return Dialog(version=self.version)
