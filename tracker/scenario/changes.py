"""What changed between two versions of a scenario, field by field, in the words a reviewer uses.

Versions are compared as validated models, so reformatting, reordering keys or
editing comments is no change; a deadline moved, a trigger reworded or a
withdrawal is, and is spelt out: "deadline: 2021-12-25 -> 2022-01-15".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tracker.scenario.model import Recurs, Response, Scenario, Withdrawn
from tracker.timeutil import Span, format_span


@dataclass(frozen=True)
class FieldChange:
    """One meaningful change; ``before``/``after`` hold the values in words (None where absent)."""

    field: str
    summary: str
    before: str | None = None
    after: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "summary": self.summary, "before": self.before, "after": self.after}


def _instant_text(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def _duration_text(value: Span | None) -> str:
    return "none" if value is None else format_span(value)


def _recurs_text(recurs: Recurs | None) -> str:
    if recurs is None:
        return "none"
    return f"every {format_span(recurs.every)}" + ("" if recurs.until is None else f" until {recurs.until.isoformat()}")


def _list_text(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _withdrawn_text(withdrawn: Withdrawn) -> str:
    return f"on {withdrawn.on.isoformat()}: {withdrawn.reason.strip()}"


def _arrow(field: str, before: str, after: str) -> FieldChange:
    return FieldChange(field, f"{field}: {before} -> {after}", before, after)


def _response_changes(before: Response | None, after: Response | None) -> list[FieldChange]:
    if before is None and after is None:
        return []
    if before is None:
        assert after is not None
        return [FieldChange("response", f"response added: {after.title}", None, after.title)]
    if after is None:
        return [FieldChange("response", f"response removed: {before.title}", before.title, None)]
    found = []
    if before.title != after.title:
        found.append(FieldChange("response.title", "response title changed", before.title, after.title))
    if before.match != after.match:
        found.append(FieldChange("response.match", "response match changed", before.match.description, after.match.description))
    if before.within != after.within:
        found.append(_arrow("response.within", _duration_text(before.within), _duration_text(after.within)))
    return found


def _withdrawn_changes(before: Withdrawn | None, after: Withdrawn | None) -> list[FieldChange]:
    if before == after:
        return []
    old = None if before is None else _withdrawn_text(before)
    new = None if after is None else _withdrawn_text(after)
    if after is None:
        return [FieldChange("withdrawn", "withdrawal undone", old, None)]
    if before is None:
        return [FieldChange("withdrawn", f"withdrawn on {after.on.isoformat()}: {' '.join(after.reason.split())}", None, new)]
    return [FieldChange("withdrawn", "withdrawal changed", old, new)]


def _dumped(value: Any) -> Any:
    return [item.model_dump(mode="json") for item in value] if isinstance(value, list) else value


def scenario_changes(before: Scenario, after: Scenario) -> list[FieldChange]:
    """The meaningful differences from ``before`` to ``after``, in the order of the file's fields."""
    found: list[FieldChange] = []
    if before.id != after.id:
        found.append(_arrow("id", before.id, after.id))
    if before.title != after.title:
        found.append(FieldChange("title", "title changed", before.title, after.title))
    if (before.summary or "").strip() != (after.summary or "").strip():
        found.append(FieldChange("summary", "summary changed", before.summary, after.summary))
    for name in ("actors", "targets", "tags"):
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            found.append(_arrow(name, _list_text(old), _list_text(new)))
    if before.opened != after.opened:
        found.append(_arrow("opened", before.opened.isoformat(), after.opened.isoformat()))
    old_due, new_due = before.schedule[-1].due, after.schedule[-1].due
    if old_due != new_due or type(old_due) is not type(new_due):
        found.append(_arrow("deadline", _instant_text(old_due), _instant_text(new_due)))
    if len(before.schedule) != len(after.schedule) and old_due == new_due:
        found.append(
            FieldChange("deadlines", f"deadline history changed ({len(before.schedule)} -> {len(after.schedule)} entries)", None, None)
        )
    if before.recurs != after.recurs:
        found.append(_arrow("recurs", _recurs_text(before.recurs), _recurs_text(after.recurs)))
    if before.timezone != after.timezone:
        found.append(_arrow("timezone", before.timezone, after.timezone))
    if before.warn_within != after.warn_within:
        found.append(_arrow("warn_within", _duration_text(before.warn_within), _duration_text(after.warn_within)))
    if before.trigger != after.trigger:
        old_trigger, new_trigger = _trigger_text(before), _trigger_text(after)
        found.append(FieldChange("trigger", "trigger changed", old_trigger, new_trigger))
    found += _response_changes(before.response, after.response)
    for name in ("signposts", "sources"):
        old_items, new_items = _dumped(getattr(before, name)), _dumped(getattr(after, name))
        if old_items != new_items:
            counts = f"{len(old_items)} -> {len(new_items)}"
            found.append(FieldChange(name, f"{name} changed ({counts})", str(len(old_items)), str(len(new_items))))
    found += _withdrawn_changes(before.withdrawn, after.withdrawn)
    if _dumped(before.tests) != _dumped(after.tests):
        found.append(FieldChange("tests", f"tests changed ({len(before.tests)} -> {len(after.tests)} cases)", None, None))
    return found


def _trigger_text(scenario: Scenario) -> str:
    trigger = scenario.trigger
    return "none (a commitment)" if trigger is None else f"{trigger.kind} {trigger.description}"


def describe_new(scenario: Scenario) -> str:
    """One line for a scenario that appears: its deadline and trigger."""
    return f"deadline {scenario.deadline_text}; trigger {_trigger_text(scenario)}"
