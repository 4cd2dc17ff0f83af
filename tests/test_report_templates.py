"""The report's templates: every value escaped by the engine, in the pack and on the slides, and shipped with the package."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest
from jinja2 import UndefinedError

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, ROOT
from tracker.engine.since import NO_HISTORY, DeadlineMove, SinceReport, since_report
from tracker.engine.status import assess_all
from tracker.report import slides
from tracker.report.pack import Briefing, pack_html, since_section
from tracker.report.templating import ENV, render
from tracker.timeutil import UTC
from tracker.workspace import load_workspace

HOSTILE = "Tom & Jerry <script>alert(1)</script>"
ESCAPED = "Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;"
SCENARIO = f"""\
id: hostile-title
title: "{HOSTILE}"
summary: "Sanctions if <b>nothing</b> & no one moves"
actors: [US & Co]
targets: [Russia]
opened: 2021-12-01
deadline: 2021-12-25
timezone: Europe/Brussels
trigger:
  when: {{tags: [hostile]}}
response:
  title: A package
  match: {{tags: [never]}}
sources:
  - title: "Paper & Co: <i>Story</i>"
    url: https://example.org/a?b=1&c=2
"""
EVENTS = f"""\
id,occurred,title,actors,targets,tags,kind,source,notes
hostile-event,2021-12-10,"{HOSTILE}",US,Russia,hostile,statement,Wire & Co: a <b>story</b> <https://example.org/x?y=1&z=2>,
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "hostile-title.yaml").write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    return tmp_path


def _no_raw_markup(text: str) -> None:
    assert ESCAPED in text
    assert HOSTILE not in text and "<script>alert" not in text and "<b>nothing" not in text and "<i>Story" not in text


def test_a_title_with_script_and_ampersand_is_escaped_in_the_pack_and_on_the_slides(hostile: Path) -> None:
    workspace = load_workspace(hostile / "scenarios", hostile / "events.csv")
    assert not workspace.errors, workspace.problems  # its response waits for a tag no event has: a warning
    as_of = dt.datetime(2021, 12, 20, 12, tzinfo=UTC)
    assessments = assess_all(workspace.scenarios.scenarios, workspace.events, as_of)
    since = since_report(workspace.scenarios.scenarios, workspace.events, dt.datetime(2021, 12, 5, tzinfo=UTC), as_of)
    pack = pack_html(Briefing(workspace, assessments, as_of, UTC, since=since))
    _no_raw_markup(pack)
    assert f'<section class="scenario" id="hostile-title"><h2>{ESCAPED}</h2>' in pack.replace("\n", "")
    assert "Sanctions if &lt;b&gt;nothing&lt;/b&gt; &amp; no one moves" in pack and "US &amp; Co" in pack
    # A source link's words are escaped for HTML and for the Markdown the dashboard reads the same fragment as.
    link = re.search(r'<a href="https://example.org/a\?b=1&amp;c=2" target="_blank" rel="noopener">([^<]*)</a>', pack)
    assert link and html.unescape(link.group(1)) == "Paper & Co: <i>Story</i>"
    assert pack.count(f"<td>{ESCAPED}</td>") == 2  # the event, in the since section and among the matched events

    (a,) = assessments
    overview = slides.overview_html(assessments, assessments, UTC)
    head = slides.scenario_head_html(a, UTC)
    deciding = slides.deciding_html(a, workspace.events)
    for slide in (overview, head):
        _no_raw_markup(slide)
    assert f'<span class="ov-title">{ESCAPED}</span>' in overview
    assert f'<h1 class="slide-title">{ESCAPED}</h1>' in head
    assert f"<b>2021-12-10</b> {ESCAPED}" in deciding and "Wire &amp; Co: a &lt;b&gt;story&lt;/b&gt;" in deciding
    stamp = slides.stamp_html(1, 2, "2021-12-20 <b>&", None, ["a <note> & 'quotes'"])
    assert '<span class="slide-no">1 / 2</span>Status as of 2021-12-20 &lt;b&gt;&amp;' in stamp
    assert '<div class="note">a &lt;note&gt; &amp; &#x27;quotes&#x27;</div>' in stamp


def test_the_since_section_escapes_git_notes_and_names_a_missing_history() -> None:
    moved = DeadlineMove("s<1>", "2021-12-25", "2022-01-10 & later", dt.datetime(2021, 12, 8, 9, tzinfo=UTC), "abc1234", "Move <it>")
    report = SinceReport(dt.datetime(2021, 12, 1, tzinfo=UTC), dt.datetime(2021, 12, 20, tzinfo=UTC), [], 0, _none(), [moved])
    text = str(since_section(report, load_workspace(DEMO_SCENARIOS, DEMO_EVENTS).events, UTC))
    assert (
        "<li><b>s&lt;1&gt;</b>: 2021-12-25 → 2022-01-10 &amp; later "
        '<span class="small">(2021-12-08 09:00 UTC, abc1234: Move &lt;it&gt;)</span></li>'
    ) in text
    missing = SinceReport(report.since, report.until, [], 0, _none(), None, NO_HISTORY)
    text = str(since_section(missing, load_workspace(DEMO_SCENARIOS, DEMO_EVENTS).events, UTC))
    assert f"<p>{NO_HISTORY[0].upper()}{NO_HISTORY[1:]}.</p>" in text and "No events in this period." in text


def _none() -> np.ndarray:
    return np.array([], np.int64)


def test_a_name_missing_from_a_template_fails_loudly() -> None:
    with pytest.raises(UndefinedError):
        render("slide-stamp.html", number=1, total=2, notes=[])  # no `stamp`


def test_every_template_parses_and_is_package_data() -> None:
    folder = ROOT / "tracker" / "report" / "templates"
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["tracker.report"]
    names = sorted(p.name for p in folder.iterdir())
    assert names and sorted(ENV.list_templates()) == names
    for name in names:
        assert any(fnmatch(f"templates/{name}", pattern) for pattern in globs), f"{name} is not shipped by pip install ."
        ENV.get_template(name)


def test_the_built_package_renders_the_pack_from_its_own_templates(tmp_path: Path) -> None:
    """What `pip install .` ships (setuptools' build of the package, away from this checkout) renders a pack."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "tracker", source / "tracker", ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path / "built"
    build = [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "--build-lib", str(built)]
    subprocess.run(build, cwd=source, check=True, capture_output=True, timeout=120)
    assert sorted(p.name for p in (built / "tracker" / "report" / "templates").iterdir()) == sorted(ENV.list_templates())

    out = tmp_path / "brief.html"
    check = (
        "import sys, tracker.report.templating as t; from importlib.resources import files; "
        f"assert t.__file__.startswith({str(built)!r}), t.__file__; "
        "assert files('tracker.report').joinpath('templates', 'pack.html').is_file(); "
        "from tracker.cli import main; "
        f"sys.exit(main(['brief', '--as-of', '2021-12-20', '--out', {str(out)!r}, "
        f"'--scenarios', {str(DEMO_SCENARIOS)!r}, '--events', {str(DEMO_EVENTS)!r}]))"
    )
    env = {**os.environ, "PYTHONPATH": str(built)}
    done = subprocess.run([sys.executable, "-c", check], check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<section class="scenario" id="joint-sanctions-christmas-2021">' in text
