"""HR accounts of recognised sponsors and the hires they register, as the dialogs see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from bot.domain.invites import VisitFacts
from bot.domain.language import Language

AccountStatus = Literal["pending", "approved", "rejected", "revoked"]
CORRECTABLE = ("name", "email", "phone")  # kept apart from what HR typed, so HR never sees them


@dataclass(frozen=True)
class HrAccount:
    """Someone in HR, bound to one sponsor (KvK number) once staff approve."""

    user_id: int
    chat_id: int
    kvk: str
    email: str
    language: Language
    status: AccountStatus
    notify: bool
    requested_at: datetime
    decided_by: int | None = None
    decided_at: datetime | None = None

    @property
    def approved(self) -> bool:
        """Only an approved account may do anything HR-only."""
        return self.status == "approved"


@dataclass(frozen=True)
class Hire:
    """A registered hire; `name`, `email`, `phone` include the hire's own corrections."""

    id: int
    kvk: str
    created_by: int
    hr_name: str  # the name exactly as HR entered it: all HR is ever shown
    name: str
    email: str
    phone: str
    language: Language
    arrival_date: date
    route: str
    municipality: str
    family_members: int
    token_expires_at: datetime
    created_at: datetime
    opened_at: datetime | None = None
    user_id: int | None = None
    confirmed_at: datetime | None = None
    erased: bool = False


@dataclass(frozen=True)
class HireOverview:
    """One line of HR's list: the hire and what is known of the visit."""

    hire: Hire
    visit: VisitFacts | None
