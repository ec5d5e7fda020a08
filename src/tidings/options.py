"""One options object with defaults; a TOML file or CLI flags override it.

Following trafilatura's ``Extractor`` options, every knob lives here instead of
in long argument lists, and every tuned default says what it was calibrated on.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where the embedded store lives unless told otherwise (``--db`` or ``TIDINGS_DB``).
DEFAULT_DB = "tidings.db"


@dataclass
class Options:
    """Settings for a Tidings run."""

    #: SQLite file (``sqlite:///path`` or a plain path) or a ``postgresql://`` URL.
    db: str = field(default_factory=lambda: os.environ.get("TIDINGS_DB", DEFAULT_DB))
    #: Articles per store transaction. Larger batches are faster; a crash loses at
    #: most the uncommitted batch, which a rerun recomputes (nothing reported
    #: stored is ever lost, since we report only after commit).
    commit_every: int = 200
    #: Files larger than this are refused with a dead letter instead of being
    #: parsed: a 50 MB "HTML page" is not a news article and would stall a batch.
    max_file_bytes: int = 20 * 1024 * 1024
    #: Read what symbolic links in the input folders point to outside them (off: such a
    #: link becomes a dead letter; a link to /etc/passwd in a drop folder must not be read).
    follow_links: bool = False
    #: Worker processes for the read stages: -1 = automatic (by input size and
    #: cores, see ``tidings.workers.choose_workers``), 0 = read in this process.
    workers: int = -1
    #: Run the understand stages (entities) during ingest.
    understand: bool = True
    #: Run event clustering as part of ingest.
    cluster: bool = True
    #: Encoder profile for clustering: "fast" or "accurate".
    profile: str = "fast"
    #: The language cards are written in, where a title in it exists.
    display_lang: str = "en"
    #: Show progress bars (off when stderr is not a terminal).
    progress: bool | None = None

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Options:
        """Defaults, then a ``[tidings]`` table from a TOML file, then overrides."""
        values: dict[str, Any] = {}
        if path is not None:
            with open(path, "rb") as fh:
                values.update(tomllib.load(fh).get("tidings", {}))
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(unknown)}")
        return cls(**values)
