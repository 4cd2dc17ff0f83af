"""Commitments as they unfold: deadline histories, early and partial responses, commitments without a trigger,
calendar days, upcoming scenarios, what was known then, and bare dates in each scenario's own zone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tracker.engine.status import Basis, Status, Timing, assess, assess_all
from tracker.log.events import EventLog
from tracker.log.ledger import resolve_revisions
from tracker.log.reader import log_from_rows
from tracker.scenario.model import Scenario
from tracker.timeutil import UTC, parse_instant

SOURCE = "Reuters: Deadline set <https://www.reuters.com/a>"
RESPONSE = {"title": "Tariffs", "match": {"tags": ["tariffs"]}}


def scenario(**fields: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "s",
        "title": "T",
        "opened": dt.date(2025, 7, 14),
        "deadline": dt.date(2025, 9, 2),
        "trigger": {"unless": {"tags": ["ceasefire"]}},
    }
    data.update(fields)
    return Scenario.model_validate({k: v for k, v in data.items() if v is not None})  # None: leave the field out


def moved(*entries: tuple[str | None, str], **fields: Any) -> Scenario:
    history = [{"due": due, "source": SOURCE, **({"set": set_} if set_ else {})} for set_, due in entries]
    return scenario(deadline=None, deadlines=[{k: _value(v) for k, v in e.items()} for e in history], **fields)


def _value(text: str) -> Any:
    return dt.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 and text[4] == "-" else text


def log(*rows: dict[str, str]) -> EventLog:
    return log_from_rows([{"title": r.get("title", r["id"]), "source": "S", **r} for r in rows])


def at(text: str) -> dt.datetime:
    return parse_instant(text)


# --- deadline history ----------------------------------------------------------------------------------
def test_the_deadline_in_force_is_the_last_one_announced_by_then() -> None:
    s = moved((None, "2025-09-02"), ("2025-07-28", "2025-08-08"))
    before = assess(s, log(), at("2025-07-20"))
    assert (before.status, before.deadline.date(), before.remaining) == (
        Status.WATCHING,
        dt.date(2025, 9, 3),
        dt.timedelta(days=44, microseconds=1),
    )
    assert before.deadline_set is None
    after = assess(s, log(), at("2025-07-29"))
    assert (after.status, after.remaining_seconds) == (Status.WATCHING, 10 * 86400)
    assert after.deadline_set == dt.datetime(2025, 7, 28, tzinfo=UTC)
    assert "Deadline moved from 2025-09-02 24:00 UTC to 2025-08-08 24:00 UTC on 2025-07-28 (Reuters)." in after.explanation


def test_a_shortened_deadline_fires_at_the_new_date() -> None:
    s = moved((None, "2025-09-02"), ("2025-07-28", "2025-08-08"), response={**RESPONSE, "within": "7d"})
    a = assess(s, log(), at("2025-08-10"))
    assert (a.status, a.triggered_at) == (Status.TRIGGERED, dt.datetime(2025, 8, 9, tzinfo=UTC))


def test_a_move_after_the_old_deadline_passed_reopens_a_triggered_scenario() -> None:
    s = moved((None, "2025-08-01"), ("2025-08-10", "2025-09-01"), response={**RESPONSE, "within": "30d"})
    assert assess(s, log(), at("2025-08-05")).status is Status.TRIGGERED
    reopened = assess(s, log(), at("2025-08-11"))
    assert (reopened.status, reopened.remaining_seconds, reopened.triggered_at) == (Status.WATCHING, 21 * 86400, None)
    assert "The move re-opened it on 2025-08-10." in reopened.explanation
    # ...and it fires again at the new deadline.
    assert assess(s, log(), at("2025-09-02")).triggered_at == dt.datetime(2025, 9, 2, tzinfo=UTC)


def test_a_move_reopens_a_lapsed_and_an_overdue_scenario() -> None:
    when = moved((None, "2025-08-01"), ("2025-08-10", "2025-09-01"), trigger={"when": {"tags": ["invasion"]}})
    assert assess(when, log(), at("2025-08-05")).status is Status.LAPSED
    assert assess(when, log(), at("2025-08-11")).status is Status.WATCHING
    late = moved((None, "2025-08-01"), ("2025-08-10", "2025-09-01"), response={**RESPONSE, "within": "2d"})
    assert assess(late, log(), at("2025-08-05")).status is Status.OVERDUE
    assert assess(late, log(), at("2025-08-11")).status is Status.WATCHING


def test_averted_and_enacted_stay_final_when_the_deadline_moves() -> None:
    s = moved((None, "2025-08-01"), ("2025-08-10", "2025-09-01"), response=RESPONSE)
    calm = log({"id": "calm", "occurred": "2025-07-20", "tags": "ceasefire"})
    assert assess(s, calm, at("2025-08-20")).status is Status.AVERTED
    done = log({"id": "t", "occurred": "2025-08-03", "tags": "tariffs"})
    a = assess(s, done, at("2025-08-20"))
    assert (a.status, a.timing, a.decided_by) == (Status.ENACTED, Timing.ON_TIME, ("t",))


def test_a_history_is_checked_with_located_reasons() -> None:
    with pytest.raises(ValueError, match="entry 2 is set 2025-07-01, not after the entry before it"):
        moved(("2025-07-14", "2025-09-02"), ("2025-07-01", "2025-08-08"))
    with pytest.raises(ValueError, match="entry 1 is set 2025-07-20, after opened 2025-07-14"):
        moved(("2025-07-20", "2025-09-02"))
    with pytest.raises(ValueError, match="only the first entry may leave it out"):
        moved((None, "2025-09-02"), (None, "2025-08-08"))


# --- when a response counts -------------------------------------------------------------------------------
def test_an_early_response_counts_from_opened_and_is_timed_early() -> None:
    e3 = scenario(response={**RESPONSE, "within": "7d"})
    a = assess(e3, log({"id": "t", "occurred": "2025-08-28", "tags": "tariffs"}), at("2025-08-29"))
    assert (a.status, a.timing, a.decided_by, a.triggered_at) == (Status.ENACTED, Timing.EARLY, ("t",), None)
    assert "Early: it came before the trigger fired." in a.explanation


def test_counts_from_trigger_restores_the_rule_of_responses_after_the_trigger() -> None:
    s = scenario(response={**RESPONSE, "counts_from": "trigger"})
    a = assess(s, log({"id": "t", "occurred": "2025-08-28", "tags": "tariffs"}), at("2025-09-10"))
    assert a.status is Status.TRIGGERED


def test_a_date_only_trigger_with_30_days_is_on_time_at_23_00_on_the_30th_day() -> None:
    s = scenario(trigger={"when": {"tags": ["invasion"]}}, response={**RESPONSE, "within": "30d"}, timezone="Europe/Brussels")
    inv = {"id": "inv", "occurred": "2025-07-20", "tags": "invasion"}
    on_time = assess(s, log(inv, {"id": "t", "occurred": "2025-08-19T23:00:00+02:00", "tags": "tariffs"}), at("2025-08-25"))
    assert (on_time.status, on_time.timing) == (Status.ENACTED, Timing.ON_TIME)
    waiting = assess(s, log(inv), at("2025-08-19T23:00:00+02:00"))
    assert (waiting.status, waiting.remaining) == (Status.TRIGGERED, dt.timedelta(hours=1))
    assert assess(s, log(inv), at("2025-08-20T00:00:00+02:00")).status is Status.OVERDUE
    late = assess(s, log(inv, {"id": "t", "occurred": "2025-08-20", "tags": "tariffs"}), at("2025-08-25"))
    assert (late.status, late.timing) == (Status.ENACTED, Timing.LATE)
    assert "Late: it was due by 2025-08-19 24:00 Europe/Brussels." in late.explanation


# --- partial responses ---------------------------------------------------------------------------------------
PARTIAL = {**RESPONSE, "match": {"tags": ["tariffs"], "targets": ["China"]}, "partial": {"tags": ["tariffs"]}, "within": "7d"}


def test_a_partial_response_holds_until_the_full_one_and_is_never_overdue() -> None:
    s = scenario(deadline=dt.date(2025, 8, 8), response=PARTIAL)
    india = {"id": "india", "occurred": "2025-08-06", "tags": "tariffs", "targets": "India"}
    early = assess(s, log(india), at("2025-08-07"))
    assert (early.status, early.timing, early.decided_by) == (Status.PARTLY_ENACTED, Timing.EARLY, ("india",))
    later = assess(s, log(india), at("2025-10-01"))
    assert later.status is Status.PARTLY_ENACTED  # a month after the full response was due: still not overdue
    assert "The full response was due by 2025-08-15 24:00 UTC." in later.explanation
    full = assess(s, log(india, {"id": "china", "occurred": "2025-09-01", "tags": "tariffs", "targets": "China"}), at("2025-10-01"))
    assert (full.status, full.timing, full.decided_by) == (Status.ENACTED, Timing.LATE, ("china",))


def test_an_event_matching_both_is_the_full_response() -> None:
    s = scenario(deadline=dt.date(2025, 8, 8), response=PARTIAL)
    a = assess(s, log({"id": "china", "occurred": "2025-08-06", "tags": "tariffs", "targets": "China"}), at("2025-08-07"))
    assert a.status is Status.ENACTED


# --- commitments without a trigger -------------------------------------------------------------------------
def test_a_commitment_without_a_condition_is_due_by_the_deadline() -> None:
    s = scenario(trigger=None, opened=dt.date(2025, 6, 10), deadline=dt.date(2025, 6, 27), response=RESPONSE, warn_within="7d")
    assert assess(s, log(), at("2025-06-12")).status is Status.WATCHING
    assert assess(s, log(), at("2025-06-25")).status is Status.DUE_SOON
    overdue = assess(s, log(), at("2025-06-30"))
    assert (overdue.status, overdue.decided_by) == (Status.OVERDUE, ())
    on_time = assess(s, log({"id": "p", "occurred": "2025-06-26", "tags": "tariffs"}), at("2025-06-30"))
    assert (on_time.status, on_time.timing) == (Status.ENACTED, Timing.ON_TIME)
    late = assess(s, log({"id": "p", "occurred": "2025-07-18", "tags": "tariffs"}), at("2025-07-18"))
    assert (late.status, late.timing) == (Status.ENACTED, Timing.LATE)


def test_a_commitment_needs_a_response() -> None:
    with pytest.raises(ValueError, match="trigger required field is missing; for a commitment with no condition"):
        scenario(trigger=None)


# --- event kinds -------------------------------------------------------------------------------------------
def test_a_match_that_names_kinds_needs_an_event_of_that_kind() -> None:
    s = scenario(response={**RESPONSE, "match": {"tags": ["tariffs"], "kinds": ["decision", "in-force"]}})
    threat = {"id": "threat", "occurred": "2025-08-01", "tags": "tariffs", "kind": "threat"}
    unknown = {"id": "plain", "occurred": "2025-08-02", "tags": "tariffs"}
    assert assess(s, log(threat, unknown), at("2025-08-05")).status is Status.WATCHING
    decided = assess(
        s, log(threat, unknown, {"id": "d", "occurred": "2025-08-03", "tags": "tariffs", "kind": "Decision"}), at("2025-08-05")
    )
    assert (decided.status, decided.decided_by) == (Status.ENACTED, ("d",))


# --- upcoming ------------------------------------------------------------------------------------------------
def test_upcoming_before_opened_with_no_countdown() -> None:
    a = assess(scenario(), log(), at("2025-07-13"))
    assert (a.status, a.remaining, a.explanation) == (Status.UPCOMING, None, "Upcoming: tracking starts on 2025-07-14.")
    assert a.to_json()["status"] == "upcoming"


# --- what we knew then ----------------------------------------------------------------------------------------
def test_known_basis_hides_an_event_logged_after_the_as_of_instant() -> None:
    calm = {"id": "calm", "occurred": "2025-08-01", "tags": "ceasefire", "logged_at": "2025-08-20T09:00:00Z"}
    s = scenario()
    assert assess(s, log(calm), at("2025-08-10")).status is Status.AVERTED
    known = assess(s, log(calm), at("2025-08-10"), Basis.KNOWN)
    assert (known.status, known.basis) == (Status.WATCHING, Basis.KNOWN)
    assert assess(s, log(calm), at("2025-08-21"), Basis.KNOWN).status is Status.AVERTED


def test_known_basis_counts_a_row_without_logged_at_from_when_it_occurred() -> None:
    calm = {"id": "calm", "occurred": "2025-08-01T10:00:00Z", "tags": "ceasefire"}
    assert assess(scenario(), log(calm), at("2025-08-01T09:00:00Z"), Basis.KNOWN).status is Status.WATCHING
    assert assess(scenario(), log(calm), at("2025-08-01T10:00:00Z"), Basis.KNOWN).status is Status.AVERTED


def test_known_basis_applies_a_retraction_only_from_when_it_was_logged() -> None:
    calm = {"id": "calm", "occurred": "2025-08-01", "tags": "ceasefire", "logged_at": "2025-08-01T12:00:00Z"}
    retraction = {
        "id": "r",
        "occurred": "2025-08-01",
        "tags": "ceasefire",
        "retracts": "calm",
        "logged_at": "2025-08-15T12:00:00Z",
    }
    resolved, _ = resolve_revisions(log(calm, retraction))
    assert assess(scenario(), resolved, at("2025-08-10"), Basis.KNOWN).status is Status.AVERTED
    assert assess(scenario(), resolved, at("2025-08-20"), Basis.KNOWN).status is Status.WATCHING


# --- one meaning for a bare date -------------------------------------------------------------------------------
def test_the_same_bare_date_gives_each_scenario_its_own_end_of_day() -> None:
    tokyo, new_york = scenario(id="tokyo", timezone="Asia/Tokyo"), scenario(id="ny", timezone="America/New_York")
    found = {a.scenario.id: a for a in assess_all([tokyo, new_york], log(), dt.date(2025, 7, 20))}
    assert found["tokyo"].as_of == dt.datetime(2025, 7, 20, 23, 59, 59, 999999, tzinfo=tokyo.tz)
    assert found["ny"].as_of == dt.datetime(2025, 7, 20, 23, 59, 59, 999999, tzinfo=new_york.tz)
    # Each counts down to its own date deadline from its own end of day: the same 44 days.
    assert found["tokyo"].remaining_seconds == found["ny"].remaining_seconds == 44 * 86400
