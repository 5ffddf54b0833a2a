"""The PDOK Locatieserver adapter against a local fake: match, mismatch, slow, down, malformed."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

from bot.domain.postcodes import PostcodeArea, cbs_code
from bot.services.pdok import PdokLocatieserver

Reply = Callable[[dict[str, list[str]]], tuple[int, bytes, float]]
REGISTER = {"6211DW": ("0935", "Maastricht"), "6411AB": ("0917", "Heerlen")}


def register(query: dict[str, list[str]]) -> tuple[int, bytes, float]:
    """The documented reply: response.docs[0].gemeentecode and gemeentenaam."""
    found = REGISTER.get(query.get("q", [""])[0])
    docs = [{"gemeentecode": found[0], "gemeentenaam": found[1]}] if found else []
    return 200, json.dumps({"response": {"numFound": len(docs), "docs": docs}}).encode(), 0.0


@asynccontextmanager
async def fake_pdok(reply: Reply) -> AsyncIterator[tuple[str, list[dict[str, list[str]]]]]:
    """A tiny HTTP server on 127.0.0.1 answering GET /free like the Locatieserver."""
    asked: list[dict[str, list[str]]] = []
    open_writers: set[asyncio.StreamWriter] = set()
    handlers: set[asyncio.Task[None]] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        open_writers.add(writer)
        task = asyncio.current_task()
        if task is not None:
            handlers.add(task)  # type: ignore[arg-type]
        request = (await reader.readline()).decode()
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        query = parse_qs(urlsplit(request.split(" ")[1]).query)
        asked.append(query)
        status, body, delay = reply(query)
        await asyncio.sleep(delay)
        head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        writer.write(head.encode() + body)
        try:
            await writer.drain()
        finally:
            open_writers.discard(writer)
            writer.close()
            await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/bzk/locatieserver/search/v3_1", asked
    finally:
        server.close()
        for handler in handlers:  # a slow reply the client gave up on is still sleeping
            handler.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        for writer in open_writers:
            writer.close()
        await server.wait_closed()


async def test_a_postcode_is_placed_in_its_municipality_and_cached() -> None:
    async with fake_pdok(register) as (url, asked):
        pdok = PdokLocatieserver(url, timeout=2.0)
        assert await pdok.area("6211 dw") == PostcodeArea("GM0935", "Maastricht")
        assert await pdok.area("6211DW") == PostcodeArea("GM0935", "Maastricht")
        assert await pdok.area("6411 AB") == PostcodeArea("GM0917", "Heerlen")
    assert len(asked) == 2  # the second 6211 DW came from the cache
    assert asked[0]["fq"] == ["type:postcode"] and asked[0]["q"] == ["6211DW"]
    assert asked[0]["fl"] == ["gemeentecode,gemeentenaam"]


async def test_an_unknown_postcode_cannot_be_placed() -> None:
    async with fake_pdok(register) as (url, _):
        assert await PdokLocatieserver(url, timeout=2.0).area("9999 ZZ") is None


async def test_a_slow_register_is_not_waited_for_and_not_asked_again_at_once() -> None:
    def slow(query: dict[str, list[str]]) -> tuple[int, bytes, float]:
        return register(query)[0], register(query)[1], 2.0

    async with fake_pdok(slow) as (url, asked):
        pdok = PdokLocatieserver(url, timeout=0.2)
        started = time.monotonic()
        assert await pdok.area("6211 DW") is None
        assert await pdok.area("6411 AB") is None  # paused after the failure: no second wait
        assert time.monotonic() - started < 1.5
    assert len(asked) == 1


async def test_a_register_that_is_down_or_answers_nonsense_leaves_the_postcode_unchecked() -> None:
    assert await PdokLocatieserver("http://127.0.0.1:9", timeout=0.5).area("6211 DW") is None
    assert await PdokLocatieserver("", timeout=0.5).area("6211 DW") is None
    replies: list[tuple[int, bytes, float]] = [
        (500, b"oops", 0.0),
        (200, b"<html>not json</html>", 0.0),
        (200, b'{"response": {"docs": "none"}}', 0.0),
        (200, b'{"response": {"docs": [{"gemeentecode": "x"}]}}', 0.0),
        (200, b'{"response": {"docs": [{"gemeentecode": "0935", "gemeentenaam": ""}]}}', 0.0),
        (200, b"[]", 0.0),
    ]
    for status, body, delay in replies:

        def broken(
            _: dict[str, list[str]], reply: tuple[int, bytes, float] = (status, body, delay)
        ) -> tuple[int, bytes, float]:
            return reply

        async with fake_pdok(broken) as (url, _):
            assert await PdokLocatieserver(url, timeout=1.0).area("6211 DW") is None, body


def test_municipality_codes_are_read_in_every_written_form() -> None:
    assert cbs_code("0935") == cbs_code("935") == cbs_code("GM0935") == "GM0935"
    assert cbs_code("x") is None and cbs_code("12345") is None and cbs_code("") is None
