"""Bot identity, commands, menu button, chat info and file lookup methods."""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .models import SimGroup, SimUser
from .params import Params
from .world import World, scope_key

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
)


async def get_me(world: World, p: Params) -> Any:
    """getMe; Application.initialize() depends on it."""
    return {
        **world.bot_json,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _language(p: Params) -> str:
    code = p.get_str("language_code") or ""
    if code and not _LANGUAGE.fullmatch(code):
        raise bad_request("invalid language code specified")
    return code


def _scope(world: World, p: Params) -> str:
    scope = p.get_json("scope", error="can't parse BotCommandScope JSON object")
    if scope is not None:
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise bad_request("can't parse BotCommandScope JSON object")
        if "chat_id" in scope:
            world.resolve_chat(Params(scope).get_chat_id())
    return scope_key(scope)


async def set_my_commands(world: World, p: Params) -> Any:
    """setMyCommands, stored per (scope, language_code)."""
    commands = p.get_json("commands", error="can't parse commands JSON object")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    stored: list[dict[str, str]] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        stored.append({"command": command, "description": description})
    key = (_scope(world, p), _language(p))
    if stored:
        world.commands[key] = stored
    else:
        world.commands.pop(key, None)
    return True


async def get_my_commands(world: World, p: Params) -> Any:
    """getMyCommands for exactly that scope and language, no fallback."""
    return world.commands.get((_scope(world, p), _language(p)), [])


async def delete_my_commands(world: World, p: Params) -> Any:
    """deleteMyCommands."""
    world.commands.pop((_scope(world, p), _language(p)), None)
    return True


async def set_chat_menu_button(world: World, p: Params) -> Any:
    """setChatMenuButton; without chat_id it sets the default button."""
    chat_id = p.get_chat_id(required=False)
    key = world.resolve_chat(chat_id).chat.id if chat_id is not None else None
    button = p.get_json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in ("default", "commands", "web_app"):
        raise bad_request("can't parse menu button JSON object")
    world.menu_buttons[key] = button
    return True


async def get_chat_menu_button(world: World, p: Params) -> Any:
    """getChatMenuButton falls back to the default button, then to the commands menu."""
    chat_id = p.get_chat_id(required=False)
    if chat_id is not None:
        key = world.resolve_chat(chat_id).chat.id
        if key in world.menu_buttons:
            return world.menu_buttons[key]
    return world.menu_buttons.get(None, {"type": "commands"})


async def get_chat(world: World, p: Params) -> Any:
    """getChat, with the fields ChatFullInfo requires."""
    chat = world.resolve_chat(p.get_chat_id()).chat
    return {
        **chat.chat_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": _GIFTS,
    }


def _member_json(status: str, user: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        data.update({"can_be_edited": False, "is_anonymous": False})
        data.update(dict.fromkeys(_ADMIN_RIGHTS, True))
    elif status == "creator":
        data["is_anonymous"] = False
    elif status == "kicked":
        data["until_date"] = 0
    return data


async def get_chat_member(world: World, p: Params) -> Any:
    """getChatMember: group membership as set up by the test."""
    chat = world.resolve_chat(p.get_chat_id()).chat
    user_id = p.get_int("user_id", required=True)
    if user_id == world.bot_id:
        status = "administrator" if isinstance(chat, SimGroup) else "member"
        return _member_json(status, world.bot_json)
    user = world.users.get(user_id or 0)
    if user is None:
        raise bad_request("user not found")
    if isinstance(chat, SimUser):
        status = "member" if chat.id == user.id else "left"
    else:
        status = chat.members.get(user.id, "left")
    return _member_json(status, user.to_json())


async def get_file(world: World, p: Params) -> Any:
    """getFile; the path is then served under /file/bot<token>/."""
    record = world.files.get(p.get_str("file_id") or "")
    if record is None:
        raise bad_request("invalid file_id")
    return world.files.file_json(record)


async def ok(world: World, p: Params) -> Any:
    """Methods whose effect the emulator does not model."""
    return True


def _text_setting(field: str) -> tuple[Any, Any]:
    async def setter(world: World, p: Params) -> Any:
        value = p.get_str(field) or ""
        key = (field, _language(p))
        if value:
            world.bot_texts[key] = value
        else:
            world.bot_texts.pop(key, None)
        return True

    async def getter(world: World, p: Params) -> Any:
        value = world.bot_texts.get((field, _language(p)))
        if value is None and field == "name":
            value = world.bot_first_name
        return {field: value or ""}

    return setter, getter


_set_description, _get_description = _text_setting("description")
_set_short_description, _get_short_description = _text_setting("short_description")
_set_name, _get_name = _text_setting("name")

METHODS = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getFile": get_file,
    "close": ok,
    "logOut": ok,
    "setMyDescription": _set_description,
    "getMyDescription": _get_description,
    "setMyShortDescription": _set_short_description,
    "getMyShortDescription": _get_short_description,
    "setMyName": _set_name,
    "getMyName": _get_name,
}
