"""Bad input never stops a batch: each bad file gets a one-line reason and a dead letter.

The corpus mixes the five seeds with the files users really drop into a news
folder: an empty file, an image, undeclared GBK and Windows-1256 text, a 50 MB
"HTML page", malformed HTML, a truncated gzip and a truncated WARC.

Exit code contract of ``tidings ingest`` (decided with the CLI owner): 0 when at
least one article was stored (or already present), with a summary line
"stored N …, K failed"; 1 only when every input failed.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SEED_FILES, seed_file
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tidings.store.sqlite import SQLiteStore


def seed(prefix: str) -> str:
    return seed_file(prefix).read_text(encoding="utf-8")


def first_half(text: str) -> str:
    lines = text.splitlines()
    return "\n".join(lines[: len(lines) // 2])


def build_corpus(folder: Path) -> dict[str, str]:
    """Write the mixed corpus; returns bad file name → expected reason prefix."""
    folder.mkdir()
    for path in SEED_FILES:
        (folder / path.name).write_bytes(path.read_bytes())
    # the first half of a seed, so it is a different article from the seed itself
    (folder / "gbk.txt").write_bytes(first_half(seed("001")).encode("gbk", errors="ignore"))
    (folder / "arabic-1256.txt").write_bytes(first_half(seed("004")).encode("cp1256", errors="ignore"))
    (folder / "broken.html").write_text(
        "<html><head><title>Riyadh talks</title><body><div><p>" + seed("003") + "<p>" + seed("004") + "</div></span>",
        encoding="utf-8",
    )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    with open(folder / "huge.html", "wb") as fh:  # 50 MB: over the 20 MB default limit
        fh.write(b"<html><body>")
        block = ("<p>" + seed("000") + "</p>").encode("utf-8")
        for _ in range(50 * 1024 * 1024 // len(block) + 1):
            fh.write(block)
    packed = gzip.compress(seed("002").encode("utf-8") * 40)
    (folder / "cut.txt.gz").write_bytes(packed[: len(packed) // 2])
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for n, prefix in enumerate(("000", "003", "004")):
        body = f"<html><body><article><p>{seed(prefix)}</p></article></body></html>".encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(f"https://news.example/{n}", "response", payload=io.BytesIO(body),
                                           http_headers=http)  # fmt: skip
        writer.write_record(record)
    data = buf.getvalue()
    (folder / "cut.warc.gz").write_bytes(data[: int(len(data) * 0.8)])
    return {
        "empty.txt": "empty file",
        "photo.png": "binary file (PNG image)",
        "huge.html": "file too large (",
        "cut.txt.gz": "truncated gzip",
        "cut.warc.gz": "truncated",
    }


def run_ingest(db: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tidings", "--db", str(db), "ingest", "--no-cluster", "--no-progress",
         *map(str, paths)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip


def test_bad_files_get_one_line_reasons_and_good_files_are_stored(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    expected = build_corpus(folder)
    db = tmp_path / "t.db"
    proc = run_ingest(db, folder)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr

    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    for name, reason in expected.items():
        lines = [line for line in errors if f"/{name}: " in line]
        assert lines, f"no error line for {name}: {proc.stderr}"
        assert lines[0].split(f"/{name}: ", 1)[1].startswith(reason), lines[0]

    with SQLiteStore(db) as store:
        letters = {Path(d.uri.split("#")[0]).name: d for d in store.dead_letters()}
        for name, reason in expected.items():
            assert letters[name].reason.startswith(reason), letters[name]
            assert "\n" not in letters[name].reason
        articles = list(store.iter_articles())
    stored = {Path(a.uri.split("#")[0]).name: a for a in articles}
    for path in SEED_FILES:
        assert path.name in stored
    for name in ("gbk.txt", "arabic-1256.txt", "broken.html"):
        assert name in stored, f"{name} not stored; dead letters: {letters.get(name)}"
    assert "开罗" in stored["gbk.txt"].raw_text  # Cairo, decoded from GBK
    assert stored["arabic-1256.txt"].encoding == "cp1256"
    # the truncated WARC keeps the records before the cut
    assert {a.url for a in articles} >= {"https://news.example/0", "https://news.example/1"}
    assert "stored " in proc.stdout and " failed" in proc.stdout


def test_exit_code_is_1_only_when_every_input_failed(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.bin").write_bytes(b"\x7fELF" + bytes(1000))
    proc = run_ingest(tmp_path / "t.db", tmp_path / "empty.txt", tmp_path / "blob.bin")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "empty file" in proc.stderr and "binary file (ELF executable)" in proc.stderr


def test_reingesting_the_same_content_changes_nothing_and_a_changed_url_is_version_2(tmp_path: Path) -> None:
    first = tmp_path / "day1.jsonl"
    first.write_text(_line("https://news.example/riyadh", seed("003")), encoding="utf-8")
    db = tmp_path / "t.db"
    assert run_ingest(db, first, *SEED_FILES).returncode == 0
    with SQLiteStore(db) as store:
        before = store.count_articles()
        (article,) = [a for a in store.iter_articles() if a.url == "https://news.example/riyadh"]
    again = run_ingest(db, first, *SEED_FILES)
    assert again.returncode == 0 and again.stdout.startswith("stored 0 ")
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in SEED_FILES:  # the same texts under other paths are the same articles
        (copy / ("renamed-" + path.name)).write_bytes(path.read_bytes())
    renamed = run_ingest(db, copy)
    assert renamed.returncode == 0 and renamed.stdout.startswith("stored 0 ")
    updated = tmp_path / "day2.jsonl"
    updated.write_text(_line("https://news.example/riyadh", seed("003") + "\nUpdated at 18:00."), encoding="utf-8")
    assert run_ingest(db, updated).returncode == 0
    with SQLiteStore(db) as store:
        assert store.count_articles() == before == 6
        versions = store.article_versions(article.id)
        assert [v["version"] for v in versions] == [1, 2]
        assert "Updated at 18:00." in store.get_article(article.id).raw_text  # type: ignore[union-attr]


def _line(url: str, text: str) -> str:
    return json.dumps({"url": url, "text": text}, ensure_ascii=False) + "\n"
