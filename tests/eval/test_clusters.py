"""Clustering metrics on hand-checked cases, and ``eval clusters`` on a slice of ECB_DEV+ dev."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ECB_DEV

from tidings.eval.clusters import main
from tidings.eval.metrics import bcubed, pairwise


def test_perfect_clustering_scores_one() -> None:
    gold = ["a", "a", "b", "c"]
    assert bcubed(gold, ["x", "x", "y", "z"]).f1 == pytest.approx(1.0)
    assert pairwise(gold, ["x", "x", "y", "z"]).f1 == pytest.approx(1.0)


def test_bcubed_by_hand() -> None:
    # gold {1,2,3} {4,5}; predicted {1,2} {3,4,5}.
    gold = ["a", "a", "a", "b", "b"]
    pred = ["x", "x", "y", "y", "y"]
    b = bcubed(gold, pred)
    # precision per item: 1, 1, 1/3, 2/3, 2/3 → 11/15; recall: 2/3, 2/3, 1/3, 1, 1 → 11/15
    assert b.precision == pytest.approx(11 / 15)
    assert b.recall == pytest.approx(11 / 15)
    assert b.f1 == pytest.approx(11 / 15)


def test_pairwise_by_hand() -> None:
    gold = ["a", "a", "a", "b", "b"]
    pred = ["x", "x", "y", "y", "y"]
    p = pairwise(gold, pred)
    # predicted pairs: (1,2) (3,4) (3,5) (4,5); gold pairs: (1,2) (1,3) (2,3) (4,5); shared: 2
    assert p.precision == pytest.approx(0.5)
    assert p.recall == pytest.approx(0.5)


def test_all_in_one_cluster() -> None:
    gold = ["a", "a", "b", "b"]
    b = bcubed(gold, ["x"] * 4)
    assert b.recall == pytest.approx(1.0)
    assert b.precision == pytest.approx(0.5)


def test_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError, match="gold has 2"):
        bcubed(["a", "b"], ["x"])


def test_eval_clusters_on_two_ecb_topics(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in ECB_DEV.read_text(encoding="utf-8").splitlines()]
    subset = [r for r in rows if r["topic"] in ("1", "3")][:40]
    path = tmp_path / "two-topics.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in subset) + "\n", encoding="utf-8")
    lines: list[str] = []
    f1 = main(path, echo=lines.append, progress=False, orders=2)
    assert lines[-1] == f"bcubed_f1={f1:.4f}"
    # Two topics, four look-alike events: a working clusterer keeps the topics apart at least.
    assert f1 > 0.7
    assert lines[-2].startswith("over 2 topic orders: mean BCubed F1=")


def test_shuffled_orders_move_whole_topics(tmp_path: Path) -> None:
    from tidings.eval.clusters import shuffled_orders

    rows = [{"id": str(i), "text": "t", "event": f"e{i % 3}", "topic": str(i // 4)} for i in range(20)]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    orders = shuffled_orders(path, 4)
    assert orders[0] == list(range(20))  # file order first
    assert len({tuple(o) for o in orders}) > 1
    for order in orders:
        assert sorted(order) == list(range(20))
        topics = [i // 4 for i in order]
        runs = [t for k, t in enumerate(topics) if k == 0 or t != topics[k - 1]]
        assert len(runs) == 5  # each topic stays in one piece, in file order within
        assert all(order[k] < order[k + 1] for k in range(19) if topics[k] == topics[k + 1])


def test_bad_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "no label"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        main(path, echo=lambda _: None, progress=False)
