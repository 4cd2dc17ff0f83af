"""Every page, through AppTest, with hostile text in a scenario, in events and in the link: shown as text, never as
Markdown or HTML (no image, no link to evil.example, no directive), and the Events download runs no formula."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.hostile import EVENT_ID, FORMULAS, HOSTILE, SCENARIO_ID, URL_PARAMS, hostile_copy
from tests.markdown import MARKDOWN, shown
from tests.test_app import run
from tracker.text import FORMULA_PREFIXES, WORD_JOINER

# Streamlit's GFM links bare URLs and e-mail addresses in text: checked on the rendered text.
BARE_LINK = re.compile(r"(?:https?://|www\.)[-.\w]*evil\.example|[-.\w+]+@evil\.example", re.IGNORECASE)
# The hostile data's :red[...] and :material/...: directives, unescaped (the app's own icons are fine).
HOSTILE_DIRECTIVE = re.compile(r"(?<!\\):(red\[(alarm|x)\]|material/warning:)")
PAGES = ["board", "timeline", "scenario", "events", "since", "changes", "health", "calibration"]


@pytest.fixture
def hostile_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scenarios, events = hostile_copy(tmp_path)
    monkeypatch.setenv("TRACKER_SCENARIOS", str(scenarios))
    monkeypatch.setenv("TRACKER_EVENTS", str(events))
    return tmp_path


class _Rendered(HTMLParser):
    """What a browser would make of one element's Markdown: the links and images it loads, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self.outside_code: list[str] = []  # GFM links bare URLs in text, not in code spans
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._code += tag == "code"
        for name, value in attrs:
            if name in ("href", "src", "srcset", "action", "data", "poster") and value:
                self.links.append(f"<{tag} {name}={value}>")

    def handle_endtag(self, tag: str) -> None:
        self._code -= tag == "code"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self._code:
            self.outside_code.append(data)


def _markdown_sources(at: AppTest) -> list[str]:
    """The Markdown of every element that Streamlit renders as Markdown: text, alerts, titles, labels and help."""
    found: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "warning", "error", "info", "success", "toast", "expander"):
        for element in at.get(kind):
            proto = element.proto
            for field in ("body", "label"):
                if hasattr(proto, field) and getattr(proto, field):
                    found.append(getattr(proto, field))
    for element in at.get("page_link"):
        found.append(element.proto.label)
    for kind in ("multiselect", "selectbox", "text_input", "toggle", "radio", "button", "date_input", "download_button"):
        for element in at.get(kind):
            found += [v for v in (getattr(element.proto, "label", ""), getattr(element.proto, "help", "")) if v]
    return found


def _check(at: AppTest) -> str:
    """Every element's Markdown makes no link or image to evil.example and no directive; returns all the text shown."""
    assert not at.exception, [e.value for e in at.exception]
    shown: list[str] = []
    for source in _markdown_sources(at):
        rendered = _Rendered()
        rendered.feed(MARKDOWN.render(source))
        rendered.close()
        assert not [link for link in rendered.links if "evil.example" in link], source
        assert not BARE_LINK.search("".join(rendered.outside_code)), source
        text = "".join(rendered.text)
        assert not HOSTILE_DIRECTIVE.search(source), source
        shown.append(text.replace(WORD_JOINER, ""))
    return "\n".join(shown)


@pytest.mark.parametrize("page", PAGES)
def test_hostile_text_in_the_data_reads_as_text_on_every_page(hostile_data: Path, page: str) -> None:
    at = run({"as_of": "2021-12-20", "since": "2021-12-01"}, page)
    shown = _check(at)
    if page in ("board", "scenario"):
        assert HOSTILE in shown  # as written, every character of it


def test_the_scenario_page_shows_hostile_text_as_written(hostile_data: Path) -> None:
    at = run({"as_of": "2021-12-20", "scenario": SCENARIO_ID}, "scenario")
    shown = _check(at)
    assert at.title[0].value != HOSTILE  # escaped for Markdown...
    assert HOSTILE in shown  # ...and read as written
    assert f"id {EVENT_ID}" in shown  # the deciding event's id, backticks and all, inside its code span
    assert "![t](https://evil.example/tag.png)`" in shown


@pytest.mark.parametrize("page", [*PAGES, None])
def test_hostile_link_parameters_are_quoted_as_text(hostile_data: Path, page: str | None) -> None:
    at = run({**URL_PARAMS, "scenario": "[x](https://evil.example/s)", "status": "[x](https://evil.example/st)"}, page)
    shown = _check(at)
    assert "[Your session expired](https://evil.example/login)" in shown  # the as_of warning quotes it, as text


def test_presenter_mode_quotes_a_hostile_link_as_text(hostile_data: Path) -> None:
    at = run({**URL_PARAMS, "mode": "present"}, None)
    _check(at)
    stamp = next(h.proto.body for h in at.get("html") if "presenter-stamp" in h.proto.body)
    assert "evil.example/login" in stamp and "<a " not in stamp.split("presenter-stamp", 1)[1]


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "2199-12-31"])
@pytest.mark.parametrize("page", [*PAGES, None, "present"])
def test_far_dates_in_a_link_never_crash_a_page(page: str | None, as_of: str) -> None:
    params = {"as_of": as_of, "since": as_of} | ({"mode": "present"} if page == "present" else {})
    at = run(params, None if page == "present" else page)
    assert not at.exception, [e.value for e in at.exception]
    if as_of == "9999-12-31":  # said, not shown as if it were a date
        notes = [h.proto.body for h in at.get("html")] if page == "present" else [shown(w.value) for w in at.sidebar.warning]
        assert any("outside the supported dates" in note for note in notes), notes


def test_the_events_download_runs_no_formula(hostile_data: Path, downloads: dict[str, bytes]) -> None:
    _check(run({"as_of": "2021-12-20"}, "events"))
    (data,) = [v for k, v in downloads.items() if k.startswith("events-") and k.endswith(".csv")]
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    formula = next(r for r in rows if r["id"] == "formula-row")
    for column, value in FORMULAS.items():
        assert formula[column] == "'" + value
    for row in rows:
        assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row.values()), row
    assert data.startswith(b'"id","occurred",')  # every cell quoted
    assert EVENT_ID in {r["id"] for r in rows}
