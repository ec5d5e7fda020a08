"""Imports in tell, the read model and storyline linking run one way, with no circle.

group (storyline linking) → views (the read model) → tell (cards, threads, report): nothing in
``group`` or ``views`` imports ``tell`` (but the sentence splitter, a text helper that still lives
there), no module of ``tell`` or ``views`` imports another inside a function, and nothing that
reads runs the entity stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "tidings"
#: A text helper that lives in tell/ until the shared text package takes it.
TEXT_HELPERS = {"tidings.text.sentences"}


def _module(path: Path) -> str:
    parts = ("tidings", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tidings"):
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("tidings"))
    return out


def _files(*packages: str) -> list[Path]:
    return [p for pkg in packages for p in sorted((SRC / pkg).rglob("*.py"))]


def test_group_and_views_do_not_import_tell() -> None:
    for path in _files("group", "views"):
        upward = {m for m in _imports(path, top_level_only=False)
                  if m.startswith("tidings.tell") and m not in TEXT_HELPERS}
        assert not upward, (_module(path), upward)
    for path in _files("group"):
        assert not {m for m in _imports(path, top_level_only=False) if m.startswith("tidings.views")}, path


def test_tell_and_views_import_at_module_top_without_a_circle() -> None:
    graph = {_module(p): _imports(p, top_level_only=False) for p in _files("tell", "views")}
    for path in _files("tell", "views"):
        assert _imports(path, top_level_only=False) == _imports(path, top_level_only=True), path
    done: set[str] = set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, " → ".join((*trail, module))
        if module in done:
            return
        for dep in graph.get(module, ()):
            visit(dep, (*trail, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_reading_runs_no_understanding() -> None:
    for path in _files("tell", "views"):
        assert "tidings.understand.entities" not in _imports(path, top_level_only=False), path
