"""Importing an export (CSV, TSV, Excel) from the Events page: map its columns, preview, then append in one step.

All rules are the core's (tracker.log.importer): reading the file, what a mapping needs,
checking each row against the log, de-duplicating, and the one durable append. This
module draws them: the mapping as one selectbox per log field (pre-filled from a saved
mapping or guessed from the column names), the plan (rows to append, rows that fail with
their row number in the file, duplicates skipped), and "Append N events".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from components import upload_gate, writing
from components.context import Context, data_paths, fingerprint, workspace
from tracker.engine.impact import Impact, preview_impact
from tracker.log.events import COLUMNS, KIND
from tracker.log.importer import (
    MAPPABLE,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    REQUIRED_MAPPED,
    ExportTable,
    ImportMapping,
    ImportPlan,
    guess_mapping,
    load_mapping,
    mapping_errors,
    mappings_folder,
    plan_import,
    read_export_data,
    run_import,
    save_mapping,
    saved_mappings,
)
from tracker.log.ledger import raw_rows
from tracker.problems import TrackerError, display_path
from tracker.report.html import impact_html
from tracker.scenario.model import EVENT_KINDS
from tracker.text import markdown_code, markdown_literal
from tracker.timeutil import now

KEY = "import"
NOT_MAPPED = "— not mapped —"
GUESS = "Guess from the column names"
PREVIEW_ROWS = 20
FIELD_HELP = {
    "id": "Optional: the export's own id (ACLED's event_id_cnty, GDELT's GLOBALEVENTID). It becomes the event's id and alone decides "
    "duplicates: distinct rows are all kept, and a second import of the same file adds nothing. "
    "Empty: new ids are made, and rows with the same date, title and source count as duplicates.",
    "occurred": "Required: the date, or date and time with offset, of the event.",
    "title": "Required: what happened, in one line.",
    "actors": "Who acted; several values separated by ';'.",
    "targets": "Who it was aimed at; several values separated by ';'.",
    "tags": "Tags, several separated by ';'. Scenarios match on these.",
    "source": "Required: a link or a citation.",
    "notes": "Anything else worth keeping.",
    "kind": "Optional: what kind of event it is, one of "
    + ", ".join(EVENT_KINDS)
    + " (any case). A row with another value fails, with a suggestion. Scenarios may match on it.",
}


@dataclass(frozen=True)
class Planned:
    signature: str
    plan: ImportPlan
    impacts: list[Impact]


def _state(name: str) -> str:
    return f"{KEY}:{name}"


def _generation() -> int:
    return int(st.session_state.get(_state("gen"), 0))


def _outcome() -> None:
    found = st.session_state.get(_state("outcome"))
    if found:
        kind, message = found
        {"success": st.success, "info": st.info, "error": st.error}[kind](message)  # built with markdown_literal where it holds user text


def _plain(message: str) -> str:
    """A core message without its command-line hints (the form is the way to fix it here)."""
    return message.split("; add e.g. --map", maxsplit=1)[0].replace("--mapping ", "mapping name ").replace("--date-format ", "date format ")


def _initial_mapping(export: ExportTable, saved: str, folder_names: list[str]) -> tuple[ImportMapping, str | None]:
    """The mapping to pre-fill: a saved one, or a guess from the column names (and the date format from the values)."""
    if saved != GUESS and saved in folder_names:
        try:
            found = load_mapping(mappings_folder(data_paths()[1]), saved)
        except TrackerError as exc:
            return guess_mapping(export).mapping, _plain(str(exc))
        if found is not None:
            return found, None
    return guess_mapping(export).mapping, None


def _mapping_widgets(export: ExportTable, initial: ImportMapping, prefix: str) -> ImportMapping:
    columns: dict[str, str] = {}
    header = [h for h in export.header if h]
    places = st.columns(4)
    for index, name in enumerate(MAPPABLE):
        current = initial.columns.get(name, "")
        options = [NOT_MAPPED, *header, *([current] if current and current not in header else [])]
        label = f"{name} (required)" if name in REQUIRED_MAPPED else name
        value = places[index % 4].selectbox(
            label,
            options,
            index=options.index(current) if current else 0,
            key=f"{prefix}:{name}",
            accept_new_options=True,
            help=FIELD_HELP[name] + " Pick a column, or type a template naming columns in braces, e.g. {actor1};{assoc_actor_1}.",
        )
        columns[name] = "" if value in (None, NOT_MAPPED) else str(value)
    date_format = st.text_input(
        "Date format of occurred, when it is not ISO 8601 (2022-02-22)",
        value=initial.date_format or "",
        key=f"{prefix}:date_format",
        placeholder="e.g. %Y%m%d or %d %B %Y",
        help="Python strptime codes. Guessed from the file when its dates are all in one common format.",
    )
    return ImportMapping({k: v for k, v in columns.items() if v}, date_format.strip() or None)


def _signature(data: bytes, mapping: ImportMapping, logged_by: str) -> str:
    stamp = fingerprint(*data_paths())
    text = json.dumps([hashlib.sha256(data).hexdigest(), mapping.to_json(), logged_by, stamp], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _plan(ctx: Context, export: ExportTable, data: bytes, mapping: ImportMapping, logged_by: str) -> Planned:
    """The plan for this file, mapping and log, made once (its new ids stay the same until something changes)."""
    signature = _signature(data, mapping, logged_by)
    found: Planned | None = st.session_state.get(_state("plan"))
    if found is not None and found.signature == signature:
        return found
    plan = plan_import(export, mapping, ctx.workspace.events, now=now(), logged_by=logged_by)
    impacts = preview_impact(plan.rows, ctx.workspace.scenarios.scenarios, ctx.workspace.events, now()) if plan.rows else []
    planned = Planned(signature, plan, impacts)
    st.session_state[_state("plan")] = planned
    return planned


def append(planned: Planned, file_name: str) -> None:
    """Append the plan's rows in one durable step (a button callback: the page is then drawn from the new log)."""
    plan = planned.plan
    log = raw_rows(workspace().events)
    if plan.rows and all(log.has_id(row["id"]) for row in plan.rows):
        if not st.session_state.get(_state("outcome")):
            st.session_state[_state("outcome")] = ("info", "These events are already in the log; nothing was appended twice.")
        return
    try:
        receipt = run_import(data_paths()[1], plan, now=now())
    except TrackerError as exc:
        st.session_state[_state("outcome")] = ("error", f"Nothing was appended: {markdown_literal(str(exc))}")
        return
    count = len(receipt.written)
    message = f"Appended {count:,} event{'s' if count != 1 else ''} from {markdown_literal(file_name)}."
    if receipt.skipped:
        message += f" {len(receipt.skipped):,} were skipped: logged meanwhile by someone else."
    if receipt.repair is not None:
        message += f"\n\n{markdown_literal(receipt.repair.message)}"
    st.session_state[_state("outcome")] = ("success", message)
    st.session_state[_state("gen")] = _generation() + 1  # a fresh uploader
    st.session_state.pop(_state("plan"), None)


# About the pixels a character of the table's font takes: the grid sizes a column to at most a few hundred pixels
# by itself, which cut the messages that name a date format off at the format.
_CHAR_PX = 7


def _issues_table(issues: list[tuple[int, str]], label: str) -> None:
    longest = max((len(message) for _, message in issues), default=0)
    st.dataframe(
        pd.DataFrame(issues, columns=["Row", label]),
        hide_index=True,
        width="content",  # the messages set the width (scrolled sideways when wider); stretched, the row numbers would widen
        column_config={
            "Row": st.column_config.NumberColumn("Row in file", format="%d", width=90),
            label: st.column_config.TextColumn(width=longest * _CHAR_PX + 24),
        },
    )


def _show_plan(ctx: Context, planned: Planned) -> None:
    plan = planned.plan
    metrics = st.columns(4)
    metrics[0].metric("To append", f"{len(plan.rows):,}")
    metrics[1].metric("Rows that fail", f"{len(plan.failed_rows):,}")
    metrics[2].metric("Duplicates skipped", f"{len(plan.duplicates):,}")
    metrics[3].metric("Warnings", f"{len(plan.warnings):,}")
    if plan.rows:
        st.markdown(f"**Preview: the first {min(PREVIEW_ROWS, len(plan.rows))} of {len(plan.rows):,} rows as they will be written**")
        head = pd.DataFrame(plan.rows[:PREVIEW_ROWS])[[*COLUMNS[1:], KIND, "id"]]  # the id (often a new one) last
        head.insert(0, "Row", plan.row_numbers[:PREVIEW_ROWS])
        st.dataframe(
            head,
            hide_index=True,
            width="stretch",
            column_config={
                "Row": st.column_config.NumberColumn("Row in file", format="%d", width=90),
                "title": st.column_config.TextColumn(width="large"),
            },
        )
    if plan.failed:
        st.markdown(
            f"**{len(plan.failed_rows):,} row{'s' if len(plan.failed_rows) != 1 else ''} failing the log's rules will not be appended** "
            "(row numbers as a spreadsheet shows them: the header is row 1)"
        )
        _issues_table([(i.row, _plain(i.message)) for i in plan.failed], "Problem")
    if plan.duplicates:
        with st.expander(f"{len(plan.duplicates):,} duplicates skipped"):
            _issues_table([(i.row, i.message) for i in plan.duplicates], "Why")
    if plan.warnings:
        with st.expander(f"{len(plan.warnings):,} warnings (these rows are appended)"):
            _issues_table([(i.row, i.message) for i in plan.warnings], "Warning")
    if plan.renamed:
        many = len(plan.renamed) != 1
        label = f"{len(plan.renamed):,} value{'s' if many else ''} written by {'their names' if many else 'its name'} in the vocabulary"
        with st.expander(label):
            st.dataframe(
                pd.DataFrame([(r.value, r.name, r.rows) for r in plan.renamed], columns=["In the export", "Written as", "Rows"]),
                hide_index=True,
                width="content",
            )
    if plan.rows:
        titles = {s.id: s.title for s in ctx.workspace.scenarios.scenarios}
        if planned.impacts:
            st.markdown("**What it would change, now**")
            st.markdown("".join(impact_html(i, titles.get(i.scenario_id, i.scenario_id)) for i in planned.impacts), unsafe_allow_html=True)
        else:
            st.markdown(
                "<div class='no-impact' style='margin-bottom:0.5rem;'>Now: no scenario's status would change.</div>", unsafe_allow_html=True
            )


def import_section(ctx: Context) -> None:
    access = writing.write_gate(KEY, "import events")
    if access is None:
        return
    _outcome()
    gen = _generation()
    upload_gate.grant()  # before the uploader: its file is sent as soon as it is picked
    upload = st.file_uploader(
        "Export to import: CSV, TSV or Excel (.xlsx, first sheet), with the column names in the first row",
        type=["csv", "tsv", "xlsx"],
        key=f"{KEY}:{gen}:file",
    )
    if upload is None:
        st.caption(
            "You map its columns to the log's and see every row checked before anything is appended. "
            f"Up to {MAX_FILE_BYTES // (1024 * 1024)} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS} columns."
        )
        return
    st.session_state.pop(_state("outcome"), None)
    data = upload.getvalue()
    try:
        export = read_export_data(upload.name, data)
    except TrackerError as exc:
        st.error(markdown_literal(str(exc)), icon=":material/error:")
        return
    st.caption(f"**{markdown_literal(upload.name)}**: {len(export.rows):,} rows with data, {len(export.header)} columns.")

    folder = mappings_folder(data_paths()[1])
    names = saved_mappings(folder)
    saved = st.selectbox(
        "Start from",
        [GUESS, *names],
        key=f"{KEY}:{gen}:saved",
        help=f"Mappings saved earlier, in {display_path(folder)}.",
        format_func=lambda n: n if n == GUESS else f"saved mapping: {n}",
    )
    initial, problem = _initial_mapping(export, saved or GUESS, names)
    if problem:
        st.error(markdown_literal(problem), icon=":material/error:")
    elif saved in (None, GUESS):
        said = guess_mapping(export).describe()
        st.caption(f"{markdown_literal(said[0].upper() + said[1:])}. Change any field below.")
    with st.container(border=True, key="import-mapping"):
        st.markdown("**Map the file's columns to the log's**")
        mapping = _mapping_widgets(export, initial, f"{KEY}:{gen}:{'guess' if saved == GUESS else saved}")
    problems = mapping_errors(mapping, export.header)
    if problems:
        listed = "\n".join(f"- {markdown_literal(_plain(p))}" for p in problems)
        st.error(f"The mapping cannot be used yet:\n{listed}", icon=":material/rule:")
        return
    with st.container(key="import-save-mapping"):
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        name = left.text_input("Save this mapping for next time as", key=f"{KEY}:{gen}:name", placeholder="e.g. acled")
        if right.button("Save mapping", key=f"{KEY}:{gen}:save-mapping", icon=":material/bookmark_add:", width="stretch"):
            try:
                path = save_mapping(folder, name.strip(), mapping)
            except TrackerError as exc:
                st.error(markdown_literal(_plain(str(exc)).replace("mapping name ", "Mapping name ")), icon=":material/error:")
            except OSError as exc:  # e.g. the data folder is read-only
                why = markdown_literal(exc.strerror or "it cannot be written")
                st.error(f"The mapping could not be saved in {markdown_code(display_path(folder))}: {why}", icon=":material/error:")
            else:
                where = display_path(path)
                saved_as = f"**{markdown_literal(name.strip())}** ({markdown_code(where)})"
                st.success(f"Saved as {saved_as}; pick it under *Start from* next time.", icon=":material/bookmark:")

    logged_by = writing.remember_name(writing.logged_by_field(access, f"{KEY}:{gen}:by"))
    try:
        planned = _plan(ctx, export, data, mapping, logged_by)
    except TrackerError as exc:
        st.error(markdown_literal(_plain(str(exc))), icon=":material/error:")
        return
    _show_plan(ctx, planned)
    count = len(planned.plan.rows)
    st.button(
        f"Append {count:,} event{'s' if count != 1 else ''}",
        key=f"{KEY}:{gen}:append",
        type="primary",
        icon=":material/playlist_add:",
        disabled=count == 0,
        on_click=append,
        args=(planned, upload.name),
        help="Appends the rows previewed above in one durable step; rows that fail or duplicate are left out.",
    )
