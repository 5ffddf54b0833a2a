"""HR of recognised sponsors register hires; hires open their link, confirm and book; HR follows.

Transcripts against the production Application and the fake Bot API, on SQLite and PostgreSQL,
in both languages, with the security cases of issue 6: other sponsors' hires, forged buttons,
guessed ids, used/expired/unknown links and HR accounts that are not (or no longer) approved.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import threading
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.app import Runtime, build_runtime, running
from bot.content.catalog import Catalog, format_day
from bot.dialogs.callbacks import (
    HrButton,
    HrDecide,
    HrDecideListed,
    HrNewLink,
    HrNotify,
    HrPage,
    StaffMark,
)
from bot.domain.hires import HIRE_COLUMNS, HireDraft, RowProblem
from bot.domain.invites import new_token, token_hash
from bot.storage.unit_of_work import SqlUnitOfWork
from bot.uploads import hire_files
from bot.uploads.hire_files import row_problem_text
from fakebotapi import BotMessage, FakeBotApi, SimGroup
from tests.conftest import CONTENT
from tests.e2e.conftest import Chat, bot_settings
from tests.e2e.db_checks import audit_trail, row_count, stored_text
from tests.e2e.stored import active_booking
from tests.e2e.test_booking import book_first_free

pytestmark = pytest.mark.e2e
CATALOG = Catalog.load(CONTENT)
STAFF_CHAT = -100700
ADMIN = 9700
KVK_A, ORG_A = "10000001", "Demo Research Institute (sample)"
KVK_B, ORG_B = "10000002", "Demo Semiconductor BV (sample)"
LINK = re.compile(r"https://t\.me/onestop_e2e_bot\?start=([A-Za-z0-9_-]{43})")
TAG = re.compile(r"<[^>]+>")
ZONE = ZoneInfo("Europe/Amsterdam")


def t(lang: str, key: str, **params: object) -> str:
    """A text as the user reads it (HTML tags removed)."""
    return TAG.sub("", CATALOG.plain(lang, key, **params))  # type: ignore[arg-type]


def other(lang: str) -> str:
    return "nl" if lang == "en" else "en"


def today() -> date:
    return datetime.now(ZONE).date()


@pytest.fixture
async def hr_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[Runtime]:
    """The bot with a staff chat whose admin decides on HR access."""
    settings = bot_settings(fake, database_url, staff_chat_id=STAFF_CHAT, admin_user_ids=(ADMIN,))
    runtime = build_runtime(settings)
    async with running(runtime, "polling"):
        yield runtime
        await fake.wait_until_idle(timeout=20)


def staff_group(fake: FakeBotApi) -> SimGroup:
    if STAFF_CHAT not in fake.world.chats:
        fake.add_user(ADMIN, "Anna", "en")
        fake.add_user(ADMIN + 1, "Tom", "en")
        return fake.add_group(
            STAFF_CHAT, "Desk staff", members={ADMIN: "administrator", ADMIN + 1: "member"}
        )
    chat = fake.world.chats[STAFF_CHAT].chat
    assert isinstance(chat, SimGroup)
    return chat


async def request_access(fake: FakeBotApi, hr: Chat, lang: str, kvk: str) -> BotMessage:
    """HR asks for access; returns the request as it arrived in the staff chat."""
    group = staff_group(fake)
    [*_, question] = await hr.send("/hr")
    assert t(lang, "hr.onboarding.kvk_question") in question.content
    replies = await hr.send(kvk[:4] + " " + kvk[4:])
    assert any(t(lang, "hr.onboarding.sample_note") in m.content for m in replies)
    await hr.send(f"hr{hr.user.id}@demo.example")
    confirm = hr.last
    assert f"hr{hr.user.id}@demo.example" in confirm.content and kvk in confirm.content
    [sent] = await hr.tap(t(lang, "hr.onboarding.send"))
    assert sent.content == t(lang, "hr.onboarding.sent")
    return await fake.wait_for_bot_message(
        group, predicate=lambda m: f"(user {hr.user.id})" in m.content and bool(m.buttons())
    )


async def decide(fake: FakeBotApi, request: BotMessage, label: str, who: int = ADMIN) -> str:
    tap = await fake.tap(fake.user(who), request, label)
    answer = await fake.wait_for_callback_answer(tap)
    await fake.wait_until_idle()
    return answer.text or ""


async def approved_hr(fake: FakeBotApi, user_id: int, lang: str, kvk: str = KVK_A) -> Chat:
    hr = Chat(fake, fake.add_user(user_id, f"HR{user_id}", lang))
    request = await request_access(fake, hr, lang, kvk)
    await decide(fake, request, t("en", "hr.staff.approve"))
    await hr._settle()
    return hr


def links(messages: list[BotMessage]) -> list[str]:
    return [token for m in messages for token in LINK.findall(m.content)]


def upload_csv(lang: str, rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if lang == "nl" else ",")
    writer.writerow([t(lang, f"hire_files.headers.{c}") for c in HIRE_COLUMNS])
    for row in rows:
        writer.writerow([row.get(c, "") for c in HIRE_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def upload_xlsx(lang: str, rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([t(lang, f"hire_files.headers.{c}") for c in HIRE_COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def send_file(hr: Chat, name: str, data: bytes) -> list[BotMessage]:
    await hr.fake.send_document(hr.user, name, data)
    await hr.fake.wait_for_bot_message(hr.user, timeout=20)
    return await hr._settle()


def problem(lang: str, row: int, column: str, key: str, **params: str) -> str:
    return TAG.sub("", row_problem_text(CATALOG, lang, RowProblem(row, column, key, params)))  # type: ignore[arg-type]


async def open_link(chat: Chat, token: str) -> list[BotMessage]:
    return await chat.send(f"/start {token}")


async def booking_of(bot: Runtime, user_id: int) -> tuple[str, date]:
    booking = await active_booking(bot.database, user_id)
    return booking.reference, booking.day


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_hr_uploads_hires_a_hire_confirms_and_books_and_hr_follows_the_status(
    fake: FakeBotApi, hr_bot: Runtime, lang: str
) -> None:
    hr = Chat(fake, fake.add_user(8101, "Hanna", lang))
    request = await request_access(fake, hr, lang, KVK_A)
    assert ORG_A in request.content and KVK_A in request.content and "Hanna" in request.content
    assert await decide(fake, request, t("en", "hr.staff.approve"), who=ADMIN + 1) == t(
        "en", "staff.refused"
    )
    await decide(fake, request, t("en", "hr.staff.approve"))
    assert t("en", "hr.staff.approved", staff="Anna") in request.content  # edited in place
    assert request.buttons() == []
    approved = await fake.wait_for_bot_message(
        hr.user, predicate=lambda m: t(lang, "hr.home.upload") in m.buttons()
    )
    assert t(lang, "hr.decision.approved", organisation=ORG_A) in approved.content
    await hr._settle()

    # The templates come in HR's language; then a CSV with good and bad rows.
    templates = await hr.tap(t(lang, "hr.home.upload"))
    files = [m.document.file_name for m in templates if m.document is not None]
    assert files == [f"hires-template-{lang}.xlsx", f"hires-template-{lang}.csv"]
    arrival = (today() + timedelta(days=40)).isoformat()
    good = {"arrival_date": arrival, "route": "hsm", "municipality": "Maastricht"}
    rows = [
        {**good, "name": "Zoe Odegaard", "email": "zoe@example.org", "family_members": "1",
         "language": lang},
        {**good, "name": "Bad <Name> 2", "email": "not-an-email"},
        {**good, "name": "Jan de Vries", "phone": "+31 6 12345678", "route": "researcher",
         "municipality": "heerlen", "language": other(lang)},
        {**good, "name": "Sam Student", "email": "sam@example.org", "route": "student",
         "municipality": "Amsterdam"},
        {**good, "name": "No Contact"},
    ]  # fmt: skip
    report = await send_file(hr, "hires.csv", upload_csv(lang, rows))
    everything = "\n".join(m.content for m in report)
    assert t(lang, "hr.upload.report", created=2, total=5, failed=3) in everything
    assert problem(lang, 3, "name", "validation.name_chars") in everything
    assert problem(lang, 3, "email", "validation.email_format") in everything
    assert problem(lang, 5, "route", "hire_files.route_unknown", routes="hsm, researcher") in (
        everything
    )
    assert problem(
        lang, 5, "municipality", "hire_files.municipality_unknown", value="Amsterdam"
    ) in (everything)
    assert problem(lang, 6, "email", "hire_files.contact_missing") in everything
    zoe_token, jan_token = links(report)
    assert "Zoe Odegaard" in everything and "Jan de Vries" in everything

    # The same with an XLSX: a date cell, a number cell, one row too far ahead.
    await hr.tap(t(lang, "hr.home.upload"))
    xlsx = upload_xlsx(
        lang,
        [
            ["Priya Raman", "priya@example.in", None, today() + timedelta(days=10), "hsm",
             "Sittard-Geleen", 2, "en"],
            ["Late Larry", "larry@example.org", None, today() + timedelta(days=800), "hsm",
             "Maastricht", 0, "en"],
        ],
    )  # fmt: skip
    report = await send_file(hr, "hires.xlsx", xlsx)
    everything = "\n".join(m.content for m in report)
    assert t(lang, "hr.upload.report", created=1, total=2, failed=1) in everything
    assert (
        t(lang, "hire_files.headers.arrival_date") in everything and "Late Larry" not in everything
    )
    [priya_token] = links(report)
    async with SqlUnitOfWork(hr_bot.database) as uow:
        # invalid rows were not created, not even partly
        assert await uow.hires.count_for_sponsor(KVK_A) == 3

    # The hire opens the link: welcome in the hire's language, naming the employer.
    zoe = Chat(fake, fake.add_user(8201, "Zoë", "de"))
    replies = await open_link(zoe, zoe_token)
    assert t(lang, "hr.invite.welcome", name="Zoë", employer=ORG_A) in replies[0].content
    review = zoe.last
    assert "Zoe Odegaard" in review.content and "zoe@example.org" in review.content
    name_field = t(lang, "hire_files.headers.name")
    await zoe.tap(t(lang, "hr.invite.fix", field=name_field))
    [corrected, review] = await zoe.send("Zoë Ødegaard")
    assert corrected.content == t(lang, "hr.invite.corrected", field=name_field)
    assert "Zoë Ødegaard" in review.content
    [family] = await zoe.tap(t(lang, "hr.invite.all_correct"))
    assert family.content == t(lang, "hr.invite.family_question")
    [eligible] = await zoe.tap(t(lang, "eligibility.options.family.partner"))
    assert t(lang, "hr.invite.eligible", employer=ORG_A, date=format_day(
        hr_bot.ctx.sponsors.taken_on, lang), route=t(lang, "eligibility.options.route.hsm"),
        municipality="Maastricht").split("\n")[0] in eligible.content  # fmt: skip
    await zoe.tap(t(lang, "eligibility.book"))
    await book_first_free(zoe, lang)
    booking = await active_booking(hr_bot.database, 8201)
    reference, day = booking.reference, booking.day
    assert "partner" in [m.role for m in booking.party]

    # HR is told, with the name HR entered and the date only.
    booked = await fake.wait_for_bot_message(
        hr.user,
        predicate=lambda m: t(lang, "hr.notify.booked", name="x", date="y")[:6] in m.content,
    )
    assert booked.content == t(
        lang, "hr.notify.booked", name="Zoe Odegaard", date=format_day(day, lang)
    )
    await hr._settle()
    [listing] = await hr.send("/hires")
    assert t(lang, "hr.hires.status.booked", date=format_day(day, lang)) in listing.content
    assert "Zoe Odegaard" in listing.content and "Zoë Ødegaard" not in listing.content
    assert reference not in listing.content and "zoe@example.org" not in listing.content
    valid_until = format_day(today() + timedelta(days=30), lang)
    assert t(lang, "hr.hires.status.invited", date=valid_until) in listing.content

    # The second hire opens theirs in the other language, with no family: straight to eligible.
    jan = Chat(fake, fake.add_user(8202, "Jan", lang))
    await open_link(jan, jan_token)
    [eligible] = await jan.tap(t(other(lang), "hr.invite.all_correct"))
    assert t(other(lang), "eligibility.book") in eligible.buttons()
    [listing] = await hr.send("/hires")
    assert t(lang, "hr.hires.status.opened", date=format_day(today(), lang)) in listing.content

    # Staff mark the visit attended and the BSN issued: HR hears of it.
    group = staff_group(fake)
    admin = fake.user(ADMIN)
    await fake.send_text(admin, f"/agenda {day.isoformat()}", chat=group)
    agenda = await fake.wait_for_bot_message(group, predicate=lambda m: reference in m.content)
    await fake.wait_until_idle()
    tap = await fake.tap(admin, agenda, StaffMark("att", reference).pack())
    await fake.wait_for_callback_answer(tap)
    await fake.wait_until_idle()
    await fake.send_text(admin, f"/bsn_issued {reference}", chat=group)
    issued = await fake.wait_for_bot_message(
        hr.user, predicate=lambda m: "BSN" in m.content and "Zoe Odegaard" in m.content
    )
    assert issued.content == t(
        lang, "hr.notify.bsn_issued", name="Zoe Odegaard", date=format_day(today(), lang)
    )
    await hr._settle()
    [listing] = await hr.send("/hires")
    assert t(lang, "hr.hires.status.bsn_issued", date=format_day(today(), lang)) in listing.content
    assert priya_token not in listing.content


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_hr_registers_a_hire_in_a_conversation_and_the_hire_books(
    fake: FakeBotApi, hr_bot: Runtime, lang: str
) -> None:
    hr = await approved_hr(fake, 8111, lang)
    await hr.send("/hr")
    [_intro, name_question] = await hr.tap(t(lang, "hr.home.register"))
    assert name_question.content == t(lang, "hr.register.ask.name")
    [refused, again] = await hr.send("R2-D2")
    assert refused.content == t(lang, "validation.name_chars")
    await hr.send("Ana María López")
    await hr.tap(t(lang, "hr.register.skip"))  # no e-mail
    [refused, again] = await hr.tap(t(lang, "hr.register.skip"))  # and no phone: refused
    assert refused.content == t(lang, "hire_files.contact_missing")
    [bad_phone, _] = await hr.send("12")
    assert bad_phone.content.startswith(t(lang, "validation.phone_format")[:20])
    await hr.send("+34 612 345 678")
    arrival = today() + timedelta(days=20)
    await hr.send(arrival.strftime("%d-%m-%Y"))
    await hr.tap(t(lang, "eligibility.options.route.researcher"))
    await hr.tap("Maastricht")
    await hr.tap("0")
    [review] = await hr.tap(t(other(lang), "hr.fields.languages." + other(lang)))
    assert "Ana María López" in review.content and "+34612345678" in review.content
    assert format_day(arrival, lang) in review.content
    [created, _home] = await hr.tap(t(lang, "hr.register.create"))
    [token] = links([created])
    hires = await stored_text(hr_bot.database, "hires")
    assert "López" not in await stored_text(hr_bot.database, "dialogs")
    assert "López" not in hires and token not in hires

    ana = Chat(fake, fake.add_user(8211, "Ana", "en"))
    [welcome, review] = await open_link(ana, token)
    assert ORG_A in welcome.content
    assert t(other(lang), "hr.invite.all_correct") in review.buttons()
    [eligible] = await ana.tap(t(other(lang), "hr.invite.all_correct"))
    assert t(other(lang), "eligibility.book") in eligible.buttons()
    await ana.tap(t(other(lang), "eligibility.book"))
    await book_first_free(ana, other(lang))
    _, day = await booking_of(hr_bot, 8211)
    notice = await fake.wait_for_bot_message(
        hr.user, predicate=lambda m: m.content.startswith("📅")
    )
    assert notice.content == t(
        lang, "hr.notify.booked", name="Ana María López", date=format_day(day, lang)
    )
    # Opening the link again resumes for the same user and refuses anyone else, showing nothing.
    [_, again] = await open_link(ana, token)
    assert t(other(lang), "eligibility.book") in again.buttons()
    mallory = Chat(fake, fake.add_user(8212, "Mallory", lang))
    [used] = await open_link(mallory, token)
    assert used.content == t(lang, "hr.invite.used")


async def test_hr_of_one_sponsor_never_sees_or_changes_another_sponsors_hires(
    fake: FakeBotApi, hr_bot: Runtime
) -> None:
    alice = await approved_hr(fake, 8121, "en", KVK_A)
    bob = await approved_hr(fake, 8122, "nl", KVK_B)
    await bob.tap(t("nl", "hr.home.upload"))
    arrival = (today() + timedelta(days=5)).isoformat()
    rows = [
        {
            "name": "Bram Geheim",
            "email": "bram@example.nl",
            "arrival_date": arrival,
            "route": "hsm",
            "municipality": "Beek",
        }
    ]
    [bob_token] = links(await send_file(bob, "b.csv", upload_csv("nl", rows)))
    async with SqlUnitOfWork(hr_bot.database) as uow:
        bob_hire = await uow.hires.by_token_hash(token_hash(bob_token))
    assert bob_hire is not None and bob_hire.kvk == KVK_B

    [listing] = await alice.send("/hires")
    assert "Bram" not in listing.content and t("en", "hr.hires.empty") in listing.content
    others = [HrNewLink(n).pack() for n in (bob_hire.id, *range(0, 6))]
    for data in [*others, "hr:nl:-1", "hr:nl:²", "hr:nl:99999999999"]:  # the last three forged
        tap = await fake.forge_tap(alice.user, listing, data)
        answer = await fake.wait_for_callback_answer(tap)
        await fake.wait_until_idle()
        key = "hr.hires.not_found" if data in others else "errors.stale_button"
        assert answer.text == t("en", key), data
    for page in [0, 1, 99]:
        tap = await fake.forge_tap(alice.user, listing, HrPage(page).pack())
        await fake.wait_for_callback_answer(tap)
        await fake.wait_until_idle()
    assert "Bram" not in alice.transcript() and not links(fake.chat_messages(alice.user))
    async with SqlUnitOfWork(hr_bot.database) as uow:  # the link was neither renewed nor used
        assert await uow.hires.by_token_hash(token_hash(bob_token)) == bob_hire
    assert await row_count(hr_bot.database, "hires") == 1
    # Bob's link still works, and Bob can renew it while it is unopened.
    [listing] = await bob.send("/hires")
    assert "Bram Geheim" in listing.content
    [renewed] = await bob.tap(t("nl", "hr.hires.new_link", number=bob_hire.id, name="Bram Geheim"))
    [fresh] = links([renewed])
    bram = Chat(fake, fake.add_user(8221, "Bram", "nl"))
    [refused] = await open_link(bram, bob_token)
    assert refused.content == t("nl", "hr.invite.unknown")
    [welcome, _] = await open_link(bram, fresh)
    assert ORG_B in welcome.content
    # An HR account never opens its own sponsor's link (that would use it up).
    await bob.tap(t("nl", "hr.home.upload"))
    again = await send_file(bob, "c.csv", upload_csv("nl", rows))
    assert not links(again)  # Bram is registered already: no second hire, no second link
    assert t("nl", "hire_files.already_registered", name="Bram Geheim")[:30] in " ".join(
        m.content for m in again
    )
    second = [{**rows[0], "name": "Saskia Geheim", "email": "saskia@example.nl"}]
    await bob.tap(t("nl", "hr.home.upload"))
    [other_token] = links(await send_file(bob, "d.csv", upload_csv("nl", second)))
    [own] = await open_link(bob, other_token)
    assert own.content == t("nl", "hr.invite.own_hire")


async def test_unknown_used_and_expired_links_get_a_clear_message_and_no_data(
    fake: FakeBotApi, hr_bot: Runtime
) -> None:
    expired_token, open_token = new_token(), new_token()
    async with SqlUnitOfWork(hr_bot.database) as uow:
        for token, expires in (
            (expired_token, datetime.now(ZONE) - timedelta(minutes=1)),
            (open_token, datetime.now(ZONE) + timedelta(days=3)),
        ):
            await uow.hires.create(
                HireDraft(
                    "Geheime Naam", "secret@example.org", "", today(), "hsm", "beek", 0, "en"
                ),
                kvk=KVK_A,
                created_by=1,
                token_hash=token_hash(token),
                expires_at=expires,
                now=datetime.now(ZONE),
            )
        await uow.commit()
    user = Chat(fake, fake.add_user(8231, "Eve", "en"))
    cases = [
        (new_token(), "hr.invite.unknown"),
        (open_token[:-1], "hr.invite.unknown"),  # truncated
        (open_token[:-1] + ("A" if open_token[-1] != "A" else "B"), "hr.invite.unknown"),
        (expired_token, "hr.invite.expired"),
    ]
    for token, key in cases:
        [reply] = await open_link(user, token)
        assert reply.content == t("en", key), token
    first = Chat(fake, fake.add_user(8232, "First", "en"))
    await open_link(first, open_token)
    [reply] = await open_link(user, open_token)
    assert reply.content == t("en", "hr.invite.used")
    assert "Geheim" not in user.transcript() and "secret" not in user.transcript()
    assert "Demo" not in user.transcript()  # not even the employer
    # A /start without a token-shaped argument is the ordinary welcome.
    [welcome] = await user.send("/start hello")
    assert welcome.content.startswith(t("en", "start.welcome", name="Eve")[:10])


async def test_hr_accounts_that_are_not_approved_can_do_nothing_hr_only(
    fake: FakeBotApi, hr_bot: Runtime
) -> None:
    group = staff_group(fake)
    pending = Chat(fake, fake.add_user(8141, "Pia", "en"))
    await request_access(fake, pending, "en", KVK_A)
    rejected = Chat(fake, fake.add_user(8142, "Rob", "nl"))
    await decide(
        fake, await request_access(fake, rejected, "nl", KVK_A), t("en", "hr.staff.reject")
    )
    assert t("nl", "hr.decision.rejected", organisation=ORG_A) in rejected.last.content
    revoked = await approved_hr(fake, 8143, "en")
    # Revoked in the middle of registering a hire.
    await revoked.tap(t("en", "hr.home.register"))
    await fake.send_text(fake.user(ADMIN), "/hr_revoke 8143", chat=group)
    await fake.wait_for_bot_message(
        group, predicate=lambda m: "8143" in m.content and "⛔" in m.content
    )
    await fake.wait_until_idle()
    assert t("en", "hr.decision.revoked", organisation=ORG_A) in revoked.last.content
    await revoked._settle()
    [refused, *_] = await revoked.send("Some Name")
    assert refused.content == t("en", "hr.home.not_hr")
    # Someone who never asked for access at all.
    stranger = Chat(fake, fake.add_user(8144, "Sam", "en"))
    await stranger.send("/start")

    for chat, lang in ((pending, "en"), (rejected, "nl"), (revoked, "en"), (stranger, "en")):
        [*_, reply] = await chat.send("/hires")
        assert reply.content == t(lang, "hr.home.not_hr")
        for tapped in [
            HrButton("reg"),
            HrButton("up"),
            HrButton("ls"),
            HrPage(0),
            HrNewLink(1),
            HrNotify(False),
            HrButton("home"),
        ]:
            tap = await fake.forge_tap(chat.user, chat.last, tapped.pack())
            answer = await fake.wait_for_callback_answer(tap)
            await fake.wait_until_idle()
            assert answer.text == t(lang, "hr.home.not_hr_toast"), (chat.user.id, tapped)
        # Nor can they approve themselves or anyone else.
        tap = await fake.forge_tap(chat.user, chat.last, HrDecide("ok", chat.user.id).pack())
        assert (await fake.wait_for_callback_answer(tap)).text == t(lang, "staff.refused")
        await fake.wait_until_idle()
        [*_, refused] = await chat.send("/hr_revoke 8143")
        assert refused.content == t(lang, "staff.refused")
        await chat.fake.send_document(chat.user, "hires.csv", upload_csv(lang, []))
        await fake.wait_until_idle()
        assert chat.last.content == t(lang, "errors.unsupported")
    assert await row_count(hr_bot.database, "hires") == 0
    async with SqlUnitOfWork(hr_bot.database) as uow:
        statuses = {a.user_id: a.status for a in await uow.hr_accounts.listing()}
    assert statuses == {8141: "pending", 8142: "rejected", 8143: "revoked"}
    actions = [action for _, action, _ in await audit_trail(hr_bot.database)]
    assert actions == ["hr_rejected", "hr_approved", "hr_revoked"]
    # Staff see every account in /hr_accounts.
    await fake.send_text(fake.user(ADMIN), "/hr_accounts", chat=group)
    listing = await fake.wait_for_bot_message(group, predicate=lambda m: "8141" in m.content)
    assert all(str(u) in listing.content for u in (8141, 8142, 8143))
    only_pia = [HrDecideListed("ok", 8141).pack(), HrDecideListed("no", 8141).pack()]
    assert listing.callback_data() == only_pia
    await decide(fake, listing, t("en", "hr.staff.approve_user", user=8141))
    assert "8141" in listing.content and "8143" in listing.content  # the list stays as it was
    decided = await fake.wait_for_bot_message(group, predicate=lambda m: "Anna" in m.content)
    assert decided.content == t(
        "en",
        "hr.staff.decided",
        organisation=ORG_A,
        kvk=KVK_A,
        user=8141,
        outcome=t("en", "hr.staff.approved", staff="Anna"),
    )
    assert t("en", "hr.decision.approved", organisation=ORG_A) in pending.last.content


async def test_the_menu_leads_to_hr_and_only_recognised_sponsors_qualify(
    fake: FakeBotApi, hr_bot: Runtime
) -> None:
    user = Chat(fake, fake.add_user(8151, "Lena", "nl"))
    [menu] = await user.send("/start")
    assert t("nl", "hr.menu") in menu.buttons()
    [_intro, question] = await user.tap(t("nl", "hr.menu"))
    assert question.content == t("nl", "hr.onboarding.kvk_question")
    [invalid] = await user.send("1234")
    assert invalid.content == t("nl", "hr.onboarding.kvk_invalid")
    [sample, unknown] = await user.send("99999999")
    taken_on = format_day(hr_bot.ctx.sponsors.taken_on, "nl")
    assert sample.content == t("nl", "hr.onboarding.sample_note")
    assert unknown.content == t("nl", "hr.onboarding.kvk_unknown", kvk="99999999", date=taken_on)
    [_sample, found, email] = await user.send(KVK_B)
    assert ORG_B in found.content and ORG_B in email.content
    [bad] = await user.send("lena at demo")
    assert bad.content == t("nl", "validation.email_format")
    [cancelled] = await user.send("/cancel")
    assert cancelled.content == t("nl", "cancel.done")
    async with SqlUnitOfWork(hr_bot.database) as uow:
        assert await uow.hr_accounts.listing() == []


async def test_many_links_come_as_a_file_the_list_pages_and_notifications_can_be_off(
    fake: FakeBotApi, hr_bot: Runtime
) -> None:
    hr = await approved_hr(fake, 8161, "nl")
    arrival = (today() + timedelta(days=15)).isoformat()
    rows = [
        {
            "name": f"{'-' if n == 11 else ''}Medewerker {chr(65 + n)}",  # a formula, to Excel
            "email": f"m{n}@example.nl",
            "arrival_date": arrival,
            "route": "hsm",
            "municipality": "Heerlen",
            "language": "nl",
        }
        for n in range(12)
    ]
    await hr.tap(t("nl", "hr.home.upload"))
    report = await send_file(hr, "veel.csv", upload_csv("nl", rows))
    [document] = [m for m in report if m.document is not None]
    assert document.document is not None and document.document.file_name == "hire-links.csv"
    lines = document.document.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Rij;Naam;Persoonlijke link;Geldig tot en met"
    assert len(lines) == 13 and lines[1].startswith("2;Medewerker A;https://t.me/")
    assert lines[12].startswith("13;'-Medewerker L;https://t.me/")  # no formula
    tokens = [line.split(";")[2].rsplit("=", 1)[1] for line in lines[1:]]
    assert not links([m for m in report if m.document is None])  # not repeated in the chat

    [listing] = await hr.send("/hires")
    assert "1 van 2" in listing.content and listing.content.count("Medewerker") == 10
    assert await hr.tap(t("nl", "hr.hires.next"), listing) == []  # edited in place
    assert "2 van 2" in listing.content and listing.content.count("Medewerker") == 2

    await hr.send("/hr")
    [home] = await hr.tap(t("nl", "hr.home.notify_on"))
    assert fake.callback_answers[-1].text == t("nl", "hr.home.notify_changed_off")
    assert t("nl", "hr.home.notify_off") in home.buttons()
    hire = Chat(fake, fake.add_user(8261, "Mia", "nl"))
    await open_link(hire, tokens[0])
    await hire.tap(t("nl", "hr.invite.all_correct"))
    await hire.tap(t("nl", "eligibility.book"))
    await book_first_free(hire, "nl")
    await fake.wait_until_idle()
    assert not [m for m in fake.chat_messages(hr.user) if m.content.startswith("📅")]


async def test_a_sponsor_that_left_the_register_can_register_nothing_and_grants_nothing(
    fake: FakeBotApi, hr_bot: Runtime
) -> None:
    hr = await approved_hr(fake, 8171, "en")
    await hr.tap(t("en", "hr.home.upload"))
    row = {
        "name": "Kim Lee",
        "email": "kim@example.org",
        "arrival_date": (today() + timedelta(days=9)).isoformat(),
        "route": "hsm",
        "municipality": "Stein",
    }
    [token] = links(await send_file(hr, "k.csv", upload_csv("en", [row])))
    # A new copy of the register no longer lists the sponsor (as after `onestop sponsors import`).
    lists = {
        category: replace(
            found, organisations={k: v for k, v in found.organisations.items() if k != KVK_A}
        )
        for category, found in hr_bot.ctx.sponsors.lists.items()
    }
    register = replace(hr_bot.ctx.sponsors, lists=lists)
    hr_bot.conversations.use_context(replace(hr_bot.ctx, sponsors=register))
    [paused] = await hr.send("/hires")
    assert paused.content == t("en", "hr.home.not_recognised", kvk=KVK_A)
    tap = await fake.forge_tap(hr.user, paused, HrButton("reg").pack())
    assert (await fake.wait_for_callback_answer(tap)).text == t(
        "en", "hr.home.not_recognised_toast"
    )
    kim = Chat(fake, fake.add_user(8271, "Kim", "en"))
    await open_link(kim, token)
    [outcome] = await kim.tap(t("en", "hr.invite.all_correct"))
    assert outcome.content == t("en", "hr.invite.no_fast_track")
    async with SqlUnitOfWork(hr_bot.database) as uow:
        assert await uow.eligibility.get(kim.user.id) is None


async def test_other_chats_are_answered_while_a_large_upload_is_parsed(
    fake: FakeBotApi, hr_bot: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    hr = await approved_hr(fake, 8901, "en")
    await hr.tap(t("en", "hr.home.upload"))
    started, finished = threading.Event(), threading.Event()
    original = hire_files._csv_rows

    def slow_rows(content: bytes) -> Iterable[tuple[int, list[str]]]:
        started.set()
        time.sleep(1.5)  # what a 747 KB spreadsheet costs
        finished.set()
        return original(content)

    monkeypatch.setattr(hire_files, "_csv_rows", slow_rows)
    arrival = (today() + timedelta(days=40)).isoformat()
    row = {"name": "Zoe Odegaard", "email": "zoe@example.org", "arrival_date": arrival,
           "route": "hsm", "municipality": "Maastricht"}  # fmt: skip
    await fake.send_document(hr.user, "hires.csv", upload_csv("en", [row]))
    assert await asyncio.to_thread(started.wait, 20)  # waits without holding the event loop
    other_user = Chat(fake, fake.add_user(8902, "Olga", "en"))
    [welcome] = await other_user.send("/start")
    assert welcome.content.startswith("Hello Olga") and not finished.is_set()
    report = await fake.wait_for_bot_message(
        hr.user, predicate=lambda m: "Zoe Odegaard" in m.content, timeout=20
    )
    assert report.content
    await hr._settle()
