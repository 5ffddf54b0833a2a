"""Repositories: read and write rows, hand back domain objects."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.dialog import Dialog
from bot.domain.gaps import scrub_gap
from bot.domain.language import Language, stored_language
from bot.domain.users import UserProfile
from bot.storage.tables import DialogRow, FaqGapRow, ProcessedUpdateRow, UserRow


class UserRepository:
    """Users' language preferences."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows: dict[int, UserRow] = {}  # keeps rows alive: a second get costs no query

    async def _row(self, user_id: int) -> UserRow | None:
        row = self._rows.get(user_id) or await self._session.get(UserRow, user_id)
        if row is not None:
            self._rows[user_id] = row
        return row

    async def get(self, user_id: int) -> UserProfile | None:
        """The stored profile, if the user has been seen before."""
        row = await self._row(user_id)
        if row is None:
            return None
        return UserProfile(row.user_id, stored_language(row.language), row.language_chosen)

    async def save(self, profile: UserProfile, now: datetime) -> None:
        """Inserts or updates the profile."""
        row = await self._row(profile.user_id)
        if row is None:
            row = UserRow(user_id=profile.user_id, created_at=now)
            self._session.add(row)
            self._rows[profile.user_id] = row
        row.language = profile.language
        row.language_chosen = profile.language_chosen
        row.updated_at = now


class DialogRepository:
    """The conversation state per chat."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._rows: dict[int, DialogRow] = {}

    async def _row(self, chat_id: int) -> DialogRow | None:
        row = self._rows.get(chat_id) or await self._session.get(DialogRow, chat_id)
        if row is not None:
            self._rows[chat_id] = row
        return row

    async def get(self, chat_id: int) -> Dialog:
        """The chat's dialog, or an idle one."""
        row = await self._row(chat_id)
        if row is None:
            return Dialog()
        return Dialog(
            flow=row.flow,
            step=row.step,
            answers=dict(row.answers or {}),
            history=tuple(row.history or ()),
            version=row.version,
        )

    async def save(self, chat_id: int, user_id: int, dialog: Dialog, now: datetime) -> None:
        """Writes the dialog, bumping its version so stale writers are noticed."""
        row = await self._row(chat_id)
        if row is None:
            row = DialogRow(chat_id=chat_id, version=0)
            self._session.add(row)
            self._rows[chat_id] = row
        row.user_id = user_id
        row.flow = dialog.flow
        row.step = dialog.step
        row.answers = dict(dialog.answers)
        row.history = list(dialog.history)
        row.version = (row.version or 0) + 1
        row.updated_at = now


class UpdateLog:
    """Remembers applied update ids so redelivery is harmless."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def prune(self, before: datetime) -> int:
        """Forgets ids older than any redelivery could be."""
        result = await self._session.execute(
            delete(ProcessedUpdateRow).where(ProcessedUpdateRow.processed_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def highest(self) -> int:
        """The highest update id applied and still remembered (0 for none)."""
        found = await self._session.scalar(select(func.max(ProcessedUpdateRow.update_id)))
        return int(found or 0)


class FaqGapRepository:
    """Unanswered questions, for staff to see what content is missing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, text_: str, language: Language, now: datetime) -> None:
        """Keeps the question's words (no numbers, no addresses) and language, never who asked."""
        self._session.add(FaqGapRow(text=scrub_gap(text_), language=language, asked_at=now))

    async def purge(self, before: datetime) -> int:
        """Forgets the questions asked before the retention cut-off."""
        result = await self._session.execute(delete(FaqGapRow).where(FaqGapRow.asked_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def most_frequent(self, limit: int = 20) -> list[tuple[str, str, int]]:
        """The most asked unanswered questions (normalised text, language, count)."""
        normalised = func.lower(func.trim(FaqGapRow.text))
        stmt = (
            select(normalised, FaqGapRow.language, func.count())
            .group_by(normalised, FaqGapRow.language)
            .order_by(func.count().desc(), normalised)
            .limit(limit)
        )
        rows = await self._session.execute(stmt)
        return [(str(t), str(lang), int(n)) for t, lang, n in rows.all()]


async def lock_chat(session: AsyncSession, chat_id: int, *, is_sqlite: bool) -> None:
    """Makes updates of one chat apply one at a time, across processes too."""
    if is_sqlite:
        return  # BEGIN IMMEDIATE already serialises every writer on the file
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": chat_id})
