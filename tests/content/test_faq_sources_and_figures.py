"""Every FAQ answer rests on an official page, and its Dutch and English texts agree on figures."""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from urllib.parse import urlparse

import pytest

from bot.content.faq import load_faq
from bot.domain.faq import FaqEntry
from tests.conftest import CONTENT

# Government bodies, public services and the one-stop shop's partners whose own pages count as
# official sources. A source on any other site (law firms, relocation agents, blogs) may be cited
# in addition, never alone. Subdomains count (sdg.government.nl, e-justice.europa.eu).
OFFICIAL_DOMAINS = frozenset(
    {
        "ind.nl",  # Immigration and Naturalisation Service
        "government.nl",
        "rijksoverheid.nl",
        "belastingdienst.nl",  # tax and allowances (toeslagen)
        "digid.nl",
        "rvig.nl",  # National Office for Identity Data (BRP, RNI)
        "svb.nl",  # Social Insurance Bank (child benefit)
        "rdw.nl",
        "cbr.nl",
        "business.gov.nl",  # RVO, the government's site for employers
        "netherlandsworldwide.nl",
        "nederlandwereldwijd.nl",
        "netherlandsandyou.nl",
        "officielebekendmakingen.nl",  # parliamentary papers and the Staatscourant
        "europa.eu",  # EU portals: e-justice, the immigration portal
        "gemeentemaastricht.nl",
        "expatcentremaastrichtregion.nl",  # the one-stop shop's partner, run with the municipality
        "heerlen.nl",  # RNI desk
        "breda.nl",  # RNI desk
        "almere.nl",  # municipal pages on the national driving-licence rules
        "leiden.nl",
        "hapmaastricht.nl",  # the GPs' own out-of-hours service for Maastricht and Heuvelland
    }
)
BARE = frozenset({"", "/", "/en", "/en/", "/nl", "/nl/"})

ENTRIES = load_faq(CONTENT)
PAIRS: dict[str, dict[str, FaqEntry]] = defaultdict(dict)
for _entry in ENTRIES:
    PAIRS[_entry.id][_entry.lang] = _entry


def official(url: str) -> bool:
    host = (urlparse(url).hostname or "").removeprefix("www.")
    return any(host == domain or host.endswith("." + domain) for domain in OFFICIAL_DOMAINS)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.lang}:{e.id}")
def test_entry_cites_an_official_page_and_when_it_was_checked(entry: FaqEntry) -> None:
    assert any(official(url) for url in entry.sources), entry.sources
    assert datetime.date(2026, 1, 1) <= entry.checked <= datetime.date.today()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e.lang}:{e.id}")
def test_no_source_is_a_bare_homepage(entry: FaqEntry) -> None:
    bare = [url for url in entry.sources if urlparse(url).path in BARE]
    assert bare == [], "cite the page that says it, not the site"


def test_the_whitelist_tells_official_pages_from_others() -> None:
    assert official("https://sdg.government.nl/government-services-in-the-netherlands/x")
    assert official("https://e-justice.europa.eu/561/EN/public_documents")
    assert not official("https://grantthornton.nl/insights/30-ruling")
    assert not official("https://ind.nl.example.com/fees")


# A figure: digits with thousands separators or decimals, e.g. 5,942 / 5.942 / 1,25 / 17:00.
FIGURE = re.compile(r"\d+(?:[.,:]\d+)*")


def figures(text: str) -> Counter[str]:
    """Numbers, dates, times and amounts, written the same way whatever the language's format."""
    found: Counter[str] = Counter()
    for raw in FIGURE.findall(text):
        if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):  # 5,942 or 5.942 or 262,000
            found[str(int(re.sub(r"[.,]", "", raw)))] += 1
        elif re.fullmatch(r"\d+[.,:]\d{1,2}", raw):  # a decimal or a time: 1,25 / 9.00 / 17:00
            whole, part = re.split(r"[.,:]", raw)
            found[f"{int(whole)}.{part}"] += 1
        else:
            for piece in re.split(r"[.,:]", raw):
                found[str(int(piece))] += 1
    return found


def test_figures_are_normalised_across_languages() -> None:
    assert figures("€5,942 and €262,000 from 17:00") == figures("€ 5.942 en € 262.000 vanaf 17.00")
    assert figures("€1.25 million") == figures("€ 1,25 miljoen")
    assert figures("09:00") == figures("9.00")
    assert figures("call 14 043") == Counter({"14": 1, "43": 1})


@pytest.mark.parametrize("entry_id", sorted(PAIRS))
def test_dutch_and_english_state_the_same_figures(entry_id: str) -> None:
    en, nl = PAIRS[entry_id]["en"], PAIRS[entry_id]["nl"]
    assert figures(nl.answer) == figures(en.answer)
