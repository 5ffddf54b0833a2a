"""HR uploads a spreadsheet of hires: a report per row, valid rows created, their links once."""

from __future__ import annotations

from collections.abc import Iterable

from bot.content.catalog import Markup, format_day
from bot.dialogs.hr.access import (
    approved_account,
    home_keyboard,
    known_contacts,
    register_hire,
)
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Document, Turn
from bot.domain.csv_files import csv_file
from bot.domain.hires import HireDraft, RowProblem, check_hire_row, repeats
from bot.domain.hr import Hire
from bot.domain.invites import invite_link
from bot.uploads.hire_files import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    UploadError,
    csv_delimiter,
    row_problem_text,
    template_csv,
    template_filename,
    template_xlsx,
    upload_error_text,
)

FLOW = "hru"
LINKS_IN_MESSAGE = 10  # more links go into a CSV file
MESSAGE_LIMIT = 3500  # Telegram allows 4096 characters; leave room for markup


def chunks(lines: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[Markup]:
    """Lines joined into as few messages as fit Telegram's length limit."""
    messages: list[Markup] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > limit:
            messages.append(Markup("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        messages.append(Markup("\n".join(current)))
    return messages


class HireUploadFlow:
    """Sends the templates, waits for a file, reports and creates."""

    name = FLOW

    async def start(self, turn: Turn) -> None:
        """Sends both templates in HR's language and waits for the filled-in file."""
        if await approved_account(turn) is None:
            return
        catalog, lang = turn.ctx.catalog, turn.lang
        turn.dialog = turn.dialog.start(FLOW, "file")
        turn.say(turn.t("hr.upload.intro", rows=MAX_ROWS, kb=MAX_UPLOAD_BYTES // 1000))
        turn.send_document(
            Document(
                template_filename(lang, "xlsx"),
                template_xlsx(
                    catalog, lang, municipalities=turn.ctx.municipalities, today=turn.today
                ),
                turn.label("hr.upload.xlsx_caption"),
            )
        )
        turn.send_document(
            Document(
                template_filename(lang, "csv"),
                template_csv(catalog, lang, today=turn.today),
                turn.label("hr.upload.csv_caption"),
            )
        )
        await self.prompt(turn)

    async def prompt(self, turn: Turn) -> None:
        """Reminds HR that a file is expected."""
        if await approved_account(turn) is None:
            return
        turn.say(turn.t("hr.upload.waiting"), ((menu_button(turn),),))

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """This flow has no buttons of its own."""
        turn.toast = turn.label("errors.stale_button")
        await self.prompt(turn)

    def wants_buttons(self, turn: Turn) -> bool:
        """Typed text has a meaning at every step here (an answer, a message or a question)."""
        return False

    async def on_text(self, turn: Turn, text: str) -> bool:
        """Text is a question, not the file; the FAQ answers and the prompt follows."""
        return False

    async def on_document(self, turn: Turn) -> None:
        """Checks every row; creates the valid ones in this one transaction."""
        turn.handler = "flow:hru"
        account = await approved_account(turn)
        if account is None:
            return
        incoming = turn.incoming
        rows = incoming.upload  # read by the runner in a worker thread, before this transaction
        if rows is None:
            name = incoming.file_name.lower()
            key = (
                "hr.upload.not_read" if name.endswith((".csv", ".xlsx")) else "hr.upload.not_a_file"
            )
            turn.say(turn.t(key, kb=MAX_UPLOAD_BYTES // 1000), ((menu_button(turn),),))
            return
        if isinstance(rows, UploadError):
            turn.say(upload_error_text(turn.ctx.catalog, turn.lang, rows))
            await self.prompt(turn)
            return
        problems: list[RowProblem] = []
        created: list[tuple[int, Hire, str]] = []
        known = await known_contacts(turn, account)
        for row, values in rows:
            checked = check_hire_row(
                values, row=row, today=turn.today, municipalities=turn.ctx.municipalities
            )
            if isinstance(checked, HireDraft) and repeats(checked, known):
                key = "hire_files.already_registered"
                problems.append(RowProblem(row, "name", key, {"name": checked.name}))
            elif isinstance(checked, HireDraft):
                hire, token = await register_hire(turn, account, checked)
                created.append((row, hire, token))
                known.append((checked.name, checked.email, checked.phone))
            else:
                problems.extend(checked)
        turn.dialog = turn.dialog.end()
        self._report(turn, len(rows), created, problems)
        self._links(turn, created)
        turn.say(turn.t("hr.home.what_next"), home_keyboard(turn, account))

    def _report(
        self,
        turn: Turn,
        total: int,
        created: list[tuple[int, Hire, str]],
        problems: list[RowProblem],
    ) -> None:
        failed = len({p.row for p in problems})
        title = turn.t("hr.upload.report", created=len(created), total=total, failed=failed)
        lines = [title]
        if problems:
            lines.append(turn.t("hr.upload.problems_title"))
            lines += [row_problem_text(turn.ctx.catalog, turn.lang, p) for p in problems]
        if not created:
            lines.append(turn.t("hr.upload.nothing_created"))
        for message in chunks(lines):
            turn.say(message)

    def _links(self, turn: Turn, created: list[tuple[int, Hire, str]]) -> None:
        if not created:
            return
        expires = created[0][1].token_expires_at.astimezone(turn.ctx.zone).date()
        day = format_day(expires, turn.lang)
        if len(created) > LINKS_IN_MESSAGE:
            turn.send_document(
                Document(
                    "hire-links.csv",
                    self._links_csv(turn, created, expires.isoformat()),
                    turn.label("hr.upload.links_file", count=len(created), date=day),
                )
            )
            return
        lines = [turn.t("hr.upload.links_title", date=day)]
        lines += [
            turn.t(
                "hr.upload.link_line",
                row=row,
                name=hire.hr_name,
                link=invite_link(turn.ctx.bot_username, token),
            )
            for row, hire, token in created
        ]
        for message in chunks(lines):
            turn.say(message)

    def _links_csv(self, turn: Turn, created: list[tuple[int, Hire, str]], until: str) -> bytes:
        header = [turn.label(f"hr.upload.csv.{c}") for c in ("row", "name", "link", "until")]
        rows = [
            [row, hire.hr_name, invite_link(turn.ctx.bot_username, token), until]
            for row, hire, token in created
        ]
        return csv_file([header, *rows], delimiter=csv_delimiter(turn.lang))


UPLOAD = HireUploadFlow()
