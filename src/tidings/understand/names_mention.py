"""A name mention found in text, before it is resolved to a canonical entity."""

from __future__ import annotations

from dataclasses import dataclass

from tidings.understand.places import Place


@dataclass
class Mention:
    """A span naming something, with the evidence that made us think so.

    ``latin`` carries the original spelling a text gave in parentheses
    (卢比奥(Marco Rubio)); ``place`` a gazetteer hit; ``cue`` the title word
    (国务卿, وزير الخارجية, Bộ trưởng) that introduced a person.
    """

    start: int
    end: int
    surface: str
    label: str
    source: str
    confidence: float
    latin: str | None = None
    place: Place | None = None
    cue: str | None = None
    norm: str | None = None


def overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps any of ``spans``."""
    return any(s < end and start < e for s, e in spans)
