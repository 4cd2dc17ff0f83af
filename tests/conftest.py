"""Shared fixtures: the repository's demo data and helpers to write scratch files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_SCENARIOS = ROOT / "scenarios"
DEMO_EVENTS = ROOT / "data" / "events.csv"


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """write("scenarios/x.yaml", text) -> the path, with the text dedented."""

    def _write(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
