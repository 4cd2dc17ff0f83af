"""The layout holds: no import circle anywhere (imports inside functions included), and the core runs without the shell.

The layer contracts themselves are import-linter's (pyproject [tool.importlinter], run by `make lint`);
these tests cover what a contract cannot say.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tracker", "components", "bench")


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    internal = {m for m in graph.modules if m.split(".")[0] in PACKAGES}
    edges = {m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n in internal and n != m) for m in internal}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(internal):
        if module not in index:
            visit(module)
    return found


def test_no_import_circle_anywhere() -> None:
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    assert _cycles(graph) == []


def test_the_circle_finder_finds_a_circle(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "loop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from loop import b\n")  # hidden inside a function
    (package / "b.py").write_text("from loop import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys.modules[__name__], "PACKAGES", ("loop",))
    assert _cycles(grimp.build_graph("loop")) == [["loop.a", "loop.b"]]


def test_tracker_brief_never_imports_streamlit(tmp_path: Path) -> None:
    script = (
        "import sys, tracker.cli\n"
        f"code = tracker.cli.main(['brief', '--as-of', '2021-12-20', '--out', {str(tmp_path / 'b.html')!r}])\n"
        "assert code == 0, code\n"
        "assert 'streamlit' not in sys.modules, 'tracker brief imported streamlit'\n"
        "assert not any(m == 'components' or m.startswith('components.') for m in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "b.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_core_never_imports_plotly_outside_report() -> None:
    script = (
        "import sys, tracker.cli\n"
        "tracker.cli.main(['status', '--as-of', '2021-12-20'])\n"
        "assert 'plotly' not in sys.modules and 'streamlit' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
