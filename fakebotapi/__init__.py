"""In-process fake Telegram Bot API server for the shell and end-to-end tests."""

from .errors import ApiError
from .fake import FakeBotApi
from .html_check import HtmlParseError, ParsedText, parse_html
from .limits import Fault, RateLimits
from .models import (
    BotEvent,
    BotMessage,
    Button,
    CallbackAnswer,
    Document,
    FileRecord,
    RequestRecord,
    SimGroup,
    SimUser,
    Tap,
    UserMessage,
    WebhookState,
)
from .webhook import SECRET_HEADER

__all__ = [
    "SECRET_HEADER",
    "ApiError",
    "BotEvent",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "Document",
    "FakeBotApi",
    "Fault",
    "FileRecord",
    "HtmlParseError",
    "ParsedText",
    "RateLimits",
    "RequestRecord",
    "SimGroup",
    "SimUser",
    "Tap",
    "UserMessage",
    "WebhookState",
    "parse_html",
]
