"""Uploads only from sessions that may write: Streamlit's upload route is closed to every other session.

Streamlit accepts ``PUT /_stcore/upload_file/{session_id}/{file_id}`` from any client naming a live session (the
route asks ``Runtime.is_active_session`` before it reads the body), whether or not that session shows a file uploader.
A reader of a read-only dashboard can read its own session id off the websocket, so without this gate anyone could
park files in the server's memory. The gate wraps that one check on the running Runtime: a session passes only once
the import page has granted it, which it does when it shows the uploader to a session that may write.

Without a server (AppTest, bare mode) there is no upload route, and the gate does nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from streamlit import config as st_config
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

# The Runtime method that Streamlit's upload route (starlette_routes._upload_put, its only caller) asks before reading
# a body; tests/test_upload_gate.py fails if an upgrade renames it or the route stops asking it.
HOOK = "is_active_session"
_MARK = "_tracker_upload_gate"

_lock = threading.Lock()
_log = logging.getLogger(__name__)


@dataclass
class _Gate:
    granted: set[str] = field(default_factory=set)  # the sessions that may upload
    is_active: Callable[[str], bool] | None = None  # Streamlit's own check, once wrapped


_gate = _Gate()


def serving() -> bool:
    """Whether this process is a Streamlit server (`streamlit run`): not bare Python, nor AppTest (whose Runtime is a mock)."""
    return Runtime.exists() and not st_config.get_option("global.appTest")


def install() -> bool:
    """Wrap the running Runtime's session check once per process; False where there is no server or no hook."""
    if not serving():
        return False
    runtime = Runtime.instance()
    with _lock:
        check: Callable[[str], bool] | None = getattr(runtime, HOOK, None)
        if check is None:
            _log.error("Uploads cannot be limited to writers: this Streamlit's Runtime has no %s; use the version in constraints.txt", HOOK)
            return False
        if getattr(check, _MARK, False):
            return True

        def may_upload(session_id: str) -> bool:
            return session_id in _gate.granted and check(session_id)

        setattr(may_upload, _MARK, True)
        setattr(runtime, HOOK, may_upload)
        _gate.is_active = check
    return True


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def grant() -> None:
    """Let this session upload (the import page, showing its uploader to a session that may write)."""
    if (session := _session_id()) is None or (is_active := _gate.is_active) is None:  # no gate: nothing to grant
        return
    with _lock:
        _gate.granted = {s for s in _gate.granted if is_active(s)}  # the grants of sessions that have ended go
        _gate.granted.add(session)


def revoke() -> None:
    """This session may no longer upload (it may not write, or no longer may)."""
    if (session := _session_id()) is None:
        return
    with _lock:
        _gate.granted.discard(session)
