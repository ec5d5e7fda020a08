"""Each input format and legacy encoding is read into the right raw documents.

Every file is generated here from the real seed articles, so the assertions are
about real text: a GBK file must decode to exactly the Chinese seed, etc.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from conftest import seed_file
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tidings.article import RawDocument
from tidings.ingest import IngestError, Source, iter_sources
from tidings.ingest.encoding import decode


def seed(prefix: str) -> str:
    path = seed_file(prefix)
    return path.read_text(encoding="utf-8")


def read_all(*paths: Path | str, **kw: int) -> tuple[list[RawDocument], list[IngestError]]:
    docs: list[RawDocument] = []
    errors: list[IngestError] = []
    for item in iter_sources([str(p) for p in paths], **kw):
        if isinstance(item, IngestError):
            errors.append(item)
            continue
        assert isinstance(item, Source) and item.fingerprint.startswith("sha1:")
        for doc in item.read():
            (errors if isinstance(doc, IngestError) else docs).append(doc)
    return docs, errors


def encodable(text: str, codec: str) -> str:
    """The seed text without the characters ``codec`` cannot represent (Big5 lacks simplified forms)."""
    return "".join(c for c in text if c.encode(codec, errors="ignore") or not c)


# -- plain text and encodings ---------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "codec"),
    [("000", "gbk"), ("001", "gb18030"), ("000", "big5"), ("003", "cp1256"), ("004", "cp1256"),
     ("000", "utf-16-le"), ("004", "utf-16-be"), ("002", "utf-8-sig")],
)  # fmt: skip
def test_undeclared_legacy_encodings_decode_to_the_seed(tmp_path: Path, prefix: str, codec: str) -> None:
    text = encodable(seed(prefix), codec)
    path = tmp_path / f"{prefix}.txt"
    path.write_bytes(text.encode(codec))
    docs, errors = read_all(path)
    assert errors == []
    (doc,) = docs
    assert doc.format == "text"
    assert doc.text == text
    assert doc.encoding is not None


def test_short_gbk_headline_is_not_mistaken_for_a_latin_code_page() -> None:
    headline = seed("001").splitlines()[2][:12]  # a dozen Chinese characters
    text, codec = decode(headline.encode("gbk"))
    assert text == headline and codec == "gb18030"


def test_cyrillic_windows_1251_is_detected() -> None:
    text = "Россия и США договорились продолжить переговоры в Эр-Рияде о прекращении войны."
    assert decode(text.encode("cp1251")) == (text, "cp1251")


# -- HTML -----------------------------------------------------------------------------


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    body = seed("001")
    page = f'<html><head><meta charset="gb2312"><title>新闻</title></head><body><p>{body}</p></body></html>'
    (tmp_path / "page.html").write_bytes(page.encode("gb18030"))
    legacy = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256"></head>'
    (tmp_path / "ar.htm").write_bytes((legacy + f"<body><p>{seed('003')}</p></body></html>").encode("cp1256"))
    docs, errors = read_all(tmp_path)
    assert errors == []
    by_name = {Path(d.uri).name: d for d in docs}
    assert by_name["page.html"].format == "html" and body in by_name["page.html"].text
    assert by_name["page.html"].encoding == "gb18030"
    assert seed("003") in by_name["ar.htm"].text and by_name["ar.htm"].encoding == "cp1256"


def test_html_saved_as_txt_is_sniffed_and_malformed_html_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "saved.txt").write_text("<!DOCTYPE html><html><body><p>" + seed("002") + "</p>", encoding="utf-8")
    (tmp_path / "broken.html").write_text("<div><p>" + seed("003") + "<table><td></div></span>", encoding="utf-8")
    docs, errors = read_all(tmp_path)
    assert errors == []
    assert [d.format for d in docs] == ["html", "html"]


# -- JSONL / JSON -----------------------------------------------------------------------


def test_jsonl_good_lines_yield_and_each_bad_line_is_its_own_error(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"text": seed("000"), "url": "https://example.org/a", "title": "快讯", "published": "2025-02-18",
             "source": "大纪元", "lang": "zh"},
            ensure_ascii=False,
        ),
        '{"text": "unterminated',
        json.dumps({"title": "no body"}),
        "",
        json.dumps({"html": "<p>" + seed("004") + "</p>"}, ensure_ascii=False),
        "[1, 2]",
    ]
    path = tmp_path / "crawl.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, errors = read_all(path)
    assert [d.uri.rsplit("#", 1)[1] for d in docs] == ["L1", "L5"]
    first = docs[0]
    assert first.text == seed("000") and first.url == "https://example.org/a"
    assert first.meta == {"title": "快讯", "published": "2025-02-18", "source": "大纪元", "lang": "zh"}
    assert docs[1].format == "html"
    reasons = [e.reason for e in errors]
    assert reasons[0].startswith("line 2: invalid JSON (")
    assert reasons[1] == "line 3: neither 'text' nor 'html'"
    assert reasons[2] == "line 6: not a JSON object (list)"
    assert [e.uri.rsplit("#", 1)[1] for e in errors] == ["L2", "L3", "L6"]
    assert all("\n" not in r for r in reasons)


def test_gzipped_jsonl_and_truncated_gzip(tmp_path: Path) -> None:
    data = "".join(json.dumps({"text": seed(p) * 20}, ensure_ascii=False) + "\n" for p in ("000", "002", "003"))
    packed = gzip.compress(data.encode("utf-8"))
    (tmp_path / "a.jsonl.gz").write_bytes(packed)
    (tmp_path / "b.jsonl.gz").write_bytes(packed[: len(packed) * 2 // 3])
    docs, errors = read_all(tmp_path)
    assert sum(Path(d.uri.split("#")[0]).name == "a.jsonl.gz" for d in docs) == 3
    (error,) = errors
    assert error.uri.endswith("b.jsonl.gz") and "gzip" in error.reason


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "articles.json"
    path.write_text(json.dumps([{"text": seed("002"), "url": "https://vn.example/x"}, {"text": ""}]), "utf-8")
    docs, errors = read_all(path)
    assert [d.url for d in docs] == ["https://vn.example/x"]
    assert errors[0].reason == "item 2: neither 'text' nor 'html'"


# -- feeds ----------------------------------------------------------------------------------


def test_rss_feed_entries(tmp_path: Path) -> None:
    rss = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Vietnam News</title><language>vi</language>
<item><title>Phái đoàn Nga</title><link>https://vn.example/1</link>
<pubDate>Tue, 18 Feb 2025 08:30:00 GMT</pubDate><description><![CDATA[<p>{seed("002")}</p>]]></description></item>
<item><title>empty</title><link>https://vn.example/2</link></item>
</channel></rss>"""
    path = tmp_path / "feed.xml"
    path.write_text(rss, encoding="utf-8")
    docs, errors = read_all(path)
    (doc,) = docs
    assert doc.format == "html" and doc.url == "https://vn.example/1"
    assert doc.meta["source"] == "Vietnam News" and doc.meta["title"] == "Phái đoàn Nga"
    assert doc.meta["published"] == "2025-02-18T08:30:00+00:00" and doc.meta["lang"] == "vi"
    assert "Kremlin" in doc.text
    assert errors[0].reason == "entry 2: no content or summary"


def test_atom_feed_with_content_sniffed_without_extension(tmp_path: Path) -> None:
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Arabic Wire</title>
<entry><title>خبر</title><link href="https://ar.example/1"/><updated>2025-02-18T12:00:00Z</updated>
<content type="html">&lt;p&gt;{seed("004")}&lt;/p&gt;</content></entry></feed>"""
    path = tmp_path / "latest"
    path.write_text(atom, encoding="utf-8")
    docs, errors = read_all(path)
    assert errors == []
    (doc,) = docs
    assert doc.url == "https://ar.example/1" and doc.meta["source"] == "Arabic Wire"
    assert seed("004").split()[0] in doc.text


# -- WARC ----------------------------------------------------------------------------------------


def make_warc(gz: bool) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    pages = [("https://a.example/ru-us", "utf-8", seed("000")), ("https://b.example/ar", "windows-1256", seed("004"))]
    for url, charset, text in pages:
        body = f"<html><head><title>t</title></head><body><p>{text}</p></body></html>".encode(charset)
        http = StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={charset}")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))
    image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://a.example/x.png", "response", payload=io.BytesIO(b"\x89PNG.."), http_headers=image
        )
    )
    moved = StatusAndHeaders("301 Moved", [("Location", "https://a.example/")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://a.example/old", "response", payload=io.BytesIO(b""),
                                                  http_headers=moved))  # fmt: skip
    return buf.getvalue()


@pytest.mark.parametrize("gz", [False, True])
def test_warc_responses_become_documents(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(make_warc(gz))
    docs, errors = read_all(path)
    assert errors == []
    assert [d.url for d in docs] == ["https://a.example/ru-us", "https://b.example/ar"]
    assert seed("004") in docs[1].text and docs[1].encoding == "cp1256"
    assert docs[0].meta["warc_date"]


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_warc_keeps_records_before_the_cut(tmp_path: Path, gz: bool) -> None:
    data = make_warc(gz)
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data[: int(len(data) * 0.6)])
    docs, errors = read_all(path)
    assert [d.url for d in docs] == ["https://a.example/ru-us"]
    (error,) = errors
    assert "truncated" in error.reason and "WARC" in error.reason


# -- folders and refusals ------------------------------------------------------------------------


def test_folders_are_walked_sorted_recursively_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text(seed("002"), "utf-8")
    (tmp_path / "1.txt").write_text(seed("001"), "utf-8")
    (tmp_path / ".hidden.txt").write_text(seed("003"), "utf-8")
    (tmp_path / ".git" / "x.txt").write_text(seed("003"), "utf-8")
    docs, errors = read_all(tmp_path, tmp_path / "1.txt")  # the same file twice is read once
    assert errors == []
    assert [Path(d.uri).relative_to(tmp_path).as_posix() for d in docs] == ["1.txt", "b/2.txt"]


def test_refusals_have_one_line_reasons(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    (tmp_path / "blob.txt").write_bytes(b"abc\x00\x01\x02" * 100)
    (tmp_path / "big.html").write_bytes(b"<html><body>" + b"x" * 3000)
    docs, errors = read_all(tmp_path, tmp_path / "missing", max_file_bytes=2000)
    assert docs == []
    reasons = {Path(e.uri).name: e.reason for e in errors}
    assert reasons == {
        "big.html": reasons["big.html"],
        "blob.txt": "binary file (NUL bytes)",
        "empty.txt": "empty file",
        "image.jpg": "binary file (JPEG image)",
        "missing": "no such file or directory",
    }
    assert reasons["big.html"].startswith("file too large (")


def test_fingerprint_follows_content_not_name(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(seed("002"), "utf-8")
    (tmp_path / "b.txt").write_text(seed("002"), "utf-8")
    first = [s.fingerprint for s in iter_sources([tmp_path]) if isinstance(s, Source)]
    (tmp_path / "b.txt").write_text(seed("002") + " ", "utf-8")
    second = [s.fingerprint for s in iter_sources([tmp_path]) if isinstance(s, Source)]
    assert first[0] == first[1] == second[0] != second[1]


def test_text_that_starts_like_a_magic_number_is_still_text(tmp_path: Path) -> None:
    (tmp_path / "mz.txt").write_text("MZANSI News: " + seed("003"), encoding="utf-8")
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps({"text": seed("002")}).encode() + b"\r\n")
    docs, errors = read_all(tmp_path)
    assert errors == []
    assert [d.format for d in docs] == ["text", "text"]


def test_watch_yields_new_and_changed_files_once(tmp_path: Path) -> None:
    from tidings.ingest import watch

    (tmp_path / "a.txt").write_text(seed("002"), "utf-8")
    polls = iter(range(3))

    def stop() -> bool:
        n = next(polls)
        if n == 0:
            (tmp_path / "b.txt").write_text(seed("003"), "utf-8")
        return n == 2

    seen = [Path(s.uri).name for s in watch([tmp_path], interval=0, settle=0, stop=stop)]
    assert seen == ["a.txt", "b.txt"]


def test_utf8_with_a_stray_byte_is_not_read_as_a_legacy_code_page() -> None:
    data = seed("001").encode("utf-8")
    damaged = data[:2000] + b"\xff" + data[2000:]
    text, codec = decode(damaged)
    assert codec == "utf-8"
    assert text.replace("\ufffd", "") == seed("001")


def test_an_oversized_jsonl_line_is_skipped_without_loading_it(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    big = json.dumps({"text": "x" * 50000})
    path.write_text("\n".join([json.dumps({"text": seed("002")}), big, json.dumps({"text": seed("003")})]), "utf-8")
    docs, errors = read_all(path, max_file_bytes=40000)
    assert [d.uri.rsplit("#", 1)[1] for d in docs] == ["L1", "L3"]
    assert [e.reason for e in errors] == ["line 2: record too large (over 39 KB)"]


def test_utf8_page_that_still_declares_gb2312_is_read_as_utf8(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="gb2312"></head><body><p>{seed("000")}</p></body></html>'
    (tmp_path / "moved.html").write_bytes(page.encode("utf-8"))
    (doc,), errors = read_all(tmp_path)
    assert errors == [] and doc.encoding == "utf-8" and seed("000") in doc.text


def test_a_stray_nul_in_scraped_text_is_dropped_not_fatal() -> None:
    data = seed("002").encode("utf-8")
    text, codec = decode(data[:100] + b"\x00" + data[100:])
    assert (text, codec) == (seed("002"), "utf-8")


def test_mac_cyrillic_is_told_from_windows_1251() -> None:
    text = "Сильные дожди прошли в Москве. Жители Якутска и Новосибирска ждут прогноза."
    assert decode(text.encode("mac_cyrillic")) == (text, "mac_cyrillic")
    assert decode(text.encode("cp1251")) == (text, "cp1251")


@pytest.mark.parametrize("declaration", ["", ' encoding="utf-8"'])
def test_a_feed_without_a_correct_charset_is_decoded_by_our_detection(tmp_path: Path, declaration: str) -> None:
    text = "Россия и США договорились продолжить переговоры в Эр-Рияде о прекращении войны."
    rss = (f'<?xml version="1.0"{declaration}?><rss version="2.0"><channel><title>Лента</title>'
           f"<item><title>Переговоры</title><description>{text}</description></item></channel></rss>")  # fmt: skip
    (tmp_path / "feed.rss").write_bytes(rss.encode("koi8_r"))
    (doc,), errors = read_all(tmp_path)
    assert errors == [] and doc.text == text and doc.meta["source"] == "Лента" and doc.encoding == "koi8_r"


def test_an_undeclared_legacy_page_is_detected_on_its_text_not_its_markup(tmp_path: Path) -> None:
    nav = "".join(f'<li><a href="/section/{i}/news" class="menu-item nav-link">Section {i}</a></li>' for i in range(30))
    text = seed("001")
    page = f"<html><head><title>x</title></head><body><ul>{nav}</ul><p>{text}</p></body></html>"
    (tmp_path / "page.html").write_bytes(page.encode("gb18030"))
    (doc,), errors = read_all(tmp_path)
    assert errors == [] and doc.encoding == "gb18030" and text in doc.text
