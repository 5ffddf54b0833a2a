"""Runs one user input as one transaction: lock the chat, apply, save state, then reply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.content.context import AppContext
from bot.dialogs.turn import Incoming, Reply, Turn
from bot.domain.dialog import Dialog
from bot.domain.language import Language, language_for
from bot.domain.users import UserProfile
from bot.services.clock import Clock
from bot.storage.unit_of_work import UnitOfWorkFactory
from bot.uploads.hire_files import read_upload

log = logging.getLogger(__name__)
Router = Callable[[Turn], Awaitable[None]]
UPDATE_MEMORY = timedelta(days=2)


@dataclass(frozen=True)
class Outcome:
    """What the Telegram layer must do after the transaction committed."""

    replies: tuple[Reply, ...]
    language: Language
    toast: str = ""
    clear_tapped_keyboard: bool = False
    handler: str = "unhandled"
    status: str = "ok"
    wakeups: tuple[datetime, ...] = ()


class Conversations:
    """The one way an input changes state; knows nothing of Telegram."""

    def __init__(
        self, units: UnitOfWorkFactory, ctx: AppContext, clock: Clock, router: Router
    ) -> None:
        self._units = units  # a fresh unit of work per input: SQL in production, memory in tests
        self._ctx = ctx
        self._clock = clock
        self._router = router

    def use_context(self, ctx: AppContext) -> None:
        """Swaps in a context learnt at start (the bot's username), before updates flow."""
        self._ctx = ctx

    async def handle(self, incoming: Incoming) -> Outcome:
        """Applies the input; on any failure nothing is kept and the user gets an apology."""
        try:
            return await self._apply(await self._read_upload(incoming))
        except Exception:
            log.exception("update_failed update_id=%s kind=%s", incoming.update_id, incoming.kind)
            language = await self._language_of(incoming)
            apology = self._ctx.catalog.text(language, "errors.apology")
            return Outcome((Reply(apology),), language, handler="error", status="error")

    async def _read_upload(self, incoming: Incoming) -> Incoming:
        """Reads a spreadsheet in a worker thread, before the transaction: other chats go on."""
        if incoming.file_content is None:
            return incoming
        read = await asyncio.to_thread(
            read_upload, incoming.file_content, incoming.file_name, self._ctx.catalog
        )
        return replace(incoming, upload=read)

    async def _apply(self, incoming: Incoming) -> Outcome:
        async with self._units() as uow:
            await uow.lock_chat(incoming.chat_id)
            now = self._clock.now()
            stored, saved_dialog = await uow.chat_state.load(incoming.chat_id, incoming.user_id)
            profile = stored or UserProfile(
                incoming.user_id,
                language_for(incoming.telegram_language, self._ctx.default_language),
            )
            dialog = saved_dialog or Dialog()
            if not incoming.private:
                dialog = Dialog()
            turn = Turn(incoming, profile, dialog, uow, self._ctx, now)
            await self._router(turn)
            if turn.profile != stored:
                await uow.chat_state.save_user(turn.profile, now, exists=stored is not None)
            if incoming.private and turn.dialog != dialog:
                await uow.chat_state.save_dialog(
                    incoming.chat_id,
                    incoming.user_id,
                    turn.dialog,
                    now,
                    exists=saved_dialog is not None,
                )
            if not await uow.chat_state.record_update(incoming.update_id, now):
                # Already applied (a redelivery): everything above is rolled back unsent.
                return Outcome((), profile.language, handler="duplicate", status="duplicate")
            if incoming.update_id % 500 == 0:
                await uow.updates.prune(now - UPDATE_MEMORY)
            await uow.commit()
        for job in turn.after_commit:  # the database is free again while this runs
            await job()
        return Outcome(
            tuple(turn.replies),
            turn.lang,
            toast=turn.toast,
            clear_tapped_keyboard=turn.clear_tapped_keyboard,
            handler=turn.handler,
            wakeups=tuple(turn.wakeups),
        )

    async def remember_sent(self, tagged: list[tuple[str, int, int | None]]) -> None:
        """Links sent staff-chat messages (and a new forum topic) to their tickets."""
        if not tagged:
            return
        async with self._units() as uow:
            for tag, message_id, thread_id in tagged:
                kind, _, ticket = tag.partition(":")
                if kind in ("alert", "relay") and ticket.isdigit():
                    await uow.tickets.remember_message(
                        int(ticket), message_id, alert=kind == "alert", thread_id=thread_id
                    )
            await uow.commit()

    async def _language_of(self, incoming: Incoming) -> Language:
        """The user's language for an apology, even when the database is the problem."""
        try:
            async with self._units() as uow:
                profile = await uow.users.get(incoming.user_id)
            if profile is not None:
                return profile.language
        except Exception:
            log.warning("language_lookup_failed update_id=%s", incoming.update_id)
        return language_for(incoming.telegram_language, self._ctx.default_language)
