"""The nightly batch: new breaches and obligations coming due, raised once, across all children.

Incremental: a run evaluates the children with facts recorded since the last completed
run (a position in the store's event log) plus those whose next possible status change
(a due date or the start of a warning window) has arrived, kept as a per-child wake-up
date. `full=True` (and the very first run) evaluates everyone.

Exactly once: alert ids are derived from the obligation key, so the same breach always
maps to the same alert; each batch's alert changes and its wake-up dates are saved in
one transaction; the log position advances only when a run finishes. A run that dies
part way leaves the position where it was, so the next run covers the same children
again and finds the alerts already raised by the dead run: no duplicate, none lost.

An alert the batch closed whose obligation falls overdue again (the fact that met it was
retracted) is reopened, as is a due-soon warning someone closed once it becomes a breach;
a breach a person resolved stays resolved. Breaches enter the DRP when an IRO escalates
them; a DRP stage left unanswered past its response date is raised once as its own
`stage_overdue` alert and closed by a later run once that stage is answered, escalated
past or the alert resolved.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate

from compliance.alerts import (
    AUTO_KINDS,
    Alert,
    AlertNotFound,
    AlertQueue,
    alert_aggregate_id,
    ref_for_imported,
    ref_for_obligation,
    ref_for_stage_overdue,
)
from compliance.engine import Engine, Evaluation
from compliance.integrity import Checkpoint, TamperedStore
from compliance.store import CASECHECK_NAMESPACE, CaseStore
from events.timeline import LONDON, Timeline
from rules.obligation import Obligation, Status
from rules.registry import REGISTRY
from rules.themes import DECISIONS_NOT_IMPLEMENTED

LEDGER_ID = uuid5(CASECHECK_NAMESPACE, "nightly-ledger")
SYSTEM = "casecheck nightly"


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

    def __init__(self) -> None:
        self.position = 0
        self.wakeups: dict[str, date] = {}
        self.runs: list[str] = []
        self.started: list[str] = []


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

    class Finished(Event):
        TOPIC = "casecheck:NightlyRun.Finished"
        finished: datetime
        children_evaluated: int
        alerts_raised: int
        alerts_closed: int
        stage_overdue_raised: int
        duration_s: float
        alerts_reopened: int

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["alerts_reopened"] = 0

        def apply(self, run: NightlyRun) -> None:  # type: ignore[override]
            run.finished = self.finished
            run.children_evaluated = self.children_evaluated
            run.alerts_raised = self.alerts_raised
            run.alerts_closed = self.alerts_closed
            run.alerts_reopened = self.alerts_reopened
            run.stage_overdue_raised = self.stage_overdue_raised
            run.duration_s = self.duration_s

    def __init__(self, as_of: date, started: datetime, full: bool, children_planned: int) -> None:
        self.as_of, self.started, self.full, self.children_planned = as_of, started, full, children_planned
        self.finished: datetime | None = None
        self.children_evaluated = 0
        self.alerts_raised = 0
        self.alerts_closed = 0
        self.alerts_reopened = 0
        self.stage_overdue_raised = 0
        self.duration_s = 0.0

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
            "stage_overdue_raised": self.stage_overdue_raised,
            "duration_s": round(self.duration_s, 3),
            "completed": self.finished is not None,
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

    def to_json(self) -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint,
            "run": self.run,
            "as_of": self.as_of.isoformat(),
            "full": self.full,
            "children_evaluated": self.children_evaluated,
            "alerts_raised": self.alerts_raised,
            "alerts_closed": self.alerts_closed,
            "alerts_reopened": self.alerts_reopened,
            "stage_overdue_raised": self.stage_overdue_raised,
            "duration_s": round(self.duration_s, 3),
        }

    def text(self) -> str:
        return (
            f"Nightly run as of {self.as_of:%a %-d %b %Y}: evaluated {self.children_evaluated} "
            f"child{'ren' if self.children_evaluated != 1 else ''}{' (full run)' if self.full else ''}, "
            f"raised {self.alerts_raised} alert{'s' if self.alerts_raised != 1 else ''}, "
            f"closed {self.alerts_closed} whose obligation is now met or closed, "
            + (
                f"reopened {self.alerts_reopened} whose obligation is overdue again, "
                if self.alerts_reopened
                else ""
            )
            + "and raised "
            f"{self.stage_overdue_raised} for DRP stages left unanswered past their response date, "
            f"in {self.duration_s:.1f} s."
        )


class SimulatedCrash(RuntimeError):
    """Raised by `_fail_after` in tests to kill a run part way."""


def load_ledger(store: CaseStore) -> Ledger:
    if LEDGER_ID in store.repository:
        return store.repository.get(LEDGER_ID)  # type: ignore[no-any-return]
    return Ledger._create(Ledger.Created, id=LEDGER_ID)  # type: ignore[no-any-return]


def _who(timeline: Timeline, as_of: date) -> tuple[str | None, str | None, str | None]:
    """(team, worker, IRO) responsible as at a date, from the child's facts."""
    team = worker = iro = None
    for fact in timeline.facts:
        if fact.on > as_of:
            break
        if fact.get("team"):
            team = fact["team"]
        if fact.type == "worker_allocated" and fact.get("role", "social_worker") == "social_worker":
            worker = fact["worker"]
        elif fact.type == "iro_allocated":
            iro = fact["iro"]
    return team, worker, iro


class _Batch:
    """The alert changes of one batch of children, to be saved in one transaction."""

    def __init__(self) -> None:
        self.aggregates: dict[UUID, Aggregate] = {}
        self.raised = 0
        self.closed = 0
        self.reopened = 0

    def add(self, aggregate: Aggregate) -> None:
        self.aggregates[aggregate.id] = aggregate


def run_nightly(
    store: CaseStore,
    engine: Engine,
    *,
    as_of: date,
    now: datetime,
    full: bool = False,
    batch: int = 200,
    progress: Callable[[int, int], None] | None = None,
    _fail_after: int | None = None,
) -> RunSummary:
    """Run the nightly batch as of `as_of`; `now` is the moment recorded on its changes.

    `_fail_after` is for tests: it kills the run after that many children, having saved
    part of a batch's alerts, to show the next run completes the job without duplicates.
    """
    t0 = time.perf_counter()
    # Never act on a tampered store: verify everything first, and record the head that
    # was verified as this run's checkpoint.
    verified = store.verify()
    if not verified.ok:
        raise TamperedStore(
            f"nightly run refused: the store fails verification at {verified.first()}; see `casecheck verify`"
        )
    queue = AlertQueue(store, engine.settings, engine.calendar)
    ledger = load_ledger(store)
    end_position = store.position()
    first_run = not ledger.runs
    if full or first_run:
        children = store.children()
    else:
        changed = store.children_changed_since(ledger.position, upto=end_position)
        due = {child for child, day in ledger.wakeups.items() if day <= as_of}
        children = sorted(changed | due)
    run = NightlyRun._create(
        NightlyRun.Started,
        id=uuid4(),
        as_of=as_of,
        started=now,
        full=full or first_run,
        children_planned=len(children),
    )
    ledger.trigger_event(Ledger.RunStarted, run=str(run.id))
    store.save(run, ledger, Checkpoint.record(str(run.id), verified.head))

    summary = RunSummary(str(run.id), as_of, full=full or first_run, checkpoint=verified.head.to_json())
    alerts = _existing_alerts(queue)
    done = 0
    for start in range(0, len(children), batch):
        chunk = children[start : start + batch]
        changes = _Batch()
        wakeups: dict[str, date | None] = {}
        for evaluation in engine.evaluate_all(as_of=as_of, children=chunk):
            _settle_child(queue, evaluation, alerts, changes, now)
            wakeups[evaluation.child] = engine.wake_up(evaluation)
            done += 1
            if _fail_after is not None and done >= _fail_after:
                store.save(*changes.aggregates.values())  # a crash after a partial save is the hard case
                raise SimulatedCrash(f"simulated crash after {done} children")
        ledger.trigger_event(Ledger.BatchDone, run=str(run.id), wakeups=wakeups)
        store.save(*changes.aggregates.values(), ledger)
        summary.alerts_raised += changes.raised
        summary.alerts_closed += changes.closed
        summary.alerts_reopened += changes.reopened
        if progress is not None:
            progress(done, len(children))
    summary.children_evaluated = done

    # DRP stages left unanswered past their response date: each raised once, as its own
    # alert; closed once its stage is answered, escalated past or the alert resolved.
    stage_changes = _settle_stage_flags(queue, alerts, as_of, now)
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
        stage_overdue_raised=summary.stage_overdue_raised,
        duration_s=summary.duration_s,
    )
    ledger.trigger_event(Ledger.RunFinished, run=str(run.id), position=end_position)
    store.save(*stage_changes.aggregates.values(), run, ledger)
    store.take_snapshot(LEDGER_ID)
    return summary


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


def _existing_alerts(queue: AlertQueue) -> Alerts:
    return Alerts(queue.all())


def _settle_child(
    queue: AlertQueue, evaluation: Evaluation, alerts: Alerts, changes: _Batch, now: datetime
) -> None:
    """Raise, upgrade or close this child's alerts to match its obligations."""
    as_of = evaluation.as_of
    team, worker, iro = _who(evaluation.timeline, as_of)
    live_refs: set[str] = set()
    for o in evaluation.obligations:
        spec = REGISTRY.get(o.rule)
        if spec is None or str(spec.basis) == "kpi":
            continue
        ref = ref_for_obligation(o.key)
        live_refs.add(ref)
        alert = alerts.get(ref)
        if o.status is Status.OVERDUE:
            if alert is None:
                _raise(queue, o, ref, "breach", team, worker, iro, alerts, changes, now)
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
                _raise(queue, o, ref, "due_soon", team, worker, iro, alerts, changes, now)
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
    # Open automatic alerts of this child whose obligation no longer exists (its clock start was retracted).
    for alert in alerts.of_child(evaluation.child):
        if alert.status == "open" and alert.kind in AUTO_KINDS and alert.ref not in live_refs:
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
) -> None:
    spec = REGISTRY[o.rule]
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
    )
    alerts[ref] = alert
    changes.add(alert)
    changes.raised += 1


def _close(alert: Alert, outcome: str, changes: _Batch, now: datetime) -> None:
    alert.trigger_event(Alert.Resolved, outcome=outcome, automatic=True, by=SYSTEM, at=now, note=None)
    changes.add(alert)
    changes.closed += 1


def _closed_by_batch(alert: Alert) -> bool:
    """An automatic alert the nightly batch closed (a person's resolution is never undone here)."""
    return alert.status == "resolved" and alert.resolved_automatically and alert.kind in AUTO_KINDS


def _reopen(alert: Alert, why: str, changes: _Batch, now: datetime) -> None:
    alert.trigger_event(Alert.Reopened, by=SYSTEM, at=now, note=why)
    changes.add(alert)
    changes.reopened += 1


def _settle_stage_flags(queue: AlertQueue, alerts: Alerts, as_of: date, now: datetime) -> _Batch:
    """Raise one `stage_overdue` alert per DRP stage left unanswered past its response date
    (deterministic id from the alert and the stage: once, even across crashed runs), and
    close the flags whose stage has since been answered, escalated past or resolved.

    The alerts involved are read again from the store first: a manager may have answered
    or escalated one since the run began, and the run must neither flag a stage already
    answered nor conflict with that change."""
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
    done = o.met_on.astimezone(LONDON).date() if isinstance(o.met_on, datetime) else o.met_on
    return f"{'met' if o.status is Status.MET else 'done late'} on {done:%a %-d %b %Y}"


def _sync_imported(
    queue: AlertQueue,
    evaluation: Evaluation,
    alerts: Alerts,
    changes: _Batch,
    now: datetime,
    team: str | None,
    worker: str | None,
    iro: str | None,
) -> None:
    """Mirror the child's imported practice_alert_* and good_practice_notified facts, once each."""
    tl = evaluation.timeline
    for fact in tl.of_type(
        "practice_alert_raised",
        "practice_alert_escalated",
        "practice_alert_responded",
        "practice_alert_resolved",
        "good_practice_notified",
    ):
        moment = (
            fact.at
            if isinstance(fact.at, datetime)
            else datetime.combine(fact.on, datetime.min.time(), tzinfo=LONDON)
        )
        source = f"{tl.child}#{fact.id or fact.seq}"
        by = fact.get("by") or "imported"
        if fact.type == "good_practice_notified":
            ref = ref_for_imported(tl.child, f"praise:{fact.id or fact.seq}")
            if ref not in alerts:
                praise = queue.new_alert(
                    ref=ref,
                    child=tl.child,
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
        ref = ref_for_imported(tl.child, fact["alert"])
        alert = alerts.get(ref)
        if fact.type == "practice_alert_raised":
            if alert is None:
                alert = queue.new_alert(
                    ref=ref,
                    child=tl.child,
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
    "list_runs",
    "run_nightly",
]
