"""`onestop sponsors import` of the IND's register pages saved as HTML, one list per category;
hostile pages are refused with one line, exit code 2, and nothing changed."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.content.register_page import read_register_page
from bot.content.sponsors import RegisterError, import_register, load_register
from tests.conftest import CONTENT, REPO

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "register"
ONESTOP = REPO / ".venv" / "bin" / "onestop"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def files(content: Path) -> tuple[bytes, bytes]:
    folder = content / "sponsors"
    return (folder / "register.csv").read_bytes(), (folder / "register.toml").read_bytes()


def run_cli(content: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "TELEGRAM_"))}
    env["ONESTOP_CONTENT_DIR"] = str(content)
    return subprocess.run(
        [str(ONESTOP), "sponsors", "import", *args],
        cwd=content.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_work_page_is_read_with_its_date() -> None:
    page = read_register_page(PAGES / "work.html")
    assert page.updated_on == date(2026, 12, 1)
    assert len(page.organisations) == 61
    assert page.organisations["14024595"] == "Chemelot & Partners B.V."  # entity decoded


def test_the_dutch_date_line_is_read() -> None:
    assert read_register_page(PAGES / "research.html").updated_on == date(2026, 11, 28)


def test_work_and_research_are_separate_lists(content: Path) -> None:
    import_register(PAGES / "work.html", content, taken_on=None, source_url=None)
    import_register(
        PAGES / "research.html", content, taken_on=None, source_url=None, category="research"
    )
    register = load_register(content)
    work, research = register.list_of("work"), register.list_of("research")
    assert work is not None and research is not None
    assert (work.taken_on, research.taken_on) == (date(2026, 12, 1), date(2026, 11, 28))
    assert not register.sample
    # The same KvK number in both categories stays in both; a research-only host is not work.
    assert register.lookup("20000001", "work") == register.lookup("20000001", "research")
    assert register.lookup("30000007", "research") == "Onderzoeksinstituut 007"
    assert register.lookup("30000007", "work") is None
    assert register.search("research", "onderzoeksinstituut 007")[0] == (
        "30000007",
        "Onderzoeksinstituut 007",
    )


def test_script_and_style_are_never_read_as_rows_or_dates(content: Path) -> None:
    page = read_register_page(PAGES / "script.html")
    assert "99999999" not in page.organisations
    assert page.updated_on == date(2026, 12, 1)
    assert page.organisations["20000003"] == "Evil Corp B.V."
    assert page.organisations["20000004"] == "<b>Bold</b> B.V."  # text, escaped when shown


def test_a_duplicate_number_in_one_page_keeps_the_first_name() -> None:
    page = read_register_page(PAGES / "duplicate_in_page.html")
    assert page.organisations["20000005"] == "Werkgever 005 B.V."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken.html", "is not an 8-digit KvK number"),  # cut off inside a cell
        ("few_rows.html", "fewer than 50"),
        ("no_date.html", "no 'Last updated on' date"),
        ("bad_kvk.html", "is not an 8-digit KvK number"),
    ],
)
def test_hostile_pages_change_nothing(content: Path, name: str, message: str) -> None:
    before = files(content)
    with pytest.raises(RegisterError, match=message):
        import_register(PAGES / name, content, taken_on=None, source_url=None)
    assert files(content) == before


def test_a_50_mb_page_is_refused_before_reading(tmp_path: Path, content: Path) -> None:
    huge = tmp_path / "huge.html"
    with huge.open("wb") as fh:
        fh.write(b"<!DOCTYPE html><html><body><table>")
        fh.seek(50 * 1024 * 1024)
        fh.write(b"</table></body></html>")
    before = files(content)
    with pytest.raises(RegisterError, match="too large"):
        import_register(huge, content, taken_on=None, source_url=None)
    assert files(content) == before


def test_a_list_shrinking_to_less_than_half_is_refused(tmp_path: Path, content: Path) -> None:
    import_register(PAGES / "work.html", content, taken_on=None, source_url=None)
    smaller = tmp_path / "smaller.csv"
    smaller.write_text(
        "Organisation,KvK number\n" + "".join(f"A{i},{40000000 + i}\n" for i in range(20))
    )
    before = files(content)
    with pytest.raises(RegisterError, match="less than half"):
        import_register(smaller, content, taken_on=date(2026, 12, 2), source_url=None)
    assert files(content) == before
    assert import_register(smaller, content, taken_on=None, source_url=None, min_rows=10) == 20


def test_cli_imports_a_page(content: Path) -> None:
    done = run_cli(content, str(PAGES / "research.html"), "--category", "research")
    assert done.returncode == 0, done.stderr
    assert "imported 54 recognised sponsors, register taken on 2026-11-28 (research list)" in (
        done.stdout
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((str(PAGES / "no_date.html"),), "Last updated on"),
        ((str(PAGES / "few_rows.html"),), "fewer than 50"),
        ((str(PAGES / "work.html"), "--category", "studie"), "--category"),
    ],
)
def test_cli_refusals_exit_2_with_one_line(
    content: Path, args: tuple[str, ...], error: str
) -> None:
    before = files(content)
    done = run_cli(content, *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and error in done.stderr
    assert files(content) == before
