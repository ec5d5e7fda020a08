"""The HTML report in a real browser (headless Chromium): it renders, and hostile text stays inert.

Chromium comes from Debian (``scripts/install_chromium.sh``). Without it the test skips
with a reason, except in CI (``CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "tell"))

from conftest import build_seed_store
from test_tell_report import hostile_store

from tidings.tell.report import write_report

#: Chromium needs a few seconds to start on a busy 2-core machine.
BROWSER_TIMEOUT_S = 120


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("CI"):
        pytest.fail("chromium not found in CI: run scripts/install_chromium.sh")
    pytest.skip("chromium not found (install it with scripts/install_chromium.sh)")


def run_browser(html: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-extensions", "--mute-audio", f"--user-data-dir={tmp / 'profile'}", "--window-size=1280,2000",
        *extra, html.resolve().as_uri(),
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S, check=False)


def test_report_renders_and_hostile_text_is_inert(tmp_path: Path) -> None:
    chromium()
    store = build_seed_store(tmp_path / "seeds.db")
    hostile = hostile_store(tmp_path / "hostile.db")
    # one report with the seeds and the hostile event together
    for key, value in hostile.iter_records("event"):
        store.put_record("event", key, value)
    for article in hostile.iter_articles():
        store.put_article(article)
    store.commit()
    page = write_report(store, tmp_path / "report.html")

    shot = tmp_path / "report.png"
    result = run_browser(page, tmp_path, f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 20_000, result.stderr[-2000:]
    if os.environ.get("TIDINGS_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["TIDINGS_KEEP_SCREENSHOT"])

    dom = run_browser(page, tmp_path, "--dump-dom").stdout
    assert "<main>" in dom and "Related events, another story each (1)" in dom
    assert "Riyadh" in dom and "2025-02-18" in dom
    body = dom.split("<body", 1)[1]
    assert "<script" not in body.lower()  # no element was injected
    # serialised DOM: real tags start with "<"; article text shows as "&lt;" (quotes in text stay raw)
    assert not re.search(r"<(img|iframe)\b", body, re.IGNORECASE)
    assert not re.search(r"<[^<>]+\son(error|load|click|mouseover)\s*=", body, re.IGNORECASE)
    assert not re.search(r"<[^<>]+href\s*=\s*\"?\s*javascript:", body, re.IGNORECASE)
    assert "PWNED" not in dom.split("<body", 1)[0]  # the <title> the script would set
    assert 'id="PWNED"' not in dom  # the attribute onerror would set
    assert "&lt;script&gt;document.title" in dom  # shown as text instead
