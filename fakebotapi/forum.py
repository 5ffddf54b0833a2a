"""Forum topics: a supergroup with topics gets one thread per subject, like Telegram's."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .models import SimGroup
from .params import Params
from .world import World

TOPIC_COLOR = 7322096


async def create_forum_topic(world: World, p: Params) -> Any:
    """createForumTopic: the thread id is the id of the (hidden) service message, as on Telegram."""
    state = world.resolve_chat(p.get_chat_id())
    chat = state.chat
    if not isinstance(chat, SimGroup) or not chat.is_forum:
        raise bad_request("the chat is not a forum")
    name = p.get_str("name") or ""
    if not 1 <= len(name) <= 128:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
    thread_id = world.next_message_id(state)
    chat.topics[thread_id] = name
    return {"message_thread_id": thread_id, "name": name, "icon_color": TOPIC_COLOR}


async def close_forum_topic(world: World, p: Params) -> Any:
    """closeForumTopic: marks the topic closed."""
    state = world.resolve_chat(p.get_chat_id())
    chat = state.chat
    thread_id = p.get_int("message_thread_id", required=True)
    if not isinstance(chat, SimGroup) or thread_id not in chat.topics:
        raise bad_request("TOPIC_ID_INVALID")
    chat.closed_topics.add(thread_id)
    return True


METHODS = {"createForumTopic": create_forum_topic, "closeForumTopic": close_forum_topic}
