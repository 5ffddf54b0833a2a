"""Pre-registration for the BRP: consent, each person's fields, review, submit and checklist.

Only the position (booking, person, field) lives in the dialog; every answer goes straight into
the encrypted form, so no personal data ever sits in the plain dialog table.
"""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date

from bot.content.catalog import LOCALES, Catalog, Markup, escape
from bot.dialogs.callbacks import FlowAnswer, Menu, PreregStart
from bot.dialogs.ics import calendar_document
from bot.dialogs.keyboards import BACK, grid
from bot.dialogs.menu import menu_button
from bot.dialogs.turn import Button, Keyboard, Turn
from bot.domain.booking import Booking
from bot.domain.checklist import SOURCE as CHECKLIST_SOURCE
from bot.domain.checklist import prereg_checklist
from bot.domain.countries import country_name, lookup_country, search_countries
from bot.domain.language import Language
from bot.domain.postcodes import CHECK_KEY
from bot.domain.prereg import Person, Preregistration
from bot.domain.prereg_fields import (
    FIELDS,
    HOUSEHOLD_FIELDS,
    Field,
    FieldRules,
    fields_for,
    parse_answer,
)
from bot.domain.validators import Invalid, localised_params

FLOW = "prereg"
MAX_NATIONALITIES = 4
KEEP, SKIP, SAME, DONE, PAUSE, CLEAR = "=keep", "=skip", "=same", "=done", "=pause", "=clear"
HOUSEHOLD, UNDO, MORE = "=household", "=undo", "=more"
USE_FOUND, KEEP_CHOSEN, FIX_POSTCODE = "=use", "=mine", "=fix"
# "6211 DW 10a" typed at the postcode: the house number comes along.
_POSTCODE_AND_NUMBER = re.compile(r"\s*(\d{4}\s*[A-Za-z]{2})[\s,]+(\S.{0,38})", re.ASCII)


def _position(step: str) -> tuple[bool, int, str] | None:
    """('0.surname' | 'e0.surname') -> (editing, person, field key)."""
    editing = step.startswith("e")
    person, _, key = step.removeprefix("e").partition(".")
    if not person.isdigit() or key not in FIELDS:
        return None
    return editing, int(person), key


def _step(person: int, key: str, *, editing: bool = False) -> str:
    return f"{'e' if editing else ''}{person}.{key}"


def person_name(turn: Turn, form: Preregistration, index: int) -> str:
    """The name given so far, else 'You', 'Your partner', 'Child 2'."""
    return name_of(turn.ctx.catalog, turn.lang, form, index)


def name_of(catalog: Catalog, lang: Language, form: Preregistration, index: int) -> str:
    """person_name for messages rendered outside a turn (reminders)."""
    person = form.persons[index]
    names = [str(person.answers.get(k) or "") for k in ("given_names", "surname")]
    if any(names):
        return " ".join(n for n in names if n)
    if person.role == "child":
        number = sum(1 for p in form.persons[: index + 1] if p.role == "child")
        return catalog.plain(lang, "prereg.person.child", number=number)
    return catalog.plain(lang, f"prereg.person.{person.role}")


def person_summary(turn: Turn, form: Preregistration, index: int, heading: str = "") -> Markup:
    """One person's answers, a 'Label: value' line per field asked of them."""
    person = form.persons[index]
    lines = [f"<b>{escape(heading)}{escape(person_name(turn, form, index))}</b>"]
    for field in fields_for(person.role):
        label = turn.label(f"prereg_fields.{field.key}.label")
        value = display(turn, field, person.answers.get(field.key))
        lines.append(f"{escape(label)}: {escape(value)}")
    return Markup("\n".join(lines))


def display(turn: Turn, field: Field, value: object) -> str:
    """An answer as the user reads it back (plain text; escape before use in HTML)."""
    if value is None or value == "" or value == []:
        return "—"
    if field.kind == "date":
        return format_date(date.fromisoformat(str(value)), "long", locale=LOCALES[turn.lang])
    if field.kind == "country":
        return country_name(str(value), turn.lang)
    if field.kind == "countries" and isinstance(value, list):
        return ", ".join(country_name(str(code), turn.lang) for code in value)
    if field.key == "municipality":
        return turn.ctx.municipality_name(str(value)) or str(value)
    if field.kind == "choice":
        return turn.label(f"prereg_fields.{field.key}.choices.{value}")
    return str(value)


class PreregFlow:
    """Asks each person's fields in order; any answer can be changed before and after submit."""

    name = FLOW

    async def start(self, turn: Turn) -> None:
        """From the menu or a button: consent first, else where the user left off."""
        booking = await turn.uow.bookings.active_for_user(turn.incoming.user_id)
        if booking is None:
            turn.dialog = turn.dialog.end()
            turn.say(
                turn.t("prereg.no_booking"),
                ((Button(turn.label("menu_more.book"), Menu("book")),), (menu_button(turn),)),
            )
            return
        form = await turn.uow.prereg.get(booking.id)
        if form is None:
            turn.dialog = turn.dialog.start(FLOW, "consent", {"b": booking.id})
        elif form.complete or not form.missing():
            turn.dialog = turn.dialog.start(FLOW, "review", {"b": booking.id})
        else:
            person, key = form.missing()[0]
            turn.dialog = turn.dialog.start(FLOW, _step(person, key), {"b": booking.id})
        await self.prompt(turn)

    async def prompt(self, turn: Turn) -> None:
        """Shows the current step again."""
        loaded = await self._load(turn)
        if loaded is None:
            return
        booking, form = loaded
        step = turn.dialog.step or ""
        if step == "consent" or form is None:
            self._consent(turn)
        elif step == "review":
            self._review(turn, form)
        elif step.startswith("edit") and step[4:].isdigit():
            self._choose_field(turn, form, int(step[4:]))
        elif step.startswith("addr") and step[4:].isdigit() and int(step[4:]) < len(form.persons):
            await self._ask_address(turn, form, int(step[4:]))
        elif (position := _position(step)) is not None and position[1] < len(form.persons):
            self._ask(turn, booking, form, position[1], position[2])
        else:
            turn.dialog = turn.dialog.start(FLOW, "review", {"b": booking.id})
            self._review(turn, form)

    async def on_button(self, turn: Turn, step: str, value: str) -> None:
        """Consent, choices, keep/skip/same, review and edit buttons."""
        if value == BACK:
            turn.dialog = turn.dialog.back()
            await self.prompt(turn)
            return
        if value == PAUSE:
            turn.dialog = turn.dialog.end()
            turn.clear_tapped_keyboard = True
            turn.say(
                turn.t("prereg.paused", days=turn.ctx.purge_after_days), ((menu_button(turn),),)
            )
            return
        loaded = await self._load(turn)
        if loaded is None:
            return
        booking, form = loaded
        if step == "consent":
            await self._on_consent(turn, booking, form, value)
        elif form is None:
            await self._stale(turn)
        elif step == "review":
            await self._on_review(turn, booking, form, value)
        elif step.startswith("addr") and step[4:].isdigit():
            await self._on_address(turn, booking, form, int(step[4:]), value)
        elif step.startswith("edit") and step[4:].isdigit():
            person = int(step[4:])
            field = FIELDS.get(value)
            if person >= len(form.persons) or field not in fields_for(form.persons[person].role):
                await self._stale(turn)
                return
            turn.dialog = turn.dialog.advance(_step(person, value, editing=True))
            await self.prompt(turn)
        elif (position := _position(step)) is not None and position[1] < len(form.persons):
            await self._on_field_button(turn, booking, form, position, value)
        else:
            await self._stale(turn)

    def wants_buttons(self, turn: Turn) -> bool:
        """Consent, the review and choosing what to edit are buttons; every field takes text."""
        return _position(turn.dialog.step or "") is None

    async def on_text(self, turn: Turn, text: str) -> bool:
        """A typed answer for the current field; a question (ending in '?') is left to the FAQ."""
        position = _position(turn.dialog.step or "")
        if position is None or text.rstrip().endswith("?"):
            return False
        loaded = await self._load(turn)
        if loaded is None:
            return True
        booking, form = loaded
        if form is None or position[1] >= len(form.persons):
            return False
        field = FIELDS[position[2]]
        if field.kind in ("country", "countries"):
            code = lookup_country(text[:100], turn.ctx.countries)
            if code is None:
                self._offer_countries(turn, booking, form, position, text)
            else:  # an exact name or alias: taken at once, with an undo on the next message
                await self._apply(turn, booking, form, position, code, taken=True)
            return True
        both = _POSTCODE_AND_NUMBER.fullmatch(text) if field.key == "postcode" else None
        if both is not None and self._valid(turn, booking, "postcode", both[1]):
            form = await self._house_number(turn, booking, form, position[1], both[2])
            text = both[1]
        await self._apply(turn, booking, form, position, text)
        return True

    def _valid(self, turn: Turn, booking: Booking, key: str, raw: str) -> bool:
        """Whether an answer passes its field's checks (nothing is stored)."""
        try:
            parse_answer(FIELDS[key], raw, self._rules(turn, booking))
        except Invalid:
            return False
        return True

    async def _house_number(
        self, turn: Turn, booking: Booking, form: Preregistration, person: int, raw: str
    ) -> Preregistration:
        """The house number typed with the postcode, kept when it passes its own check."""
        try:
            value = parse_answer(FIELDS["house_number"], raw, self._rules(turn, booking))
        except Invalid:
            return form  # asked on its own next, with its own message
        return await self._store(turn, form.with_answer(person, "house_number", value))

    async def cancel(self, turn: Turn) -> None:
        """/cancel in the form: says truthfully what stays stored, and where it can be erased."""
        booking = await turn.uow.bookings.active_for_user(turn.incoming.user_id)
        form = None if booking is None else await turn.uow.prereg.get(booking.id)
        turn.dialog = turn.dialog.end()
        key = "prereg.cancel_nothing" if form is None else "prereg.cancel_kept"
        turn.say(turn.t(key, days=turn.ctx.purge_after_days), ((menu_button(turn),),))

    # --- steps -------------------------------------------------------------------------------

    def _consent(self, turn: Turn) -> None:
        turn.say(
            turn.t("prereg.consent", days=turn.ctx.purge_after_days),
            (
                (Button(turn.label("prereg.consent_yes"), FlowAnswer(FLOW, "consent", "yes")),),
                (Button(turn.label("prereg.consent_no"), FlowAnswer(FLOW, "consent", "no")),),
            ),
        )

    async def _on_consent(
        self, turn: Turn, booking: Booking, form: Preregistration | None, value: str
    ) -> None:
        turn.clear_tapped_keyboard = True
        if value == "no":
            turn.dialog = turn.dialog.end()
            turn.say(turn.t("prereg.consent_declined"), ((menu_button(turn),),))
            return
        if value != "yes":
            await self._stale(turn)
            return
        known: dict[str, object] = {}
        if form is None:
            persons = [Person(member.role) for member in booking.party]
            known = await self._known(turn, booking)
            persons[0] = Person(persons[0].role, known)
            form = await turn.uow.prereg.create(
                booking.id, turn.incoming.user_id, persons, turn.now
            )
        turn.say(turn.t("prereg.consent_thanks"))
        if known:  # shown once for confirmation; the review can change any of it
            lines: list[str] = [turn.t("prereg.prefilled")]
            for key in (f.key for f in fields_for(form.persons[0].role) if f.key in known):
                label = turn.label(f"prereg_fields.{key}.label")
                lines.append(
                    f"• {escape(label)}: <b>{escape(display(turn, FIELDS[key], known[key]))}</b>"
                )
            turn.say(Markup("\n".join(lines)))
        first = form.missing()
        step = _step(*first[0]) if first else "review"
        turn.dialog = turn.dialog.advance(step)
        await self.prompt(turn)

    async def _known(self, turn: Turn, booking: Booking) -> dict[str, object]:
        """What the check and HR already gave, where it passes this form's own checks."""
        known: dict[str, str] = {}
        checked = await turn.uow.eligibility.get(turn.incoming.user_id)
        if checked is not None and isinstance(checked[2].get("municipality"), str):
            known["municipality"] = str(checked[2]["municipality"])
        hire = await turn.uow.hires.for_user(turn.incoming.user_id)
        if hire is not None:
            known.update(
                email=hire.email,
                phone=hire.phone,
                municipality=hire.municipality,
                arrival_date=hire.arrival_date.isoformat(),
            )
        rules = self._rules(turn, booking)
        answers: dict[str, object] = {}
        for key, raw in known.items():
            try:
                answers[key] = parse_answer(FIELDS[key], raw, rules) if raw else None
            except Invalid:
                continue
        return {key: value for key, value in answers.items() if value}

    def _ask(
        self, turn: Turn, booking: Booking, form: Preregistration, person: int, key: str
    ) -> None:
        field = FIELDS[key]
        order = form.sequence()
        number = order.index((person, key)) + 1 if (person, key) in order else 0
        value = form.persons[person].answers.get(key)
        lines = [
            turn.t(
                "prereg.progress",
                person=person_name(turn, form, person),
                number=number,
                total=len(order),
            ),
            turn.t(f"prereg_fields.{key}.question"),
        ]
        if value not in (None, "", []):
            lines.append(turn.t("prereg.current", value=display(turn, field, value)))
        step = turn.dialog.step or _step(person, key)
        rows: list[tuple[Button, ...]] = list(self._undo_row(turn, form, step))
        main_name = person_name(turn, form, 0)
        if self._household_offer(form, person, key):
            label = turn.label("prereg.same_household", name=main_name)
            rows.append((Button(label, FlowAnswer(FLOW, step, HOUSEHOLD)),))
        main_value = form.persons[0].answers.get(key)
        if field.household and person > 0 and main_value not in (None, "", []):
            label = turn.label("prereg.same_as", name=main_name)
            rows.append((Button(label, FlowAnswer(FLOW, step, SAME)),))
        if field.kind == "choice":
            choices = self._choices(turn, booking, field)
            buttons = [Button(label, FlowAnswer(FLOW, step, choice)) for choice, label in choices]
            rows += grid(buttons, 2 if len(buttons) > 3 else 1)
        if field.kind == "countries" and value:
            done = Button(turn.label("prereg.nationality_done"), FlowAnswer(FLOW, step, DONE))
            clear = Button(turn.label("prereg.nationality_clear"), FlowAnswer(FLOW, step, CLEAR))
            rows.append((done, clear))
        elif value not in (None, "", []):
            rows.append((Button(turn.label("prereg.keep"), FlowAnswer(FLOW, step, KEEP)),))
        if field.optional:
            rows.append((Button(turn.label("prereg.skip"), FlowAnswer(FLOW, step, SKIP)),))
        rows.append(self._nav(turn, step))
        turn.say(Markup("\n\n".join(lines)), tuple(rows))

    def _household_offer(self, form: Preregistration, person: int, key: str) -> bool:
        """At a family member's first household question, when the main applicant gave them all."""
        main = form.persons[0].answers
        return (
            person > 0
            and key == HOUSEHOLD_FIELDS[0]
            and all(main.get(k) not in (None, "", []) for k in HOUSEHOLD_FIELDS)
        )

    def _undo_row(self, turn: Turn, form: Preregistration, step: str) -> list[tuple[Button, ...]]:
        """Right after a country was taken without a tap: undo it (or add a nationality)."""
        taken = turn.dialog.answers.get("taken")
        if turn.dialog.answers.get("at") != step or not isinstance(taken, str):
            return []
        position = _position(taken)
        if position is None or position[1] >= len(form.persons):
            return []
        value = form.persons[position[1]].answers.get(position[2])
        codes = value if isinstance(value, list) else [value]
        if not codes or not isinstance(codes[-1], str):
            return []
        name = country_name(codes[-1], turn.lang)
        row = [Button(turn.label("prereg.undo", country=name), FlowAnswer(FLOW, step, UNDO))]
        if position[2] == "nationalities" and len(codes) < MAX_NATIONALITIES:
            row.append(Button(turn.label("prereg.nationality_more"), FlowAnswer(FLOW, step, MORE)))
        return [tuple(row)]

    def _nav(self, turn: Turn, step: str) -> tuple[Button, ...]:
        buttons = []
        if turn.dialog.history:
            buttons.append(Button(turn.label("prereg.back"), FlowAnswer(FLOW, step, BACK)))
        buttons.append(Button(turn.label("prereg.pause"), FlowAnswer(FLOW, step, PAUSE)))
        return tuple(buttons)

    def _choices(self, turn: Turn, booking: Booking, field: Field) -> list[tuple[str, str]]:
        if field.key == "municipality":
            served = self._rules(turn, booking).municipality_ids
            return [(m, turn.ctx.municipality_name(m) or m) for m in served]
        return [(c, turn.label(f"prereg_fields.{field.key}.choices.{c}")) for c in field.choices]

    def _rules(self, turn: Turn, booking: Booking) -> FieldRules:
        location = turn.ctx.locations[booking.location_id]
        served = tuple(m.id for m in turn.ctx.municipalities if m.id in location.municipalities)
        return FieldRules(
            today=turn.today,
            appointment_day=booking.day,
            municipality_ids=served,
            countries=turn.ctx.countries,
        )

    def _offer_countries(
        self,
        turn: Turn,
        booking: Booking,
        form: Preregistration,
        position: tuple[bool, int, str],
        text: str,
    ) -> None:
        codes = search_countries(text[:100], turn.lang, aliases=turn.ctx.countries)
        step = turn.dialog.step or ""
        if not codes:
            turn.say(turn.t("prereg.country_none"))
            self._ask(turn, booking, form, position[1], position[2])
            return
        buttons = [Button(country_name(c, turn.lang), FlowAnswer(FLOW, step, c)) for c in codes]
        turn.say(turn.t("prereg.country_pick"), (*grid(buttons, 1), self._nav(turn, step)))

    async def _on_field_button(
        self,
        turn: Turn,
        booking: Booking,
        form: Preregistration,
        position: tuple[bool, int, str],
        value: str,
    ) -> None:
        _, person, key = position
        field = FIELDS[key]
        answers = form.persons[person].answers
        turn.clear_tapped_keyboard = True
        answered = answers.get(key) not in (None, "", [])
        if value in (UNDO, MORE):
            await self._on_undo(turn, form, value)
        elif value == HOUSEHOLD and self._household_offer(form, person, key):
            main = form.persons[0].answers
            for each in (*HOUSEHOLD_FIELDS, CHECK_KEY):
                if each in main:
                    form = form.with_answer(person, each, main[each])
            form = await self._store(turn, form)
            await self._next(turn, form, position)
        elif answered and (value == KEEP or (value == DONE and field.kind == "countries")):
            await self._next(turn, form, position)
        elif value == CLEAR and field.kind == "countries":
            form = await self._store(turn, form.without_answer(person, key))
            self._ask(turn, booking, form, person, key)
        elif value == SKIP and field.optional:
            form = await self._store(turn, form.without_answer(person, key))
            await self._next(turn, form, position)
        elif value == SAME and field.household and person > 0:
            main_value = form.persons[0].answers.get(key)
            if main_value in (None, "", []):
                await self._stale(turn)
                return
            form = form.with_answer(person, key, main_value)
            if key in ("postcode", "house_number", "municipality") and CHECK_KEY in answers:
                form = form.with_answer(person, CHECK_KEY, form.persons[0].answers.get(CHECK_KEY))
            form = await self._store(turn, form)
            await self._next(turn, form, position)
        elif value.startswith("="):
            await self._stale(turn)
        else:
            await self._apply(turn, booking, form, position, value)

    async def _apply(
        self,
        turn: Turn,
        booking: Booking,
        form: Preregistration,
        position: tuple[bool, int, str],
        raw: str,
        *,
        taken: bool = False,
    ) -> None:
        """Validates one answer; stores it and moves on, or explains and asks again."""
        _, person, key = position
        field = FIELDS[key]
        try:
            value = parse_answer(field, raw, self._rules(turn, booking))
        except Invalid as problem:
            turn.say(turn.t(f"validation.{problem.key}", **localised_params(problem, turn.lang)))
            self._ask(turn, booking, form, person, key)
            return
        answers = form.persons[person].answers
        if field.kind == "countries":
            chosen = [str(c) for c in answers.get(key) or []]
            for code in value if isinstance(value, list) else [value]:
                if code not in chosen and len(chosen) < MAX_NATIONALITIES:
                    chosen.append(code)
            form = await self._store(turn, form.with_answer(person, key, chosen))
            await self._next(turn, form, position, taken=True)
            return
        was_complete = form.complete
        form = await self._store(turn, form.with_answer(person, key, value))
        if form.submitted_at is not None and form.complete and not was_complete:
            self._documents(turn, booking, form)  # a reopened field answered: all true again
        if key in ("postcode", "house_number", "municipality"):
            form, mismatch = await self._check_address(turn, form, person)
            if mismatch:
                turn.dialog = turn.dialog.advance(f"addr{person}")
                await self.prompt(turn)
                return
        await self._next(turn, form, position, taken=taken)

    def _documents(self, turn: Turn, booking: Booking, form: Preregistration) -> None:
        """The personalised checklist and the calendar file, as after a booking change."""
        turn.say(form_checklist(turn, form))
        location = turn.ctx.locations[booking.location_id]
        turn.send_document(calendar_document(turn, booking, location))

    async def _store(self, turn: Turn, form: Preregistration) -> Preregistration:
        await turn.uow.prereg.save(form, turn.now)
        return form

    async def _next(
        self,
        turn: Turn,
        form: Preregistration,
        position: tuple[bool, int, str],
        *,
        taken: bool = False,
    ) -> None:
        """The next unanswered question; the review when there is none or a field was reopened."""
        editing, person, key = position
        order = form.sequence()
        here = order.index((person, key)) if (person, key) in order else len(order)
        following = [
            (p, k) for p, k in order[here + 1 :] if form.persons[p].answers.get(k) in (None, "", [])
        ]
        if form.submitted_at is not None:  # a reopened form: only what is missing, then review
            missing = set(form.missing())
            following = [each for each in following if each in missing]
        step = "review" if editing or not following else _step(*following[0])
        marker: dict[str, str] = {"taken": _step(person, key), "at": step} if taken else {}
        turn.dialog = turn.dialog.advance(step, taken=marker.get("taken"), at=marker.get("at"))
        await self.prompt(turn)

    async def _on_undo(self, turn: Turn, form: Preregistration, value: str) -> None:
        """Undo the country just taken (or add another nationality) and ask that question again."""
        taken = _position(str(turn.dialog.answers.get("taken") or ""))
        if taken is None or taken[1] >= len(form.persons):
            await self._stale(turn)
            return
        _, person, key = taken
        if value == UNDO:
            current = form.persons[person].answers.get(key)
            if isinstance(current, list) and len(current) > 1:
                form = form.with_answer(person, key, current[:-1])
            else:
                form = form.without_answer(person, key)
            await self._store(turn, form)
        turn.dialog = turn.dialog.advance(_step(person, key), taken=None, at=None)
        await self.prompt(turn)

    async def _check_address(
        self, turn: Turn, form: Preregistration, person: int
    ) -> tuple[Preregistration, bool]:
        """Postcode against municipality in the national register; True when they disagree."""
        answers = form.persons[person].answers
        postcode = answers.get("postcode")
        if not isinstance(postcode, str) or not postcode:
            return form, False
        area = await turn.ctx.postcodes.area(postcode)
        if area is None:
            return await self._store(turn, form.with_answer(person, CHECK_KEY, "unchecked")), False
        found = turn.ctx.municipality_by_cbs(area.code)
        chosen = answers.get("municipality")
        if chosen in (None, "") and found is not None:
            form = form.with_answer(person, "municipality", found)
            return await self._store(turn, form.with_answer(person, CHECK_KEY, "ok")), False
        if chosen in (None, ""):
            return form, True  # outside the area this location serves
        if found == chosen:
            return await self._store(turn, form.with_answer(person, CHECK_KEY, "ok")), False
        if answers.get(CHECK_KEY) == "confirmed":
            return form, False
        return form, True

    async def _ask_address(self, turn: Turn, form: Preregistration, person: int) -> None:
        """Names the municipality the register found and asks to confirm or correct."""
        answers = form.persons[person].answers
        postcode = str(answers.get("postcode") or "")
        area = await turn.ctx.postcodes.area(postcode) if postcode else None
        if area is None:
            turn.dialog = turn.dialog.advance("review")
            await self.prompt(turn)
            return
        step = f"addr{person}"
        found = turn.ctx.municipality_by_cbs(area.code)
        chosen = str(answers.get("municipality") or "")
        chosen_name = turn.ctx.municipality_name(chosen) or ""
        rows: list[tuple[Button, ...]] = []
        if found is not None:
            label = turn.label("prereg.address_use", municipality=area.name)
            rows.append((Button(label, FlowAnswer(FLOW, step, USE_FOUND)),))
        if chosen_name:
            label = turn.label("prereg.address_keep", municipality=chosen_name)
        else:
            label = turn.label("prereg.address_choose")
        rows.append((Button(label, FlowAnswer(FLOW, step, KEEP_CHOSEN)),))
        fix = Button(turn.label("prereg.address_fix"), FlowAnswer(FLOW, step, FIX_POSTCODE))
        rows.append((fix,))
        key = "prereg.address_mismatch" if chosen_name else "prereg.address_outside"
        text = turn.t(key, postcode=postcode, found=area.name, chosen=chosen_name)
        turn.say(text, (*rows, self._nav(turn, step)))

    async def _on_address(
        self, turn: Turn, booking: Booking, form: Preregistration, person: int, value: str
    ) -> None:
        turn.clear_tapped_keyboard = True
        answers = form.persons[person].answers if person < len(form.persons) else None
        postcode = str(answers.get("postcode") or "") if answers is not None else ""
        area = await turn.ctx.postcodes.area(postcode) if postcode else None
        found = turn.ctx.municipality_by_cbs(area.code) if area is not None else None
        if answers is None:
            await self._stale(turn)
            return
        if value == USE_FOUND and found is not None:
            form = form.with_answer(person, "municipality", found)
            form = await self._store(turn, form.with_answer(person, CHECK_KEY, "ok"))
        elif value == KEEP_CHOSEN:
            form = await self._store(turn, form.with_answer(person, CHECK_KEY, "confirmed"))
            if not answers.get("municipality"):
                turn.dialog = turn.dialog.advance(_step(person, "municipality"))
                await self.prompt(turn)
                return
        elif value == FIX_POSTCODE:
            form = await self._store(turn, form.without_answer(person, "postcode"))
            turn.dialog = turn.dialog.advance(_step(person, "postcode", editing=True))
            await self.prompt(turn)
            return
        else:
            await self._stale(turn)
            return
        await self._next(turn, form, (False, person, "postcode"))

    def _review(self, turn: Turn, form: Preregistration) -> None:
        for index in range(len(form.persons)):
            turn.say(person_summary(turn, form, index))
        missing = form.missing()
        key = "prereg.review_complete" if form.complete else "prereg.review"
        text = turn.t(key)
        if missing:
            names = sorted({person_name(turn, form, p) for p, _ in missing})
            text = Markup(f"{text}\n\n{turn.t('prereg.review_missing', names=', '.join(names))}")
        rows: list[tuple[Button, ...]] = [
            (
                Button(
                    turn.label("prereg.edit_person", name=person_name(turn, form, index)),
                    FlowAnswer(FLOW, "review", f"edit{index}"),
                ),
            )
            for index in range(len(form.persons))
        ]
        if not form.complete:
            rows.insert(
                0, (Button(turn.label("prereg.submit"), FlowAnswer(FLOW, "review", "submit")),)
            )
        rows.append((Button(turn.label("prereg.pause"), FlowAnswer(FLOW, "review", PAUSE)),))
        turn.say(text, tuple(rows))

    async def _on_review(
        self, turn: Turn, booking: Booking, form: Preregistration, value: str
    ) -> None:
        turn.clear_tapped_keyboard = True
        if value == "submit":
            missing = form.missing()
            if missing:
                turn.say(turn.t("prereg.still_missing"))
                turn.dialog = turn.dialog.advance(_step(*missing[0]))
                await self.prompt(turn)
                return
            form = await self._store(turn, form.submitted(turn.now))
            turn.dialog = turn.dialog.end()
            turn.say(turn.t("prereg.submitted"))
            turn.say(form_checklist(turn, form), ((menu_button(turn),),))
        elif (
            value.startswith("edit") and value[4:].isdigit() and int(value[4:]) < len(form.persons)
        ):
            turn.dialog = turn.dialog.advance(f"edit{int(value[4:])}")
            await self.prompt(turn)
        else:
            await self._stale(turn)

    def _choose_field(self, turn: Turn, form: Preregistration, person: int) -> None:
        if person >= len(form.persons):
            self._review(turn, form)
            return
        step = f"edit{person}"
        buttons = [
            Button(
                turn.label(f"prereg_fields.{field.key}.label"), FlowAnswer(FLOW, step, field.key)
            )
            for field in fields_for(form.persons[person].role)
        ]
        turn.say(
            turn.t("prereg.edit_which", name=person_name(turn, form, person)),
            (*grid(buttons, 2), self._nav(turn, step)),
        )

    async def _load(self, turn: Turn) -> tuple[Booking, Preregistration | None] | None:
        """The booking the dialog is about; ends the dialog when it is gone."""
        booking = await turn.uow.bookings.active_for_user(turn.incoming.user_id)
        if booking is None or booking.id != turn.dialog.answers.get("b"):
            turn.dialog = turn.dialog.end()
            turn.say(turn.t("prereg.no_booking"), ((menu_button(turn),),))
            return None
        return booking, await turn.uow.prereg.get(booking.id)

    async def _stale(self, turn: Turn) -> None:
        turn.toast = turn.label("errors.stale_button")
        await self.prompt(turn)


def form_items(catalog: Catalog, lang: Language, form: Preregistration) -> str:
    """'• item' lines of the checklist the answers made personal."""
    persons = [(p.role, p.answers) for p in form.persons]
    names = [name_of(catalog, lang, form, index) for index in range(len(form.persons))]
    return "\n".join(
        f"• {catalog.text(lang, f'checklist.{item.key}', **item.params)}"
        for item in prereg_checklist(persons, lang, names)
    )


def form_checklist(turn: Turn, form: Preregistration) -> Markup:
    """The documents to bring, personalised by the answers."""
    lines: list[str] = [
        turn.t("prereg.checklist_title"),
        form_items(turn.ctx.catalog, turn.lang, form),
    ]
    lines.append(f"<i>{turn.t('booking.checklist.source', url=CHECKLIST_SOURCE)}</i>")
    return Markup("\n".join(lines))


def unchecked(form: Preregistration | None) -> bool:
    """Whether a postcode in the form could not be checked against the register (staff see it)."""
    return form is not None and any(p.answers.get(CHECK_KEY) == "unchecked" for p in form.persons)


def staff_status_key(complete: bool | None) -> str:
    """The staff label for a form's flag: no form, started, or submitted complete."""
    if complete is None:
        return "staff.prereg_none"
    return "staff.prereg_done" if complete else "staff.prereg_started"


def status_line(turn: Turn, form: Preregistration | None) -> Markup:
    """'Pre-registration: not started / in progress / complete' for My appointment."""
    if form is None:
        return turn.t("prereg.status_none")
    return turn.t("prereg.status_complete" if form.complete else "prereg.status_started")


def prereg_button(turn: Turn, form: Preregistration | None) -> Keyboard:
    """The way into the form from My appointment and after booking."""
    key = "prereg.button_start" if form is None else "prereg.button_continue"
    if form is not None and form.complete:
        key = "prereg.button_view"
    return ((Button(turn.label(key), PreregStart()),),)


async def say_reopened(turn: Turn, booking: Booking, reopened: tuple[int, ...]) -> None:
    """After a move past a document's expiry (the service reopened the form): say so."""
    form = await turn.uow.prereg.get(booking.id) if reopened else None
    if form is None:
        return
    names = ", ".join(person_name(turn, form, index) for index in reopened)
    turn.say(turn.t("prereg.document_expires", names=names), prereg_button(turn, form))
