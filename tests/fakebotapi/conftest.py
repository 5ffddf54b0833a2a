"""Fixtures: a started FakeBotApi plus real PTB and httpx clients pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import telegram

from fakebotapi import FakeBotApi, SimUser

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(token=TOKEN, bot_username="onestop_test_bot")
    await api.start(host="127.0.0.1", port=0)
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    client = telegram.Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url)
    await client.initialize()
    try:
        yield client
    finally:
        await client.shutdown()


@pytest.fixture
async def http(fake: FakeBotApi) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=f"{fake.root_url}/bot{TOKEN}/", trust_env=False
    ) as client:
        yield client


@pytest.fixture
def alice(fake: FakeBotApi) -> SimUser:
    return fake.add_user(user_id=1001, first_name="Alice", language_code="en")
