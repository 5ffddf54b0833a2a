"""What the bot remembers about a user: only their language choice."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.language import Language


@dataclass(frozen=True)
class UserProfile:
    """A user's preferences, keyed by Telegram user id."""

    user_id: int
    language: Language
    language_chosen: bool = False
    misses: int = 0
