"""Short messages that are not questions: greetings, thanks, navigation words, a typed yes or no."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.domain.words import split_words

# A typo is forgiven (one letter added, dropped, swapped or replaced) only in phrases at least
# this long: 'helo' would otherwise become 'help' and 'nee' 'ne'.
MIN_FUZZY_LENGTH = 5


class Intent(enum.Enum):
    """Where a short message should take the user."""

    GREETING = "greeting"
    THANKS = "thanks"
    MENU = "menu"
    HELP = "help"
    MINE = "mine"
    BOOK = "book"
    HUMAN = "human"
    YES = "yes"
    NO = "no"


def phrase_key(text: str) -> str:
    """A message reduced to its folded words, so 'Hallo!!' and 'hallo 👋' are the same."""
    return " ".join(split_words(text))


class SmallTalk:
    """The phrases of both languages per intent; a message is small talk only as a whole."""

    def __init__(self, phrases: Mapping[Intent, Iterable[str]] | None = None) -> None:
        self._intents: dict[str, Intent] = {}
        for intent, texts in (phrases or {}).items():
            for text in texts:
                key = phrase_key(text)
                if not key:
                    raise ValueError(f"{intent.value}: phrase {text!r} has no words")
                owner = self._intents.setdefault(key, intent)
                if owner is not intent:
                    raise ValueError(f"phrase {text!r} is both {owner.value} and {intent.value}")
        self._fuzzy = sorted(key for key in self._intents if len(key) >= MIN_FUZZY_LENGTH)

    def phrases(self) -> dict[str, Intent]:
        """Every phrase in key form with its intent, for content checks."""
        return dict(self._intents)

    def intent(self, text: str) -> Intent | None:
        """What a whole message means when it is small talk, else None (it may be a question)."""
        key = phrase_key(text)
        if not key:
            return None
        found = self._intents.get(key)
        if found is None and len(key) >= MIN_FUZZY_LENGTH:
            hit = process.extractOne(key, self._fuzzy, scorer=OSA.distance, score_cutoff=1)
            if hit is not None and hit[0][0] == key[0]:
                found = self._intents[hit[0]]
        return found
