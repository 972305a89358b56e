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


def test_a_ctrl_c_that_a_library_wraps_in_its_own_error_still_exits_130(monkeypatch):
    import click
    from click.testing import CliRunner

    from compliance.cli import common

    monkeypatch.setattr(common, "_SIGINT_SEEN", [False])

    @click.group(cls=common.Casecheck)
    def group() -> None:
        pass

    @group.command()
    def interrupted_in_a_callback() -> None:
        try:
            common._on_sigint(signal.SIGINT, None)  # what Ctrl-C runs
        except KeyboardInterrupt:
            # as pydantic's serializer reports an exception raised in a Python callback
            raise ValueError("Error calling function `serialize`: KeyboardInterrupt") from None

    @group.command()
    def fails() -> None:
        raise ValueError("a real bug")

    result = CliRunner().invoke(group, ["interrupted-in-a-callback"])
    assert result.exit_code == 130
    assert result.stderr == "casecheck: interrupted; nothing was stored\n"

    monkeypatch.setattr(common, "_SIGINT_SEEN", [False])
    failed = CliRunner().invoke(group, ["fails"])
    assert failed.exit_code == 1 and isinstance(failed.exception, ValueError)


def test_a_ctrl_c_while_the_store_is_being_opened_prints_only_the_products_line(tmp_path):
    """An interruption inside a library's constructor leaves a half-built object whose
    finaliser would fail on the way out: the command still ends with its one line."""
    script = (
        "import os, signal, time\n"
        "import eventsourcing.persistence as p\n"
        "def interrupted(self, *args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    time.sleep(5)\n"
        "p.ConnectionPool.__init__ = interrupted\n"
        "import cli\n"
        "cli.main()\n"
    )
    events = tmp_path / "events.jsonl"
    events.write_text('{"child": "C1", "type": "entered_care", "at": "2025-01-06"}\n', encoding="utf-8")
    process = subprocess.run(
        [sys.executable, "-c", script, "--db", str(tmp_path / "casecheck.db"), "import", str(events)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_default_sigint,  # as above: the Ctrl-C must not arrive ignored
    )

    assert process.returncode == 130
    assert process.stderr == "casecheck: interrupted; nothing was stored\n"
