"""getUpdates long polling and the webhook registration methods."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .errors import ApiError, bad_request
from .models import Described, WebhookState
from .params import Params
from .world import World

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def get_updates(world: World, p: Params) -> Any:
    """Returns as soon as anything is pending, else after `timeout` seconds."""
    if world.webhook is not None:
        raise ApiError(409, WEBHOOK_CONFLICT)
    offset = p.get_int("offset")
    limit = min(max(p.get_int("limit") or 100, 1), 100)
    timeout = max(p.get_float("timeout") or 0.0, 0.0)
    allowed = p.get_json("allowed_updates")
    if allowed is not None:
        world.set_allowed_updates(allowed)
    world.confirm(offset)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        batch = world.peek_updates(limit)
        if batch or world.closing or world.webhook is not None:
            break
        remaining = deadline - loop.time()
        if remaining <= 0:
            break
        await world.update_notifier.wait(remaining)
    world.mark_fetched(batch)
    return batch


async def set_webhook(world: World, p: Params) -> Any:
    """setWebhook; plain http is accepted too, since tests run without TLS."""
    url = p.get_str("url") or ""
    if not url:
        return await delete_webhook(world, p)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = p.get_int("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = p.get_json("allowed_updates")
    if allowed is not None:
        world.set_allowed_updates(allowed)
    if p.get_bool("drop_pending_updates"):
        world.drop_pending()
    previous = world.webhook
    world.webhook = WebhookState(
        url=url,
        secret_token=secret,
        max_connections=max_connections,
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    world.update_notifier.notify()
    if previous is not None and previous.url == url:
        return Described(True, "Webhook is already set")
    return Described(True, "Webhook was set")


async def delete_webhook(world: World, p: Params) -> Any:
    """deleteWebhook; pending updates stay for getUpdates unless dropped."""
    if p.get_bool("drop_pending_updates"):
        world.drop_pending()
    if world.webhook is None:
        return Described(True, "Webhook is already deleted")
    world.webhook = None
    world.update_notifier.notify()
    return Described(True, "Webhook was deleted")


async def get_webhook_info(world: World, p: Params) -> Any:
    """getWebhookInfo, including the last delivery error."""
    hook = world.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(world.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "127.0.0.1"
        if hook.allowed_updates is not None:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


METHODS = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
