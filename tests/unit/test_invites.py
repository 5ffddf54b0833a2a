"""Invite tokens are long, random, URL-safe and stored as hashes; hire status follows the facts."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.invites import (
    START_PARAMETER_LIMIT,
    TOKEN_LENGTH,
    VisitFacts,
    can_renew,
    expiry,
    hire_status,
    invite_link,
    is_token,
    looks_like_invite,
    new_token,
    token_hash,
)

NOW = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
AMS = ZoneInfo("Europe/Amsterdam")
URL_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_token_has_43_url_safe_characters_and_fits_the_start_parameter() -> None:
    tokens = [new_token() for _ in range(2000)]
    assert all(len(t) == TOKEN_LENGTH <= START_PARAMETER_LIMIT for t in tokens)
    assert all(set(t) <= URL_SAFE for t in tokens)
    assert all(is_token(t) for t in tokens)
    assert len(set(tokens)) == len(tokens)


def test_tokens_carry_at_least_128_bits_of_entropy() -> None:
    # 43 base64url characters hold 258 bits; the generator draws 256 random bits.
    assert TOKEN_LENGTH * math.log2(64) >= 256
    # Every character position varies: no fixed prefix or padding shrinks the space.
    tokens = [new_token() for _ in range(3000)]
    for position in range(TOKEN_LENGTH - 1):
        counts = Counter(t[position] for t in tokens)
        assert len(counts) > 50, position
        assert max(counts.values()) < 3000 * 0.04, position
    # The alphabet is used evenly overall (a biased generator would show here).
    overall = Counter("".join(tokens))
    assert len(overall) == 64
    expected = 3000 * TOKEN_LENGTH / 64
    assert all(abs(n - expected) < expected * 0.15 for n in overall.values())


def test_only_the_sha256_of_a_token_is_kept() -> None:
    token = new_token()
    digest = token_hash(token)
    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert len(digest) == 64 and token not in digest
    assert token_hash(new_token()) != digest


@pytest.mark.parametrize(
    ("text", "token", "attempt"),
    [
        ("A" * 43, True, True),
        ("A" * 42, False, True),
        ("A" * 16, False, True),
        ("A" * 15, False, False),
        ("abc/def" + "A" * 36, False, False),
        ("A" * 42 + "=", False, False),
        ("A" * 65, False, False),
        ("", False, False),
    ],
)
def test_token_shapes(text: str, token: bool, attempt: bool) -> None:
    assert is_token(text) is token
    assert looks_like_invite(text) is attempt


def test_the_link_uses_the_bot_username_and_the_expiry_the_setting() -> None:
    token = new_token()
    assert invite_link("onestop_bot", token) == f"https://t.me/onestop_bot?start={token}"
    assert expiry(NOW, 30) == NOW + timedelta(days=30)


def _state(
    *,
    erased: bool = False,
    opened: bool = False,
    expires: datetime = NOW + timedelta(days=3),
    visit: VisitFacts | None = None,
) -> tuple[str, date | None]:
    state = hire_status(
        erased=erased,
        opened_at=NOW - timedelta(days=1) if opened else None,
        token_expires_at=expires,
        visit=visit,
        now=NOW,
        zone=AMS,
    )
    return state.status, state.day


def test_status_follows_the_furthest_step_reached() -> None:
    day = date(2027, 1, 20)
    # 23:30 UTC on 30 November, 1 and 4 December is already the next day in Amsterdam.
    assert _state() == ("invited", date(2026, 12, 5))
    assert _state(expires=NOW) == ("expired", date(2026, 12, 2))
    assert _state(opened=True, expires=NOW - timedelta(days=9)) == ("opened", date(2026, 12, 1))
    assert _state(opened=True, visit=VisitFacts(day)) == ("booked", day)
    assert _state(opened=True, visit=VisitFacts(day, prereg_complete=True)) == (
        "prereg_complete",
        day,
    )
    issued = datetime(2027, 1, 21, 23, 30, tzinfo=UTC)  # already 22 January in Amsterdam
    assert _state(opened=True, visit=VisitFacts(day, True, issued)) == (
        "bsn_issued",
        date(2027, 1, 22),
    )
    assert _state(erased=True, opened=True, visit=VisitFacts(day)) == ("deleted", None)


def test_only_unopened_links_can_be_renewed() -> None:
    def renewable(**kwargs: object) -> bool:
        state = hire_status(
            erased=bool(kwargs.get("erased")),
            opened_at=NOW if kwargs.get("opened") else None,
            token_expires_at=NOW + timedelta(days=int(str(kwargs.get("days", 3)))),
            visit=None,
            now=NOW,
            zone=AMS,
        )
        return can_renew(state)

    assert renewable()
    assert renewable(days=-1)
    assert not renewable(opened=True)
    assert not renewable(erased=True)
