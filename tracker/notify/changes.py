"""What changed between two runs, and the words for it (pure: no files, no clock, no network).

A change is a scenario whose snapshot differs from the one recorded (status, due-soon entry, deadline in force, stale),
or one seen for the first time. One message per changed scenario names everything that changed in it: a deadline
moved out of the due-soon window is one event for a reader, not two. A scenario missing now (its file removed or
failing to load) is neither a change nor forgotten: its recorded state is kept, so a file that fails for one run
does not announce itself as new when it is fixed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from tracker.engine.status import Assessment
from tracker.notify.state import Snapshot
from tracker.report.calendar import scenario_url
from tracker.report.views import countdown


@dataclass(frozen=True)
class Change:
    scenario: str
    before: Snapshot | None  # None: seen for the first time
    after: Snapshot

    def key(self, run: int) -> str:
        """The same change found again (a run killed before it recorded anything) gets the same key."""
        data = [self.scenario, run, None if self.before is None else asdict(self.before), asdict(self.after)]
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def changes(previous: Mapping[str, Snapshot], current: Mapping[str, Snapshot]) -> list[Change]:
    """The scenarios whose state differs from the recorded one, in id order."""
    return [Change(sid, previous.get(sid), now) for sid, now in sorted(current.items()) if previous.get(sid) != now]


def _words(status: str) -> str:
    return status.replace("-", " ")


def _parts(change: Change) -> list[str]:
    before, after = change.before, change.after
    if before is None:
        return [f"now tracked, {_words(after.status)}"]
    parts = []
    if before.status != after.status:
        parts.append(f"{_words(before.status)} -> {_words(after.status)}")
    elif before.due_soon != after.due_soon:  # the window itself, when the status word does not say it
        parts.append("entered its due-soon window" if after.due_soon else "left its due-soon window")
    if (before.deadline, before.deadline_text) != (after.deadline, after.deadline_text):
        parts.append(f"deadline {before.deadline_text} -> {after.deadline_text}")
    if before.stale != after.stale:
        parts.append("stale: not reviewed within its review period" if after.stale else "reviewed again: no longer stale")
    return parts


def _context(assessment: Assessment) -> str:
    """The deadline and the time left, as the Board's countdown says it."""
    left = countdown(assessment)
    said = {"deadline": f", {left.text} left", "response due": f", response due in {left.text}", "overdue": f", response {left.text} late"}
    return f"deadline {assessment.deadline_spell.due_text}{said.get(left.target, '')}"


def message_text(change: Change, assessment: Assessment, base_url: str | None) -> str:
    """'joint-sanctions-christmas-2021: watching -> due soon (deadline 2021-12-25 24:00 Europe/Brussels, 5 d 0 h left)',
    then the scenario's title, then its link when the dashboard's address is known."""
    lines = [f"{change.scenario}: {'; '.join(_parts(change))} ({_context(assessment)})", assessment.scenario.title]
    if base_url:
        lines.append(scenario_url(base_url, change.scenario))
    return "\n".join(lines)
