"""The report's figures on a seeded December, against values worked out here by hand and by
simple code of the test's own (not the report's), on SQLite and PostgreSQL.

The month has a Christmas holiday (Friday 25 and Saturday 26 December) and New Year's Day,
weekends inside BSN promises, BSNs issued near midnight (local date counts, not UTC), one on a
Saturday, some after the 4-week legal term, no-shows, a cancellation, a booking at another
location, reminders in every outcome, tickets with waiting times and ratings, unanswered
questions in both languages and HR-invited newcomers.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.content.context import AppContext
from bot.domain.booking import BookedVisit, party_of
from bot.domain.users import UserProfile
from bot.reports.build import render
from bot.reports.figures import Figures, Scope, collect
from bot.reports.period import Period
from bot.storage.database import Database
from bot.storage.tables import HireRow, OutboxRow
from bot.storage.unit_of_work import SqlUnitOfWork

AMS = ZoneInfo("Europe/Amsterdam")
DECEMBER = Period(date(2026, 12, 1), date(2026, 12, 31))
NOW = datetime(2027, 1, 5, 12, 0, tzinfo=AMS)  # Tuesday 5 January 2027
SEEDED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
# The test's own calendar: weekends, Christmas (25 and 26 Dec), New Year's Day.
HOLIDAYS = {date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)}


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), AMS)


def open_day(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def promised_by(visit: date) -> date:
    """The third working day after the visit, counted day by day."""
    day, left = visit, 3
    while left:
        day += timedelta(days=1)
        left -= open_day(day)
    return day


def days_taken(visit: date, issued: date) -> int:
    """Working days up to the issue, an issue on a closed day counting as the next open one."""
    if issued <= visit:
        return 0
    day, count = visit, 0
    while True:
        day += timedelta(days=1)
        if open_day(day) or day >= issued:
            count += 1
        if day >= issued:
            return count


@dataclass(frozen=True)
class Visit:
    user: int
    day: date
    size: int
    language: str
    attendance: str | None = None
    issued: datetime | None = None  # local moment the BSN was marked issued
    expected: str = ""  # the BSN outcome, written by hand
    location: str = "maastricht"
    cancelled: bool = False


D = date
VISITS = (
    # Tue 1 Dec: due Fri 4 Dec; issued that Friday.
    Visit(101, D(2026, 12, 1), 1, "en", "attended", local(D(2026, 12, 4), 15), "within"),
    # Wed 2 Dec: issued the next day.
    Visit(102, D(2026, 12, 2), 2, "nl", "attended", local(D(2026, 12, 3), 11), "within"),
    # Thu 3 Dec: due Tue 8 Dec (over a weekend); marked 00:15 on the 9th, i.e. still the 8th
    # in UTC: the local date counts, so it is late.
    Visit(103, D(2026, 12, 3), 1, "en", "attended", local(D(2026, 12, 9), 0, 15), "late"),
    # Fri 4 Dec: due Wed 9 Dec; issued Thu 10 Dec.
    Visit(104, D(2026, 12, 4), 3, "en", "attended", local(D(2026, 12, 10), 9), "late"),
    # Mon 7 Dec: the 4-week term ends Mon 4 Jan: issued that day is late, a day later beyond it.
    Visit(105, D(2026, 12, 7), 1, "en", "attended", local(D(2027, 1, 4), 16), "late"),
    Visit(106, D(2026, 12, 7), 2, "nl", "attended", local(D(2027, 1, 5), 9), "beyond_term"),
    # Tue 8 Dec: due Fri 11 Dec; issued on Saturday the 12th: late.
    Visit(107, D(2026, 12, 8), 4, "en", "attended", local(D(2026, 12, 12), 10), "late"),
    # Wed 9 Dec: due Mon 14 Dec, no BSN by 5 Jan; the 4 weeks end 6 Jan.
    Visit(108, D(2026, 12, 9), 1, "nl", "attended", None, "overdue"),
    # Tue 1 Dec: no BSN and the 4 weeks ended 29 Dec.
    Visit(109, D(2026, 12, 1), 1, "en", "attended", None, "overdue_beyond_term"),
    # Wed 23 Dec: due Tue 29 Dec (Christmas and a weekend skipped); issued 23:30 on the 29th.
    Visit(110, D(2026, 12, 23), 1, "en", "attended", local(D(2026, 12, 29), 23, 30), "within"),
    # Thu 24 Dec: due Wed 30 Dec; issued Mon 4 Jan (past New Year's Day).
    Visit(111, D(2026, 12, 24), 2, "nl", "attended", local(D(2027, 1, 4), 10), "late"),
    # Thu 31 Dec: due Wed 6 Jan: still waiting on 5 Jan.
    Visit(112, D(2026, 12, 31), 2, "en", "attended", None, "waiting"),
    # Wed 30 Dec: due Tue 5 Jan, the day of the report: not late yet.
    Visit(122, D(2026, 12, 30), 1, "nl", "attended", None, "waiting"),
    # Tue 29 Dec: due Mon 4 Jan (New Year's Day skipped): overdue on the 5th.
    Visit(113, D(2026, 12, 29), 1, "en", "attended", None, "overdue"),
    Visit(114, D(2026, 12, 10), 1, "nl", "no_show"),
    Visit(115, D(2026, 12, 11), 5, "en", "no_show"),
    Visit(116, D(2026, 12, 14), 2, "en"),  # not marked
    Visit(117, D(2026, 12, 22), 6, "nl"),  # not marked, a party of six
    Visit(118, D(2026, 12, 15), 1, "en", cancelled=True),
    # Another location: counted without a filter only (its BSN on the default calendar).
    Visit(
        119,
        D(2026, 12, 16),
        1,
        "en",
        "attended",
        local(D(2026, 12, 17), 12),
        "within",
        location="heerlen",
    ),
    # Outside December.
    Visit(120, D(2026, 11, 30), 1, "en", "attended", local(D(2026, 12, 1), 12), "within"),
    Visit(121, D(2027, 1, 4), 1, "en"),
)
HIRED_USERS = (101, 102, 110, 117, 120)  # 120 booked in November; one hire never opened


def week(day: date) -> int:
    return (day - date(2026, 11, 30)).days // 7  # weeks start on Monday 30 November


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(share * len(ordered)) - 1]


# Tickets: (user, opened (local), minutes to claim, minutes to close, rating)
TICKETS = (
    (201, local(D(2026, 12, 1), 0, 30), 5, 65, 5),  # 23:30 UTC on 30 Nov: still December here
    (202, local(D(2026, 12, 2)), 15, 30, 4),
    (203, local(D(2026, 12, 3)), 30, 200, 5),
    (204, local(D(2026, 12, 8)), 60, None, None),
    (205, local(D(2026, 12, 9)), None, None, None),
    (206, local(D(2026, 12, 15)), 10, 20, 1),
    (207, local(D(2026, 12, 19)), 600, 700, None),
    (208, local(D(2026, 12, 31), 23, 30), 45, 50, 3),
    (209, local(D(2026, 11, 30), 23, 30), 5, 10, 5),  # November
)
# Unanswered questions: (text, language, asked (local))
GAPS = (
    *(("what is a bsn", "en", local(D(2026, 12, d))) for d in (1, 2, 8, 9)),
    *(("  Wat is een BSN ", "nl", local(D(2026, 12, d))) for d in (14, 15)),
    *(("hoeveel kost de ind", "nl", local(D(2026, 12, d))) for d in (16, 22)),
    *(("recipe for pancakes", "en", local(D(2026, 12, d))) for d in (23, 28)),
    ("best pizza in town", "en", local(D(2026, 12, 31), 23, 59)),
    ("what is a bsn", "en", local(D(2027, 1, 1), 0, 5)),  # January
)
# Outbox: (kind, due (local), outcome, booking user or None)
OUTBOX = (
    ("evening_before", local(D(2026, 12, 1), 18), "sent", 101),
    ("evening_before", local(D(2026, 12, 2), 18), "sent", 102),
    ("evening_before", local(D(2026, 12, 3), 18), "undeliverable", 103),
    ("evening_before", local(D(2026, 12, 15), 18), "sent", 119),  # heerlen
    ("morning_of", local(D(2026, 12, 4), 8), "sent", 104),
    ("morning_of", local(D(2026, 12, 7), 8), "failed", 105),
    ("morning_of", local(D(2026, 12, 9), 8), "sent", 108),
    ("bsn_next_steps", local(D(2026, 12, 4), 16), "sent", 101),
    ("bsn_next_steps", local(D(2026, 12, 31), 23, 30), "pending", 112),
    ("no_show_offer", local(D(2026, 12, 10), 17), "dropped", 114),
    ("staff_digest", local(D(2026, 12, 1), 8, 30), "sent", None),
    ("staff_digest", local(D(2026, 12, 2), 8, 30), "sent", None),
    ("staff_digest", local(D(2026, 11, 30), 23, 30), "sent", None),  # November
    ("morning_of", local(D(2027, 1, 1), 0, 30), "pending", 121),  # January
)
# Users first seen: (user, language, when (local))
USERS = (
    (301, "en", local(D(2026, 12, 1), 0, 10)),
    (302, "en", local(D(2026, 12, 5))),
    (303, "nl", local(D(2026, 12, 12))),
    (304, "en", local(D(2026, 12, 31), 22)),
    (305, "nl", local(D(2026, 11, 30), 23, 50)),  # November
)


async def seed(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        ids: dict[int, int] = {}
        for v in VISITS:
            start = local(v.day)
            partner, children = v.size > 1, max(0, v.size - 2)
            booking = await uow.bookings.add(
                reference=f"MST-{v.user}",
                user_id=v.user,
                chat_id=v.user,
                location_id=v.location,
                visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=15)),),
                party=party_of(partner, children),
                language=v.language,
                now=SEEDED,
            )
            assert booking.party_size == v.size and booking.day == v.day
            ids[v.user] = booking.id
            if v.cancelled:
                await uow.bookings.change(booking.id, SEEDED, status="cancelled")
            if v.attendance is not None:
                await uow.bookings.change(booking.id, local(v.day, 17), attendance=v.attendance)
            if v.issued is not None:
                await uow.bookings.change(booking.id, v.issued, bsn_issued=True)
        for index, user in enumerate((*HIRED_USERS, None)):
            uow.session.add(
                HireRow(
                    kvk="12345678",
                    created_by=1,
                    body="(encrypted)",
                    arrival_date=date(2026, 11, 1),
                    route="hsm",
                    municipality="maastricht",
                    family_count=0,
                    token_hash=f"{index:064d}",
                    token_expires_at=SEEDED + timedelta(days=30),
                    user_id=user,
                    created_at=SEEDED,
                )
            )
        for user, opened, claim, close, rating in TICKETS:
            ticket = await uow.tickets.create(user, user, "en", "bsn", "Name", opened)
            if claim is not None:
                assert await uow.tickets.claim(
                    ticket.id, 900, "Staff", opened + timedelta(minutes=claim)
                )
            if close is not None:
                assert await uow.tickets.close(ticket.id, opened + timedelta(minutes=close))
            if rating is not None:
                assert await uow.tickets.rate(ticket.id, user, rating)
        for text, language, asked in GAPS:
            await uow.faq_gaps.record(text, language, asked)
        for kind, due, outcome, user in OUTBOX:
            await uow.outbox.add(
                chat_id=user or -100,
                kind=kind,
                due=due,
                language="en",
                now=SEEDED,
                user_id=user,
                booking_id=ids[user] if user else None,
            )
            if kind == "staff_digest":  # only one digest may wait at a time: seed each as it went
                await uow.session.flush()
                digest = await uow.session.scalar(select(func.max(OutboxRow.id)))
                assert digest is not None
                await uow.outbox.finish(digest, outcome, due + timedelta(seconds=5))
        await uow.session.flush()
        rows = list(await uow.session.scalars(select(OutboxRow.id).order_by(OutboxRow.id)))
        for row_id, (kind, due, outcome, user) in zip(rows, OUTBOX, strict=True):
            if kind == "staff_digest":
                continue
            if outcome == "dropped":
                assert user is not None
                await uow.outbox.drop(ids[user])
            elif outcome != "pending":
                await uow.outbox.finish(row_id, outcome, due + timedelta(seconds=5))
        for user, language, seen in USERS:
            await uow.users.save(UserProfile(user, language, True), seen)
        await uow.commit()


async def figures_for(database: Database, ctx: AppContext, location: str | None) -> Figures:
    # The hand-counted outcomes are written for a promise of 3 working days (promised_by).
    three_days = replace(ctx, reminders=replace(ctx.reminders, bsn_working_days=3))
    async with SqlUnitOfWork(database) as uow:
        return await collect(
            uow.reports, three_days, Scope(DECEMBER, location), NOW.astimezone(UTC)
        )


def in_scope(location: str | None) -> list[Visit]:
    return [
        v
        for v in VISITS
        if DECEMBER.first <= v.day <= DECEMBER.last and location in (None, v.location)
    ]


async def test_visits_bsn_and_newcomers_match_the_hand_count(
    database: Database, ctx: AppContext
) -> None:
    await seed(database)
    for location in (None, "maastricht"):
        figures = await figures_for(database, ctx, location)
        visits = [v for v in in_scope(location) if not v.cancelled]
        attended = [v for v in visits if v.attendance == "attended"]

        assert figures.visits.total == len(visits) == (19 if location is None else 18)
        assert figures.visits.cancelled == 1
        per_week = [0] * 5
        for v in visits:
            per_week[week(v.day)] += 1
        assert figures.visits.per_week == tuple(per_week)
        assert figures.visits.party_sizes == tuple(
            sum(1 for v in visits if min(v.size, 5) == size) for size in (1, 2, 3, 4, 5)
        )
        assert figures.visits.people == sum(v.size for v in visits)
        assert (figures.visits.attended, figures.visits.no_show, figures.visits.unmarked) == (
            len(attended),
            2,
            2,
        )
        assert figures.visits.languages == (
            sum(v.language == "nl" for v in visits),
            sum(v.language == "en" for v in visits),
        )
        assert figures.visits.hr_invited == sum(v.user in HIRED_USERS for v in visits) == 4
        assert figures.visits.self_service == len(visits) - 4

        bsn = figures.bsn
        outcome = {v.user: v.expected for v in attended}
        for key in ("within", "late", "beyond_term", "overdue", "overdue_beyond_term", "waiting"):
            field = "within_promise" if key == "within" else key
            assert getattr(bsn, field) == sum(1 for e in outcome.values() if e == key), key
        assert bsn.attended == len(attended)
        # The hand-written outcomes agree with the test's own calendar arithmetic.
        for v in attended:
            if v.issued is not None:
                issued = v.issued.astimezone(AMS).date()
                by_hand = (
                    "within"
                    if issued <= promised_by(v.day)
                    else "late"
                    if issued <= v.day + timedelta(days=28)
                    else "beyond_term"
                )
                assert by_hand == v.expected, v
            else:
                today = NOW.date()
                by_hand = (
                    "waiting"
                    if today <= promised_by(v.day)
                    else "overdue"
                    if today <= v.day + timedelta(days=28)
                    else "overdue_beyond_term"
                )
                assert by_hand == v.expected, v
        taken = [
            days_taken(v.day, v.issued.astimezone(AMS).date())
            for v in attended
            if v.issued is not None
        ]
        buckets = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 5), (6, 10), (11, 20), (21, 999)]
        assert bsn.working_days == tuple(
            sum(1 for t in taken if low <= t <= high) for low, high in buckets
        )
        decided = sum(1 for e in outcome.values() if e != "waiting")
        within = sum(1 for e in outcome.values() if e == "within")
        assert (bsn.decided, bsn.within_promise) == (decided, within)
        assert (decided, within) == ((13, 4) if location is None else (12, 3))


async def test_reminders_handoffs_gaps_and_users_match_the_hand_count(
    database: Database, ctx: AppContext
) -> None:
    await seed(database)
    everywhere = await figures_for(database, ctx, None)
    december = [row for row in OUTBOX if DECEMBER.contains(row[1].date())]
    for figures, rows in (
        (everywhere, december),
        (
            await figures_for(database, ctx, "maastricht"),
            [r for r in december if r[3] is not None and r[3] != 119],
        ),
    ):
        outcomes = [r[2] for r in rows]
        assert figures.reminders.statuses == (
            outcomes.count("sent"),
            outcomes.count("failed"),
            outcomes.count("undeliverable"),
            outcomes.count("dropped"),
            outcomes.count("pending"),
        )
        kinds = {kind: sum(1 for r in rows if r[0] == kind) for kind, *_ in rows}
        assert dict(figures.reminders.kinds) == kinds
    assert everywhere.reminders.statuses == (8, 1, 1, 1, 1)

    handoffs = everywhere.handoffs
    december_tickets = [t for t in TICKETS if DECEMBER.contains(t[1].date())]
    assert handoffs.total == len(december_tickets) == 8
    per_week = [0] * 5
    for t in december_tickets:
        per_week[week(t[1].date())] += 1
    assert handoffs.per_week == tuple(per_week)
    assert handoffs.statuses == (1, 1, 6)  # open, claimed, closed
    claims = [float(t[2]) for t in december_tickets if t[2] is not None]
    closes = [float(t[3]) for t in december_tickets if t[3] is not None]
    assert handoffs.to_claim.count == 7 and handoffs.to_close.count == 6
    assert handoffs.to_claim.median == statistics.median(claims) == 30.0
    assert handoffs.to_claim.p90 == nearest_rank(claims, 0.9) == 600.0
    assert handoffs.to_close.median == statistics.median(closes) == 57.5
    assert handoffs.to_close.p90 == nearest_rank(closes, 0.9) == 700.0
    ratings = [t[4] for t in december_tickets if t[4] is not None]
    assert handoffs.ratings == tuple(ratings.count(r) for r in range(1, 6)) == (1, 0, 1, 1, 2)
    assert handoffs.mean_rating == statistics.fmean(ratings) == 3.6

    gaps = everywhere.gaps
    december_gaps = [g for g in GAPS if DECEMBER.contains(g[2].date())]
    assert gaps.total == len(december_gaps) == 11
    per_week = [0] * 5
    for g in december_gaps:
        per_week[week(g[2].date())] += 1
    assert gaps.per_week == tuple(per_week)
    assert gaps.languages == (4, 7)  # nl, en
    # Closest FAQ topics, decided by hand: the BSN entry, the IND fees entry (a permits topic),
    # and nothing close for pancakes or pizza; "no topic" comes last.
    assert gaps.topics == (("bsn", 6), ("permits", 2), ("", 3))

    assert everywhere.new_users == (1, 3)  # nl, en


async def test_the_seeded_report_holds_no_reference_name_or_question(
    database: Database, ctx: AppContext
) -> None:
    await seed(database)
    figures = await figures_for(database, ctx, None)
    for lang in ("en", "nl"):
        report = render(figures, ctx, lang)  # type: ignore[arg-type]
        page = report.html.decode().lower()
        assert "december 2026" in page
        seeded_texts = [
            *(f"mst-{v.user}" for v in VISITS),
            *(text.strip().lower() for text, _, _ in GAPS),
            "pancakes",
            "pizza",
            "(encrypted)",
            "12345678",
        ]
        assert not [text for text in seeded_texts if text in page]
        assert b"MST-" not in report.png and b"pancakes" not in report.png
