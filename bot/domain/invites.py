"""Personal invite links for hires: unguessable tokens kept only as hashes, and hire status."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Literal

TOKEN_BYTES = 32  # 256 bits of entropy; token_urlsafe gives 43 characters
TOKEN_LENGTH = 43
START_PARAMETER_LIMIT = 64  # Telegram's limit for ?start=
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_ATTEMPT = re.compile(r"[A-Za-z0-9_-]{16,64}")

HireStatus = Literal["invited", "expired", "opened", "booked", "prereg_complete", "bsn_issued"]
HireStatusOrDeleted = HireStatus | Literal["deleted"]


def new_token() -> str:
    """A fresh invite token: 256 random bits, URL-safe, fits the start parameter."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What is stored instead of the token (sha256, hex)."""
    return hashlib.sha256(token.encode("ascii", errors="replace")).hexdigest()


def is_token(text: str) -> bool:
    """Whether text has the exact shape of a token this module makes."""
    return _TOKEN.fullmatch(text) is not None


def looks_like_invite(text: str) -> bool:
    """Whether a /start argument was probably meant as an invite (also a truncated one)."""
    return _ATTEMPT.fullmatch(text) is not None


def invite_link(bot_username: str, token: str) -> str:
    """The deep link HR forwards to the hire."""
    return f"https://t.me/{bot_username}?start={token}"


def expiry(now: datetime, valid_days: int) -> datetime:
    """When a link made now stops working."""
    return now + timedelta(days=valid_days)


@dataclass(frozen=True)
class VisitFacts:
    """What is known about the hire's booked visit, without anything HR may not see."""

    day: date
    prereg_complete: bool = False
    bsn_issued_at: datetime | None = None  # a moment: its day depends on where it is read


@dataclass(frozen=True)
class HireState:
    """A hire's status for HR, with the date that goes with it."""

    status: HireStatusOrDeleted
    day: date | None = None


def hire_status(
    *,
    erased: bool,
    opened_at: datetime | None,
    token_expires_at: datetime,
    visit: VisitFacts | None,
    now: datetime,
    zone: tzinfo,
) -> HireState:
    """The furthest step the hire reached; an unopened link past its expiry is expired."""
    if erased:
        return HireState("deleted")
    if visit is not None:
        if visit.bsn_issued_at is not None:
            return HireState("bsn_issued", visit.bsn_issued_at.astimezone(zone).date())
        return HireState("prereg_complete" if visit.prereg_complete else "booked", visit.day)
    if opened_at is not None:
        return HireState("opened", opened_at.astimezone(zone).date())
    if token_expires_at <= now:
        return HireState("expired", token_expires_at.astimezone(zone).date())
    return HireState("invited", token_expires_at.astimezone(zone).date())


def can_renew(state: HireState) -> bool:
    """A new link replaces one that was never opened (expired, or lost by HR)."""
    return state.status in ("invited", "expired")
