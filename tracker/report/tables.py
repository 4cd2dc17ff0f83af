"""Tables people download: CSV that a spreadsheet opens as text, never as formulas."""

from __future__ import annotations

import csv
import io

import pandas as pd

from tracker.text import spreadsheet_cell


def download_csv(frame: pd.DataFrame) -> bytes:
    """The rows as UTF-8 CSV for a download: every cell quoted, and one that a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR first) prefixed with ``'``, as OWASP's CSV-injection guidance recommends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(spreadsheet_cell(str(name)) for name in frame.columns)
    for row in frame.itertuples(index=False, name=None):
        writer.writerow(spreadsheet_cell("" if pd.isna(value) else str(value)) for value in row)
    return buffer.getvalue().encode("utf-8")
