"""Free-text questions: answer a clear match, offer near ones, admit when nothing fits."""

from __future__ import annotations

from dataclasses import replace

from bot.content.catalog import Markup, escape
from bot.dialogs.callbacks import FaqEntry, FaqVote
from bot.dialogs.eligibility import sources_block
from bot.dialogs.menu import menu_button, person_button
from bot.dialogs.turn import Button, Turn
from bot.domain.faq import Band, FaqMatch

MAX_QUESTION_LENGTH = 500


async def answer_question(turn: Turn, text: str, match: FaqMatch | None = None) -> None:
    """Matches the text (unless the caller already did) and answers in the user's language."""
    if len(text) > MAX_QUESTION_LENGTH:
        turn.say(turn.t("errors.too_long", length=len(text), limit=MAX_QUESTION_LENGTH))
        return
    match = match or turn.ctx.faq.match(text)
    misses = turn.profile.misses + 1 if match.band is Band.NONE else 0
    turn.profile = replace(turn.profile, misses=misses)
    if match.band is Band.CLEAR:
        show_entry(turn, match.candidates[0][0])
    elif match.band is Band.NEAR:
        buttons = tuple(
            (Button(turn.ctx.faq.entry(entry_id, turn.lang).title, FaqEntry(entry_id)),)
            for entry_id, _ in match.candidates[:3]
        )
        turn.say(turn.t("faq.did_you_mean"), (*buttons, (menu_button(turn),)))
    else:
        if not turn.dialog.active:  # inside a form, what is typed may be someone's answers
            await turn.uow.faq_gaps.record(text, turn.lang, turn.now)
        staffed = turn.ctx.staff_chat_id is not None
        if staffed and misses >= turn.ctx.handoff.unanswered_before_offer:
            turn.say(turn.t("handoff.offer"), ((person_button(turn),), (menu_button(turn),)))
        else:
            turn.say(turn.t("faq.no_match"), ((menu_button(turn),),))


def show_entry(turn: Turn, entry_id: str) -> None:
    """Shows one entry with its sources and the date they were checked."""
    if entry_id not in turn.ctx.faq.ids():
        turn.toast = turn.label("errors.stale_button")
        return
    entry = turn.ctx.faq.entry(entry_id, turn.lang)
    text = Markup(
        f"<b>{escape(entry.title)}</b>\n\n{escape(entry.answer)}\n\n"
        f"{sources_block(turn, entry.sources, entry.checked)}"
    )
    votes = (
        Button(turn.label("faq.helpful"), FaqVote(entry_id, "y")),
        Button(turn.label("faq.not_helpful"), FaqVote(entry_id, "n")),
    )
    turn.say(text, (votes, (menu_button(turn),)))


def record_vote(turn: Turn, entry_id: str, helpful: bool) -> None:
    """Thanks the user; a 'no' points to rephrasing and the menu."""
    if entry_id not in turn.ctx.faq.ids():
        turn.toast = turn.label("errors.stale_button")
        return
    turn.clear_tapped_keyboard = True
    if helpful:
        turn.toast = turn.label("faq.thanks")
    else:
        person = ((person_button(turn),),) if turn.ctx.staff_chat_id is not None else ()
        turn.say(turn.t("faq.sorry"), (*person, (menu_button(turn),)))
