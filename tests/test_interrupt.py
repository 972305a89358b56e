"""Ctrl-C during an import: the product's own line, exit 130, nothing stored."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_during_an_import_says_nothing_was_stored_and_exits_130(tmp_path):
    from compliance.synthetic import generate, write_jsonl

    events = tmp_path / "council.jsonl"
    write_jsonl(events, generate(2500, seed=3, until=date(2025, 1, 1)))
    db = tmp_path / "casecheck.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "--db", str(db), "import", str(events)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A person's Ctrl-C reaches a program whose SIGINT is not ignored; a test runner
        # started in the background may pass SIGINT down ignored, so restore the default.
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + 60
    while not db.exists() and time.monotonic() < deadline:  # the store is opened before the file is read
        time.sleep(0.01)

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)

    assert process.returncode == 130, (out, err)
    assert err == "casecheck: interrupted; nothing was stored\n"
    with sqlite3.connect(db) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        stored = (
            conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]
            if "stored_events" in tables
            else 0
        )
    assert stored == 0
