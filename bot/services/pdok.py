"""PDOK Locatieserver: the municipality of a postcode, with a short timeout and a small cache.

The call (../shared/domain/facts.md section 6):
GET {base}/free?q=6211DW&fq=type:postcode&fl=gemeentecode,gemeentenaam&rows=1
-> {"response": {"docs": [{"gemeentecode": "0935", "gemeentenaam": "Maastricht"}]}}
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

import httpx

from bot.domain.postcodes import PostcodeArea, cbs_code

log = logging.getLogger(__name__)
CACHE_SIZE = 512
CACHE_SECONDS = 24 * 3600.0
PAUSE_AFTER_FAILURE = 60.0  # seconds without calls after a failure, so no user waits twice


class PdokLocatieserver:
    """PostcodeLookup over HTTP; answers None whenever the register cannot be trusted."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._cache: OrderedDict[str, tuple[float, PostcodeArea | None]] = OrderedDict()
        self._paused_until = 0.0

    async def area(self, postcode: str) -> PostcodeArea | None:
        """The postcode's municipality, from the cache when asked recently."""
        key = "".join(postcode.split()).upper()
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            self._cache.move_to_end(key)
            return cached[1]
        if not self._base or now < self._paused_until:
            return None
        try:
            found = await self._ask(key)
        except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError) as problem:
            log.warning("pdok_unavailable error=%s", type(problem).__name__)
            self._paused_until = now + PAUSE_AFTER_FAILURE
            return None
        self._cache[key] = (now + CACHE_SECONDS, found)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return found

    async def _ask(self, postcode: str) -> PostcodeArea | None:
        params = {
            "q": postcode,
            "fq": "type:postcode",
            "fl": "gemeentecode,gemeentenaam",
            "rows": "1",
        }
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            reply = await client.get(f"{self._base}/free", params=params)
            reply.raise_for_status()
            docs = reply.json()["response"]["docs"]
        if not isinstance(docs, list):
            raise ValueError("docs is not a list")
        if not docs:
            return None  # an unknown postcode: the register cannot place it
        first = docs[0]
        code = cbs_code(first["gemeentecode"])
        name = first.get("gemeentenaam")
        if code is None or not isinstance(name, str) or not name.strip():
            raise ValueError("no municipality in the reply")
        return PostcodeArea(code, name.strip()[:80])
