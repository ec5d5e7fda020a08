"""Store faults and concurrency: every failure is one line that says what to do, nothing is lost.

A file that is not a database, a damaged page, a full disk (a 3 MB tmpfs), a store on read-only
media (a tmpfs remounted read-only), two ingests into one store at once, and reading commands
while an ingest holds the writer lock. The mounts need root (CI runs as root); without it those
tests are skipped.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ECB_DEV, SEEDS, copy_store

ROOT = Path(__file__).resolve().parents[1]


def tidings(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tidings", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


def events_of(db: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT id, event_id FROM articles"))


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs (root only); unmounted afterwards."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("my shopping list\n" * 100)
    for args in (["ingest", str(SEEDS)], ["events"], ["report", str(tmp_path / "r.html")]):
        assert "not a Tidings store" in one_line_error(tidings(*args, "--db", str(db)))


def test_a_damaged_page_is_reported_and_salvaged(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert tidings("ingest", str(SEEDS), "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'records'").fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(db, "r+b") as fh:  # the b-tree page of the event records: garbage
        fh.seek(page * (root - 1))
        fh.write(b"\x0d" + b"\xff" * 60)
    for args in (["events"], ["ingest", str(SEEDS / "000_523f7d3f5729c339.txt")], ["report", str(tmp_path / "r.html")]):
        message = one_line_error(tidings(*args, "--db", str(db)))
        assert "damaged" in message and "tidings check" in message
    saved = tmp_path / "saved.db"
    checked = tidings("check", "--db", str(db), "--salvage", str(saved))
    assert checked.returncode == 1 and "malformed" in checked.stdout and "5 articles" in checked.stdout
    assert tidings("regroup", "--db", str(saved)).returncode == 0
    listing = tidings("events", "--db", str(saved), "--json")
    assert sorted(e["articles"] for e in json.loads(listing.stdout)) == [1, 4]
    assert tidings("check", "--db", str(saved)).returncode == 0


def test_a_full_disk_loses_nothing_committed(tmpfs: Path, tmp_path: Path) -> None:
    texts = [json.loads(line)["text"] for line in ECB_DEV.read_text(encoding="utf-8").splitlines()]
    src = tmp_path / "in"
    src.mkdir()
    for i in range(0, len(texts), 50):
        (src / f"part-{i:03d}.jsonl").write_text(
            "".join(json.dumps({"text": t}) + "\n" for t in texts[i : i + 50]), encoding="utf-8")
    db = tmpfs / "t.db"
    plain = tmp_path / "plain.toml"  # articles only (no vectors): a few batches fit on the 3 MB disk
    plain.write_text("[tidings]\nvectors = false\ncluster = false\n", encoding="utf-8")
    full = tidings("--config", str(plain), "ingest", str(src), "--db", str(db))
    assert "disk is full" in one_line_error(full)
    assert tidings("check", "--db", str(db)).returncode == 0  # what was committed is sound
    kept = events_of(db)
    assert kept, "some batches were committed before the disk filled"
    roomy = copy_store(db, tmp_path / "roomy.db")  # the same store on a disk with room
    assert tidings("--config", str(plain), "ingest", str(src), "--db", str(roomy)).returncode == 0
    after = events_of(roomy)
    assert set(kept) <= set(after) and len(after) == len(set(after))


def test_a_store_on_read_only_media_can_be_read(tmpfs: Path, tmp_path: Path) -> None:
    db = tmpfs / "t.db"
    assert tidings("ingest", str(SEEDS), "--db", str(db)).returncode == 0
    if subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True).returncode:
        pytest.skip("cannot remount read-only here")
    listing = tidings("events", "--db", str(db), "--json")
    assert listing.returncode == 0, listing.stderr
    assert sorted(e["articles"] for e in json.loads(listing.stdout)) == [1, 4]
    assert tidings("report", str(tmp_path / "r.html"), "--db", str(db)).returncode == 0
    assert tidings("storylines", "--db", str(db)).returncode == 0
    assert "read-only" in one_line_error(tidings("ingest", str(SEEDS), "--db", str(db)))


def test_two_ingests_at_once_give_the_events_of_one_after_the_other(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in ECB_DEV.read_text(encoding="utf-8").splitlines()]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in rows[:150]), encoding="utf-8")
    second.write_text("".join(json.dumps({"text": r["text"]}) + "\n" for r in rows[150:300]), encoding="utf-8")
    together = tmp_path / "together.db"
    one = subprocess.Popen([sys.executable, "-m", "tidings", "ingest", str(first), "--db", str(together)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = Path(str(together) + ".lock")
    deadline = time.monotonic() + 120
    while not lock.exists() and time.monotonic() < deadline:  # the first holds the writer lock
        time.sleep(0.05)
    other = tidings("ingest", str(second), "--db", str(together), "--wait", "600")
    assert one.wait(timeout=600) == 0, one.stderr.read() if one.stderr else ""
    assert other.returncode == 0, other.stderr
    apart = tmp_path / "apart.db"
    for path in (first, second):
        assert tidings("ingest", str(path), "--db", str(apart)).returncode == 0
    assert events_of(together) == events_of(apart)


def test_a_second_writer_fails_fast_and_readers_keep_reading(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert tidings("ingest", str(SEEDS), "--db", str(db)).returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from tidings.store import open_store\n"
         "s = open_store(sys.argv[1])\nwith s.writer_lock():\n    print('held', flush=True); time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert "another tidings process is writing" in one_line_error(tidings("ingest", str(SEEDS), "--db", str(db)))
        for args in (["events"], ["articles"], ["storylines"], ["report", str(tmp_path / "r.html")]):
            done = tidings(*args, "--db", str(db))
            assert done.returncode == 0, (args, done.stderr)
    finally:
        holder.kill()
        holder.wait()
