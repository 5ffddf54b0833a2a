"""Pushes queued updates to the webhook, one at a time and in order, with retries."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging

import httpx

from .dispatch import encode
from .world import World

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSender:
    """Delivery loop; `targets` overrides the registered URL (round-robin) for load tests."""

    def __init__(
        self,
        world: World,
        *,
        retry_delay: float = 0.05,
        max_retry_delay: float = 1.0,
        timeout: float = 10.0,
    ) -> None:
        self.world = world
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.timeout = timeout
        self.targets: list[str] | None = None
        self.busy = False
        self.delivered = 0
        self.failures = 0
        self._turn = itertools.count()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    def start(self) -> None:
        """Runs in the current loop until stop(); self-signed test receivers are fine."""
        self._client = httpx.AsyncClient(timeout=self.timeout, trust_env=False, verify=False)
        self._task = asyncio.create_task(self._run(), name="fakebotapi-webhook")

    async def stop(self) -> None:
        """Cancels any in-flight delivery; the update stays queued."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _next_url(self, registered: str) -> str:
        targets = self.targets
        if not targets:
            return registered
        return targets[next(self._turn) % len(targets)]

    async def _post(self, url: str, secret: str | None, body: bytes) -> str | None:
        """None on success, else the last_error_message Telegram would report."""
        assert self._client is not None
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            return "Read timeout expired"
        except httpx.ConnectError:
            return "Connection refused"
        except httpx.HTTPError as err:
            return f"Connection error: {err.__class__.__name__}"
        if 200 <= response.status_code < 300:
            return None
        return f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"

    async def _run(self) -> None:
        world = self.world
        streak = 0
        while True:
            hook = world.webhook
            if hook is None or not world.updates:
                await world.update_notifier.wait(None)
                continue
            update = world.updates[0]
            self.busy = True
            try:
                error = await self._post(
                    self._next_url(hook.url), hook.secret_token, encode(update)
                )
            finally:
                self.busy = False
            if error is None:
                world.confirm_delivered(update["update_id"])
                self.delivered += 1
                streak = 0
                continue
            self.failures += 1
            streak += 1
            if world.webhook is not None:
                world.webhook.last_error_date = world.now()
                world.webhook.last_error_message = error
            logger.debug("webhook delivery failed: %s", error)
            await asyncio.sleep(min(self.retry_delay * 2 ** (streak - 1), self.max_retry_delay))
