"""Start-up in proportion to the work: a command imports only what it uses.

Each command runs in a fresh interpreter, and the test reads which heavy libraries ended up in
`sys.modules`: deterministic, unlike a timing, and it fails as soon as a new module-level import on
the light path brings one back. How long start-up takes is measured by the benchmark, not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker.workspace import load_workspace

# The libraries a light command must not load: the event table's (pandas, pyarrow, numpy), the report's and the shell's.
HEAVY = ("pandas", "pyarrow", "numpy", "plotly", "jinja2", "icalendar", "kaleido", "streamlit")

PROBE = f"""
import contextlib, io, json, sys
import tracker.cli
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
    try:
        code = tracker.cli.main(json.loads(sys.argv[1]))
    except SystemExit as exc:  # --help exits from inside argparse
        code = exc.code
print(json.dumps({{"code": code, "stderr": err.getvalue(), "heavy": sorted(m for m in {HEAVY!r} if m in sys.modules)}}))
"""


def heavy_imports(*args: str, cwd: Path = ROOT) -> list[str]:
    """The heavy libraries `tracker ARGS` has imported by the time it returns (it must succeed)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    environment["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120, check=True
    )
    outcome = json.loads(done.stdout)
    assert outcome["code"] == 0, outcome["stderr"]
    heavy: list[str] = outcome["heavy"]
    return heavy


DEMO_FILES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--help"], id="help"),
        pytest.param(["validate", "--help"], id="validate-help"),
        pytest.param(["schema"], id="schema"),
        pytest.param(["validate", "scenarios"], id="validate-folder"),
        pytest.param(["validate", "--format", "github", *DEMO_FILES[:3]], id="validate-files-as-pre-commit"),
        pytest.param(["validate", "--format", "json", "scenarios"], id="validate-json"),
    ],
)
def test_light_commands_load_no_heavy_library(args: list[str]) -> None:
    assert heavy_imports(*args) == []


def test_new_loads_no_heavy_library(tmp_path: Path) -> None:
    args = ["new", "The EU adopts its next package by the summit", "--deadline", "2030-06-27", "--dir", str(tmp_path)]
    assert heavy_imports(*args, cwd=tmp_path) == []
    assert (tmp_path / "the-eu-adopts-its-next-package-by-the-summit.yaml").is_file()


def test_the_probe_sees_a_command_that_reads_the_event_log() -> None:
    """`status` reads the log into its table: if the probe missed that, the tests above would prove nothing."""
    assert {"pandas", "pyarrow", "numpy"} <= set(heavy_imports("status", "--as-of", "2021-12-20"))


def test_a_workspace_without_a_log_has_no_events_and_makes_its_empty_log_on_demand() -> None:
    workspace = load_workspace(ROOT / "scenarios", None)
    assert workspace.event_count == 0 and workspace.event_log is None
    assert len(workspace.events) == 0 and workspace.events.problems == []
