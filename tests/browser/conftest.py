"""Real-browser fixtures: `streamlit run` on a free port, driven by Playwright in Debian's Chromium.

No browser is downloaded: Playwright launches /usr/bin/chromium. Under CI (CI=true) a
missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def _require_browser() -> None:
    if Path(CHROMIUM).exists() and shutil.which("streamlit", path=str(Path(sys.executable).parent)):
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium); the browser tests need it"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# How long a browser test waits for the app: a bound that only a hung app reaches, never a speed target (a busy CI
# machine has taken over 30 s for one run of a page).
PATIENCE_MS = 120_000
expect.set_options(timeout=PATIENCE_MS)  # Playwright's `expect` waits 5 s by default: the same bound as every other wait


class AppServer:
    """A `streamlit run app.py` process on a free loopback port."""

    def __init__(self, env: dict[str, str] | None = None, script: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = SCREENSHOTS.parent / f"streamlit-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(Path(sys.executable).parent / "streamlit"),
            "run",
            str(script or ROOT / "app.py"),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    """Playwright, started once: its sync API cannot run inside itself, so every browser a test launches comes from here."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[object]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def app_server() -> Iterator[AppServer]:
    _require_browser()
    server = AppServer()
    yield server
    server.stop()


@pytest.fixture
def open_page(browser: object) -> Iterator[Callable[..., object]]:
    """open_page(url, width=1440, height=1000) -> a Playwright page, with the app finished running."""
    contexts = []

    def _open(url: str, width: int = 1440, height: int = 1000, timezone: str = "Europe/London") -> object:
        context = browser.new_context(viewport={"width": width, "height": height}, timezone_id=timezone)  # type: ignore[attr-defined]
        context.set_default_timeout(PATIENCE_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        wait_until_idle(page)
        return page

    yield _open
    for context in contexts:
        context.close()


def wait_until_idle(page: object, settle: float = 0.6) -> None:
    """Wait for the script run to finish; then once more, since a run may start another (switch_page, fragments)."""
    page.wait_for_selector(READY, timeout=PATIENCE_MS)  # type: ignore[attr-defined]
    time.sleep(settle)
    page.wait_for_selector(READY, timeout=PATIENCE_MS)  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def assert_no_exception(page: object) -> None:
    boxes = page.locator("[data-testid='stException']")  # type: ignore[attr-defined]
    assert boxes.count() == 0, boxes.first.inner_text()


def axe_violations(page: object) -> list[str]:
    """Every violation of axe's default rule set on the page, one readable line per element."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make test`, or `npm ci --prefix tests/browser`")
    if not page.evaluate("typeof axe !== 'undefined'"):  # type: ignore[attr-defined]
        page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    found = page.evaluate("async () => (await axe.run(document)).violations")  # type: ignore[attr-defined]
    return [
        f"{violation['id']} ({violation['impact']}): {node['html'][:160]}\n    {node['failureSummary'].replace(chr(10), ' ')}"
        for violation in found
        for node in violation["nodes"]
    ]
