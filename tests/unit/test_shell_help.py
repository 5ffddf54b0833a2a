"""`onestop shell --help` names the database the shell really falls back to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, load_settings
from tests.conftest import REPO


def shell_help() -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "shell", "--help"],
        cwd=REPO,
        env={**env, "COLUMNS": "200"},  # one line per option: no path split by wrapping
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())


def test_help_names_the_default_database_the_shell_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    default_url = str(Settings.model_fields["database_url"].default)
    path = default_url.split(":///", 1)[1]
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_settings(require_token=False).sqlite_path == Path(path)
    text = shell_help()
    assert (
        f"--database DATABASE database URL (default: DATABASE_URL, else the SQLite file {path})"
        in text
    )
