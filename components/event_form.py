"""Logging, correcting and retracting events from the dashboard: check first, then save exactly what was checked.

One flow for new events, corrections and retractions:

1. The form's **Check** builds the row (its id is made here) and runs the core's checks
   (tracker.log.drafts.check_draft) and the impact preview (tracker.engine.impact.preview_impact).
   Each error is shown under its field; the preview of the row and of the scenarios it
   would change is shown under the form.
2. **Save** exists only for a checked row without errors, and writes that row, not the
   form's current contents (tracker.log.drafts.save_rows). The row's id is made once per
   form (kept across Checks until a save succeeds) and is the save's idempotency key: a
   second click, a stale page or a retry after an error finds the row already in the log
   and says "already saved (events.csv line N)" instead of writing it twice. The rules that
   depend on the log are checked again under the writer's lock: if someone corrected or
   retracted the event meanwhile, Save says so, naming their row.
3. Saving runs in the button's callback, before the page is drawn again, so the whole page
   (and the Board) is drawn from the reloaded log: its fingerprint changed.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from components import event_import, writing
from components.context import Context, data_paths
from tracker.engine.impact import Impact, preview_impact
from tracker.engine.status import format_instant
from tracker.log.access import WriteAccess
from tracker.log.drafts import (
    EventDraft,
    FieldError,
    blocking,
    check_draft,
    correction_draft,
    draft_for_scenario,
    reason_errors,
    retraction_draft,
    save_rows,
)
from tracker.log.events import MULTI_VALUED, EventLog, Version
from tracker.log.ids import new_event_id
from tracker.log.reader import parse_occurred
from tracker.log.writer import RefusedError, format_logged_at
from tracker.problems import TrackerError
from tracker.report.html import impact_html, source_html
from tracker.scenario.model import EVENT_KINDS, Scenario
from tracker.text import fold, html_literal, markdown_code, markdown_literal
from tracker.timeutil import now, zone

FIELD_LABELS = {
    "occurred": "Date",
    "title": "Title",
    "actors": "Actors",
    "targets": "Targets",
    "tags": "Tags",
    "source": "Source",
    "notes": "Notes",
    "kind": "Kind",
}
KIND_HELP = (
    "What sort of event it is; a scenario may count only some kinds (a threat repeated after a deadline is not the measure). "
    "threat: a warning of measures; statement; proposal: put forward, not adopted; decision: adopted; in-force: takes effect; "
    "action: done on the ground; report: intelligence or reporting."
)
KIND_WORDS = {"event": "event", "correction": "correction", "retraction": "retraction"}
PICK_LIMIT = 1000  # events offered in the picker; narrow the table's filters, or paste an id, for others


# --- checked rows, waiting to be saved ---------------------------------------------------------
@dataclass(frozen=True)
class Checked:
    """A row as Check made it, its problems, and what it would change."""

    kind: str  # "event", "correction" or "retraction"
    row: dict[str, str]
    errors: list[FieldError]
    impacts: list[tuple[str, list[Impact]]] = field(default_factory=list)  # (which instant, changes then)

    @property
    def blocked(self) -> bool:
        return bool(blocking(self.errors))


def _checked_key(key: str) -> str:
    return f"{key}:checked"


def _saved_key(key: str) -> str:
    return f"{key}:saved"


def _generation(key: str) -> int:
    """Bumped after a save, so the form's widgets start afresh."""
    return int(st.session_state.get(f"{key}:gen", 0))


def preview_instants(ctx: Context) -> list[tuple[str, dt.datetime]]:
    """When to show the impact: now, and the replayed instant when replaying."""
    instants = [("now", now())]
    if not ctx.as_of.live:
        instants.insert(0, (f"as of {format_instant(ctx.as_of.instant, ctx.tz)}", ctx.as_of.instant))
    return instants


def _draft_id(key: str) -> str:
    """The id of the row this form saves: made once per form, so that every retry saves the same row once."""
    name = f"{key}:{_generation(key)}:id"
    if name not in st.session_state:
        st.session_state[name] = new_event_id(now())
    return str(st.session_state[name])


def check(ctx: Context, key: str, kind: str, draft: EventDraft, logged_by: str, *, extra: Sequence[FieldError] = ()) -> Checked:
    """The row a draft would append, its problems, and (when it has no errors) the scenarios it would change."""
    log = ctx.workspace.events
    row, errors = check_draft(draft.replace(id=_draft_id(key)), log, now=now(), logged_by=logged_by)
    errors = [*extra, *errors]
    impacts: list[tuple[str, list[Impact]]] = []
    if not blocking(errors):
        scenarios = ctx.workspace.scenarios.scenarios
        impacts = [(label, preview_impact([row], scenarios, log, instant)) for label, instant in preview_instants(ctx)]
    return Checked(kind, row, errors, impacts)


def save(key: str, checked: Checked) -> None:
    """Write a checked row (a button callback: runs before the page is drawn again)."""
    st.session_state.pop(_checked_key(key), None)
    location = data_paths()[1]
    row = checked.row
    word = KIND_WORDS[checked.kind]
    when = now()
    try:
        receipt = save_rows(location, [{**row, "logged_at": format_logged_at(when)}], now=when, on_duplicate="refuse")
    except RefusedError as exc:  # the log changed since Check (someone retracted the event meanwhile...)
        st.session_state[_saved_key(key)] = ("error", markdown_literal(f"Not saved: the log changed since you checked. {exc}"))
        return
    except TrackerError as exc:
        st.session_state[_checked_key(key)] = checked  # keep it, to try again
        st.session_state[_saved_key(key)] = ("error", markdown_literal(f"Not saved: {exc}"))
        return
    if receipt.already:
        _already_saved(key, word, row["id"], receipt.already[0].place)
        return
    message = f"Saved {word} {markdown_code(row['id'])}: {markdown_literal(row['title'])}"
    if receipt.repair is not None:
        message += f"\n\n{markdown_literal(receipt.repair.message)}"
    st.session_state[_saved_key(key)] = ("success", message)
    st.session_state[f"{key}:gen"] = _generation(key) + 1


def _already_saved(key: str, word: str, event_id: str, place: str) -> None:
    """A second save of the same row: nothing is written; the first save's message stays if it is showing."""
    shown = st.session_state.get(_saved_key(key))
    if shown and shown[0] == "success" and markdown_code(event_id) in shown[1]:
        return
    st.session_state[_saved_key(key)] = (
        "info",
        f"This {word} is already saved ({markdown_literal(place)}, id {markdown_code(event_id)}); it was not saved twice.",
    )
    st.session_state[f"{key}:gen"] = _generation(key) + 1  # done: the form starts afresh, with a new id


def _outcome(key: str) -> None:
    found = st.session_state.get(_saved_key(key))
    if not found:
        return
    kind, message = found
    show = {"success": st.success, "info": st.info, "error": st.error}[kind]
    icon = {"success": ":material/check_circle:", "info": ":material/info:", "error": ":material/error:"}[kind]
    show(message, icon=icon)


def _clear_outcome(key: str) -> None:
    st.session_state.pop(_saved_key(key), None)


# --- showing problems and the preview ----------------------------------------------------
def field_error_html(errors: Iterable[FieldError]) -> str:
    return "".join(
        f'<div class="field-error" role="alert" data-field="{html.escape(e.field)}" data-severity="{e.severity}" '
        f'style="color:{"#B42318" if e.severity == "error" else "#93370D"};font-size:0.9rem;margin:-0.4rem 0 0.5rem 0;">'
        f"{'⚠' if e.severity == 'warning' else '✖'} {html_literal(e.message)}</div>"
        for e in errors
    )


def _row_card(row: dict[str, str]) -> None:
    who = row["actors"].replace(";", ", ") or "—"
    whom = f" → {row['targets'].replace(';', ', ')}" if row["targets"] else ""
    tags = " ".join(f"<code>{html_literal(t)}</code>" for t in row["tags"].split(";") if t)
    lines = [
        f"<b>{html_literal(row['title']) or '<i>no title</i>'}</b>",
        f"{html_literal(row['occurred']) or '—'} · {html_literal(who)}{html_literal(whom)} {tags}"
        + (f" · kind <b>{html_literal(row['kind'])}</b>" if row.get("kind") else ""),
        f"Source: {source_html(row['source'])}",
    ]
    if row["notes"]:
        lines.append(f'<span style="color:#475467;">{html_literal(row["notes"])}</span>')
    refs = [f"corrects <code>{html_literal(row['corrects'])}</code>" if row.get("corrects") else ""]
    refs.append(f"retracts <code>{html_literal(row['retracts'])}</code>" if row.get("retracts") else "")
    refs = [r for r in refs if r]
    lines.append(
        f'<span style="color:#475467;font-size:0.85rem;">id <code>{html.escape(row["id"])}</code> · logged by '
        f"{html.escape(row['logged_by'] or writing.ANONYMOUS)}{' · ' + ' · '.join(refs) if refs else ''}</span>"
    )
    st.markdown(
        '<div class="row-preview" style="line-height:1.6;background:#F7F8FA;border-radius:0.5rem;padding:0.6rem 0.9rem;">'
        + "<br>".join(lines)
        + "</div>",
        unsafe_allow_html=True,
    )


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _preview(ctx: Context, key: str, checked: Checked) -> None:
    """The row as it will be saved, what it would change, and the Save button."""
    with st.container(border=True, key=f"{key}-preview"):
        if checked.blocked:
            count = len(blocking(checked.errors))
            st.error(
                f"Nothing was saved: fix the {count} problem{'s' if count > 1 else ''} marked in the form, then Check again.",
                icon=":material/error:",
            )
            general = [e for e in checked.errors if e.field not in FIELD_LABELS]
            if general:
                st.markdown(field_error_html(general), unsafe_allow_html=True)
            return
        st.markdown(f"**Preview: the {KIND_WORDS[checked.kind]} as it will be saved**")
        _row_card(checked.row)
        warnings = [e for e in checked.errors if e.severity == "warning"]
        if warnings:
            st.markdown(field_error_html(warnings), unsafe_allow_html=True)
        titles = {s.id: s.title for s in ctx.workspace.scenarios.scenarios}
        st.markdown("**What it would change**")
        for label, impacts in checked.impacts:
            if impacts:
                st.markdown(
                    f"<div style='font-size:0.9rem;color:#475467;'>{html.escape(_first_upper(label))}:</div>"
                    + "".join(impact_html(i, titles.get(i.scenario_id, i.scenario_id)) for i in impacts),
                    unsafe_allow_html=True,
                )
            else:
                st.markdown(
                    f"<div class='no-impact'>{html.escape(_first_upper(label))}: no scenario's status would change.</div>",
                    unsafe_allow_html=True,
                )
        labels = {"event": "Save this event", "correction": "Save the correction", "retraction": "Save the retraction"}
        st.button(
            labels[checked.kind],
            key=f"{key}-save",
            type="primary",
            icon=":material/save:",
            on_click=save,
            args=(key, checked),
            help="Writes exactly the row previewed above. To change it, edit the form and Check again.",
        )


# --- the new-event and correction form -----------------------------------------------------
def _match_values(scenarios: Iterable[Scenario], column: str) -> set[str]:
    values: set[str] = set()
    for scenario in scenarios:
        values.update(getattr(scenario, column, ()))
        for part in scenario.parts:
            values.update(getattr(part.match, column))
    return values


def suggestions(ctx: Context, column: str, chosen: Iterable[str]) -> list[str]:
    """Values in use (the log's and the scenarios'), each once whatever its case or spelling, by its canonical name
    (tracker.vocabulary), and those already chosen as chosen."""
    log = ctx.workspace.events
    seen: dict[str, str] = {}
    for value in chosen:
        seen.setdefault(fold(log.vocabulary.canonical(value)), value.strip())
    for value in [*log.values(column), *sorted(_match_values(ctx.workspace.scenarios.scenarios, column))]:
        name = log.vocabulary.canonical(value)
        seen.setdefault(fold(name), name)
    return sorted((v for v in seen.values() if v), key=fold)


def _offset_label(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_of(label: str) -> dt.tzinfo:
    """A zone choice: an IANA name, or a fixed offset such as UTC+01:00 (kept from an event's own offset)."""
    if label.startswith(("UTC+", "UTC-")):
        sign = 1 if label[3] == "+" else -1
        hours, minutes = label[4:].split(":")
        return dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
    return zone(label)


@st.cache_data(show_spinner=False)
def _zone_names() -> list[str]:
    return ["UTC", *sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))]


def split_occurred(text: str, viewer: dt.tzinfo) -> tuple[dt.date | None, dt.time | None, str]:
    """An event's `occurred` as the form's date, time and zone (its own offset kept as the zone when it is not the viewer's)."""
    viewer_name = getattr(viewer, "key", "UTC")
    text = text.strip()
    if not text:
        return None, None, viewer_name
    instant = parse_occurred(text)  # as the log reads it
    if instant is None:
        return None, None, viewer_name
    if not isinstance(instant, dt.datetime):
        return instant, None, viewer_name
    offset = instant.utcoffset() or dt.timedelta(0)
    if offset == dt.timedelta(0):
        label = "UTC"
    elif instant.astimezone(viewer).utcoffset() == offset:
        label = viewer_name
    else:
        label = _offset_label(offset)
    local = instant.astimezone(zone_of(label))
    return local.date(), local.time().replace(tzinfo=None), label


def occurred_text(day: dt.date | None, moment: dt.time | None, zone_label: str) -> str:
    """The form's date, optional time and zone as the log's `occurred`: a date, or a datetime with its offset."""
    if day is None:
        return ""
    if moment is None:
        return day.isoformat()
    stamp = dt.datetime.combine(day, moment, tzinfo=zone_of(zone_label))
    text = stamp.isoformat(timespec="seconds" if moment.second else "minutes")
    return text.removesuffix("+00:00") + "Z" if zone_label == "UTC" else text


def _default_day(ctx: Context) -> dt.date:
    return ctx.as_of.instant.astimezone(ctx.tz).date() if not ctx.as_of.live else now().astimezone(ctx.tz).date()


def event_form(ctx: Context, key: str, initial: EventDraft, *, kind: str = "event", access: WriteAccess | None = None) -> None:
    """The form for a new event (kind "event") or a correction (kind "correction": ``initial`` from correction_draft)."""
    access = access or writing.write_gate(key)
    if access is None:
        return
    writing.identity_caption(access, key)
    _outcome(key)
    gen = _generation(key)

    def k(name: str) -> str:
        return f"{key}:{gen}:{name}"

    day, moment, zone_label = split_occurred(initial.occurred, ctx.tz)
    if kind == "event" and day is None:
        day = _default_day(ctx)
    if k("title") not in st.session_state:  # the form is drawn afresh: a check of an earlier form is stale
        st.session_state.pop(_checked_key(key), None)
    zones = _zone_names()
    if zone_label not in zones:
        zones = [zone_label, *zones]
    slots: dict[str, object] = {}
    with st.form(k("form"), border=True, enter_to_submit=False):
        row = st.columns([2, 2, 3])
        picked_day = row[0].date_input("Date it happened", value=day, format="YYYY-MM-DD", key=k("day"))
        picked_time = row[1].time_input(
            "Time (optional)", value=moment, step=60, key=k("time"), help="Leave empty for a date-only event (a calendar day)."
        )
        picked_zone = row[2].selectbox(
            "Time zone of that time", zones, index=zones.index(zone_label), key=k("zone"), help="Used only when a time is given."
        )
        slots["occurred"] = st.empty()
        head = st.columns([4, 1])
        title = head[0].text_input("Title", value=initial.title, key=k("title"), placeholder="What happened, in one line")
        kinds = ["", *EVENT_KINDS]
        picked_kind = head[1].selectbox(
            "Kind",
            kinds,
            index=kinds.index(initial.kind) if initial.kind in kinds else 0,
            format_func=lambda value: value or "(not said)",
            key=k("kind"),
            help=KIND_HELP,
        )
        slots["title"] = st.empty()
        slots["kind"] = st.empty()
        columns = st.columns(3)
        chosen: dict[str, list[str]] = {}
        for column, place in zip(MULTI_VALUED, columns, strict=True):
            with place:
                values = list(getattr(initial, column))
                chosen[column] = st.multiselect(
                    FIELD_LABELS[column],
                    suggestions(ctx, column, values),
                    default=values,
                    key=k(column),
                    accept_new_options=True,
                    placeholder="Pick, or type a new one",
                    help="Values already in use are suggested; matching against scenarios ignores case.",
                )
                slots[column] = st.empty()
        source = st.text_input(
            "Source",
            value=initial.source,
            key=k("source"),
            placeholder="Publisher: Title <https://…>, or a citation",
            help="Required: a link, or a citation a colleague can find.",
        )
        slots["source"] = st.empty()
        notes = st.text_area("Notes", value=initial.notes, key=k("notes"), height=80, placeholder="Optional: context, figures, caveats")
        slots["notes"] = st.empty()
        name = writing.logged_by_field(access, k("by"))
        checked_now = st.form_submit_button(
            "Check" if kind == "event" else "Check the correction",
            icon=":material/fact_check:",
            help="Checks the event and shows what it would change. Nothing is saved until you press Save.",
        )
    if checked_now:
        _clear_outcome(key)
        draft = EventDraft(
            occurred=occurred_text(picked_day, picked_time, picked_zone or "UTC"),
            title=title,
            source=source,
            notes=notes,
            kind=picked_kind or "",
            corrects=initial.corrects,
            **{column: tuple(str(v) for v in chosen[column]) for column in MULTI_VALUED},  # type: ignore[arg-type]
        )
        st.session_state[_checked_key(key)] = check(ctx, key, kind, draft, writing.remember_name(name))
    _show_check(ctx, key, slots)


def _show_check(ctx: Context, key: str, slots: dict[str, object]) -> None:
    """After a Check: each field's errors in its slot under the field, then the preview."""
    checked: Checked | None = st.session_state.get(_checked_key(key))
    if checked is None:
        return
    for field_name, slot in slots.items():
        mine = [e for e in checked.errors if e.field == field_name and e.severity == "error"]
        if mine:
            slot.markdown(field_error_html(mine), unsafe_allow_html=True)  # type: ignore[attr-defined]
    _preview(ctx, key, checked)


def log_for_scenario(ctx: Context, scenario: Scenario) -> None:
    """The Scenario page's "log an event", pre-filled with the scenario's actors, targets and tags."""
    if st.query_params.get("mode") == "present":  # a slide shows no editing at all
        return
    with st.expander("Log an event for this scenario", icon=":material/add_circle:"):
        rules = "; ".join(f"its {part.role} matches {part.match.description}" for part in scenario.parts if not part.direction)
        st.caption(
            f"Pre-filled with this scenario's actors, targets and tags: keep those the event really has ({markdown_literal(rules)})."
        )
        event_form(ctx, f"log-{scenario.id}", draft_for_scenario(scenario))


# --- corrections, retractions and history ----------------------------------------------------
def _extra(version: Version, column: str) -> str:
    return version.event.extra.get(column, "") or ""


def history_table(history: Sequence[Version]) -> pd.DataFrame:
    rows = []
    corrections = 0
    who = writing.logged_by_shown()
    for version in history:
        if version.kind == "correction":
            corrections += 1
        label = {"original": "Original", "correction": f"Correction {corrections}", "retraction": "Retraction"}[version.kind]
        event = version.event
        rows.append(
            {
                "Version": label,
                "Current": "✔ current" if version.current else "",
                "Occurred": event.occurred,
                "Title": event.title,
                "Notes / reason": event.notes,
                "Logged at": _extra(version, "logged_at"),
                "Logged by": who(_extra(version, "logged_by")),
                "Source": event.source,
                "Row id": event.id,
            }
        )
    return pd.DataFrame(rows)


def revision_notes(log: EventLog, ids: Iterable[str]) -> list[str]:
    """For the events table: "corrected" (with how many times) for events that have corrections."""
    revisions = log.revisions
    if revisions is None:
        return ["" for _ in ids]
    notes = []
    for event_id in ids:
        count = len(revisions.versions.get(event_id, [])) - 1
        notes.append("" if count < 1 else ("corrected" if count == 1 else f"corrected {count}×"))
    return notes


def retracted_list(ctx: Context) -> None:
    """Retracted events, apart and greyed: not matched by any scenario, kept in the log as a record."""
    revisions = ctx.workspace.events.revisions
    if revisions is None or not revisions.retractions:
        return
    rows = []
    who = writing.logged_by_shown()
    for event_id in revisions.retractions:
        history = revisions.history(event_id)
        last = [v for v in history if v.kind != "retraction"][-1].event
        retraction = next(v for v in history if v.kind == "retraction")
        rows.append(
            {
                "Occurred": last.occurred,
                "Title": last.title,
                "Reason": retraction.event.notes,
                "Retracted at": _extra(retraction, "logged_at"),
                "By": who(_extra(retraction, "logged_by")),
                "Id": event_id,
            }
        )
    frame = pd.DataFrame(rows)
    with st.expander(f"Retracted events ({len(rows)}): not matched by any scenario", icon=":material/block:"):
        st.dataframe(
            frame.style.set_properties(color="#667085"),
            hide_index=True,
            width="stretch",
            column_config={"Title": st.column_config.TextColumn(width="large"), "Reason": st.column_config.TextColumn(width="large")},
            key="retracted_table",
        )


def _picker_labels(log: EventLog, ids: Sequence[str]) -> dict[str, str]:
    positions = [p for p in (log.position(i) for i in ids) if p is not None]
    if not positions:
        return {}
    table = log.table.take(positions)
    return {
        str(i): f"{o} · {t}"
        for i, o, t in zip(
            table.column("id").to_pylist(), table.column("occurred").to_pylist(), table.column("title").to_pylist(), strict=True
        )
    }


def retraction_form(ctx: Context, key: str, event_id: str, access: WriteAccess) -> None:
    _outcome(key)
    gen = _generation(key)
    if f"{key}:{gen}:reason" not in st.session_state:  # drawn afresh: an earlier check is stale
        st.session_state.pop(_checked_key(key), None)
    slots: dict[str, object] = {}
    with st.form(f"{key}:{gen}:form", border=True, enter_to_submit=False):
        reason = st.text_input(
            "Reason", key=f"{key}:{gen}:reason", placeholder="Why it is withdrawn: wrong date, never happened, duplicate of …"
        )
        slots["notes"] = st.empty()
        source = st.text_input(
            "Source (optional)",
            key=f"{key}:{gen}:source",
            placeholder="What shows it was wrong; leave empty to keep the event's source",
        )
        slots["source"] = st.empty()
        name = writing.logged_by_field(access, f"{key}:{gen}:by")
        checked_now = st.form_submit_button("Check the retraction", icon=":material/fact_check:")
    if checked_now:
        _clear_outcome(key)
        log = ctx.workspace.events
        try:
            draft = retraction_draft(log, event_id, reason.strip(), source.strip() or None)
        except TrackerError as exc:
            st.error(markdown_literal(str(exc)), icon=":material/error:")
            return
        st.session_state[_checked_key(key)] = check(ctx, key, "retraction", draft, writing.remember_name(name), extra=reason_errors(reason))
    _show_check(ctx, key, slots)


def revise(ctx: Context, shown_ids: Sequence[str]) -> None:
    """Pick an event: see its history; correct or retract it."""
    log = ctx.workspace.events
    ids = list(reversed(shown_ids))[:PICK_LIMIT]  # newest first
    labels = _picker_labels(log, ids)
    picked = st.selectbox(
        "Event",
        ids,
        index=None,
        format_func=lambda i: labels.get(i, i),
        key="revise_pick",
        placeholder="Pick an event (the table's filters narrow this list), or paste an id",
        accept_new_options=True,
    )
    if len(shown_ids) > PICK_LIMIT:
        st.caption(f"The {PICK_LIMIT:,} newest of the {len(shown_ids):,} events in the table are listed; filter the table, or paste an id.")
    if not picked:
        return
    event_id = str(picked).strip()
    history = log.history(event_id)
    if not history:
        st.warning(f"There is no event with id {markdown_code(event_id)} in the log.", icon=":material/search_off:")
        return
    original = history[0].event.id
    if original != event_id:
        what = next(v.kind for v in history if v.event.id == event_id)
        st.caption(f"{markdown_code(event_id)} is a {what} of event {markdown_code(original)}.")
    st.markdown(f"**History of {markdown_code(original)}** (oldest first; the log keeps every version)")
    st.dataframe(
        history_table(history),
        hide_index=True,
        width="stretch",
        key=f"history-{original}",
        column_config={
            "Version": st.column_config.TextColumn(width=110),
            "Current": st.column_config.TextColumn(width=90),
            "Title": st.column_config.TextColumn(width="large"),
            "Notes / reason": st.column_config.TextColumn(width="medium"),
        },
    )
    retracted = [v for v in history if v.kind == "retraction"]
    if retracted:
        _outcome(f"retract-{original}")
        st.info(
            f"This event was retracted ({markdown_literal(retracted[0].event.notes or 'no reason given')}). "
            "It is not matched by any scenario "
            "and cannot be corrected or retracted again; if it did happen after all, log it again as a new event.",
            icon=":material/block:",
        )
        return
    access = writing.write_gate(f"revise-{original}", "correct or retract events")
    if access is None:
        return
    action = st.segmented_control(
        "What to do", ["Correct it", "Retract it"], default="Correct it", key=f"revise-action-{original}", label_visibility="collapsed"
    )
    if action == "Retract it":
        st.caption("A retraction is a new row saying the event is withdrawn; the original stays in the log, and no scenario matches it.")
        retraction_form(ctx, f"retract-{original}", original, access)
    else:
        st.caption("A correction is a new row with the right fields; the original stays in the log, and scenarios match the correction.")
        try:
            initial = correction_draft(log, original)
        except TrackerError as exc:
            st.error(markdown_literal(str(exc)), icon=":material/error:")
            return
        event_form(ctx, f"correct-{original}", initial, kind="correction", access=access)


def events_page_tools(ctx: Context, shown_ids: Sequence[str]) -> None:
    """The Events page's write side: the retracted list, then logging, history (corrections, retractions) and import."""
    retracted_list(ctx)
    tabs = st.tabs(
        [
            ":material/add_circle: Log an event",
            ":material/history: History, corrections, retractions",
            ":material/upload_file: Import a file",
        ],
        key="event_tools",
    )
    with tabs[0]:
        event_form(ctx, "log", EventDraft())
    with tabs[1]:
        revise(ctx, shown_ids)
    with tabs[2]:
        event_import.import_section(ctx)
