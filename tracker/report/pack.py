"""The briefing pack: one self-contained HTML file (Plotly embedded), PNGs of its charts, and a PDF.

Plain functions from core data to files, shared by the app's download button and `tracker brief`.
They live here, not in tracker/, because they draw Plotly figures; the CLI imports this module
only inside its handler so that the core never loads Plotly.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from tracker.engine.since import SinceReport, deciding_events
from tracker.engine.status import Assessment, format_instant
from tracker.git.data_revision import DataRevision
from tracker.log.events import EventLog
from tracker.problems import TrackerError
from tracker.report.figures import scenario_timeline_figure
from tracker.report.html import countdown_caption, countdown_html, source_html, status_chip_html
from tracker.report.style import label
from tracker.report.views import board, countdown, deadline_texts, describe_rules, scenario_detail, status_counts
from tracker.timeutil import as_of_text
from tracker.workspace import Workspace

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PRODUCT = "Sanctions Scenario Tracker"


@dataclass(frozen=True)
class Briefing:
    """Everything a pack shows: the statuses as of one instant, in the reader's zone."""

    workspace: Workspace
    assessments: list[Assessment]
    as_of: dt.datetime
    tz: dt.tzinfo
    revision: DataRevision | None = None
    since: SinceReport | None = None
    day: dt.date | None = None  # a bare date was asked for: each scenario's end of that day, `as_of` the end in `tz`

    @property
    def as_of_words(self) -> str:
        return as_of_text(self.day) if self.day is not None else format_instant(self.as_of, self.tz)

    @property
    def ordered(self) -> list[Assessment]:
        return board(self.assessments)

    @property
    def stamp(self) -> str:
        """The footer line: 'Status as of <instant, zone> · Data revision <commit>'."""
        text = f"Status as of {self.as_of_words}"
        return text + (f" · Data revision {self.revision}" if self.revision else "")


def audience_deadline(assessment: Assessment, tz: dt.tzinfo) -> tuple[str, str | None]:
    """The deadline in the audience's zone, and as the scenario sets it when that zone differs.

    In the scenario's own zone a date deadline reads as written ("2021-12-25 24:00 Europe/Brussels")
    rather than as the next day's 00:00.
    """
    own, theirs = deadline_texts(assessment, tz)
    return (own, None) if getattr(tz, "key", None) == assessment.scenario.timezone else (theirs, own)


def one_row(fig: go.Figure, *, height: int = 250, font_size: int = 13) -> go.Figure:
    """A one-scenario timeline for slides and hand-outs: the title is already above it, so the row
    label goes and the plot gets the full width; the legend sits above, the axis title below."""
    fig.update_yaxes(showticklabels=False)
    fig.update_xaxes(automargin=True, title={"standoff": 8})
    fig.update_layout(
        height=height,
        font={"size": font_size},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    )
    fig.update_annotations(font={"size": font_size})
    return fig


def figures(briefing: Briefing) -> dict[str, go.Figure]:
    """Each scenario's timeline chart, by scenario id, in pack order."""
    log = briefing.workspace.events
    return {
        a.scenario.id: one_row(scenario_timeline_figure(scenario_detail(a, log), log, briefing.as_of, briefing.tz))
        for a in briefing.ordered
    }


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"\*(.+?)\*")


def _inline_markdown(text: str) -> str:
    """The **bold** and *italic* of tracker.report.views.describe_rules, as HTML."""
    return _ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", html.escape(text, quote=False)))


def _overview(briefing: Briefing) -> str:
    counts = " ".join(
        f'<span class="count">{status_chip_html(status)} <b>{n}</b></span>'
        for status, n in status_counts(briefing.assessments).items()
        if n
    )
    rows = []
    for a in briefing.ordered:
        shown, as_set = audience_deadline(a, briefing.tz)
        left = countdown(a)
        caption = countdown_caption(left) if left.target else ""
        rows.append(
            f"<tr><td>{status_chip_html(a.status, scenario_id=a.scenario.id, timing=a.timing)}</td>"
            f'<td><a href="#{html.escape(a.scenario.id)}">{html.escape(a.scenario.title)}</a></td>'
            f'<td class="num">{html.escape(left.text)}<div class="small">{html.escape(caption)}</div></td>'
            f'<td>{html.escape(shown)}<div class="small">{html.escape(f"set as {as_set}" if as_set else "")}</div></td></tr>'
        )
    return (
        '<section id="overview"><h2>Overview</h2>'
        f'<p class="counts" aria-label="Scenarios per status">{counts}</p>'
        "<table><thead><tr><th>Status</th><th>Scenario</th><th>Time left</th><th>Deadline (readers' zone)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def since_section(report: SinceReport, log: EventLog, tz: dt.tzinfo) -> str:
    """'Since last briefing' as an HTML section (also used by the app's page)."""
    span = f"{format_instant(report.since, tz)} → {format_instant(report.until, tz)}"
    parts = [f'<section id="since"><h2>Since last briefing</h2><p class="small">{html.escape(span)}</p>']
    parts.append(f"<h3>Status changes ({len(report.changes)})</h3>")
    if report.changes:
        items = "".join(
            f'<li><a href="#{html.escape(c.scenario.id)}">{html.escape(c.scenario.title)}</a>: '
            f"{status_chip_html(c.before)} → {status_chip_html(c.after)}"
            f'<div class="small">{html.escape(c.now.explanation)}</div></li>'
            for c in report.changes
        )
        parts.append(f'<ul class="changes">{items}</ul>')
    else:
        parts.append("<p>No scenario changed status.</p>")
    events = log.events(report.events.tolist())
    parts.append(f"<h3>Events logged ({len(events)})</h3>")
    if events:
        parts.append(
            '<table class="events"><thead><tr><th>Date</th><th>Event</th><th>Source</th></tr></thead><tbody>'
            + "".join(
                f"<tr><td>{html.escape(e.occurred[:16])}</td><td>{html.escape(e.title)}</td><td>{source_html(e.source)}</td></tr>"
                for e in events
            )
            + "</tbody></table>"
        )
    else:
        parts.append("<p>No events in this period.</p>")
    parts.append("<h3>Deadlines moved</h3>")
    if report.deadline_moves is None:
        parts.append(f"<p>{html.escape(report.history_note[0].upper() + report.history_note[1:])}.</p>")
    elif report.deadline_moves:
        parts.append(
            "<ul>"
            + "".join(
                f"<li><b>{html.escape(m.scenario_id)}</b>: {html.escape(m.before)} → {html.escape(m.after)} "
                f'<span class="small">({html.escape(format_instant(m.changed_at, tz))}'
                f"{html.escape(', ' + m.revision if m.revision else '')}{html.escape(': ' + m.note if m.note else '')})</span></li>"
                for m in report.deadline_moves
            )
            + "</ul>"
        )
    else:
        parts.append("<p>No deadline was moved.</p>")
    parts.append("</section>")
    return "".join(parts)


def _scenario_section(a: Assessment, briefing: Briefing, chart: str) -> str:
    s, log = a.scenario, briefing.workspace.events
    shown, as_set = audience_deadline(a, briefing.tz)
    set_as = f'<br><span class="small">set as {html.escape(as_set)}</span>' if as_set else ""
    left = countdown(a)
    decided = format_instant(a.decided_at, s.tz, date_only=True) if a.decided_at else "—"
    timing = countdown_html(left, s.id, size="1.6rem") if left.target else f'<div class="decided">Decided {html.escape(decided)}</div>'
    rules = "".join(f"<li>{_inline_markdown(line)}</li>" for line in describe_rules(a))
    deciding = "".join(
        f"<li><b>{html.escape(e.occurred[:16])}</b> {html.escape(e.title)}<br><span class='small'>{source_html(e.source)}</span></li>"
        for e in deciding_events(a, log)
    )
    detail = scenario_detail(a, log)
    matched = "".join(
        f"<tr><td>{html.escape(e.occurred[:16])}</td><td>{html.escape(_role(m.role, m.direction))}</td>"
        f"<td>{html.escape(e.title)}</td><td>{source_html(e.source)}</td></tr>"
        for m, e in sorted(((m, log.event(m.position)) for m in detail.matched), key=lambda pair: (pair[1].when, pair[1].id))
    )
    sources = (
        "".join(f"<li>{source_html(f'{src.title} <{src.url}>' if src.url else src.title)}</li>" for src in s.sources)
        or "<li>None listed.</li>"
    )
    return (
        f'<section class="scenario" id="{html.escape(s.id)}">'
        f"<h2>{html.escape(s.title)}</h2>"
        f'<div class="head"><div>{status_chip_html(a.status, large=True, scenario_id=s.id, timing=a.timing)}</div><div>{timing}</div>'
        f"<div><b>Deadline</b> {html.escape(shown)}{set_as}</div></div>"
        f'<p class="explanation">{html.escape(a.explanation)}</p>'
        + (f"<p>{html.escape(s.summary.strip())}</p>" if s.summary else "")
        + f'<ul class="rules">{rules}</ul>'
        + (f"<h3>Deciding events</h3><ul>{deciding}</ul>" if deciding else "")
        + f'<div class="chart">{chart}</div>'
        + (
            "<h3>Matched events</h3><table class='events'><thead><tr><th>Date</th><th>Role</th><th>Event</th><th>Source</th></tr></thead>"
            f"<tbody>{matched}</tbody></table>"
            if matched
            else ""
        )
        + f"<h3>Sources</h3><ul>{sources}</ul>"
        + f'<p class="small">Actors: {html.escape(", ".join(s.actors) or "—")} · Targets: {html.escape(", ".join(s.targets) or "—")}'
        f" · Id <code>{html.escape(s.id)}</code></p>"
        "</section>"
    )


def _role(role: str, direction: str) -> str:
    return {"trigger": "Trigger", "response": "Response"}.get(role, f"Signpost ({direction}): {role}")


_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, "DejaVu Sans", Arial, sans-serif; color: #111; background: #fff; margin: 0 auto; max-width: 1100px;
       padding: 1.5rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.9rem; margin: 0 0 0.3rem; }
h2 { font-size: 1.45rem; margin: 1.6rem 0 0.6rem; border-bottom: 2px solid #111; padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin: 1rem 0 0.4rem; }
a { color: #0B4F8A; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #C9CED6; padding: 0.35rem 0.45rem; }
th { background: #F2F4F7; }
.small { color: #333; font-size: 0.85rem; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; font-weight: 700; }
.stamp { font-weight: 600; }
.counts .count { margin-right: 1rem; white-space: nowrap; line-height: 2.2; }
.head { display: flex; gap: 2rem; align-items: flex-start; flex-wrap: wrap; margin: 0.4rem 0 0.8rem; }
.countdown { font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.countdown-caption { color: #333; font-size: 0.85rem; }
.decided { font-weight: 700; font-size: 1.2rem; }
.explanation { border-left: 6px solid #111; background: #F7F8FA; padding: 0.5rem 0.8rem; }
.chart { margin: 0.6rem 0; }
.status-chip { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
footer { margin-top: 2rem; border-top: 1px solid #111; padding-top: 0.5rem; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  section.scenario { break-before: page; }
  tr, li, .chart { break-inside: avoid; }
  a { color: #111; }
}
"""


def pack_html(briefing: Briefing, *, generated: dt.datetime | None = None) -> str:
    """The whole pack as one HTML document; plotly.js is inlined once, so it opens without a network."""
    made = generated or dt.datetime.now(dt.UTC)
    charts = figures(briefing)
    config = {"displaylogo": False, "responsive": True}
    sections = [
        _scenario_section(a, briefing, charts[a.scenario.id].to_html(full_html=False, include_plotlyjs=False, config=config))
        for a in briefing.ordered
    ]
    toc = "".join(
        f'<li><a href="#{html.escape(a.scenario.id)}">{html.escape(label(a.status))}: {html.escape(a.scenario.title)}</a></li>'
        for a in briefing.ordered
    )
    since = since_section(briefing.since, briefing.workspace.events, briefing.tz) if briefing.since else ""
    title = f"Sanctions scenarios briefing, as of {briefing.as_of_words}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f"<header><h1>Sanctions scenarios: briefing</h1>"
        f'<p class="stamp">{html.escape(briefing.stamp)}</p>'
        f'<p class="small">Times in {html.escape(getattr(briefing.tz, "key", str(briefing.tz)))} unless marked otherwise. '
        f"Prepared {made.astimezone(briefing.tz):%Y-%m-%d %H:%M} by {PRODUCT}.</p></header>"
        + _overview(briefing)
        + since
        + f'<nav><h2>Scenarios</h2><ol class="toc">{toc}</ol></nav>'
        + "".join(sections)
        + f'<footer class="small">{html.escape(briefing.stamp)}</footer></body></html>'
    )


EXPORT_INSTALL = "pip install 'sanctions-scenario-tracker[export]'"
# The `export` extra: each flag of `tracker brief`, the package it needs, and what it does with it.
EXPORT_LIBRARIES = {
    "--png-dir": ("kaleido", "draws the charts as PNG with Kaleido"),
    "--pdf": ("playwright", "prints the pack with Playwright"),
}


def _missing_library(flag: str) -> TrackerError:
    package, does = EXPORT_LIBRARIES[flag]
    return TrackerError(f"{flag} {does}, and {package!r} is not installed (`make run` and `pip install .` leave it out): {EXPORT_INSTALL}")


def require_export_libraries(flags: Sequence[str]) -> None:
    """Before anything is written: each export flag given (--png-dir, --pdf) has its library, else say what to install."""
    for flag in flags:
        if importlib.util.find_spec(EXPORT_LIBRARIES[flag][0]) is None:
            raise _missing_library(flag)


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        raise TrackerError(f"Chromium is not installed at {CHROMIUM}; PNG and PDF export need it (apt-get install chromium)")


def export_pngs(charts: Mapping[str, go.Figure], folder: Path, *, width: int = 1200, scale: float = 2) -> list[Path]:
    """One PNG per chart, drawn by Kaleido in the system Chromium, started once for all of them."""
    _require_chromium()
    os.environ.setdefault("BROWSER_PATH", CHROMIUM)  # Kaleido's browser; no browser download
    try:
        import kaleido
    except ImportError:
        raise _missing_library("--png-dir") from None

    written: list[Path] = []
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    try:
        for name, fig in charts.items():
            height = int(fig.layout.height or 300)
            data = kaleido.calc_fig_sync(fig, opts={"format": "png", "width": width, "height": height, "scale": scale})
            path = folder / f"{name}.png"
            path.write_bytes(data)
            written.append(path)
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return written


PRINT_WIDTH_PX = 700  # A4 less 12 mm margins, at 96 px per inch: charts are drawn at the width they print at
CHARTS_DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].every(d => d.querySelector('.main-svg'))"


def print_pdf(html_file: Path, pdf_file: Path) -> None:
    """Print the pack to PDF with the system Chromium (A4, backgrounds on, page numbers), offline."""
    _require_chromium()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise _missing_library("--pdf") from None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
                # The pack is self-contained: anything it would fetch is refused, so printing never waits on a network.
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort())
                page.goto(html_file.resolve().as_uri(), wait_until="load")
                page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
                page.emulate_media(media="print")
                page.pdf(
                    path=str(pdf_file),
                    format="A4",
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=(
                        '<div style="font-size:8px;width:100%;text-align:center;color:#333;">'
                        'Page <span class="pageNumber"></span> of <span class="totalPages"></span></div>'
                    ),
                    margin={"top": "12mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
                )
            finally:
                browser.close()
    except Error as exc:
        raise TrackerError(f"printing the PDF failed: {exc.message.splitlines()[0]}") from None
