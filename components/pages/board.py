"""Board: every scenario as a card, most urgent first, with live countdowns and filters."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from components import navigation
from components.context import UPCOMING_PARAM, Context, current, scenarios_for, tick_interval, workspace
from components.handouts import handout_buttons
from components.widgets import problems_banner, replay_note
from tracker.engine.review import Review
from tracker.engine.status import Assessment, assess_all
from tracker.report.html import countdown_html, status_chip_html
from tracker.report.style import STYLES, label
from tracker.report.views import (
    STALE_ICON,
    STALE_WORD,
    Filters,
    board_link_choices,
    board_view,
    countdown,
    deadline_texts,
    ignored_link_values,
    labels,
    likelihood_view,
    open_later_text,
    reason,
    status_counts,
)
from tracker.text import html_literal, markdown_literal
from tracker.timeutil import UTC

CARD_COLUMNS = 3
CARDS_SHOWN = 30  # beyond this, the rest are listed compactly so the page stays quick


def _link_notices(ctx: Context) -> None:
    """Say which of the link's values no filter takes: the bound widgets drop them silently (and clean the URL)."""
    given = {name: st.query_params.get_all(name) for name in st.query_params}
    for notice in ignored_link_values(given, board_link_choices(ctx.workspace.scenarios.scenarios)):
        st.warning(markdown_literal(notice), icon=":material/link_off:")


def _filters(ctx: Context) -> Filters:
    _link_notices(ctx)  # before any bound widget reads the URL
    scenarios = ctx.workspace.scenarios.scenarios
    row = st.columns([3, 2, 2, 2, 3])
    statuses = row[0].multiselect(
        "Status", [s.value for s in STATUSES_IN_ORDER], key="status", bind="query-params", placeholder="Any status"
    )
    actors = row[1].multiselect("Actor", labels(scenarios, "actors"), key="actor", bind="query-params", placeholder="Any")
    targets = row[2].multiselect("Target", labels(scenarios, "targets"), key="target", bind="query-params", placeholder="Any")
    tags = row[3].multiselect("Tag", labels(scenarios, "tags"), key="tag", bind="query-params", placeholder="Any")
    text = row[4].text_input("Search", key="q", bind="query-params", placeholder="Words in title, summary, actors…")
    return Filters(frozenset(statuses), frozenset(actors), frozenset(targets), frozenset(tags), text)


def _stale_only() -> bool:
    return st.toggle(
        "Stale only",
        key="stale",
        bind="query-params",
        help="Scenarios still open that nobody has looked at within their `review_every`: no assessment, matched event or commit.",
    )


STATUSES_IN_ORDER = list(STYLES)


def _counts(items: list[Assessment]) -> None:
    counts = status_counts(items)
    chips = " ".join(
        f'<span style="margin-right:0.9rem;white-space:nowrap;">{status_chip_html(status)} <b style="font-size:1.1rem;">{n}</b></span>'
        for status, n in counts.items()
        if n
    )
    st.markdown(f'<div aria-label="Scenarios per status" style="line-height:2.2;">{chips}</div>', unsafe_allow_html=True)


def _card(ctx: Context, item: Assessment, review: Review) -> None:
    scenario = item.scenario
    left = countdown(item)
    own, viewer = deadline_texts(item, ctx.tz)
    with st.container(border=True):
        chip = status_chip_html(item.status, scenario_id=scenario.id, timing=item.timing)
        stale = f" :orange-badge[{STALE_ICON} {STALE_WORD}]" if review.stale else ""
        st.markdown(chip + stale, unsafe_allow_html=True)
        st.page_link(
            navigation.scenario_page(),
            label=f"**{markdown_literal(scenario.title)}**",
            query_params=navigation.scenario_params(scenario.id, ctx.as_of),
        )
        if left.target:
            st.markdown(countdown_html(left, scenario.id), unsafe_allow_html=True)
        else:
            decided = item.decided_at.astimezone(scenario.tz).strftime("%Y-%m-%d") if item.decided_at else "—"
            st.markdown(f"<div style='font-size:1.05rem;font-weight:600;'>Decided {decided}</div>", unsafe_allow_html=True)
        st.caption(f"Deadline **{own}**" + (" (your zone too)" if viewer == own else f" · {viewer} your time"))
        st.markdown(f"<div style='font-size:0.9rem;'>{html_literal(reason(item))}</div>", unsafe_allow_html=True)
        if likelihood := likelihood_view(ctx.workspace.judgements, item).short(ctx.tz):
            st.caption(f":material/percent: {markdown_literal(likelihood)}")
        who = " · ".join(
            part for part in (", ".join(scenario.actors), "→ " + ", ".join(scenario.targets) if scenario.targets else "") if part
        )
        if who:
            st.caption(markdown_literal(who))


def _rest_table(items: list[Assessment], stale: frozenset[str]) -> None:
    st.dataframe(
        [
            {
                "Status": label(a.status) + (f" · {a.timing.value}" if a.timing else "") + (" · stale" if a.scenario.id in stale else ""),
                "Scenario": a.scenario.title,
                "Time left": countdown(a).text,
                "Deadline": a.deadline_spell.due_text,
                "Id": a.scenario.id,
            }
            for a in items
        ],
        hide_index=True,
        width="stretch",
    )


def render(ctx: Context) -> None:
    st.title("Sanctions scenarios")
    st.caption(replay_note(ctx.as_of, ctx.tz))
    problems_banner(ctx.problems)
    handout_buttons(ctx)
    filters = _filters(ctx)
    live = ctx.as_of.live
    toggles = st.columns(2)
    with toggles[0]:
        show_upcoming = st.toggle("Show scenarios that open later", key=UPCOMING_PARAM, bind="query-params")
    with toggles[1]:
        filters = replace(filters, stale_only=_stale_only())

    @st.fragment(run_every=tick_interval() if live else None)
    def cards() -> None:
        # Live: recomputed at each tick, so a deadline passing flips the status on screen.
        now = dt.datetime.now(UTC).astimezone(ctx.tz)
        # Live, the workspace is fetched afresh (cached by fingerprint): an event another session logs shows at the next tick.
        items = assess_all(scenarios_for(now, ctx.basis)[0], workspace().events, now, ctx.basis) if live else ctx.assessments
        if live:
            st.markdown(
                f"<div class='live-stamp' style='color:#475467;font-size:0.85rem;'>Updated {now:%H:%M:%S} your time</div>",
                unsafe_allow_html=True,
            )
        found = ctx.reviews(items)
        stale = frozenset(scenario_id for scenario_id, review in found.items() if review.stale)
        view = board_view(items, filters, include_upcoming=show_upcoming, stale=stale)
        _counts(view.in_view)
        if view.open_later:
            st.caption(f"{open_later_text(view.open_later)}: left out until tracking starts (*Show scenarios that open later* lists them).")
        shown = view.shown
        if not shown:
            st.info("No scenario matches these filters.", icon=":material/filter_alt_off:")
            return
        head, rest = shown[:CARDS_SHOWN], shown[CARDS_SHOWN:]
        for start in range(0, len(head), CARD_COLUMNS):
            columns = st.columns(CARD_COLUMNS)
            for column, item in zip(columns, head[start : start + CARD_COLUMNS], strict=False):
                with column:
                    _card(ctx, item, found[item.scenario.id])
        if rest:
            st.header(f"{len(rest)} more")
            _rest_table(rest, stale)

    cards()


render(current())
