"""`tracker new`: a valid, commented scenario file from a few flags, and a clear message for every bad flag."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_schema import schema_errors
from tracker.cli import main
from tracker.scenario.loader import load_scenario_file
from tracker.scenario.model import SLUG_PATTERN, scenario_json_schema_text
from tracker.scenario.scaffold import MAX_SLUG, PLACEHOLDER_EVENT_ID, ResponseSpec, new_scenario, slugify
from tracker.timeutil import Span
from tracker.workspace import load_workspace

CHRISTMAS = "Joint US-EU-UK sanctions package if Russia does not back down by Christmas"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRACKER_SCENARIOS", raising=False)
    monkeypatch.delenv("TRACKER_EVENTS", raising=False)
    return tmp_path


def new(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["new", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("EU oil embargo", "eu-oil-embargo"),
        ("  Sanctions on Russia's  central bank!  ", "sanctions-on-russia-s-central-bank"),
        ("Zurück zur Diplomatie: Gespräche in Genf", "zuruck-zur-diplomatie-gesprache-in-genf"),
        ("G7 price cap — 60 USD/bbl by 5 Dec 2022", "g7-price-cap-60-usd-bbl-by-5-dec-2022"),
        (CHRISTMAS, "joint-us-eu-uk-sanctions-package-if-russia-does-not-back"),
        ("x" * 80, "x" * 60),
        ("!!!", ""),
        # Other scripts are transliterated (python-slugify, through text-unidecode), so every title gives an ASCII id.
        ("Санкции против России до Рождества", "sanktsii-protiv-rossii-do-rozhdestva"),
        ("عقوبات على روسيا قبل عيد الميلاد", "qwbt-l-rwsy-qbl-yd-lmyld"),
        ("Κυρώσεις κατά της Ρωσίας", "kuroseis-kata-tes-rosias"),
        ("对俄罗斯的制裁", "dui-e-luo-si-de-zhi-cai"),
        ("Embargo 🛢️ now", "embargo-now"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@given(st.text(max_size=200))
def test_every_slug_is_a_valid_id_or_empty(title: str) -> None:
    slug = slugify(title)
    assert slug == "" or (re.fullmatch(SLUG_PATTERN, slug) and len(slug) <= MAX_SLUG), slug


def test_new_from_a_russian_title(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    title = "Санкции против России до Рождества"
    code, out, err = new(capsys, title, "--deadline", "2021-12-25", "--opened", "2021-12-03", "--unless", "actors=Russia")
    assert (code, out) == (0, "scenarios/sanktsii-protiv-rossii-do-rozhdestva.yaml\n")
    assert "sanktsii" not in err  # the notes are about the schema file, not the id
    scenario, problems, _ = load_scenario_file(here / "scenarios" / "sanktsii-protiv-rossii-do-rozhdestva.yaml")
    assert problems == []
    assert scenario is not None
    assert (scenario.id, scenario.title) == ("sanktsii-protiv-rossii-do-rozhdestva", title)


def test_new_writes_a_valid_commented_scenario(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = new(
        capsys,
        CHRISTMAS,
        "--deadline",
        "2021-12-25",
        "--timezone",
        "Europe/Brussels",
        "--opened",
        "2021-12-03",
        "--unless",
        "actors=Russia; tags=de-escalation, withdrawal",
    )
    path = here / "scenarios" / "joint-us-eu-uk-sanctions-package-if-russia-does-not-back.yaml"
    assert (code, out) == (0, "scenarios/joint-us-eu-uk-sanctions-package-if-russia-does-not-back.yaml\n")
    assert err == "note: wrote scenarios/scenario.schema.json for editors (the file's first line points at it)\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    for comment in ("# Slug; must equal the file name's stem.", "# Tracking starts on this day", "# A date means the END of that day"):
        assert comment in text
    scenario, problems, _ = load_scenario_file(path)
    assert problems == []
    assert scenario is not None
    assert (scenario.id, scenario.title, scenario.timezone) == (path.stem, CHRISTMAS, "Europe/Brussels")
    assert (scenario.opened, scenario.deadline) == (dt.date(2021, 12, 3), dt.date(2021, 12, 25))
    assert scenario.trigger.kind == "unless"
    assert (scenario.trigger.match.actors, scenario.trigger.match.tags) == (["Russia"], ["de-escalation", "withdrawal"])
    assert (here / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8") == scenario_json_schema_text()


def test_new_with_when_a_datetime_deadline_and_an_awkward_title(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    title = 'EU: "sixth package" #6 — oil, & more: yes/no?'
    (here / "cases").mkdir()
    (here / "cases" / "scenario.schema.json").write_text("{}", encoding="utf-8")
    code, out, err = new(
        capsys,
        title,
        "--deadline",
        "2022-06-03T18:00:00+02:00",
        "--when",
        "actors=EU;tags=oil-embargo",
        "--dir",
        "cases",
        "--id",
        "sixth",
        "--opened",
        "2022-05-04",
    )
    assert (code, out, err) == (0, "cases/sixth.yaml\n", "")
    assert (here / "cases" / "scenario.schema.json").read_text(encoding="utf-8") == "{}"  # an existing schema file is left alone
    scenario, problems, _ = load_scenario_file(here / "cases" / "sixth.yaml")
    assert problems == []
    assert scenario is not None
    assert scenario.title == title
    assert scenario.trigger.kind == "when"
    assert scenario.deadline == dt.datetime(2022, 6, 3, 18, tzinfo=dt.timezone(dt.timedelta(hours=2)))


def test_opened_defaults_to_today_in_the_zone(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    assert new(capsys, "Later", "--deadline", far, "--timezone", "Pacific/Kiritimati", "--unless", "tags=x")[0] == 0
    scenario, _, _ = load_scenario_file(here / "scenarios" / "later.yaml")
    assert scenario is not None
    today_there = dt.datetime.now(dt.UTC).astimezone(scenario.tz).date()
    assert scenario.opened in (today_there, today_there - dt.timedelta(days=1))  # the clock may pass midnight meanwhile


def test_without_a_trigger_a_placeholder_is_written_and_validate_flags_it(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = new(capsys, "Pending", "--deadline", "2030-01-01", "--opened", "2029-01-01")
    assert code == 0
    assert f"note: no --unless, --when or --commitment given: the trigger names the placeholder event {PLACEHOLDER_EVENT_ID!r}" in err
    scenario, problems, _ = load_scenario_file(here / "scenarios" / "pending.yaml")
    assert problems == [] and scenario is not None
    (here / "data").mkdir()
    (here / "data" / "events.csv").write_text("id,occurred,title,actors,targets,tags,source,notes\n", encoding="utf-8")
    checked = load_workspace(here / "scenarios", here / "data" / "events.csv")
    assert [p.message for p in checked.problems] == [f"trigger.unless.ids[0]: no event with id {PLACEHOLDER_EVENT_ID!r} in the event log"]


EU_18TH = "The EU adopts its 18th sanctions package by the June European Council"


def test_new_commitment_writes_a_scenario_with_no_trigger_whose_status_is_computed(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [EU_18TH, "--deadline", "2025-06-27", "--timezone", "Europe/Brussels", "--opened", "2025-06-10", "--id", "eu-18th"]
    code, out, err = new(capsys, *argv, "--commitment", "--response", "actors=EU;tags=sanctions-package;kinds=Decision")
    assert (code, out) == (0, "scenarios/eu-18th.yaml\n")
    assert "placeholder" not in err
    path = here / "scenarios" / "eu-18th.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\n# trigger:\n#   unless:" in text and "\ntrigger:" not in text  # a commented-out trigger, to add a condition
    assert "# No trigger: a commitment due by the deadline." in text
    assert "response:\n  title: The EU adopts" in text and "\n  # within: 30d\n" in text
    assert schema_errors(text) == []  # what editors check it against
    scenario, problems, _ = load_scenario_file(path)
    assert problems == [] and scenario is not None
    assert scenario.trigger is None and scenario.response is not None
    assert scenario.response.title == EU_18TH  # by default, the scenario's title
    match = scenario.response.match
    assert (match.actors, match.tags, match.kinds) == (["EU"], ["sanctions-package"], ["decision"])

    (here / "data").mkdir()
    adopted = "2025-07-18-eu-18th,2025-07-18,Council adopts the 18th package,EU,Russia,sanctions-package,Council of the EU,,decision\n"
    (here / "data" / "events.csv").write_text("id,occurred,title,actors,targets,tags,source,notes,kind\n" + adopted, encoding="utf-8")
    assert main(["validate"]) == 0
    capsys.readouterr()
    expected = {"2025-06-20": ("watching", None), "2025-06-30": ("overdue", None), "2025-07-20": ("enacted", "late")}
    for as_of, (status, timing) in expected.items():
        assert main(["status", "--as-of", as_of, "--format", "json"]) == 0
        [found] = json.loads(capsys.readouterr().out)
        assert (found["status"], found["timing"]) == (status, timing), as_of


def test_new_with_a_trigger_and_a_response(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = new(
        capsys,
        CHRISTMAS,
        "--deadline",
        "2021-12-25",
        "--opened",
        "2021-12-03",
        "--id",
        "christmas",
        "--unless",
        "actors=Russia;tags=de-escalation;kinds=action,decision",
        "--response",
        "tags=sanctions-package",
        "--response-title",
        "Joint sanctions package",
        "--within",
        "30d",
    )
    assert code == 0
    text = (here / "scenarios" / "christmas.yaml").read_text(encoding="utf-8")
    assert "  unless:\n    actors: [Russia]\n    tags: [de-escalation]\n    kinds: [action, decision]\n" in text
    assert "  within: 30d\n" in text
    scenario, problems, _ = load_scenario_file(here / "scenarios" / "christmas.yaml")
    assert problems == [] and scenario is not None and scenario.trigger is not None and scenario.response is not None
    assert scenario.trigger.match.kinds == ["action", "decision"]
    assert (scenario.response.title, scenario.response.within) == ("Joint sanctions package", Span(fixed=dt.timedelta(days=30)))


def test_new_commitment_from_the_library(here: Path) -> None:
    response = ResponseSpec("Package adopted", {"tags": ["sanctions-package"]})
    path, notes = new_scenario(
        Path("new"), title="Package", deadline=dt.date(2030, 1, 1), opened=dt.date(2029, 1, 1), commitment=True, response=response
    )
    scenario, problems, _ = load_scenario_file(path)
    assert problems == [] and scenario is not None and scenario.trigger is None
    assert [note.split(" ")[0] for note in notes] == ["wrote"]


def test_new_never_overwrites(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("EU oil embargo", "--deadline", "2030-01-01", "--unless", "tags=x")
    assert new(capsys, *args)[0] == 0
    path = here / "scenarios" / "eu-oil-embargo.yaml"
    path.write_text("edited by hand\n", encoding="utf-8")
    assert new(capsys, *args) == (1, "", "tracker: scenarios/eu-oil-embargo.yaml already exists; edit it, or choose another id with --id\n")
    assert path.read_text(encoding="utf-8") == "edited by hand\n"
    (here / "scenarios" / "other.yml").write_text("kept\n", encoding="utf-8")
    assert new(capsys, "Other", "--deadline", "2030-01-01", "--unless", "tags=x") == (
        1,
        "",
        "tracker: scenarios/other.yml already exists; edit it, or choose another id with --id\n",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["T", "--deadline", "2026-02-30"], "--deadline: '2026-02-30' is not a real calendar date"),
        (
            ["T", "--deadline", "31/03/2026"],
            "--deadline: '31/03/2026' is not a date (2026-03-31) or a datetime with offset (2026-03-31T18:00:00+02:00)",
        ),
        (
            ["T", "--deadline", "2026-03-31T18:00"],
            "--deadline: '2026-03-31T18:00' has no time zone offset; add one, e.g. 2026-03-31T18:00+01:00, or give just the date",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--timezone", "Europe/Brusels"],
            "--timezone: unknown time zone 'Europe/Brusels'; did you mean 'Europe/Brussels'?",
        ),
        (["T", "--deadline", "2030-01-01", "--timezone", "CET+1"], "--timezone: unknown time zone 'CET+1'; did you mean 'CET'?"),
        (["T", "--deadline", "2030-01-01", "--opened", "soon"], "--opened: 'soon' is not a date like 2026-01-15"),
        (["T", "--deadline", "2020-01-01", "--opened", "2021-01-01"], "deadline 2020-01-01 24:00 UTC is not after opened 2021-01-01"),
        (["   ", "--deadline", "2030-01-01"], "the title is empty; say who does what, if what, by when"),
        (["Two\nlines", "--deadline", "2030-01-01"], "the title must be one line"),
        (["!!!", "--deadline", "2030-01-01"], "cannot make an id from the title '!!!'; give one with --id"),
        (
            ["T", "--deadline", "2030-01-01", "--id", "Not_A_Slug"],
            "--id: 'Not_A_Slug' is not a slug (lowercase letters, digits and single hyphens)",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--unless", "Russia"],
            "--unless: 'Russia' is not KEY=VALUES; write "
            "KEY=VALUE[;VALUE...][;KEY=...] in quotes, with KEY one of actors, targets, tags, ids, kinds, "
            'e.g. "actors=Russia;tags=de-escalation;kinds=action;decision" (or the flag repeated, one KEY each)',
        ),
        (["T", "--deadline", "2030-01-01", "--when", "actor=Russia"], "--when: unknown key 'actor'; did you mean 'actors'?"),
        (["T", "--deadline", "2030-01-01", "--when", "who=Russia"], "--when: unknown key 'who' (use actors, targets, tags, ids, kinds)"),
        (["T", "--deadline", "2030-01-01", "--when", "tags=a", "--when", "actors="], "--when: actors= gives no values"),
        (
            ["T", "--deadline", "2030-01-01", "--when", "Russia;tags=a"],  # a value before any KEY=
            "--when: 'Russia' is not KEY=VALUES; write "
            "KEY=VALUE[;VALUE...][;KEY=...] in quotes, with KEY one of actors, targets, tags, ids, kinds, "
            'e.g. "actors=Russia;tags=de-escalation;kinds=action;decision" (or the flag repeated, one KEY each)',
        ),
        (["T", "--deadline", "2030-01-01", "--when", "tags= , "], "--when: tags= gives no values"),
        (
            ["T", "--deadline", "2030-01-01", "--when", " ; "],
            "--when: give at least one KEY=VALUES; write "
            "KEY=VALUE[;VALUE...][;KEY=...] in quotes, with KEY one of actors, targets, tags, ids, kinds, "
            'e.g. "actors=Russia;tags=de-escalation;kinds=action;decision" (or the flag repeated, one KEY each)',
        ),
        (["T", "--deadline", "2030-01-01", "--dir", "notes.txt"], "--dir: notes.txt is a file, not a folder"),
        (
            ["T", "--deadline", "2030-01-01", "--unless", "actors=Russia;kinds=decison"],
            "--unless: kinds: 'decison' is not a kind of event; did you mean 'decision'? "
            "(the kinds are threat, statement, proposal, decision, in-force, action, report)",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--when", "kinds=decision"],
            "--when: kinds= only narrows a match; give actors, targets, tags or ids too",
        ),
        # A commitment has no trigger, and needs a response.
        (
            ["T", "--deadline", "2030-01-01", "--commitment", "--unless", "tags=a", "--response", "tags=b"],
            "--commitment and --unless do not go together: a commitment has no trigger, it is due by the deadline",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--when", "tags=a", "--commitment", "--response", "tags=b"],
            "--commitment and --when do not go together: a commitment has no trigger, it is due by the deadline",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--commitment"],
            "--commitment needs --response MATCH, the events that meet the commitment, e.g. --response 'actors=EU;tags=sanctions-package'",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--commitment", "--within", "30d"],
            "--within needs --response MATCH, the events that count as the response",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--unless", "tags=a", "--response-title", "Package"],
            "--response-title needs --response MATCH, the events that count as the response",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--commitment", "--response", "tags=a", "--within", "soon"],
            "--within: 'soon' is not a duration like 6mo, 1y, 30d, 12h, 2w or 1mo 2w "
            "(y=years, mo=months, w=weeks, d=days, h=hours, m=minutes)",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--commitment", "--response", "tags=a", "--response-title", " "],
            "--response-title: say in one line what is promised",
        ),
        (
            ["T", "--deadline", "2030-01-01", "--commitment", "--response", "tag=a"],
            "--response: unknown key 'tag'; did you mean 'tags'?",
        ),
    ],
)
def test_bad_flags_get_a_clear_message(here: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    (here / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    assert new(capsys, *argv) == (2, "", f"tracker: {message}\n")
    assert not (here / "scenarios").exists()


def test_argparse_usage_errors(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = new(capsys, "T")
    assert (code, err.splitlines()[0]) == (2, "tracker: the following arguments are required: --deadline")
    code, _, err = new(capsys, "T", "--deadline", "2030-01-01", "--unless", "tags=a", "--when", "tags=b")
    assert (code, err.splitlines()[0]) == (2, "tracker: argument --when: not allowed with argument --unless")


def test_library_function_returns_the_path_and_notes(here: Path) -> None:
    path, notes = new_scenario(Path("new"), title="Pending", deadline=dt.date(2030, 1, 1), opened=dt.date(2029, 1, 1))
    assert path == Path("new") / "pending.yaml"
    assert [note.split(":")[0] for note in notes] == [
        "no --unless, --when or --commitment given",
        "wrote new/scenario.schema.json for editors (the file's first line points at it)",
    ]
