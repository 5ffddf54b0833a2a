"""Charts with matplotlib's object API and the Agg canvas: PNG bytes, no pyplot, no display.

Rendering is CPU-bound; callers run it in a worker thread (asyncio.to_thread). The lock keeps
two reports from drawing at the same time, since matplotlib's text and font caches are shared.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.reports.view import Fact, ReportView, Section, Series

SUMMARY_SIZE = (16.0, 12.0)  # inches; at SUMMARY_DPI: 1600 x 1200 pixels
SUMMARY_DPI = 100
SECTION_PANEL = (4.6, 3.4)  # inches per chart in a section's strip
SECTION_DPI = 90
BAR = "#2f6f9f"
PROMISE = "#c0392b"
MUTED = "#7f8c8d"
_LOCK = threading.Lock()


def summary_png(view: ReportView) -> bytes:
    """The one-page summary: headline figures and the main charts."""
    with _LOCK:
        figure = Figure(figsize=SUMMARY_SIZE, dpi=SUMMARY_DPI)
        FigureCanvasAgg(figure)
        figure.suptitle(f"{view.title}\n{view.subtitle}", fontsize=16, fontweight="bold")
        grid = figure.add_gridspec(3, 3, hspace=0.62, wspace=0.32, top=0.89, bottom=0.1)
        _facts_panel(figure.add_subplot(grid[0, 0]), view.headline)
        for index, series in enumerate(_summary_series(view)):
            cell = index + 1
            _draw(figure.add_subplot(grid[cell // 3, cell % 3]), series, view)
        figure.text(
            0.02,
            0.015,
            "\n".join(textwrap.wrap(f"{view.legend} {view.generated}", 210)),
            fontsize=8.5,
            color=MUTED,
        )
        return _png(figure, SUMMARY_DPI)


def section_png(section: Section, view: ReportView) -> bytes:
    """A strip with every chart of one section, for the HTML report."""
    count = max(1, len(section.series))
    with _LOCK:
        figure = Figure(figsize=(SECTION_PANEL[0] * count, SECTION_PANEL[1]), dpi=SECTION_DPI)
        FigureCanvasAgg(figure)
        for index, series in enumerate(section.series):
            # Fixed margins (a layout engine would double the drawing time); long labels of
            # horizontal bars get a wider left margin.
            left = 0.4 if series.horizontal else 0.14
            ax = figure.add_axes(((index + left) / count, 0.3, (0.94 - left) / count, 0.54))
            _draw(ax, series, view)
        return _png(figure, SECTION_DPI)


def _summary_series(view: ReportView) -> list[Series]:
    """The eight charts of the summary, picked by their place in the sections."""
    visits, bsn, reminders, handoffs, gaps, people = view.sections
    return [
        visits.series[0],  # visits per week
        bsn.series[0],  # working days to BSN
        bsn.series[1],  # promise and legal term
        visits.series[1],  # party sizes
        reminders.series[0],  # reminders by outcome
        handoffs.series[0],  # hand-offs per week
        gaps.series[0],  # unanswered questions by topic (or per week)
        people.series[1],  # HR-invited or self-service
    ]


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _facts_panel(ax: Axes, facts: Sequence[Fact]) -> None:
    ax.axis("off")
    lines = len(facts)
    for row, fact in enumerate(facts):
        y = 1.0 - row / max(lines, 1)
        ax.text(
            0.0,
            y,
            textwrap.shorten(fact.label.split(" (")[0], 44),  # the HTML has the full wording
            fontsize=10,
            va="top",
            transform=ax.transAxes,
        )
        ax.text(
            1.0,
            y,
            fact.value,
            fontsize=11,
            fontweight="bold",
            va="top",
            ha="right",
            transform=ax.transAxes,
        )


def _draw(ax: Axes, series: Series, view: ReportView) -> None:
    """A bar chart; hidden cells are empty bars marked "<5" or "×"."""
    ax.set_title("\n".join(textwrap.wrap(series.title, 44)), fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    if series.withheld:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(
            0.5,
            0.5,
            view.withheld_text,
            ha="center",
            va="center",
            color=MUTED,
            transform=ax.transAxes,
        )
        return
    positions = list(range(len(series.labels)))
    heights = series.heights
    top = max((*heights, 1))
    labels = [textwrap.shorten(label, 28) for label in series.labels]
    if series.horizontal:
        ax.barh(positions, heights, color=BAR)
        ax.set_yticks(positions, labels, fontsize=8.5)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.25)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.2 ticks
        ax.set_xlabel(view.count_label, fontsize=9)
        for pos, height, text, mark in zip(
            positions, heights, series.texts, series.marks, strict=True
        ):
            ax.text(
                height + top * 0.02,
                pos,
                text,
                va="center",
                fontsize=8.5,
                color="black" if mark == "value" else MUTED,
            )
        return
    ax.bar(positions, heights, color=BAR)
    rotate = len(labels) > 6 or sum(len(label) for label in labels) > 30
    ax.set_xticks(
        positions,
        labels,
        fontsize=8.5,
        rotation=45 if rotate else 0,
        ha="right" if rotate else "center",
    )
    ax.set_ylim(0, top * 1.22)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(view.count_label, fontsize=9)
    for pos, height, text, mark in zip(positions, heights, series.texts, series.marks, strict=True):
        ax.text(
            pos,
            height + top * 0.02,
            text,
            ha="center",
            fontsize=8.5,
            color="black" if mark == "value" else MUTED,
        )
    if series.promise_after is not None:
        ax.axvline(series.promise_after + 0.5, color=PROMISE, linestyle="--", linewidth=1.5)
        ax.text(
            series.promise_after + 0.6,
            top * 1.12,
            series.promise_label,
            color=PROMISE,
            fontsize=8.5,
        )
