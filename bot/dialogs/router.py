"""Decides what an input means: a global command, a menu tap, a flow answer or a question."""

from __future__ import annotations

from dataclasses import replace

from bot.dialogs.appointment import BOOKING, on_action, show_mine
from bot.dialogs.callbacks import (
    AskPerson,
    BookingAction,
    DeleteData,
    FaqEntry,
    FaqVote,
    FlowAnswer,
    HandoffTopic,
    HrButton,
    HrDecide,
    HrDecideListed,
    HrNewLink,
    HrNotify,
    HrPage,
    LeaveHandoff,
    Menu,
    MenuItem,
    Noop,
    PickLanguage,
    PickMember,
    PreregStart,
    RateHandoff,
    RemoveMember,
    SalaryStart,
    StaffMark,
    TicketAction,
    unpack,
)
from bot.dialogs.eligibility import EligibilityFlow
from bot.dialogs.flow import Flow
from bot.dialogs.handoff import (
    HandoffFlow,
    ask_topic,
    leave_ticket,
    open_ticket,
    rate_ticket,
    relay_from_user,
    staff_reply,
    staff_ticket_button,
)
from bot.dialogs.hr import (
    HR_COMMANDS,
    HR_FLOWS,
    hr_button,
    hr_command,
    hr_entry,
    hr_staff_button,
    is_upload,
    on_upload,
    start_with_invite,
)
from bot.dialogs.menu import show_menu
from bot.dialogs.prereg import PreregFlow
from bot.dialogs.privacy import ask_delete, on_delete_button, show_my_data
from bot.dialogs.questions import MAX_QUESTION_LENGTH, answer_question, record_vote, show_entry
from bot.dialogs.salary import SalaryFlow
from bot.dialogs.smalltalk import answer_small_talk
from bot.dialogs.staff import STAFF_COMMANDS, staff_button, staff_command
from bot.dialogs.staff_prereg import PREREG_COMMANDS, prereg_command
from bot.dialogs.turn import Button, Turn
from bot.domain.faq import Band
from bot.domain.language import LANGUAGES, Language

ELIGIBILITY = EligibilityFlow()
SALARY = SalaryFlow()
HANDOFF = HandoffFlow()
PREREG = PreregFlow()
FLOWS: dict[str, Flow] = {
    ELIGIBILITY.name: ELIGIBILITY,
    SALARY.name: SALARY,
    BOOKING.name: BOOKING,
    HANDOFF.name: HANDOFF,
    PREREG.name: PREREG,
    **HR_FLOWS,
}
UNRECORDED_FLOWS = {PREREG.name, *HR_FLOWS}  # typed answers are not kept as hand-off context
COMMANDS = ("start", "menu", "help", "language", "human", "cancel", "mydata", "delete")
LANGUAGE_NAMES: dict[Language, str] = {"nl": "🇳🇱 Nederlands", "en": "🇬🇧 English"}


async def route(turn: Turn) -> None:
    """Handles one input; a flow in progress is resumed after any interruption."""
    kind = turn.incoming.kind
    if not turn.incoming.private:
        tapped = unpack(turn.incoming.data) if kind == "button" else None
        if kind == "command" and turn.incoming.command in STAFF_COMMANDS:
            await staff_command(turn)
        elif kind == "command" and turn.incoming.command in PREREG_COMMANDS:
            await prereg_command(turn)
        elif isinstance(tapped, StaffMark):
            await staff_button(turn, tapped)
        elif isinstance(tapped, TicketAction):
            await staff_ticket_button(turn, tapped)
        elif isinstance(tapped, HrDecide | HrDecideListed):
            await hr_staff_button(turn, tapped)
        elif kind in ("text", "document") and await staff_reply(turn):
            pass
        else:
            turn.handler = "group:ignored"
        return
    if kind == "command" and turn.incoming.command in STAFF_COMMANDS:
        await staff_command(turn)
    elif kind == "command" and turn.incoming.command in PREREG_COMMANDS:
        await prereg_command(turn)
    elif kind == "command" and turn.incoming.command in HR_COMMANDS:
        await hr_command(turn)
    elif kind == "command":
        await _command(turn)
    elif kind == "button":
        await _button(turn)
    elif kind == "text":
        await _text(turn)
    elif is_upload(turn):
        await on_upload(turn)
    elif kind == "document" and turn.dialog.flow == HANDOFF.name and await relay_from_user(turn):
        return
    else:
        turn.handler = "unsupported"
        turn.say(turn.t("errors.unsupported"))
        await resume(turn)


async def resume(turn: Turn) -> None:
    """Asks the current question again so the user can pick up where they were."""
    flow = FLOWS.get(turn.dialog.flow or "")
    if flow is None or not turn.dialog.active:
        return
    turn.say(turn.t("start.resume"))
    await flow.prompt(turn)


async def _command(turn: Turn) -> None:
    command = turn.incoming.command
    turn.handler = f"command:{command if command in COMMANDS else 'unknown'}"
    if command == "start" and turn.incoming.args and await start_with_invite(turn):
        return
    if command == "start":
        key = "start.welcome_back" if turn.dialog.active else "start.welcome"
        name = turn.incoming.first_name or "👋"
        if turn.dialog.active:
            turn.say(turn.t(key, name=name))
            await resume(turn)
        else:
            show_menu(turn, key, name=name)
    elif command == "menu":
        show_menu(turn)
        await resume(turn)
    elif command == "help":
        turn.say(turn.t("help.text"))
        await resume(turn)
    elif command == "language":
        ask_language(turn)
    elif command == "human":
        await ask_topic(turn)
    elif command == "mydata":
        await show_my_data(turn)
        await resume(turn)
    elif command == "delete":
        ask_delete(turn)
    elif command == "cancel":
        ticket = turn.dialog.answers.get("ticket")
        if turn.dialog.flow == HANDOFF.name and isinstance(ticket, int):
            await leave_ticket(turn, ticket)
        elif turn.dialog.flow == HANDOFF.name:
            turn.toast = turn.label("errors.stale_button")
        elif turn.dialog.flow == PREREG.name:
            await PREREG.cancel(turn)
        elif turn.dialog.active:
            turn.dialog = turn.dialog.end()
            show_menu(turn, "cancel.done")
        else:
            show_menu(turn, "cancel.nothing")
    else:
        show_menu(turn, "errors.unknown_command", command="/" + command)
        await resume(turn)


def ask_language(turn: Turn) -> None:
    """Offers both languages, each named in itself."""
    turn.say(
        turn.t("language.choose"),
        (tuple(Button(LANGUAGE_NAMES[lang], PickLanguage(lang)) for lang in LANGUAGES),),
    )


async def switch_language(turn: Turn, lang: Language) -> None:
    """Remembers the choice and carries on in the new language."""
    turn.profile = replace(turn.profile, language=lang, language_chosen=True)
    if turn.dialog.active:
        turn.say(turn.t("language.changed"))
        await resume(turn)
    else:
        show_menu(turn, "language.changed")


async def _button(turn: Turn) -> None:
    tapped = unpack(turn.incoming.data)
    # The log names the handler from the typed value, never from what the client sent.
    turn.handler = "button:stale" if tapped is None else f"button:{tapped.group()}"
    match tapped:
        case Menu(item):
            await _menu(turn, item)
        case PickLanguage(lang):
            turn.clear_tapped_keyboard = True
            await switch_language(turn, lang)
        case FlowAnswer():
            await _flow_button(turn, tapped)
        case SalaryStart(route):
            await SALARY.start(turn, route)
        case BookingAction() | PickMember() | RemoveMember():
            await on_action(turn, tapped)
        case StaffMark():
            await staff_button(turn, tapped)
        case TicketAction():
            await staff_ticket_button(turn, tapped)
        case AskPerson():
            await ask_topic(turn)
        case HandoffTopic(topic):
            await open_ticket(turn, topic)
        case LeaveHandoff(ticket):
            await leave_ticket(turn, ticket)
        case RateHandoff():
            await rate_ticket(turn, tapped)
        case Noop():
            turn.toast = ""
        case FaqEntry(entry):
            show_entry(turn, entry)
        case FaqVote(entry, vote):
            record_vote(turn, entry, vote == "y")
        case PreregStart():
            await PREREG.start(turn)
        case DeleteData():
            await on_delete_button(turn, tapped)
        case HrButton() | HrPage() | HrNewLink() | HrNotify():
            await hr_button(turn, tapped)
        case HrDecide() | HrDecideListed():
            await hr_staff_button(turn, tapped)
        case _:
            await _stale(turn)


async def _menu(turn: Turn, item: MenuItem) -> None:
    if item == "elig":
        await ELIGIBILITY.start(turn)
    elif item == "ask":
        turn.say(turn.t("menu.ask_hint"))
    elif item == "lang":
        other: Language = "en" if turn.lang == "nl" else "nl"
        await switch_language(turn, other)
    elif item == "help":
        turn.say(turn.t("help.text"))
    elif item == "human":
        await ask_topic(turn)
    elif item == "menu":
        show_menu(turn)
    elif item == "book":
        await BOOKING.start(turn)
    elif item == "mine":
        await show_mine(turn)
    elif item == "prereg":
        await PREREG.start(turn)
    elif item == "hr":
        await hr_entry(turn)


async def _flow_button(turn: Turn, answer: FlowAnswer) -> None:
    dialog = turn.dialog
    if not dialog.active or (answer.flow, answer.step) != (dialog.flow, dialog.step):
        await _stale(turn)
        return
    await FLOWS[answer.flow].on_button(turn, answer.step, answer.value)


async def _stale(turn: Turn) -> None:
    """Refuses an old or forged button without changing anything, and shows where we are."""
    turn.toast = turn.label("errors.stale_button")
    if turn.dialog.active:
        await resume(turn)


async def _text(turn: Turn) -> None:
    if turn.dialog.flow not in UNRECORDED_FLOWS:  # answers there are personal data
        await turn.uow.recent.add(
            turn.incoming.chat_id, turn.incoming.text, turn.now, turn.ctx.handoff.recent_messages
        )
    flow = FLOWS.get(turn.dialog.flow or "")
    if flow is not None and turn.dialog.active:
        turn.handler = f"flow:{flow.name}"
        if await flow.on_text(turn, turn.incoming.text):
            return
    if (intent := turn.ctx.smalltalk.intent(turn.incoming.text)) is not None:
        turn.handler = f"smalltalk:{intent.value}"
        if await answer_small_talk(turn, intent):
            await resume(turn)
        return
    text = turn.incoming.text
    match = None  # matched once, here or in answer_question
    if (
        flow is not None
        and turn.dialog.active
        and flow.wants_buttons(turn)
        and not text.rstrip().endswith("?")
        and len(text) <= MAX_QUESTION_LENGTH
    ):
        match = turn.ctx.faq.match(text)
        if match.band is Band.NONE:  # neither an answer nor a question we know
            turn.handler = f"flow:{flow.name}:typed"
            turn.say(turn.t("smalltalk.use_buttons"))
            await flow.prompt(turn)
            return
    turn.handler = "question"
    await answer_question(turn, text, match)
    await resume(turn)
