"""Replies to greetings, thanks, navigation words and a typed yes or no: where users expect."""

from __future__ import annotations

from bot.dialogs.appointment import BOOKING, show_mine
from bot.dialogs.handoff import ask_topic
from bot.dialogs.menu import menu_button, show_menu
from bot.dialogs.turn import Turn
from bot.domain.smalltalk import Intent


async def answer_small_talk(turn: Turn, intent: Intent) -> bool:
    """Replies to one intent; True when a question in progress should be asked again after it."""
    asking = turn.dialog.active
    if intent in (Intent.YES, Intent.NO):
        if asking:  # the step shows buttons, or its flow would have taken the text
            turn.say(turn.t("smalltalk.use_buttons"))
        else:
            show_menu(turn, "smalltalk.nothing_asked")
        return asking
    if intent is Intent.GREETING:
        if asking:
            turn.say(turn.t("smalltalk.hello", name=turn.incoming.first_name or "👋"))
        else:
            show_menu(turn, "smalltalk.hello", name=turn.incoming.first_name or "👋")
    elif intent is Intent.THANKS:
        turn.say(turn.t("smalltalk.welcome"), () if asking else ((menu_button(turn),),))
    elif intent is Intent.MENU:
        show_menu(turn)
    elif intent is Intent.HELP:
        turn.say(turn.t("help.text"))
    elif intent is Intent.MINE:
        await show_mine(turn)
    elif intent is Intent.BOOK:
        await BOOKING.start(turn)
        return False
    else:
        await ask_topic(turn)
        return False
    return True
