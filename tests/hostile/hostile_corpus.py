"""The hostile-input corpus: one crafted file (or a few) per class of issue 12, small enough for CI.

(A helper module, not a conftest: the shared constants live in ``tests/conftest.py``.)

Every file is written here, from the seeds and from short news sentences written for
these tests, so the suite needs nothing from outside the repository. ``EXPECT`` says
what each file must become: ``"article"`` (at least one stored article),
``"dead:PHRASE"`` (a dead letter for the file or one of its records whose reason
contains PHRASE), or ``"same"`` (a link to another file of the folder, read once as
that file). ``NAME#L3`` keys a record of a file; ``NAME#*`` any of its dead letters.

The budgets are lowered in ``budget.toml`` (2 MB per file or record instead of
20 MB) so that the decompression bombs stay a few hundred kilobytes on disk.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from conftest import SEED_FILES as SEEDS
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: The per-file (and per-record) byte budget the suite runs with.
MAX_BYTES = 2 << 20

#: Short news paragraphs written for these tests, one per legacy encoding a feed may come in.
NEWS = {
    "ja": "東京で記録的な大雨が降り、多くの列車が運転を見合わせました。気象庁は月曜日、関東地方に大雨警報を出し、"
    "住民に川へ近づかないよう呼びかけています。",
    "ko": "서울에 기록적인 폭우가 내려 많은 도로가 통제되었습니다. 기상청은 월요일 수도권에 호우 경보를 내리고 "
    "주민들에게 하천에 가까이 가지 말라고 당부했습니다.",
    "th": "ฝนตกหนักในกรุงเทพมหานครทำให้ถนนหลายสายถูกน้ำท่วม กรมอุตุนิยมวิทยาออกประกาศเตือนภัยเมื่อวันจันทร์ "
    "และขอให้ประชาชนหลีกเลี่ยงพื้นที่ริมแม่น้ำ",
    "he": "גשמים כבדים ירדו בתל אביב וכבישים רבים נחסמו. השירות המטאורולוגי פרסם ביום שני אזהרה מפני שיטפונות, "
    "והתושבים התבקשו להתרחק מהנחלים.",
    "ru": "Сильные дожди прошли в Москве, многие дороги были перекрыты. В понедельник синоптики объявили штормовое "
    "предупреждение, жителей попросили не подходить к рекам.",
}
#: A word of each paragraph that must come through the decoding intact.
WORD = {"ja": "大雨", "ko": "폭우", "th": "กรุงเทพมหานคร", "he": "גשמים", "ru": "Москве"}

ENGLISH = (
    "Floods hit the north of the country on Monday after three days of heavy rain, officials said. "
    "Rescue teams evacuated more than two thousand people from villages along the river, and the army "
    "sent helicopters to reach families cut off by the water."
)


def seed(prefix: str) -> str:
    (path,) = [p for p in SEEDS if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def _feed(site: str, bodies: list[str]) -> str:
    """An RSS feed; ``site`` makes its links its own (the same link in two feeds is one article)."""
    items = "".join(
        f"<item><title>Item {n}</title><link>https://news.example/{site}/{n}</link>"
        "<pubDate>Mon, 17 Feb 2025 08:30:00 GMT</pubDate>"
        f"<description>{body}</description></item>"
        for n, body in enumerate(bodies)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>News {site}</title>{items}</channel></rss>'


def _warc(records: list[tuple[str, str, bytes]], *, gz: bool) -> bytes:
    """(record type, content type, payload) → WARC bytes; responses get HTTP headers."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for n, (rec_type, ctype, payload) in enumerate(records):
        uri = f"https://news.example/w/{n}"
        if rec_type == "response":
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = writer.create_warc_record(uri, "response", payload=io.BytesIO(payload), http_headers=http)
        elif rec_type == "request":
            http = StatusAndHeaders("GET /w HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            rec = writer.create_warc_record(uri, "request", payload=io.BytesIO(b""), http_headers=http)
        else:
            rec = writer.create_warc_record(uri, rec_type, payload=io.BytesIO(payload), warc_content_type=ctype)
        writer.write_record(rec)
    return buf.getvalue()


def _arc(url: str, html: str) -> bytes:
    """A one-page ARC (version 1) file, the Internet Archive's format before WARC."""
    desc_body = b"1 0 Tidings\nURL IP-address Archive-date Content-type Archive-length\n"
    head = f"filedesc://test.arc 0.0.0.0 20050614070144 text/plain {len(desc_body)}\n".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()
    rec = f"{url} 93.184.216.34 20050614070159 text/html {len(http)}\n".encode() + http + b"\n"
    return head + desc_body + b"\n" + rec


def _bomb(size: int) -> bytes:
    """``size`` bytes of blank lines, gzipped to about a thousandth of that."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\n" * (1 << 20)
    return b"".join([*(comp.compress(block) for _ in range(size >> 20)), comp.flush()])


def build(folder: Path) -> dict[str, str]:
    """Write the corpus into ``folder``; returns file name → expectation (see the module doc)."""
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(name: str | bytes, data: bytes | str, outcome: str) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else name.encode())
        with open(path, "wb") as fh:
            fh.write(raw)
        expect[os.fsdecode(name) if isinstance(name, bytes) else name] = outcome

    for path in SEEDS:
        put(path.name, path.read_bytes(), "article")

    # 1, 17: names that are not UTF-8, or hold a line break or terminal escapes
    put(b"caf\xe9.txt", ENGLISH + " (Caf\u00e9.)", "article")
    put("two\nlines.txt", seed("003") + "\nUpdated at 18:00.", "article")
    put("\x1b[31mred\x1b[0m.txt", "Update from Jeddah.\n" + seed("004"), "article")
    put("\x1b]0;owned\x07bad\nname.txt", b"", "dead:empty file")

    # 2: a page that opens with many comments (the sniffer's regex was exponential)
    put("comments.html", "<!-- c -->\n" * 40 + f"<html><body><p>{ENGLISH}</p></body></html>", "article")

    # 4: a WARC record that inflates far past the per-record budget; the record before it is kept
    warc = _warc([("response", "text/html", f"<html><body><p>{ENGLISH} Bomb.</p></body></html>".encode()),
                  ("response", "text/html", b"<p>" + b" " * (64 * MAX_BYTES))], gz=True)  # fmt: skip
    put("bomb.warc.gz", warc, "article")
    expect["bomb.warc.gz#*"] = "dead:record 2: gave up after"

    # 5: one long run of digits (the cleaner's date regex was quadratic)
    put("digits.txt", ENGLISH + "\n" + "7" * 30_000 + "\n" + seed("000")[:400], "article")

    # 7: one JSONL line nested 1,000 deep among good lines
    good = [json.dumps({"id": f"n{n}", "text": f"{ENGLISH} Report {n}."}) for n in range(6)]
    deep = '{"text": "x", "a": ' + "[" * 1000 + "]" * 1000 + "}"
    put("nested.jsonl", "\n".join([*good[:2], deep, *good[2:]]) + "\n", "article")
    expect["nested.jsonl#L3"] = "dead:JSON nested too deep"

    # 8: a .jsonl.gz of blank lines only (64 MB from ~64 KB)
    put("blank.jsonl.gz", _bomb(64 << 20), "dead:a decompression bomb?")

    # 10: no extractable text, and random high bytes named .html
    put("empty-page.html", "<html><head><title>x</title></head><body><div><img src='a.png'></div></body></html>",
        "dead:no text")  # fmt: skip
    rng = random.Random(12)
    put("noise.html", bytes(rng.randrange(0x80, 0x100) for _ in range(20_000)), "dead:not text")
    put("empty-entries.rss", _feed("en", ["&lt;img src='a.png'&gt;", "   ", ENGLISH]), "article")
    expect["empty-entries.rss#E1"] = "dead:no text"
    expect["empty-entries.rss#E2"] = "dead:no content or summary"

    # 11: feeds with no charset declaration, and a mac_cyrillic text
    for lang, codec in (("ja", "euc_jp"), ("ja", "shift_jis"), ("ko", "euc_kr"), ("ru", "koi8_r"), ("th", "tis_620"),
                        ("he", "cp1255")):  # fmt: skip
        site, sentences = f"{lang}-{codec}", f"[{codec}] " + NEWS[lang]
        put(f"{site}.rss", _feed(site, [sentences, sentences[: len(sentences) // 2]]).encode(codec), "article")
    put("ru-mac.txt", (NEWS["ru"] + "\n" + NEWS["ru"]).encode("mac_cyrillic"), "article")

    # 13: links out of the folder, a loop, a broken link, a FIFO
    os.symlink("/etc/passwd", folder / "passwd")
    expect["passwd"] = "dead:outside"
    os.symlink(folder / "loop-b", folder / "loop-a")
    os.symlink(folder / "loop-a", folder / "loop-b")
    expect["loop-a"] = expect["loop-b"] = "dead:loop"
    os.symlink(folder / "gone.txt", folder / "broken")
    expect["broken"] = "dead:broken"
    os.mkfifo(folder / "fifo")
    expect["fifo"] = "dead:FIFO"
    os.symlink(folder / SEEDS[0].name, folder / "inside-link.txt")  # the same file as a seed: read once
    expect["inside-link.txt"] = "same"

    # 14: archives with nothing to read say why; ARC is read; very deep HTML keeps its text
    put("requests.warc", _warc([("request", "", b""), ("request", "", b"")], gz=False), "dead:request")
    put("images.warc.gz", _warc([("response", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(100))], gz=True),
        "dead:image/png")  # fmt: skip
    put("json.warc", _warc([("response", "application/json", b'{"a": 1}')], gz=False), "dead:application/json")
    put("old.arc", _arc("http://news.example/arc", f"<html><body><p>{ENGLISH} Archived.</p></body></html>"),
        "article")  # fmt: skip
    put("deep.html", "<html><body>" + "<div>" * 100_000 + f"<p>{ENGLISH} Deep.</p>" + "</div>" * 100_000
        + "</body></html>", "article")  # fmt: skip

    # 15: article HTML that a Markdown renderer would run
    hostile = (f"<html><head><title>Storm <script>alert(1)</script> warning</title></head><body><article>"
               f"<h1>Storm warning <img src=x onmouseover=alert(2)></h1><p>{ENGLISH}</p>"
               f"<p>&lt;script&gt;alert(3)&lt;/script&gt; The mayor said *nothing* [here](javascript:alert(4)).</p>"
               "</article></body></html>")  # fmt: skip
    put("script.html", hostile, "article")

    # 17: UTF-16 JSONL without a byte-order mark; an unterminated string
    lines = "".join(json.dumps({"id": f"u{n}", "text": f"{ENGLISH} Line {n}."}) + "\n" for n in range(3))
    put("utf16.jsonl", lines.encode("utf-16-le"), "article")
    put("unterminated.jsonl", '{"text": "Floods hit\n', "dead:Unterminated string starting at column 10")
    put("gz-text.txt.gz", gzip.compress(ENGLISH.encode() * 3), "article")
    return expect


@dataclass
class Run:
    """One ``tidings ingest`` of the corpus, and what it left behind."""

    folder: Path
    db: Path
    expect: dict[str, str]
    proc: subprocess.CompletedProcess[str]


def run_tidings(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    # as a user runs it: no PYTHONWARNINGS (libraries' warnings must not reach the terminal)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"} | {"OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "tidings", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=env)  # fmt: skip
