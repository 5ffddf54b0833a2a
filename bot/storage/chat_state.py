"""The hot path of every update: read a chat's user and dialog in one query, write what changed."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.dialog import Dialog
from bot.domain.language import stored_language
from bot.domain.users import UserProfile
from bot.storage.tables import DialogRow, ProcessedUpdateRow, UserRow

users = cast(Table, UserRow.__table__)
dialogs = cast(Table, DialogRow.__table__)
processed = cast(Table, ProcessedUpdateRow.__table__)


def _scalar(column: Any, key_column: Any, key: str) -> Any:
    return select(column).where(key_column == bindparam(key)).scalar_subquery()


# Built once: constructing and hashing a statement per update costs more than running it.
_LOAD = select(
    _scalar(users.c.language, users.c.user_id, "uid"),
    _scalar(users.c.language_chosen, users.c.user_id, "uid"),
    _scalar(users.c.misses, users.c.user_id, "uid"),
    _scalar(dialogs.c.version, dialogs.c.chat_id, "cid"),
    _scalar(dialogs.c.flow, dialogs.c.chat_id, "cid"),
    _scalar(dialogs.c.step, dialogs.c.chat_id, "cid"),
    _scalar(dialogs.c.answers, dialogs.c.chat_id, "cid"),
    _scalar(dialogs.c.history, dialogs.c.chat_id, "cid"),
)
_RECORD = insert(processed)
_INSERT_USER = insert(users)
_UPDATE_USER = update(users).where(users.c.user_id == bindparam("key"))
_INSERT_DIALOG = insert(dialogs)
_UPDATE_DIALOG = update(dialogs).where(dialogs.c.chat_id == bindparam("key"))


class ChatStateRepository:
    """One SELECT in, at most three writes out: each statement is a round trip to the driver."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, chat_id: int, user_id: int) -> tuple[UserProfile | None, Dialog | None]:
        """The user's profile and the chat's dialog, None where there is none yet."""
        row = (await self._session.execute(_LOAD, {"uid": user_id, "cid": chat_id})).one()
        language, chosen, misses, version, flow, step, answers, history = row
        profile = None
        if language is not None:
            profile = UserProfile(
                user_id, stored_language(language), bool(chosen), int(misses or 0)
            )
        dialog = None
        if version is not None:
            dialog = Dialog(
                flow=flow,
                step=step,
                answers=_json(answers, dict),
                history=tuple(_json(history, list)),
                version=int(version),
            )
        return profile, dialog

    async def save_user(self, profile: UserProfile, now: datetime, *, exists: bool) -> None:
        """Inserts or updates the profile."""
        values = {
            "language": profile.language,
            "language_chosen": profile.language_chosen,
            "misses": profile.misses,
        }
        if exists:
            await self._session.execute(
                update(users)
                .where(users.c.user_id == profile.user_id)
                .values(**values, updated_at=now)
            )
        else:
            await self._session.execute(
                insert(users).values(
                    user_id=profile.user_id, created_at=now, updated_at=now, **values
                )
            )

    async def save_dialog(
        self, chat_id: int, user_id: int, dialog: Dialog, now: datetime, *, exists: bool
    ) -> None:
        """Writes the dialog with a bumped version."""
        values = {
            "user_id": user_id,
            "flow": dialog.flow,
            "step": dialog.step,
            "answers": dict(dialog.answers),
            "history": list(dialog.history),
            "version": dialog.version + 1,
            "updated_at": now,
        }
        if exists:
            await self._session.execute(_UPDATE_DIALOG, {"key": chat_id, **values})
        else:
            await self._session.execute(_INSERT_DIALOG, {"chat_id": chat_id, **values})

    async def record_update(self, update_id: int, now: datetime) -> bool:
        """Marks the update applied; False when it already was (the caller must not commit)."""
        try:
            await self._session.execute(
                insert(processed).values(update_id=update_id, processed_at=now)
            )
        except IntegrityError:
            return False
        return True


def _json(value: Any, kind: type) -> Any:
    """JSON columns come back decoded from typed columns, but as text from a scalar subquery."""
    if value is None:
        return kind()
    if isinstance(value, str):
        return json.loads(value)
    return value
