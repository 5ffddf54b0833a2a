"""HR accounts and hires at rest: encrypted personal fields, hashed tokens, erasure and purge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.domain.booking import BookedVisit, PartyMember
from bot.domain.hires import HireDraft
from bot.domain.invites import hire_status, new_token, token_hash
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork

pytestmark = pytest.mark.storage
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
KVK_A, KVK_B = "10000001", "10000002"
DRAFT = HireDraft(
    name="Zoë Ødegaard-李",
    email="zoe@example.org",
    phone="+31612345678",
    arrival_date=date(2027, 1, 15),
    route="hsm",
    municipality="maastricht",
    family_members=2,
    language="nl",
)


async def _hire(
    database: Database,
    token: str,
    *,
    kvk: str = KVK_A,
    expires: datetime = NOW + timedelta(days=30),
    draft: HireDraft = DRAFT,
) -> int:
    async with SqlUnitOfWork(database) as uow:
        hire = await uow.hires.create(
            draft,
            kvk=kvk,
            created_by=77,
            token_hash=token_hash(token),
            expires_at=expires,
            now=NOW,
        )
        await uow.commit()
    return hire.id


async def _raw(database: Database, sql: str) -> list[tuple[object, ...]]:
    async with database.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(sql))).all()]


async def test_personal_fields_and_emails_are_encrypted_and_tokens_only_hashed(
    database: Database,
) -> None:
    token = new_token()
    hire_id = await _hire(database, token)
    async with SqlUnitOfWork(database) as uow:
        account = await uow.hr_accounts.request(501, 501, KVK_A, "hr@demo.example", "en", NOW)
        await uow.commit()
    assert account.status == "pending" and account.email == "hr@demo.example"

    [(body, stored_hash)] = await _raw(database, "SELECT body, token_hash FROM hires")
    for secret in ("Zoë", "Ødegaard", "zoe@example.org", "+31612345678", "31612345678"):
        assert secret not in str(body)
    assert token not in str(stored_hash) and stored_hash == token_hash(token)
    assert len(str(stored_hash)) == 64
    [(email,)] = await _raw(database, "SELECT email FROM hr_accounts")
    assert "hr@demo.example" not in str(email) and "demo.example" not in str(email)
    dumped = " ".join(str(v) for row in await _raw(database, "SELECT * FROM hires") for v in row)
    assert token not in dumped

    async with SqlUnitOfWork(database) as uow:
        found = await uow.hires.by_token_hash(token_hash(token))
        assert await uow.hires.by_token_hash(token_hash(new_token())) is None
    assert found is not None and found.id == hire_id
    assert (found.name, found.email, found.phone, found.language) == (
        "Zoë Ødegaard-李",
        "zoe@example.org",
        "+31612345678",
        "nl",
    )


async def test_a_hire_is_only_found_through_its_own_sponsor(database: Database) -> None:
    hire_id = await _hire(database, new_token(), kvk=KVK_A)
    await _hire(database, new_token(), kvk=KVK_B)
    async with SqlUnitOfWork(database) as uow:
        assert await uow.hires.of_sponsor(hire_id, KVK_A) is not None
        assert await uow.hires.of_sponsor(hire_id, KVK_B) is None
        assert not await uow.hires.renew_token(hire_id, KVK_B, token_hash(new_token()), NOW)
        page = await uow.hires.page_for_sponsor(KVK_B, 0, 10)
        assert [o.hire.kvk for o in page] == [KVK_B]
        assert await uow.hires.count_for_sponsor(KVK_A) == 1


async def test_the_first_opening_binds_and_a_second_user_cannot_take_the_link(
    database: Database,
) -> None:
    token = new_token()
    hire_id = await _hire(database, token)
    async with SqlUnitOfWork(database) as uow:
        assert await uow.hires.bind(hire_id, 900, NOW)
        assert not await uow.hires.bind(hire_id, 901, NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        hire = await uow.hires.of_user(hire_id, 900)
        assert await uow.hires.of_user(hire_id, 901) is None
        # An opened link cannot be replaced: it is the hire's now.
        assert not await uow.hires.renew_token(hire_id, KVK_A, token_hash(new_token()), NOW)
    assert hire is not None and hire.opened_at == NOW


async def test_an_expired_link_cannot_be_opened_but_a_renewed_one_can(database: Database) -> None:
    old = new_token()
    hire_id = await _hire(database, old, expires=NOW - timedelta(seconds=1))
    fresh = new_token()
    async with SqlUnitOfWork(database) as uow:
        assert not await uow.hires.bind(hire_id, 900, NOW)
        assert await uow.hires.renew_token(
            hire_id, KVK_A, token_hash(fresh), NOW + timedelta(days=30)
        )
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        assert await uow.hires.by_token_hash(token_hash(old)) is None
        assert await uow.hires.bind(hire_id, 900, NOW)


async def test_corrections_stay_apart_from_what_hr_entered(database: Database) -> None:
    hire_id = await _hire(database, new_token())
    async with SqlUnitOfWork(database) as uow:
        await uow.hires.bind(hire_id, 900, NOW)
        assert await uow.hires.correct(hire_id, 901, "name", "Mallory") is None
        changed = await uow.hires.correct(hire_id, 900, "name", "Zoë Ødegaard")
        await uow.hires.correct(hire_id, 900, "arrival_date", date(2027, 2, 1))
        await uow.hires.correct(hire_id, 900, "family_members", 1)
        await uow.commit()
    assert changed is not None
    async with SqlUnitOfWork(database) as uow:
        hire = await uow.hires.of_sponsor(hire_id, KVK_A)
    assert hire is not None
    assert (hire.hr_name, hire.name) == ("Zoë Ødegaard-李", "Zoë Ødegaard")
    assert (hire.arrival_date, hire.family_members) == (date(2027, 2, 1), 1)


async def test_for_user_and_forget_user_for_the_lead(database: Database) -> None:
    hire_id = await _hire(database, new_token())
    async with SqlUnitOfWork(database) as uow:
        assert await uow.hires.for_user(900) is None
        await uow.hires.bind(hire_id, 900, NOW)
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        hire = await uow.hires.for_user(900)
        assert hire is not None and hire.email == "zoe@example.org"
        assert await uow.hires.forget_user(900) == 1
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        assert await uow.hires.for_user(900) is None
        assert await uow.hires.forget_user(900) == 0  # nothing left to erase
        [overview] = await uow.hires.page_for_sponsor(KVK_A, 0, 10)
    assert overview.hire.erased and overview.hire.hr_name == "" and overview.hire.user_id == 900
    state = hire_status(
        erased=True,
        opened_at=NOW,
        token_expires_at=NOW,
        visit=None,
        now=NOW,
        zone=UTC,
    )
    assert state.status == "deleted"
    [(body,)] = await _raw(database, "SELECT body FROM hires")
    assert "zoe" not in str(body)


async def test_purge_erases_expired_unopened_links_and_past_visits_only(
    database: Database,
) -> None:
    expired = await _hire(database, new_token(), expires=NOW - timedelta(days=40))
    fresh = await _hire(database, new_token(), expires=NOW + timedelta(days=10))
    visited = await _hire(database, new_token())
    upcoming = await _hire(database, new_token())
    async with SqlUnitOfWork(database) as uow:
        await uow.hires.bind(visited, 900, NOW)
        await uow.hires.bind(upcoming, 901, NOW)
        for user_id, day in ((900, date(2026, 10, 1)), (901, date(2027, 1, 20))):
            start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)
            await uow.bookings.add(
                reference=f"MST-{user_id}",
                user_id=user_id,
                chat_id=user_id,
                location_id="maastricht",
                visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=30)),),
                party=(PartyMember("main"),),
                language="en",
                now=NOW,
            )
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        assert await uow.hires.purge_personal_data(NOW - timedelta(days=30)) == 2
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        erased = {
            o.hire.id for o in await uow.hires.page_for_sponsor(KVK_A, 0, 10) if o.hire.erased
        }
        assert await uow.hires.purge_personal_data(NOW - timedelta(days=30)) == 0
    assert erased == {expired, visited}
    assert fresh not in erased and upcoming not in erased


async def test_the_overview_shows_the_visit_day_and_the_bsn(database: Database) -> None:
    hire_id = await _hire(database, new_token())
    start = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)
    async with SqlUnitOfWork(database) as uow:
        await uow.hires.bind(hire_id, 900, NOW)
        booking = await uow.bookings.add(
            reference="MST-AAAA",
            user_id=900,
            chat_id=900,
            location_id="maastricht",
            visits=(BookedVisit("ind", "ind", start, start + timedelta(minutes=30)),),
            party=(PartyMember("main"),),
            language="en",
            now=NOW,
        )
        [overview] = await uow.hires.page_for_sponsor(KVK_A, 0, 10)
        assert overview.visit is not None and overview.visit.day == date(2027, 1, 20)
        assert overview.visit.bsn_issued_at is None
        await uow.bookings.change(booking.id, start, bsn_issued=True)
        [overview] = await uow.hires.page_for_sponsor(KVK_A, 0, 10)
    assert overview.visit is not None and overview.visit.bsn_issued_at == start


async def test_staff_decisions_move_only_from_the_expected_status(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        await uow.hr_accounts.request(501, 501, KVK_A, "a@demo.example", "nl", NOW)
        assert await uow.hr_accounts.decide(501, "revoked", 9, NOW, only_from=("approved",)) is None
        approved = await uow.hr_accounts.decide(501, "approved", 9, NOW, only_from=("pending",))
        assert approved is not None and approved.approved and approved.decided_by == 9
        assert await uow.hr_accounts.decide(501, "rejected", 9, NOW, only_from=("pending",)) is None
        assert [a.user_id for a in await uow.hr_accounts.notify_targets(KVK_A)] == [501]
        await uow.hr_accounts.set_notify(501, False)
        assert await uow.hr_accounts.notify_targets(KVK_A) == []
        await uow.commit()
    async with SqlUnitOfWork(database) as uow:
        account = await uow.hr_accounts.get(501)
    assert account is not None and account.language == "nl" and not account.notify
