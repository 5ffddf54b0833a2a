"""`/report [month] [nl|en] [location]` in the staff chat: the summary PNG and the HTML report."""

from __future__ import annotations

import asyncio

from babel.dates import format_date

from bot.content.catalog import LOCALES
from bot.dialogs.turn import Document, Turn
from bot.reports.build import render
from bot.reports.figures import Scope, collect
from bot.reports.period import PeriodError, parse_request
from bot.reports.view import DAY_PATTERN


async def report_command(turn: Turn) -> None:
    """Makes the report (the caller checked staff chat and staff) and sends both files."""
    ctx = turn.ctx
    locations = tuple(ctx.locations)
    try:
        request = parse_request(turn.incoming.args, turn.today, locations)
    except PeriodError as exc:
        key = "report.chat.future" if exc.key == "future" else "report.chat.usage"
        turn.say(turn.t(key, locations=", ".join(locations)))
        return
    lang = request.language or turn.lang
    scope = Scope(request.period, request.location_id)
    figures = await collect(turn.uow.reports, ctx, scope, turn.now)
    period = request.period
    await turn.uow.audit.record(
        turn.incoming.user_id,
        "report",
        f"{period.first.isoformat()}..{period.last.isoformat()} {scope.location_id or 'all'}",
        turn.now,
    )
    params = {
        "period": ctx.catalog.plain(
            lang,
            "report.period",
            first=format_date(period.first, DAY_PATTERN, locale=LOCALES[lang]),
            last=format_date(period.last, DAY_PATTERN, locale=LOCALES[lang]),
        ),
        "location": ctx.locations[scope.location_id].name
        if scope.location_id
        else ctx.catalog.plain(lang, "report.all_locations"),
    }

    async def draw_and_send() -> None:
        """Drawing takes a second or two: done after the commit, so no update waits for it."""
        report = await asyncio.to_thread(render, figures, ctx, lang)
        png_caption = ctx.catalog.text(lang, "report.chat.caption_png", **params)
        html_caption = ctx.catalog.text(lang, "report.chat.caption_html", **params)
        turn.send_document(Document(report.png_name, report.png, png_caption))
        turn.send_document(Document(report.html_name, report.html, html_caption))

    turn.after_commit.append(draw_and_send)
