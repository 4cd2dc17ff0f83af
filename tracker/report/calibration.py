"""Calibration as people read it: the numbers with their counts, as table rows for the page and as text for the CLI.

The numbers are tracker.engine.calibration's; here they are only worded. No Plotly (the reliability chart is in
tracker.report.figures), so `tracker calibration` runs without the dashboard's libraries.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.engine.calibration import Bin, Calibration, LeftOut, Score, Scored
from tracker.engine.status import Status

RULE = (
    "Enacted scores 1; averted and lapsed 0. Brier = (p/100 - outcome)², 0 best, 1 worst (always 50% scores 0.25). "
    "Only assessments made before the decision count; each weighs the same."
)
BIN_RULE = "Bins of 10 points: a probability on an edge goes in the bin above it, 100 in 90-100%."
HOW_TO_ASSESS = "Record one on a scenario's page, or `tracker assess ID --probability 70 --confidence medium`."
DASH = "—"


def score_text(value: float | None) -> str:
    return DASH if value is None else f"{value:.3f}"


def percent(share: float | None) -> str:
    return DASH if share is None else f"{share * 100:.0f}%"


def outcome_text(item: Scored) -> str:
    """'enacted (1)', 'averted (0)'."""
    return f"{item.assessment.status.value} ({item.outcome})"


def last_text(item: Scored) -> str:
    """'70% on 2021-12-10 by ana' (the day in the scenario's zone), or a dash when there was none before the decision."""
    last = item.last
    if last is None:
        return DASH
    day = last.assessed_at.astimezone(item.assessment.scenario.tz).date().isoformat()
    by = f" by {last.assessed_by}" if last.assessed_by else ""
    return f"{last.probability:g}% on {day}{by}"


def unassessed_text(count: int) -> str:
    """'3 resolved scenarios have no assessment before their decision'."""
    return f"{count} resolved scenario{'s have' if count != 1 else ' has'} no assessment before {'their' if count != 1 else 'its'} decision"


def not_yet_text(items: Sequence[LeftOut]) -> str:
    """'7 not resolved yet (3 watching, 1 due soon, 2 triggered, 1 upcoming)'."""
    counts: dict[Status, int] = {}
    for item in items:
        counts[item.assessment.status] = counts.get(item.assessment.status, 0) + 1
    parts = ", ".join(f"{n} {status.value.replace('-', ' ')}" for status, n in sorted(counts.items(), key=lambda kv: kv[0].value))
    return f"{len(items)} not resolved yet" + (f" ({parts})" if parts else "")


def owner_rows(calibration: Calibration) -> list[dict[str, str | int]]:
    """Overall, then one row per owner: scenarios resolved and assessed, each Brier score beside its count."""
    return [_score_row(score) for score in (calibration.overall, *calibration.owners)]


def _score_row(score: Score) -> dict[str, str | int]:
    return {
        "Owner": score.name,
        "Resolved": score.resolved,
        "Assessed": score.assessed,
        "Brier, last before decision": score_text(score.last.value),
        "Last: n": score.last.count,
        "Brier, all before decision": score_text(score.all.value),
        "All: n": score.all.count,
        "Brier, mean per scenario": score_text(score.per_scenario.value),
    }


def reliability_rows(bins: Sequence[Bin]) -> list[dict[str, str | int]]:
    return [
        {
            "Probability": b.label,
            "Assessments": b.count,
            "Mean predicted": percent(b.mean_predicted),
            "Observed": DASH if b.observed is None else f"{percent(b.observed)} ({b.enacted} of {b.count})",
        }
        for b in bins
    ]


def scenario_rows(calibration: Calibration) -> list[dict[str, str | int]]:
    return [
        {
            "Id": item.scenario_id,
            "Scenario": item.assessment.scenario.title,
            "Owner": item.owner or DASH,
            "Outcome": outcome_text(item),
            "Last assessment before decision": last_text(item),
            "Brier, last": score_text(item.brier_last),
            "Brier, all": score_text(item.brier_all.value),
            "Assessments": item.brier_all.count,
        }
        for item in calibration.scored
    ]


def _table(rows: Sequence[dict[str, str | int]], columns: Sequence[str] | None = None) -> list[str]:
    """Rows as a plain text table: a header, then the cells padded to each column's width."""
    if not rows:
        return []
    names = list(columns or rows[0])
    cells = [names, *([str(row[name]) for name in names] for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(names))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in cells]


def calibration_text(calibration: Calibration, heading: str) -> str:
    """What `tracker calibration` prints: the scores overall and per owner, reliability, the scenarios, and what is left out."""
    lines = [heading, RULE, ""]
    if calibration.nothing_to_score:
        resolved = calibration.overall.resolved
        lines += [f"Nothing to score: no assessment was made before the decision of any of the {resolved} resolved scenario(s).", ""]
        lines.append(HOW_TO_ASSESS.replace("`", ""))
    else:
        lines += ["Scores", *_table(owner_rows(calibration)), ""]
        owners = calibration.owners if len(calibration.owners) > 1 else ()  # one owner's bins are the overall ones
        for title, score in (("overall", calibration.overall), *((f"owner {o.name}", o) for o in owners)):
            lines += [f"Reliability, {title}: all assessments before the decision. {BIN_RULE}"]
            lines += [*_table(reliability_rows(score.reliability_all)), ""]
        rows = scenario_rows(calibration)
        lines += ["Resolved scenarios", *_table(rows, [name for name in rows[0] if name != "Scenario"])]
    if calibration.unassessed:
        lines += ["", f"{unassessed_text(len(calibration.unassessed))}: {', '.join(s.scenario_id for s in calibration.unassessed)}"]
    lines += ["", f"Left out ({len(calibration.left_out)}):"]
    lines += [f"  {item.assessment.scenario.id}: {item.reason}" for item in calibration.left_out] or ["  none"]
    lines.append(not_yet_text(calibration.not_yet) + ": not scored.")
    return "\n".join(lines)
