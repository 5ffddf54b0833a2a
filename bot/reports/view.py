"""Figures as the reader sees them: words in one language, small counts already hidden.

Everything charts.py and html.py draw comes from here, so the privacy rules live in one place:
every breakdown goes through `privacy.protect` (its total is shown too), every share through
`privacy.share_visible`, and medians and averages need at least 5 values behind them. Where
one breakdown's cell is another's total, the protection follows: the BSN outcomes in two levels
(attended = promised day passed + waiting, then the five outcomes of the first), the histogram
in two parts split at the promise (the count kept is shown too), and "attended" is hidden in the
BSN section whenever the attendance breakdown hides it. No figure carries a name, a reference or
a user's text: the figures never held any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from bot.content.catalog import LOCALES, Catalog
from bot.domain.language import LANGUAGES, Language
from bot.reports.figures import (
    BSN_BUCKETS,
    NO_TOPIC,
    OUTBOX_GROUPS,
    PARTY_BUCKETS,
    RATINGS,
    TICKET_STATUSES,
    Figures,
    Wait,
)
from bot.reports.privacy import HIDDEN, SMALL, THRESHOLD, Mark, is_small, protect, share_visible

DAY_PATTERN = "d MMMM y"
WEEK_PATTERN = "d MMM"


@dataclass(frozen=True)
class Series:
    """One breakdown: a chart and a small table."""

    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]
    marks: tuple[Mark, ...]
    texts: tuple[str, ...]  # each value as shown: a number, "<5" or "×"
    promise_after: int | None = None  # draw the promise line after this bar
    promise_label: str = ""
    horizontal: bool = False

    @property
    def heights(self) -> tuple[int, ...]:
        """Bar heights: hidden cells are drawn as empty bars with their marker."""
        return tuple(v if m == "value" else 0 for v, m in zip(self.values, self.marks, strict=True))

    @property
    def withheld(self) -> bool:
        """Whether nothing of the breakdown can be shown."""
        return any(self.values) and all(m == "hidden" for m in self.marks)


@dataclass(frozen=True)
class Fact:
    """A labelled figure."""

    label: str
    value: str


@dataclass(frozen=True)
class Section:
    """A part of the report."""

    title: str
    facts: tuple[Fact, ...]
    series: tuple[Series, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportView:
    """The whole report, ready to draw."""

    lang: Language
    title: str
    subtitle: str
    generated: str
    legend: str
    headline: tuple[Fact, ...]
    sections: tuple[Section, ...]
    withheld_text: str
    count_label: str


class _Words:
    """Labels and numbers in the report's language."""

    def __init__(self, catalog: Catalog, lang: Language) -> None:
        self.catalog = catalog
        self.lang = lang
        self.locale = LOCALES[lang]

    def __call__(self, key: str, **params: object) -> str:
        return self.catalog.plain(self.lang, f"report.{key}", **params)

    def optional(self, key: str, fallback: str) -> str:
        """A label that content may not have (a kind or topic added later)."""
        full = f"report.{key}"
        return (
            self.catalog.plain(self.lang, full)
            if full in self.catalog.texts[self.lang]
            else fallback
        )

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def count(self, value: int) -> str:
        return SMALL if is_small(value) else self.number(value)

    def marked(self, value: int, mark: Mark) -> str:
        return self.number(value) if mark == "value" else SMALL if mark == "small" else HIDDEN

    def share(self, part: int, whole: int) -> str:
        if not share_visible(part, whole):
            return self("not_shown")
        return format_percent(part / whole, "#,##0%", locale=self.locale)

    def day(self, value: date) -> str:
        return format_date(value, DAY_PATTERN, locale=self.locale)

    def week(self, value: date) -> str:
        return format_date(value, WEEK_PATTERN, locale=self.locale)

    def duration(self, minutes: float | None, wait: Wait) -> str:
        """A waiting time, when at least THRESHOLD tickets stand behind it."""
        if minutes is None or wait.count < THRESHOLD:
            return self("not_shown")
        if minutes < 120:
            return self("minutes", value=self.number(round(minutes)))
        return self(
            "hours", value=format_decimal(round(minutes / 60, 1), "#,##0.0", locale=self.locale)
        )


def _series(
    words: _Words,
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    marks: Sequence[Mark] | None = None,
    *,
    promise_after: int | None = None,
    promise_label: str = "",
    horizontal: bool = False,
) -> Series:
    """A breakdown with its cells protected (or with marks worked out by the caller)."""
    marks = tuple(marks) if marks is not None else protect(values)
    return Series(
        title,
        tuple(labels),
        tuple(values),
        marks,
        tuple(words.marked(v, m) for v, m in zip(values, marks, strict=True)),
        promise_after,
        promise_label,
        horizontal,
    )


def _facts(
    words: _Words, labels: Sequence[str], values: Sequence[int], marks: Sequence[Mark]
) -> tuple[Fact, ...]:
    """One fact per cell of a protected breakdown."""
    return tuple(
        Fact(label, words.marked(v, m)) for label, v, m in zip(labels, values, marks, strict=True)
    )


def build_view(
    figures: Figures,
    catalog: Catalog,
    lang: Language,
    *,
    location_name: str | None,
    zone_now: datetime,
    promise_days: int,
) -> ReportView:
    """Turns figures into what the reader sees; `zone_now` is the making time, local."""
    words = _Words(catalog, lang)
    period = figures.scope.period
    weeks = tuple(words.week(max(monday, period.first)) for monday in period.weeks())
    whole_pilot = (words("whole_pilot"),) if location_name is not None else ()
    visits = _visits_section(words, figures, weeks)
    bsn = _bsn_section(words, figures, promise_days)
    reminders = _reminders_section(words, figures, location_name is not None)
    handoffs = _handoffs_section(words, figures, weeks, whole_pilot)
    gaps = _gaps_section(words, figures, weeks, whole_pilot)
    people = _people_section(words, figures, whole_pilot)
    headline = (
        visits.facts[0],  # visits
        visits.facts[-1],  # no-show rate
        bsn.facts[2],  # within the promise
        bsn.facts[-1],  # share kept
        *reminders.facts[1:4],  # sent, failed, undeliverable
        handoffs.facts[0],  # hand-offs
        handoffs.facts[4],  # median time to claim
        handoffs.facts[-1],  # average rating
        gaps.facts[0],  # unanswered questions
    )
    return ReportView(
        lang=lang,
        title=words("title"),
        subtitle=" · ".join(
            (
                words("period", first=words.day(period.first), last=words.day(period.last)),
                location_name or words("all_locations"),
            )
        ),
        generated=words(
            "generated",
            moment=format_datetime(zone_now, f"{DAY_PATTERN} HH:mm", locale=words.locale),
        ),
        legend=words("legend"),
        headline=headline,
        sections=(visits, bsn, reminders, handoffs, gaps, people),
        withheld_text=words("charts.withheld"),
        count_label=words("count"),
    )


def _attendance_marks(figures: Figures) -> tuple[Mark, ...]:
    visits = figures.visits
    return protect((visits.attended, visits.no_show, visits.unmarked))


def _visits_section(words: _Words, figures: Figures, weeks: Sequence[str]) -> Section:
    visits = figures.visits
    attendance = (visits.attended, visits.no_show, visits.unmarked)
    marks = _attendance_marks(figures)
    no_show_rate = (
        words.share(visits.no_show, visits.attended + visits.no_show)
        if marks[0] == marks[1] == "value"
        else words("not_shown")
    )
    sizes = protect(visits.party_sizes)
    # The people total would let hidden party sizes be solved for: shown only without any.
    people = words.count(visits.people) if all(m == "value" for m in sizes) else words("not_shown")
    party_labels = [
        str(size) if size < PARTY_BUCKETS[-1] else words("labels.party_more", size=size)
        for size in PARTY_BUCKETS
    ]
    attendance_labels = [words(f"labels.{key}") for key in ("attended", "no_show", "unmarked")]
    return Section(
        words("sections.visits"),
        (
            Fact(words("facts.visits"), words.count(visits.total)),
            Fact(words("facts.people"), people),
            Fact(words("facts.cancelled"), words.count(visits.cancelled)),
            *_facts(
                words,
                [words(f"facts.{key}") for key in ("attended", "no_show", "unmarked")],
                attendance,
                marks,
            ),
            Fact(words("facts.no_show_rate"), no_show_rate),
        ),
        (
            _series(words, words("charts.visits_per_week"), weeks, visits.per_week),
            _series(words, words("charts.party_sizes"), party_labels, visits.party_sizes, sizes),
            _series(words, words("charts.attendance"), attendance_labels, attendance, marks),
        ),
    )


def _bsn_section(words: _Words, figures: Figures, promise_days: int) -> Section:
    """Protected in two levels: attended = promised day passed + waiting; the first of these
    splits into the five outcomes. The share kept needs only the upper level and the count
    kept, so a few overdue visits hide a neighbouring outcome rather than the share."""
    bsn = figures.bsn
    decided = (
        bsn.within_promise,
        bsn.late,
        bsn.beyond_term,
        bsn.overdue,
        bsn.overdue_beyond_term,
    )
    keys = ("within", "late", "beyond", "overdue", "overdue_beyond", "waiting")
    # The same number as "attended" under visits: hidden there, hidden here.
    attended_mark = _attendance_marks(figures)[0]
    upper = protect((bsn.decided, bsn.waiting))
    lower = protect(decided)
    outcomes, marks = (*decided, bsn.waiting), (*lower, upper[1])
    share = (
        words.share(bsn.within_promise, bsn.decided)
        if upper[0] == lower[0] == "value"
        else words("not_shown")
    )
    split = next(i for i, (low, _) in enumerate(BSN_BUCKETS) if low > promise_days)
    histogram_marks = (*protect(bsn.working_days[:split]), *protect(bsn.working_days[split:]))
    bucket_labels = [
        str(low) if high == low else f"{low}–{high}" if high is not None else f"{low}+"
        for low, high in BSN_BUCKETS
    ]
    return Section(
        words("sections.bsn"),
        (
            Fact(words("facts.bsn_attended"), words.marked(bsn.attended, attended_mark)),
            Fact(words("facts.bsn_decided"), words.marked(bsn.decided, upper[0])),
            *_facts(
                words,
                [words(f"facts.bsn_{key}", days=promise_days) for key in keys],
                outcomes,
                marks,
            ),
            Fact(words("facts.bsn_share"), share),
        ),
        (
            _series(
                words,
                words("charts.bsn_days"),
                bucket_labels,
                bsn.working_days,
                histogram_marks,
                promise_after=split - 1,
                promise_label=words("charts.bsn_promise", days=promise_days),
            ),
            _series(
                words,
                words("charts.bsn_outcomes"),
                [words(f"labels.{key}") for key in keys],
                outcomes,
                marks,
                horizontal=True,
            ),
        ),
        (words("notes.bsn"),),
    )


def _reminders_section(words: _Words, figures: Figures, filtered: bool) -> Section:
    reminders = figures.reminders
    marks = protect(reminders.statuses)
    shown = [
        i for i, group in enumerate(OUTBOX_GROUPS) if group != "dropped" and group != "waiting"
    ]
    series = [
        _series(
            words,
            words("charts.reminders_status"),
            [words(f"statuses.{group}") for group in OUTBOX_GROUPS],
            reminders.statuses,
            marks,
        )
    ]
    if reminders.kinds:
        series.append(
            _series(
                words,
                words("charts.reminders_kind"),
                [words.optional(f"kinds.{kind}", kind) for kind, _ in reminders.kinds],
                [n for _, n in reminders.kinds],
                horizontal=True,
            )
        )
    return Section(
        words("sections.reminders"),
        (
            Fact(words("facts.messages"), words.count(reminders.total)),
            *_facts(
                words,
                [words(f"facts.{OUTBOX_GROUPS[i]}") for i in shown],
                [reminders.statuses[i] for i in shown],
                [marks[i] for i in shown],
            ),
        ),
        tuple(series),
        (words("notes.reminders"),) if filtered else (),
    )


def _handoffs_section(
    words: _Words, figures: Figures, weeks: Sequence[str], whole_pilot: tuple[str, ...]
) -> Section:
    handoffs = figures.handoffs
    marks = protect(handoffs.statuses)
    rating = (
        format_decimal(round(handoffs.mean_rating, 1), "0.0", locale=words.locale)
        if handoffs.mean_rating is not None and sum(handoffs.ratings) >= THRESHOLD
        else words("not_shown")
    )
    return Section(
        words("sections.handoffs"),
        (
            Fact(words("facts.handoffs"), words.count(handoffs.total)),
            *_facts(
                words,
                [words(f"facts.ticket_{status}") for status in TICKET_STATUSES],
                handoffs.statuses,
                marks,
            ),
            Fact(
                words("facts.claim_median"),
                words.duration(handoffs.to_claim.median, handoffs.to_claim),
            ),
            Fact(
                words("facts.claim_p90"), words.duration(handoffs.to_claim.p90, handoffs.to_claim)
            ),
            Fact(
                words("facts.close_median"),
                words.duration(handoffs.to_close.median, handoffs.to_close),
            ),
            Fact(
                words("facts.close_p90"), words.duration(handoffs.to_close.p90, handoffs.to_close)
            ),
            Fact(words("facts.mean_rating"), rating),
        ),
        (
            _series(words, words("charts.handoffs_per_week"), weeks, handoffs.per_week),
            _series(
                words,
                words("charts.handoff_statuses"),
                [words(f"labels.ticket_{status}") for status in TICKET_STATUSES],
                handoffs.statuses,
                marks,
            ),
            _series(words, words("charts.ratings"), [str(r) for r in RATINGS], handoffs.ratings),
        ),
        (*whole_pilot, words("notes.handoffs")),
    )


def _gaps_section(
    words: _Words, figures: Figures, weeks: Sequence[str], whole_pilot: tuple[str, ...]
) -> Section:
    gaps = figures.gaps
    series = []
    if gaps.topics:
        topics = [
            words("labels.no_topic")
            if topic == NO_TOPIC
            else words.optional(f"topics.{topic}", topic)
            for topic, _ in gaps.topics
        ]
        series.append(
            _series(
                words,
                words("charts.gaps_topic"),
                topics,
                [n for _, n in gaps.topics],
                horizontal=True,
            )
        )
    series += [
        _series(words, words("charts.gaps_per_week"), weeks, gaps.per_week),
        _series(words, words("charts.gaps_language"), _language_names(words), gaps.languages),
    ]
    return Section(
        words("sections.gaps"),
        (Fact(words("facts.gaps"), words.count(gaps.total)),),
        tuple(series),
        (*whole_pilot, words("notes.gaps")),
    )


def _people_section(words: _Words, figures: Figures, whole_pilot: tuple[str, ...]) -> Section:
    visits = figures.visits
    newcomers = (visits.hr_invited, visits.self_service)
    marks = protect(newcomers)
    names = _language_names(words)
    return Section(
        words("sections.people"),
        (
            *_facts(
                words, [words("facts.hr_invited"), words("facts.self_service")], newcomers, marks
            ),
            Fact(words("facts.new_users"), words.count(sum(figures.new_users))),
        ),
        (
            _series(words, words("charts.visit_languages"), names, visits.languages),
            _series(
                words,
                words("charts.newcomers"),
                [words("labels.hr_invited"), words("labels.self_service")],
                newcomers,
                marks,
            ),
            _series(words, words("charts.user_languages"), names, figures.new_users),
        ),
        whole_pilot,
    )


def _language_names(words: _Words) -> list[str]:
    return [words(f"languages.{lang}") for lang in LANGUAGES]
