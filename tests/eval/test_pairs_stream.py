"""``tidings eval pairs --stream``: a pair set's articles grouped through ingest, scored pair by pair."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import SEMEVAL_DEV

from tidings.cli import GROUPING_PROFILES, main
from tidings.eval.pairs_stream import PairCounts, pair_label, score, stream_texts
from tidings.group.params import PROFILE_VECTORS


def _rows(**over: object) -> dict[str, object]:
    return {"lang1": "en", "lang2": "en", "text1": "a", "text2": "b", "overall": 1.0, **over}


def test_identical_texts_are_one_article_and_file_order_is_kept() -> None:
    rows = [_rows(text1="x", text2="y"), _rows(text1="y", text2="z"), _rows(text1="z", text2="z")]
    records, pairs = stream_texts(rows)
    assert [r["text"] for r in records] == ["x", "y", "z"]
    assert pairs == [(0, 1), (1, 2), (2, 2)]


def test_labels_and_counts() -> None:
    assert (pair_label(1.0), pair_label(1.5), pair_label(2.0), pair_label(3.0)) == (True, True, None, False)
    rows = [_rows(overall=1.0), _rows(overall=1.25, lang2="de"), _rows(overall=3.5), _rows(overall=2.0),
            _rows(overall=4.0, lang2="de")]
    pairs = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]
    events = ["e1", "e1", "e2", "e3", "e4", "e5", "e6", "e6", "e7", None]
    res = score(rows, pairs, events)
    # pair 0: same story, together (tp); 1: same story, apart (fn, cross); 2: different, apart (tn);
    # 3: not scored; 4: different, apart (a dead letter is an event of its own; tn, cross)
    assert res.overall == PairCounts(tp=1, fp=0, fn=1, tn=2)
    assert res.cross_lang == PairCounts(tp=0, fp=0, fn=1, tn=1)
    assert res.overall.prf.precision == 1.0 and res.overall.prf.recall == 0.5
    assert res.gold == [True, True, False, None, False]


def test_stream_mode_through_ingest_ends_with_its_headlines(tmp_path: Path) -> None:
    """The first 30 SemEval-2022 dev pairs (real articles in several languages) through the command line."""
    path = tmp_path / "pairs.jsonl"
    with SEMEVAL_DEV.open(encoding="utf-8") as fh:
        path.write_text("".join(next(fh) for _ in range(30)), encoding="utf-8")
    done = CliRunner().invoke(main, ["eval", "pairs", str(path), "--stream"])
    assert done.exit_code == 0, done.output
    lines = done.output.strip().splitlines()
    assert lines[-2].startswith("cross_f1=") and lines[-1].startswith("f1=")
    assert float(lines[-1].removeprefix("f1=")) > 0.5
    wrong = CliRunner().invoke(main, ["eval", "pairs", str(path), "--stream", "--profile", "accurate"])
    assert wrong.exit_code == 2 and "with --stream" in wrong.output


def test_a_bad_pair_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text1": "a"}) + "\n", encoding="utf-8")
    done = CliRunner().invoke(main, ["eval", "pairs", str(path), "--stream"])
    assert done.exit_code == 1 and "missing" in done.output and "Traceback" not in done.output


def test_the_command_line_knows_every_grouping_profile() -> None:
    assert tuple(PROFILE_VECTORS) == GROUPING_PROFILES
