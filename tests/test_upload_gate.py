"""The upload gate: Streamlit's upload route lets in only the sessions the import page granted.

The browser test (tests/browser/test_uploads.py) proves it end to end; these fail at once if a Streamlit upgrade moves
the hook the gate wraps, and check the gate's own rules without a server.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
import streamlit
from streamlit.runtime import Runtime
from streamlit.testing.v1.util import patch_config_options
from streamlit.web.server.starlette import starlette_routes

from components import upload_gate


class FakeRuntime:
    def __init__(self, active: set[str]) -> None:
        self.active = active

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.active


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> FakeRuntime:
    fake = FakeRuntime({"reader", "writer"})
    monkeypatch.setattr(Runtime, "_instance", fake)
    monkeypatch.setattr(upload_gate, "_gate", upload_gate._Gate())
    return fake


def as_session(monkeypatch: pytest.MonkeyPatch, session: str) -> None:
    monkeypatch.setattr(upload_gate, "_session_id", lambda: session)


def test_the_hook_exists_and_the_upload_route_asks_it_before_reading_the_body() -> None:
    assert callable(getattr(Runtime, upload_gate.HOOK))
    route = inspect.getsource(starlette_routes)
    put = route[route.index("async def _upload_put(") : route.index("upload_mgr.add_file(")]
    asked = put.index(f"runtime.{upload_gate.HOOK}(session_id)")
    assert asked < put.index("request.stream()") and asked < put.index("form()"), "the route reads the body before asking"


def test_the_upload_route_is_the_only_caller_of_the_hook() -> None:
    """Wrapping the hook changes nothing else in Streamlit: no other code asks it (the runtime only passes it on)."""
    package = Path(streamlit.__file__).parent
    calls = sorted(
        f"{path.relative_to(package)}: {line.strip()}"
        for path in package.rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(rf"\.{upload_gate.HOOK}\(", line)
    )
    assert calls == [
        f"runtime/runtime.py: return self._session_mgr.{upload_gate.HOOK}(session_id)",
        f"web/server/starlette/starlette_routes.py: if not runtime.{upload_gate.HOOK}(session_id):",
    ]


def test_without_a_runtime_the_gate_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Runtime, "_instance", None)
    assert upload_gate.install() is False


def test_under_apptest_the_gate_leaves_its_mock_runtime_alone(runtime: FakeRuntime) -> None:
    with patch_config_options({"global.appTest": True}):
        assert upload_gate.install() is False
    assert runtime.is_active_session("reader")


def test_only_granted_live_sessions_pass(runtime: FakeRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    assert upload_gate.install() and upload_gate.install()  # once: a second install does not wrap the wrapper
    assert not runtime.is_active_session("reader") and not runtime.is_active_session("writer")
    as_session(monkeypatch, "writer")
    upload_gate.grant()
    assert runtime.is_active_session("writer") and not runtime.is_active_session("reader")
    upload_gate.revoke()
    assert not runtime.is_active_session("writer")


def test_a_granted_session_that_ended_is_refused_and_forgotten(runtime: FakeRuntime, monkeypatch: pytest.MonkeyPatch) -> None:
    upload_gate.install()
    as_session(monkeypatch, "writer")
    upload_gate.grant()
    runtime.active.discard("writer")
    assert not runtime.is_active_session("writer")
    as_session(monkeypatch, "reader")
    upload_gate.grant()
    assert upload_gate._gate.granted == {"reader"}
