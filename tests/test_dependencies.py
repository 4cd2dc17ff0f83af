"""Where the dependencies live: ranges in pyproject.toml, exact pins in constraints.txt, and what each command installs.

`make run` installs requirements.txt and `pip install .` the core: neither may bring Playwright (165 MB) or Kaleido,
which only `tracker brief --png-dir/--pdf` and the tests use (the `export` extra, installed by `make test`).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS
from tracker.cli import main
from tracker.problems import TrackerError

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXPORT_ONLY = {"playwright", "kaleido"}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _requirements(group: str) -> list[Requirement]:
    specs = PYPROJECT["dependencies"] if group == "core" else PYPROJECT["optional-dependencies"][group]
    return [Requirement(spec) for spec in specs]


def _lines(file: str) -> list[str]:
    text = (ROOT / file).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in _lines("constraints.txt"):
        name, sep, version = line.partition("==")
        assert sep, f"constraints.txt: {line!r} is not an exact pin NAME==VERSION"
        assert _name(name) not in pins, f"constraints.txt: {name} is pinned twice"
        pins[_name(name)] = Version(version)
    return pins


GROUPS = ["core", *PYPROJECT["optional-dependencies"]]


@pytest.mark.parametrize("group", GROUPS)
def test_every_requirement_is_pinned_within_its_range(group: str) -> None:
    pins = _pins()
    for requirement in _requirements(group):
        name = _name(requirement.name)
        assert name in pins, f"{requirement} ({group}) has no pin in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]}, outside pyproject.toml's {requirement} ({group})"
        )


def test_versions_are_written_once() -> None:
    """The requirements files name extras of this project and constraints.txt, never a version of their own."""
    assert _lines("requirements.txt") == ["-c constraints.txt", "-e .[dashboard]"]
    assert _lines("requirements-dev.txt") == ["-c constraints.txt", "-e .[dashboard,export,dev]"]


@pytest.mark.parametrize("group", ["core", "dashboard"])
def test_the_run_command_and_pip_install_bring_no_export_tools(group: str) -> None:
    assert {_name(r.name) for r in _requirements(group)}.isdisjoint(EXPORT_ONLY)


def test_the_export_extra_has_everything_brief_needs() -> None:
    assert {_name(r.name) for r in _requirements("export")} >= {"plotly", *EXPORT_ONLY}


@pytest.mark.parametrize(
    ("package", "floor", "older", "why"),
    [
        ("streamlit", "1.67", "1.66.1", "the upload route whose session check components/upload_gate.py wraps"),
        ("kaleido", "1.1", "1.0.0", "kaleido.start_sync_server (one Chromium for all the PNGs)"),
        ("icalendar", "6.1", "6.0.0", "Calendar.add_missing_timezones (the .ics carries each zone it uses)"),
    ],
)
def test_floors_match_what_the_code_uses(package: str, floor: str, older: str, why: str) -> None:
    for group in GROUPS:
        for requirement in _requirements(group):
            if _name(requirement.name) == package:
                assert requirement.specifier.contains(floor), f"{requirement} ({group}) refuses {floor}"
                assert not requirement.specifier.contains(older), f"{requirement} ({group}) lets in {older}, which lacks {why}"


# --- what `tracker brief` says when the export extra is missing ---------------------------------------------------
DATA = ("--scenarios", str(DEMO_SCENARIOS), "--events", str(DEMO_EVENTS))


@pytest.mark.parametrize(
    "case",
    [
        ("--png-dir", "kaleido", "--png-dir draws the charts as PNG with Kaleido, and 'kaleido' is not installed"),
        ("--pdf", "playwright", "--pdf prints the pack with Playwright, and 'playwright' is not installed"),
    ],
)
def test_brief_says_what_to_install_for_png_and_pdf(
    case: tuple[str, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    flag, package, says = case
    monkeypatch.setitem(sys.modules, package, None)  # as if not installed: find_spec gives None, import fails
    extra = [str(tmp_path)] if flag == "--png-dir" else [str(tmp_path / "b.pdf")]
    code = main(["brief", "--as-of", "2021-12-20", "--out", str(tmp_path / "b.html"), flag, *extra, *DATA])
    err = capsys.readouterr().err
    assert code == 1
    assert err == (f"tracker: {says} (`make run` and `pip install .` leave it out): pip install 'sanctions-scenario-tracker[export]'\n")
    assert list(tmp_path.iterdir()) == []  # nothing half-done: not even the HTML


def test_the_export_functions_say_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.report import pack

    monkeypatch.setattr(pack, "CHROMIUM", sys.executable)  # a file that exists: the browser is not what is missing
    monkeypatch.setitem(sys.modules, "kaleido", None)
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    with pytest.raises(TrackerError, match=r"^--png-dir draws .* 'kaleido' is not installed .*\[export\]'$"):
        pack.export_pngs({}, tmp_path)
    with pytest.raises(TrackerError, match=r"^--pdf prints .* 'playwright' is not installed .*\[export\]'$"):
        pack.print_pdf(tmp_path / "b.html", tmp_path / "b.pdf")
