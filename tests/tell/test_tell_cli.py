"""The tell commands of the CLI on the seed store: card, events, storylines, report; bad ids fail in one line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import CAIRO, RIYADH, copy_store

from tidings.cli import main
from tidings.store import open_store


def _run(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    return result.exit_code, result.output


def test_event_card_commands(seed_db: Path) -> None:
    code, out = _run(seed_db, "event", RIYADH, "--json")
    assert code == 0 and json.loads(out)["when"]["start"] == "2025-02-18"
    code, out = _run(seed_db, "event", RIYADH, "--markdown")
    assert code == 0 and out.startswith("## ")
    code, out = _run(seed_db, "event", "no-such-event")
    assert code != 0 and "no event with id" in out and "Traceback" not in out


def test_events_storylines_report(seed_db: Path, tmp_path: Path) -> None:
    code, out = _run(seed_db, "events", "--json")
    assert code == 0 and {r["id"] for r in json.loads(out)} == {RIYADH, CAIRO}
    code, out = _run(seed_db, "storylines", "--json")
    assert code == 0 and json.loads(out) == []  # two rounds of talks 27 months apart: not one story
    code, out = _run(seed_db, "storylines")
    assert code == 0 and "related, another story each (1)" in out and CAIRO in out and RIYADH in out
    assert "same kind (talks), 830 days apart" in out
    code, out = _run(seed_db, "report", str(tmp_path / "r.html"))
    assert code == 0 and (tmp_path / "r.html").exists()


def test_storylines_are_saved_only_when_asked(seed_db: Path, tmp_path: Path) -> None:
    db = copy_store(seed_db, tmp_path / "copy.db")
    for args in (("storylines",), ("report", str(tmp_path / "r.html"))):
        assert _run(db, *args)[0] == 0
    with open_store(str(db)) as store:
        assert list(store.iter_records("storyline")) == []  # reading commands wrote nothing
        assert list(store.iter_records("related")) == []
    code, out = _run(db, "storylines", "--rebuild", "--json")
    assert code == 0 and json.loads(out) == []
    with open_store(str(db)) as store:
        assert [k for k, _ in store.iter_records("related")] == sorted([CAIRO, RIYADH])
    code, out = _run(db, "event", RIYADH)
    assert code == 0 and "RELATED (ANOTHER STORY)" in out and CAIRO in out


def test_events_rows_have_one_shape(seed_db: Path) -> None:
    code, out = _run(seed_db, "events", "--json")
    riyadh = json.loads(out)[0]
    assert code == 0 and riyadh["id"] == RIYADH
    assert riyadh["languages"] == ["ar", "vi", "zh"] and riyadh["articles"] == 4
    assert (riyadh["date"], riyadh["where"]) == ("2025-02-18", "Riyadh")
    code, out = _run(seed_db, "events")
    assert code == 0 and "ar,vi,zh" in out
