"""The nightly batch: new breaches and obligations coming due, raised once, across all children.

Incremental: a run evaluates the children with facts recorded since the last completed
run (a position in the store's event log) plus those whose next possible status change
(a due date passing, or the start of a warning window when due-soon alerts are raised)
has arrived, kept as a per-child wake-up date. `full=True` (and the very first run)
evaluates everyone: run it once after turning `[alerts] raise_due_soon` on, so that the
warning windows are scheduled.

Exactly once: alert ids are derived from the obligation key, so the same breach always
maps to the same alert; each batch's alert changes and its wake-up dates are saved in
one transaction; the log position advances only when a run finishes. A run that dies
part way leaves the position where it was, so the next run covers the same children
again and finds the alerts already raised by the dead run: no duplicate, none lost.

An alert the batch closed whose obligation falls overdue again (the fact that met it was
retracted) is reopened, as is a due-soon warning someone closed once it becomes a breach;
a breach a person resolved stays resolved. An open alert whose obligation can no longer
be met (`missed`: the term ended, the placement or period of care ended) is closed with
the outcome "missed" and the reason, and stays in the alert's history and the reports;
one whose obligation turns out to have no source of data (`no_data`) is closed too.

The go-live line (`[alerts] from` in the settings, or the day of the first
`nightly --baseline`): a breach that fell due before it is recorded as a `baseline`
alert, listed by `alerts --baseline` and not put in the working queue; breaches due on
or after it are raised as usual. Breaches enter the DRP when an IRO escalates
them; a DRP stage left unanswered past its response date is raised once as its own
`stage_overdue` alert and closed by a later run once that stage is answered, escalated
past or the alert resolved.

Verification: a run acts only on a store that verifies (`compliance.integrity`), and
records the head it verified as its checkpoint. It verifies what was recorded after the
last run's checkpoint: each new record's seal, its chain to its aggregate's record before
(which is checked too), the head running on from the checkpoint's, and the count of
records up to the checkpoint unchanged. A run that finishes verifies, the same way, what
was recorded after its opening checkpoint (its own changes) and records that head as its
closing checkpoint, which the next run starts from. The whole store is verified on the first run, on
a `full` run, when the last run's checkpoint is not in the store, and when the last
whole-store verification is `[integrity] full_verify_every_days` old (7 by default), so
an older record edited in place is found within that many days (docs/security.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import chain, islice
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from compliance.alerts import (
    AUTO_KINDS,
    MISSED,
    Alert,
    AlertNotFound,
    AlertQueue,
    ChildAlerts,
    alert_aggregate_id,
    is_staged,
    ref_for_imported,
    ref_for_obligation,
    ref_for_stage_overdue,
    responsible,
)
from compliance.engine import PACKED_STATUS, Engine, bulk_collection, pack_obligation, unpack_obligation
from compliance.errors import ConcurrentChange
from compliance.integrity import Checkpoint, Head, TamperedStore, Verification, closing_checkpoint_name
from compliance.store import CASECHECK_NAMESPACE, CaseStore
from events.timeline import LONDON, Fact
from rules.obligation import Obligation, Status
from rules.registry import REGISTRY
from rules.themes import DECISIONS_NOT_IMPLEMENTED

LEDGER_ID = uuid5(CASECHECK_NAMESPACE, "nightly-ledger")
SYSTEM = "casecheck nightly"
#: Chunks of children each worker evaluates ahead of the batch (`Engine.map_children`):
#: enough to keep the workers busy while the store is verified, at 50,000 children, and
#: small to hold (each child's `ChildState`, a few hundred bytes pickled).
WORKERS_AHEAD = 16


class Ledger(Aggregate):
    """What the nightly batch remembers between runs: the log position and wake-up dates."""

    TOPIC = "casecheck:NightlyLedger"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:NightlyLedger.Event"

    class Created(Event, Aggregate.Created):
        TOPIC = "casecheck:NightlyLedger.Created"

    class BatchDone(Event):
        TOPIC = "casecheck:NightlyLedger.BatchDone"
        run: str
        wakeups: dict[str, date | None]

        def apply(self, ledger: Ledger) -> None:  # type: ignore[override]
            for child, day in self.wakeups.items():
                if day is None:
                    ledger.wakeups.pop(child, None)
                else:
                    ledger.wakeups[child] = day

    class RunFinished(Event):
        TOPIC = "casecheck:NightlyLedger.RunFinished"
        run: str
        position: int

        def apply(self, ledger: Ledger) -> None:  # type: ignore[override]
            ledger.position = self.position
            ledger.runs.append(self.run)

    class RunStarted(Event):
        TOPIC = "casecheck:NightlyLedger.RunStarted"
        run: str

        def apply(self, ledger: Ledger) -> None:  # type: ignore[override]
            ledger.started.append(self.run)

    class GoLiveSet(Event):
        """`nightly --baseline`: breaches due before `line` are a baseline, not the queue."""

        TOPIC = "casecheck:NightlyLedger.GoLiveSet"
        line: date

        def apply(self, ledger: Ledger) -> None:  # type: ignore[override]
            ledger.go_live = self.line

    class Verified(Event):
        """Run `run` verified the store before acting and recorded the head as its
        checkpoint: the whole store (`whole`), or only what was recorded after the
        checkpoint of the run before; `at` is the run's moment."""

        TOPIC = "casecheck:NightlyLedger.Verified"
        run: str
        whole: bool
        at: datetime

        def apply(self, ledger: Ledger) -> None:  # type: ignore[override]
            ledger.checkpoint_run = self.run
            if self.whole:
                ledger.whole_verified_at = self.at

    class AlertsIndexed(Event):
        """The alerts are indexed by child (`ChildAlerts`) and DRP stage (`StagedAlert`)
        under the ids `probe` stands for: a store whose ids change (`rekey`) is indexed again."""

        TOPIC = "casecheck:NightlyLedger.AlertsIndexed"
        probe: str

        def apply(self, ledger: Ledger) -> None:  # type: ignore[override]
            ledger.alerts_indexed = self.probe

    class StagedRead(Event):
        """A run read the DRP-stage marks (`StagedAlert`) up to log position `position`:
        `marks` are those that changed since the last read (all of them when `whole`),
        for the alert ids `probe` stands for. The next run reads only the log after it."""

        TOPIC = "casecheck:NightlyLedger.StagedRead"
        probe: str
        position: int
        marks: dict[str, bool]
        whole: bool

        def apply(self, ledger: Ledger) -> None:  # type: ignore[override]
            staged = {} if self.whole else dict(getattr(ledger, "staged", {}))
            staged.update(self.marks)
            ledger.staged, ledger.staged_position, ledger.staged_probe = staged, self.position, self.probe

    def __init__(self) -> None:
        self.alerts_indexed: str | None = None
        # The DRP-stage marks as last read (`StagedRead`; absent from ledgers stored before).
        self.staged: dict[str, bool] = {}
        self.staged_position = 0
        self.staged_probe: str | None = None
        self.position = 0
        self.wakeups: dict[str, date] = {}
        self.runs: list[str] = []
        self.started: list[str] = []
        self.go_live: date | None = None
        self.checkpoint_run: str | None = None
        self.whole_verified_at: datetime | None = None
        self.snapshot_version = 0  # set on the ledger as it is snapshotted (`_snapshot`)


class NightlyRun(Aggregate):
    """One run: when, as of what date, how many children, alerts raised and closed."""

    TOPIC = "casecheck:NightlyRun"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:NightlyRun.Event"

    class Started(Event, Aggregate.Created):
        TOPIC = "casecheck:NightlyRun.Started"
        as_of: date
        started: datetime
        full: bool
        children_planned: int

    class Verified(Event):
        """What the run verified before acting: `whole` (every record) or `since` (the
        records after the previous run's checkpoint, from log position `since`)."""

        TOPIC = "casecheck:NightlyRun.Verified"
        kind: str
        records: int
        since: int | None

        def apply(self, run: NightlyRun) -> None:  # type: ignore[override]
            run.verification = self.kind
            run.verified_records = self.records

    class Finished(Event):
        TOPIC = "casecheck:NightlyRun.Finished"
        finished: datetime
        children_evaluated: int
        alerts_raised: int
        alerts_closed: int
        stage_overdue_raised: int
        duration_s: float
        alerts_reopened: int
        alerts_missed: int
        baseline_recorded: int

        class_version = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["alerts_reopened"] = 0

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["alerts_missed"] = 0
            state["baseline_recorded"] = 0

        def apply(self, run: NightlyRun) -> None:  # type: ignore[override]
            run.finished = self.finished
            run.children_evaluated = self.children_evaluated
            run.alerts_raised = self.alerts_raised
            run.alerts_closed = self.alerts_closed
            run.alerts_reopened = self.alerts_reopened
            run.alerts_missed = self.alerts_missed
            run.baseline_recorded = self.baseline_recorded
            run.stage_overdue_raised = self.stage_overdue_raised
            run.duration_s = self.duration_s

    def __init__(self, as_of: date, started: datetime, full: bool, children_planned: int) -> None:
        self.as_of, self.started, self.full, self.children_planned = as_of, started, full, children_planned
        self.finished: datetime | None = None
        self.children_evaluated = 0
        self.alerts_raised = 0
        self.alerts_closed = 0
        self.alerts_reopened = 0
        self.alerts_missed = 0
        self.baseline_recorded = 0
        self.stage_overdue_raised = 0
        self.duration_s = 0.0
        self.verification: str | None = None
        self.verified_records: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "run": str(self.id),
            "as_of": self.as_of.isoformat(),
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None,
            "full": self.full,
            "children_planned": self.children_planned,
            "children_evaluated": self.children_evaluated,
            "alerts_raised": self.alerts_raised,
            "alerts_closed": self.alerts_closed,
            "alerts_reopened": self.alerts_reopened,
            "alerts_missed": getattr(self, "alerts_missed", 0),
            "baseline_recorded": getattr(self, "baseline_recorded", 0),
            "stage_overdue_raised": self.stage_overdue_raised,
            "duration_s": round(self.duration_s, 3),
            "completed": self.finished is not None,
            # None for runs recorded before the kind of verification was recorded
            "verification": getattr(self, "verification", None),
            "verified_records": getattr(self, "verified_records", None),
        }


@dataclass
class RunSummary:
    run: str
    as_of: date
    children_evaluated: int = 0
    alerts_raised: int = 0
    alerts_closed: int = 0
    stage_overdue_raised: int = 0
    duration_s: float = 0.0
    full: bool = False
    alerts_reopened: int = 0
    checkpoint: dict[str, Any] | None = None  # the store head verified and recorded
    alerts_missed: int = 0  # of those closed: the obligation can no longer be met
    baseline_recorded: int = 0  # breaches due before the go-live line, kept out of the queue
    go_live: date | None = None
    verification: str = "whole"  # "whole": every record; "since": those after the last checkpoint
    verified_records: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint,
            "verification": self.verification,
            "verified_records": self.verified_records,
            "run": self.run,
            "as_of": self.as_of.isoformat(),
            "full": self.full,
            "go_live": self.go_live.isoformat() if self.go_live else None,
            "children_evaluated": self.children_evaluated,
            "alerts_raised": self.alerts_raised,
            "alerts_closed": self.alerts_closed,
            "alerts_missed": self.alerts_missed,
            "baseline_recorded": self.baseline_recorded,
            "alerts_reopened": self.alerts_reopened,
            "stage_overdue_raised": self.stage_overdue_raised,
            "duration_s": round(self.duration_s, 3),
        }

    def text(self) -> str:
        return (
            f"Nightly run as of {self.as_of:%a %-d %b %Y}: evaluated {self.children_evaluated} "
            f"child{'ren' if self.children_evaluated != 1 else ''}{' (full run)' if self.full else ''}, "
            f"raised {self.alerts_raised} alert{'s' if self.alerts_raised != 1 else ''}, "
            f"closed {self.alerts_closed} whose obligation is now met or closed"
            + (f" ({self.alerts_missed} of them missed: can no longer be met)" if self.alerts_missed else "")
            + ", "
            + (
                f"recorded {self.baseline_recorded} breach{'es' if self.baseline_recorded != 1 else ''} "
                f"due before the go-live line {self.go_live:%-d %b %Y} as the baseline, "
                if self.go_live is not None and self.baseline_recorded
                else ""
            )
            + (
                f"reopened {self.alerts_reopened} whose obligation is overdue again, "
                if self.alerts_reopened
                else ""
            )
            + "and raised "
            f"{self.stage_overdue_raised} for DRP stages left unanswered past their response date, "
            f"in {self.duration_s:.1f} s; "
            + (
                f"verified the whole store ({self.verified_records:,} records) first."
                if self.verification == "whole"
                else f"verified the {self.verified_records:,} records added since the last run's checkpoint first."
            )
        )


class SimulatedCrash(RuntimeError):
    """Raised by `_fail_after` in tests to kill a run part way."""


def load_ledger(store: CaseStore) -> Ledger:
    """The ledger as stored (one read: its snapshot and the events after it), or a new one."""
    try:
        return store.repository.get(LEDGER_ID)  # type: ignore[no-any-return]
    except AggregateNotFoundError:
        return Ledger._create(Ledger.Created, id=LEDGER_ID)  # type: ignore[no-any-return]


#: Events added to the ledger since its last snapshot before an incremental run takes a
#: new one: loading replays them (a handful a run, each batch's wake-ups), while a snapshot
#: writes every child's wake-up date (about 0.2 s at 50,000 children).
SNAPSHOT_AFTER = 40


def _snapshot(store: CaseStore, ledger: Ledger, *, full: bool) -> None:
    """Snapshot the ledger as this run leaves it (saved: its version is the stored one),
    without reading it back from the store first as `take_snapshot` does: after a full
    run, and after SNAPSHOT_AFTER events since the last snapshot (whose version the
    ledger keeps in the snapshot itself)."""
    assert store.snapshots is not None and not ledger.pending_events
    if not full and ledger.version - getattr(ledger, "snapshot_version", 0) < SNAPSHOT_AFTER:
        return
    ledger.snapshot_version = ledger.version
    snapshot_class = getattr(type(ledger), "Snapshot", type(store).snapshot_class)
    store.snapshots.put([snapshot_class.take(ledger)])


class _Batch:
    """The alert changes of one batch of children, to be saved in one transaction."""

    def __init__(self, go_live: date | None = None) -> None:
        self.aggregates: dict[UUID, Aggregate] = {}
        self.go_live = go_live
        self.raised = 0
        self.closed = 0
        self.reopened = 0
        self.missed = 0
        self.baseline = 0

    def add(self, aggregate: Aggregate) -> None:
        self.aggregates[aggregate.id] = aggregate


@bulk_collection()
def run_nightly(
    store: CaseStore,
    engine: Engine,
    *,
    as_of: date,
    now: datetime,
    full: bool = False,
    baseline: bool = False,
    batch: int = 1000,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    _fail_after: int | None = None,
) -> RunSummary:
    """Run the nightly batch as of `as_of`; `now` is the moment recorded on its changes.

    `baseline` draws the go-live line at `as_of` when the settings have no `[alerts] from`
    (and no earlier run drew one): the breaches already overdue become the baseline.

    `jobs` above 1 evaluates the children in that many worker processes, which send back
    each child's `ChildState`; this process settles the alerts and saves each batch in one
    transaction as with one process, so exactly-once is the same. The workers start
    before the store is verified and evaluate while this process verifies it; nothing is
    settled or saved until it has verified.

    The garbage collector runs less often while the run goes (`bulk_collection`): this
    process holds every alert it reads or raises until the run ends, and each collection
    would walk them all.

    `_fail_after` is for tests: it kills the run after that many children, having saved
    part of a batch's alerts, to show the next run completes the job without duplicates.
    """
    t0 = time.perf_counter()
    ledger = load_ledger(store)
    queue = AlertQueue(store, engine.settings, engine.calendar)
    end_position = store.position()
    first_run = not ledger.runs
    if full or first_run:
        children = store.children()
    else:
        changed = store.children_changed_since(ledger.position, upto=end_position)
        due = {child for child, day in ledger.wakeups.items() if day <= as_of}
        children = sorted(changed | due)
    # The alerts this run can change: those of the children it evaluates, read through
    # their index, and every alert open in a DRP stage with a response date (read once
    # the store has verified, below). The whole queue on a full run, and on the first run
    # of a store not yet indexed, which indexes it in this transaction.
    probe = _index_probe(queue)
    indexed = getattr(ledger, "alerts_indexed", None) == probe
    incremental = indexed and not (full or first_run)
    if incremental:
        alerts = Alerts(queue.by_refs(_child_refs(queue, children)))
    else:
        stage_marks = _StageMarks(queue, ledger, probe)
        marked = dict(stage_marks.read)  # updated as the run marks alerts
        alerts = _existing_alerts(queue)
    # A child with an alert raised for an obligation needs all its obligations settled;
    # any other child only those that can raise one (most children: sent back small).
    keyed = frozenset(a.child for a in alerts.values() if a.key is not None)
    task = partial(child_states, as_of=as_of, settle_all=keyed)
    # Workers start evaluating here (with `jobs`), while this process verifies the store.
    results = engine.map_children(task, children, jobs=jobs, ahead=WORKERS_AHEAD)
    with closing(results):
        # Never act on a tampered store: verify it first (module docstring, "Verification"),
        # and record the head that was verified as this run's checkpoint.
        verified = _verify_before_acting(store, ledger, engine.settings, full=full, now=now)
        if incremental:
            stage_marks = _StageMarks(queue, ledger, probe)
            marked = dict(stage_marks.read)  # updated as the run marks alerts
            _add_staged(queue, alerts, marked)
        indexing = [] if indexed else _index_all(queue, alerts, marked)
        run = NightlyRun._create(
            NightlyRun.Started,
            id=uuid4(),
            as_of=as_of,
            started=now,
            full=full or first_run,
            children_planned=len(children),
        )
        ledger.trigger_event(Ledger.RunStarted, run=str(run.id))
        whole = verified.since is None
        ledger.trigger_event(Ledger.Verified, run=str(run.id), whole=whole, at=now)
        run.trigger_event(
            NightlyRun.Verified,
            kind="whole" if whole else "since",
            records=verified.records,
            since=None if whole else verified.since.position,  # type: ignore[union-attr]
        )
        if baseline and engine.settings.alerts_from is None and ledger.go_live is None:
            ledger.trigger_event(Ledger.GoLiveSet, line=as_of)
        go_live = engine.settings.alerts_from or ledger.go_live
        if not indexed:
            ledger.trigger_event(Ledger.AlertsIndexed, probe=probe)
        store.save(run, ledger, Checkpoint.record(str(run.id), verified.head), *indexing)

        summary = RunSummary(
            str(run.id),
            as_of,
            full=full or first_run,
            go_live=go_live,
            checkpoint=verified.head.to_json(),
            verification="whole" if whole else "since",
            verified_records=verified.records,
        )
        done = 0
        states = chain.from_iterable(results)
        while chunk := list(islice(states, batch)):
            changes = _Batch(go_live)
            wakeups: dict[str, date | None] = {}
            for state in chunk:
                _settle_child(queue, state, alerts, changes, now)
                wakeups[state.child] = state.wake_up
                done += 1
                if _fail_after is not None and done >= _fail_after:
                    store.save(
                        *_with_index(queue, changes, marked)
                    )  # a crash after a partial save is the hard case
                    raise SimulatedCrash(f"simulated crash after {done} children")
            ledger.trigger_event(Ledger.BatchDone, run=str(run.id), wakeups=wakeups)
            store.save(*_with_index(queue, changes, marked), ledger)
            summary.alerts_raised += changes.raised
            summary.alerts_closed += changes.closed
            summary.alerts_reopened += changes.reopened
            summary.alerts_missed += changes.missed
            summary.baseline_recorded += changes.baseline
            if progress is not None:
                progress(done, len(children))
    summary.children_evaluated = done

    # DRP stages left unanswered past their response date: each raised once, as its own
    # alert; closed once its stage is answered, escalated past or the alert resolved.
    stage_changes = _settle_stage_flags(queue, alerts, as_of, now, go_live)
    summary.stage_overdue_raised = stage_changes.raised
    summary.alerts_closed += stage_changes.closed

    summary.duration_s = time.perf_counter() - t0
    run.trigger_event(
        NightlyRun.Finished,
        finished=now + timedelta(seconds=summary.duration_s),  # no wall-clock read: `now` + elapsed
        children_evaluated=done,
        alerts_raised=summary.alerts_raised,
        alerts_closed=summary.alerts_closed,
        alerts_reopened=summary.alerts_reopened,
        alerts_missed=summary.alerts_missed,
        baseline_recorded=summary.baseline_recorded,
        stage_overdue_raised=summary.stage_overdue_raised,
        duration_s=summary.duration_s,
    )
    ledger.trigger_event(Ledger.RunFinished, run=str(run.id), position=end_position)
    changed = _with_index(queue, stage_changes, marked)
    # A mark left open on an alert no longer in a stage (however it was closed) is settled.
    stale = [a for a in alerts.values() if marked.get(a.ref) and not is_staged(a)]
    stage_marks.keep()
    store.save(*changed, *_marks(queue, stale, marked), run, ledger)
    if _record_closing_checkpoint(store, ledger, str(run.id), verified.head, now):
        _snapshot(store, ledger, full=full or first_run)
    return summary


def _verify_before_acting(
    store: CaseStore, ledger: Ledger, settings: Any, *, full: bool, now: datetime
) -> Verification:
    """Verify the store before the run acts; refuse (TamperedStore) a store that fails.

    Only what was recorded after the last run's checkpoint, when there is one, unless the
    run is `full` or the last whole-store verification is `full_verify_every_days` old
    (so every record is re-read at least that often): see `_since`."""
    since = _since(store, ledger, settings.full_verify_every_days, full=full, now=now)
    verified = store.verify(since=since)
    if not verified.ok:
        raise TamperedStore(
            f"nightly run refused: the store fails verification at {verified.first()}; see `casecheck verify`"
        )
    return verified


def _since(store: CaseStore, ledger: Ledger, every_days: int, *, full: bool, now: datetime) -> Head | None:
    """The head to verify from: the checkpoint the last run recorded, read from the store
    by its id and its seal checked, so it is one this store verified; None for the whole
    store (a full or first run, the cadence due, or no such checkpoint, as in a store
    copied by `rekey`, which does not copy checkpoints)."""
    last_run = getattr(ledger, "checkpoint_run", None)
    whole_at = getattr(ledger, "whole_verified_at", None)
    if full or last_run is None or whole_at is None or _days_between(whole_at, now) >= every_days:
        return None
    return store.checkpoint_head(last_run)


def _record_closing_checkpoint(
    store: CaseStore, ledger: Ledger, run: str, opened: Head, now: datetime
) -> bool:
    """Verify what was recorded since the run's opening checkpoint (its own alert changes,
    and anything stored alongside) and record the head as the run's closing checkpoint,
    so that the next run verifies only what is recorded after this one. Should that
    verification fail, nothing is recorded, and the next run verifies from the opening
    checkpoint and refuses; should another run have saved the ledger meanwhile, this one
    leaves it to that run. False when the ledger in hand is not the one stored."""
    closing = store.verify(since=opened)
    if not closing.ok:
        return True
    name = closing_checkpoint_name(run)
    ledger.trigger_event(Ledger.Verified, run=name, whole=False, at=now)
    try:
        store.save(Checkpoint.record(name, closing.head), ledger)
    except ConcurrentChange:
        return False
    return True


def _days_between(earlier: datetime, later: datetime) -> int:
    """Calendar days (UTC) from one moment to another: a run scheduled at the same time
    each night counts a week as 7 though it starts a few seconds earlier than a week ago."""
    return (later.astimezone(UTC).date() - earlier.astimezone(UTC).date()).days


class Alerts(dict[str, Alert]):
    """Every alert by id, and by child (the batch looks up both for each child)."""

    def __init__(self, alerts: Iterable[Alert]) -> None:
        super().__init__()
        self._by_child: dict[str, list[Alert]] = {}
        for alert in alerts:
            self[alert.ref] = alert

    def __setitem__(self, ref: str, alert: Alert) -> None:
        siblings = self._by_child.setdefault(alert.child, [])
        if ref in self:
            siblings.remove(self[ref])
        siblings.append(alert)
        super().__setitem__(ref, alert)

    def of_child(self, child: str) -> list[Alert]:
        return list(self._by_child.get(child, ()))


#: The imported alerts the batch mirrors (`_sync_imported`).
_IMPORTED_ALERTS = (
    "practice_alert_raised",
    "practice_alert_escalated",
    "practice_alert_responded",
    "practice_alert_resolved",
    "good_practice_notified",
)


class ChildState:
    """What the batch needs of one child's evaluation, small enough to send from a worker
    process: the obligations that can raise or close an alert (kpi ones left out; sent
    without their explanations or the events they refer to), who is responsible for the
    child at `as_of` (team, social worker, IRO), the child's imported alert facts, and
    the day to look at the child again.

    Sent from a worker, the obligations stay packed until asked for: a child with no
    alert yet needs only those that can raise one (`raising`), most children most nights.
    `complete` is False when only those were kept (`child_states`' `settle_all`)."""

    __slots__ = (
        "_obligations",
        "_packed",
        "as_of",
        "child",
        "complete",
        "imported",
        "responsible",
        "wake_up",
    )

    def __init__(
        self,
        child: str,
        as_of: date,
        responsible: tuple[str | None, str | None, str | None],
        imported: tuple[Fact, ...],
        obligations: tuple[Obligation, ...] | None,
        wake_up: date | None,
        *,
        packed: tuple[tuple[Any, ...], ...] | None = None,
        complete: bool = True,
    ) -> None:
        self.child, self.as_of, self.wake_up = child, as_of, wake_up
        self.responsible, self.imported = responsible, imported
        self._obligations = obligations
        self._packed = packed
        self.complete = complete

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        if not self.complete:
            raise RuntimeError(f"child {self.child}: only the obligations that can raise an alert were kept")
        if self._obligations is None:
            assert self._packed is not None
            self._obligations = tuple(unpack_obligation(p) for p in self._packed)
        return self._obligations

    def raising(self) -> Iterator[Obligation]:
        """The obligations that can raise an alert where there is none: overdue or due soon."""
        if self._obligations is not None or self._packed is None:
            return (o for o in self._obligations or () if o.status in _RAISING)
        return (unpack_obligation(p) for p in self._packed if p[PACKED_STATUS] in _RAISING)

    def __reduce__(self) -> tuple[Any, ...]:
        packed = self._packed
        if packed is None:
            packed = tuple(pack_obligation(o) for o in self._obligations or ())
        return _unpickle_state, (
            self.child,
            self.as_of,
            self.responsible,
            self.imported,
            packed,
            self.wake_up,
            self.complete,
        )


_RAISING = frozenset({Status.OVERDUE, Status.DUE_SOON})


def _unpickle_state(
    child: str,
    as_of: date,
    responsible: tuple[str | None, str | None, str | None],
    imported: tuple[Fact, ...],
    packed: tuple[tuple[Any, ...], ...],
    wake_up: date | None,
    complete: bool = True,
) -> ChildState:
    return ChildState(child, as_of, responsible, imported, None, wake_up, packed=packed, complete=complete)


def child_states(
    engine: Engine,
    children: Sequence[str] | None,
    *,
    as_of: date,
    settle_all: frozenset[str] | None = None,
) -> Iterator[ChildState]:
    """Each child's `ChildState` at `as_of` (run in worker processes with `jobs`). With
    `settle_all`, a child not in it keeps only the obligations that can raise an alert
    (it has no alert raised for an obligation to settle): less to send and to read back."""
    for evaluation in engine.evaluate_all(as_of=as_of, children=children):
        tl = evaluation.timeline
        complete = settle_all is None or evaluation.child in settle_all
        yield ChildState(
            evaluation.child,
            evaluation.as_of,
            responsible(tl, as_of),
            tl.of_type(*_IMPORTED_ALERTS),
            tuple(o for o in evaluation.obligations if (complete or o.status in _RAISING) and _alertable(o)),
            engine.wake_up(evaluation),
            complete=complete,
        )


def _alertable(o: Obligation) -> bool:
    spec = REGISTRY.get(o.rule)
    return spec is not None and str(spec.basis) != "kpi"


def _existing_alerts(queue: AlertQueue) -> Alerts:
    return Alerts(queue.all())


def _index_probe(queue: AlertQueue) -> str:
    """Stands for the ids the index is kept under (they change when the store is rekeyed)."""
    return queue.child_index_id("").hex


def _child_refs(queue: AlertQueue, children: Iterable[str]) -> set[str]:
    return {ref for index in queue.child_indexes(children).values() for ref in index.refs}


class _StageMarks:
    """Every alert's DRP-stage mark (`AlertQueue.staged_refs`) as the run reads them: on
    from the marks the ledger keeps from the last run when they are for the same alert ids
    (`probe`), else from the whole log. `keep` has the ledger keep them as the run leaves
    them, for the next run to read on from."""

    def __init__(self, queue: AlertQueue, ledger: Ledger, probe: str) -> None:
        self.queue, self.ledger, self.probe = queue, ledger, probe
        self.kept = ledger.staged if getattr(ledger, "staged_probe", None) == probe else None
        self.read_at = queue.store.position()
        if self.kept is None:
            self.read = queue.staged_refs()
        else:
            self.read = queue.staged_refs(self.kept, after=ledger.staged_position)

    def keep(self) -> None:
        """Record the marks as they stand now (`StagedRead`, saved with the run's last
        save): those read, and those recorded since, by this run or by anyone else, read
        on from where the run read. Up to the position the store had before that second
        read, so a mark recorded meanwhile is read again by the next run, never missed."""
        position = self.queue.store.position()
        marks = self.queue.staged_refs(self.read, after=self.read_at)
        if self.kept is not None:
            marks = {ref: open_ for ref, open_ in marks.items() if self.kept.get(ref) != open_}
        self.ledger.trigger_event(
            Ledger.StagedRead, probe=self.probe, position=position, marks=marks, whole=self.kept is None
        )


def _add_staged(queue: AlertQueue, alerts: Alerts, marked: dict[str, bool]) -> None:
    """Add to `alerts` those marked open in a DRP stage (`marked`) not read already."""
    staged = {ref for ref, open_ in marked.items() if open_ and ref not in alerts}
    for alert in queue.by_refs(staged):
        alerts[alert.ref] = alert


def _index_all(queue: AlertQueue, alerts: Alerts, marked: dict[str, bool]) -> list[Aggregate]:
    """Index every alert: each child's `ChildAlerts` and the `StagedAlert` marks missing."""
    by_child: dict[str, list[str]] = {}
    for alert in alerts.values():
        by_child.setdefault(alert.child, []).append(alert.ref)
    return _index_refs(queue, by_child) + _marks(queue, alerts.values(), marked)


def _with_index(queue: AlertQueue, changes: _Batch, marked: dict[str, bool]) -> list[Aggregate]:
    """A batch's changed aggregates with the index entries of the alerts it raised and of
    those now in a DRP stage, saved with them in the same transaction."""
    changed = list(changes.aggregates.values())
    by_child: dict[str, list[str]] = {}
    for aggregate in changed:
        if isinstance(aggregate, Alert) and any(
            isinstance(e, Alert.Raised) for e in aggregate.pending_events
        ):
            by_child.setdefault(aggregate.child, []).append(aggregate.ref)
    alerts = [a for a in changed if isinstance(a, Alert)]
    return changed + _index_refs(queue, by_child) + _marks(queue, alerts, marked)


def _index_refs(queue: AlertQueue, by_child: dict[str, list[str]]) -> list[Aggregate]:
    if not by_child:
        return []
    existing = queue.child_indexes(by_child)
    out: list[Aggregate] = []
    for child, refs in by_child.items():
        index = existing.get(child)
        if index is None:
            out.append(
                ChildAlerts._create(
                    ChildAlerts.Opened, id=queue.child_index_id(child), child=child, refs=refs
                )
            )
            continue
        known = set(index.refs)
        new = [ref for ref in refs if ref not in known]
        if new:
            index.trigger_event(ChildAlerts.Listed, refs=new)
            out.append(index)
    return out


def _marks(queue: AlertQueue, alerts: Iterable[Alert], marked: dict[str, bool]) -> list[Aggregate]:
    """The `StagedAlert` changes these alerts need (marked open, settled, open again)."""
    return [mark for alert in alerts if (mark := queue.staged_marker(alert, marked)) is not None]


def _settle_child(
    queue: AlertQueue, evaluation: ChildState, alerts: Alerts, changes: _Batch, now: datetime
) -> None:
    """Raise, upgrade or close this child's alerts to match its obligations.

    An obligation's alert is found by the obligation's key (every alert the batch raises
    for an obligation carries it, under the id `ref_for_obligation(key)`). A child with
    no such alert yet needs only the obligations that can raise one."""
    as_of = evaluation.as_of
    team, worker, iro = evaluation.responsible
    by_key = {a.key: a for a in alerts.of_child(evaluation.child) if a.key is not None}
    live_keys: set[str] = set()
    for o in evaluation.obligations if by_key else evaluation.raising():
        live_keys.add(o.key)
        alert = by_key.get(o.key)
        if alert is not None and alert.kind == "baseline":
            _settle_baseline(alert, o, changes, now)
            continue
        if o.status is Status.OVERDUE:
            if alert is None:
                before_line = changes.go_live is not None and o.due_on < changes.go_live
                by_key[o.key] = _raise(
                    queue,
                    o,
                    ref_for_obligation(o.key),
                    "baseline" if before_line else "breach",
                    team,
                    worker,
                    iro,
                    alerts,
                    changes,
                    now,
                )
                continue
            if _closed_by_batch(alert) or (alert.status == "resolved" and alert.kind == "due_soon"):
                # Same alert, reopened, never a second: closed by an earlier run (met, or its
                # due date moved) and overdue again because the fact that met it was retracted
                # or corrected; or a warning someone closed that has now become a breach.
                _reopen(
                    alert,
                    f"overdue: due {o.due_on:%a %-d %b %Y}, not done by {as_of:%a %-d %b %Y}",
                    changes,
                    now,
                )
            if alert.status == "open" and alert.kind == "due_soon":
                alert.trigger_event(
                    Alert.Breached,
                    days_overdue=o.days_late,
                    by=SYSTEM,
                    at=now,
                    note=f"now overdue: due {o.due_on:%a %-d %b %Y}",
                )
                changes.add(alert)
        elif o.status is Status.DUE_SOON:
            if alert is None and queue.settings.raise_due_soon:
                by_key[o.key] = _raise(
                    queue, o, ref_for_obligation(o.key), "due_soon", team, worker, iro, alerts, changes, now
                )
            elif alert is not None and alert.status == "open" and alert.kind == "breach":
                _close(alert, f"no longer overdue: now due {o.due_on:%a %-d %b %Y}", changes, now)
            elif alert is not None and alert.kind == "due_soon" and _closed_by_batch(alert):
                if queue.settings.raise_due_soon:
                    _reopen(alert, f"due soon again: due {o.due_on:%a %-d %b %Y}", changes, now)
        elif o.status is Status.PENDING:
            # The due date moved (e.g. a late review restarted a chain): not a breach now.
            if alert is not None and alert.status == "open" and alert.kind in AUTO_KINDS:
                _close(alert, f"no longer due soon or overdue: now due {o.due_on:%a %-d %b %Y}", changes, now)
        elif o.status in (Status.MET, Status.LATE, Status.CLOSED):
            if alert is not None and alert.status == "open" and alert.kind in AUTO_KINDS:
                _close(alert, _outcome(o), changes, now)
        elif o.status is Status.MISSED:
            # Can no longer be put right: out of the working queue, kept in the history.
            if alert is not None and alert.status == "open" and alert.kind in AUTO_KINDS:
                _close(alert, MISSED, changes, now, note=_missed_note(o))
                changes.missed += 1
        elif o.status is Status.NO_DATA:
            if alert is not None and alert.status == "open" and alert.kind in AUTO_KINDS:
                _close(alert, _outcome(o), changes, now)
    # Open automatic alerts of this child whose obligation no longer exists (its clock start was retracted).
    for alert in by_key.values():
        if alert.status == "open" and alert.kind in AUTO_KINDS and alert.key not in live_keys:
            _close(alert, "obligation no longer applies (its clock start was corrected)", changes, now)
    _sync_imported(queue, evaluation, alerts, changes, now, team, worker, iro)


def _raise(
    queue: AlertQueue,
    o: Obligation,
    ref: str,
    kind: str,
    team: str | None,
    worker: str | None,
    iro: str | None,
    alerts: Alerts,
    changes: _Batch,
    now: datetime,
) -> Alert:
    spec = REGISTRY[o.rule]
    if kind == "baseline":
        assert changes.go_live is not None
        note: str | None = f"due before the go-live line {changes.go_live:%a %-d %b %Y}: baseline, not queued"
    else:
        note = None
    alert = queue.new_alert(
        ref=ref,
        child=o.child,
        kind=kind,
        theme=spec.theme or DECISIONS_NOT_IMPLEMENTED,
        by=SYSTEM,
        now=now,
        rule=o.rule,
        key=o.key,
        title=o.title,
        due=o.due_on,
        days_overdue=o.days_late,
        team=team,
        worker=worker,
        iro=iro,
        note=note,
    )
    alerts[ref] = alert
    changes.add(alert)
    if kind == "baseline":
        changes.baseline += 1
    else:
        changes.raised += 1
    return alert


def _close(alert: Alert, outcome: str, changes: _Batch, now: datetime, note: str | None = None) -> None:
    alert.trigger_event(Alert.Resolved, outcome=outcome, automatic=True, by=SYSTEM, at=now, note=note)
    changes.add(alert)
    changes.closed += 1


def _settle_baseline(alert: Alert, o: Obligation, changes: _Batch, now: datetime) -> None:
    """A baseline breach stays in the baseline while overdue, and is closed (not counted as
    an alert closed) once met, closed or missed; one reopened into the queue is a breach."""
    if alert.status != "baseline" or o.status is Status.OVERDUE:
        return
    if o.status is Status.MISSED:
        outcome, note = MISSED, _missed_note(o)
    elif o.status in (Status.DUE_SOON, Status.PENDING):
        outcome, note = f"no longer overdue: now due {o.due_on:%a %-d %b %Y}", None
    else:
        outcome, note = _outcome(o), None
    alert.trigger_event(Alert.Resolved, outcome=outcome, automatic=True, by=SYSTEM, at=now, note=note)
    changes.add(alert)


def _missed_note(o: Obligation) -> str:
    late = f"{o.days_late} working day{'s' if o.days_late != 1 else ''} late"
    since = f" on {o.missed_on:%a %-d %b %Y}" if o.missed_on is not None else ""
    return f"can no longer be met: {o.closed_reason or 'the chance to do it has gone'}{since} ({late})"


def _closed_by_batch(alert: Alert) -> bool:
    """An automatic alert the nightly batch closed (a person's resolution is never undone here)."""
    return alert.status == "resolved" and alert.resolved_automatically and alert.kind in AUTO_KINDS


def _reopen(alert: Alert, why: str, changes: _Batch, now: datetime) -> None:
    alert.trigger_event(Alert.Reopened, by=SYSTEM, at=now, note=why)
    changes.add(alert)
    changes.reopened += 1


def _settle_stage_flags(
    queue: AlertQueue, alerts: Alerts, as_of: date, now: datetime, go_live: date | None = None
) -> _Batch:
    """Raise one `stage_overdue` alert per DRP stage left unanswered past its response date
    (deterministic id from the alert and the stage: once, even across crashed runs), and
    close the flags whose stage has since been answered, escalated past or resolved.

    The alerts involved are read again from the store first: a manager may have answered
    or escalated one since the run began, and the run must neither flag a stage already
    answered nor conflict with that change. A stage whose response fell due before the
    go-live line is part of the baseline: no flag is raised for it."""
    changes = _Batch()
    for flag in [a for a in alerts.values() if a.kind == "stage_overdue" and a.status == "open" and a.parent]:
        parent = _reread(queue, flag.parent)  # type: ignore[arg-type]
        reason = _stage_settled(parent, flag.raised_stage) if parent is not None else None
        if reason is None:
            continue
        current = _reread(queue, flag.ref)
        if current is not None and current.status == "open":
            _close(current, reason, changes, now)
            alerts[current.ref] = current
    for alert in list(alerts.values()):
        if alert.kind == "stage_overdue" or not queue.view(alert, as_of).stage_overdue:
            continue
        ref = ref_for_stage_overdue(alert.ref, alert.stage)
        if ref in alerts:
            continue
        if (
            go_live is not None
            and alert.stage_response_due is not None
            and alert.stage_response_due < go_live
        ):
            continue
        if queue.exists(ref):  # raised before and closed since (not read: only open ones are)
            continue
        fresh = _reread(queue, alert.ref)
        if fresh is None or not queue.view(fresh, as_of).stage_overdue or fresh.stage != alert.stage:
            continue
        due = fresh.stage_response_due
        assert due is not None  # a stage is overdue only against its response date
        flagged = queue.new_alert(
            ref=ref,
            child=fresh.child,
            kind="stage_overdue",
            theme=fresh.theme,
            by=SYSTEM,
            now=now,
            stage=fresh.stage,
            rule=fresh.rule,
            title=f"No response at DRP stage {fresh.stage} to {fresh.ref} (due {due:%a %-d %b %Y})",
            due=due,
            days_overdue=queue.calendar.working_days_between(due, as_of),
            team=fresh.team,
            worker=fresh.worker,
            iro=fresh.iro,
            note=f"raised for {fresh.ref}",
            parent=fresh.ref,
        )
        alerts[ref] = flagged
        changes.add(flagged)
        changes.raised += 1
    return changes


def _reread(queue: AlertQueue, ref: str) -> Alert | None:
    try:
        return queue.get(ref)
    except AlertNotFound:
        return None


def _stage_settled(parent: Alert, stage: str) -> str | None:
    """Why a stage-overdue flag on `parent` at `stage` no longer stands, or None if it does."""
    if parent.status != "open":
        return f"{parent.ref} was resolved: {parent.outcome}"
    if parent.stage != stage:
        return f"{parent.ref} was escalated to stage {parent.stage}"
    if parent.responded_stage == stage:
        return f"{parent.ref} was answered at stage {stage}"
    return None


def _outcome(o: Obligation) -> str:
    if o.status is Status.CLOSED:
        return f"closed: {o.closed_reason}"
    if o.status is Status.NO_DATA:
        return f"no data: {o.closed_reason or 'no source can supply the fact'}"
    done = o.met_on.astimezone(LONDON).date() if isinstance(o.met_on, datetime) else o.met_on
    return f"{'met' if o.status is Status.MET else 'done late'} on {done:%a %-d %b %Y}"


def _sync_imported(
    queue: AlertQueue,
    evaluation: ChildState,
    alerts: Alerts,
    changes: _Batch,
    now: datetime,
    team: str | None,
    worker: str | None,
    iro: str | None,
) -> None:
    """Mirror the child's imported practice_alert_* and good_practice_notified facts, once each."""
    child = evaluation.child
    for fact in evaluation.imported:
        moment = (
            fact.at
            if isinstance(fact.at, datetime)
            else datetime.combine(fact.on, datetime.min.time(), tzinfo=LONDON)
        )
        source = f"{child}#{fact.id or fact.seq}"
        by = fact.get("by") or "imported"
        if fact.type == "good_practice_notified":
            ref = ref_for_imported(child, f"praise:{fact.id or fact.seq}")
            if ref not in alerts:
                praise = queue.new_alert(
                    ref=ref,
                    child=child,
                    kind="praise",
                    theme=fact["theme"],
                    by=by,
                    now=moment,
                    team=fact.get("team") or team,
                    worker=worker,
                    iro=iro,
                    source_event=source,
                )
                alerts[ref] = praise
                changes.add(praise)
            continue
        ref = ref_for_imported(child, fact["alert"])
        alert = alerts.get(ref)
        if fact.type == "practice_alert_raised":
            if alert is None:
                alert = queue.new_alert(
                    ref=ref,
                    child=child,
                    kind="imported",
                    theme=fact["theme"],
                    by=by,
                    now=moment,
                    stage=str(fact.get("stage", "informal")),
                    raised_to=fact.get("raised_to"),
                    team=fact.get("team") or team,
                    worker=worker,
                    iro=iro,
                    source_event=source,
                    note=f"imported alert {fact['alert']}",
                )
                alerts[ref] = alert
                changes.add(alert)
            continue
        marker = f"from imported event {source}"
        if alert is None or any(h.get("note") == marker for h in alert.history):
            continue
        if (
            fact.type == "practice_alert_escalated"
            and alert.status == "open"
            and alert.stage != str(fact["stage"])
        ):
            alert.trigger_event(
                Alert.Escalated,
                stage=str(fact["stage"]),
                stage_response_due=queue.response_due(str(fact["stage"]), moment),
                raised_to=None,
                by=by,
                at=moment,
                note=marker,
            )
        elif (
            fact.type == "practice_alert_responded"
            and alert.status == "open"
            and alert.responded_stage != alert.stage
        ):
            alert.trigger_event(Alert.Responded, by=by, at=moment, note=marker)
        elif fact.type == "practice_alert_resolved" and alert.status == "open":
            alert.trigger_event(
                Alert.Resolved,
                outcome=fact.get("outcome") or "resolved",
                automatic=False,
                by=by,
                at=moment,
                note=marker,
            )
        else:
            continue
        changes.add(alert)


def go_live_line(store: CaseStore, settings: Any) -> date | None:
    """The go-live line in force: `[alerts] from`, else the one the first `--baseline` drew."""
    if settings.alerts_from is not None:
        return settings.alerts_from  # type: ignore[no-any-return]
    if LEDGER_ID not in store.repository:
        return None
    return load_ledger(store).go_live


def list_runs(store: CaseStore) -> list[NightlyRun]:
    ledger = load_ledger(store)
    runs: list[NightlyRun] = []
    for run_id in ledger.started:
        runs.append(store.repository.get(UUID(run_id)))
    return sorted(runs, key=lambda r: r.started)


__all__ = [
    "Ledger",
    "NightlyRun",
    "RunSummary",
    "SimulatedCrash",
    "alert_aggregate_id",
    "go_live_line",
    "list_runs",
    "run_nightly",
]
