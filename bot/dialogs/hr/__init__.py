"""What the router needs of the HR feature: commands, flows, buttons and invite links."""

from __future__ import annotations

from bot.dialogs.flow import Flow
from bot.dialogs.hr.hires import hires_command, hr_button
from bot.dialogs.hr.invite import INVITE, open_invite
from bot.dialogs.hr.onboarding import ONBOARDING, hr_entry
from bot.dialogs.hr.register import REGISTER
from bot.dialogs.hr.staff import HR_STAFF_COMMANDS, hr_staff_button, hr_staff_command
from bot.dialogs.hr.upload import UPLOAD
from bot.dialogs.turn import Turn
from bot.domain.invites import looks_like_invite

HR_COMMANDS = ("hr", "hires")
HR_FLOWS: dict[str, Flow] = {
    ONBOARDING.name: ONBOARDING,
    REGISTER.name: REGISTER,
    UPLOAD.name: UPLOAD,
    INVITE.name: INVITE,
}

__all__ = [
    "HR_COMMANDS",
    "HR_FLOWS",
    "HR_STAFF_COMMANDS",
    "hr_button",
    "hr_command",
    "hr_entry",
    "hr_staff_button",
    "hr_staff_command",
    "is_upload",
    "on_upload",
    "start_with_invite",
]


async def hr_command(turn: Turn) -> None:
    """/hr (request access or HR's home) and /hires (the list)."""
    turn.handler = f"command:{turn.incoming.command}"
    if turn.incoming.command == "hr":
        await hr_entry(turn)
    else:
        await hires_command(turn)


async def start_with_invite(turn: Turn) -> bool:
    """/start with an argument shaped like an invite token; False for anything else."""
    token = turn.incoming.args.strip()
    if not looks_like_invite(token):
        return False
    await open_invite(turn, token)
    return True


def is_upload(turn: Turn) -> bool:
    """Whether a document is HR's upload (the upload step is waiting for it)."""
    return turn.incoming.kind == "document" and turn.dialog.flow == UPLOAD.name


async def on_upload(turn: Turn) -> None:
    """Handles the document as HR's upload."""
    await UPLOAD.on_document(turn)
