"""A large file imports into PostgreSQL in one transaction, and returns.

The import runs as a separate `casecheck import` process with a time limit, so a hang in
the driver fails the test (and the process is killed) instead of stopping the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from compliance.errors import ConcurrentChange
from compliance.sources.event_files import import_files
from compliance.store import (
    EVENT_ID_SHARDS,
    SHARD_TOPICS,
    ChildCase,
    child_aggregate_id,
    new_cipher_key,
    open_store,
)
from compliance.synthetic import generate, write_jsonl

# Comfortably above the size (2,000-3,000 children of five years' facts, a few MB in one
# INSERT) at which psycopg's pipeline mode stopped returning; a normal import takes seconds.
CHILDREN = 3_500
TIME_LIMIT_S = 180


def casecheck(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=Path(__file__).resolve().parents[1],
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"casecheck {args[2]} did not return within {timeout} s (killed)")


@pytest.mark.postgres
def test_a_file_of_thousands_of_children_imports_into_postgresql_in_one_transaction(tmp_path, postgres_url):
    path = tmp_path / "council.jsonl"
    lines = write_jsonl(path, generate(CHILDREN, seed=3, until=date(2026, 10, 31)))

    done = casecheck("--db", postgres_url, "import", str(path), "--json", timeout=TIME_LIMIT_S)

    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["imported"] == lines
    assert summary["children"] == CHILDREN
    store = open_store(postgres_url)
    assert len(store.children()) == CHILDREN
    # One stored event per child for the facts, one for opening the case, and the index of
    # event ids (each shard opened and added to, in events of CLAIMS_PER_EVENT ids at most,
    # and its marker): all committed.
    shard_records = len(store.recorder.select_notifications(1, 100_000, topics=list(SHARD_TOPICS)))
    assert shard_records >= 2 * EVENT_ID_SHARDS
    assert store.position() == 2 * CHILDREN + shard_records + 1


def _stale_and_fresh(postgres_url):
    """A store where C1 has moved on past a copy of it (`stale`, with a new fact that would
    collide), and a new child C2 (`fresh`) not yet saved."""
    store = open_store(postgres_url)
    store.record({"C1": [{"child": "C1", "type": "dental_check", "at": "2022-01-01"}]})
    stale = store.repository.get(child_aggregate_id("C1"))
    store.record({"C1": [{"child": "C1", "type": "pep_initiated", "at": "2022-01-02"}]})
    stale.record([{"child": "C1", "type": "pep_reviewed", "at": "2022-01-03"}], {})
    fresh = ChildCase.open("C2")
    fresh.record([{"child": "C2", "type": "dental_check", "at": "2022-01-01"}], {})
    return store, stale, fresh


@pytest.mark.postgres
def test_a_save_that_collides_with_another_writer_stores_nothing_of_its_transaction(postgres_url):
    store, stale, fresh = _stale_and_fresh(postgres_url)
    position = store.position()

    with pytest.raises(ConcurrentChange):
        store.save(fresh, stale)

    assert [s.fact["type"] for s in store.read_child("C1")] == ["dental_check", "pep_initiated"]
    assert store.children() == ["C1"]
    assert store.position() == position


AWKWARD = [
    'a "quoted" name',
    "a back\\slash, a \\N and a \\.",
    "a tab\there, a newline\nthere",
    "non-ASCII: Zoë, Łukasz, 東京\u2028Paris",
]


@pytest.mark.postgres
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_records_copied_into_postgresql_read_back_exactly_sealed_and_in_order(
    tmp_path, postgres_url, encrypted
):
    events = [
        {"child": f"C{n}", "type": "entered_care", "at": "2024-01-08", "legal_status": "C2", "id": f"c{n}"}
        for n in range(3)
    ] + [
        {
            "child": f"C{n}",
            "type": "statutory_visit",
            "at": f"2024-02-0{i + 1}",
            "id": f"v{n}-{i}",
            "note": text,
        }
        for n in range(3)
        for i, text in enumerate(AWKWARD)
    ]
    path = tmp_path / "awkward.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    # Encrypted, the stored state is ciphertext: bytes of every value go through the COPY.
    env = {"CASECHECK_CIPHER_KEY": new_cipher_key()} if encrypted else {}

    result = import_files(open_store(postgres_url, env=env), [str(path)])

    assert result.imported == len(events)
    store = open_store(postgres_url, env=env)  # a fresh store reads only what was committed
    for n in range(3):
        visits = [s.fact for s in store.read_child(f"C{n}") if s.fact["type"] == "statutory_visit"]
        assert [v["note"] for v in visits] == AWKWARD
    verification = store.verify()
    assert verification.ok, verification.first()
    # Notification ids follow the order the records were copied in: 1, 2, 3, ... with no gap.
    ids = [n.id for n in store.recorder.select_notifications(1, 10_000)]
    assert len(ids) > 2 * 3
    assert ids == list(range(1, store.position() + 1))


@pytest.mark.postgres
def test_a_collision_reported_when_the_copy_ends_stores_nothing_of_the_transaction(postgres_url):
    store, stale, fresh = _stale_and_fresh(postgres_url)
    position = store.position()

    with pytest.raises(ConcurrentChange), store.writing_in_parts() as writer:
        writer.save(fresh)  # copied in first, then rolled back with the rest
        writer.save(stale)  # the version C1 already has: refused by the table's unique key

    assert [s.fact["type"] for s in store.read_child("C1")] == ["dental_check", "pep_initiated"]
    assert store.children() == ["C1"]
    assert store.position() == position
