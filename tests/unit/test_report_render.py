"""The report as files: the PNG opens and is not blank, the HTML stands alone, small counts
never show, both languages; and the pure parts: "<5", covering cells, periods."""

from __future__ import annotations

import io
import itertools
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageStat

from bot.content.context import AppContext
from bot.reports.build import render
from bot.reports.figures import (
    Bsn,
    Figures,
    Gaps,
    Handoffs,
    Reminders,
    Scope,
    Visits,
    Wait,
)
from bot.reports.period import (
    Period,
    PeriodError,
    ReportRequest,
    parse_day,
    parse_request,
    period_between,
)
from bot.reports.privacy import HIDDEN, SMALL, is_small, protect, share_visible, shown_count

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))  # six weeks: 26 Oct .. 30 Nov
MADE = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def figures(**changes: object) -> Figures:
    """A plausible month; `changes` replace whole parts."""
    parts: dict[str, object] = {
        "visits": Visits(
            total=96,
            cancelled=7,
            per_week=(3, 22, 25, 24, 20, 2),
            party_sizes=(50, 26, 9, 6, 5),
            people=183,
            attended=80,
            no_show=3,
            unmarked=13,
            languages=(30, 66),
            hr_invited=40,
            self_service=56,
        ),
        "bsn": Bsn(
            attended=80,
            within_promise=61,
            late=9,
            beyond_term=0,
            overdue=2,
            overdue_beyond_term=0,
            waiting=8,
            working_days=(0, 20, 21, 20, 6, 3, 0, 0),
        ),
        "reminders": Reminders(
            statuses=(310, 4, 12, 20, 9),
            kinds=(("evening_before", 120), ("morning_of", 118), ("staff_digest", 117)),
        ),
        "handoffs": Handoffs(
            total=31,
            per_week=(2, 8, 9, 6, 6, 0),
            statuses=(1, 4, 26),
            to_claim=Wait(30, 18.0, 95.0),
            to_close=Wait(26, 140.0, 600.0),
            ratings=(1, 0, 3, 8, 12),
            mean_rating=4.2,
        ),
        "gaps": Gaps(
            total=44,
            per_week=(4, 10, 12, 9, 9, 0),
            languages=(14, 30),
            topics=(("permits", 12), ("bsn", 9), ("brand-new-topic", 3), ("", 20)),
        ),
        "new_users": (25, 61),
    }
    parts.update(changes)
    return Figures(scope=Scope(NOVEMBER), generated_at=MADE, **parts)  # type: ignore[arg-type]


def cells(html: str) -> dict[str, str]:
    """Every table row of the page as label -> value (the last one wins)."""
    rows = re.findall(r'<tr><th>(.*?)</th><td class="n">(.*?)</td></tr>', html)
    return dict(rows)


# --- the pure rules ---------------------------------------------------------------------------


def test_counts_below_five_are_small_and_zero_is_not() -> None:
    assert [is_small(n) for n in range(7)] == [False, True, True, True, True, False, False]
    assert [shown_count(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]
    assert SMALL == "<5"


def test_one_small_cell_next_to_a_total_takes_a_neighbour_with_it() -> None:
    # 78 visits, 3 of them in the first week: 78 - 20 - 25 - 30 would give the 3 away.
    assert protect([3, 20, 25, 30]) == ("small", "hidden", "value", "value")
    assert protect([12, 13]) == ("value", "value")
    assert protect([0, 0]) == ("value", "value")
    # Two small cells with an ambiguous sum cover each other.
    assert protect([3, 4, 40]) == ("small", "small", "value")
    # ... but two that can only be 4 and 4 (or 1 and 1 ... ) cannot: nothing is shown.
    assert protect([4, 4]) == ("hidden", "hidden")
    assert protect([1, 1, 1, 1, 1]) == ("hidden",) * 5


def _consistent(shown: tuple[str, ...], values: list[int], total: int) -> list[tuple[int, ...]]:
    """Every breakdown a reader could believe, knowing the rules and the total (brute force)."""
    visible = [v for v, m in zip(values, shown, strict=True) if m == "value" and v > 0]
    ceiling = min(visible) if visible else total
    options = []
    for value, mark in zip(values, shown, strict=True):
        if mark == "value":
            options.append([value])
        elif mark == "small":
            options.append([1, 2, 3, 4])
        else:
            options.append([0, *range(5, ceiling + 1)])
    return [combo for combo in itertools.product(*options) if sum(combo) == total]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=4))
def test_no_small_count_can_be_worked_out_from_the_total(values: list[int]) -> None:
    shown = protect(values)
    assert all(m == "small" for v, m in zip(values, shown, strict=True) if is_small(v)) or all(
        m == "hidden" for m in shown
    )
    if all(m == "hidden" for m in shown) or not any(is_small(v) for v in values):
        return
    total = sum(values)
    if is_small(total):
        return  # the total itself reads "<5"
    worlds = _consistent(shown, values, total)
    assert tuple(values) in worlds
    for index, mark in enumerate(shown):
        if mark == "small":
            assert len({world[index] for world in worlds}) > 1, (values, shown)


def test_a_share_needs_five_on_both_sides() -> None:
    assert share_visible(40, 80)
    assert not share_visible(3, 80)  # 3 no-shows
    assert not share_visible(77, 80)  # "96%" of 80 gives away 3
    assert share_visible(0, 80) and share_visible(80, 80)
    assert not share_visible(2, 4)


def test_periods_from_the_command_line() -> None:
    assert parse_day("2026-11-01") == date(2026, 11, 1)
    for bad in ("2026-11-31", "01-11-2026", "20261101", "2026-1-1", "next week", ""):
        assert parse_day(bad) is None
    assert period_between(date(2026, 11, 1), date(2026, 11, 30)).days == 30
    with pytest.raises(PeriodError) as wrong:
        period_between(date(2026, 11, 2), date(2026, 11, 1))
    assert wrong.value.key == "order"
    with pytest.raises(PeriodError):
        period_between(date(2025, 1, 1), date(2026, 1, 2))
    assert NOVEMBER.weeks()[0] == date(2026, 10, 26) and len(NOVEMBER.weeks()) == 6
    assert NOVEMBER.week_of(date(2026, 11, 1)) == 0 and NOVEMBER.week_of(date(2026, 11, 2)) == 1


TODAY = date(2026, 12, 17)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", ReportRequest(Period(date(2026, 12, 1), TODAY))),
        ("2026-11", ReportRequest(NOVEMBER)),
        ("11-2026", ReportRequest(NOVEMBER)),
        ("november", ReportRequest(NOVEMBER)),
        ("Nov 2026 nl", ReportRequest(NOVEMBER, "nl")),
        ("en 2026-12", ReportRequest(Period(date(2026, 12, 1), TODAY), "en")),
        ("okt.", ReportRequest(Period(date(2026, 10, 1), date(2026, 10, 31)))),
        ("maart", ReportRequest(Period(date(2026, 3, 1), date(2026, 3, 31)))),
        (
            "2026-02 maastricht",
            ReportRequest(Period(date(2026, 2, 1), date(2026, 2, 28)), None, "maastricht"),
        ),
        ("januari", ReportRequest(Period(date(2026, 1, 1), date(2026, 1, 31)))),
    ],
)
def test_report_arguments_in_the_staff_chat(args: str, expected: ReportRequest) -> None:
    assert parse_request(args, TODAY, ("maastricht",)) == expected


def test_a_month_in_the_future_or_words_it_does_not_know_are_refused() -> None:
    with pytest.raises(PeriodError) as future:
        parse_request("2027-01", TODAY, ())
    assert future.value.key == "future"
    for bad in ("2026-13", "last month", "2026", "heerlen", "1999-01", "nov dec"):
        with pytest.raises(PeriodError):
            parse_request(bad, TODAY, ("maastricht",))


# --- the files --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_png_is_the_expected_size_and_not_blank(ctx: AppContext, lang: str) -> None:
    report = render(figures(), ctx, lang)  # type: ignore[arg-type]
    image = Image.open(io.BytesIO(report.png))
    assert image.format == "PNG" and image.size == (1600, 1200)
    grey = image.convert("L")
    assert ImageStat.Stat(grey).stddev[0] > 20  # text, bars and axes, not one flat colour
    assert sum(1 for n in grey.resize((64, 48)).histogram() if n) > 10
    assert report.png_name == "report-2026-11-01-2026-11-30.png"
    assert report.html_name == "report-2026-11-01-2026-11-30.html"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_html_stands_alone(ctx: AppContext, lang: str) -> None:
    html = render(figures(), ctx, lang).html.decode("utf-8")  # type: ignore[arg-type]
    assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "<script" not in html.lower() and "url(" not in html and "@import" not in html
    sources = re.findall(r'src="([^"]*)"', html)
    assert len(sources) == 7 and all(s.startswith("data:image/png;base64,") for s in sources)
    for source in sources:
        data = __import__("base64").b64decode(source.split(",", 1)[1])
        assert Image.open(io.BytesIO(data)).size[0] > 300
    assert "default-src 'none'" in html  # a browser would not fetch anything even if asked


def test_labels_and_dates_follow_the_language(ctx: AppContext) -> None:
    english = render(figures(), ctx, "en").html.decode()
    dutch = render(figures(), ctx, "nl").html.decode()
    assert "1 November 2026 – 30 November 2026" in english and "Visits per week" in english
    assert "1 november 2026 – 30 november 2026" in dutch and "Bezoeken per week" in dutch
    assert "Gemaakt 2 december 2026 10:30" in dutch  # made at 09:30 UTC, shown in Amsterdam
    assert cells(english)["Time to claim, median"] == "18 min"
    assert cells(dutch)["Tijd tot afsluiten, mediaan"] == "2,3 uur"
    assert cells(english)["Time to close, median"] == "2.3 h"
    assert cells(dutch)["Gemiddelde beoordeling (1–5)"] == "4,2"


def test_small_counts_and_what_would_give_them_away_are_not_shown(ctx: AppContext) -> None:
    html = render(figures(), ctx, "en").html.decode()
    shown = cells(html)
    assert shown["No-shows"] == "&lt;5"  # 3
    assert shown["No-show rate (of marked visits)"] == "–"  # 3 of 83 would be 4%
    # 96 visits = 80 + 3 + 13: the not-marked visits are covered too.
    assert shown["Not marked attended or no-show"] == HIDDEN
    assert shown["Attended"] == "80" and shown["Attended visits"] == "80"
    assert shown["No BSN yet, promised day passed"] == "&lt;5"  # 2
    assert shown["Failed after retries"] == "&lt;5"  # 4
    assert shown["Still waiting to be claimed"] == "&lt;5"  # 1
    assert shown["Visits"] == "96" and shown["People in these visits"] == "183"
    # The first week's 3 visits and the ratings of 1 and 3 stars.
    assert "&lt;5" in html.split("Visits per week</caption>")[1].split("</table>")[0]
    ratings = html.split("Ratings of hand-offs</caption>")[1].split("</table>")[0]
    assert ratings.count("&lt;5") == 2 and ">1<" not in ratings.replace("<th>1</th>", "")
    # A share resting on a small count is left out; one that does not is shown.
    assert shown["Promise kept (of visits whose promised day has passed)"] == "85%"  # 61 of 72
    # 2 overdue among the 72 whose promised day passed: the 9 late ones cover them.
    assert shown["BSN late, within the legal term of 4 weeks"] == HIDDEN
    tiny = figures(
        bsn=Bsn(80, 70, 2, 0, 0, 0, 8, (0, 20, 30, 20, 2, 0, 0, 0)),
    )
    assert (
        cells(render(tiny, ctx, "en").html.decode())[
            "Promise kept (of visits whose promised day has passed)"
        ]
        == "–"
    )  # 70 of 72 gives away the 2 late ones


def test_a_breakdown_that_cannot_be_covered_is_withheld(ctx: AppContext) -> None:
    # Six visits, one of them HR-invited: "<5" and "5" would give the 1 away, so would "<5"
    # and "×" (only 1 + 5 makes 6). Nothing of these breakdowns is shown.
    quiet = figures(
        visits=Visits(6, 0, (1, 5, 0, 0, 0, 0), (6, 0, 0, 0, 0), 6, 6, 0, 0, (0, 6), 1, 5),
    )
    html = render(quiet, ctx, "en").html.decode()
    weeks = html.split("Visits per week</caption>")[1].split("</table>")[0]
    assert weeks.count(HIDDEN) == 6 and "&lt;5" not in weeks
    shown = cells(html)
    assert (
        shown["HR-invited newcomers (visits)"] == shown["Self-service newcomers (visits)"] == HIDDEN
    )
    # Three weeks of 4 and a total of 12: a zero week is covered, so the 4s stay unknown.
    assert protect([4, 4, 4, 0, 0, 0]) == ("small", "small", "small", "hidden", "value", "value")


def test_topics_without_a_label_fall_back_to_their_id(ctx: AppContext) -> None:
    shown = cells(render(figures(), ctx, "en").html.decode())
    assert shown["Residence permits"] == "12" and shown["No close topic"] == "20"
    assert shown["brand-new-topic"] == "&lt;5"


def test_every_faq_topic_and_message_kind_has_a_label(ctx: AppContext) -> None:
    from bot.domain.reminders import KINDS

    topics = {ctx.faq.entry(i, lang).topic for i in ctx.faq.ids() for lang in ("en", "nl")}
    for lang in ("en", "nl"):
        keys = ctx.catalog.keys(lang)  # type: ignore[arg-type]
        assert {t for t in topics if f"report.topics.{t}" not in keys} == set()
        assert {k for k in (*KINDS, "ticket_reraise") if f"report.kinds.{k}" not in keys} == set()


def test_an_empty_month_still_makes_both_files(ctx: AppContext) -> None:
    empty = figures(
        visits=Visits(0, 0, (0,) * 6, (0,) * 5, 0, 0, 0, 0, (0, 0), 0, 0),
        bsn=Bsn(0, 0, 0, 0, 0, 0, 0, (0,) * 8),
        reminders=Reminders((0,) * 5, ()),
        handoffs=Handoffs(
            0, (0,) * 6, (0, 0, 0), Wait(0, None, None), Wait(0, None, None), (0,) * 5, None
        ),
        gaps=Gaps(0, (0,) * 6, (0, 0), ()),
        new_users=(0, 0),
    )
    report = render(empty, ctx, "nl")
    assert Image.open(io.BytesIO(report.png)).size == (1600, 1200)
    shown = cells(report.html.decode())
    assert shown["Bezoeken"] == "0" and shown["Tijd tot oppakken, mediaan"] == "–"
    assert shown["Belofte gehouden (van bezoeken waarvan de beloofde dag voorbij is)"] == "–"
