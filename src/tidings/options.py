"""One options object with defaults; a TOML file or CLI flags override it.

Following trafilatura's ``Extractor`` options, the knobs of a run live here instead of in long
argument lists. The run's own settings are fields; each tuned part has a section, a table of
the TOML file that reaches that part's own options object, where every tuned default says what
it was calibrated on:

* ``[tidings.read]`` → :class:`tidings.read.clean.CleanOptions` (``text.*``: the scraped-text
  cleaner, ``html.*``: trafilatura);
* ``[tidings.group]`` → :class:`tidings.group.clusterer.EventClusterer` parameters (overriding the
  profile's calibrated ones);
* ``[tidings.storylines]`` → :class:`tidings.group.storylines.StorylineOptions`;
* ``[tidings.report]`` → :class:`tidings.tell.report.ReportOptions`.

Sections are kept here as plain tables (this module sits below every part it configures) and
turned into each part's options object by :func:`build` when the part is made, which is where an
unknown key fails, by name.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Where the embedded store lives unless told otherwise (``--db`` or ``TIDINGS_DB``).
DEFAULT_DB = "tidings.db"
#: The language cards, listings and reports are written in, where a title in it exists (``--lang``).
DISPLAY_LANG = "en"


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
    #: Seconds one input may take to be unpacked from its file, and again to be read, before it is
    #: given up with a dead letter "gave up after N s" (see :mod:`tidings.watchdog`). A news article
    #: reads in milliseconds; a minute means a pathological page, not a slow machine.
    input_seconds: float = 60.0
    #: Worker processes for the read stages: -1 = automatic (by input size and
    #: cores, see ``tidings.workers.choose_workers``), 0 = read in this process.
    workers: int = -1
    #: Run the understand stages (entities) during ingest.
    understand: bool = True
    #: Compute each article's multilingual vectors (USE for its 16 languages, the static model for all:
    #: :mod:`tidings.understand.vectors`). The default grouping profile and vector search need them;
    #: off saves their time (~15 ms per article) for ``--profile lexical`` or ``--no-cluster``.
    vectors: bool = True
    #: Run event clustering as part of ingest.
    cluster: bool = True
    #: Seconds to wait for another process that is writing to the store (0: fail at once, with a
    #: message saying so; one writer at a time keeps the grouping state consistent).
    wait: float = 0.0
    #: Rebuild the storylines at the end of an ingest run that changed events.
    update_storylines: bool = True
    #: Grouping profile ("default": multilingual vectors with words, names and time; "lexical": no
    #: vectors); None: the one the store was grouped with (a new store: default). An explicit
    #: profile that differs from the store's is refused by name.
    profile: str | None = None
    #: The language cards are written in, where a title in it exists.
    display_lang: str = DISPLAY_LANG
    #: Show progress bars (off when stderr is not a terminal).
    progress: bool | None = None
    #: BLAS threads per process while ingesting (0 = leave the library's default). Measured on
    #: the 2-core machine, USE on 300 SemEval texts: 2 OpenBLAS threads gave 79–169 texts/s with
    #: the other core idle but 6.5–9.6 as soon as another process wanted it (the threads spin and
    #: wait); 1 thread gave a stable 82–128. Tidings parallelises with processes instead.
    blas_threads: int = 1
    #: ``[tidings.read]``, ``[tidings.group]``, ``[tidings.storylines]``, ``[tidings.report]``: see above.
    read: dict[str, Any] = field(default_factory=dict)
    group: dict[str, Any] = field(default_factory=dict)
    storylines: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)

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


class OptionsError(ValueError):
    """A configuration that cannot be used (unknown key, wrong type); the message names the table."""


def build(cls: type[T], values: dict[str, Any], section: str) -> T:
    """An options dataclass from a TOML table: nested dataclasses from sub-tables, unknown keys refused.

    ``section`` names the table in errors (``tidings.read.text``), so a typo in a config file says
    where it is instead of being ignored.
    """
    if not isinstance(values, dict):
        raise OptionsError(f"[{section}] must be a table")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise OptionsError(f"unknown option(s) in [{section}]: {', '.join(unknown)}")
    kwargs: dict[str, Any] = {}
    hints = typing.get_type_hints(cls)
    for name, value in values.items():
        kind = hints.get(name)
        if dataclasses.is_dataclass(kind) and isinstance(kind, type):
            kwargs[name] = build(kind, value, f"{section}.{name}")
        else:
            kwargs[name] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise OptionsError(f"[{section}]: {exc}") from exc
