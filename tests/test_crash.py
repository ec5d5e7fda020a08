"""``kill -9`` during ingest loses nothing reported stored and duplicates nothing on rerun.

A corpus of ~2,000 real texts (SemEval-2022, ECB+ and extraction-benchmark pages
from benchmarks/data) is split over JSONL files and plain-text files; half the
JSONL lines carry a URL (URL-based ids), the rest are identified by content. The
CLI is killed once it has reported a few hundred articles stored, then the same
command is rerun to completion.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from tidings.article import RawDocument
from tidings.ingest import iter_sources
from tidings.read import article_from_raw

N_TEXTS = 2000
PER_FILE = 100


def real_texts(n: int) -> list[str]:
    texts: list[str] = []
    with open(DATA / "semeval2022" / "dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            pair = json.loads(line)
            texts += [pair["text1"], pair["text2"]]
    for name in ("ecbplus/dev.jsonl", "extraction/noisy.jsonl"):
        with open(DATA / name, encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh]
    texts = [t for t in dict.fromkeys(t.strip() for t in texts) if len(t) > 200]
    return texts[:n]


def build_corpus(folder: Path) -> None:
    folder.mkdir()
    texts = real_texts(N_TEXTS)
    for start in range(0, len(texts) - 200, PER_FILE):
        with open(folder / f"batch-{start // PER_FILE:03d}.jsonl", "w", encoding="utf-8") as fh:
            for i, text in enumerate(texts[start : start + PER_FILE], start):
                record = {"text": text, "url": f"https://news.example/{i}"} if i % 2 else {"text": text}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    for i, text in enumerate(texts[-200:]):
        (folder / f"page-{i:03d}.txt").write_text(text, encoding="utf-8")


def expected_ids(folder: Path) -> set[str]:
    ids = set()
    for source in iter_sources([folder]):
        assert not isinstance(source, Exception) and hasattr(source, "read"), source
        for doc in source.read():
            assert isinstance(doc, RawDocument), doc
            ids.add(article_from_raw(doc).id)
    return ids


def db_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM articles")]
    finally:
        conn.close()


def command(db: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "tidings", "--db", str(db), "ingest", "--no-cluster", "--progress", str(folder)]


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    build_corpus(folder)
    want = expected_ids(folder)
    assert len(want) > 1500
    db = tmp_path / "crash.db"
    log = tmp_path / "progress.log"

    with open(log, "wb") as err:
        proc = subprocess.Popen(command(db, folder), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        reported = 0
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            # the progress bar only advances after a commit: what it shows is "reported stored"
            counts = re.findall(rb"ingest: (\d+)art", log.read_bytes())
            reported = int(counts[-1]) if counts else 0
            if reported >= 400:
                break
            time.sleep(0.1)
        assert proc.poll() is None, "ingest finished before it could be killed; grow the corpus"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert reported >= 400

    survived = db_ids(db)
    assert len(survived) >= reported, "articles reported stored were lost"
    assert len(survived) < len(want), "nothing left to redo"

    rerun = subprocess.run(command(db, folder), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "Traceback" not in rerun.stderr
    final = db_ids(db)
    assert len(final) == len(set(final)), "duplicate article ids"
    missing = want - set(final)
    assert not missing, f"{len(missing)} articles never stored; rerun said: {rerun.stdout} {rerun.stderr[-2000:]}"
    assert set(final) == want
    assert set(survived) <= set(final)
    conn = sqlite3.connect(db)
    (dupes,) = conn.execute("SELECT COUNT(*) - COUNT(DISTINCT content_hash) FROM articles").fetchone()
    (versions,) = conn.execute("SELECT COUNT(*) FROM article_versions WHERE version > 1").fetchone()
    conn.close()
    assert dupes == 0 and versions == 0
