"""Board: every scenario as a card, most urgent first, with live countdowns and filters."""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import streamlit as st

from components import navigation
from components.context import (
    UPCOMING_PARAM,
    Context,
    Fingerprint,
    current,
    data_paths,
    fingerprint,
    scenarios_for,
    set_as_of,
    tick_interval,
    workspace,
)
from components.handouts import handout_buttons
from components.widgets import problems_banner, replay_note
from tracker.engine.review import Review
from tracker.engine.status import AsOf, Assessment, Basis, Status, assess_all
from tracker.report.html import countdown_html, status_chip_html
from tracker.report.style import STYLES, label, style
from tracker.report.views import (
    GROUPS,
    SORTS,
    STALE_ICON,
    STALE_WORD,
    Filters,
    Moment,
    board_link_choices,
    board_view,
    countdown,
    cycle_words,
    deadline_texts,
    grouped_board,
    ignored_link_values,
    labels,
    likelihood_view,
    moments,
    nothing_open,
    open_later_text,
    reason,
    sorted_board,
    status_counts,
)
from tracker.text import html_literal, markdown_literal
from tracker.timeutil import UTC

CARD_COLUMNS = 3
CARDS_SHOWN = 30  # beyond this, the rest are listed compactly so the page stays quick
VIEWS = ("cards", "list")  # `view=list` in the URL: one compact table
# The title is a card's heading: larger than the countdown, which stays bold and large below it.
TITLE_SIZE, COUNTDOWN_SIZE = "1.25rem", "1.15rem"
_CSS = (
    "<style>"
    f'[class*="st-key-card_"] [data-testid="stPageLink"] p {{ font-size: {TITLE_SIZE}; font-weight: 700; line-height: 1.3; }}'
    # A status's count wears its colour as a bar beside the word and icon: never the colour alone.
    + "".join(f".st-key-count_{status.value} button {{ border-left: 0.5rem solid {s.colour}; }}" for status, s in STYLES.items())
    # The options are written as the URL holds them ("urgency"), and shown capitalised.
    + '.st-key-view_controls [data-testid="stButtonGroup"] button p { text-transform: capitalize; }'
    + "</style>"
)
# Copies the address bar as it is (every filter and the as-of are in it); falls back to a selection where the
# Clipboard API is missing (a page served over plain http to another machine).
_COPY_LINK = """
<button type="button" class="copy-link" aria-describedby="copy-link-status">Copy link</button>
<span id="copy-link-status" role="status" class="copy-link-status"></span>
<style>
.copy-link { font-family: inherit; font-size: 0.875rem; line-height: 1.6; min-height: 2.5rem; padding: 0.25rem 0.75rem; }
.copy-link { border: 1px solid #98A2B3; border-radius: 0.5rem; background: #fff; color: #101828; cursor: pointer; }
.copy-link:hover { border-color: #101828; }
.copy-link:focus-visible { outline: 3px solid #1D4ED8; outline-offset: 2px; }
.copy-link-status { margin-left: 0.5rem; color: #344054; font-size: 0.9rem; }
</style>
<script>
if (!window.copyLinkBound) {
  window.copyLinkBound = true;
  document.addEventListener("click", async (event) => {
    const button = event.target.closest(".copy-link");
    if (!button) return;
    const url = window.location.href;
    let copied = false;
    try { await navigator.clipboard.writeText(url); copied = true; } catch (error) {
      const field = document.createElement("textarea");
      field.value = url;
      document.body.appendChild(field);
      field.select();
      copied = document.execCommand("copy");
      field.remove();
    }
    const status = button.parentElement.querySelector(".copy-link-status");
    if (status) status.textContent = copied ? "Link copied" : "Copy this page's address from the address bar";
  });
}
</script>
"""


def _link_notices(ctx: Context) -> None:
    """Say which of the link's values no filter takes: the bound widgets drop them silently (and clean the URL)."""
    given = {name: st.query_params.get_all(name) for name in st.query_params}
    for notice in ignored_link_values(given, board_link_choices(ctx.workspace.scenarios.scenarios, ctx.workspace.events.vocabulary)):
        st.warning(markdown_literal(notice), icon=":material/link_off:")


def _filters(ctx: Context) -> Filters:
    _link_notices(ctx)  # before any bound widget reads the URL
    scenarios, vocabulary = ctx.workspace.scenarios.scenarios, ctx.workspace.events.vocabulary
    row = st.columns([3, 2, 2, 2, 3])
    statuses = row[0].multiselect(
        "Status", [s.value for s in STATUSES_IN_ORDER], key="status", bind="query-params", placeholder="Any status"
    )
    actors = row[1].multiselect("Actor", labels(scenarios, "actors", vocabulary), key="actor", bind="query-params", placeholder="Any")
    targets = row[2].multiselect("Target", labels(scenarios, "targets", vocabulary), key="target", bind="query-params", placeholder="Any")
    tags = row[3].multiselect("Tag", labels(scenarios, "tags", vocabulary), key="tag", bind="query-params", placeholder="Any")
    text = row[4].text_input("Search", key="q", bind="query-params", placeholder="Words in title, summary, actors…")
    return Filters(frozenset(statuses), frozenset(actors), frozenset(targets), frozenset(tags), text, vocabulary=vocabulary)


def _stale_only() -> bool:
    return st.toggle(
        "Stale only",
        key="stale",
        bind="query-params",
        help="Scenarios still open that nobody has looked at within their `review_every`: no assessment, matched event or commit.",
    )


STATUSES_IN_ORDER = list(STYLES)


def _only_status(status: Status, only: bool) -> None:
    # The count's button and the Status filter are one filter: the button writes the filter's state (and so the URL).
    st.session_state["status"] = [] if only else [status.value]


def _counts(items: list[Assessment], chosen: frozenset[str]) -> None:
    """One button per status present: its word, icon and count; a click shows only that status, a second click all."""
    with st.container(horizontal=True, gap="small", key="status_counts"):
        for status, n in status_counts(items).items():
            if not n:
                continue
            s, only = style(status), chosen == {status.value}
            st.button(
                f"{s.word} **{n}**",
                key=f"count_{status.value}",
                icon=s.icon,
                type="primary" if only else "secondary",
                help=f"Showing only {s.word.lower()}: click to show every status" if only else f"Show only {s.word.lower()}",
                on_click=_only_status,
                args=(status, only),
            )


def _card(ctx: Context, item: Assessment, review: Review, key: str) -> None:
    scenario = item.scenario
    left = countdown(item)
    own, viewer = deadline_texts(item, ctx.tz)
    # "stretch": every card fills its row's height, so a row reads as one band; the key gives the card's CSS class.
    with st.container(border=True, height="stretch", key=key):
        chip = status_chip_html(item.status, scenario_id=scenario.id, timing=item.timing)
        stale = f" :orange-badge[{STALE_ICON} {STALE_WORD}]" if review.stale else ""
        st.markdown(chip + stale, unsafe_allow_html=True)
        st.page_link(
            navigation.scenario_page(),
            label=f"**{markdown_literal(scenario.title)}**",
            query_params=navigation.scenario_params(scenario.id, ctx.as_of),
        )
        if left.target:
            st.markdown(countdown_html(left, scenario.id, size=COUNTDOWN_SIZE), unsafe_allow_html=True)
        else:
            decided = item.decided_at.astimezone(scenario.tz).strftime("%Y-%m-%d") if item.decided_at else "—"
            st.markdown(f"<div style='font-size:1.05rem;font-weight:600;'>Decided {decided}</div>", unsafe_allow_html=True)
        st.caption(f"Deadline **{own}**" + (" (your zone too)" if viewer == own else f" · {viewer} your time"))
        if series := cycle_words(item):
            st.caption(f":material/autorenew: {markdown_literal(series)}")
        st.markdown(f"<div style='font-size:0.9rem;'>{html_literal(reason(item))}</div>", unsafe_allow_html=True)
        if likelihood := likelihood_view(ctx.workspace.judgements, item).short(ctx.tz):
            st.caption(f":material/percent: {markdown_literal(likelihood)}")
        who = " · ".join(
            part for part in (", ".join(scenario.actors), "→ " + ", ".join(scenario.targets) if scenario.targets else "") if part
        )
        if who:
            st.caption(markdown_literal(who))


def _rest_table(items: list[Assessment], stale: frozenset[str], key: str) -> None:
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
        key=key,
        # The title takes the room left over, so the deadline fits at 1280 px without a horizontal scroll.
        column_config={"Scenario": st.column_config.TextColumn(width="large"), "Deadline": st.column_config.TextColumn(width="medium")},
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _moments(scenarios: str, events: str, stamp: Fingerprint, as_of: AsOf, basis: Basis) -> list[Moment]:
    # Keyed by the files' fingerprint and the as-of (a day when live): a replay of every scenario at some fifty days.
    ws = workspace()
    return moments(assess_all(scenarios_for(as_of, basis)[0], ws.events, as_of, basis), ws.events, as_of)


def _nothing_open_notice(ctx: Context, now: dt.datetime) -> None:
    """No countdown to show: say so, and offer the days that had the most open, one click each."""
    as_of: AsOf = now.date() if ctx.as_of.live else ctx.as_of.chosen
    scenarios, events = data_paths()
    found = _moments(str(scenarios), str(events), fingerprint(scenarios, events), as_of, ctx.basis)
    when = "now" if ctx.as_of.live else "at this date"
    with st.container(border=True, key="nothing_open"):
        st.markdown(
            f":material/info: **Nothing is open {when}**: no scenario is watching, due soon, triggered or overdue, so no countdown runs."
            + (" Replay a day when they were:" if found else "")
        )
        with st.container(horizontal=True, gap="small"):
            for moment in found:
                # A button, not a page link: a link to the page already open would replay it but leave the address bar
                # without the as-of; set_as_of writes it there, as the sidebar's controls do.
                if st.button(f"Replay {moment.text}", key=f"replay_{moment.day}", icon=":material/history:"):
                    set_as_of(moment.day)
                    st.rerun(scope="app")  # the sidebar and every card follow the new as-of, not only this fragment


def _view_controls() -> tuple[str, str, str]:
    """Sort, group and the cards/list view, each bound to the URL (`sort`, `group`, `view`); defaults stay out of it."""
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium", key="view_controls"):
        sort = st.segmented_control("Sort by", SORTS, default=SORTS[0], key="sort", bind="query-params")
        group = st.segmented_control("Group by", GROUPS, default=GROUPS[0], key="group", bind="query-params")
        view = st.segmented_control("View", VIEWS, default=VIEWS[0], key="view", bind="query-params")
        st.html(_COPY_LINK, width="content", unsafe_allow_javascript=True)
    return sort or SORTS[0], group or GROUPS[0], view or VIEWS[0]


def _grid(ctx: Context, items: list[Assessment], found: dict[str, Review], section: int) -> None:
    for start in range(0, len(items), CARD_COLUMNS):
        columns = st.columns(CARD_COLUMNS)
        for column, item in zip(columns, items[start : start + CARD_COLUMNS], strict=False):
            with column:
                _card(ctx, item, found[item.scenario.id], key=f"card_{section}_{item.scenario.id}")


def render(ctx: Context) -> None:
    st.html(_CSS)
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
    sort, group, view_as = _view_controls()

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
        _counts(view.in_view, filters.statuses)
        if view.open_later:
            st.caption(f"{open_later_text(view.open_later)}: left out until tracking starts (*Show scenarios that open later* lists them).")
        if nothing_open(items):
            _nothing_open_notice(ctx, now)
        shown = sorted_board(view.shown, sort)
        if not shown:
            st.info("No scenario matches these filters.", icon=":material/filter_alt_off:")
            return
        if view_as == "list":
            for number, (name, section) in enumerate(grouped_board(shown, group, ctx.workspace.events.vocabulary)):
                if name:
                    st.header(f"{markdown_literal(name)} ({len(section)})", anchor=False)
                _rest_table(section, stale, key=f"list_{number}")
            return
        head, rest = shown[:CARDS_SHOWN], shown[CARDS_SHOWN:]
        for number, (name, section) in enumerate(grouped_board(head, group, ctx.workspace.events.vocabulary)):
            if name:
                st.header(f"{markdown_literal(name)} ({len(section)})", anchor=False)
            _grid(ctx, section, found, number)
        if rest:
            st.header(f"{len(rest)} more", anchor=False)
            _rest_table(rest, stale, key="list_rest")

    cards()


render(current())
