"""Tidings: a multilingual news event engine.

The public API is :mod:`tidings.api` (``from tidings import ingest, list_events, build_card …``).
It is re-exported here lazily (PEP 562): importing ``tidings.article`` in a read worker must not
load the engine, the encoders and the gazetteer with it.
"""

import importlib
from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    api = importlib.import_module("tidings.api")
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'tidings' has no attribute {name!r}")


def __dir__() -> list[str]:
    api = importlib.import_module("tidings.api")
    return sorted([*globals(), *api.__all__])
