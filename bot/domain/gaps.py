"""What of an unanswered question may be kept: the words, never numbers or addresses."""

from __future__ import annotations

import re

GAP_LENGTH = 300
_EMAIL = re.compile(r"\S*@\S*")
_WITH_DIGIT = re.compile(r"[^\s]*\d[^\s]*")  # a token holding any digit: numbers, ids, phones
_RUNS = re.compile(r"#(?:[\s()+./-]*#)+")  # a phone number in parts is one number


def scrub_gap(text: str) -> str:
    """The question with e-mail addresses and anything holding a digit replaced by markers."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _WITH_DIGIT.sub("#", text)
    return _RUNS.sub("#", text)[:GAP_LENGTH]
