"""`onestop shell` drives the real bot: replayed scripts read like a conversation."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content.eligibility import load_municipalities
from bot.content.locations import load_locations
from bot.domain.itinerary import bookable_days
from bot.domain.working_days import WorkingDays
from tests.conftest import CONTENT, REPO

pytestmark = pytest.mark.e2e


async def shell(tmp_path: Path, lines: list[str], *args: str) -> str:
    """Runs the shell on a fresh SQLite file with the given input lines."""
    database = f"sqlite+aiosqlite:///{tmp_path / 'shell.sqlite3'}"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "shell",
        "--script",
        "-",
        "--database",
        database,
        "--downloads",
        str(tmp_path / "downloads"),
        *args,
        cwd=tmp_path,
        env={"PATH": "", "PYTHONPATH": str(REPO), "ONESTOP_CONTENT_DIR": str(CONTENT)},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate("\n".join(lines).encode() + b"\n"), 120)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_the_shell_greets_in_dutch_and_switches_to_english(tmp_path: Path) -> None:
    output = await shell(
        tmp_path,
        ["/start", "/language", "🇬🇧 English", "/quit"],
        "--lang",
        "nl-NL",
        "--first-name",
        "Sanne",
    )
    assert "bot> Hallo Sanne!" in output
    assert "I will speak English from now on." in output


async def test_the_shell_greets_an_english_user_in_english(tmp_path: Path) -> None:
    output = await shell(tmp_path, ["/start", "/quit"], "--lang", "en", "--first-name", "Priya")
    assert "bot> Hello Priya!" in output


def first_days(party_size: int) -> list[str]:
    """The labels the calendar will show as the first bookable days today."""
    location = load_locations(CONTENT, tuple(m.id for m in load_municipalities(CONTENT)))[
        "maastricht"
    ]
    today = datetime.now(ZoneInfo(location.timezone)).date()
    days = bookable_days(location, today, party_size, {}, WorkingDays(location))
    return [str(day.day) for day in days[:2]]


def family_books(en: bool, day: str) -> list[str]:
    """A family of three checks eligibility and books the first time of a day."""
    return [
        "/start",
        "✅ Can I use the one-stop shop?" if en else "✅ Kan ik naar de one-stop shop?",
        "Another nationality" if en else "Een andere nationaliteit",
        "Highly skilled migrant" if en else "Kennismigrant",
        "Yes" if en else "Ja",
        "Maastricht",
        "No" if en else "Nee",
        "Yes" if en else "Ja",
        "Partner and children" if en else "Partner en kinderen",
        "📅 Book the appointment" if en else "📅 Afspraak maken",
        "1",  # one child
        f"={day}",
        "1",  # the first start time
        "✅ Book it" if en else "✅ Vastleggen",
    ]


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_family_books_reschedules_removes_a_member_and_cancels_in_the_shell(
    tmp_path: Path, lang: str
) -> None:
    first, second = first_days(3)
    en = lang == "en"
    lines = [
        *family_books(en, first),
        "🗓 My appointment" if en else "🗓 Mijn afspraak",
        "🔁 Change date or time" if en else "🔁 Datum of tijd wijzigen",
        f"={second}",
        "1",
        "✅ Book it" if en else "✅ Vastleggen",
        "🗓 My appointment" if en else "🗓 Mijn afspraak",
        "➖ Someone is not coming" if en else "➖ Iemand komt niet",
        "Child 1" if en else "Kind 1",
        "Yes, remove" if en else "Ja, verwijderen",
        "🗓 My appointment" if en else "🗓 Mijn afspraak",
        "❌ Cancel the appointment" if en else "❌ Afspraak afzeggen",
        "Yes, cancel it" if en else "Ja, afzeggen",
        "/quit",
    ]
    output = await shell(tmp_path, lines, "--lang", lang)
    assert ("Booked. Your reference is MST-" if en else "Geboekt. Je referentie is MST-") in output
    reference = output.split("MST-", 1)[1][:4]
    assert (
        f"Changed. Your reference stays MST-{reference}"
        if en
        else f"Gewijzigd. Je referentie blijft MST-{reference}"
    ) in output
    assert ("Child 1 is removed" if en else "Kind 1 is verwijderd") in output
    assert (
        f"Appointment MST-{reference} is cancelled"
        if en
        else f"Afspraak MST-{reference} is afgezegd"
    ) in output
    saved = tmp_path / "downloads" / f"MST-{reference}.ics"
    assert saved.exists() and b"BEGIN:VEVENT" in saved.read_bytes()
    assert f"[file] {saved}" in output or f"[file] downloads/MST-{reference}.ics" in output


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_every_eligibility_outcome_is_reachable_in_the_shell(
    tmp_path: Path, lang: str
) -> None:
    from tests.e2e.test_eligibility import CATALOG, PATHS, label

    lines = ["/start"]
    for answers in PATHS.values():
        lines.append(CATALOG.plain(lang, "menu.eligibility"))  # type: ignore[arg-type]
        lines.extend(label(lang, question, value) for question, value in answers)
        lines.append("/menu")
    output = await shell(tmp_path, [*lines, "/quit"], "--lang", lang)
    for outcome in PATHS:
        title = CATALOG.plain(lang, f"eligibility.outcomes.{outcome}.title")  # type: ignore[arg-type]
        assert title in output, outcome


@pytest.mark.parametrize("lang", ["en", "nl"])
async def test_a_family_of_three_pre_registers_in_the_shell(tmp_path: Path, lang: str) -> None:
    from datetime import date

    from tests.e2e.prereg_answers import shell_lines

    first, _ = first_days(3)
    en = lang == "en"
    lines = [
        *family_books(en, first),
        *shell_lines(lang, date.today()),
        "/quit",
    ]
    output = await shell(tmp_path, lines, "--lang", lang)
    done = (
        "Thank you! Your pre-registration is complete"
        if en
        else "Dank je! Je vooraanmelding is compleet"
    )
    assert done in output, output[-3000:]
    assert "李小龙" in output and "Ødegaard" in output


async def test_the_shell_started_again_on_the_same_database_still_answers(tmp_path: Path) -> None:
    first = await shell(tmp_path, ["/start", "/help", "/quit"], "--first-name", "Priya")
    assert "bot> Hello Priya!" in first
    again = await shell(tmp_path, ["/start", "/quit"], "--first-name", "Priya")
    assert "Priya" in again and "bot>" in again  # not dropped as a duplicate of the first run
