"""Every budget of one input ends in a one-line error, and what was read before it is kept."""

from __future__ import annotations

import io
import json
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SEED_FILES
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import tidings.ingest as ingest
from tidings.article import RawDocument
from tidings.ingest import IngestError, Limits, Source, iter_sources

TEXTS = [p.read_text("utf-8") for p in SEED_FILES]


def read(path: Path, **limits: float) -> tuple[list[RawDocument], list[IngestError]]:
    docs: list[RawDocument] = []
    errors: list[IngestError] = []
    for source in iter_sources([path], limits=Limits(**limits)):  # type: ignore[arg-type]
        if isinstance(source, IngestError):
            errors.append(source)
            continue
        assert isinstance(source, Source)
        for item in source.read():
            (errors if isinstance(item, IngestError) else docs).append(item)
    return docs, errors


def gzipped(chunks: Iterator[bytes]) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join([*(comp.compress(c) for c in chunks), comp.flush()])


def test_a_line_nested_1000_deep_is_one_error_and_the_rest_of_the_file_is_read(tmp_path: Path) -> None:
    good = [json.dumps({"text": t}) for t in TEXTS]
    deep = '{"text": "x", "a": ' + "[" * 1000 + "]" * 1000 + "}"
    (tmp_path / "deep.jsonl").write_text("\n".join([*good[:2], deep, *good[2:]]) + "\n", "utf-8")
    docs, errors = read(tmp_path / "deep.jsonl")
    assert [d.text for d in docs] == TEXTS
    assert [(e.uri.rsplit("#", 1)[1], e.reason) for e in errors] == [("L3", "line 3: JSON nested too deep "
                                                                     "(over ~1,000 levels)")]  # fmt: skip


def test_a_gzip_of_blank_lines_is_stopped_by_the_inflation_budget(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl.gz"
    path.write_bytes(gzipped(b"\n" * (1 << 20) for _ in range(64)))  # 64 MB from ~64 KB
    docs, (error,) = read(path, max_bytes=1 << 20)
    assert docs == [] and "decompression bomb" in error.reason
    # the same blank lines uncompressed are only what they are: read through at C speed
    (tmp_path / "blank.jsonl").write_bytes(b"\n \r\n" * (4 << 20))
    assert read(tmp_path / "blank.jsonl")[1][0].reason == "no JSON records (only blank lines)"


def test_a_warc_record_is_never_read_whole(tmp_path: Path) -> None:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for body in (f"<html><body><p>{TEXTS[0]}</p></body></html>".encode(), b"<p>" + b" " * (64 << 20)):
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://x.example/", "response", payload=io.BytesIO(body),
                                                      http_headers=http))  # fmt: skip
    (tmp_path / "bomb.warc.gz").write_bytes(buf.getvalue())
    docs, (error,) = read(tmp_path / "bomb.warc.gz", max_bytes=1 << 20)
    assert len(docs) == 1 and error.reason.startswith("record 2: gave up after ")


@pytest.mark.parametrize(
    ("records", "held"),
    [([("request", "")] * 2, "2 request"), ([("response", "image/png")], "1 image/png"),
     ([("response", "application/json"), ("metadata", "")], "1 application/json, 1 metadata")],
)  # fmt: skip
def test_an_archive_without_articles_says_what_it_held(tmp_path: Path, records: list[tuple[str, str]],
                                                       held: str) -> None:  # fmt: skip
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for kind, ctype in records:
        if kind == "response":
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record("https://x/", kind, payload=io.BytesIO(b"{}"), http_headers=http)
        elif kind == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            rec = writer.create_warc_record("https://x/", kind, payload=io.BytesIO(b""), http_headers=http)
        else:
            rec = writer.create_warc_record("https://x/", kind, payload=io.BytesIO(b"a: b"),
                                            warc_content_type="application/warc-fields")  # fmt: skip
        writer.write_record(rec)
    (tmp_path / "a.warc").write_bytes(buf.getvalue())
    docs, (error,) = read(tmp_path / "a.warc")
    assert docs == [] and error.reason == f"no article in {len(records)} WARC record(s) (held: {held})"


def test_an_arc_file_is_read_as_an_archive(tmp_path: Path) -> None:
    html = f"<html><body><p>{TEXTS[3]}</p></body></html>".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    desc = b"1 0 Tidings\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = (f"filedesc://t.arc 0.0.0.0 20050614070144 text/plain {len(desc)}\n".encode() + desc + b"\n"
           + f"http://x.example/a 1.2.3.4 20050614070159 text/html {len(http)}\n".encode() + http + b"\n")  # fmt: skip
    (tmp_path / "old.arc").write_bytes(arc)
    (doc,), errors = read(tmp_path / "old.arc")
    assert errors == [] and doc.url == "http://x.example/a" and TEXTS[3] in doc.text


def test_utf16_jsonl_without_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in TEXTS[:3])
    (tmp_path / "le.jsonl").write_bytes(lines.encode("utf-16-le"))
    (tmp_path / "be.jsonl").write_bytes(lines.encode("utf-16"))  # with a BOM
    for name in ("le.jsonl", "be.jsonl"):
        docs, errors = read(tmp_path / name)
        assert errors == [] and [d.text for d in docs] == TEXTS[:3]


def test_json_errors_read_once(tmp_path: Path) -> None:
    (tmp_path / "u.jsonl").write_text('{"text": "Floods hit', "utf-8")
    (error,) = read(tmp_path / "u.jsonl")[1]
    assert error.reason == "line 1: invalid JSON (Unterminated string starting at column 10)"


def test_record_budgets_end_a_file_with_one_error(tmp_path: Path) -> None:
    good = json.dumps({"text": TEXTS[0]})
    (tmp_path / "many.jsonl").write_text("\n".join([good] * 5), "utf-8")
    docs, (error,) = read(tmp_path / "many.jsonl", max_records=3)
    assert len(docs) == 3 and error.reason == "gave up after 3 records (the budget per file; split it)"
    (tmp_path / "log.jsonl").write_text("\n".join([good, *["[1]"] * 20]), "utf-8")
    docs, errors = read(tmp_path / "log.jsonl", max_bad_records=5)
    assert len(docs) == 1 and len(errors) == 6 and errors[-1].reason == "gave up after 5 bad records of 6"


def test_unpacking_past_the_time_budget_keeps_what_came_before(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    (tmp_path / "a.txt").write_text(TEXTS[0], "utf-8")

    def slow_reader(path: Path, kind: str, gz: bool, limits: Limits) -> Iterator[RawDocument]:
        yield RawDocument(uri=str(path), text=TEXTS[0], format="text")
        end = time.monotonic() + 60
        while time.monotonic() < end:  # a parser stuck in Python code
            pass
        yield RawDocument(uri=str(path), text=TEXTS[1], format="text")

    monkeypatch.setattr(ingest, "_read", slow_reader)
    docs, (error,) = read(tmp_path / "a.txt", seconds=0.3)
    assert [d.text for d in docs] == [TEXTS[0]] and error.reason == "gave up after 0.3 s (unpacking record 2)"
