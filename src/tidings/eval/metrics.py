"""Clustering metrics against gold labels: BCubed and pairwise precision/recall/F1.

Hand-written because they are a few lines each and scikit-learn (which has only
the pairwise family, as contingency-based scores) is not a dependency.
BCubed (Bagga & Baldwin 1998; Amigó et al. 2009) scores each item by how much
its predicted cluster and its gold class overlap, so a big wrong merge costs in
proportion to the items it misplaces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _check(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items but prediction has {len(pred)}")


def bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> PRF:
    """BCubed precision, recall and F1 of ``pred`` against ``gold`` (parallel label lists)."""
    _check(gold, pred)
    if not gold:
        return PRF(1.0, 1.0, 1.0)
    joint = Counter(zip(gold, pred, strict=True))
    gsize = Counter(gold)
    psize = Counter(pred)
    # Every item of the cell (g, p) has joint[g, p] correct companions (itself included).
    p = sum(n * n / psize[c] for (_, c), n in joint.items()) / len(gold)
    r = sum(n * n / gsize[g] for (g, _), n in joint.items()) / len(gold)
    return PRF(p, r, _f1(p, r))


def pairwise(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> PRF:
    """Precision, recall and F1 over item pairs put together (by pred) / belonging together (gold)."""
    _check(gold, pred)

    def pairs(counts: Counter[Hashable] | Counter[tuple[Hashable, Hashable]]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    both = pairs(Counter(zip(gold, pred, strict=True)))
    in_pred = pairs(Counter(pred))
    in_gold = pairs(Counter(gold))
    p = both / in_pred if in_pred else 1.0
    r = both / in_gold if in_gold else 1.0
    return PRF(p, r, _f1(p, r))
