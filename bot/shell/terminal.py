"""`onestop shell`: the real bot, a local Bot API emulator and you, in one terminal."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path
from typing import TextIO

from bot.dialogs.callbacks import Noop, unpack
from bot.domain.numbers import plain_int
from bot.logs import setup_logging
from bot.settings import Settings
from fakebotapi import BotEvent, BotMessage, Button, FakeBotApi, SimUser

SHELL_TOKEN = "100000:LOCAL-SHELL"
QUIT = {"/quit", "/exit", ":q"}
UPLOAD = "/upload "  # sends a file from disk, as a user attaching a document


class Transcript:
    """Prints what the bot does, numbering the buttons of the newest message."""

    def __init__(self, out: TextIO, downloads: Path) -> None:
        self.out = out
        self.downloads = downloads
        self.events: list[BotEvent] = []
        self.choices: BotMessage | None = None
        self.shown: dict[int, str] = {}

    def collect(self, event: BotEvent) -> None:
        """Listener for the emulator: remember events until the bot is idle."""
        self.events.append(event)

    def flush(self) -> None:
        """Prints everything the bot did since the last input."""
        events, self.events = self.events, []
        for event in events:
            if event.kind == "callback_answer" and event.answer is not None and event.answer.text:
                self._print(f"  ({event.answer.text})")
            elif event.kind in ("sent", "edited") and event.message is not None:
                self._show(event.message, edited=event.kind == "edited")

    def _show(self, message: BotMessage, *, edited: bool) -> None:
        content = message.content
        seen = f"{content}\n{message.buttons()}"
        if edited and self.shown.get(message.message_id) == seen:
            if self.choices is not None and self.choices.message_id == message.message_id:
                self.choices = message if message.buttons() else None
            return
        self.shown[message.message_id] = seen
        if message.document is not None:
            path = self._save(message)
            self._print(f"bot> [file] {path}" + (f"\n     {content}" if content else ""))
        elif content:
            prefix = "bot (edited)> " if edited else "bot> "
            lines = content.splitlines() or [""]
            self._print(prefix + lines[0] + "".join(f"\n     {line}" for line in lines[1:]))
        if message.buttons():
            self.choices = message
            self._print_keyboard(message)

    def _print_keyboard(self, message: BotMessage) -> None:
        """One line per keyboard row; only buttons that do something get a number."""
        number = 0
        rows = message.inline_keyboard or [
            [Button(label) for label in row] for row in message.reply_keyboard or []
        ]
        for row in rows:
            cells = []
            for button in row:
                if _inert(button):
                    cells.append(button.text.strip() or " ")
                    continue
                number += 1
                cells.append(f"[{number}] {button.text}")
            self._print("     " + "  ".join(cells))

    def actionable(self) -> list[str]:
        """The labels a number picks, in the order they were numbered."""
        if self.choices is None:
            return []
        if self.choices.inline_keyboard is None:
            return self.choices.buttons()
        return [b.text for row in self.choices.inline_keyboard for b in row if not _inert(b)]

    def _save(self, message: BotMessage) -> Path:
        assert message.document is not None
        self.downloads.mkdir(parents=True, exist_ok=True)
        name = Path(message.document.file_name or f"file-{message.message_id}").name
        path = self.downloads / name
        path.write_bytes(message.document.data)
        return path

    def resolve(self, line: str) -> str | None:
        """The button label a line picks (by number or by label), else None."""
        if self.choices is None:
            return None
        labels = self.actionable()
        if line.startswith("=") and line[1:] in labels:
            return line[1:]  # '=3' presses a button labelled 3 (a calendar day), not choice 3
        if (number := plain_int(line, maximum=len(labels))) is not None and number >= 1:
            return labels[number - 1]
        for label in labels:
            if label.casefold() == line.casefold():
                return label
        return None

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


async def _lines(script: str | None) -> AsyncIterator[str]:
    """Lines typed at the prompt, or read from a script file or stdin."""
    if script is None:
        while True:
            try:
                yield await asyncio.to_thread(input, "you> ")
            except EOFError:
                return
    else:
        # A script is a small local file; reading it line by line keeps the replay simple.
        source = sys.stdin if script == "-" else Path(script).open(encoding="utf-8")  # noqa: SIM115, ASYNC230
        try:
            for raw in source:
                line = raw.rstrip("\n")
                if line.strip().startswith("#"):
                    continue
                print(f"you> {line}", flush=True)
                yield line
        finally:
            if source is not sys.stdin:
                source.close()


def _inert(button: Button) -> bool:
    """A calendar cell or blank filler: shown, but not numbered."""
    data = button.callback_data
    return not button.text.strip() or (data is not None and isinstance(unpack(data), Noop))


def _read_upload(name: str) -> tuple[str, bytes] | None:
    """The file's name and bytes, or None when there is no such file."""
    path = Path(name).expanduser()
    return (path.name, path.read_bytes()) if path.is_file() else None


async def _act(fake: FakeBotApi, user: SimUser, transcript: Transcript, line: str) -> None:
    """Taps a button when the line names one, uploads with /upload PATH, else sends text."""
    if line.startswith(UPLOAD):
        upload = await asyncio.to_thread(_read_upload, line[len(UPLOAD) :].strip())
        if upload is None:
            print(f"(no such file: {line[len(UPLOAD) :].strip()})")
            return
        await fake.send_document(user, *upload)
        with suppress(TimeoutError):
            await fake.wait_for_bot_message(user, timeout=60)
        return
    label = transcript.resolve(line.strip())
    if label is not None and transcript.choices is not None and transcript.choices.inline_keyboard:
        tap = await fake.tap(user, transcript.choices, label)
        await fake.wait_for_callback_answer(tap, timeout=60)  # every tap is answered
        return
    if label is not None and transcript.choices is not None:
        await fake.press(user, transcript.choices, label)
    else:
        await fake.send_text(user, line)
    with suppress(TimeoutError):  # a message relayed to staff gets no reply of its own
        await fake.wait_for_bot_message(user, timeout=60)


async def run_shell(settings: Settings, args: argparse.Namespace) -> int:
    """Runs the unchanged Application against the emulator until /quit or end of input."""
    from bot.app import build_runtime, running
    from bot.storage.unit_of_work import SqlUnitOfWork

    setup_logging("INFO", file=Path("var/shell.log"))
    fake = FakeBotApi(token=SHELL_TOKEN, bot_username="onestop_local_bot")
    await fake.start()
    transcript = Transcript(sys.stdout, Path(args.downloads))
    fake.add_listener(transcript.collect)
    local = settings.model_copy(
        update={"telegram_bot_token": SHELL_TOKEN, "telegram_api_url": fake.root_url}
    )
    user = fake.add_user(args.user_id, args.first_name, args.lang)
    if args.script is None:
        print(
            "onestop shell: type messages, pick buttons by number or label "
            "(=LABEL for a label that is a number), /upload PATH sends a file, /quit to leave."
        )
    try:
        runtime = build_runtime(local)
        async with running(runtime, "polling"):
            # The emulator numbers updates from 1; a database used before has applied those ids
            # and would take new messages for redeliveries.
            async with SqlUnitOfWork(runtime.database) as uow:
                fake.continue_update_ids(await uow.updates.highest())
            async for line in _lines(args.script):
                if line.strip() in QUIT:
                    break
                if not line.strip():
                    continue
                await _act(fake, user, transcript, line)
                await fake.wait_until_idle(timeout=30)
                transcript.flush()
    finally:
        await fake.stop()
    return 0
