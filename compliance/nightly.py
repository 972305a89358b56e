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
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate

from compliance.alerts import (
    AUTO_KINDS,
    Alert,
    AlertQueue,
    alert_aggregate_id,
    ref_for_imported,
    ref_for_obligation,
    ref_for_stage_overdue,
)
from compliance.engine import Engine, Evaluation
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

        def apply(self, run: NightlyRun) -> None:  # type: ignore[override]
            run.finished = self.finished
            run.children_evaluated = self.children_evaluated
            run.alerts_raised = self.alerts_raised
            run.alerts_closed = self.alerts_closed
            run.stage_overdue_raised = self.stage_overdue_raised
            run.duration_s = self.duration_s

    def __init__(self, as_of: date, started: datetime, full: bool, children_planned: int) -> None:
        self.as_of, self.started, self.full, self.children_planned = as_of, started, full, children_planned
        self.finished: datetime | None = None
        self.children_evaluated = 0
        self.alerts_raised = 0
        self.alerts_closed = 0
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

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "as_of": self.as_of.isoformat(),
            "full": self.full,
            "children_evaluated": self.children_evaluated,
            "alerts_raised": self.alerts_raised,
            "alerts_closed": self.alerts_closed,
            "stage_overdue_raised": self.stage_overdue_raised,
            "duration_s": round(self.duration_s, 3),
        }

    def text(self) -> str:
        return (
            f"Nightly run as of {self.as_of:%a %-d %b %Y}: evaluated {self.children_evaluated} "
            f"child{'ren' if self.children_evaluated != 1 else ''}{' (full run)' if self.full else ''}, "
            f"raised {self.alerts_raised} alert{'s' if self.alerts_raised != 1 else ''}, "
            f"closed {self.alerts_closed} whose obligation is now met or closed, and raised "
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
    store.save(run, ledger)

    summary = RunSummary(str(run.id), as_of, full=full or first_run)
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
        if progress is not None:
            progress(done, len(children))
    summary.children_evaluated = done

    # DRP stages left unanswered past their response date: each raised once, as its own alert.
    stage_changes = _Batch()
    for alert in list(alerts.values()):
        view = queue.view(alert, as_of)
        if not view.stage_overdue or alert.kind == "stage_overdue":
            continue
        ref = ref_for_stage_overdue(alert.ref, alert.stage)
        if ref in alerts:
            continue
        flagged = queue.new_alert(
            ref=ref,
            child=alert.child,
            kind="stage_overdue",
            theme=alert.theme,
            by=SYSTEM,
            now=now,
            stage=alert.stage,
            rule=alert.rule,
            title=f"No response at DRP stage {alert.stage} to {alert.ref} (due {alert.stage_response_due:%a %-d %b %Y})",
            due=alert.stage_response_due,
            days_overdue=engine.calendar.working_days_between(alert.stage_response_due, as_of),  # type: ignore[arg-type]
            team=alert.team,
            worker=alert.worker,
            iro=alert.iro,
            note=f"raised for {alert.ref}",
        )
        alerts[ref] = flagged
        stage_changes.add(flagged)
    summary.stage_overdue_raised = len(stage_changes.aggregates)

    summary.duration_s = time.perf_counter() - t0
    run.trigger_event(
        NightlyRun.Finished,
        finished=now,
        children_evaluated=done,
        alerts_raised=summary.alerts_raised,
        alerts_closed=summary.alerts_closed,
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
        if ref not in self:
            self._by_child.setdefault(alert.child, []).append(alert)
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
            elif alert.status == "open" and alert.kind == "due_soon":
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
                alert = queue.new_alert(
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
                alerts[ref] = alert
                changes.add(alert)
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
    runs = []
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
