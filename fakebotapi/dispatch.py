"""Transport-independent request handling: auth, faults, flood control, logging."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from .errors import ApiError
from .limits import FaultInjector, RateLimiter
from .methods import METHODS
from .models import Described, RequestRecord
from .params import Params
from .world import World

logger = logging.getLogger(__name__)


def encode(body: Any) -> bytes:
    """Compact UTF-8 JSON, like Telegram's responses."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Dispatcher:
    """Runs one Bot API call and records it; the HTTP layer only moves bytes."""

    def __init__(
        self,
        world: World,
        limiter: RateLimiter,
        *,
        enforce_rate_limits: bool,
        request_log_size: int,
    ) -> None:
        self.world = world
        self.limiter = limiter
        self.faults = FaultInjector()
        self.enforce_rate_limits = enforce_rate_limits
        self.latency = 0.0
        self.requests: deque[RequestRecord] = deque(maxlen=request_log_size)
        self.status_counts: Counter[int] = Counter()

    async def handle(
        self, token: str, method: str, parse: Callable[[], Params]
    ) -> tuple[int, bytes]:
        """Returns (HTTP status, body) for one request; never raises."""
        started = time.perf_counter()
        key = method.lower()
        world = self.world
        polling = key == "getupdates"
        chat_id: int | str | None = None
        if not polling:
            world.inflight += 1
        try:
            params = parse()
            chat_id = params.log_chat_id()
            result = await self._execute(token, key, params, chat_id)
            status = 200
            if isinstance(result, Described):
                body: dict[str, Any] = {
                    "ok": True,
                    "result": result.result,
                    "description": result.description,
                }
            else:
                body = {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.status, err.envelope()
        except Exception:
            logger.exception("fakebotapi: %s failed", method)
            status = 500
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        finally:
            if not polling:
                world.inflight -= 1
                world.last_activity = time.monotonic()
        self.status_counts[status] += 1
        self.requests.append(
            RequestRecord(method, chat_id, status, time.time(), time.perf_counter() - started)
        )
        return status, encode(body)

    async def _execute(
        self, token: str, key: str, params: Params, chat_id: int | str | None
    ) -> Any:
        if token != self.world.token:
            raise ApiError(401, "Unauthorized")
        fn = METHODS.get(key)
        if fn is None:
            raise ApiError(404, "Not Found")
        fault = self.faults.match(key, chat_id)
        if fault is not None:
            raise fault.error()
        if self.enforce_rate_limits:
            self.limiter.check(key, chat_id)
        if self.latency > 0 and key != "getupdates":
            await asyncio.sleep(self.latency)
        return await fn(self.world, params)
