"""HTML fragments shared by the dashboard, the slides and the briefing pack: status chips, countdowns, source links.

Plain strings with every value escaped; no Streamlit, so `tracker brief` draws the same pieces. Attribute values are
escaped with ``html.escape``; text between tags with ``tracker.text.html_literal``, since the dashboard puts these
fragments into Markdown (``unsafe_allow_html``), which would otherwise read a title's ``![](...)`` as an image.
"""

from __future__ import annotations

import base64
import html
from functools import cache

from tracker.engine.impact import Impact
from tracker.engine.status import Status, Timing
from tracker.report.icons import PATHS
from tracker.report.style import style
from tracker.report.views import Countdown, HistorySpell
from tracker.text import html_literal, source_link


def status_chip_html(status: Status, *, large: bool = False, scenario_id: str = "", timing: Timing | None = None) -> str:
    """The status as coloured chip with icon and word ("Enacted · early" when the response's timing is known),
    for HTML blocks (cards, presenter slides, the pack)."""
    s = style(status)
    size = "1.6rem" if large else "0.95rem"
    owner = f' data-scenario="{html.escape(scenario_id)}"' if scenario_id else ""
    when = f' data-timing="{timing.value}"' if timing is not None else ""
    word = s.word if timing is None else f"{s.word} · {timing_word(timing)}"
    return (
        f'<span class="status-chip status-{status.value}" data-status="{status.value}"{owner}{when} style="background:{s.colour};'
        f'color:{s.ink};font-size:{size};font-weight:700;padding:0.15em 0.55em;border-radius:0.4em;white-space:nowrap;">'
        f"{status_icon_html(status)} {html.escape(word)}</span>"
    )


@cache
def status_icon_html(status: Status) -> str:
    """The status's icon, a Material Symbol drawn by an SVG image in the chip's ink colour: it needs no font. An <img>
    with the SVG as a data: URI, not an inline <svg>, because st.html (the presenter's slides) strips <svg>; the image
    is inside the page, so nothing is fetched. Hidden from screen readers: the word beside it says the same."""
    s = style(status)
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 -960 960 960' fill='{s.ink}'><path d='{PATHS[s.symbol]}'/></svg>"
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")
    return (
        f'<img class="status-icon" data-symbol="{s.symbol}" src="{source}" alt="" aria-hidden="true" '
        'style="width:1.15em;height:1.15em;vertical-align:-0.2em;">'
    )


def timing_word(timing: Timing) -> str:
    return {Timing.EARLY: "early", Timing.ON_TIME: "on time", Timing.LATE: "late"}[timing]


def countdown_caption(left: Countdown) -> str:
    return "overdue: the response is late" if left.target == "overdue" else f"left until the {left.target}"


def countdown_html(left: Countdown, scenario_id: str, *, size: str = "1.9rem") -> str:
    """The big time-left figure and what it counts to; data attributes let tests and slides find it."""
    return (
        f'<div class="countdown" data-scenario="{html.escape(scenario_id)}" style="font-size:{size};">{html.escape(left.text)}</div>'
        f'<div class="countdown-caption">{countdown_caption(left)}</div>'
    )


def source_html(source: str) -> str:
    """'Publisher: Title <https://...>' -> the citation with the URL as a link."""
    citation, url = source_link(source)
    if url is None:
        return html_literal(citation) or "<i>no source given</i>"
    return f'<a href="{html.escape(url)}" target="_blank" rel="noopener">{html_literal(citation)}</a>'


def impact_html(impact: Impact, title: str) -> str:
    """One scenario a new event would change: status before -> after, and why."""
    return (
        f'<div class="impact" data-scenario="{html.escape(impact.scenario_id)}" data-after="{impact.after.status.value}" '
        'style="margin:0.3rem 0;line-height:1.9;">'
        f"{status_chip_html(impact.before.status)} → {status_chip_html(impact.after.status)} &nbsp;"
        f"<b>{html_literal(title)}</b>: {html_literal(impact.message)}</div>"
    )


def history_strip_html(spells: list[HistorySpell]) -> str:
    """A scenario's status history as one strip: a stretch per status, wide by how long it lasted (but never too narrow
    for its word), each with the status word, the day it began and how long it lasted; the reason is its tooltip."""
    total = sum(spell.seconds for spell in spells) or 1.0
    items = []
    for spell in spells:
        look = style(spell.status)
        lasted = html.escape(spell.length) if spell.seconds else "now"
        items.append(
            f'<div role="listitem" class="history-spell" data-status="{spell.status.value}" title="{html.escape(spell.why)}" '
            f'style="flex:{spell.seconds / total:.4f} 1 8.5rem;background:{look.colour};color:{look.ink};padding:0.3rem 0.5rem;">'
            f'<b>{html.escape(look.word)}</b><br><span class="history-since" style="white-space:nowrap;">from {spell.since}</span> · '
            f'<span style="white-space:nowrap;">{lasted}</span></div>'
        )
    return (
        '<div role="list" aria-label="Status history" class="status-history" style="display:flex;flex-wrap:wrap;gap:3px;'
        f'border-radius:0.4em;overflow:hidden;font-size:0.9rem;line-height:1.35;">{"".join(items)}</div>'
    )
