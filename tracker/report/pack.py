"""The briefing pack: one self-contained HTML file (Plotly embedded), PNGs of its charts, and a PDF.

The HTML is templates/pack.html (and since.html), rendered by tracker.report.templating, which escapes every value.

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
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from tracker.engine.since import DeadlineMove, SinceReport, deciding_events
from tracker.engine.status import Assessment, format_instant
from tracker.git.data_revision import DataRevision
from tracker.log.events import Event, EventLog
from tracker.problems import TrackerError
from tracker.report.figures import scenario_timeline_figure
from tracker.report.html import countdown_caption
from tracker.report.style import label
from tracker.report.templating import render
from tracker.report.views import (
    Countdown,
    audience_deadline,
    board,
    countdown,
    describe_rules,
    open_later_text,
    scenario_detail,
    status_counts,
)
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
    open_later: int = 0  # scenarios not open yet at the as-of, left out of `assessments`

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


# The Markdown of tracker.report.views.describe_rules: **bold**, *italic*, and backslash escapes (its values are
# tracker.text.markdown_literal, so a `*` in a title is `\*` and stays a star).
_INLINE = re.compile(r"\\(.)|\*\*|\*", re.DOTALL)
_TAGS = {"**": "strong", "*": "em"}


def _inline_markdown(text: str) -> Markup:
    """The Markdown of tracker.report.views.describe_rules as HTML: each escaped character as text, every value escaped."""
    parts: list[str] = []
    open_tags: list[str] = []
    end = 0
    for match in _INLINE.finditer(text):
        parts.append(html.escape(text[end : match.start()], quote=False))
        end = match.end()
        if match.group(1) is not None:
            parts.append(html.escape(match.group(1), quote=False))
            continue
        tag = _TAGS[match.group()]
        if open_tags and open_tags[-1] == tag:
            parts.append(f"</{open_tags.pop()}>")
        else:
            open_tags.append(tag)
            parts.append(f"<{tag}>")
    parts.append(html.escape(text[end:], quote=False))
    parts.extend(f"</{tag}>" for tag in reversed(open_tags))
    return Markup("".join(parts))


@dataclass(frozen=True)
class _Row:
    """One scenario in the overview table and the table of contents."""

    assessment: Assessment
    label: str
    left: Countdown
    caption: str
    shown: str
    as_set: str | None


@dataclass(frozen=True)
class _Section:
    """One scenario's section: what templates/pack.html lays out."""

    assessment: Assessment
    left: Countdown
    decided: str
    shown: str
    as_set: str | None
    rules: list[Markup]
    deciding: list[Event]
    chart: Markup
    matched: list[tuple[str, Event]]
    sources: list[str]


@dataclass(frozen=True)
class _Move:
    move: DeadlineMove
    when: str


def _row(a: Assessment, tz: dt.tzinfo) -> _Row:
    shown, as_set = audience_deadline(a, tz)
    left = countdown(a)
    return _Row(a, label(a.status), left, countdown_caption(left) if left.target else "", shown, as_set)


def since_section(report: SinceReport, log: EventLog, tz: dt.tzinfo) -> Markup:
    """'Since last briefing' as an HTML section of the pack (templates/since.html)."""
    return Markup(
        render(
            "since.html",
            report=report,
            span=f"{format_instant(report.since, tz)} → {format_instant(report.until, tz)}",
            events=log.events(report.events.tolist()),
            moves=[_Move(m, format_instant(m.changed_at, tz)) for m in report.deadline_moves or []],
        )
    )


def _section(a: Assessment, briefing: Briefing, chart: str) -> _Section:
    s, log = a.scenario, briefing.workspace.events
    shown, as_set = audience_deadline(a, briefing.tz)
    detail = scenario_detail(a, log)
    matched = sorted(((m, log.event(m.position)) for m in detail.matched), key=lambda pair: (pair[1].when, pair[1].id))
    return _Section(
        assessment=a,
        left=countdown(a),
        decided=format_instant(a.decided_at, s.tz, date_only=True) if a.decided_at else "—",
        shown=shown,
        as_set=as_set,
        rules=[_inline_markdown(line) for line in describe_rules(a)],
        deciding=deciding_events(a, log),
        chart=Markup(chart),
        matched=[(_role(m.role, m.direction), e) for m, e in matched],
        sources=[f"{src.title} <{src.url}>" if src.url else src.title for src in s.sources],
    )


def _role(role: str, direction: str) -> str:
    return {"trigger": "Trigger", "response": "Response"}.get(role, f"Signpost ({direction}): {role}")


def pack_html(briefing: Briefing, *, generated: dt.datetime | None = None) -> str:
    """The whole pack as one HTML document (templates/pack.html); plotly.js is inlined once, so it opens without a network."""
    made = generated or dt.datetime.now(dt.UTC)
    charts = figures(briefing)
    config = {"displaylogo": False, "responsive": True}
    return render(
        "pack.html",
        title=f"Sanctions scenarios briefing, as of {briefing.as_of_words}",
        plotlyjs=Markup(get_plotlyjs()),
        stamp=briefing.stamp,
        zone=getattr(briefing.tz, "key", str(briefing.tz)),
        prepared=f"{made.astimezone(briefing.tz):%Y-%m-%d %H:%M}",
        product=PRODUCT,
        counts=[(status, n) for status, n in status_counts(briefing.assessments).items() if n],
        open_later=open_later_text(briefing.open_later) if briefing.open_later else "",
        overview=[_row(a, briefing.tz) for a in briefing.ordered],
        since=since_section(briefing.since, briefing.workspace.events, briefing.tz) if briefing.since else "",
        sections=[
            _section(a, briefing, charts[a.scenario.id].to_html(full_html=False, include_plotlyjs=False, config=config))
            for a in briefing.ordered
        ],
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
