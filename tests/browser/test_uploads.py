"""Uploads in a real browser and server: a session that may not write cannot put a file on the server.

The attacker reads their own session's id off the page's websocket (the NewSession message carries it) and PUTs a
file to Streamlit's upload route with the XSRF cookie and header a browser sends. A read-only dashboard refuses it
before reading the body; a writer's session, with the import page open, is let in: so the gate is what refuses.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.conftest import AppServer, wait_until_idle
from tests.conftest import DEMO_EVENTS, DEMO_SCENARIOS, DEMO_VOCABULARY

pytestmark = pytest.mark.browser

EXPORT = b"date,what,src\n2022-01-01,Something happened,https://example.org/a\n" * 1000
STORED = "UploadedFileManager"  # how Streamlit's metrics name the memory its uploads hold


def server(tmp_path: Path, **env: str) -> AppServer:
    shutil.copytree(DEMO_SCENARIOS, tmp_path / "scenarios")
    shutil.copy(DEMO_EVENTS, tmp_path / "events.csv")
    shutil.copy(DEMO_VOCABULARY, tmp_path / "vocabulary.yaml")
    (tmp_path / "home").mkdir()
    settings = {"TRACKER_SCENARIOS": str(tmp_path / "scenarios"), "TRACKER_EVENTS": str(tmp_path / "events.csv")}
    return AppServer({**settings, "HOME": str(tmp_path / "home"), "TRACKER_WRITE": "0", **env})


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[AppServer]:
    app = server(tmp_path)
    yield app
    app.stop()


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[AppServer]:
    app = server(tmp_path, TRACKER_WRITE="1")
    yield app
    app.stop()


def open_session(browser: object, url: str) -> tuple[object, str]:
    """A page at url, and its session's id as the websocket told the browser."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    found: list[str] = []

    def listen(ws: object) -> None:
        def frame(payload: bytes | str) -> None:
            if isinstance(payload, bytes):
                message = ForwardMsg.FromString(payload)
                if message.HasField("new_session"):
                    found.append(message.new_session.initialize.session_id)

        ws.on("framereceived", frame)  # type: ignore[attr-defined]

    page.on("websocket", listen)
    page.goto(url)
    wait_until_idle(page)
    assert found, "no NewSession message on the websocket"
    return page, found[-1]


def put_file(page: object, app: AppServer, session: str) -> int:
    """PUT a file to the upload route as the browser would: multipart, with the XSRF cookie echoed in X-Xsrftoken."""
    context = page.context  # type: ignore[attr-defined]
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    headers = {"X-Xsrftoken": cookies["_streamlit_xsrf"]} if "_streamlit_xsrf" in cookies else {}
    response = context.request.put(
        f"{app.url}/_stcore/upload_file/{session}/attacker-file-1",
        multipart={"file": {"name": "export.csv", "mimeType": "text/csv", "buffer": EXPORT}},
        headers=headers,
    )
    return int(response.status)


def stored_bytes(page: object, app: AppServer) -> str:
    """The server's metrics line on the memory uploaded files hold ("" when none is stored). Asked once per server:
    Streamlit caches this family for a moment, so a later question could get an older answer."""
    response = page.context.request.get(f"{app.url}/_stcore/metrics?families=cache_memory_bytes")  # type: ignore[attr-defined]
    assert response.ok
    return "\n".join(line for line in response.text().splitlines() if STORED in line)


def test_a_reader_of_a_read_only_dashboard_cannot_upload(browser: object, read_only: AppServer) -> None:
    page, session = open_session(browser, f"{read_only.url}/events")
    assert page.get_by_text("Read-only: you cannot import events here.").count() == 1  # type: ignore[attr-defined]
    status = put_file(page, read_only, session)
    assert 400 <= status < 500, status
    assert stored_bytes(page, read_only) == ""


def test_a_writer_with_the_import_page_open_can_upload(browser: object, writable: AppServer) -> None:
    page, session = open_session(browser, f"{writable.url}/events")
    assert page.get_by_text("Read-only").count() == 0  # type: ignore[attr-defined]
    assert put_file(page, writable, session) == 204
    assert stored_bytes(page, writable) == f'cache_memory_bytes{{cache_type="{STORED}",cache=""}} {len(EXPORT)}'
