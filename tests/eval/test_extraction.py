"""The extraction benchmark: the metric matches the article-extraction-benchmark, and the command runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA

from tidings.eval.extraction import ExtractionDataError, evaluate, main, metrics_from_counts, shingle_match

NOISY = DATA / "extraction" / "noisy.jsonl"


def test_shingle_match_counts_and_normalises() -> None:
    assert shingle_match("a b c d e", "a b c d e") == (1.0, 0.0, 0.0)
    tp, fp, fn = shingle_match("a b c d e", "a b c d x")
    assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert shingle_match("", "") == (0.0, 0.0, 0.0)
    assert shingle_match("a b c d", "") == (0.0, 0.0, 1.0)
    # fewer than 4 tokens make one shorter shingle, as upstream
    assert shingle_match("a b", "a b") == (1.0, 0.0, 0.0)
    # tokens are \w+ runs in any script
    assert shingle_match("俄美 将 举行 磋商", "俄美, 将 举行 磋商!") == (1.0, 0.0, 0.0)


def test_metrics_average_over_pages_and_skip_undefined() -> None:
    m = metrics_from_counts([(1.0, 0.0, 0.0), (0.5, 0.5, 0.0), (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)])
    # precision over pages with tp+fp>0: (1 + .5)/2; recall over tp+fn>0: (1 + 1 + 0)/3
    assert m["precision"] == pytest.approx(0.75)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_main_prints_f1_last(tmp_path: Path) -> None:
    sample = tmp_path / "sample.jsonl"
    with NOISY.open(encoding="utf-8") as fh:
        sample.write_text("".join(fh.readline() for _ in range(3)), encoding="utf-8")
    out: list[str] = []
    m = main(str(sample), echo=out.append)
    assert out[-1].startswith("f1=") and out[-1] == f"f1={m['f1']:.4f}"
    assert 0.0 <= m["f1"] <= 1.0 and m["pages"] == 3


def test_text_records_use_the_product_cleaner(tmp_path: Path) -> None:
    body = "The council approved the budget on Tuesday after a long debate about schools and roads."
    text = "Home\nNews\nSports\n" + body + "\nRelated\n- Other story one\n- Other story two\n"
    f = tmp_path / "t.jsonl"
    f.write_text(json.dumps({"id": "1", "url": "u", "text": text, "body": body}) + "\n", encoding="utf-8")
    m = evaluate(f, progress=False)
    assert m["f1"] == pytest.approx(1.0)


def test_bad_files_give_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ExtractionDataError, match="no such file"):
        evaluate(tmp_path / "missing.jsonl", progress=False)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ExtractionDataError, match=r"line 1: not JSON"):
        evaluate(bad, progress=False)
    wrong = tmp_path / "wrong.jsonl"
    wrong.write_text(json.dumps({"id": "1", "text": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(ExtractionDataError, match="needs 'body'"):
        evaluate(wrong, progress=False)


def test_noisy_dev_set_stays_above_target() -> None:
    """Coarse regression guard on the real dev pages (the figure itself comes from the command)."""
    m = evaluate(NOISY, progress=False)
    assert m["pages"] == 92
    assert m["f1"] >= 0.90
