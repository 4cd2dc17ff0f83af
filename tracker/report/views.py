"""View models: what the pages show, computed from the engine's assessments (pure, UI-free)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from tracker.engine.cycles import past_cycles
from tracker.engine.history import status_history, statuses_over
from tracker.engine.review import Review
from tracker.engine.status import (
    OPEN_STATUSES,
    URGENCY,
    AsOf,
    Assessment,
    Basis,
    Status,
    counts_as_response,
    in_trigger_window,
    instant_for,
    urgency_key,
)
from tracker.git.compare import ScenarioDiff
from tracker.judgement.model import Judgement, Judgements
from tracker.log.events import EventLog, wall_clock_one
from tracker.log.index import DAY_NS
from tracker.report.style import style
from tracker.scenario.changes import FieldChange
from tracker.scenario.model import Scenario, deadline_text
from tracker.text import fold, folded, has_words, markdown_literal, without_link
from tracker.timeutil import UTC, day_number, format_remaining, from_ns, span_words, to_ns
from tracker.vocabulary import EMPTY, Vocabulary


@dataclass(frozen=True)
class Filters:
    """The board's filters; empty means 'any'."""

    statuses: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    text: str = ""
    stale_only: bool = False
    vocabulary: Vocabulary = EMPTY  # the chosen names stand for their other spellings and a group's members, as in a match

    def admits(self, assessment: Assessment, stale: frozenset[str] = frozenset()) -> bool:
        """Whether the scenario passes; ``stale`` holds the ids of the stale scenarios (tracker.engine.review)."""
        scenario = assessment.scenario
        if self.stale_only and scenario.id not in stale:
            return False
        if self.statuses and assessment.status.value not in self.statuses:
            return False
        for wanted, present in ((self.actors, scenario.actors), (self.targets, scenario.targets), (self.tags, scenario.tags)):
            if wanted and not self.vocabulary.names_any(present, wanted):
                return False
        if self.text.strip():
            haystack = " ".join([scenario.id, scenario.title, scenario.summary or "", *scenario.actors, *scenario.targets, *scenario.tags])
            return has_words(haystack, self.text)
        return True


def board(assessments: Iterable[Assessment], filters: Filters = Filters(), stale: frozenset[str] = frozenset()) -> list[Assessment]:
    """The scenarios that pass the filters (``stale``: the ids of the stale ones), most urgent first."""
    return sorted((a for a in assessments if filters.admits(a, stale)), key=urgency_key)


def without_upcoming(assessments: Iterable[Assessment]) -> tuple[list[Assessment], int]:
    """The scenarios open by the as-of instant, and how many open later (left out of boards, slides, packs and calendars)."""
    shown, later = [], 0
    for a in assessments:
        if a.status is Status.UPCOMING:
            later += 1
        else:
            shown.append(a)
    return shown, later


@dataclass(frozen=True)
class BoardView:
    shown: list[Assessment]  # past the filters, most urgent first
    in_view: list[Assessment]  # everything not left out, before the filters: what the counts per status count
    open_later: int  # upcoming scenarios left out


def board_view(
    assessments: Iterable[Assessment], filters: Filters, *, include_upcoming: bool = False, stale: frozenset[str] = frozenset()
) -> BoardView:
    """What a board or a deck shows: scenarios not open yet are left out (and counted) unless asked for or filtered for;
    ``stale`` holds the ids of the stale scenarios, for the "Stale only" filter."""
    everything = list(assessments)
    kept, later = without_upcoming(everything)
    if include_upcoming or Status.UPCOMING.value in filters.statuses:
        kept, later = everything, 0
    return BoardView(board(kept, filters, stale), kept, later)


# --- the Board's order, groups and the moments worth replaying -------------------------------------------------------
# As written in the URL (`sort=deadline`, `group=actor`); the first is the default.
SORTS = ("urgency", "deadline", "title")
GROUPS = ("none", "status", "actor", "target", "chain")
NOT_LINKED = "Not linked"


def sorted_board(items: Iterable[Assessment], by: str = "urgency") -> list[Assessment]:
    """Most urgent first (the default); or by the deadline in force, soonest first; or by title, A to Z."""
    if by == "deadline":
        return sorted(items, key=lambda a: (a.deadline_spell.due_at, a.scenario.id))
    if by == "title":
        return sorted(items, key=lambda a: (fold(a.scenario.title), a.scenario.id))
    return sorted(items, key=urgency_key)


def grouped_board(items: Sequence[Assessment], by: str = "none", vocabulary: Vocabulary = EMPTY) -> list[tuple[str, list[Assessment]]]:
    """The board in sections, each keeping the order given: by status (most urgent first), or by actor or target
    (A to Z by canonical name, a scenario under each of its own; those naming none last), or by chain of linked
    scenarios. One untitled section for "none"."""
    if by == "chain":
        return _chains(items)
    if by == "status":
        present = [status for status in URGENCY if any(a.status is status for a in items)]
        return [(style(status).word, [a for a in items if a.status is status]) for status in present]
    if by not in ("actor", "target"):
        return [("", list(items))]
    attribute = f"{by}s"
    sections: dict[str, list[Assessment]] = {}
    for name in labels((a.scenario for a in items), attribute, vocabulary):
        sections[name] = [a for a in items if fold(name) in folded(map(vocabulary.canonical, getattr(a.scenario, attribute)))]
    if unnamed := [a for a in items if not getattr(a.scenario, attribute)]:
        sections[f"No {by}"] = unnamed
    return list(sections.items())


def _chains(items: Sequence[Assessment]) -> list[tuple[str, list[Assessment]]]:
    """Linked scenarios together, one section per chain named by the scenario it starts from, parent before child (then in
    the order given); the scenarios that follow none and that none shown follows last."""
    followed = {parent for a in items for parent in a.scenario.depends_on}
    chains: dict[str, tuple[str, list[tuple[int, int, Assessment]]]] = {}
    unlinked: list[Assessment] = []
    for position, item in enumerate(items):
        up = item.scenario.ancestry()
        if len(up) == 1 and item.scenario.id not in followed:
            unlinked.append(item)
            continue
        chains.setdefault(up[-1].id, (up[-1].title, []))[1].append((len(up), position, item))
    found = [(title, [a for _, _, a in sorted(members, key=lambda m: m[:2])]) for title, members in chains.values()]
    return [*found, (NOT_LINKED, unlinked)] if unlinked else found


@dataclass(frozen=True)
class ScenarioLinks:
    """The scenarios one depends on (its `after:` trigger follows them) and those that depend on it."""

    depends_on: list[Assessment]
    depended_on_by: list[Assessment]


def scenario_links(assessment: Assessment, assessments: Iterable[Assessment]) -> ScenarioLinks:
    """Both directions of a scenario's links, among the assessed scenarios, each side by title."""
    everything = sorted(assessments, key=lambda a: (fold(a.scenario.title), a.scenario.id))
    own = assessment.scenario
    return ScenarioLinks(
        [a for a in everything if a.scenario.id in own.depends_on],
        [a for a in everything if own.id in a.scenario.depends_on],
    )


def nothing_open(assessments: Iterable[Assessment]) -> bool:
    """No scenario is open (watching, due soon, triggered or overdue): a board with no countdown to show."""
    return not any(a.is_open for a in assessments)


@dataclass(frozen=True)
class Moment:
    """A day worth replaying: at its end (in each scenario's zone), how many scenarios were open, by status."""

    day: dt.date
    open: dict[Status, int]  # open statuses only, most urgent first

    @property
    def count(self) -> int:
        return sum(self.open.values())

    @property
    def text(self) -> str:
        """'20 Dec 2021: 4 open (1 due soon, 3 watching)'."""
        parts = ", ".join(f"{n} {style(status).word.lower()}" for status, n in self.open.items())
        return f"{self.day.day} {self.day:%b %Y}: {self.count} open ({parts})"


def _candidate_days(assessments: Iterable[Assessment]) -> set[dt.date]:
    """Days on which a scenario was close to deciding: its due-soon threshold, the day before each deadline, the trigger."""
    days: set[dt.date] = set()
    for a in assessments:
        scenario, tz = a.scenario, a.scenario.tz
        for spell in (spell for window in scenario.windows_through(a.as_of) for spell in window.schedule):
            # The end of the day before a deadline's last full day: always before the deadline, however it is written.
            days.add((spell.due_at - dt.timedelta(days=1, microseconds=1)).astimezone(tz).date())
            if scenario.warn_within is not None:
                days.add(scenario.warn_within.before(spell.due_at, tz).astimezone(tz).date())
        if a.triggered_at is not None:
            days.add(a.triggered_at.astimezone(tz).date())
    return days


def moments(assessments: Sequence[Assessment], log: EventLog, before: dt.date | dt.datetime, *, limit: int = 3) -> list[Moment]:
    """The days before ``before`` (an as-of: a date, or an instant's date on its own clock) on which the most scenarios
    were open (the most due soon, triggered or overdue breaking ties; then the later day), each showing a different set
    of open scenarios; from the engine's replay of ``assessments``' scenarios on their basis at each day a scenario came
    close to deciding."""
    scenarios = [a.scenario for a in assessments]
    if not scenarios:
        return []
    basis = assessments[0].basis
    last = before.date() if isinstance(before, dt.datetime) else before
    days = sorted(d for d in _candidate_days(assessments) if d < last)
    ranked = []
    for day, statuses in zip(days, statuses_over(scenarios, log, days, basis), strict=True):
        open_ids = frozenset(s.id for s, status in zip(scenarios, statuses, strict=True) if status in OPEN_STATUSES)
        if open_ids:
            counts = Counter(status for status in statuses if status in OPEN_STATUSES)
            moment = Moment(day, {status: counts[status] for status in URGENCY if counts[status]})
            pressing = moment.count - counts[Status.WATCHING]
            ranked.append(((moment.count, pressing, day), open_ids, moment))
    found: list[Moment] = []
    seen: set[frozenset[str]] = set()
    for _, open_ids, moment in sorted(ranked, key=lambda r: r[0], reverse=True):
        if open_ids not in seen and len(found) < limit:
            seen.add(open_ids)
            found.append(moment)
    return found


STALE_WORD = "Stale"
STALE_ICON = ":material/history_toggle_off:"


@dataclass(frozen=True)
class ReviewFacts:
    """Who answers for a scenario and how it stands for review, in words for the Scenario page."""

    owner: str  # "—" when the file names none
    cadence: str  # "every 30 days", or "not set"
    last: str  # what the last review was ("assessed by AB on 2025-08-28"), or "never"
    due: str  # when the next review is due ("2025-09-27"), or ""
    stale: bool


def review_facts(review: Review, scenario: Scenario) -> ReviewFacts:
    tz = scenario.tz
    every = scenario.review_every
    due = "" if review.due is None else review.due.astimezone(tz).date().isoformat()
    return ReviewFacts(
        scenario.owner or "—",
        "not set" if every is None else f"every {span_words(every)}",
        review.what or "never",
        due,
        review.stale,
    )


def open_later_text(count: int) -> str:
    """'8 scenarios open later', for the note that says what was left out."""
    return f"{count} scenario{'s' if count != 1 else ''} open{'s' if count == 1 else ''} later"


def status_counts(assessments: Iterable[Assessment]) -> dict[Status, int]:
    counts = Counter(a.status for a in assessments)
    return {status: counts.get(status, 0) for status in URGENCY}


def labels(scenarios: Iterable[Scenario], attribute: str, vocabulary: Vocabulary = EMPTY) -> list[str]:
    """Distinct actors/targets/tags of the scenarios by their canonical names (else as first written), sorted
    case-insensitively: what the Board's filters offer."""
    return vocabulary.canonical_values(value for scenario in scenarios for value in getattr(scenario, attribute))


@dataclass(frozen=True)
class LinkChoice:
    """A URL parameter bound to a choice: the values it takes, as Streamlit's bound widget matches them."""

    name: str
    noun: str  # what one value is: "a status"
    known: frozenset[str]
    instead: str = "showing all"  # what the view shows when the value is dropped
    any_case: bool = False  # true/false flags match in any case; option lists exactly

    def takes(self, value: str) -> bool:
        return (value.lower() if self.any_case else value) in self.known


FLAG = frozenset({"true", "false"})


def board_link_choices(scenarios: Sequence[Scenario], vocabulary: Vocabulary = EMPTY) -> list[LinkChoice]:
    """What the Board's link parameters take: statuses, the scenarios' own actors, targets and tags (by their canonical
    names), and true/false."""
    return [
        LinkChoice("status", "a status", frozenset(s.value for s in Status)),
        LinkChoice("actor", "an actor of any scenario", frozenset(labels(scenarios, "actors", vocabulary))),
        LinkChoice("target", "a target of any scenario", frozenset(labels(scenarios, "targets", vocabulary))),
        LinkChoice("tag", "a tag of any scenario", frozenset(labels(scenarios, "tags", vocabulary))),
        LinkChoice("upcoming", "true or false", FLAG, "scenarios that open later stay hidden", any_case=True),
        LinkChoice("stale", "true or false", FLAG, any_case=True),
    ]


def ignored_link_values(given: Mapping[str, Sequence[str]], choices: Iterable[LinkChoice]) -> list[str]:
    """A notice for each value a link gives that its parameter does not take, which the view drops: a link someone
    shared should not narrow (or fail to narrow) the view without saying so. Empty values mean "cleared" and pass."""
    notices = []
    for choice in choices:
        values = [value for value in given.get(choice.name, ()) if value]
        dropped = [value for value in values if not choice.takes(value)]
        instead = choice.instead if len(dropped) == len(values) else "left out"  # the other values still apply
        notices += [f"The link's {choice.name}={value} is not {choice.noun}; {instead}." for value in dropped]
    return notices


@dataclass(frozen=True)
class Countdown:
    """Time left as shown on a card: the figure, and what it counts down to."""

    text: str
    target: str  # "deadline", "response due", or ""

    def in_words(self) -> str:
        """One plain phrase for a terminal's column, in the words the Board uses: '18 d 23 h left until the deadline',
        '2 d left until the response is due'."""
        if self.target == "overdue":
            return f"none: the response is {self.text} late"
        if self.target == "response due":
            return f"{self.text} left until the response is due"
        return f"{self.text} left until the {self.target}" if self.target else self.text


def countdown(assessment: Assessment) -> Countdown:
    """Time left to the deadline or the response due; for an overdue response, how late it is."""
    if assessment.status is Status.OVERDUE and assessment.response_due is not None:
        late = (assessment.as_of - assessment.response_due).total_seconds()
        return Countdown(format_remaining(late), "overdue")
    if assessment.remaining_seconds is None:
        return Countdown("—", "")
    target = "response due" if assessment.status is Status.TRIGGERED else "deadline"
    return Countdown(format_remaining(assessment.remaining_seconds), target)


def deadline_texts(assessment: Assessment, viewer_tz: dt.tzinfo) -> tuple[str, str]:
    """The deadline in force, in the scenario's own zone and in the viewer's, in one notation (24:00, never 00:00 next day)."""
    spell = assessment.deadline_spell
    viewer = deadline_text(spell.due_at, viewer_tz)
    return spell.due_text, f"about {viewer}" if spell.approximate else viewer


def audience_deadline(assessment: Assessment, tz: dt.tzinfo) -> tuple[str, str | None]:
    """The deadline in the audience's zone, and as the scenario sets it when that zone differs.

    In the scenario's own zone a date deadline reads as written ("2021-12-25 24:00 Europe/Brussels")
    rather than as the next day's 00:00.
    """
    own, theirs = deadline_texts(assessment, tz)
    return (own, None) if getattr(tz, "key", None) == assessment.scenario.timezone else (theirs, own)


def period(scenarios: Sequence[Scenario], log: EventLog) -> tuple[dt.date, dt.date]:
    """The span the data covers: from the first opening or event to the last deadline or event."""
    starts = [s.opened for s in scenarios]
    ends = [s.deadline_at.date() for s in scenarios]
    if len(log):
        first, last = int(log.when_ns.min()), int(log.when_ns.max())
        starts.append(dt.date(1970, 1, 1) + dt.timedelta(days=first // 86_400_000_000_000))
        ends.append(dt.date(1970, 1, 1) + dt.timedelta(days=last // 86_400_000_000_000))
    if not starts:
        today = dt.datetime.now(dt.UTC).date()
        return today, today
    return min(starts), max(ends)


# --- one scenario in full ------------------------------------------------------------------
@dataclass(frozen=True)
class MatchedEvent:
    position: int
    role: str  # "trigger", "response", or a signpost title
    direction: str = ""  # for signposts: "escalation" or "de-escalation"
    counts: bool = True  # False: matched, but outside the window where it would decide anything

    @property
    def note(self) -> str:
        if self.role == "trigger":
            return "" if self.counts else "outside the trigger window (before opening or after the deadline): no effect"
        if self.role in ("response", "partial"):
            return "" if self.counts else "outside the window where a response counts"
        return ""


@dataclass
class ScenarioDetail:
    assessment: Assessment
    matched: list[MatchedEvent] = field(default_factory=list)

    @property
    def positions(self) -> list[int]:
        return sorted({m.position for m in self.matched})


def _visible(log: EventLog, rows: np.ndarray, scenario: Scenario, as_of: dt.datetime) -> np.ndarray:
    """Rows known by the as-of instant and not before tracking started (by day, in the scenario's zone, for date-only events);
    for a series, not before its current cycle opened (earlier cycles' events are in its past cycles)."""
    if not len(rows):
        return rows
    when, dated = log.when_ns[rows], log.date_only[rows]
    days = np.floor_divide(when, DAY_NS)
    ok_timed = (~dated) & (when >= to_ns(scenario.opened_at)) & (when <= to_ns(as_of))
    ok_dated = dated & (days >= day_number(scenario.opened)) & (days <= day_number(as_of.astimezone(scenario.tz).date()))
    visible: np.ndarray = rows[ok_timed | ok_dated]
    return visible


def scenario_detail(assessment: Assessment, log: EventLog) -> ScenarioDetail:
    """The events that matched each part of the scenario, as known at the as-of instant."""
    scenario, as_of = assessment.scenario, assessment.as_of
    detail = ScenarioDetail(assessment)
    for part in scenario.parts:
        role, direction = part.role, part.direction
        for pos in _visible(log, log.matching(part.match), assessment.assessed_scenario, as_of).tolist():
            if role == "trigger":
                counts = in_trigger_window(assessment, log, pos)
            elif role in ("response", "partial"):
                counts = counts_as_response(assessment, log, pos)
            else:
                counts = True
            detail.matched.append(MatchedEvent(pos, role, direction, counts))
    return detail


@dataclass(frozen=True)
class SignpostPoint:
    when: dt.datetime
    escalation: int
    de_escalation: int
    event_id: str
    date_only: bool = False  # `when` is the UTC midnight of the event's date: it stands on that date in every zone

    def local_when(self, tz: dt.tzinfo) -> dt.datetime:
        """Where the point stands on the clock of a viewer in ``tz`` (naive), by the calendar-day rule."""
        return wall_clock_one(self.when, self.date_only, tz)


def signpost_series(detail: ScenarioDetail, log: EventLog) -> list[SignpostPoint]:
    """Cumulative counts of escalation and de-escalation signposts over time."""
    points: list[SignpostPoint] = []
    up = down = 0
    for item in sorted((m for m in detail.matched if m.direction), key=lambda m: (int(log.when_ns[m.position]), m.position)):
        if item.direction == "escalation":
            up += 1
        else:
            down += 1
        pos = item.position
        points.append(SignpostPoint(from_ns(int(log.when_ns[pos])), up, down, log.ids([pos])[0], bool(log.date_only[pos])))
    return points


def event_matches(log: EventLog, scenarios: Iterable[Scenario]) -> dict[int, list[str]]:
    """For each event position, the ids of the scenarios whose trigger, response or signposts it matches."""
    found: dict[int, list[str]] = {}
    for scenario in scenarios:
        matches = [part.match for part in scenario.parts]
        rows = np.unique(np.concatenate([log.matching(m) for m in matches])) if matches else np.empty(0, np.int64)
        for pos in rows.tolist():
            found.setdefault(pos, []).append(scenario.id)
    return found


def describe_rules(assessment: Assessment) -> list[str]:
    """The trigger and the response in plain words, as they stood at the as-of: the deadline in force, the moves
    announced by then (a replay never shows a deadline announced later), a withdrawal only once it happened.

    Markdown: **bold** and *italic* are the app's; every value from the scenario file is ``markdown_literal``."""
    scenario, as_of = assessment.scenario, assessment.as_of
    text = markdown_literal
    trigger = scenario.trigger
    since = assessment.assessed_scenario.opened.isoformat()
    deadline = assessment.deadline_spell.due_text
    if trigger is None:
        lines = [f"**Commitment:** no condition; the response is due by the deadline ({deadline})."]
    elif trigger.after is not None:
        followed = scenario.followed.title if scenario.followed is not None else trigger.after.scenario
        lines = [
            f"**Trigger:** fires **after** *{text(followed)}* first becomes *{text(' or '.join(trigger.after.status))}*, "
            f"between {since} and the deadline ({deadline}); if it does not by then, it lapses."
        ]
    elif trigger.kind == "unless":
        lines = [
            f"**Trigger:** fires at the deadline ({deadline}) **unless** an event matching "
            f"*{text(trigger.description)}* is logged from {since} until then; such an event averts it."
        ]
    else:
        lines = [
            f"**Trigger:** fires **when** the first event matching *{text(trigger.description)}* is logged between "
            f"{since} and the deadline ({deadline}); with none by then, it lapses."
        ]
    announced = [s for number, s in enumerate(scenario.schedule) if number == 0 or s.set_at <= as_of]
    if len(announced) > 1:
        moves = "; ".join(f"{s.due_text} (set {s.set_text})" for s in announced)
        lines.append(f"**Deadlines:** {moves}.")
    response = scenario.response
    if response is not None:
        start = "from the trigger" if response.counts_from == "trigger" or trigger is None else f"from {since} (early responses count)"
        anchor = "deadline" if trigger is None else "trigger"
        within = f", due within {span_words(response.within)} of the {anchor}" if response.within is not None else ""
        lines.append(f"**Response:** {text(response.title)}: an event matching *{text(response.match.description)}*, {start}{within}.")
        if response.partial is not None:
            lines.append(f"**Partial response:** an event matching *{text(response.partial.description)}* makes it partly enacted.")
    else:
        lines.append("**Response:** none defined.")
    if scenario.warn_within is not None:
        lines.append(f"**Due soon:** within {span_words(scenario.warn_within)} of the deadline.")
    if scenario.recurs is not None and assessment.cycle is not None:
        until = f", until {scenario.recurs.until.isoformat()}" if scenario.recurs.until is not None else ""
        lines.append(
            f"**Series:** renews every {span_words(scenario.recurs.every)}{until}; each cycle runs from the day after the previous "
            f"deadline to its own. This is cycle {assessment.cycle.number}, from {assessment.cycle.opened.isoformat()} to "
            f"{assessment.cycle.deadline.isoformat()}."
        )
    if scenario.withdrawn and scenario.withdrawn_at is not None and scenario.withdrawn_at <= as_of:
        lines.append(f"**Withdrawn** on {scenario.withdrawn.on.isoformat()}: {text(scenario.withdrawn.reason)}")
    return lines


def cycle_words(assessment: Assessment) -> str:
    """A series' card line, "cycle 3 · renews every 6 months"; "" for a one-off scenario."""
    recurs = assessment.scenario.recurs
    if assessment.cycle is None or recurs is None:
        return ""
    return f"cycle {assessment.cycle.number} · renews every {span_words(recurs.every)}"


@dataclass(frozen=True)
class PastCycle:
    """One ended cycle of a series, as the Scenario page lists it."""

    number: int
    window: str  # "2022-08-01 to 2023-01-31"
    status: Status  # its outcome
    deciding: str  # the deciding event's title and id, or why nothing decided it


def past_cycle_rows(scenario: Scenario, log: EventLog, as_of: AsOf, basis: Basis) -> list[PastCycle]:
    """A series' ended cycles with their outcomes, the latest first; [] for a one-off scenario."""
    rows = []
    for outcome in past_cycles(scenario, log, as_of, basis):
        a, cycle = outcome.assessment, outcome.cycle
        events = [log.event(p) for p in (log.position(i) for i in a.decided_by) if p is not None]
        deciding = "; ".join(f"{e.title} ({e.id})" for e in events) or reason(a)
        rows.append(PastCycle(cycle.number, f"{cycle.opened.isoformat()} to {cycle.deadline.isoformat()}", a.status, deciding))
    return rows[::-1]


def reason(assessment: Assessment) -> str:
    """One line under a card's status: what decides it, or what would."""
    scenario, status = assessment.scenario, assessment.status
    tz = scenario.tz

    def when(at: dt.datetime | None) -> str:
        return "—" if at is None else at.astimezone(tz).date().isoformat()

    if status is Status.WITHDRAWN and scenario.withdrawn is not None:
        return f"Withdrawn {scenario.withdrawn.on.isoformat()}: {scenario.withdrawn.reason.strip()}"
    if status is Status.ENACTED and assessment.response_hit is not None:
        return f"Response logged {when(assessment.response_hit.at)}: {assessment.response_hit.title}"
    if status is Status.AVERTED and assessment.averted_by is not None:
        return f"Averted {when(assessment.averted_by.at)}: {assessment.averted_by.title}"
    trigger = scenario.trigger
    if status is Status.UPCOMING:
        return f"Tracking starts on {assessment.assessed_scenario.opened.isoformat()}."
    if status is Status.LAPSED and trigger is not None:
        if trigger.after is not None:
            return f"{trigger.after.scenario} did not become {' or '.join(trigger.after.status)} by the deadline."
        return f"No event matching {trigger.description} by the deadline."
    response = scenario.response.title if scenario.response else "a response"
    if status is Status.PARTLY_ENACTED and assessment.partial_hit is not None:
        return f"Partly enacted {when(assessment.partial_hit.at)}: {assessment.partial_hit.title}; awaiting the full “{response}”."
    if status is Status.OVERDUE:
        start = "Deadline passed" if trigger is None else "Triggered"
        return f"{start} {when(assessment.triggered_at)}; “{response}” overdue since {when(assessment.response_due)}."
    if status is Status.TRIGGERED:
        return f"Triggered {when(assessment.triggered_at)}; awaiting “{response}”."
    if trigger is None:
        return f"Due by the deadline: “{response}”."
    if trigger.kind == "unless":
        return f"Triggers at the deadline unless: {trigger.description}."
    if trigger.kind == "after":
        return f"Triggers when {trigger.description}."
    return f"Triggers on the first event matching: {trigger.description}."


@dataclass(frozen=True)
class HistorySpell:
    """One stretch of a scenario's status history, as the Scenario page's strip shows it (times in the scenario's zone)."""

    status: Status
    start: dt.datetime
    end: dt.datetime  # the next change, or the as-of instant
    why: str  # the card's reason line at ``start``

    @property
    def since(self) -> str:
        """The day the status began; with the time when it did not begin at midnight (a timed event, a deadline at noon)."""
        return self.start.strftime("%Y-%m-%d" if self.start.time() == dt.time() else "%Y-%m-%d %H:%M")

    @property
    def seconds(self) -> float:
        """How long it lasted: elapsed time, also across a change to summer time."""
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds()

    @property
    def length(self) -> str:
        return format_remaining(self.seconds)


def history_view(scenario: Scenario, log: EventLog, as_of: AsOf, basis: Basis) -> list[HistorySpell]:
    """How the scenario's status changed from its opening to the as-of instant, on the basis chosen: a replay shows
    nothing after its as-of. A zero-length spell (a status that changed again at the same instant) is left out."""
    tz = scenario.tz
    end = instant_for(as_of, tz).astimezone(tz)
    spells = status_history(scenario, log, min(scenario.opened_at, end), end, basis)
    ends = [spell.start for spell in spells[1:]] + [end]
    found = [
        HistorySpell(spell.status, spell.start.astimezone(tz), until, reason(spell.assessment))
        for spell, until in zip(spells, ends, strict=True)
    ]
    return [spell for spell in found if spell.end > spell.start] or found[-1:]


# --- analysts' likelihood -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LikelihoodView:
    """A scenario's assessments as a page shows them at the as-of instant: those made by then, the last one first."""

    made: tuple[Judgement, ...]  # oldest first
    later: int  # assessments made after the as-of instant (a replay leaves them out)
    decided_at: dt.datetime | None  # when the status was decided: assessments after it were made knowing the outcome

    @property
    def latest(self) -> Judgement | None:
        return self.made[-1] if self.made else None

    def headline(self, tz: dt.tzinfo) -> str:
        """'70 % that it ends enacted (medium confidence), by AB on 2021-12-10'; '' without any assessment."""
        last = self.latest
        if last is None:
            return ""
        by = f" by {last.assessed_by}" if last.assessed_by else ""
        return f"{last.probability:g} % that it ends enacted ({last.confidence} confidence),{by} on {assessed_on(last, tz)[:10]}"

    def short(self, tz: dt.tzinfo) -> str:
        """For a card: 'Likelihood 70 % enacted (AB, 2021-12-10)'; '' without any assessment."""
        last = self.latest
        if last is None:
            return ""
        who = ", ".join(part for part in (last.assessed_by, assessed_on(last, tz)[:10]) if part)
        return f"Likelihood {last.probability:g} % enacted ({who})"

    def rows(self, tz: dt.tzinfo) -> list[dict[str, str | None]]:
        """The table: newest first; the note's link apart (a link column); a corrected assessment says so."""
        rows: list[dict[str, str | None]] = []
        for j in reversed(self.made):
            note, link = without_link(j.note)
            rows.append(
                {
                    "Assessed": assessed_on(j, tz),
                    "Enacted": f"{j.probability:g} %",
                    "Confidence": j.confidence,
                    "By": j.assessed_by or "—",
                    "Note": note or "—",
                    "Source": link,
                    "Id": j.id + (" (corrected)" if j.row_id and j.row_id != j.id else ""),
                }
            )
        return rows


def assessed_on(judgement: Judgement, tz: dt.tzinfo) -> str:
    """When an assessment was made, for a viewer in ``tz``: a date given as a date stays that date."""
    if judgement.date_only:
        return f"{judgement.assessed_at:%Y-%m-%d}"
    return f"{judgement.assessed_at.astimezone(tz):%Y-%m-%d %H:%M}"


def likelihood_view(judgements: Judgements, assessment: Assessment) -> LikelihoodView:
    """The scenario's assessments made by the as-of instant (by ``logged_at`` too under basis known)."""
    mine = judgements.for_scenario(assessment.scenario.id)
    made = judgements.made_by(assessment.as_of, assessment.basis.value).for_scenario(assessment.scenario.id)
    return LikelihoodView(tuple(made), len(mine) - len(made), assessment.decided_at)


# What analysts act on, most pressing first: a deadline moved, then a trigger, a response, a withdrawal (FieldChange.field).
_LEADING_FIELDS = {"deadline": 0, "deadlines": 0, "trigger": 1, "response": 2, "withdrawn": 3}
_TESTS_FIELD = "tests"  # a scenario's test cases: the authors' checks, not news for an analyst


def _rank(change: FieldChange) -> int:
    return _LEADING_FIELDS.get(change.field.split(".")[0], len(_LEADING_FIELDS))


@dataclass(frozen=True)
class ChangedScenario:
    """A scenario in the Changes page's lists: its changes without the test cases, those analysts act on first."""

    diff: ScenarioDiff
    changes: tuple[FieldChange, ...]

    @property
    def leading(self) -> bool:
        return any(_rank(c) < len(_LEADING_FIELDS) for c in self.changes)


@dataclass(frozen=True)
class ChangesView:
    """What the Changes page shows, in the order analysts read it."""

    status_differs: list[ScenarioDiff]
    leading: list[ChangedScenario]  # a deadline, trigger, response or withdrawal changed: deadlines first, then by title
    added: list[ChangedScenario]
    removed: list[ChangedScenario]
    other: list[ChangedScenario]  # changed in other fields only (title, tags, signposts, sources…)
    tests: list[tuple[ScenarioDiff, FieldChange]]  # test cases changed: folded away


def changes_view(scenarios: Sequence[ScenarioDiff]) -> ChangesView:
    """The scenarios of a revision diff (tracker.git.compare) grouped and ordered for analysts: deadlines, triggers and responses first, the
    scenarios added and removed, the rest; test-case changes apart (a scenario whose only change is its tests is listed
    there alone)."""
    tests: list[tuple[ScenarioDiff, FieldChange]] = []
    groups: dict[str, list[ChangedScenario]] = {"leading": [], "added": [], "removed": [], "other": []}
    for s in scenarios:
        tests += [(s, c) for c in s.changes if c.field == _TESTS_FIELD]
        kept = tuple(sorted((c for c in s.changes if c.field != _TESTS_FIELD), key=_rank))  # stable: the file's order within a rank
        if not kept:
            continue
        item = ChangedScenario(s, kept)
        group = s.kind if s.kind in ("added", "removed") else "leading" if item.leading else "other"
        groups[group].append(item)
    groups["leading"].sort(key=lambda item: (_rank(item.changes[0]), fold(item.diff.title)))
    return ChangesView([s for s in scenarios if s.status_changed], **groups, tests=tests)


# --- the Timeline's x range ------------------------------------------------------------------
RANGE_CHOICES = {"fit": "The data", "all": "Data and as-of", "around": "As-of ±30 days"}
AROUND_AS_OF = dt.timedelta(days=30)
# The as-of instant joins a fitted range only within this share of the data's own span beyond it: a live as-of a year
# past the last deadline would otherwise squeeze every bar into a corner; it is marked at the edge instead.
NEAR_SHARE = 0.25
RANGE_PAD_SHARE = 0.03  # each side, so no bar or marker sits on the chart's edge


@dataclass(frozen=True)
class TimeRange:
    start: dt.datetime
    end: dt.datetime
    as_of_beyond: str | None = None  # "before" or "after": the as-of lies outside the range, on that side


def time_range(span: tuple[dt.datetime, dt.datetime] | None, as_of: dt.datetime, choice: str = "fit") -> TimeRange:
    """What a timeline's x axis shows for a range choice (RANGE_CHOICES; anything else fits): ``span`` is the first and
    last instant the chart draws (None: nothing drawn), ``as_of`` the as-of instant, on the same clock.

    "fit": the data, and the as-of too when it is near (NEAR_SHARE); "all": the data and the as-of, however far apart;
    "around": the as-of ±30 days. With no data every choice is the as-of ±30 days."""
    if span is None or choice == "around":
        return TimeRange(as_of - AROUND_AS_OF, as_of + AROUND_AS_OF)
    start, end = span
    width = max(end - start, dt.timedelta(days=1))
    beyond = None
    if choice == "all" or start - width * NEAR_SHARE <= as_of <= end + width * NEAR_SHARE:
        start, end = min(start, as_of), max(end, as_of)
    elif as_of > end:
        beyond = "after"
    elif as_of < start:
        beyond = "before"
    pad = max(end - start, dt.timedelta(days=1)) * RANGE_PAD_SHARE
    return TimeRange(start - pad, end + pad, beyond)
