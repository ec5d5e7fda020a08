"""On-disk cache of text embeddings, keyed by encoder configuration and text hash.

Why: the accurate encoder (e5-small on CPU) runs at a few texts per second, so a
benchmark or a re-run over the same articles must not pay for it twice. One small
``.npy`` file per (encoder, text) keeps concurrent writers safe (each write is an
atomic rename) and needs no index. Correctness never depends on the cache: a
missing or unreadable entry is simply recomputed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


def default_cache_dir() -> Path:
    """``$TIDINGS_CACHE`` if set, else ``.cache/tidings`` under the working directory (git-ignored)."""
    env = os.environ.get("TIDINGS_CACHE")
    return Path(env) if env else Path(".cache") / "tidings"


class EmbeddingCache:
    """Maps (encoder key, text) to a stored float32 vector.

    ``root=None`` means the default cache dir; ``enabled=False`` turns the cache
    into a pass-through (used by tests that must not touch the disk).
    """

    def __init__(self, root: Path | str | None = None, enabled: bool = True) -> None:
        self.root = root
        self.enabled = enabled

    def _path(self, key: str, text: str, suffix: str = ".npy") -> Path:
        root = Path(self.root) if self.root is not None else default_cache_dir()
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
        return root / "embeddings" / key / digest[:2] / f"{digest}{suffix}"

    def get_json(self, key: str, text: str) -> object | None:
        """A JSON value stored for (key, text), e.g. a text's entity norms; ``None`` when absent."""
        if not self.enabled:
            return None
        try:
            return json.loads(self._path(key, text, ".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put_json(self, key: str, text: str, value: object) -> None:
        if not self.enabled:
            return
        path = self._path(key, text, ".json")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(value, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError:
            pass

    def get(self, key: str, text: str) -> np.ndarray | None:
        if not self.enabled:
            return None
        path = self._path(key, text)
        try:
            return np.load(path).astype(np.float32, copy=False)
        except (OSError, ValueError):
            return None

    def put(self, key: str, text: str, vector: np.ndarray) -> None:
        if not self.enabled:
            return
        path = self._path(key, text)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                np.save(fh, np.asarray(vector, dtype=np.float32))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full disk only costs speed

    def encode(
        self,
        key: str,
        texts: Sequence[str],
        compute: Callable[[list[str]], np.ndarray],
        dim: int,
        batch_size: int = 32,
    ) -> np.ndarray:
        """Return embeddings for ``texts``, computing (in batches) and storing only the missing ones."""
        out = np.zeros((len(texts), dim), dtype=np.float32)
        missing: list[int] = []
        for i, text in enumerate(texts):
            vec = self.get(key, text)
            if vec is not None and vec.shape == (dim,):
                out[i] = vec
            else:
                missing.append(i)
        for start in range(0, len(missing), batch_size):
            idx = missing[start:start + batch_size]
            vecs = compute([texts[i] for i in idx])
            for i, vec in zip(idx, vecs, strict=True):
                out[i] = vec
                self.put(key, texts[i], vec)
        return out
