"""Telegram-shaped API errors raised by method implementations."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """Carries the exact status/description Telegram would answer with."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        """Telegram's error envelope, so every failure path answers identically."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """Most validation failures are 400s with this prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """Blocked/kicked chats answer 403 with this prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """Flood-control answer in the shape PTB turns into RetryAfter."""
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


def default_description(status: int, retry_after: int | None = None) -> str:
    """Injected faults need a plausible Telegram description for any status."""
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    prefixes = {400: "Bad Request", 403: "Forbidden", 409: "Conflict"}
    if status in prefixes:
        return f"{prefixes[status]}: injected fault"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"
