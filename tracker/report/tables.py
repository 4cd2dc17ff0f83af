"""Tables people read and download: one shape for the events tables, lists as lists, no missing cell, and CSV that a
spreadsheet opens as text, never as formulas, named by the as-of instant it shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

import pandas as pd

from tracker.engine.status import AsOf
from tracker.log.events import MULTI_VALUED, split_values
from tracker.log.index import SEPARATOR
from tracker.text import source_link, spreadsheet_cell
from tracker.timeutil import UTC

# A link column's display text (a JavaScript regular expression over the URL): the site's name, e.g. "reuters.com".
LINK_HOST = r"^https?://(?:www\.)?([^/?#:]+)"
LINK = "link"  # the events tables' column of each source's first https:// URL ("" when it has none)


def event_rows(frame: pd.DataFrame, lists: Sequence[str] = ()) -> pd.DataFrame:
    """The events as a table shows them: actors, targets and tags (and ``lists``, already lists) as lists, the source's
    words apart from its link (``link``), and no missing cell (an absent value is empty, never None or NaN)."""
    shown = frame.copy()
    for column in shown.columns:
        if column in lists:
            shown[column] = [list(v) for v in shown[column]]
        elif column in MULTI_VALUED:
            shown[column] = [list(split_values(v)) if isinstance(v, str) else [] for v in shown[column]]
        elif pd.api.types.is_string_dtype(shown[column]) or shown[column].dtype == object:
            shown[column] = shown[column].fillna("")
    if "source" in shown.columns:
        split = [source_link(s) for s in shown["source"]]
        shown["source"] = [words for words, _ in split]
        shown.insert(list(shown.columns).index("source") + 1, LINK, [url or "" for _, url in split])
    return shown


def source_cells(source: str) -> dict[str, str]:
    """A source as a table's two cells: its link ("Source", shown as the site's name; empty without one) and its words."""
    words, url = source_link(source)
    return {"Source": url or "", "Cited as": words}


def download_name(stem: str, as_of: AsOf, extension: str = "csv") -> str:
    """A download's file name after the as-of instant it shows: ``events-as-of-2021-12-20.csv`` for a date (its end in each
    scenario's zone), ``events-as-of-2026-12-05T2215Z.csv`` for an instant (in UTC, so two viewers' files agree)."""
    if isinstance(as_of, dt.datetime):
        return f"{stem}-as-of-{as_of.astimezone(UTC):%Y-%m-%dT%H%MZ}.{extension}"
    return f"{stem}-as-of-{as_of.isoformat()}.{extension}"


def _cell(value: object) -> str:
    if isinstance(value, list | tuple):  # a list cell, written as the log writes it
        return SEPARATOR.join(str(v) for v in value)
    return "" if pd.isna(value) else str(value)  # type: ignore[call-overload]


def download_csv(frame: pd.DataFrame) -> bytes:
    """The rows as UTF-8 CSV for a download: every cell quoted, list cells joined as the log joins them (``;``), and a cell
    that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) prefixed with ``'``, as OWASP's
    CSV-injection guidance recommends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(spreadsheet_cell(str(name)) for name in frame.columns)
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(spreadsheet_cell(_cell(value)) for value in row)
    return buffer.getvalue().encode("utf-8")
