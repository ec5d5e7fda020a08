"""Which files are inputs: links stay inside the given folders, special files and the store are never read."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import SEED_FILES

from tidings.ingest import IngestError, Source, iter_sources, walk

SEED = SEED_FILES[0]


def names(items: list[Path | IngestError], root: Path) -> dict[str, str]:
    """relative name → "file" or the error's reason."""
    out = {}
    for item in items:
        if isinstance(item, IngestError):
            out[item.uri[len(str(root)) + 1 :]] = item.reason
        else:
            out[item.relative_to(root).as_posix()] = "file"
    return out


def test_links_out_of_the_folder_loops_broken_links_and_fifos_are_errors(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not news", "utf-8")
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_bytes(SEED.read_bytes())
    os.symlink(outside / "secret.txt", root / "secret.txt")
    os.symlink(outside, root / "elsewhere")
    os.symlink(root / "loop2", root / "loop1")
    os.symlink(root / "loop1", root / "loop2")
    os.symlink(root / "gone.txt", root / "broken.txt")
    os.symlink(root / "a.txt", root / "sub" / "same.txt")  # inside: the same file, read once
    os.symlink(root, root / "sub" / "up")  # a link back up the tree is not walked twice
    os.mkfifo(root / "pipe")
    found = names(list(walk([root])), root)
    assert found["a.txt"] == "file" and "sub/same.txt" not in found
    assert found["secret.txt"].startswith(f"symbolic link to {outside}/secret.txt, outside the input folders")
    assert found["elsewhere"].startswith("symbolic link to ")
    assert found["loop1"] == found["loop2"] == "symbolic link loop"
    assert found["broken.txt"].startswith("broken symbolic link")
    assert found["pipe"] == "not a regular file (FIFO)"
    assert len(found) == 7

    (outside / "other.txt").write_text("also not news", "utf-8")
    followed = names(list(walk([root], follow_links=True)), root)
    assert followed["secret.txt"] == followed["elsewhere/other.txt"] == "file"  # elsewhere/secret.txt: read once
    assert "elsewhere/secret.txt" not in followed and followed["pipe"] == "not a regular file (FIFO)"


def test_a_device_is_never_read_even_through_a_followed_link(tmp_path: Path) -> None:
    os.symlink("/dev/null", tmp_path / "null")
    assert names(list(walk([tmp_path])), tmp_path)["null"].startswith("symbolic link to /dev/null, outside")
    followed = names(list(walk([tmp_path], follow_links=True)), tmp_path)
    assert followed == {"null": "not a regular file (character device)"}


def test_a_file_name_that_is_not_utf8_is_read_under_an_escaped_name(tmp_path: Path) -> None:
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as fh:
        fh.write(SEED.read_bytes())
    (source,) = iter_sources([tmp_path])
    assert isinstance(source, Source) and source.uri == f"{tmp_path}/caf\\xe9.txt"
    (doc,) = source.read()
    assert doc.uri == source.uri and doc.text == SEED.read_text("utf-8")  # type: ignore[union-attr]


def test_the_store_files_are_never_inputs(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    for name in ("tidings.db", "tidings.db-wal", "tidings.db-shm", "tidings.db.lock"):
        (tmp_path / name).write_bytes(b"SQLite format 3\x00" + bytes(100))
    store = [tmp_path / n for n in ("tidings.db", "tidings.db-wal", "tidings.db-shm", "tidings.db.lock")]
    assert names(list(walk([tmp_path], skip=store)), tmp_path) == {"a.txt": "file"}
