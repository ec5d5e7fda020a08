"""Reading benchmark files: one JSON object per line, with one-line errors for bad lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def iter_json_lines(path: str | Path, error: type[ValueError] = ValueError) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line; a line that is not a JSON object raises ``error``."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise error(f"line {n}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise error(f"line {n}: expected a JSON object")
            yield n, record
