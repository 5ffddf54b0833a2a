"""Makes a report: the queries in the caller's transaction, the drawing in a worker thread."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.content.context import AppContext
from bot.domain.language import Language
from bot.reports.figures import Figures, Scope, collect
from bot.reports.html import page
from bot.reports.view import build_view
from bot.storage.ports import ReportStore


@dataclass(frozen=True)
class Report:
    """The two files of a report and the name they share."""

    stem: str
    png: bytes
    html: bytes

    @property
    def png_name(self) -> str:
        """The summary's file name."""
        return f"{self.stem}.png"

    @property
    def html_name(self) -> str:
        """The full report's file name."""
        return f"{self.stem}.html"


def file_stem(scope: Scope) -> str:
    """report-<from>-<to>[-<location>]."""
    stem = f"report-{scope.period.first.isoformat()}-{scope.period.last.isoformat()}"
    return f"{stem}-{scope.location_id}" if scope.location_id else stem


async def make_report(
    queries: ReportStore, ctx: AppContext, scope: Scope, lang: Language, now: datetime
) -> Report:
    """Queries first, then matplotlib off the event loop."""
    figures = await collect(queries, ctx, scope, now)
    return await asyncio.to_thread(render, figures, ctx, lang)


def render(figures: Figures, ctx: AppContext, lang: Language) -> Report:
    """Draws the summary PNG and the HTML page from the figures (CPU only, no I/O)."""
    from bot.reports.charts import section_png, summary_png  # matplotlib loads on first use

    location = figures.scope.location_id
    view = build_view(
        figures,
        ctx.catalog,
        lang,
        location_name=ctx.locations[location].name if location in ctx.locations else location,
        zone_now=figures.generated_at.astimezone(ctx.zone),
        promise_days=ctx.reminders.bsn_working_days,
    )
    summary = summary_png(view)
    charts = [section_png(section, view) for section in view.sections]
    html = page(view, summary, charts)
    return Report(file_stem(figures.scope), summary, html.encode("utf-8"))
