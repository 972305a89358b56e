"""A PostgreSQL store shared by several processes: opening a new schema at once, reading
at once, and opening without writing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from compliance.store import open_store

pytestmark = pytest.mark.postgres

OPEN = "import sys; from compliance.store import open_store; print(open_store(sys.argv[1]).position())"
# Runs one read-only command 20 times in a row, each a full command run (store opened,
# read, closed): eight of these started together are eight readers at once, 20 rounds.
READ_20 = """
import sys, time
from click.testing import CliRunner
from cli import cli
start = float(sys.argv[1])
while time.time() < start:
    time.sleep(0.01)
for round_ in range(20):
    result = CliRunner().invoke(cli, sys.argv[2:])
    if result.exit_code != 0:
        sys.exit(f"round {round_}: exit {result.exit_code}: {result.output[-300:]}")
"""
EVENTS = [
    {"child": f"C{n}", "type": "entered_care", "at": "2024-01-08", "id": f"e{n}", "legal_status": "C2"}
    for n in range(6)
]


def _together(commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    env = {**os.environ, "CASECHECK_CIPHER_KEY": ""}
    running = [
        subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for c in commands
    ]
    done = []
    for p in running:
        out, err = p.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


def test_four_processes_opening_a_brand_new_schema_at_once_all_succeed_twenty_times(postgres_url):
    base = postgres_url.split("?")[0]
    import psycopg

    for round_ in range(20):
        schema = f"casecheck_race_{uuid.uuid4().hex[:10]}"
        url = f"{base}?schema={schema}"
        try:
            results = _together([[sys.executable, "-c", OPEN, url] for _ in range(4)])

            assert [r.returncode for r in results] == [0, 0, 0, 0], (
                round_,
                [r.stderr[-300:] for r in results],
            )
            assert [r.stdout.strip() for r in results] == ["0"] * 4
        finally:
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_eight_read_only_commands_on_a_shared_store_at_once_all_succeed_twenty_times(postgres_url, tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in EVENTS), encoding="utf-8")
    cli = [sys.executable, "-m", "cli", "--db", postgres_url]
    setup = _together([[*cli, "import", str(events)]])[0]
    assert setup.returncode == 0, setup.stderr
    assert _together([[*cli, "nightly", "--as-of", "2024-06-03"]])[0].returncode == 0
    readers = [
        ["verify"],
        ["runs", "--json"],
        ["alerts", "--json", "--as-of", "2024-06-03"],
        ["check", "--json", "--as-of", "2024-06-03"],
        ["timeline", "C1", "--json", "--as-of", "2024-06-03"],
        ["timeline", "C2", "--as-of", "2024-06-03"],
        ["verify", "--json"],
        ["audit", "C3", "--as-of", "2024-06-03", "--known-at", "2024-06-03"],
    ]

    import time

    start = str(time.time() + 3)  # all eight begin at the same moment, once started

    results = _together([[sys.executable, "-c", READ_20, start, "--db", postgres_url, *r] for r in readers])

    assert [r.returncode for r in results] == [0] * 8, [r.stderr[-300:] for r in results]


def test_opening_a_store_whose_tables_exist_writes_nothing(postgres_url):
    open_store(postgres_url).close()
    import psycopg

    schema = postgres_url.split("schema=")[1]
    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute("BEGIN")
        # A lock that conflicts with any table change, DDL included: opening must not wait on it.
        conn.execute("LOCK TABLE casecheck_events, casecheck_snapshots IN SHARE MODE")
        result = subprocess.run(
            [sys.executable, "-c", OPEN, postgres_url],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PGOPTIONS": "-c lock_timeout=3000", "CASECHECK_CIPHER_KEY": ""},
        )
        conn.execute("ROLLBACK")

    assert result.returncode == 0, result.stderr
