"""The one door to what staff and admins do, so every command, button and reply checks alike."""

from __future__ import annotations

from bot.dialogs.turn import Turn


def in_staff_chat(turn: Turn) -> bool:
    """Staff work happens only in the configured staff chat."""
    return turn.ctx.staff_chat_id is not None and turn.incoming.chat_id == turn.ctx.staff_chat_id


async def is_staff(turn: Turn) -> bool:
    """Admins, and whoever an admin added."""
    user_id = turn.incoming.user_id
    return user_id in turn.ctx.admin_ids or await turn.uow.staff.contains(user_id)


def _refuse(turn: Turn, key: str) -> None:
    """A toast for a tapped button, a message for anything typed; nothing else changes."""
    if turn.incoming.kind == "button":
        turn.toast = turn.label(key)
    else:
        turn.say(turn.t(key))


async def admit_staff(turn: Turn) -> bool:
    """True for a staff member in the staff chat; anyone else is refused."""
    if in_staff_chat(turn) and await is_staff(turn):
        return True
    _refuse(turn, "staff.refused")
    return False


def admit_admin(turn: Turn) -> bool:
    """True for an admin (anywhere: admins manage staff before a staff chat exists)."""
    if turn.incoming.user_id in turn.ctx.admin_ids:
        return True
    _refuse(turn, "staff.admins_only")
    return False
