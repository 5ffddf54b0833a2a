"""The composition root: settings -> storage -> content -> services -> the PTB Application."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot.chat.dispatcher import Dispatcher, rate_limited_bot
from bot.chat.handlers import install, register_commands
from bot.chat.processor import PerChatUpdateProcessor
from bot.chat.webhook import WebhookServer, webhook_path
from bot.content.context import AppContext
from bot.dialogs.router import route
from bot.dialogs.runner import Conversations
from bot.domain.countries import search_countries
from bot.metrics import Metrics
from bot.services.clock import Clock, SystemClock
from bot.services.pdok import PdokLocatieserver
from bot.settings import Settings
from bot.storage import schema
from bot.storage.crypto import cipher_from
from bot.storage.database import Database
from bot.storage.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)
Mode = Literal["polling", "webhook"]
DEV_KEY_FILE = Path("var/data.key")  # used only when ONESTOP_DATA_KEY is not set
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


@dataclass
class Runtime:
    """Everything one bot process owns."""

    settings: Settings
    database: Database
    ctx: AppContext
    conversations: Conversations
    application: Application  # type: ignore[type-arg]
    dispatcher: Dispatcher
    webhook: WebhookServer | None = None
    metrics: Metrics | None = None  # this runtime's own registry, served at /metrics (webhook)


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Wires the production objects; the same factory serves `onestop run`, the shell and tests."""
    # PTB's time periods (a 429's retry_after) as timedelta: their int form is deprecated (22.2).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    database = Database(settings.database_url, cipher_from(settings.data_key, DEV_KEY_FILE))
    ctx = AppContext.load(
        settings.content_dir,
        settings.zone,
        settings.default_language,
        staff_chat_id=settings.staff_chat_id,
        admin_ids=settings.admin_user_ids,
        purge_after_days=settings.purge_after_days,
        invite_valid_days=settings.invite_valid_days,
    )
    ctx = replace(ctx, postcodes=PdokLocatieserver(settings.pdok_url, settings.pdok_timeout))
    clock = clock or SystemClock()
    search_countries(
        "nl", "en", aliases=ctx.countries
    )  # builds the CLDR country-name index now, not in a user's turn
    conversations = Conversations(lambda: SqlUnitOfWork(database), ctx, clock, route)
    metrics = Metrics(database, clock)
    api = settings.telegram_api_url
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .concurrent_updates(PerChatUpdateProcessor(256, metrics))
        .build()
    )
    dispatcher = Dispatcher(
        rate_limited_bot(settings.telegram_bot_token, api),
        database,
        ctx,
        clock,
        metrics,
    )
    install(application, conversations, settings.staff_chat_id, dispatcher.wake_at)
    return Runtime(settings, database, ctx, conversations, application, dispatcher, metrics=metrics)


@asynccontextmanager
async def running(runtime: Runtime, mode: Mode = "polling") -> AsyncIterator[Runtime]:
    """Migrates, starts receiving updates in the given mode, and stops cleanly on exit."""
    settings, application = runtime.settings, runtime.application
    await schema.upgrade(runtime.database)
    async with application:
        runtime.ctx = replace(runtime.ctx, bot_username=application.bot.username)
        runtime.conversations.use_context(runtime.ctx)
        await register_commands(application, runtime.ctx.catalog)
        if mode == "polling":
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, timeout=10)
        else:
            runtime.webhook = WebhookServer(
                application,
                runtime.database,
                secret=settings.webhook_secret,
                path=webhook_path(settings.webhook_url),
                metrics=runtime.metrics,
            )
            runtime.webhook.listen(settings.webhook_listen, settings.webhook_port)
            await application.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        await application.start()
        await runtime.dispatcher.bot.initialize()
        await runtime.dispatcher.start()
        # Content and rules live for the whole process: keep them out of every GC pass.
        gc.freeze()
        log.info("bot_started mode=%s", mode)
        try:
            yield runtime
        finally:
            await runtime.dispatcher.stop()
            await runtime.dispatcher.bot.shutdown()
            if (
                mode == "polling"
                and application.updater is not None
                and application.updater.running
            ):
                await application.updater.stop()
            if runtime.webhook is not None:
                await runtime.webhook.stop()
            await application.stop()
    await runtime.database.dispose()
    log.info("bot_stopped mode=%s", mode)


async def serve_forever(runtime: Runtime, mode: Mode) -> None:
    """Runs until SIGINT or SIGTERM."""
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running(runtime, mode):
        await stop.wait()
