"""The nightly batch reads only the alerts of the children it evaluates (through each
child's `ChildAlerts`) and those that have had a DRP stage (`StagedAlert`), never the
whole queue, once the store is indexed; the alerts it ends with are the same."""

from datetime import UTC, date, datetime, timedelta

import pytest

from compliance import nightly
from compliance.alerts import AlertQueue, ChildAlerts, Filters
from compliance.engine import Engine
from compliance.nightly import run_nightly
from compliance.store import open_store
from tests.test_nightly import NOW, D, add, alert_state, council


@pytest.fixture
def store():
    s = open_store("memory:")
    add(s, council(40))
    return s


def no_whole_queue(monkeypatch):
    def refuse(self):
        raise AssertionError("the incremental run read the whole queue")

    monkeypatch.setattr(AlertQueue, "all", refuse)


def open_breaches(store, child):
    return [
        a for a in AlertQueue(store).all() if a.child == child and a.kind == "breach" and a.status == "open"
    ]


def test_an_incremental_run_closes_a_childs_breach_without_reading_the_whole_queue(store, monkeypatch):
    engine = Engine(store)
    run_nightly(store, engine, as_of=D, now=NOW)
    # no first review: its breach is open, and that of the permanence plan due at it
    assert {"LAC-REV-1", "LAC-PERM"} <= {a.rule for a in open_breaches(store, "C0000")}
    add(
        store,
        [{"child": "C0000", "id": "C0000-r", "type": "review_held", "at": "2024-03-01"}],
        recorded="2024-03-01T12:00:00+00:00",
    )

    with monkeypatch.context() as m:
        no_whole_queue(m)
        summary = run_nightly(store, engine, as_of=D, now=NOW + timedelta(hours=2))

    assert summary.children_evaluated == 1
    assert summary.alerts_closed == 2
    assert {a.rule for a in open_breaches(store, "C0000")} & {"LAC-REV-1", "LAC-PERM"} == set()


def test_incremental_runs_through_the_index_end_with_the_alerts_of_full_runs(monkeypatch):
    indexed, full = open_store("memory:"), open_store("memory:")
    for s in (indexed, full):
        add(s, council(40))
        run_nightly(s, Engine(s), as_of=D, now=NOW)
    for day in range(1, 40, 7):
        as_of = D + timedelta(days=day)
        for s in (indexed, full):
            add(
                s,
                [
                    {
                        "child": f"C{day:04d}",
                        "id": f"C{day:04d}-r{day}",
                        "type": "review_held",
                        "at": as_of.isoformat(),
                    }
                ],
                recorded=f"{as_of.isoformat()}T12:00:00+00:00",
            )
        with monkeypatch.context() as m:
            no_whole_queue(m)
            run_nightly(indexed, Engine(indexed), as_of=as_of, now=NOW + timedelta(days=day))
        run_nightly(full, Engine(full), as_of=as_of, now=NOW + timedelta(days=day), full=True)

    assert alert_state(indexed) == alert_state(full)


def test_a_stage_escalated_by_hand_is_flagged_by_an_incremental_run_without_reading_the_whole_queue(
    store, monkeypatch
):
    engine = Engine(store)
    queue = AlertQueue(store)
    run_nightly(store, engine, as_of=date(2024, 8, 22), now=datetime(2024, 8, 23, 1, tzinfo=UTC))
    breach = open_breaches(store, "C0004")[0]
    queue.escalate(breach.ref, to_stage="1", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC))
    due = queue.get(breach.ref).stage_response_due
    assert due is not None

    with monkeypatch.context() as m:
        no_whole_queue(m)
        run_nightly(store, engine, as_of=due, now=datetime.combine(due, datetime.min.time(), UTC))
        summary = run_nightly(
            store,
            engine,
            as_of=due + timedelta(days=1),
            now=datetime.combine(due, datetime.min.time(), UTC) + timedelta(days=1),
        )

    flags = queue.list(Filters(kind="stage_overdue"), today=due + timedelta(days=1))
    assert summary.children_evaluated == 0
    assert [f.alert.parent for f in flags] == [breach.ref]


def test_after_a_rekey_the_next_run_indexes_the_alerts_under_the_new_ids_and_raises_none_twice(
    tmp_path, monkeypatch
):
    from compliance.rekey import rekey_store
    from compliance.store import new_cipher_key

    old_key, new_key = new_cipher_key(), new_cipher_key()
    source = open_store(str(tmp_path / "old.db"), env={"CASECHECK_CIPHER_KEY": old_key})
    add(source, council(40))
    run_nightly(source, Engine(source), as_of=D, now=NOW)
    target = open_store(str(tmp_path / "new.db"), env={"CASECHECK_CIPHER_KEY": new_key})
    rekey_store(source, target)
    before = alert_state(target)
    add(
        target,
        [{"child": "C0000", "id": "C0000-r", "type": "review_held", "at": "2024-03-01"}],
        recorded="2024-03-01T12:00:00+00:00",
    )

    first = run_nightly(target, Engine(target), as_of=D, now=NOW + timedelta(hours=2))
    add(
        target,
        [{"child": "C0004", "id": "C0004-r", "type": "review_held", "at": "2024-03-02"}],
        recorded="2024-03-02T12:00:00+00:00",
    )
    with monkeypatch.context() as m:
        no_whole_queue(m)
        second = run_nightly(target, Engine(target), as_of=D + timedelta(days=1), now=NOW + timedelta(days=1))

    assert first.alerts_raised == 0 and first.alerts_closed == 2
    assert second.alerts_closed == 2
    assert len(alert_state(target)) == len(before)


def test_a_staged_alert_resolved_is_no_longer_read_by_the_stage_check_and_reopened_is_again(
    store, monkeypatch
):
    engine = Engine(store)
    queue = AlertQueue(store)
    run_nightly(store, engine, as_of=date(2024, 8, 22), now=datetime(2024, 8, 23, 1, tzinfo=UTC))
    ref = open_breaches(store, "C0004")[0].ref
    queue.escalate(ref, to_stage="1", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC))
    assert queue.staged_refs() == {ref: True}
    queue.resolve(ref, outcome="agreed", by="IRO1", now=datetime(2024, 8, 23, 11, tzinfo=UTC))
    assert queue.staged_refs() == {ref: False}
    read: list[str] = []
    by_refs = AlertQueue.by_refs
    monkeypatch.setattr(AlertQueue, "by_refs", lambda self, refs: read.extend(refs) or by_refs(self, refs))
    of_children: list[str] = []  # the alerts read because their child is evaluated
    child_refs = nightly._child_refs
    monkeypatch.setattr(
        nightly,
        "_child_refs",
        lambda queue, children: (found := child_refs(queue, children), of_children.extend(found))[0],
    )

    # Another child has a new fact, so the run reads alerts (those of the children it evaluates).
    add(store, [{"child": "C0007", "id": "C0007-v", "type": "statutory_visit", "at": "2024-08-23"}])
    run_nightly(store, engine, as_of=date(2024, 8, 23), now=datetime(2024, 8, 24, 1, tzinfo=UTC))
    queue.reopen(ref, by="IRO1", now=datetime(2024, 8, 24, 10, tzinfo=UTC))

    assert read and ref not in set(read) - set(of_children)
    assert queue.staged_refs() == {ref: True}


def test_a_flagged_stage_closed_and_then_overdue_again_is_not_flagged_twice(store):
    engine = Engine(store)
    queue = AlertQueue(store)
    run_nightly(store, engine, as_of=date(2024, 8, 22), now=datetime(2024, 8, 23, 1, tzinfo=UTC))
    ref = open_breaches(store, "C0004")[0].ref
    queue.escalate(ref, to_stage="1", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC))
    due = queue.get(ref).stage_response_due
    later = due + timedelta(days=3)

    def night(day):
        return run_nightly(store, engine, as_of=day, now=datetime.combine(day, datetime.min.time(), UTC))

    flagged = night(later).stage_overdue_raised
    queue.resolve(ref, outcome="agreed", by="IRO1", now=datetime.combine(later, datetime.min.time(), UTC))
    night(later + timedelta(days=1))  # closes the flag
    queue.reopen(ref, by="IRO1", now=datetime.combine(later + timedelta(days=2), datetime.min.time(), UTC))
    again = night(later + timedelta(days=3))

    flags = queue.list(Filters(kind="stage_overdue", status="all"), today=later + timedelta(days=3))
    assert flagged == 1 and again.stage_overdue_raised == 0
    assert [(f.alert.parent, f.alert.status) for f in flags] == [(ref, "resolved")]


def test_a_childs_index_is_opened_with_its_first_alerts_in_one_record(store):
    run_nightly(store, Engine(store), as_of=D, now=NOW)
    queue = AlertQueue(store)
    raised = {}
    for alert in queue.all():
        raised.setdefault(alert.child, set()).add(alert.ref)

    indexes = queue.child_indexes(raised)

    assert raised and set(indexes) == set(raised)
    assert all(index.version == 1 and set(index.refs) == raised[c] for c, index in indexes.items())


def test_an_index_stored_by_an_earlier_version_lists_its_first_alerts_after_opening(store, monkeypatch):
    """Before version 2 of `ChildAlerts.Opened`, an index was opened empty and its first
    alerts listed by the `Listed` record after it: read back, it lists the same."""
    queue = AlertQueue(store)
    with monkeypatch.context() as m:
        m.setattr(ChildAlerts.Opened, "class_version", 1)
        index = ChildAlerts._create(
            ChildAlerts.Opened, id=queue.child_index_id("C0001"), child="C0001", refs=[]
        )
        del vars(index.pending_events[0])["refs"]
        index.trigger_event(ChildAlerts.Listed, refs=["PA-0000000001"])
        store.save(index)

    assert queue.child_indexes(["C0001"])["C0001"].refs == ["PA-0000000001"]


def test_each_run_reads_the_stage_marks_on_from_where_the_last_one_left_them(store, monkeypatch):
    """The ledger keeps the DRP-stage marks as a run leaves them and the log position they
    were read up to: the next run reads only the log after it, and the marks kept are
    what a whole read gives, those recorded by hand in between included."""
    engine = Engine(store)
    queue = AlertQueue(store)
    first = date(2024, 8, 22)
    run_nightly(store, engine, as_of=first, now=datetime(2024, 8, 23, 1, tzinfo=UTC))
    breaches = [open_breaches(store, c)[0].ref for c in ("C0004", "C0007")]
    queue.escalate(breaches[0], to_stage="1", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC))
    reads: list[tuple[dict, int]] = []
    staged_refs = AlertQueue.staged_refs
    monkeypatch.setattr(
        AlertQueue,
        "staged_refs",
        lambda self, known=None, after=0: (
            reads.append((dict(known or {}), after)) or staged_refs(self, known, after)
        ),
    )

    for day, change in ((1, "escalate"), (2, "resolve"), (3, None)):
        if change == "escalate":
            queue.escalate(breaches[1], to_stage="1", by="IRO1", now=datetime(2024, 8, 24, 10, tzinfo=UTC))
        elif change == "resolve":
            queue.resolve(breaches[0], outcome="agreed", by="IRO1", now=datetime(2024, 8, 25, 10, tzinfo=UTC))
        as_of = first + timedelta(days=day)
        run_nightly(store, engine, as_of=as_of, now=datetime.combine(as_of, datetime.min.time(), UTC))
        ledger = nightly.load_ledger(store)
        assert ledger.staged == staged_refs(queue)  # the marks kept are a whole read's

    # Each run reads twice, as it starts and as it ends, never the whole log: it starts from
    # what the run before left (the first run found no mark).
    assert [known for known, _after in reads[::2]] == [
        {},
        {breaches[0]: True, breaches[1]: True},
        {breaches[1]: True, breaches[0]: False},
    ]
    assert len(reads) == 6 and all(after > 0 for _known, after in reads)
    assert [after for _known, after in reads] == sorted(after for _known, after in reads)
    assert staged_refs(queue) == {breaches[0]: False, breaches[1]: True}


def test_a_ledger_stored_without_stage_marks_has_the_next_run_read_them_all(store, monkeypatch):
    engine = Engine(store)
    queue = AlertQueue(store)
    run_nightly(store, engine, as_of=date(2024, 8, 22), now=datetime(2024, 8, 23, 1, tzinfo=UTC))
    ref = open_breaches(store, "C0004")[0].ref
    queue.escalate(ref, to_stage="1", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC))
    load_ledger = nightly.load_ledger

    def earlier_version(s):
        ledger = load_ledger(s)
        for name in ("staged", "staged_position", "staged_probe"):
            delattr(ledger, name)
        return ledger

    monkeypatch.setattr(nightly, "load_ledger", earlier_version)
    run_nightly(store, engine, as_of=date(2024, 8, 23), now=datetime(2024, 8, 24, 1, tzinfo=UTC))
    monkeypatch.undo()

    assert nightly.load_ledger(store).staged == {ref: True}
