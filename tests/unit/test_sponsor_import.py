"""`onestop sponsors import`: a checked register replaces the bundled copy, or nothing changes."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from bot.content.sponsors import RegisterError, import_register, load_register
from tests.conftest import CONTENT, REPO

ONESTOP = REPO / ".venv" / "bin" / "onestop"
IND_URL = "https://ind.nl/en/public-register-recognised-sponsors/public-register-regular-labour-and-highly-skilled-migrants"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A private copy of content/ whose register the test may replace."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def register_files(content: Path) -> tuple[bytes, bytes]:
    folder = content / "sponsors"
    return (folder / "register.csv").read_bytes(), (folder / "register.toml").read_bytes()


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "register-download.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_good_file_replaces_the_register(tmp_path: Path, content: Path) -> None:
    source = write(
        tmp_path,
        "Organisation,KvK number\n"
        "Maastricht University,50169181\n"
        '"Chemelot Campus, B.V.",1402 4595\n'
        "\n"
        "Zoë's Lab B.V.,12345678\n",
    )
    count = import_register(source, content, taken_on=date(2026, 12, 1), source_url=None)
    assert count == 3
    register = load_register(content)
    work = register.list_of("work")
    assert register.taken_on == date(2026, 12, 1)
    assert work is not None and work.sample is False
    assert work.source == IND_URL  # kept from the previous copy when not given
    assert register.lookup("50169181") == "Maastricht University"
    assert register.lookup("14024595") == "Chemelot Campus, B.V."
    assert register.lookup("12345678") == "Zoë's Lab B.V."
    assert register.lookup("10000002") is None  # the sample work list is gone
    leftovers = [p.name for p in (content / "sponsors").iterdir()]
    assert sorted(leftovers) == ["register.csv", "register.toml"]


def test_the_inds_dutch_headers_semicolons_and_a_bom(tmp_path: Path, content: Path) -> None:
    source = write(
        tmp_path, "\ufeffOrganisatie;KvK-nummer;Extra\nUniversiteit Maastricht;50169181;x\n"
    )
    url = 'https://ind.nl/nl/openbaar-register?x="1"'
    assert import_register(source, content, taken_on=date(2026, 11, 2), source_url=url) == 1
    register = load_register(content)
    work = register.list_of("work")
    assert work is not None and work.source == url
    assert register.lookup("50169181") == "Universiteit Maastricht"


def test_duplicates_collapse_to_the_first_name(tmp_path: Path, content: Path) -> None:
    source = write(tmp_path, "name,kvk\nAcme B.V.,11112222\nAcme BV,1111 2222\nBeta,33334444\n")
    assert import_register(source, content, taken_on=date(2026, 12, 1), source_url=None) == 2
    assert load_register(content).lookup("11112222") == "Acme B.V."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "Organisation,KvK number\nAcme,1234567\n",
            r"row 2: '1234567' is not an 8-digit .*leading 0",
        ),
        ("Organisation,KvK number\nAcme,12345678\nBeta,ABCDEFGH\n", "row 3: 'ABCDEFGH'"),
        ("Organisation,KvK number\nAcme,12345678\n,87654321\n", "row 3: the organisation name"),
        ("Organisation,KvK number\nAcme\n", "row 2: '' is not an 8-digit"),
        ("Company;Number\nAcme;12345678\n", "row 1: need an organisation column"),
        ("Organisation,KvK number\n", "no organisations"),
        ("", "empty"),
    ],
)
def test_a_bad_file_changes_nothing(tmp_path: Path, content: Path, text: str, message: str) -> None:
    before = register_files(content)
    with pytest.raises(RegisterError, match=message):
        import_register(write(tmp_path, text), content, taken_on=date(2026, 12, 1), source_url=None)
    assert register_files(content) == before


def test_a_source_that_is_not_a_web_address_is_refused(tmp_path: Path, content: Path) -> None:
    before = register_files(content)
    source = write(tmp_path, "name,kvk\nAcme,12345678\n")
    for url in ("ind.nl/register", "https://ind.nl/a b", "javascript:alert(1)"):
        with pytest.raises(RegisterError, match="--source"):
            import_register(source, content, taken_on=date(2026, 12, 1), source_url=url)
    assert register_files(content) == before


def test_a_missing_file_is_a_register_error(tmp_path: Path, content: Path) -> None:
    with pytest.raises(RegisterError, match="cannot read"):
        import_register(tmp_path / "nope.csv", content, taken_on=date(2026, 12, 1), source_url=None)


def run_cli(content: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "TELEGRAM_"))}
    env["ONESTOP_CONTENT_DIR"] = str(content)
    return subprocess.run(
        [str(ONESTOP), "sponsors", "import", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_imports_and_reports(tmp_path: Path, content: Path) -> None:
    source = write(tmp_path, "Organisation,KvK number\nAcme,12345678\nBeta,87654321\n")
    done = run_cli(
        content, tmp_path, str(source), "--taken-on", "2026-11-30", "--source", "https://x.nl/r"
    )
    assert done.returncode == 0, done.stderr
    assert "imported 2 recognised sponsors, register taken on 2026-11-30" in done.stdout
    assert "restart" in done.stdout
    work = load_register(content).list_of("work")
    assert work is not None
    assert (work.taken_on, work.source, len(work.organisations)) == (
        date(2026, 11, 30),
        "https://x.nl/r",
        2,
    )


def test_cli_defaults_to_today(tmp_path: Path, content: Path) -> None:
    source = write(tmp_path, "Organisation,KvK number\nAcme,12345678\n")
    done = run_cli(content, tmp_path, str(source))
    assert done.returncode == 0, done.stderr
    assert load_register(content).taken_on == date.today()


@pytest.mark.parametrize(
    ("text", "args", "error"),
    [
        ("Organisation,KvK number\nAcme,123\n", (), "row 2"),
        ("Organisation,KvK number\nAcme,12345678\n", ("--taken-on", "30-11-2026"), "--taken-on"),
    ],
)
def test_cli_errors_exit_2_with_one_line(
    tmp_path: Path, content: Path, text: str, args: tuple[str, ...], error: str
) -> None:
    before = register_files(content)
    done = run_cli(content, tmp_path, str(write(tmp_path, text)), *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and error in done.stderr
    assert register_files(content) == before


def test_cli_missing_file_exits_2(tmp_path: Path, content: Path) -> None:
    done = run_cli(content, tmp_path, str(tmp_path / "missing.csv"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
