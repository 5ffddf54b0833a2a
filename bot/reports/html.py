"""The report as one HTML file: images inlined as data: URIs, no scripts, nothing fetched."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from bot.reports.view import Fact, ReportView, Section, Series

# Even a browser that would fetch something cannot: the page allows inline data only.
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 75rem; padding: 0 1rem; color: #1d2b36; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; }
.sub { font-size: 1.15rem; margin: 0; }
.muted, .note { color: #5d6d7e; font-size: 0.92rem; }
section { margin-top: 2.2rem; }
img { max-width: 100%; height: auto; border: 1px solid #e5e8eb; }
table { border-collapse: collapse; margin: 0.6rem 1.2rem 0.6rem 0; font-size: 0.95rem; }
th, td { padding: 0.2rem 0.7rem; border-bottom: 1px solid #e5e8eb; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.tables { display: flex; flex-wrap: wrap; align-items: flex-start; }
footer { margin-top: 2.5rem; }
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _image(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}">'


def _facts(facts: Sequence[Fact]) -> str:
    rows = "".join(
        f'<tr><th>{_e(f.label)}</th><td class="n">{_e(f.value)}</td></tr>' for f in facts
    )
    return f'<table class="facts">{rows}</table>'


def _series_table(series: Series) -> str:
    rows = "".join(
        f'<tr><th>{_e(label)}</th><td class="n">{_e(text)}</td></tr>'
        for label, text in zip(series.labels, series.texts, strict=True)
    )
    return f"<table><caption>{_e(series.title)}</caption>{rows}</table>"


def _section(section: Section, chart: bytes) -> str:
    parts = [f"<section><h2>{_e(section.title)}</h2>", _facts(section.facts)]
    if section.series:
        parts.append(_image(chart, " · ".join(s.title for s in section.series)))
        parts.append('<div class="tables">')
        parts.extend(_series_table(s) for s in section.series)
        parts.append("</div>")
    parts.extend(f'<p class="note">{_e(note)}</p>' for note in section.notes)
    parts.append("</section>")
    return "".join(parts)


def page(view: ReportView, summary: bytes, charts: Sequence[bytes]) -> str:
    """The full report; `charts` holds one image per section, in order."""
    sections = "".join(
        _section(section, chart) for section, chart in zip(view.sections, charts, strict=True)
    )
    return (
        "<!DOCTYPE html>"
        f'<html lang="{_e(view.lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(view.title)} · {_e(view.subtitle)}</title><style>{STYLE}</style></head>"
        f'<body><header><h1>{_e(view.title)}</h1><p class="sub">{_e(view.subtitle)}</p>'
        f'<p class="muted">{_e(view.generated)}</p></header>'
        f"<section>{_facts(view.headline)}{_image(summary, view.title)}</section>"
        f'{sections}<footer><p class="muted">{_e(view.legend)}</p></footer></body></html>'
    )
