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


class Coverage:
    """Which characters of a text are already claimed by a mention (a byte per character).

    A later, weaker cue must not claim text an earlier, stronger one took; checking
    against a byte array keeps that O(span) instead of O(mentions) per candidate.
    """

    def __init__(self, length: int) -> None:
        self._taken = bytearray(length)

    def add(self, start: int, end: int) -> None:
        self._taken[start:end] = b"\x01" * max(0, end - start)

    def free(self, start: int, end: int) -> bool:
        """Whether no character of ``[start, end)`` is claimed."""
        return self._taken.find(1, start, end) == -1
