"""Hand-off to staff in a staff group: alert, claim, two-way relay with a photo, close, rating."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from bot.app import Runtime, build_runtime, running
from bot.dialogs.callbacks import StaffMark, TicketAction
from bot.services.clock import ManualClock
from fakebotapi import FakeBotApi
from tests.e2e.conftest import Chat, bot_settings
from tests.e2e.db_checks import audit_trail, stored_text
from tests.e2e.stored import personal_data

REFUSED = "Only the desk's staff can do this, in the staff chat."

pytestmark = pytest.mark.e2e
STAFF_CHAT = -100900
ADMIN = 9500
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
async def office_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[Runtime]:
    clock = ManualClock(datetime.fromisoformat("2026-12-01T10:00:00+01:00"))  # a Tuesday, 10:00
    settings = bot_settings(fake, database_url, staff_chat_id=STAFF_CHAT, admin_user_ids=(ADMIN,))
    runtime = build_runtime(settings, clock=clock)
    async with running(runtime, "polling"):
        yield runtime
        await fake.wait_until_idle(timeout=20)


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_user_is_helped_by_staff_end_to_end(
    fake: FakeBotApi, office_bot: Runtime, lang: str
) -> None:
    en = lang == "en"
    admin = fake.add_user(ADMIN, "Anna", "en")
    sophie = fake.add_user(9501, "Sophie", "en")
    tom = fake.add_user(9502, "Tom", "en")
    group = fake.add_group(
        STAFF_CHAT, "Desk staff", members={ADMIN: "administrator", 9501: "member", 9502: "member"}
    )
    for odd in ("²", "١٢", "99999999999999999999"):  # isdigit() but not a Telegram id
        await fake.send_text(admin, f"/staff_add {odd}", chat=group)
        usage = await fake.wait_for_bot_message(group)
        assert "/staff_add" in usage.content and "is now staff" not in usage.content
    await fake.send_text(admin, "/staff_add 9501", chat=group)
    added = await fake.wait_for_bot_message(group)
    assert "9501 is now staff" in added.content

    user = Chat(fake, fake.add_user(7001, "Alex <b>", lang))
    await user.send("/start")
    await user.send("what is the weather tomorrow")
    [offer] = await user.send("recipe for pancakes")
    assert offer.content == (
        "I could not answer your last questions well. Would you like to talk to a person?"
        if en
        else "Ik kon je laatste vragen niet goed beantwoorden. Wil je met een medewerker praten?"
    )
    await user.tap("🙋 Talk to a person" if en else "🙋 Praat met een medewerker")
    [opened] = await user.tap("Residence permit" if en else "Verblijfsvergunning")
    assert (
        "You are number 1 in the queue" if en else "Je bent nummer 1 in de wachtrij"
    ) in opened.content

    alert = await fake.wait_for_bot_message(group, predicate=lambda m: "Ticket #" in m.content)
    assert "Alex <b>" in alert.content  # the name is shown as text, never as HTML
    assert (
        "› recipe for pancakes" in alert.content
        and "› what is the weather tomorrow" in alert.content
    )
    assert alert.buttons() == ["🙋 Claim", "✅ Close"]

    # A non-staff member of the group cannot claim.
    tap = await fake.tap(tom, alert, "🙋 Claim")
    assert (await fake.wait_for_callback_answer(tap)).text == REFUSED
    # Sophie claims; a second claim is refused.
    tap = await fake.tap(sophie, alert, "🙋 Claim")
    await fake.wait_for_callback_answer(tap)
    await fake.wait_until_idle()
    assert "Claimed by Sophie" in alert.content  # the alert is edited in place
    assert alert.buttons() == ["✅ Close"]
    joined = fake.chat_messages(user.user)[-1]
    assert "Sophie" in joined.content
    claim_again = await fake.forge_tap(admin, alert, TicketAction("c", 1).pack())
    assert (await fake.wait_for_callback_answer(claim_again)).text == "Already claimed by Sophie."

    # Staff reply by replying to the alert; the user answers with a photo.
    await fake.send_text(sophie, "Hello! Which permit do you have? <i>", chat=group, reply_to=alert)
    relayed = await fake.wait_for_bot_message(
        user.user, predicate=lambda m: "Which permit" in m.content
    )
    assert relayed.content == "Sophie: Hello! Which permit do you have? <i>"
    await fake.send_photo(user.user, PNG, caption="my card")
    copy = await fake.wait_for_bot_message(group, predicate=lambda m: m.photo is not None)
    assert "Alex" in (copy.caption or "") and "my card" in (copy.caption or "")
    await fake.send_text(user.user, "it is a highly skilled migrant permit")
    from_user = await fake.wait_for_bot_message(
        group, predicate=lambda m: "highly skilled" in m.content
    )
    assert from_user.reply_to_message_id == alert.message_id

    # Staff close; the user rates; the bot answers again.
    await fake.wait_until_idle()
    tap = await fake.tap(
        sophie,
        fake.chat_messages(group)[
            [m.message_id for m in fake.chat_messages(group)].index(alert.message_id)
        ],
        "✅ Close",
    )
    await fake.wait_for_callback_answer(tap)
    closed = await fake.wait_for_bot_message(
        user.user, predicate=lambda m: "#" in m.content and m.buttons()[:1] == ["1"]
    )
    await user.tap("5", closed)
    assert fake.callback_answers[-1].text == (
        "Thank you for your rating!" if en else "Bedankt voor je beoordeling!"
    )
    [answer] = await user.send("waarom heb ik een BSN nodig")
    assert "BSN" in answer.content

    audit = await audit_trail(office_bot.database)
    assert [action for _, action, _ in audit] == ["staff_add", "claim", "reply", "close"]
    mine = await personal_data(office_bot.database, user.user.id)
    [ticket] = mine["conversations_with_staff"]
    assert ticket["status"] == "closed" and ticket["rating"] == 5
    assert ticket["your_name"] == "Alex <b>"
    assert "Alex" not in await stored_text(office_bot.database, "tickets")  # encrypted at rest
    assert any("pancakes" in m["text"] for m in mine["recent_messages"])
    assert "pancakes" not in await stored_text(office_bot.database, "recent_messages")


async def test_non_staff_cannot_use_staff_actions(fake: FakeBotApi, office_bot: Runtime) -> None:
    outsider = Chat(fake, fake.add_user(7101, "Eve", "en"))
    [refused] = await outsider.send("/staff_add 7101")
    assert refused.content == "Only an admin can do this."
    [refused] = await outsider.send("/agenda")
    assert refused.content == REFUSED
    group = fake.add_group(STAFF_CHAT, "Desk staff")
    await fake.send_text(outsider.user, "/agenda", chat=group)
    reply = await fake.wait_for_bot_message(group)
    assert reply.content == REFUSED
    for forged in [TicketAction("c", 1), TicketAction("x", 1), StaffMark("att", "MST-XXXX")]:
        tap = await fake.forge_tap(outsider.user, outsider.last, forged.pack())
        answer = await fake.wait_for_callback_answer(tap)
        assert answer.text == REFUSED  # one gate, one text, for every staff action


async def test_outside_office_hours_the_user_hears_when_and_staff_are_reminded(
    fake: FakeBotApi, database_url: str
) -> None:
    saturday = datetime.fromisoformat("2026-12-05T11:00:00+01:00")
    clock = ManualClock(saturday)
    settings = bot_settings(fake, database_url, staff_chat_id=STAFF_CHAT, admin_user_ids=(ADMIN,))
    runtime = build_runtime(settings, clock=clock)
    group = fake.add_group(STAFF_CHAT, "Desk staff")
    sophie = fake.add_user(ADMIN, "Sophie", "en")
    async with running(runtime, "polling"):
        user = Chat(fake, fake.add_user(7201, "Ravi", "nl"))
        await user.send("/human")
        [opened] = await user.tap("BSN")
        assert (
            "Er zijn nu geen medewerkers; verwacht een antwoord vanaf maandag 7 december 2026 09:00"
            in opened.content
        )
        alert = await fake.wait_for_bot_message(group, predicate=lambda m: "Ticket #" in m.content)
        # Nothing is raised again before office time plus 15 minutes ...
        clock.set(datetime.fromisoformat("2026-12-07T09:10:00+01:00"))
        await runtime.dispatcher.tick()
        await fake.wait_until_idle()
        assert not any("still waiting" in m.content for m in fake.chat_messages(group))
        # ... then it is, until someone claims it.
        clock.set(datetime.fromisoformat("2026-12-07T09:16:00+01:00"))
        await runtime.dispatcher.tick()
        await fake.wait_until_idle()
        assert any(
            "Ticket #1 (BSN) is still waiting" in m.content for m in fake.chat_messages(group)
        )
        tap = await fake.tap(sophie, alert, "🙋 Claim")
        await fake.wait_for_callback_answer(tap)
        await fake.wait_until_idle()
        clock.set(datetime.fromisoformat("2026-12-07T09:40:00+01:00"))
        await runtime.dispatcher.tick()
        await fake.wait_until_idle()
        assert sum("still waiting" in m.content for m in fake.chat_messages(group)) == 1
        # Staff can send a photo back, captioned with their name.
        await fake.send_photo(sophie, PNG, caption="your letter", chat=group, reply_to=alert)
        photo = await fake.wait_for_bot_message(user.user, predicate=lambda m: m.photo is not None)
        assert photo.caption == "Sophie: your letter"
        await fake.wait_until_idle()


async def test_a_forum_staff_chat_gets_one_topic_per_ticket(
    fake: FakeBotApi, office_bot: Runtime
) -> None:
    forum = fake.add_group(STAFF_CHAT, "Desk staff", is_forum=True)
    staff = fake.add_user(ADMIN, "Anna", "en")
    user = Chat(fake, fake.add_user(7301, "Lea", "en"))
    await user.send("/human")
    await user.tap("Booking or my appointment")
    alert = await fake.wait_for_bot_message(forum, predicate=lambda m: "Ticket #" in m.content)
    assert alert.message_thread_id is not None
    assert forum.topics[alert.message_thread_id] == "#1 · Lea · Booking or my appointment"
    # Staff write in the topic without replying to anything: it reaches the user.
    await fake.send_text(
        staff,
        "Hi Lea, we can move your visit.",
        chat=forum,
        message_thread_id=alert.message_thread_id,
    )
    relayed = await fake.wait_for_bot_message(
        user.user, predicate=lambda m: "move your visit" in m.content
    )
    assert relayed.content == "Anna: Hi Lea, we can move your visit."
    # The user's answer lands in the same topic.
    await fake.send_text(user.user, "Thursday would be great")
    answer = await fake.wait_for_bot_message(forum, predicate=lambda m: "Thursday" in m.content)
    assert answer.message_thread_id == alert.message_thread_id
    await fake.wait_until_idle()


async def test_long_last_messages_still_reach_staff_within_telegrams_limit(
    fake: FakeBotApi, office_bot: Runtime
) -> None:
    group = fake.add_group(STAFF_CHAT, "Desk staff")
    user = Chat(fake, fake.add_user(7401, "Noor", "en"))
    await user.send("/start")
    for n in range(5):  # five long questions: together far over 4,096 characters
        await user.send(f"question {n} " + "<why> " * 400)
    await user.send("/human")
    [opened] = await user.tap("BSN")
    assert "passed on (ticket #1)" in opened.content
    alert = await fake.wait_for_bot_message(group, predicate=lambda m: "Ticket #1" in m.content)
    assert len(alert.content) <= 4096
    assert "question 4" in alert.content  # the newest message is quoted, shortened
    assert "Booking" in alert.content and "Eligibility" in alert.content  # ticket info is whole
    sophie = fake.add_user(ADMIN, "Sophie", "en")
    tap = await fake.tap(sophie, alert, "🙋 Claim")
    await fake.wait_for_callback_answer(tap)
    await fake.wait_until_idle()
    assert "Claimed by Sophie" in alert.content  # the edited alert fits too


async def test_a_user_is_not_told_passed_on_when_the_alert_fails(
    fake: FakeBotApi, office_bot: Runtime
) -> None:
    # No staff group exists at the emulator: every message to it is refused.
    user = Chat(fake, fake.add_user(7402, "Ivo", "en"))
    await user.send("/human")
    [answer] = await user.tap("BSN")
    assert "passed on" not in answer.content
    assert "could not reach staff" in answer.content
    assert answer.buttons() == ["↩️ Back to the bot"]
