"""Recording an assessment: a row checked as the user gave it, then appended to ``assessments.csv`` durably.

The file is a ledger written as the event log is (tracker.log.writer: one writer at a time under a lock, fsync before
"saved", a crash's half row moved aside by the next writer). A correction is a new row naming, in ``corrects``, the
version it replaces; checked again under the lock, so of two analysts correcting the same assessment at once, one
wins and the other is told which row did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

from tracker import config
from tracker.judgement.ledger import parse_confidence, parse_probability, parse_stamp, read_judgements
from tracker.judgement.model import COLUMNS, REQUIRED_COLUMNS, Judgement, Judgements
from tracker.log.ids import new_event_id
from tracker.log.writer import Ledger, Receipt, append_rows, format_logged_at
from tracker.problems import TrackerError, display_path
from tracker.text import excerpt

ASSESSMENTS = Ledger("assessments file", COLUMNS, REQUIRED_COLUMNS, "If that assessment is missing, record it again", "probability")
# An assessment is about the past or the present: a clock a little ahead (another machine's) is not refused.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


@dataclasses.dataclass(frozen=True)
class AssessmentDraft:
    """An assessment as the user gave it (text, from a form or flags), before it is checked."""

    scenario: str
    probability: str
    confidence: str
    note: str = ""
    assessed_at: str = ""  # "" = now
    corrects: str = ""  # an assessment's id (its current version is corrected) or the id of that version's row


@dataclasses.dataclass(frozen=True)
class DraftError:
    field: str  # a column of assessments.csv
    message: str  # "probability: '170' is not between 0 and 100 (a percentage)"


def _unknown_scenario(scenario_id: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(scenario_id, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"scenario: no scenario has the id {excerpt(scenario_id)}{hint}"


def corrected_version(judgements: Judgements, corrects: str) -> Judgement | None:
    """The assessment ``corrects`` names (by its id or by the id of any of its versions' rows), in its current version."""
    for judgement in judgements.rows:
        versions = judgements.versions.get(judgement.id, (judgement,))
        if corrects == judgement.id or any(v.version_id == corrects for v in versions):
            return judgement
    return None


def check_draft(
    draft: AssessmentDraft,
    *,
    scenarios: Collection[str],
    judgements: Judgements,
    now: dt.datetime,
    assessed_by: str,
    row_id: str | None = None,
) -> tuple[dict[str, str], list[DraftError]]:
    """The row to write, and everything wrong with the draft (nothing is written while there is an error)."""
    errors: list[DraftError] = []
    scenario = draft.scenario.strip()
    if not scenario:
        errors.append(DraftError("scenario", "scenario: is empty; name the scenario assessed"))
    elif scenario not in scenarios:
        errors.append(DraftError("scenario", _unknown_scenario(scenario, scenarios)))
    cells: dict[str, str] = {}
    for field, parse in (("probability", parse_probability), ("confidence", parse_confidence)):
        text = getattr(draft, field)
        if not text.strip():
            errors.append(DraftError(field, f"{field}: is empty"))
            continue
        try:
            value = parse(text)
        except ValueError as exc:
            errors.append(DraftError(field, f"{field}: {exc}"))
            continue
        cells[field] = f"{value:g}" if isinstance(value, float) else value
    assessed_at = now
    if draft.assessed_at.strip():
        try:
            assessed_at = parse_stamp(draft.assessed_at)
        except ValueError as exc:
            errors.append(DraftError("assessed_at", f"assessed_at: {exc}"))
        else:
            if assessed_at > now + FUTURE_TOLERANCE:
                errors.append(
                    DraftError(
                        "assessed_at",
                        f"assessed_at: {excerpt(draft.assessed_at)} is in the future; an assessment is made now or was made earlier",
                    )
                )
    note = draft.note.strip()
    if "\n" in note or "\r" in note:
        errors.append(
            DraftError("note", "note: contains a line break; write it on one line (one assessment per line lets git merge the file)")
        )
    corrects = draft.corrects.strip()
    if corrects:
        current = corrected_version(judgements, corrects)
        if current is None:
            errors.append(DraftError("corrects", f"corrects: no assessment has the id {excerpt(corrects)}"))
        elif scenario and current.scenario != scenario:
            errors.append(DraftError("corrects", f"corrects: {excerpt(corrects)} assesses {current.scenario!r}, not {scenario!r}"))
        else:
            corrects = current.version_id  # a correction replaces the current version: a stale one is refused under the lock
    row = {
        "id": row_id or new_event_id(now),
        "scenario": scenario,
        "assessed_at": format_logged_at(assessed_at) if not draft.assessed_at.strip() else draft.assessed_at.strip(),
        "probability": cells.get("probability", ""),
        "confidence": cells.get("confidence", ""),
        "note": note,
        "assessed_by": assessed_by,
        "logged_at": format_logged_at(now),
        "corrects": corrects,
    }
    return row, errors


def _still_current(path: Path) -> Callable[[Sequence[Mapping[str, str]]], list[list[str]]]:
    def check(rows: Sequence[Mapping[str, str]]) -> list[list[str]]:
        judgements = read_judgements(
            path, follow=config.assessments_named()
        )  # as saved now, under the lock: another writer's correction included
        reasons: list[list[str]] = []
        for row in rows:
            corrects = row.get("corrects", "")
            current = corrected_version(judgements, corrects) if corrects else None
            if corrects and current is not None and current.version_id != corrects:
                reasons.append(
                    [f"corrects: {excerpt(corrects)} was corrected meanwhile by row {excerpt(current.version_id)}; reload and try again"]
                )
            else:
                reasons.append([])
        return reasons

    return check


def record_assessment(path: Path, row: Mapping[str, str], *, now: dt.datetime, retry_window: dt.timedelta | None = None) -> Receipt:
    """Append one checked row (from `check_draft`) durably; a retried save (the same id and content) is written once."""
    if not path.parent.is_dir():
        raise TrackerError(f"cannot record an assessment: the folder {display_path(path.parent)} does not exist")
    if path.is_symlink() and not config.assessments_named():
        raise TrackerError(
            f"cannot write {display_path(path)}: it is a symbolic link; the assessments file is a CSV file. Nothing was written"
        )
    return append_rows(path, [row], now=now, check=_still_current(path), retry_window=retry_window, ledger=ASSESSMENTS)
