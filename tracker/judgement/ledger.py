"""Reading ``assessments.csv``: every row checked and located, corrections applied; a bad row never hides the others.

The file is written as the event log is (tracker.log.writer: locked, fsynced appends, a crash's half row repaired),
and read as it is: only whole, saved rows (`read_saved`), so a writer at work changes no reading.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
from pathlib import Path

from tracker.files import InputRefused
from tracker.judgement.model import COLUMNS, CONFIDENCES, REQUIRED_COLUMNS, Confidence, Judgement, Judgements
from tracker.log.writer import read_saved
from tracker.problems import Problem, display_path
from tracker.text import excerpt
from tracker.timeutil import out_of_range

CORRECTS = "corrects"


def parse_stamp(text: str) -> dt.datetime:
    """An instant as written in the ledger: a datetime with offset (``Z`` allowed), or a date (its start, in UTC)."""
    cleaned = text.strip()
    try:
        if len(cleaned) == 10:
            value = dt.datetime.combine(dt.date.fromisoformat(cleaned), dt.time(), dt.UTC)
        else:
            value = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"{excerpt(text)} is not a date (2025-08-28) or a datetime with offset (2025-08-28T09:00:00Z)") from None
    if value.tzinfo is None:
        raise ValueError(f"{excerpt(text)} has no time zone offset; add one, e.g. {cleaned}Z")
    if (why := out_of_range(value)) is not None:
        raise ValueError(why)
    return value


def parse_probability(text: str) -> float:
    """A probability in percent, 0 to 100 ("70", "70%", "12.5")."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"{excerpt(text)} is not a number; give a percentage from 0 to 100, e.g. 70") from None
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise ValueError(f"{excerpt(text)} is not between 0 and 100 (a percentage)")
    return value


def parse_confidence(text: str) -> Confidence:
    cleaned = text.strip().lower()
    if cleaned not in CONFIDENCES:
        raise ValueError(f"{excerpt(text)} is not a confidence; use one of {', '.join(CONFIDENCES)}")
    return cleaned  # type: ignore[return-value]


def read_judgements(path: Path, *, follow: bool = False) -> Judgements:
    """The assessments in ``path`` (none, and no problem, when the file does not exist).

    ``follow``: the operator named the file, so it may be a link; one found beside the log (committed, maybe) may not.
    """
    shown = display_path(path)
    if not path.exists() and not path.is_symlink():
        return Judgements()
    try:
        saved = read_saved(path, follow=follow)
    except InputRefused as exc:
        return Judgements(problems=[Problem(shown, 0, 1, f"assessments file {exc}")])
    except OSError as exc:
        return Judgements(problems=[Problem(shown, 0, 1, f"cannot read the assessments file: {exc.strerror or exc}")])
    problems: list[Problem] = []
    if saved.left_out is not None:
        problems.append(Problem(shown, saved.left_out.line, 1, f"this row was left out: {saved.left_out.reason}", "warning"))
    try:
        text = saved.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = saved.data[: exc.start].count(b"\n") + 1
        return Judgements(problems=[Problem(shown, line, 1, "the assessments file is not UTF-8 text; save it as UTF-8")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        return Judgements(problems=[Problem(shown, 1, 1, f"the header is not valid CSV ({exc})")])
    if not header:
        return Judgements(problems=problems)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        message = f"header lacks column(s) {', '.join(missing)}; expected {','.join(COLUMNS)}"
        return Judgements(problems=[*problems, Problem(shown, 1, 1, message)])
    versions: dict[str, list[Judgement]] = {}
    original: dict[str, str] = {}  # the id of every row read -> the id of the assessment it is a version of
    first_line: dict[str, int] = {}
    line = 2
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(shown, reader.line_num, 1, f"this row is not valid CSV ({exc}); it was left out"))
            break
        row_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            problems.append(Problem(shown, row_line, 1, f"this row has {len(record)} fields, the header {len(header)}; it was left out"))
            continue
        cells = {name: (record[i] if i < len(record) else "").strip() for i, name in enumerate(header)}
        judgement, found = _judgement(cells, row_line)
        for column, message in found:
            problems.append(Problem(shown, row_line, header.index(column) + 1, f"{column}: {message}; the row was left out"))
        if judgement is None:
            continue
        if judgement.id in original:
            message = f"id: {excerpt(judgement.id)} is already used (line {first_line[judgement.id]}); the row was left out"
            problems.append(Problem(shown, row_line, header.index("id") + 1, message))
            continue
        corrects = cells.get(CORRECTS, "")
        if corrects:
            if corrects not in original:
                message = f"{CORRECTS}: no earlier assessment has the id {excerpt(corrects)}; the row was left out"
                problems.append(Problem(shown, row_line, header.index(CORRECTS) + 1, message))
                continue
            root = original[corrects]
            kept = versions[root][0]
            if judgement.scenario != kept.scenario:
                message = f"scenario: a correction keeps the scenario of the assessment it corrects ({excerpt(kept.scenario)})"
                problems.append(Problem(shown, row_line, header.index("scenario") + 1, message + "; the row was left out"))
                continue
            original[judgement.id] = root
            first_line[judgement.id] = row_line
            versions[root].append(_as_version_of(judgement, root))
            continue
        original[judgement.id] = judgement.id
        first_line[judgement.id] = row_line
        versions[judgement.id] = [judgement]
    rows = tuple(chain[-1] for chain in versions.values())
    return Judgements(rows, problems, {key: tuple(chain) for key, chain in versions.items()})


def _as_version_of(judgement: Judgement, root: str) -> Judgement:
    return dataclasses.replace(judgement, id=root, row_id=judgement.id)


def _judgement(cells: dict[str, str], line: int) -> tuple[Judgement | None, list[tuple[str, str]]]:
    """A row as a Judgement, or the (column, message) of everything wrong with it."""
    found: list[tuple[str, str]] = []
    for column in ("id", "scenario"):
        if not cells.get(column):
            found.append((column, "is empty"))
    parsed: dict[str, object] = {}
    checks = (
        ("assessed_at", parse_stamp),
        ("probability", parse_probability),
        ("confidence", parse_confidence),
    )
    for column, parse in checks:
        try:
            parsed[column] = parse(cells.get(column, ""))
        except ValueError as exc:
            found.append((column, str(exc)))
    logged_at = None
    if cells.get("logged_at"):
        try:
            logged_at = parse_stamp(cells["logged_at"])
        except ValueError as exc:
            found.append(("logged_at", str(exc)))
    if found:
        return None, found
    judgement = Judgement(
        cells["id"],
        cells["scenario"],
        parsed["assessed_at"],  # type: ignore[arg-type]
        parsed["probability"],  # type: ignore[arg-type]
        parsed["confidence"],  # type: ignore[arg-type]
        cells.get("note", ""),
        cells.get("assessed_by", ""),
        logged_at,
        line,
        date_only=len(cells.get("assessed_at", "")) == 10,
    )
    return judgement, []
