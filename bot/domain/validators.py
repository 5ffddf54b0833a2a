"""Checks for what people type into forms: dates, names, e-mail, phone, Dutch addresses, IDs.

Each check returns the value to store or raises Invalid with a key of a message under
`validation.` in content/<lang>/validation.toml. Values a check returns pass the same check again
unchanged, so a stored answer can always be re-validated.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache

import phonenumbers
from babel.dates import format_date, get_month_names

from bot.domain.language import Language

# Nothing anyone needs to type is longer than this; longer input is refused before any parsing.
MAX_INPUT = 1000
MAX_EMAIL = 254


class Invalid(ValueError):
    """A rejected answer; key names the message `validation.<key>` in validation.toml."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params: dict[str, str] = dict(params)


# --- dates ----------------------------------------------------------------------------------

_NUMERIC_DMY = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})", re.ASCII)
_NUMERIC_YMD = re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})", re.ASCII)
_NAMED_DMY = re.compile(
    r"(\d{1,2})(?:e|ste|de|st|nd|rd|th)?\.?[\s\-/]*([a-z]+)\.?,?[\s\-/]*(\d{4})", re.ASCII
)
_NAMED_MDY = re.compile(r"([a-z]+)\.?[\s\-/]*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})", re.ASCII)
_NUMERIC_SHORT_YEAR = re.compile(r"\d{1,2}\s*([-/.])\s*\d{1,2}\s*\1\s*\d{2}", re.ASCII)
_NAMED_SHORT_YEAR = re.compile(
    r"\d{1,2}(?:e|ste|de|st|nd|rd|th)?\.?[\s\-/]*([a-z]+)\.?,?[\s\-/]*'?\d{2}", re.ASCII
)


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations in Dutch and English (CLDR via babel), lower case."""
    months: dict[str, int] = {}
    for locale in ("nl", "en", "en_GB"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale).items():
                    months[name.lower().rstrip(".")] = number
    return months


def _date(year: str, month: str | int, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_loose_date(text: str) -> date | None:
    """A date typed day-month-year (never US m/d), ISO, or with a Dutch or English month name."""
    if len(text) > 40:
        return None
    cleaned = " ".join(text.lower().split())
    if match := _NUMERIC_DMY.fullmatch(cleaned):
        return _date(match[4], match[3], match[1])
    if match := _NUMERIC_YMD.fullmatch(cleaned):
        return _date(match[1], match[3], match[4])
    months = _months()
    if (match := _NAMED_DMY.fullmatch(cleaned)) and match[2] in months:
        return _date(match[3], months[match[2]], match[1])
    if (match := _NAMED_MDY.fullmatch(cleaned)) and match[1] in months:
        return _date(match[3], months[match[1]], match[2])
    return None


def _short_year(text: str) -> bool:
    """Whether the text is a date with a two-digit year, which we refuse as ambiguous."""
    cleaned = " ".join(text.lower().split()) if len(text) <= 40 else ""
    if _NUMERIC_SHORT_YEAR.fullmatch(cleaned):
        return True
    named = _NAMED_SHORT_YEAR.fullmatch(cleaned)
    return named is not None and named[1] in _months()


def check_date(
    text: str,
    *,
    earliest: date | None = None,
    latest: date | None = None,
    too_early: str = "date_too_early",
    too_late: str = "date_too_late",
) -> date:
    """A real date within the bounds; the bound broken is named in the message (ISO date)."""
    parsed = parse_loose_date(text)
    if parsed is None:
        if _short_year(text):
            raise Invalid("date_two_digit_year")
        raise Invalid("date_format")
    if earliest is not None and parsed < earliest:
        raise Invalid(too_early, date=earliest.isoformat())
    if latest is not None and parsed > latest:
        raise Invalid(too_late, date=latest.isoformat())
    return parsed


DATE_PARAMS = frozenset({"date"})
_LOCALES: dict[Language, str] = {"nl": "nl_NL", "en": "en_GB"}


def localised_params(problem: Invalid, lang: Language) -> dict[str, str]:
    """The message parameters with ISO dates written out in the user's language."""
    params = dict(problem.params)
    for name in DATE_PARAMS & params.keys():
        try:
            day = date.fromisoformat(params[name])
        except ValueError:
            continue
        params[name] = format_date(day, "d MMMM y", locale=_LOCALES[lang])
    return params


# --- names and free text --------------------------------------------------------------------

APOSTROPHES = frozenset("'’ʼ‘`")
HYPHENS = frozenset("-‐‑")
_INVISIBLE_MARKS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u034f]")


def _collapse(text: str) -> str:
    """Outer whitespace trimmed; every run of spaces (any Unicode space) becomes one space."""
    spaced = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text.strip())
    return " ".join(part for part in spaced.split(" ") if part)


def _length(text: str, max_length: int) -> None:
    if not text:
        raise Invalid("empty")
    if len(text) > max_length:
        raise Invalid("too_long", max=str(max_length))


def check_name(text: str, *, max_length: int = 100) -> str:
    """A name kept exactly as typed (any script), apart from trimming and collapsing spaces."""
    if len(text) > MAX_INPUT:
        raise Invalid("too_long", max=str(max_length))
    name = _collapse(text.strip())
    _length(name, max_length)
    if _INVISIBLE_MARKS.search(name):
        raise Invalid("name_chars")
    after_letter = False
    has_letter = False
    for char in name:
        category = unicodedata.category(char)
        if category[0] == "L":
            has_letter = after_letter = True
        elif category[0] == "M":
            if not after_letter:
                raise Invalid("name_chars")
        elif char == " " or char == "." or char in APOSTROPHES or char in HYPHENS:
            after_letter = False
        else:
            raise Invalid("name_chars")
    if not has_letter:
        raise Invalid("name_letters")
    return name


def check_text(text: str, *, max_length: int = 100) -> str:
    """Free text such as a place of birth: one line, no control or invisible characters."""
    if len(text) > MAX_INPUT:
        raise Invalid("too_long", max=str(max_length))
    value = _collapse(text.strip())
    _length(value, max_length)
    for char in value:
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):
            raise Invalid("text_chars")
    if _INVISIBLE_MARKS.search(value):
        raise Invalid("text_chars")
    if not any(unicodedata.category(c)[0] == "L" for c in value):
        raise Invalid("text_letters")
    return value


# --- contact details ------------------------------------------------------------------------

_EMAIL_SPECIALS = frozenset('()<>[]:;,\\"@')
_DOMAIN_LABEL = re.compile(r"(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?")


def check_email(text: str) -> str:
    """A pragmatic e-mail check: one @, a domain with a dot, no spaces; domain lower-cased."""
    value = text.strip()
    if not value:
        raise Invalid("empty")
    if len(value) > MAX_EMAIL:
        raise Invalid("too_long", max=str(MAX_EMAIL))
    if value.count("@") != 1:
        raise Invalid("email_format")
    local, domain = value.split("@")
    domain = domain.lower()
    result = f"{local}@{domain}"
    if len(result) > MAX_EMAIL:
        raise Invalid("too_long", max=str(MAX_EMAIL))
    if not local or len(local) > 64 or local.startswith(".") or local.endswith("."):
        raise Invalid("email_format")
    if ".." in local or any(c in _EMAIL_SPECIALS for c in local):
        raise Invalid("email_format")
    for char in result:
        if char.isspace() or unicodedata.category(char)[0] in "CZ":
            raise Invalid("email_format")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        raise Invalid("email_format")
    if len(labels[-1]) < 2 or labels[-1].isdigit():
        raise Invalid("email_format")
    return result


_PHONE_CHARS = re.compile(r"\+?[\d\s().\-/]{4,40}", re.ASCII)


def check_phone(text: str, default_region: str = "NL") -> str:
    """A valid phone number (Dutch unless it starts with + or 00), stored as E.164."""
    value = text.strip()
    if not value:
        raise Invalid("empty")
    if not _PHONE_CHARS.fullmatch(value):
        raise Invalid("phone_format")
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException:
        raise Invalid("phone_format") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid("phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- Dutch address --------------------------------------------------------------------------

_POSTCODE = re.compile(r"(\d{4})\s*([a-z]{2})", re.ASCII | re.IGNORECASE)
_NO_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})


def check_postcode(text: str) -> str:
    """A Dutch postcode written the standard way: '6211 DW'."""
    match = _POSTCODE.fullmatch(text.strip()) if len(text) <= 40 else None
    if match is None:
        raise Invalid("postcode_format")
    if match[1].startswith("0") or match[2].upper() in _NO_POSTCODE_LETTERS:
        raise Invalid("postcode_impossible")
    return f"{match[1]} {match[2].upper()}"


_HOUSE_NUMBER = re.compile(
    r"0*([1-9]\d{0,4})"  # the number, 1-99999
    r"(?:\s*-?\s*([a-z])(?![a-z0-9]))?"  # a house letter: 12a, 12 A, 12-a
    r"(?:(?:\s*[-/]\s*|\s+)([a-z0-9]{1,4})|([a-z][a-z0-9]{0,3}))?",  # 12-3, 12 bis, 12a-1
    re.ASCII | re.IGNORECASE,
)


def check_house_number(text: str) -> str:
    """House number with optional letter and addition, written as '12', '12 A', '12-3', '12 A-1'."""
    value = text.strip()
    match = _HOUSE_NUMBER.fullmatch(value) if len(value) <= 40 else None
    if match is None:
        raise Invalid("house_number_format")
    number, letter, addition = match[1], match[2], match[3] or match[4]
    if letter is None and addition is not None and len(addition) == 1 and addition.isalpha():
        letter, addition = addition, None
    result = number
    if letter:
        result += f" {letter.upper()}"
    if addition:
        result += f"-{addition.upper()}"
    return result


# --- identity numbers -----------------------------------------------------------------------


def check_vnumber(text: str) -> str:
    """An IND V-number: 10 digits (spaces and dots in the input are fine)."""
    digits = re.sub(r"[\s.]", "", text) if len(text) <= 40 else ""
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        raise Invalid("vnumber_format")
    return digits


def check_document_number(text: str) -> str:
    """A passport or ID card number: 6-20 letters and digits, upper-cased."""
    value = re.sub(r"\s", "", text) if len(text) <= 60 else ""
    if not (6 <= len(value) <= 20 and value.isascii() and value.isalnum()):
        raise Invalid("document_number_format")
    return value.upper()
