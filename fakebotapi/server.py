"""Tornado HTTP front end: /bot<token>/<method> and /file/bot<token>/<path>.

Uses tornado's HTTPServer with a plain request callback instead of tornado.web, which
roughly halves per-request overhead for benchmark traffic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import tornado.httpserver
import tornado.httputil
import tornado.netutil

from .dispatch import Dispatcher, encode
from .errors import bad_request
from .params import Params, Upload

logger = logging.getLogger(__name__)

NOT_FOUND = encode({"ok": False, "error_code": 404, "description": "Not Found"})
JSON_TYPE = "application/json"
_BOT_PATH = re.compile(r"/bot([^/]*)/([^/]*)")
_FILE_PATH = re.compile(r"/file/bot([^/]*)/(.+)")


def _decode(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def request_params(request: tornado.httputil.HTTPServerRequest) -> Params:
    """GET query strings, urlencoded/multipart forms and JSON bodies all become Params."""
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("application/json") and request.body:
        values: dict[str, Any] = {
            key: _decode(vals[-1]) for key, vals in request.query_arguments.items()
        }
        try:
            body = json.loads(request.body)
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        values.update(body)
    else:
        values = {key: _decode(vals[-1]) for key, vals in request.arguments.items()}
    files = {
        name: Upload(parts[-1].filename or None, parts[-1].content_type or None, parts[-1].body)
        for name, parts in request.files.items()
        if parts
    }
    return Params(values, files)


class HttpServer:
    """Binds in the running event loop, so tests and the shell share it."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self._server: tornado.httpserver.HTTPServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    def start(self, host: str, port: int) -> int:
        """Returns the bound port (useful with port=0)."""
        sockets = tornado.netutil.bind_sockets(port, host)
        server = tornado.httpserver.HTTPServer(
            self._on_request, max_body_size=60 * 1024 * 1024, idle_connection_timeout=120
        )
        server.add_sockets(sockets)
        self._server = server
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Stops listening, lets in-flight calls finish briefly, then drops connections."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=1.0)
        for task in list(self._tasks):
            task.cancel()
        await server.close_all_connections()

    def _on_request(self, request: tornado.httputil.HTTPServerRequest) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(request))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, request: tornado.httputil.HTTPServerRequest) -> None:
        path = request.path
        content_type = JSON_TYPE
        try:
            bot = _BOT_PATH.fullmatch(path)
            if bot is not None:
                token, method = unquote(bot.group(1)), bot.group(2)
                status, body = await self.dispatcher.handle(
                    token, method, lambda: request_params(request)
                )
            else:
                status, body, content_type = self._file(path)
        except Exception:
            logger.exception("fakebotapi: unhandled error for %s", path)
            status = 500
            body = encode({"ok": False, "error_code": 500, "description": "Internal Server Error"})
        self._respond(request, status, body, content_type)

    def _file(self, path: str) -> tuple[int, bytes, str]:
        """Unknown paths and wrong tokens are plain 404s, as on Telegram."""
        match = _FILE_PATH.fullmatch(path)
        world = self.dispatcher.world
        if match is None or unquote(match.group(1)) != world.token:
            return 404, NOT_FOUND, JSON_TYPE
        record = world.files.by_path(unquote(match.group(2)))
        if record is None:
            return 404, NOT_FOUND, JSON_TYPE
        record.downloads += 1
        return 200, record.data, record.mime_type or "application/octet-stream"

    @staticmethod
    def _respond(
        request: tornado.httputil.HTTPServerRequest, status: int, body: bytes, content_type: str
    ) -> None:
        connection = request.connection
        if connection is None:
            return
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        headers = tornado.httputil.HTTPHeaders(
            {"Content-Type": content_type, "Content-Length": str(len(body))}
        )
        start = tornado.httputil.ResponseStartLine("HTTP/1.1", status, reason)
        with contextlib.suppress(Exception):
            connection.write_headers(start, headers, body)
            connection.finish()
