"""Imports run one way: the data model at the bottom, the command line and the evaluations on top.

Read from the source (every ``import``, including those inside functions), so a lazy import
cannot hide a dependency that points the wrong way. The layers, bottom to top:

    model (article, options, pipeline, untrusted, watchdog) → text → ingest / read / understand / store → group →
    views → tell → engine / workers / api → serve / scale → eval → cli

(the command line is the outermost shell: it also runs the evaluations and benchmarks).

A module may import from its own layer and the layers below it, never from a layer above;
no modules form an import circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

#: Package prefix → layer (the longest matching prefix wins).
LAYERS = {
    "tidings": 0,
    "tidings.article": 0,
    "tidings.options": 0,
    "tidings.pipeline": 0,
    "tidings.learner": 0,
    "tidings.untrusted": 0,
    "tidings.watchdog": 0,
    "tidings.text": 1,
    "tidings.ingest": 2,
    "tidings.read": 2,
    "tidings.understand": 2,
    "tidings.store": 2,
    "tidings.group": 3,
    "tidings.views": 4,
    "tidings.tell": 5,
    "tidings.engine": 6,
    "tidings.workers": 6,
    "tidings.api": 6,
    "tidings.cli": 9,
    "tidings.__main__": 9,
    "tidings.serve": 7,
    "tidings.watch": 7,
    "tidings.scale": 7,
    "tidings.eval": 8,
}


def _modules() -> dict[str, Path]:
    root = SRC
    return {
        ".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__"): p
        for p in root.rglob("*.py")
    }


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """First-party modules ``name`` imports (``from a import b`` counts ``a.b`` when that is a module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            targets = subs or [base]
        else:
            continue
        out.update(t for t in targets if t in known and t != name)
    return out


def _layer(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: _imports(m, p, set(mods)) for m, p in mods.items()}


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in _modules() if m != "tidings" and max(
        (p for p in LAYERS if m == p or m.startswith(p + ".")), key=len) == "tidings"]
    assert not unplaced, f"add these modules to LAYERS: {unplaced}"


def test_imports_point_down() -> None:
    upward = [
        f"{m} (layer {_layer(m)}) imports {t} (layer {_layer(t)})"
        for m, targets in sorted(_graph().items())
        if m != "tidings"  # the package root re-exports the public API, lazily
        for t in sorted(targets)
        if _layer(t) > _layer(m)
    ]
    assert not upward, "\n".join(upward)


def test_no_import_circles() -> None:
    graph = _graph()
    graph.pop("tidings", None)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                circles.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not circles, circles
