"""Hostile input (issue 12): whatever a folder holds, ingest finishes, prints no traceback, and
accounts for every file as article(s) or a dead letter with a one-line reason.

The corpus (``conftest.build``) holds one crafted file or a few per class of the issue: names
that are not UTF-8 or hold escapes, exponential and quadratic regex triggers, decompression
bombs, deep nesting, empty and garbage pages, legacy-encoded feeds, links and FIFOs, archives
without articles, ARC, article HTML that a Markdown renderer would run. It is ingested once,
by the real command line, from inside the folder that also holds the store.
"""

from __future__ import annotations

import json
import re

import pytest
from hostile_corpus import MAX_BYTES, NEWS, WORD, Run, build, run_tidings

from tidings.store.sqlite import SQLiteStore
from tidings.untrusted import uri_of


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Ingest the corpus once (the store lives inside the folder being ingested: item 16)."""
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "inbox"
    expect = build(folder)
    config = base / "budget.toml"
    config.write_text(f"[tidings]\nmax_file_bytes = {MAX_BYTES}\n", encoding="utf-8")
    proc = run_tidings("--db", "tidings.db", "--config", str(config), "ingest", "--no-progress", ".", cwd=folder)
    return Run(folder, folder / "tidings.db", expect, proc)


def outcomes(run: Run) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Stored articles and dead letters, as texts and reasons keyed by the uri of their document."""
    with SQLiteStore(run.db, read_only=True) as store:
        articles: dict[str, list[str]] = {}
        for article in store.iter_articles():
            articles.setdefault(article.uri, []).append(article.text)
        letters: dict[str, list[str]] = {}
        for letter in store.dead_letters():
            letters.setdefault(letter.uri, []).append(letter.reason)
    return articles, letters


def under(found: dict[str, list[str]], uri: str) -> list[str]:
    """Everything stored for one file: the file itself and its records (``file#L3``, ``file#E1``…)."""
    return [x for key, values in found.items() if key == uri or key.startswith(uri + "#") for x in values]


def test_ingest_finishes_without_a_traceback_and_every_message_is_one_line(hostile_run: Run) -> None:
    proc = hostile_run.proc
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), "a library's warning leaked:\n" + "\n".join(
        line for line in lines if not line.startswith("error: ")
    )
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", proc.stderr)  # no terminal escapes, no bell
    assert proc.stdout.startswith("stored ")


def test_every_file_is_an_article_or_a_dead_letter_with_its_reason(hostile_run: Run) -> None:
    articles, letters = outcomes(hostile_run)
    folder = str(hostile_run.folder)
    for key, expected in hostile_run.expect.items():
        name, _, record = key.partition("#")
        uri = uri_of(f"{folder}/{name}")
        if expected == "same":  # a link to another file of the folder: that file is read once
            continue
        if expected == "article":
            assert under(articles, uri), f"{name!r}: no article; dead letters: {under(letters, uri)}"
            continue
        assert expected.startswith("dead:")
        phrase = expected[len("dead:") :]
        reasons = under(letters, uri) if record in ("", "*") else letters.get(f"{uri}#{record}", [])
        assert reasons, f"{key!r}: no dead letter; articles: {len(under(articles, uri))}"
        assert any(phrase in reason for reason in reasons), f"{key!r}: {reasons}"
        if not record:  # refused as a whole: nothing of it was stored (the link to /etc/passwd)
            assert not under(articles, uri), key
        assert all("\n" not in reason and reason.isprintable() for reason in reasons)
    # every dead letter and article belongs to a file of the corpus
    names = {uri_of(f"{folder}/{key.partition('#')[0]}") for key in hostile_run.expect}
    for uri in [*articles, *letters]:
        assert uri.partition("#")[0] in names, uri


def test_the_store_never_reads_its_own_files(hostile_run: Run) -> None:
    articles, letters = outcomes(hostile_run)
    assert not [uri for uri in [*articles, *letters] if "tidings.db" in uri]


def test_feeds_and_files_in_legacy_encodings_are_decoded(hostile_run: Run) -> None:
    articles, _ = outcomes(hostile_run)
    folder = str(hostile_run.folder)
    for name in [k for k in hostile_run.expect if k.endswith(".rss") and k[:2] in NEWS] + ["ru-mac.txt"]:
        texts = under(articles, f"{folder}/{name}")
        assert texts and all(WORD[name[:2]] in t for t in texts[:1]), (name, texts)


def test_what_was_kept_around_the_hostile_records(hostile_run: Run) -> None:
    articles, _ = outcomes(hostile_run)
    folder = str(hostile_run.folder)
    assert len(under(articles, f"{folder}/nested.jsonl")) == 6  # the 1,000-deep line alone is lost
    assert [t for t in under(articles, f"{folder}/bomb.warc.gz") if t.endswith("Bomb.")]
    assert any(t.endswith("Deep.") for t in under(articles, f"{folder}/deep.html"))
    assert any(t.endswith("Archived.") for t in under(articles, f"{folder}/old.arc"))
    assert under(articles, uri_of(f"{folder}/".encode() + b"caf\xe9.txt"))


def test_a_markdown_card_never_passes_article_html_through(hostile_run: Run) -> None:
    with SQLiteStore(hostile_run.db, read_only=True) as store:
        (event_id,) = {a.event_id for a in store.iter_articles() if a.uri.endswith("/script.html")}
    assert event_id
    proc = run_tidings("--db", str(hostile_run.db), "event", event_id, "--markdown", cwd=hostile_run.folder)
    assert proc.returncode == 0, proc.stderr
    assert "Storm" in proc.stdout or "Floods" in proc.stdout
    assert "<" not in proc.stdout  # no tag can open: every "<" of an article is "&lt;"
    assert not re.search(r"(?<!\\)\]\(", proc.stdout)  # no link can form: "](" only escaped


def test_a_rerun_skips_what_is_done_and_adds_no_dead_letters(hostile_run: Run) -> None:
    """Item 1: the non-UTF-8 name used to abort the batch on every rerun."""
    _, before = outcomes(hostile_run)
    config = hostile_run.folder.parent / "budget.toml"
    proc = run_tidings("--db", "tidings.db", "--config", str(config), "ingest", "--no-progress", "--json", ".",
                       cwd=hostile_run.folder)  # fmt: skip
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["new"] == report["updated"] == 0
    assert report["sources_skipped"] == report["sources"] > 0
    _, after = outcomes(hostile_run)
    assert sorted(after) == sorted(before)


def test_read_workers_account_for_every_file_the_same_way(
    hostile_run: Run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The read stages' refusals and budgets hold in worker processes too (their errors travel back)."""
    base = tmp_path_factory.mktemp("hostile-workers")
    folder = base / "inbox"
    build(folder)
    config = base / "budget.toml"
    config.write_text(f"[tidings]\nmax_file_bytes = {MAX_BYTES}\nworkers = 1\n", encoding="utf-8")
    proc = run_tidings("--db", "tidings.db", "--config", str(config), "ingest", "--no-progress", ".", cwd=folder)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    parallel = Run(folder, folder / "tidings.db", hostile_run.expect, proc)

    def relative(run: Run) -> tuple[set[str], set[tuple[str, str]]]:
        articles, letters = outcomes(run)
        cut = len(str(run.folder))
        return ({uri[cut:] for uri in articles},
                {(uri[cut:], reason.replace(str(run.folder), "")) for uri, reasons in letters.items()
                 for reason in reasons})  # fmt: skip

    assert relative(parallel) == relative(hostile_run)
