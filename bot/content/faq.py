"""Reads the FAQ entries from content/<lang>/faq/*.md (TOML front matter + plain-text answer)."""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from bot.content.promise import fill, text_values
from bot.domain.faq import FaqEntry

FAQ_LANGUAGES = ("nl", "en")
_FENCE = "+++"
_REQUIRED = ("id", "topic", "title", "questions", "sources", "checked")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _split(path: Path) -> tuple[str, str]:
    """Separates front matter from body, so a malformed file fails with its name."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        raise ValueError(f"{path}: must start with a '+++' line")
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == _FENCE:
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]).strip()
    raise ValueError(f"{path}: front matter is not closed with '+++'")


def _strings(path: Path, data: dict[str, object], key: str) -> tuple[str, ...]:
    """A non-empty list of non-empty strings, or a ValueError naming the file."""
    value = data[key]
    if not isinstance(value, list) or not value:
        raise ValueError(f"{path}: {key} must be a non-empty list")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError(f"{path}: every item of {key} must be a non-empty string")
    return tuple(item.strip() for item in value)


def _text(path: Path, data: dict[str, object], key: str) -> str:
    """A non-empty string field."""
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{path}: {key} must be a non-empty string")
    return value.strip()


def load_entry(path: Path, lang: str, values: Mapping[str, str] | None = None) -> FaqEntry:
    """Parses and validates one entry file, filling in content values such as {bsn_days}."""
    front, body = _split(path)
    try:
        data = tomllib.loads(front)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: invalid TOML front matter: {error}") from error
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise ValueError(f"{path}: missing field(s) {', '.join(missing)}")
    entry_id = _text(path, data, "id")
    if entry_id != path.stem:
        raise ValueError(f"{path}: id {entry_id!r} does not match the file name")
    if "lang" in data and data["lang"] != lang:
        raise ValueError(f"{path}: lang {data['lang']!r} does not match folder {lang!r}")
    sources = _strings(path, data, "sources")
    for source in sources:
        if not source.startswith("https://"):
            raise ValueError(f"{path}: source {source!r} is not an https URL")
    checked = data["checked"]
    if not isinstance(checked, datetime.date) or isinstance(checked, datetime.datetime):
        raise ValueError(f"{path}: checked must be a date such as 2026-11-28")
    if not body:
        raise ValueError(f"{path}: the answer is empty")
    answer = fill(body, values or {})
    title = fill(_text(path, data, "title"), values or {})
    unfilled = _PLACEHOLDER.findall(title + answer)
    if unfilled:
        raise ValueError(f"{path}: no value for {', '.join(sorted(set(unfilled)))}")
    return FaqEntry(
        id=entry_id,
        lang=lang,
        topic=_text(path, data, "topic"),
        title=title,
        questions=_strings(path, data, "questions"),
        answer=answer,
        sources=sources,
        checked=checked,
    )


def load_faq(content_dir: Path) -> list[FaqEntry]:
    """All entries of both languages, Dutch first, files in name order."""
    entries: list[FaqEntry] = []
    values = text_values(content_dir)
    for lang in FAQ_LANGUAGES:
        folder = content_dir / lang / "faq"
        if not folder.is_dir():
            raise ValueError(f"{folder}: FAQ folder is missing")
        entries.extend(load_entry(path, lang, values) for path in sorted(folder.glob("*.md")))
    return entries
