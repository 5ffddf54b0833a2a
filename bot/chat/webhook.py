"""The webhook HTTP server: Telegram's updates in, plus /healthz for the orchestrator."""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from prometheus_client import CONTENT_TYPE_LATEST
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler, stream_request_body

from bot.storage.database import Database

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # Telegram's updates are a few kilobytes; this is generous
BotApplication = Application[Any, Any, Any, Any, Any, Any]


@stream_request_body
class _UpdateHandler(RequestHandler):
    """Checks the secret before reading a byte of the body, caps it, then queues the update."""

    def initialize(self, bot_application: BotApplication, secret: str) -> None:
        self.bot_application = bot_application
        self.secret = secret
        self._chunks: list[bytes] = []

    def prepare(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.set_status(403)
            self.finish()  # the body is never read

    def data_received(self, chunk: bytes) -> None:
        self._chunks.append(chunk)

    async def post(self) -> None:
        update = self._update(b"".join(self._chunks))
        if update is None:
            log.warning("webhook_rejected reason=malformed_update")
            self.set_status(400)
            return
        await self.bot_application.update_queue.put(update)
        self.set_status(200)

    def _update(self, body: bytes) -> Update | None:
        """The update in the body; None for anything else, however well-formed."""
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or type(data.get("update_id")) is not int:
                return None
            return Update.de_json(data, self.bot_application.bot)
        except Exception:  # whatever PTB's parser trips on is the sender's error, not ours
            return None


class _HealthHandler(RequestHandler):
    """200 while the database answers, 503 otherwise."""

    def initialize(self, database: Database) -> None:
        self.database = database

    async def get(self) -> None:
        healthy = await self.database.ping()
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"status": "ok" if healthy else "database unreachable"}))


class _MetricsHandler(RequestHandler):
    """The Prometheus text format; the outbox and ticket gauges are read at each scrape."""

    def initialize(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def get(self) -> None:
        body = await self.metrics.exposition()
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(body)


def webhook_path(webhook_url: str) -> str:
    """The path Telegram posts to, taken from WEBHOOK_URL."""
    path = urlsplit(webhook_url).path
    return path if path and path != "/" else "/telegram"


class WebhookServer:
    """Owns the tornado server in webhook mode."""

    def __init__(
        self,
        application: BotApplication,
        database: Database,
        *,
        secret: str,
        path: str,
        metrics: Metrics | None = None,
    ) -> None:
        web = WebApplication(
            [
                (path, _UpdateHandler, {"bot_application": application, "secret": secret}),
                ("/healthz", _HealthHandler, {"database": database}),
                *([("/metrics", _MetricsHandler, {"metrics": metrics})] if metrics else []),
            ]
        )
        # Nothing this server accepts is large: a longer body is refused unread (after the secret).
        self._server = HTTPServer(web, xheaders=True, max_body_size=MAX_UPDATE_BYTES)
        self.port = 0

    def listen(self, host: str, port: int) -> int:
        """Starts listening; returns the port (useful with port 0)."""
        sockets = bind_sockets(port, host)
        self._server.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Stops accepting and closes open connections."""
        self._server.stop()
        await self._server.close_all_connections()
