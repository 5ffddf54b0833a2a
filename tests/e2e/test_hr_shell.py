"""`onestop shell`: a hire's invite link typed as /start <token>, and HR registering a hire."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.content.catalog import Catalog
from bot.domain.hires import HireDraft
from bot.domain.invites import new_token, token_hash
from bot.storage import schema
from bot.storage.crypto import Cipher
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import CONTENT
from tests.e2e.test_shell import first_days, shell

pytestmark = pytest.mark.e2e
CATALOG = Catalog.load(CONTENT)
SHELL_USER = 1001  # the shell's default simulated user
LINK = re.compile(r"https://t\.me/onestop_local_bot\?start=([A-Za-z0-9_-]{43})")


def label(lang: str, key: str, **params: object) -> str:
    return CATALOG.plain(lang, key, **params)  # type: ignore[arg-type]


async def seed(tmp_path: Path, *, hire_language: str = "en", hr_user: int | None = None) -> str:
    """A migrated shell database (with the key the shell will use) holding one hire's link."""
    key = Fernet.generate_key()
    (tmp_path / "var").mkdir(exist_ok=True)
    (tmp_path / "var" / "data.key").write_bytes(key)
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'shell.sqlite3'}", Cipher([key]))
    token = new_token()
    now = datetime.now(UTC)
    try:
        await schema.upgrade(database)
        async with SqlUnitOfWork(database) as uow:
            await uow.hires.create(
                HireDraft(
                    "Zoë Ødegaard",
                    "zoe@example.org",
                    "",
                    (now + timedelta(days=20)).date(),
                    "hsm",
                    "maastricht",
                    0,
                    "nl" if hire_language == "nl" else "en",
                ),
                kvk="10000001",
                created_by=7,
                token_hash=token_hash(token),
                expires_at=now + timedelta(days=30),
                now=now,
            )
            if hr_user is not None:
                await uow.hr_accounts.request(
                    hr_user, hr_user, "10000001", "hr@demo.example", "en", now
                )
                await uow.hr_accounts.decide(hr_user, "approved", 9, now, only_from=("pending",))
            await uow.commit()
    finally:
        await database.dispose()
    return token


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_hire_opens_the_link_confirms_and_books_in_the_shell(
    tmp_path: Path, lang: str
) -> None:
    token = await seed(tmp_path, hire_language=lang)
    [first, _] = first_days(1)
    lines = [
        f"/start {token}",
        label(lang, "hr.invite.all_correct"),
        label(lang, "eligibility.book"),
        f"={first}",
        "1",
        label(lang, "booking.confirm"),
        f"/start {token[:-2]}",  # a damaged link gets a clear refusal
        "/quit",
    ]
    output = await shell(tmp_path, lines, "--lang", "en", "--first-name", "Zoë")
    assert f"bot> {label(lang, 'hr.invite.welcome', name='Zoë', employer='x')[:8]}" in output
    assert "Demo Research Institute (sample)" in output and "zoe@example.org" in output
    eligible = label(lang, "hr.invite.eligible", employer="", date="", route="", municipality="")
    assert re.sub(r"<[^>]+>", "", eligible.split("\n")[0]) in output
    assert ("Booked. Your reference is MST-" if lang == "en" else "Je referentie is MST-") in output
    assert label(lang, "hr.invite.unknown") in output


async def test_hr_registers_a_hire_in_the_shell_and_sees_it_listed(tmp_path: Path) -> None:
    await seed(tmp_path, hr_user=SHELL_USER)
    arrival = (datetime.now(UTC) + timedelta(days=25)).strftime("%d-%m-%Y")
    lines = [
        "/hr",
        label("en", "hr.home.register"),
        "Priya Raman",
        "priya@example.in",
        label("en", "hr.register.skip"),
        arrival,
        label("en", "eligibility.options.route.researcher"),
        "Heerlen",
        "=2",  # the button labelled 2, not the second button
        "English",
        label("en", "hr.register.create"),
        "/hires",
        "/quit",
    ]
    output = await shell(tmp_path, lines, "--lang", "en")
    assert "Priya Raman is registered" in output
    assert "Family members: 2" in output and "Municipality: Heerlen" in output
    assert len(LINK.findall(output)) == 1
    assert "Demo Research Institute (sample)" in output
    assert "#2 Priya Raman · invited, link valid until" in output
    assert "#1 Zoë Ødegaard · invited" in output


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_hr_uploads_a_file_with_good_and_bad_rows_in_the_shell(
    tmp_path: Path, lang: str
) -> None:
    await seed(tmp_path, hr_user=SHELL_USER)
    arrival = (datetime.now(UTC) + timedelta(days=25)).date().isoformat()
    sheet = tmp_path / "hires.csv"
    sheet.write_text(
        "Name,E-mail,Phone,Arrival date,Residence route,Municipality,Family members,Language\n"
        f"Ana Costa,ana@example.org,,{arrival},hsm,Maastricht,1,en\n"
        f"Ben <b>Okafor</b>,ben@example,,{arrival},hsm,Maastricht,0,en\n"
        f"Chen Wei,,+31 6 12345678,{arrival},researcher,Heerlen,0,nl\n"
        f"ana costa,ana@example.org,,{arrival},hsm,Maastricht,1,en\n",  # Ana twice in one file
        encoding="utf-8",
    )
    upload = [label(lang, "hr.home.upload"), f"/upload {sheet}"]
    lines = ["/hr", *upload, *upload, "/hires", "/quit"]  # the same file sent a second time
    output = await shell(tmp_path, lines, "--lang", lang)
    templates = {p.suffix for p in (tmp_path / "downloads").iterdir()}
    assert templates == {".csv", ".xlsx"}  # the templates the bot sent, saved by the shell
    first = label(lang, "hr.upload.report", created=2, total=4, failed=2)
    assert re.sub(r"<[^>]+>", "", first) in output
    again = label(lang, "hr.upload.report", created=0, total=4, failed=4)
    assert re.sub(r"<[^>]+>", "", again) in output  # nobody is registered twice
    twice = label(lang, "hire_files.already_registered", name="Ana Costa")
    assert twice.split(" (")[0] in output
    assert len(LINK.findall(output)) == 2  # a link for each new valid row, none for the others
    assert "Chen Wei" in output
