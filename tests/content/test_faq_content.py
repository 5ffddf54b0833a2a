"""The real FAQ content: schema, nl/en parity, sources, and that every phrasing finds its entry."""

from __future__ import annotations

import csv
import datetime
import re
from collections import defaultdict
from pathlib import Path

import pytest

from bot.content.faq import load_entry, load_faq
from bot.content.synonyms import load_synonyms
from bot.domain.faq import Band, FaqEntry, FaqIndex, FaqMatch

CONTENT = Path(__file__).parents[2] / "content"
LABELLED = Path(__file__).parents[2] / "benchmarks" / "data" / "faq_labelled.tsv"
ENTRIES = load_faq(CONTENT)
INDEX = FaqIndex(ENTRIES, load_synonyms(CONTENT))
BY_LANG: dict[str, dict[str, FaqEntry]] = defaultdict(dict)
for _entry in ENTRIES:
    BY_LANG[_entry.lang][_entry.id] = _entry

PHRASINGS = [
    pytest.param(entry.id, text, id=f"{entry.lang}:{entry.id}:{text}")
    for entry in ENTRIES
    for text in (entry.title, *entry.questions)
]
MARKUP = re.compile(r"<[a-z/]|\*\*|__|`|^#|\[[^\]]*\]\(|^\s*[-*+] ", re.MULTILINE)


def normalised(text: str) -> str:
    """Lowercase words only, for 'is this the same sentence' checks."""
    return " ".join(re.findall(r"\w+", text.lower()))


def test_both_languages_have_at_least_45_entries() -> None:
    assert len(BY_LANG["nl"]) >= 45
    assert len(BY_LANG["en"]) >= 45


def test_dutch_and_english_have_the_same_ids() -> None:
    assert set(BY_LANG["nl"]) == set(BY_LANG["en"])


@pytest.mark.parametrize("entry_id", sorted(BY_LANG["en"]))
def test_translations_share_topic_and_number_of_sources(entry_id: str) -> None:
    nl, en = BY_LANG["nl"][entry_id], BY_LANG["en"][entry_id]
    assert nl.topic == en.topic
    assert len(nl.sources) == len(en.sources)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.lang}:{e.id}")
def test_entry_is_sourced_dated_and_well_formed(entry: FaqEntry) -> None:
    assert entry.sources
    assert all(source.startswith("https://") for source in entry.sources)
    assert isinstance(entry.checked, datetime.date)
    assert entry.checked <= datetime.date.today()
    assert len(entry.questions) >= 5
    assert len(set(map(normalised, entry.questions))) == len(entry.questions)
    assert 40 <= len(entry.answer.split()) <= 150
    assert not MARKUP.search(entry.answer), "answers are plain text, not HTML or Markdown"


def test_no_phrasing_is_shared_by_two_entries() -> None:
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for entry in ENTRIES:
        for text in (entry.title, *entry.questions):
            owners[INDEX.phrasing_key(text)].add(entry.id)
    shared = {words: ids for words, ids in owners.items() if len(ids) > 1}
    assert shared == {}


@pytest.mark.parametrize(("entry_id", "text"), PHRASINGS)
def test_every_title_and_variant_is_answered_directly(entry_id: str, text: str) -> None:
    assert INDEX.match(text) == FaqMatch(Band.CLEAR, ((entry_id, 100.0),))
    # ... also when typed carelessly: other case, no punctuation, extra spaces and courtesy.
    sloppy = "  " + re.sub(r"[?!.,()]", " ", text).upper() + " ?? thanks"
    assert INDEX.match(sloppy).best == entry_id
    assert INDEX.match(sloppy).band is Band.CLEAR


def test_labelled_benchmark_questions_are_not_copies_of_variants_or_titles() -> None:
    known = {normalised(text) for entry in ENTRIES for text in (entry.title, *entry.questions)}
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    in_domain = [row for row in rows if row["expected_id"] != "-"]
    assert len(in_domain) >= 220
    assert len(rows) - len(in_domain) >= 60
    assert {row["expected_id"] for row in in_domain} <= set(INDEX.ids())
    copies = [row["question"] for row in rows if normalised(row["question"]) in known]
    assert copies == []


VALID = """+++
id = "{id}"
topic = "bsn"
title = "What is a BSN?"
questions = ["what is a bsn", "citizen service number"]
sources = [{sources}]
checked = 2026-11-28
{extra}+++
{body}
"""


def write_entry(
    folder: Path,
    stem: str = "bsn-what-is",
    *,
    entry_id: str = "bsn-what-is",
    sources: str = '"https://www.government.nl/topics/personal-data/citizen-service-number-bsn"',
    extra: str = "",
    body: str = "An answer.",
) -> Path:
    """Writes one entry file with the given deviations from a valid one."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.md"
    path.write_text(
        VALID.format(id=entry_id, sources=sources, extra=extra, body=body), encoding="utf-8"
    )
    return path


def test_loader_reads_a_valid_entry(tmp_path: Path) -> None:
    path = write_entry(tmp_path / "en" / "faq")
    entry = load_entry(path, "en")
    assert entry.id == "bsn-what-is"
    assert entry.lang == "en"
    assert entry.questions == ("what is a bsn", "citizen service number")
    assert entry.checked == datetime.date(2026, 11, 28)
    assert entry.answer == "An answer."


@pytest.mark.parametrize(
    ("deviation", "message"),
    [
        ({"entry_id": "something-else"}, "does not match the file name"),
        ({"sources": ""}, "sources"),
        ({"sources": '"http://ind.nl"'}, "not an https URL"),
        ({"body": "   "}, "answer is empty"),
        ({"extra": 'lang = "nl"\n'}, "does not match folder"),
    ],
)
def test_loader_rejects_a_broken_entry_naming_the_file(
    tmp_path: Path, deviation: dict[str, str], message: str
) -> None:
    path = write_entry(tmp_path / "en" / "faq", **deviation)
    with pytest.raises(ValueError, match=message) as error:
        load_entry(path, "en")
    assert str(path) in str(error.value)


def test_loader_rejects_a_missing_field(tmp_path: Path) -> None:
    path = write_entry(tmp_path / "en" / "faq")
    path.write_text(path.read_text(encoding="utf-8").replace("topic = ", "tpoic = "), "utf-8")
    with pytest.raises(ValueError, match="missing field"):
        load_entry(path, "en")


def test_load_faq_reports_the_broken_file_among_good_ones(tmp_path: Path) -> None:
    write_entry(tmp_path / "nl" / "faq")
    broken = write_entry(tmp_path / "en" / "faq", sources='"ftp://example.org"')
    with pytest.raises(ValueError, match=re.escape(str(broken))):
        load_faq(tmp_path)
