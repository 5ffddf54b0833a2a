"""The main menu: only entries that lead somewhere."""

from __future__ import annotations

from bot.dialogs.callbacks import AskPerson, Menu, MenuItem
from bot.dialogs.keyboards import grid
from bot.dialogs.turn import Button, Keyboard, Turn

MENU_ITEMS: tuple[MenuItem, ...] = ("elig", "book", "mine", "ask", "human", "hr", "lang", "help")
LABEL_KEYS: dict[MenuItem, str] = {
    "human": "handoff.button",
    "elig": "menu.eligibility",
    "book": "menu_more.book",
    "mine": "menu_more.mine",
    "ask": "menu.ask",
    "lang": "menu.language",
    "help": "menu.help",
    "hr": "hr.menu",
}


def menu_keyboard(turn: Turn) -> Keyboard:
    """The menu's buttons in the user's language."""
    staffed = turn.ctx.staff_chat_id is not None  # a person and HR approval need staff
    shown = [i for i in MENU_ITEMS if i not in ("human", "hr") or staffed]
    buttons = [Button(turn.label(LABEL_KEYS[item]), Menu(item)) for item in shown]
    return (*grid(buttons[:-2], 1), tuple(buttons[-2:]))  # language and help share the last row


def menu_button(turn: Turn) -> Button:
    """A button that leads back to the menu."""
    return Button(turn.label("menu.back_to_menu"), Menu("menu"))


def person_button(turn: Turn) -> Button:
    """Offers a person (a hand-off to staff)."""
    return Button(turn.label("handoff.button"), AskPerson())


def show_menu(turn: Turn, intro_key: str = "menu.title", **params: object) -> None:
    """Sends the menu."""
    turn.say(turn.t(intro_key, **params), menu_keyboard(turn))
