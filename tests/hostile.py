"""A copy of the demo data with hostile text: Markdown and HTML in a scenario and in events, and formula cells.

Shared by the AppTest and browser checks that user text reads as text everywhere. Nothing here may make a link to, or
load anything from, evil.example once shown; the sources' own links go to example.org (a source link is the one link
the app makes from user data).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, DEMO_VOCABULARY

HOSTILE = '![x](https://evil.example/pixel.png) <a href="https://evil.example">x</a> [click](https://evil.example/login) `code`'
DIRECTIVES = ":red[alarm] :material/warning: $x^2$ www.evil.example spy@evil.example"
SCENARIO_ID = "joint-sanctions-christmas-2021"
EVENT_ID = "hostile-`tick`-[id](https://evil.example/id)"
FORMULA_ID = "formula-row"
# An id that the Timeline once read as an aggregated marker's payload ("range:ROW:FIRST:LAST") and crashed on.
RANGE_ID = "range:__other_events__:2021-10-01"
FORMULAS = {"title": '=HYPERLINK("https://evil.example/f","Click")', "notes": "@SUM(1+1)*cmd|' /C calc'!A0", "actors": "+Russia"}
# Reflected from the URL into the app's own messages.
LINK = "[Your session expired](https://evil.example/login)"
URL_PARAMS = {"as_of": LINK, "since": LINK, "basis": LINK, "advance": LINK}


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def hostile_copy(folder: Path) -> tuple[Path, Path]:
    """scenarios/ and events.csv under ``folder``: the demo, with the Christmas scenario's text and two events made hostile."""
    scenarios = folder / "scenarios"
    shutil.copytree(DEMO_SCENARIOS, scenarios)
    path = scenarios / f"{SCENARIO_ID}.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", f"title: {_quoted(HOSTILE)}", text, count=1)
    text = re.sub(r"(?m)^summary: >\n(  .*\n)+", f"summary: {_quoted(HOSTILE + ' ' + DIRECTIVES)}\n", text, count=1)
    text = re.sub(r"(?m)^actors: \[US, EU, UK\]", "actors: [US, EU, UK, '[act](https://evil.example/actor)']", text, count=1)
    text = re.sub(r"(?m)^tags: \[ukraine, sanctions\]", "tags: [ukraine, sanctions, '![t](https://evil.example/tag.png)`']", text, count=1)
    text = re.sub(
        r"(?m)^  - title: US-Russia tension.*$",
        "  - title: " + _quoted("Wire ![s](//evil.example/s.png) <b>story</b> :red[x]"),
        text,
        count=1,
    )
    path.write_text(text, encoding="utf-8")
    events = folder / "events.csv"
    shutil.copy(DEMO_EVENTS, events)
    shutil.copy(DEMO_VOCABULARY, events.parent / "vocabulary.yaml")
    with events.open("a", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            [
                EVENT_ID,
                "2021-12-10",
                HOSTILE,
                "Russia;[a](https://evil.example/a)",
                "Ukraine",
                "de-escalation;![t](https://evil.example/t.png)",
                "statement",
                "Wire ![s](//evil.example/s.png) <b>story</b> <https://example.org/story>",
                f"{HOSTILE} {DIRECTIVES}",
            ]
        )
        writer.writerow([RANGE_ID, "2021-10-01", "An event with an odd id", "Nobody", "", "", "report", "Wire <https://example.org/r>", ""])
        writer.writerow(
            [
                FORMULA_ID,
                "2021-12-11",
                FORMULAS["title"],
                FORMULAS["actors"],
                "",
                "",
                "report",
                "Wire <https://example.org/f>",
                FORMULAS["notes"],
            ]
        )
    return scenarios, events
