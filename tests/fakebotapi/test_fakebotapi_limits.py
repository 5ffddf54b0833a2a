"""Flood control and scripted faults."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import telegram

from fakebotapi import FakeBotApi, RateLimits


@pytest.fixture
async def limited() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(
        enforce_rate_limits=True,
        rate_limits=RateLimits(private_burst=2, group_per_minute=20, group_burst=3),
    )
    await api.start()
    yield api
    await api.stop()


async def test_private_chat_rate_limit_gives_429(limited: FakeBotApi) -> None:
    limited.add_user(1, "One")
    limited.add_user(2, "Two")
    bot = telegram.Bot(limited.token, base_url=limited.base_url)
    async with bot:
        await bot.send_message(1, "a")
        await bot.send_message(1, "b")
        with pytest.raises(telegram.error.RetryAfter) as refused:
            await bot.send_message(1, "c")
        assert refused.value.retry_after == timedelta(seconds=1)
        await bot.send_message(2, "other chats are unaffected")
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(
            f"{limited.base_url}{limited.token}/sendMessage", data={"chat_id": "1", "text": "d"}
        )
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert limited.rate_limit_hits == 2
    assert limited.too_many_requests == 2


async def test_group_limit_retry_after_is_seconds_until_a_slot(limited: FakeBotApi) -> None:
    limited.add_group(-100777, "Staff")
    bot = telegram.Bot(limited.token, base_url=limited.base_url)
    async with bot:
        for n in range(3):
            await bot.send_message(-100777, f"m{n}")
        with pytest.raises(telegram.error.RetryAfter) as refused:
            await bot.send_message(-100777, "too many")
    assert refused.value.retry_after == timedelta(seconds=3)


async def test_rate_limits_off_by_default(fake: FakeBotApi, bot: telegram.Bot) -> None:
    fake.add_user(1, "One")
    for n in range(10):
        await bot.send_message(1, str(n))
    assert fake.too_many_requests == 0


async def test_injected_faults_then_recovery(fake: FakeBotApi, bot: telegram.Bot) -> None:
    fake.add_user(1, "One")
    fake.inject_fault(method="sendMessage", status=502, count=2)
    for _ in range(2):
        with pytest.raises(telegram.error.NetworkError, match="Bad Gateway"):
            await bot.send_message(1, "x")
    await bot.send_message(1, "recovered")

    fake.inject_fault(method="sendMessage", status=429, retry_after=3)
    with pytest.raises(telegram.error.RetryAfter) as refused:
        await bot.send_message(1, "x")
    assert refused.value.retry_after == timedelta(seconds=3)
    await bot.get_me()  # other methods unaffected
    assert fake.status_counts[502] == 2
    assert fake.too_many_requests == 1
    assert fake.rate_limit_hits == 0
    assert [m.text for m in fake.chat_messages(1)] == ["recovered"]
    assert [r.status for r in fake.requests_for("sendMessage")] == [502, 502, 200, 429]
