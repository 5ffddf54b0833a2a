"""Bad settings stop the program with one clear line and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.settings import SettingsError, load_settings
from tests.conftest import REPO

CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(
        ("TELEGRAM_", "WEBHOOK_", "DATABASE_", "TIMEZONE", "DEFAULT_LANGUAGE", "STAFF_", "ADMIN_")
    )
}


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        env={**CLEAN_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "DEFAULT_LANGUAGE": "fr"}, "DEFAULT_LANGUAGE"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "ADMIN_USER_IDS": "12,abc"}, "ADMIN_USER_IDS"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "STAFF_CHAT_ID": "staff"}, "STAFF_CHAT_ID"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "WEBHOOK_PORT": "99999"}, "WEBHOOK_PORT"),
        ({"TELEGRAM_BOT_TOKEN": "1:a", "WEBHOOK_URL": "https://x.example/hook"}, "WEBHOOK_SECRET"),
    ],
)
def test_a_bad_setting_ends_with_one_line_and_exit_code_2(
    env: dict[str, str], variable: str
) -> None:
    result = run_cli("run", **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_good_settings_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("ADMIN_USER_IDS", "11, 22;33")
    monkeypatch.setenv("STAFF_CHAT_ID", "-100200")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("DEFAULT_LANGUAGE", "NL")
    settings = load_settings()
    assert settings.admin_user_ids == (11, 22, 33)
    assert settings.staff_chat_id == -100200
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert settings.default_language == "nl"


def test_missing_token_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN"):
        load_settings()
