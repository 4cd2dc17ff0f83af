"""The shared vocabulary (vocabulary.yaml beside the log): other spellings and groups in matching, filters, imports and
`tracker validate`, and what a broken vocabulary file says."""

from __future__ import annotations

import csv
import datetime as dt
import random
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, DEMO_VOCABULARY
from tests.exports import ACLED_COLUMNS, ACLED_MAP
from tracker import config
from tracker.cli import main
from tracker.engine.status import Assessment, assess, assess_all
from tracker.log.importer import ImportMapping, parse_map_options, plan_import, read_export
from tracker.log.reader import load_events, log_from_rows
from tracker.report.views import Filters, board_link_choices, grouped_board, labels
from tracker.scenario.loader import load_scenarios
from tracker.scenario.model import Match, Scenario
from tracker.timeutil import UTC
from tracker.vocabulary import Vocabulary, parse_vocabulary, read_vocabulary
from tracker.workspace import load_workspace

VOCABULARY = """
aliases:                        # canonical: [other spellings]; case-insensitive
  Russia: ["Russian Federation", "Military Forces of Russia (2000-)", "RU"]
  EU: ["European Union", "Council of the EU"]
  UK: ["United Kingdom"]
groups:                         # a match on the group also matches events by its members
  E3: [France, Germany, UK]
"""
HEADER = "id,occurred,title,actors,targets,tags,source\n"
SOURCE = "Wire: Story <https://example.org/story>"


def vocabulary(text: str = VOCABULARY) -> Vocabulary:
    found, problems = parse_vocabulary(textwrap.dedent(text), "data/vocabulary.yaml")
    assert problems == []
    return found


def problems_of(text: str) -> list[str]:
    found, problems = parse_vocabulary(textwrap.dedent(text).lstrip("\n"), "data/vocabulary.yaml")
    assert not found, "a vocabulary with problems is not used at all"
    return [str(p) for p in problems]


# --- the file ------------------------------------------------------------------------------
def test_a_spelling_stands_for_its_canonical_name_in_any_case() -> None:
    names = vocabulary()
    assert names.canonical("military forces of russia (2000-)") == "Russia"
    assert names.canonical(" ru ") == "Russia"
    assert names.canonical("RUSSIA") == "Russia"
    assert names.canonical("Ukraine") == "Ukraine", "a name the vocabulary does not know stands for itself"


def test_a_group_stands_for_its_members_and_their_other_spellings() -> None:
    names = vocabulary()
    assert names.expand("e3") == {"e3", "france", "germany", "uk"}
    assert names.expand("United Kingdom") == {"uk"}, "a member stands for itself, not for its groups"
    assert names.names_any(["United Kingdom"], ["E3"])
    assert not names.names_any(["E3"], ["France"])


def test_no_file_is_no_vocabulary_and_no_problem(tmp_path: Path) -> None:
    found, problems = read_vocabulary(tmp_path / "vocabulary.yaml")
    assert not found and problems == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Russia\n", ["data/vocabulary.yaml:1:1: error: a vocabulary file is a mapping of aliases: and groups:; this one is a list"]),
        (
            "alias:\n  Russia: [RU]\n",
            ["data/vocabulary.yaml:1:1: error: 'alias': unknown section; did you mean 'aliases'?"],
        ),
        ("aliases: [Russia, RU]\n", ["data/vocabulary.yaml:1:10: error: aliases: must be a mapping of name: [names], not a list"]),
        (
            "aliases:\n  Russia: RU\n",
            ["data/vocabulary.yaml:2:11: error: aliases.Russia: must be a list of names in brackets ([a, b]), not 'RU'"],
        ),
        ("aliases:\n  Russia: [RU, 7]\n", ["data/vocabulary.yaml:2:16: error: aliases.Russia[1]: must be a name (text), not the number 7"]),
        (
            "aliases:\n  Russia: [RU]\n  Romania: [ru]\n",
            [
                "data/vocabulary.yaml:3:13: error: aliases.Romania[0]: 'ru' is already a spelling of 'Russia'; "
                "a spelling stands for one name"
            ],
        ),
        (
            "aliases:\n  Russia: [RF]\n  RF: [Russian Federation]\n",
            ["data/vocabulary.yaml:2:12: error: aliases.Russia[0]: 'RF' is already a canonical name; a spelling stands for one name"],
        ),
        (
            "aliases:\n  UK: [United Kingdom]\ngroups:\n  united kingdom: [England, Scotland]\n",
            [
                "data/vocabulary.yaml:4:3: error: groups.united kingdom: 'united kingdom' is also an alias (of 'UK'); "
                "a name is an alias or a group"
            ],
        ),
        ("aliases:\n  Russia: [RU\n", ["data/vocabulary.yaml:3:1: error: "]),
    ],
    ids=["list", "unknown-section", "aliases-list", "not-a-list", "number", "claimed-twice", "canonical-claimed", "group-alias", "yaml"],
)
def test_a_bad_vocabulary_is_a_located_error_and_is_not_used(text: str, expected: list[str]) -> None:
    found = problems_of(text)
    if expected[0].endswith("error: "):  # the YAML reader's own message
        assert len(found) == 1 and found[0].startswith(expected[0])
    else:
        assert found == [f"{e}; the vocabulary is not used until this is fixed" for e in expected]


# --- matching ------------------------------------------------------------------------------
def scratch_log(folder: Path, rows: list[str], vocabulary_text: str | None = VOCABULARY) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "events.csv"
    log.write_text(HEADER + "".join(f"{row},{SOURCE}\n" for row in rows), encoding="utf-8")
    if vocabulary_text is not None:
        (folder / "vocabulary.yaml").write_text(textwrap.dedent(vocabulary_text), encoding="utf-8")
    return log


def matched_ids(log_path: Path, **match: list[str]) -> list[str]:
    log = load_events(log_path)
    return log.ids(log.matching(Match.model_validate(match)))


def test_matching_uses_canonical_names_in_any_case(tmp_path: Path) -> None:
    log = scratch_log(
        tmp_path,
        [
            "a,2022-02-24,Invasion,MILITARY FORCES OF RUSSIA (2000-),Ukraine,invasion",
            "b,2022-02-25,Statement,Russian Federation,,statement",
            "c,2022-02-26,Package,european union,ru,sanctions-package",
            "d,2022-02-27,Other,Ukraine,,invasion",
        ],
    )
    assert matched_ids(log, actors=["Russia"]) == ["a", "b"]
    assert matched_ids(log, actors=["ru"], tags=["invasion"]) == ["a"], "a match may name any spelling"
    assert matched_ids(log, actors=["EU"], targets=["russia"]) == ["c"]


def test_a_group_matches_its_members_events_written_in_any_spelling(tmp_path: Path) -> None:
    log = scratch_log(
        tmp_path,
        [
            "a,2025-08-28,Notice,France;Germany;United Kingdom,Iran,snapback",
            "b,2025-08-29,UK alone,united kingdom,Iran,snapback",
            "c,2025-08-30,E3 statement,E3,Iran,snapback",
            "d,2025-08-31,Other,Iran,,snapback",
        ],
    )
    assert matched_ids(log, actors=["E3"]) == ["a", "b", "c"]
    assert matched_ids(log, actors=["UK"]) == ["a", "b"], "a member's match does not take the group's events"


def test_without_a_vocabulary_spellings_stay_apart(tmp_path: Path) -> None:
    log = scratch_log(tmp_path, ["a,2022-02-24,Invasion,Russian Federation,Ukraine,invasion"], vocabulary_text=None)
    assert matched_ids(log, actors=["Russia"]) == []


def test_a_folder_of_logs_finds_the_vocabulary_in_it(tmp_path: Path) -> None:
    scratch_log(tmp_path / "logs", ["a,2022-02-24,Invasion,Russian Federation,Ukraine,invasion"])
    assert matched_ids(tmp_path / "logs", actors=["Russia"]) == ["a"]


def test_filters_and_suggestions_offer_canonical_names(tmp_path: Path) -> None:
    log = load_events(scratch_log(tmp_path, ["a,2022-02-24,A,Russian Federation;RU,Ukraine,x", "b,2022-02-25,B,russia;France,,x"]))
    assert log.values("actors") == ["France", "Russia"]


DEMO_ROWS = load_events(DEMO_EVENTS).table.to_pylist()
SPELLINGS = {
    canonical: sorted(spelling for spelling, name in load_events(DEMO_EVENTS).vocabulary.canonicals.items() if name == canonical)
    for canonical in ("Russia", "EU", "US", "UK", "France", "Germany")
}
AS_OF = [dt.datetime(2021, 12, 20, tzinfo=UTC), dt.datetime(2022, 3, 1, tzinfo=UTC), dt.datetime(2025, 9, 1, tzinfo=UTC)]


def _respelt(value: str, rng: random.Random) -> str:
    spellings = SPELLINGS.get(value)
    if not spellings:
        return value
    spelling = rng.choice(spellings)
    return "".join(c.upper() if rng.random() < 0.5 else c for c in spelling)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_respelling_actors_and_targets_never_changes_a_status(seed: int) -> None:
    """Any event's actors and targets, written as any spelling of their canonical names in any case: every demo
    scenario's status is the same at every as-of."""
    rng = random.Random(seed)
    rows = [
        {**row, **{c: ";".join(_respelt(v, rng) for v in (row[c] or "").split(";") if v) for c in ("actors", "targets")}}
        for row in DEMO_ROWS
    ]
    respelt = log_from_rows([{k: v or "" for k, v in row.items()} for row in rows])
    original = log_from_rows([{k: v or "" for k, v in row.items()} for row in DEMO_ROWS])
    respelt.vocabulary = original.vocabulary = load_events(DEMO_EVENTS).vocabulary
    scenarios = load_scenarios(DEMO_SCENARIOS).scenarios
    for as_of in AS_OF:
        assert [(a.status, a.decided_by) for a in assess_all(scenarios, respelt, as_of)] == [
            (a.status, a.decided_by) for a in assess_all(scenarios, original, as_of)
        ]


def test_the_demo_e3_scenario_matches_its_members_through_the_group() -> None:
    scenario = load_scenarios(DEMO_SCENARIOS).by_id("e3-snapback-threat-2025")
    assert isinstance(scenario, Scenario) and scenario.response is not None and scenario.response.match.actors == ["E3"]
    assessment = assess(scenario, load_events(DEMO_EVENTS), dt.datetime(2025, 9, 1, tzinfo=UTC))
    assert assessment.status.value == "enacted"


# --- imports -------------------------------------------------------------------------------
def acled_export(path: Path) -> Path:
    """Four rows as ACLED writes them: its column names, its dates ("01 July 2025") and its actor names."""
    base = dict.fromkeys(ACLED_COLUMNS, "")
    rows = [
        ("UKR1001", "01 July 2025", "Military Forces of Russia (2000-)", "Civilians (Ukraine)", "Explosions/Remote violence"),
        ("UKR1002", "02 July 2025", "Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)", "Battles"),
        ("UKR1003", "03 July 2025", "Military Forces of Ukraine (2019-)", "Military Forces of Russia (2000-)", "Battles"),
        ("RUS1004", "04 July 2025", "Russian Federation", "", "Strategic developments"),
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ACLED_COLUMNS)
        writer.writeheader()
        for event_id, date, actor1, actor2, event_type in rows:
            writer.writerow(
                {
                    **base,
                    "event_id_cnty": event_id,
                    "event_date": date,
                    "event_type": event_type,
                    "sub_event_type": "Armed clash",
                    "actor1": actor1,
                    "actor2": actor2,
                    "country": "Ukraine",
                    "admin1": "Donetsk",
                    "location": "Pokrovsk",
                    "source": "Ukrinform",
                    "notes": f"On {date}, {actor1} ({event_type}).",
                    "fatalities": "0",
                }
            )
    return path


ACLED_OPTIONS = [arg for spec in ACLED_MAP for arg in ("--map", spec)]


def test_an_import_writes_canonical_names_and_says_which_it_mapped(tmp_path: Path, write: Callable[[str, str], Path]) -> None:
    log = scratch_log(tmp_path / "data", [])
    export = read_export(acled_export(tmp_path / "acled.csv"))
    mapping = ImportMapping(parse_map_options(ACLED_MAP), "%d %B %Y")
    plan = plan_import(export, mapping, load_events(log), now=dt.datetime(2025, 7, 5, tzinfo=UTC), logged_by="test")
    assert [str(r) for r in plan.renamed] == [
        "Military Forces of Russia (2000-) -> Russia (3 rows)",
        "Russian Federation -> Russia (1 row)",
    ]
    assert [row["actors"] for row in plan.rows] == ["Russia", "Russia", "Military Forces of Ukraine (2019-)", "Russia"]
    assert plan.rows[2]["targets"] == "Russia"


def test_tracker_import_of_an_acled_export_matches_a_scenario_on_russia(
    tmp_path: Path, write: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log = scratch_log(tmp_path / "data", [])
    write(
        "scenarios/russia-strikes-2025.yaml",
        """
        id: russia-strikes-2025
        title: Sanctions if Russia strikes again in July 2025
        opened: 2025-06-30
        deadline: 2025-07-31
        trigger:
          when: {actors: [Russia], tags: [battles]}
        """,
    )
    code = main(["import", str(acled_export(tmp_path / "acled.csv")), "--events", str(log), "--date-format", "%d %B %Y", *ACLED_OPTIONS])
    out = capsys.readouterr().out
    assert code == 0
    assert "acled.csv: named by the vocabulary: Military Forces of Russia (2000-) -> Russia (3 rows)" in out
    assert "acled.csv: named by the vocabulary: Russian Federation -> Russia (1 row)" in out
    workspace = load_workspace(tmp_path / "scenarios", log)
    (scenario,) = workspace.scenarios.scenarios
    assessment = assess(scenario, workspace.events, dt.datetime(2025, 7, 10, tzinfo=UTC))
    assert assessment.status.value == "triggered"
    assert assessment.decided_by == ("acled-UKR1002",)


# --- validate ------------------------------------------------------------------------------
SCENARIO = """
id: sample
title: Sample
opened: 2022-01-01
deadline: 2022-12-31
trigger:
  when: {actors: [Rusia], targets: [E3], tags: [invasion], kinds: [threat]}
response:
  title: Package
  match: {actors: [European Union, UK], tags: [sanction-package]}
"""


def test_validate_warns_of_names_no_event_alias_or_group_has(
    tmp_path: Path, write: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    log = scratch_log(
        tmp_path / "data",
        ["a,2022-02-24,Invasion,Russian Federation,Ukraine,invasion", "b,2022-02-26,Package,EU,Russia,sanctions-package"],
    )
    scenarios = write("scenarios/sample.yaml", SCENARIO).parent
    assert main(["validate", str(scenarios), str(log)]) == 0
    out, err = capsys.readouterr()
    warnings = [line.split(": warning: ", 1)[1] for line in out.splitlines() if ": warning: " in line]
    assert warnings == [
        "trigger.when.actors[0]: no event, alias or group has the actor 'Rusia', so it matches nothing yet; did you mean 'Russia'?",
        "trigger.when.kinds[0]: no event has the kind 'threat', so it matches nothing yet",
        "response.match.tags[0]: no event, alias or group has the tag 'sanction-package', so it matches nothing yet; "
        "did you mean 'sanctions-package'?",
    ]
    assert "sample.yaml:6:19: warning: trigger.when.actors[0]" in out
    assert "0 error(s), 3 warning(s)" in err


def test_the_demo_validates_without_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(DEMO_SCENARIOS), str(DEMO_EVENTS)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err


def test_a_broken_vocabulary_is_an_error_and_validate_checks_the_rest(
    tmp_path: Path, write: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    log = scratch_log(tmp_path / "data", ["a,2022-02-24,Invasion,Russia,Ukraine,invasion"], "aliases:\n  Russia: RU\n")
    scenarios = write("scenarios/sample.yaml", SCENARIO).parent
    assert main(["validate", str(scenarios), str(log)]) == 1
    err = capsys.readouterr().out
    assert (
        "vocabulary.yaml:2:11: error: aliases.Russia: must be a list of names in brackets ([a, b]), not 'RU'; "
        "the vocabulary is not used until this is fixed"
    ) in err
    assert "trigger.when.actors[0]: no event, alias or group has the actor 'Rusia'" in err, "the scenarios are still checked"


def test_the_demo_vocabulary_is_found_beside_the_demo_log() -> None:
    assert config.vocabulary_path(DEMO_EVENTS) == DEMO_VOCABULARY
    found, problems = read_vocabulary(DEMO_VOCABULARY)
    assert problems == [] and found.canonical("Military Forces of Russia (2000-)") == "Russia"


def test_validate_of_a_named_vocabulary_checks_it_with_its_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a pre-commit hook names a changed file: the vocabulary is not taken for a scenario, and its log is read with it."""
    scratch_log(tmp_path / "data", ["a,2022-02-24,Invasion,Russia,Ukraine,invasion"], "aliases:\n  Russia: RU\n")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "data/vocabulary.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("data/vocabulary.yaml:2:11: error: aliases.Russia: must be a list of names")
    assert err == "0 valid scenario(s), 1 valid event(s); 1 error(s), 0 warning(s)\n"


# --- the Board's filters and groups --------------------------------------------------------
def _assessed(scenario_id: str, actors: list[str]) -> Assessment:
    scenario = Scenario.model_validate(
        {"id": scenario_id, "title": scenario_id, "opened": dt.date(2022, 1, 1), "deadline": dt.date(2022, 12, 31), "actors": actors,
         "trigger": {"when": {"tags": ["x"]}}}
    )  # fmt: skip
    return assess(scenario, load_events(DEMO_EVENTS), dt.datetime(2022, 3, 1, tzinfo=UTC))


def test_board_filters_and_groups_use_canonical_names() -> None:
    names = vocabulary()
    items = [_assessed("spelt-out", ["European Union", "France"]), _assessed("short", ["eu"]), _assessed("e3", ["E3"])]
    scenarios = [a.scenario for a in items]
    assert labels(scenarios, "actors", names) == ["E3", "EU", "France"]
    assert labels(scenarios, "actors") == ["E3", "eu", "European Union", "France"], "without a vocabulary, as written"
    assert [a.scenario.id for a in items if Filters(actors=frozenset({"EU"}), vocabulary=names).admits(a)] == ["spelt-out", "short"]
    assert [a.scenario.id for a in items if Filters(actors=frozenset({"E3"}), vocabulary=names).admits(a)] == ["spelt-out", "e3"]
    sections = {name: [a.scenario.id for a in section] for name, section in grouped_board(items, "actor", names)}
    assert sections == {"E3": ["e3"], "EU": ["spelt-out", "short"], "France": ["spelt-out"]}
    assert "EU" in next(c for c in board_link_choices(scenarios, names) if c.name == "actor").known


def test_a_linked_vocabulary_is_refused_without_quoting_what_it_points_to(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("aliases:\n  token-1234: [x]\n", encoding="utf-8")
    (tmp_path / "vocabulary.yaml").symlink_to(secret)
    found, problems = read_vocabulary(tmp_path / "vocabulary.yaml")
    assert not found
    assert [p.message for p in problems] == [
        "not read: it is a symbolic link, and the tracker reads only regular files (it never follows links); "
        "the vocabulary is not used until this is fixed"
    ]


def test_an_acled_export_imported_with_the_guessed_mapping_matches_a_scenario_on_russia_through_the_alias(
    tmp_path: Path, write: Callable[[str, str], Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The done-when, end to end: no --map and no --date-format; the mapping and the date format are guessed
    # from ACLED's own columns, and the alias in the vocabulary names the actor as the scenario does.
    monkeypatch.chdir(tmp_path)
    log = scratch_log(tmp_path / "data", [], DEMO_VOCABULARY.read_text(encoding="utf-8"))
    write(
        "scenarios/russia-battles-2025.yaml",
        """
        id: russia-battles-2025
        title: Sanctions if Russian forces fight again in July 2025
        opened: 2025-06-30
        deadline: 2025-07-31
        trigger:
          when: {actors: [Russia], tags: [Battles]}
        """,
    )
    code = main(["import", str(acled_export(tmp_path / "acled.csv")), "--events", str(log)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "looks like an ACLED export" in out
    assert "named by the vocabulary: Military Forces of Russia (2000-) -> Russia (3 rows)" in out
    workspace = load_workspace(tmp_path / "scenarios", log)
    (scenario,) = workspace.scenarios.scenarios
    assessment = assess(scenario, workspace.events, dt.datetime(2025, 7, 10, tzinfo=UTC))
    assert assessment.status.value == "triggered"
    assert assessment.decided_by == ("UKR1002",)
