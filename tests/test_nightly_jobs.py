"""The nightly batch with children evaluated in worker processes raises and closes the same
alerts, exactly once, as the batch in one process."""

from datetime import UTC, date, datetime, timedelta

import pytest

from compliance.alerts import AlertQueue
from compliance.engine import Engine
from compliance.nightly import load_ledger, run_nightly
from compliance.sources.event_files import import_files
from compliance.store import open_store
from compliance.synthetic import generate, write_jsonl

AS_OF = date(2025, 6, 30)
NOW = datetime(2025, 7, 1, 1, 0, tzinfo=UTC)


def alert_state(store):
    return sorted(
        (a.ref, a.kind, a.status, a.stage, a.days_overdue, a.team, a.worker, a.iro)
        for a in AlertQueue(store).all()
    )


@pytest.fixture
def two_stores(tmp_path):
    """Two SQLite stores holding the same generated council."""
    path = tmp_path / "council.jsonl"
    write_jsonl(path, generate(24, seed=11, until=AS_OF, years=2))  # some alerts to raise
    stores = []
    for name in ("one.db", "workers.db"):
        store = open_store(str(tmp_path / name))
        import_files(store, [path], now=NOW - timedelta(days=1))
        stores.append(store)
    return stores


def test_workers_raise_the_same_alerts_and_wake_ups_as_one_process_and_nothing_twice(two_stores):
    alone, shared = two_stores

    one = run_nightly(alone, Engine(alone), as_of=AS_OF, now=NOW, batch=5)
    many = run_nightly(shared, Engine(shared, chunk=3), as_of=AS_OF, now=NOW, batch=5, jobs=2)
    again = run_nightly(shared, Engine(shared, chunk=3), as_of=AS_OF, now=NOW, full=True, jobs=2)

    assert one.alerts_raised > 0
    assert (many.children_evaluated, many.alerts_raised, many.alerts_closed) == (
        one.children_evaluated,
        one.alerts_raised,
        one.alerts_closed,
    )
    assert alert_state(shared) == alert_state(alone)
    assert load_ledger(shared).wakeups == load_ledger(alone).wakeups
    assert (again.alerts_raised, again.alerts_closed, again.alerts_reopened) == (0, 0, 0)


def test_a_later_night_with_workers_closes_and_raises_like_one_process(two_stores):
    alone, shared = two_stores
    later = AS_OF + timedelta(days=45)
    run_nightly(alone, Engine(alone), as_of=AS_OF, now=NOW)
    run_nightly(shared, Engine(shared, chunk=3), as_of=AS_OF, now=NOW, jobs=2)

    one = run_nightly(alone, Engine(alone), as_of=later, now=NOW + timedelta(days=45), full=True)
    many = run_nightly(
        shared, Engine(shared, chunk=3), as_of=later, now=NOW + timedelta(days=45), full=True, jobs=2
    )

    assert (many.alerts_raised, many.alerts_closed) == (one.alerts_raised, one.alerts_closed)
    assert alert_state(shared) == alert_state(alone)


def test_a_child_without_an_obligations_alert_comes_back_with_only_the_obligations_that_can_raise_one(
    two_stores,
):
    import pickle

    from compliance.nightly import child_states
    from rules.obligation import Status

    store = two_stores[0]
    engine = Engine(store)
    children = store.children()
    full = {s.child: s for s in child_states(engine, children, as_of=AS_OF)}
    kept = children[:3]
    sent = [
        pickle.loads(pickle.dumps(s))
        for s in child_states(engine, children, as_of=AS_OF, settle_all=frozenset(kept))
    ]
    raising = {Status.OVERDUE, Status.DUE_SOON}
    assert any(o.status not in raising for s in full.values() for o in s.obligations)
    for state in sent:
        whole = full[state.child]
        assert [o.key for o in state.raising()] == [o.key for o in whole.raising()]
        if state.child in kept:
            assert state.complete
            assert [o.key for o in state.obligations] == [o.key for o in whole.obligations]
        else:
            assert not state.complete
            with pytest.raises(RuntimeError):
                state.obligations  # noqa: B018 - only the raising ones were kept


def test_a_store_that_fails_verification_is_refused_though_the_workers_have_started(two_stores):
    """The workers evaluate while the store is verified; a store that fails is refused in
    one line, nothing is saved and the workers are stopped."""
    import multiprocessing
    import sqlite3

    from compliance.integrity import TamperedStore

    store = two_stores[1]
    db = store.opening()[1]
    with sqlite3.connect(db) as conn:
        records = conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]
        rowid, state = conn.execute(
            "SELECT rowid, state FROM stored_events ORDER BY rowid DESC LIMIT 1 OFFSET 5"
        ).fetchone()
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?", (state[:-1] + bytes([state[-1] ^ 1]), rowid)
        )

    with pytest.raises(TamperedStore, match="^nightly run refused: the store fails verification"):
        run_nightly(store, Engine(store, chunk=3), as_of=AS_OF, now=NOW, jobs=2)

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM stored_events").fetchone()[0] == records
    assert multiprocessing.active_children() == []


def test_the_collector_runs_less_often_while_the_batch_settles_and_as_before_after(two_stores):
    import gc

    from compliance.engine import BULK_GC_THRESHOLD

    store = two_stores[1]
    before = gc.get_threshold()
    seen = []
    run_nightly(
        store,
        Engine(store, chunk=3),
        as_of=AS_OF,
        now=NOW,
        batch=5,
        jobs=2,
        progress=lambda done, total: seen.append(gc.get_threshold()[0]),
    )

    assert seen and set(seen) == {max(before[0], BULK_GC_THRESHOLD)}
    assert gc.get_threshold() == before
