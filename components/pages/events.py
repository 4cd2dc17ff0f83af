"""Events: the log as a table, filtered by date, actor, tag, kind and text, with the scenarios each event matched.

Every event stands on its own calendar day in the viewer's zone (a date-only event on its own date:
tracker.log.events.wall_clock), and values compare as the match index compares them (tracker.text.fold, and the
vocabulary's other spellings and groups: tracker.vocabulary).
"""

# A page script: Streamlit runs it when its page is open (see components/navigation.py).
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components import event_form, writing
from components.context import Context, current, matches
from components.widgets import problems_banner, replay_note
from tracker.engine.status import Status
from tracker.log.events import COLUMNS, KIND, split_values
from tracker.report.tables import LINK, LINK_HOST, download_csv, download_name, event_rows
from tracker.scenario.model import EVENT_KINDS
from tracker.text import folded, has_words

MATCHED = "matched_scenarios"  # the scenarios (open by the as-of) that each event matches


def has_any(cell: str, chosen: frozenset[str]) -> bool:
    """Does a multi-valued cell hold any of the chosen values (folded, as the match index compares them)?"""
    return bool(folded(chosen) & folded(split_values(cell)))


def _follow_data_span(first: dt.date, last: dt.date) -> None:
    """The date filter spans all the data until narrowed; a newly logged event outside it widens it, a narrowed filter stays."""
    full, was = (first, last), st.session_state.get("_events_dates_full")
    chosen = st.session_state.get("events_dates")
    narrowed = isinstance(chosen, tuple) and len(chosen) == 2 and chosen != was and first <= chosen[0] <= chosen[1] <= last
    if not narrowed:
        st.session_state["events_dates"] = full
    st.session_state["_events_dates_full"] = full


def render(ctx: Context) -> None:
    st.title("Events")
    st.caption(replay_note(ctx.as_of, ctx.tz) + ". Events logged after the as-of instant are hidden.")
    problems_banner(ctx.problems)
    log = ctx.workspace.events
    if not len(log):
        st.info("The event log is empty or could not be read. See Data health.", icon=":material/info:")
        event_form.events_page_tools(ctx, [])
        return
    known = log.occurred_by(ctx.as_of.instant)
    frame = log.table.take(known).to_pandas()
    # Where each event stands on the viewer's calendar: a date-only event on its own date, in any zone.
    frame.insert(1, "when", log.wall_clock(known, ctx.tz))
    if KIND not in frame.columns:  # the column is optional in the log; blank when absent
        frame[KIND] = ""
    matched = matches()
    # Only scenarios open by the as-of: a replay never names one whose tracking starts later.
    tracked = {a.scenario.id for a in ctx.assessments if a.status is not Status.UPCOMING}
    frame[MATCHED] = [[s for s in matched.get(int(p), []) if s in tracked] for p in known]
    frame["revised"] = event_form.revision_notes(log, frame["id"])
    if "logged_by" in frame.columns:  # in full to those who may write, else initials: in the table and the download
        frame["logged_by"] = frame["logged_by"].fillna("").map(writing.logged_by_shown())
    frame = frame.sort_values("when", kind="stable").reset_index(drop=True)

    first = frame["when"].min().date() if len(frame) else ctx.as_of.instant.date()
    last = frame["when"].max().date() if len(frame) else ctx.as_of.instant.date()
    row = st.columns([4, 2, 2, 3, 3])
    _follow_data_span(first, last)
    span = row[0].date_input("Dates", min_value=first, max_value=last, key="events_dates", format="YYYY-MM-DD")
    actors = row[1].multiselect("Actor", log.values("actors"), key="events_actor", bind="query-params", placeholder="Any")
    tags = row[2].multiselect("Tag", log.values("tags"), key="events_tag", bind="query-params", placeholder="Any")
    kinds = row[3].multiselect(
        "Kind", EVENT_KINDS, key="kind", bind="query-params", placeholder="Any", help="What the event was: a threat, a decision…"
    )
    text = row[4].text_input("Search", key="events_q", bind="query-params", placeholder="Words in title, source, notes…")

    keep = pd.Series(True, index=frame.index)
    if isinstance(span, tuple) and len(span) == 2:
        days = frame["when"].dt.date
        keep &= (days >= span[0]) & (days <= span[1])
    for column, wanted in (("actors", actors), ("tags", tags)):
        if wanted:  # as a scenario's match would find them: other spellings and a group's members too
            keep &= frame[column].fillna("").map(lambda cell, chosen=wanted: log.vocabulary.names_any(split_values(cell), chosen))
    if kinds:
        keep &= frame[KIND].fillna("").map(lambda cell: has_any(cell, frozenset(kinds)))
    if text.strip():
        haystack = frame["title"] + " " + frame["source"] + " " + frame["notes"] + " " + frame["id"]
        keep &= haystack.map(lambda cell: has_words(cell, text))
    shown = event_rows(frame[keep].drop(columns="when"), lists=[MATCHED])
    st.caption(f"{len(shown):,} of {len(frame):,} events")
    # corrects/retracts are shown as the Revised column and in each event's history
    extra = [c for c in shown.columns if c not in (*COLUMNS, KIND, LINK, MATCHED, "revised", "corrects", "retracts")]
    # What a reader scans for first, fitted to 1280 px; the rest follow, sized to their content.
    order = ["occurred", "title", MATCHED, LINK, KIND, "actors", "targets", "tags", "source", "notes", "revised", *extra, "id"]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_order=order,
        column_config={
            "occurred": st.column_config.TextColumn("Occurred", help="As logged: a date, or a date and time with its offset"),
            "title": st.column_config.TextColumn("Title", width=300),
            MATCHED: st.column_config.ListColumn("Matched scenarios", width=240),
            LINK: st.column_config.LinkColumn("Source", display_text=LINK_HOST, width=165, help="The source's first https:// link"),
            KIND: st.column_config.TextColumn("Kind", help="threat, statement, proposal, decision, in-force, action or report"),
            "actors": st.column_config.ListColumn("Actors"),
            "targets": st.column_config.ListColumn("Targets"),
            "tags": st.column_config.ListColumn("Tags"),
            "source": st.column_config.TextColumn("Cited as", width="medium", help="The source as logged, without its link"),
            "notes": st.column_config.TextColumn("Notes", width="large"),
            "revised": st.column_config.TextColumn("Revised", help="Corrected events show their current version; see their history below"),
            "id": "Id",
        },
    )
    st.download_button(
        "Download these rows (CSV)",
        download_csv(shown[["id", *(c for c in order if c != "id")]]),
        file_name=download_name("events", ctx.as_of.chosen),
        mime="text/csv",
        icon=":material/download:",
        help="The rows and columns shown, as of the as-of instant; lists are joined by ';' as in the log",
    )
    event_form.events_page_tools(ctx, shown["id"].tolist())


render(current())
