"""Webhook delivery to real HTTP receivers started in the test."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import telegram
import tornado.httpserver
import tornado.netutil
import tornado.web

from fakebotapi import SECRET_HEADER, FakeBotApi, SimUser


@dataclass
class Receiver:
    """Records webhook POSTs; answers `fail_first` of them with HTTP 500."""

    fail_first: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[str | None] = field(default_factory=list)
    attempts: int = 0
    url: str = ""


class _Hook(tornado.web.RequestHandler):
    def initialize(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def post(self) -> None:
        receiver = self.receiver
        receiver.attempts += 1
        if receiver.attempts <= receiver.fail_first:
            self.set_status(500)
            return
        receiver.received.append(json.loads(self.request.body))
        receiver.secrets.append(self.request.headers.get(SECRET_HEADER))


@pytest.fixture
async def receivers() -> AsyncIterator[list[Receiver]]:
    servers = []
    made: list[Receiver] = []
    for _ in range(2):
        receiver = Receiver()
        app = tornado.web.Application([(r"/hook", _Hook, {"receiver": receiver})])
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        receiver.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
        servers.append(server)
        made.append(receiver)
    yield made
    for server in servers:
        server.stop()
        await server.close_all_connections()


async def test_delivers_in_order_with_secret(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    assert await bot.set_webhook(hook.url, secret_token="s3cr3t", allowed_updates=["message"])
    for text in ("a", "b", "c"):
        await fake.send_text(alice, text)
    await fake.wait_until(lambda: len(hook.received) == 3, timeout=3)
    assert [u["message"]["text"] for u in hook.received] == ["a", "b", "c"]
    assert hook.secrets == ["s3cr3t"] * 3
    update = telegram.Update.de_json(hook.received[0], bot)
    assert update.message is not None and update.message.from_user is not None
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (hook.url, 0)
    await fake.wait_until_idle(quiet=0.05)


async def test_retries_and_reports_last_error(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser, receivers: list[Receiver]
) -> None:
    hook = receivers[0]
    hook.fail_first = 2
    await bot.set_webhook(hook.url)
    await fake.send_text(alice, "persist")
    await fake.wait_until(lambda: hook.attempts >= 2, timeout=3)
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None
    await fake.wait_until(lambda: len(hook.received) == 1, timeout=3)
    assert hook.received[0]["message"]["text"] == "persist"


async def test_round_robin_targets_simulate_a_load_balancer(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser, receivers: list[Receiver]
) -> None:
    await bot.set_webhook(receivers[0].url)
    fake.webhook_targets = [r.url for r in receivers]
    for n in range(4):
        await fake.send_text(alice, f"m{n}")
    await fake.wait_until(lambda: sum(len(r.received) for r in receivers) == 4, timeout=3)
    assert [u["message"]["text"] for u in receivers[0].received] == ["m0", "m2"]
    assert [u["message"]["text"] for u in receivers[1].received] == ["m1", "m3"]


async def test_delete_webhook_hands_pending_updates_to_polling(
    fake: FakeBotApi, bot: telegram.Bot, alice: SimUser
) -> None:
    await bot.set_webhook("http://127.0.0.1:9/unreachable")
    await fake.send_text(alice, "queued")
    await fake.wait_until(
        lambda: fake.webhook is not None and fake.webhook.last_error_message is not None, timeout=3
    )
    assert fake.webhook is not None
    assert fake.webhook.last_error_message == "Connection refused"
    await bot.delete_webhook()
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["queued"]
