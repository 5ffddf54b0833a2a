"""The report's numbers: a handful of queries reduced to frozen aggregates, no rows of people.

Visits are the active bookings whose day falls in the period (at one location with a filter).
The BSN figures follow those of them marked attended, as of `now`: the promise is the bot's own
(`bsn_due_date`: N working days after the visit at that location, weekends, public holidays
and configured closures skipped) and the legal term is 4 weeks (28 days). Reminders are outbox
rows due in the period; hand-offs are tickets opened in it; unanswered questions are FAQ gaps
asked in it; new users are users first seen in it. Tickets, questions and users belong to no
location, so a location filter leaves them for the whole pilot (the report says so).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.content.context import AppContext
from bot.domain.language import LANGUAGES, stored_language
from bot.domain.reminders import KINDS, bsn_due_date
from bot.domain.working_days import WorkingDays
from bot.reports.period import Period
from bot.storage.ports import ReportStore
from bot.storage.report_queries import (
    AskedGap,
    BookingFact,
    OutboxCount,
    TicketTimes,
)

PARTY_BUCKETS = (1, 2, 3, 4, 5)  # the last one is "5 or more"
# Working days the BSN took: (from, to) with None for "and more".
BSN_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 0),
    (1, 1),
    (2, 2),
    (3, 3),
    (4, 5),
    (6, 10),
    (11, 20),
    (21, None),
)
LEGAL_TERM_DAYS = 28
RATINGS = (1, 2, 3, 4, 5)
TICKET_STATUSES = ("open", "claimed", "closed")
# Outbox statuses as the report groups them: pending and sending rows are still waiting.
OUTBOX_GROUPS = ("sent", "failed", "undeliverable", "dropped", "waiting")
_OUTBOX_GROUP_OF = {"pending": "waiting", "sending": "waiting"}
# An unanswered question counts towards the FAQ topic it comes closest to only from this score
# (the matcher's scale, 0-100; it answers from 50 and offers choices from 35).
GAP_TOPIC_SCORE = 25.0
NO_TOPIC = ""


@dataclass(frozen=True)
class Scope:
    """Which days and which location a report covers (None: every location)."""

    period: Period
    location_id: str | None = None


@dataclass(frozen=True)
class Visits:
    """Active bookings of the period."""

    total: int
    cancelled: int
    per_week: tuple[int, ...]  # aligned with Period.weeks()
    party_sizes: tuple[int, ...]  # bookings per PARTY_BUCKETS
    people: int
    attended: int
    no_show: int
    unmarked: int
    languages: tuple[int, ...]  # per LANGUAGES
    hr_invited: int
    self_service: int


@dataclass(frozen=True)
class Bsn:
    """What became of the BSN promise for the attended visits of the period."""

    attended: int
    within_promise: int
    late: int  # issued after the promised day, within the legal term
    beyond_term: int  # issued after the legal term
    overdue: int  # not issued, the promised day has passed, the legal term not yet
    overdue_beyond_term: int  # not issued, the legal term has passed
    waiting: int  # not issued, the promised day has not passed yet
    working_days: tuple[int, ...]  # issued BSNs per BSN_BUCKETS

    @property
    def issued(self) -> int:
        """BSNs marked issued."""
        return self.within_promise + self.late + self.beyond_term

    @property
    def decided(self) -> int:
        """Visits whose promise is settled: issued, or its day passed without a BSN."""
        return self.issued + self.overdue + self.overdue_beyond_term


@dataclass(frozen=True)
class Wait:
    """How long tickets waited, in minutes (None without any)."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Handoffs:
    """Tickets opened in the period."""

    total: int
    per_week: tuple[int, ...]
    statuses: tuple[int, ...]  # per TICKET_STATUSES, as they are now
    to_claim: Wait
    to_close: Wait
    ratings: tuple[int, ...]  # per RATINGS
    mean_rating: float | None


@dataclass(frozen=True)
class Reminders:
    """Outbox rows due in the period."""

    statuses: tuple[int, ...]  # per OUTBOX_GROUPS
    kinds: tuple[tuple[str, int], ...]  # messages per kind, known kinds first

    @property
    def total(self) -> int:
        """Every row counted."""
        return sum(self.statuses)


@dataclass(frozen=True)
class Gaps:
    """Questions the FAQ could not answer, counted, never quoted."""

    total: int
    per_week: tuple[int, ...]
    languages: tuple[int, ...]  # per LANGUAGES
    topics: tuple[tuple[str, int], ...]  # closest FAQ topic, most frequent first; NO_TOPIC


@dataclass(frozen=True)
class Figures:
    """Every number the report shows, before small counts are hidden."""

    scope: Scope
    generated_at: datetime
    visits: Visits
    bsn: Bsn
    reminders: Reminders
    handoffs: Handoffs
    gaps: Gaps
    new_users: tuple[int, ...]  # per LANGUAGES


async def collect(queries: ReportStore, ctx: AppContext, scope: Scope, now: datetime) -> Figures:
    """Runs the report's queries (in the caller's transaction) and reduces their rows."""
    period = scope.period
    start, end = period.bounds(ctx.zone)
    bookings = await queries.bookings(period.first, period.last, scope.location_id)
    invited = await queries.invited_users()
    active = [b for b in bookings if b.status == "active"]
    return Figures(
        scope=scope,
        generated_at=now,
        visits=_visits(active, bookings, period, invited),
        bsn=_bsn(active, ctx, now),
        reminders=_reminders(await queries.outbox_counts(start, end, scope.location_id)),
        handoffs=_handoffs(await queries.tickets_opened(start, end), period, ctx.zone),
        gaps=_gaps(await queries.gaps_asked(start, end), ctx, period),
        new_users=_new_users(await queries.new_users(start, end)),
    )


def _visits(
    active: Sequence[BookingFact],
    every: Sequence[BookingFact],
    period: Period,
    invited: frozenset[int],
) -> Visits:
    per_week = [0] * len(period.weeks())
    sizes = [0] * len(PARTY_BUCKETS)
    for booking in active:
        per_week[period.week_of(booking.day)] += 1
        sizes[min(max(booking.size, 1), PARTY_BUCKETS[-1]) - 1] += 1
    attendance = Counter(b.attendance for b in active)
    languages = Counter(b.language for b in active)
    hr = sum(1 for b in active if b.user_id in invited)
    return Visits(
        total=len(active),
        cancelled=sum(1 for b in every if b.status == "cancelled"),
        per_week=tuple(per_week),
        party_sizes=tuple(sizes),
        people=sum(b.size for b in active),
        attended=attendance["attended"],
        no_show=attendance["no_show"],
        unmarked=attendance[None],
        languages=tuple(languages[lang] for lang in LANGUAGES),
        hr_invited=hr,
        self_service=len(active) - hr,
    )


def working_days_taken(visit: date, issued: date, working_days: WorkingDays) -> int:
    """Working days from the visit to the issue; an issue on a closed day counts as the next."""
    if issued <= visit:
        return 0
    between = sum(
        1
        for offset in range(1, (issued - visit).days)
        if working_days.is_working_day(visit + timedelta(days=offset))
    )
    return between + 1


def _bucket(days: int) -> int:
    for index, (low, high) in enumerate(BSN_BUCKETS):
        if days >= low and (high is None or days <= high):
            return index
    raise ValueError(days)  # unreachable: the last bucket is open-ended


def _bsn(active: Sequence[BookingFact], ctx: AppContext, now: datetime) -> Bsn:
    default = ctx.default_location.id
    counts: Counter[str] = Counter()
    buckets = [0] * len(BSN_BUCKETS)
    for booking in active:
        if booking.attendance != "attended":
            continue
        location = ctx.locations.get(booking.location_id) or ctx.locations[default]
        working_days = ctx.working_days[location.id]
        zone = ZoneInfo(location.timezone)
        due = bsn_due_date(booking.day, working_days, ctx.reminders)
        term_end = booking.day + timedelta(days=LEGAL_TERM_DAYS)
        counts["attended"] += 1
        if booking.bsn_issued_at is None:
            today = now.astimezone(zone).date()
            if today <= due:
                counts["waiting"] += 1
            else:
                counts["overdue_beyond_term" if today > term_end else "overdue"] += 1
            continue
        issued = booking.bsn_issued_at.astimezone(zone).date()
        buckets[_bucket(working_days_taken(booking.day, issued, working_days))] += 1
        if issued <= due:
            counts["within_promise"] += 1
        else:
            counts["beyond_term" if issued > term_end else "late"] += 1
    return Bsn(
        attended=counts["attended"],
        within_promise=counts["within_promise"],
        late=counts["late"],
        beyond_term=counts["beyond_term"],
        overdue=counts["overdue"],
        overdue_beyond_term=counts["overdue_beyond_term"],
        waiting=counts["waiting"],
        working_days=tuple(buckets),
    )


def _reminders(rows: Sequence[OutboxCount]) -> Reminders:
    statuses: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for row in rows:
        statuses[_OUTBOX_GROUP_OF.get(row.status, row.status)] += row.count
        kinds[row.kind] += row.count
    order: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
    return Reminders(
        statuses=tuple(statuses[group] for group in OUTBOX_GROUPS),
        kinds=tuple(
            sorted(kinds.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
        ),
    )


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of them at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _wait(minutes: list[float]) -> Wait:
    if not minutes:
        return Wait(0, None, None)
    return Wait(len(minutes), statistics.median(minutes), percentile(minutes, 0.9))


def _handoffs(rows: Sequence[TicketTimes], period: Period, zone: ZoneInfo) -> Handoffs:
    per_week = [0] * len(period.weeks())
    ratings = [0] * len(RATINGS)
    to_claim: list[float] = []
    to_close: list[float] = []
    given: list[int] = []
    statuses: Counter[str] = Counter()
    for ticket in rows:
        created, rating = ticket.created_at, ticket.rating
        per_week[period.week_of(created.astimezone(zone).date())] += 1
        statuses[ticket.status] += 1
        if ticket.claimed_at is not None:
            to_claim.append((ticket.claimed_at - created).total_seconds() / 60)
        if ticket.closed_at is not None:
            to_close.append((ticket.closed_at - created).total_seconds() / 60)
        if rating is not None and rating in RATINGS:
            ratings[rating - 1] += 1
            given.append(rating)
    return Handoffs(
        total=len(rows),
        per_week=tuple(per_week),
        statuses=tuple(statuses[status] for status in TICKET_STATUSES),
        to_claim=_wait(to_claim),
        to_close=_wait(to_close),
        ratings=tuple(ratings),
        mean_rating=statistics.fmean(given) if given else None,
    )


def closest_topic(ctx: AppContext, text: str, language: str) -> str:
    """The FAQ topic an unanswered question comes closest to, or NO_TOPIC."""
    ranked = ctx.faq.scores(text)
    if not ranked or ranked[0][1] < GAP_TOPIC_SCORE:
        return NO_TOPIC
    lang = stored_language(language)
    return ctx.faq.entry(ranked[0][0], lang).topic


def _gaps(rows: Sequence[AskedGap], ctx: AppContext, period: Period) -> Gaps:
    per_week = [0] * len(period.weeks())
    languages: Counter[str] = Counter()
    topics: Counter[str] = Counter()
    known: dict[tuple[str, str], str] = {}
    for gap in rows:
        per_week[period.week_of(gap.asked_at.astimezone(ctx.zone).date())] += 1
        languages[gap.language] += 1
        key = (" ".join(gap.text.lower().split()), gap.language)
        if key not in known:
            known[key] = closest_topic(ctx, key[0], gap.language)
        topics[known[key]] += 1
    return Gaps(
        total=len(rows),
        per_week=tuple(per_week),
        languages=tuple(languages[lang] for lang in LANGUAGES),
        topics=_most_frequent(topics.items()),
    )


def _most_frequent(items: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """Most frequent first; "no close topic" last, as it says least."""
    return tuple(sorted(items, key=lambda item: (item[0] == NO_TOPIC, -item[1], item[0])))


def _new_users(counts: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(counts.get(lang, 0) for lang in LANGUAGES)
