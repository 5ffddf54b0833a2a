"""Users, dialogs, applied updates, FAQ gaps and the per-update chat state, in memory."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from bot.domain.dialog import Dialog
from bot.domain.gaps import scrub_gap
from bot.domain.language import Language, stored_language
from bot.domain.users import UserProfile
from tests.unit.fakes.tables import (
    ConstraintBroken,
    DialogRecord,
    FaqGapRecord,
    Tables,
    UserRecord,
    json_copy,
    utc,
)


def _dialog(record: DialogRecord) -> Dialog:
    return Dialog(
        flow=record.flow,
        step=record.step,
        answers=json_copy(record.answers),
        history=tuple(json_copy(record.history)),
        version=record.version,
    )


class MemoryUsers:
    """UserRepository: note that get() leaves misses at 0, as the real one does."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, user_id: int) -> UserProfile | None:
        record = self._t.users.get(user_id)
        if record is None:
            return None
        return UserProfile(user_id, stored_language(record.language), record.language_chosen)

    async def save(self, profile: UserProfile, now: datetime) -> None:
        record = self._t.users.get(profile.user_id)
        if record is None:
            record = UserRecord(profile.language, False, 0, utc(now), utc(now))
            self._t.users[profile.user_id] = record
        record.language = profile.language
        record.language_chosen = profile.language_chosen
        record.updated_at = utc(now)


class MemoryDialogs:
    """DialogRepository: save() bumps the stored version, whatever the dialog's own."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def get(self, chat_id: int) -> Dialog:
        record = self._t.dialogs.get(chat_id)
        return Dialog() if record is None else _dialog(record)

    async def save(self, chat_id: int, user_id: int, dialog: Dialog, now: datetime) -> None:
        record = self._t.dialogs.get(chat_id)
        version = 0 if record is None else record.version
        self._t.dialogs[chat_id] = DialogRecord(
            user_id=user_id,
            flow=dialog.flow,
            step=dialog.step,
            answers=json_copy(dict(dialog.answers)),
            history=json_copy(list(dialog.history)),
            version=version + 1,
            updated_at=utc(now),
        )


class MemoryUpdates:
    """UpdateLog."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def prune(self, before: datetime) -> int:
        old = [i for i, at in self._t.processed_updates.items() if at < before]
        for update_id in old:
            del self._t.processed_updates[update_id]
        return len(old)

    async def highest(self) -> int:
        return max(self._t.processed_updates, default=0)


class MemoryFaqGaps:
    """FaqGapRepository: grouped by the trimmed, lower-cased text and the language."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def record(self, text_: str, language: Language, now: datetime) -> None:
        gap = FaqGapRecord(scrub_gap(text_), language, utc(now))
        self._t.faq_gaps[self._t.new_id("faq_gaps")] = gap

    async def purge(self, before: datetime) -> int:
        old = [key for key, gap in self._t.faq_gaps.items() if gap.asked_at < utc(before)]
        for key in old:
            del self._t.faq_gaps[key]
        return len(old)

    async def most_frequent(self, limit: int = 20) -> list[tuple[str, str, int]]:
        counts = Counter((r.text.strip(" ").lower(), r.language) for r in self._t.faq_gaps.values())
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][0], item[0][1]))
        return [(text, language, n) for (text, language), n in ordered[:limit]]


class MemoryChatState:
    """ChatStateRepository: an insert over an existing row breaks the primary key."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    async def load(self, chat_id: int, user_id: int) -> tuple[UserProfile | None, Dialog | None]:
        user = self._t.users.get(user_id)
        profile = None
        if user is not None:
            language = stored_language(user.language)
            profile = UserProfile(user_id, language, user.language_chosen, user.misses)
        record = self._t.dialogs.get(chat_id)
        return profile, None if record is None else _dialog(record)

    async def save_user(self, profile: UserProfile, now: datetime, *, exists: bool) -> None:
        record = self._t.users.get(profile.user_id)
        if exists:
            if record is not None:  # an UPDATE of no row changes nothing
                record.language = profile.language
                record.language_chosen = profile.language_chosen
                record.misses = profile.misses
                record.updated_at = utc(now)
            return
        if record is not None:
            raise ConstraintBroken(f"users {profile.user_id} exists")
        self._t.users[profile.user_id] = UserRecord(
            profile.language, profile.language_chosen, profile.misses, utc(now), utc(now)
        )

    async def save_dialog(
        self, chat_id: int, user_id: int, dialog: Dialog, now: datetime, *, exists: bool
    ) -> None:
        if (chat_id in self._t.dialogs) != exists:
            if exists:
                return
            raise ConstraintBroken(f"dialogs {chat_id} exists")
        self._t.dialogs[chat_id] = DialogRecord(
            user_id=user_id,
            flow=dialog.flow,
            step=dialog.step,
            answers=json_copy(dict(dialog.answers)),
            history=json_copy(list(dialog.history)),
            version=dialog.version + 1,
            updated_at=utc(now),
        )

    async def record_update(self, update_id: int, now: datetime) -> bool:
        if update_id in self._t.processed_updates:
            return False
        self._t.processed_updates[update_id] = utc(now)
        return True
