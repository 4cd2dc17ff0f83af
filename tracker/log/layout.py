"""The event log's layout on disk: which files are logs, and the columns of a row.

Apart from the event model (tracker.log.events), which is pandas and pyarrow: sorting named paths (`tracker validate`,
the pre-commit hooks) and building the command line's options need the layout, not the table.
"""

from __future__ import annotations

from pathlib import Path

from tracker.config import ASSESSMENTS_FILE_NAME

COLUMNS = ("id", "occurred", "title", "actors", "targets", "tags", "source", "notes")
REQUIRED_COLUMNS = ("id", "occurred", "title")
MULTI_VALUED = ("actors", "targets", "tags")
KIND = "kind"  # optional column: threat, statement, proposal, decision, in-force, action, report


def csv_files(folder: Path) -> list[Path]:
    """The event logs of a folder: its CSV files (any case of .csv), hidden ones left out, in name order.

    Links, FIFOs and devices named .csv are listed too, so that the loader reports them instead of passing them over.
    The analysts' ``assessments.csv`` (tracker.judgement), which lives beside the log, is not a log.
    """
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() == ".csv"
        and not p.name.startswith(".")
        and p.name != ASSESSMENTS_FILE_NAME
        and (p.is_symlink() or not p.is_dir())
    )


def log_files(location: Path) -> list[Path]:
    """The files an event log location stands for: a folder's CSV files (read together), or the file itself."""
    return csv_files(location) if location.is_dir() else [location]
