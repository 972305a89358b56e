"""Practice alerts and the IRO dispute resolution process (DRP), event-sourced.

An alert is raised by the nightly batch (a breach, or an obligation due soon), by an IRO
by hand, or from an imported `practice_alert_raised`; it is assigned, acknowledged,
responded to, escalated through the DRP stages (informal -> 1 -> 2 -> 3 -> 4, stages may
be skipped, Cafcass at any time), resolved and reopened. Every change records who and
when. Each stage has a response-due date in working days from the council's DRP
settings; the whole formal process is measured against 20 working days (IRO Handbook 6.2).

Guard checks run before any event is created, so a refused change stores nothing.
Good-practice notifications are alerts of kind `praise`, counted the same way.

Each change has two times: `at`, when it happened (a manager may record on Monday the
escalation made on Friday), and the moment it was recorded, which the store keeps.

A breach that fell due before the council's go-live line (`[alerts] from`, or the first
`nightly --baseline`) is recorded as a `baseline` alert: kept and listed by
`alerts --baseline`, not put in the working queue. A Cafcass referral ends the local
process: no stage response is due after it and the formal clock stops.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from compliance.choices import (
    ALERT_KINDS,
    ALERT_SORTS,
    STAGES,
    UnknownValue,
    check_rule_patterns,
    match_known,
    rule_matches,
)
from compliance.errors import CasecheckError, ChildNotFound
from compliance.settings import Settings
from compliance.store import CASECHECK_NAMESPACE, CaseStore, replay
from events.timeline import LONDON, Fact, Timeline, build_timeline
from rules.calendar import WorkingDayCalendar
from rules.registry import REGISTRY
from rules.themes import GOOD_PRACTICE_THEMES, PRACTICE_ALERT_THEMES
from rules.timescales import Timescale

FORMAL = ("1", "2", "3", "4")
KINDS = ALERT_KINDS
AUTO_KINDS = ("breach", "due_soon")
#: The outcome of an alert the batch closed because its obligation can no longer be met.
MISSED = "missed"
#: Kinds raised into the DRP by a person (by hand, or imported from the case system): their
#: stage has a response date from the moment they are raised. A breach found by the nightly
#: batch enters the DRP only when an IRO escalates it; a stage-overdue flag carries the
#: missed date as its `due`. Otherwise every unanswered breach would be flagged twice.
DRP_AT_RAISE = ("manual", "imported")


class AlertNotFound(CasecheckError):
    pass


class IllegalTransition(CasecheckError):
    pass


def responsible(timeline: Timeline, on: date) -> tuple[str | None, str | None, str | None]:
    """(team, social worker, IRO) of a child as at a day, from the child's facts."""
    team = worker = iro = None
    for fact in timeline.facts:
        if fact.on > on:
            break
        if fact.get("team"):
            team = fact["team"]
        if fact.type == "worker_allocated" and fact.get("role", "social_worker") == "social_worker":
            worker = fact["worker"]
        elif fact.type == "iro_allocated":
            iro = fact["iro"]
    return team, worker, iro


_NAMESPACE_BYTES = CASECHECK_NAMESPACE.bytes


def alert_ref(seed: str) -> str:
    """A short, readable, deterministic alert id ("PA-" and 10 hex digits): the first 10
    hex digits of the uuid5 of `seed`, which are the SHA-1 digest's own (the version and
    variant bits uuid5 sets lie further on), worked out without building the UUID."""
    return "PA-" + hashlib.sha1(_NAMESPACE_BYTES + seed.encode("utf-8")).hexdigest()[:10].upper()


def alert_aggregate_id(ref: str) -> UUID:
    """An alert's aggregate id in a store without keyed ids. Inside the store use
    `CaseStore.alert_id`, which is keyed when the store is encrypted."""
    return uuid5(CASECHECK_NAMESPACE, "alert:" + ref)


def ref_for_obligation(key: str) -> str:
    return alert_ref("obligation:" + key)


def ref_for_imported(child: str, alert: str) -> str:
    return alert_ref(f"imported:{child}/{alert}")


def ref_for_stage_overdue(ref: str, stage: str) -> str:
    return alert_ref(f"stage-overdue:{ref}/{stage}")


class Alert(Aggregate):
    TOPIC = "casecheck:Alert"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:Alert.Event"
        by: str
        at: datetime
        note: str | None

        def apply(self, alert: Alert) -> None:  # type: ignore[override]
            alert.history.append(
                {
                    "at": self.at.isoformat(),
                    "recorded_at": self.timestamp.isoformat(),
                    "by": self.by,
                    "what": type(self).__name__.lower(),
                    **self.details(),
                }
            )
            self.change(alert)

        def details(self) -> dict[str, Any]:
            return {"note": self.note} if self.note else {}

        def change(self, alert: Alert) -> None:
            pass

    class Raised(Event, Aggregate.Created):
        TOPIC = "casecheck:Alert.Raised"
        ref: str
        child: str
        kind: str
        theme: str
        stage: str
        stage_response_due: date | None
        rule: str | None
        key: str | None
        title: str | None
        due: date | None
        days_overdue: int
        team: str | None
        worker: str | None
        iro: str | None
        raised_to: str | None
        source_event: str | None
        parent: str | None  # for a stage-overdue flag: the alert whose stage went unanswered

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["parent"] = None

        def apply(self, alert: Alert) -> None:  # type: ignore[override]
            pass  # __init__ has built the alert and its first history entry

    class Assigned(Event):
        TOPIC = "casecheck:Alert.Assigned"
        to: str

        def details(self) -> dict[str, Any]:
            return {"to": self.to, **super().details()}

        def change(self, alert: Alert) -> None:
            alert.assigned_to = self.to

    class Acknowledged(Event):
        TOPIC = "casecheck:Alert.Acknowledged"

        def change(self, alert: Alert) -> None:
            alert.acknowledged = True

    class Responded(Event):
        TOPIC = "casecheck:Alert.Responded"

        def change(self, alert: Alert) -> None:
            alert.responded_stage = alert.stage

    class Escalated(Event):
        TOPIC = "casecheck:Alert.Escalated"
        stage: str
        stage_response_due: date | None
        raised_to: str | None

        def details(self) -> dict[str, Any]:
            return {
                "stage": self.stage,
                "response_due": self.stage_response_due.isoformat() if self.stage_response_due else None,
                **super().details(),
            }

        def change(self, alert: Alert) -> None:
            alert.stage = self.stage
            alert.stage_response_due = None if self.stage == "cafcass" else self.stage_response_due
            alert.raised_to = self.raised_to
            alert.responded_stage = None
            if self.stage in FORMAL and alert.formal_started is None:
                alert.formal_started = self.at.astimezone(LONDON).date()
            if self.stage == "cafcass":
                alert.local_ended = self.at.astimezone(LONDON).date()

    class Breached(Event):
        """A due-soon alert whose obligation has now fallen overdue."""

        TOPIC = "casecheck:Alert.Breached"
        days_overdue: int

        def change(self, alert: Alert) -> None:
            alert.kind = "breach"
            alert.days_overdue = self.days_overdue

    class Resolved(Event):
        TOPIC = "casecheck:Alert.Resolved"
        outcome: str
        automatic: bool

        def details(self) -> dict[str, Any]:
            return {"outcome": self.outcome, "automatic": self.automatic, **super().details()}

        def change(self, alert: Alert) -> None:
            alert.status = "resolved"
            alert.outcome = self.outcome
            alert.resolved_on = self.at.astimezone(LONDON).date()
            alert.resolved_automatically = self.automatic

    class Reopened(Event):
        TOPIC = "casecheck:Alert.Reopened"

        def change(self, alert: Alert) -> None:
            if alert.status == "baseline":  # taken into the working queue as a breach
                alert.kind = "breach"
            alert.status = "open"
            alert.outcome = None
            alert.resolved_on = None
            alert.resolved_automatically = False

    def __init__(
        self,
        ref: str,
        child: str,
        kind: str,
        theme: str,
        stage: str,
        stage_response_due: date | None,
        rule: str | None,
        key: str | None,
        title: str | None,
        due: date | None,
        days_overdue: int,
        team: str | None,
        worker: str | None,
        iro: str | None,
        raised_to: str | None,
        source_event: str | None,
        by: str,
        at: datetime,
        note: str | None,
        parent: str | None = None,
    ) -> None:
        self.ref, self.child, self.kind, self.theme = ref, child, kind, theme
        self.stage, self.stage_response_due = stage, stage_response_due
        self.raised_stage = stage
        self.rule, self.key, self.title, self.due, self.days_overdue = rule, key, title, due, days_overdue
        self.team, self.worker, self.iro, self.raised_to = team, worker, iro, raised_to
        self.source_event, self.parent = source_event, parent
        self.raised_by, self.raised_at = by, at
        self.status = "resolved" if kind == "praise" else "baseline" if kind == "baseline" else "open"
        self.outcome: str | None = "good practice noted" if kind == "praise" else None
        self.resolved_on: date | None = at.astimezone(LONDON).date() if kind == "praise" else None
        self.resolved_automatically = False  # closed by the nightly batch, not by a person
        self.assigned_to: str | None = None
        self.acknowledged = False
        self.responded_stage: str | None = None
        self.formal_started: date | None = at.astimezone(LONDON).date() if stage in FORMAL else None
        # referred to Cafcass: the local process ended
        self.local_ended: date | None = at.astimezone(LONDON).date() if stage == "cafcass" else None
        self.history: list[dict[str, Any]] = [
            {
                "at": at.isoformat(),
                "by": by,
                "what": "raised",
                "kind": kind,
                "stage": stage,
                **({"note": note} if note else {}),
            }
        ]


class ChildAlerts(Aggregate):
    """The ids of the alerts the nightly batch raised for one child, appended to in the
    same transaction as the alerts: a run reads only the alerts of the children it
    evaluates (`AlertQueue.of_children`), not the whole queue."""

    TOPIC = "casecheck:ChildAlerts"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:ChildAlerts.Event"

    class Opened(Event, Aggregate.Created):
        """Opened with the child's first alerts listed, in the one record (an index
        opened before version 2 listed them in a `Listed` after it)."""

        TOPIC = "casecheck:ChildAlerts.Opened"
        child: str
        refs: list[str]

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["refs"] = []

    class Listed(Event):
        TOPIC = "casecheck:ChildAlerts.Listed"
        refs: list[str]

        def apply(self, index: ChildAlerts) -> None:  # type: ignore[override]
            index.refs.extend(self.refs)

    def __init__(self, child: str, refs: list[str]) -> None:
        self.child = child
        self.refs = list(refs)


class StagedAlert(Aggregate):
    """Whether an alert is open in a DRP stage with a response date, or is an open
    stage-overdue flag, kept in the same transaction as the alert's changes: the nightly
    batch's check of unanswered stages reads only the alerts marked open here
    (`AlertQueue.staged_refs`). Settled when the alert is resolved, open again if reopened."""

    TOPIC = "casecheck:StagedAlert"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:StagedAlert.Event"

        def apply(self, mark: StagedAlert) -> None:  # type: ignore[override]
            mark.open = True

    class Marked(Event, Aggregate.Created):
        TOPIC = "casecheck:StagedAlert.Marked"
        ref: str

    class Settled(Event):
        TOPIC = "casecheck:StagedAlert.Settled"

        def apply(self, mark: StagedAlert) -> None:  # type: ignore[override]
            mark.open = False

    class Unsettled(Event):
        TOPIC = "casecheck:StagedAlert.Unsettled"

    def __init__(self, ref: str) -> None:
        self.ref = ref
        self.open = True


STAGED_TOPICS = [StagedAlert.Marked.TOPIC, StagedAlert.Settled.TOPIC, StagedAlert.Unsettled.TOPIC]


def is_staged(alert: Alert) -> bool:
    """Whether the unanswered-stage check must look at this alert (`StagedAlert`)."""
    return alert.status == "open" and (alert.stage_response_due is not None or alert.kind == "stage_overdue")


INDEX_TOPICS = (ChildAlerts.Opened.TOPIC, ChildAlerts.Listed.TOPIC)


ALERT_TOPICS = [
    cls.TOPIC
    for cls in (
        Alert.Raised,
        Alert.Assigned,
        Alert.Acknowledged,
        Alert.Responded,
        Alert.Escalated,
        Alert.Breached,
        Alert.Resolved,
        Alert.Reopened,
    )
]


@dataclass(frozen=True)
class AlertView:
    """An alert as the queue shows it, with what is derived at `today`."""

    alert: Alert
    today: date
    age_working_days: int
    stage_overdue: bool
    formal_working_days: int | None
    history: list[dict[str, Any]] = field(default_factory=list)
    formal_over_time: bool = False  # the formal process has run past its total (IRO Handbook 6.2)
    days_overdue_now: int = 0  # working days past `due` at `today` (or when resolved)
    # working days since the breach (the due date), beside the age since raised; None
    # for an alert with no due date (raised by hand)
    age_since_breach: int | None = None
    # each order's key, worked out once: a view is kept while its alert is unchanged
    _keys: dict[str, tuple[Any, ...]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def urgency(self) -> tuple[int, int, int]:
        return (0 if self.stage_overdue else 1, -self.days_overdue_now, -self.age_working_days)

    def sort_key(self, order: str) -> tuple[Any, ...]:
        """The queue's order: `urgency` (unanswered DRP stages, then days overdue now, then
        age), `due` (earliest first), `overdue` (most working days over first), `age`
        (oldest first), `child` or `team` (then by urgency within each)."""
        found = self._keys.get(order)
        if found is None:
            found = self._keys[order] = self._sort_key(order)
        return found

    def _sort_key(self, order: str) -> tuple[Any, ...]:
        a = self.alert
        then = (*self.urgency, a.child, a.ref)
        if order == "due":
            return (a.due is None, a.due or date.max, *then)
        if order == "overdue":
            return (-self.days_overdue_now, *then)
        if order == "age":
            return (-self.age_working_days, *then)
        if order == "child":
            return (a.child, *then)
        if order == "team":
            return (a.team is None, (a.team or "").casefold(), *then)
        return then

    def to_json(self) -> dict[str, Any]:
        a = self.alert
        return {
            "id": a.ref,
            "child": a.child,
            "kind": a.kind,
            "rule": a.rule,
            "title": a.title,
            "theme": a.theme,
            "stage": a.stage,
            "status": a.status,
            "due": a.due.isoformat() if a.due else None,
            "days_overdue": a.days_overdue,
            "days_overdue_now": self.days_overdue_now,
            "age_since_breach_working_days": self.age_since_breach,
            "team": a.team,
            "worker": a.worker,
            "iro": a.iro,
            "assigned_to": a.assigned_to,
            "acknowledged": a.acknowledged,
            "raised_on": a.raised_at.astimezone(LONDON).date().isoformat(),
            "raised_by": a.raised_by,
            "age_working_days": self.age_working_days,
            "stage_response_due": a.stage_response_due.isoformat() if a.stage_response_due else None,
            "stage_overdue": self.stage_overdue,
            "formal_working_days": self.formal_working_days,
            "formal_over_time": self.formal_over_time,
            "outcome": a.outcome,
            "key": a.key,
            "parent": a.parent,
            "history": self.history,
        }


@dataclass(frozen=True)
class Filters:
    """What the queue shows. Text filters ignore case; with `strict` (the command line), a
    value that matches nothing known in the store is refused (`UnknownValue`) naming the
    closest, never "0 alerts"."""

    status: str = "open"  # open | resolved | all (baseline alerts: with `baseline`)
    team: str | None = None
    worker: str | None = None
    iro: str | None = None
    child: str | None = None
    rule: str | None = None
    theme: str | None = None
    stage: str | None = None
    kind: str | None = None
    older_than: int | None = None  # working days
    assigned_to: str | None = None
    unassigned: bool = False
    over_time: bool = False  # formal DRP past its total (20 WD)
    baseline: bool = False  # the breaches recorded before the go-live line, not the queue
    sort: str = "urgency"  # see AlertView.sort_key
    strict: bool = False


class AlertQueue:
    """Use cases on alerts. `by` and `now` are passed in: no clock reads here."""

    def __init__(
        self, store: CaseStore, settings: Settings | None = None, calendar: WorkingDayCalendar | None = None
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.calendar = calendar or self.settings.calendar()
        self._response_due: dict[tuple[str, date], date] = {}  # (stage, day entered) -> due

    # --- reading ---------------------------------------------------------------------

    def get(self, ref: str) -> Alert:
        ref = ref.strip().upper()
        try:
            return self.store.repository.get(self.store.alert_id(ref))  # type: ignore[no-any-return]
        except AggregateNotFoundError:
            raise AlertNotFound(f"no alert with id {ref!r} (see `casecheck alerts --status all`)") from None

    def exists(self, ref: str) -> bool:
        return self.store.alert_id(ref.strip().upper()) in self.store.repository

    def all(self) -> Iterator[Alert]:
        """Every alert, replayed from the notification log in one pass (not one query each)."""
        mapper = self.store.mapper
        alerts: dict[UUID, Alert] = {}
        start = 1
        while True:
            page = self.store.recorder.select_notifications(start, 5000, topics=ALERT_TOPICS)
            for notification in page:
                event = mapper.to_domain_event(notification)
                alerts[event.originator_id] = event.mutate(alerts.get(event.originator_id))  # type: ignore[attr-defined]
            if len(page) < 5000:
                break
            start = page[-1].id + 1
        return iter(alerts.values())

    def child_index_id(self, child: str) -> UUID:
        return self.store.alert_id("child-alerts:" + child)

    def staged_marker_id(self, ref: str) -> UUID:
        return self.store.alert_id("staged:" + ref)

    def child_indexes(self, children: Iterable[str]) -> dict[str, ChildAlerts]:
        """The `ChildAlerts` of those of `children` that have one (a few queries in all)."""
        ids = {self.child_index_id(c): c for c in children}
        return {
            ids[aggregate_id]: index
            for aggregate_id, index in self._aggregates(INDEX_TOPICS, list(ids))
            if isinstance(index, ChildAlerts)
        }

    def of_children(self, children: Iterable[str]) -> list[Alert]:
        """The alerts the nightly batch raised for these children, read through their
        `ChildAlerts` (a few queries, whatever the size of the queue)."""
        refs = {ref for index in self.child_indexes(children).values() for ref in index.refs}
        return self.by_refs(refs)

    def by_refs(self, refs: Iterable[str]) -> list[Alert]:
        """The alerts with these ids (those that exist), read in bulk."""
        ids = sorted({self.store.alert_id(r) for r in refs})
        return [a for _id, a in self._aggregates(ALERT_TOPICS, ids) if isinstance(a, Alert)]

    def staged_refs(self, known: Mapping[str, bool] | None = None, after: int = 0) -> dict[str, bool]:
        """Every alert with a `StagedAlert`, and whether it is marked open (one pass over
        those marks, in the order they were recorded). With `known`, the marks as read
        up to log position `after`: only the log after it is read (reading a mark again
        changes nothing, so `after` may be earlier than the last mark in `known`)."""
        state: dict[str, bool] = dict(known or {})
        marks: dict[UUID, str] = {self.staged_marker_id(ref): ref for ref in state}
        start = after + 1
        while True:
            page = self.store.recorder.select_notifications(start, 5000, topics=STAGED_TOPICS)
            for n in page:
                if n.topic == StagedAlert.Marked.TOPIC:
                    marks[n.originator_id] = ref = self.store.mapper.to_domain_event(n).ref  # type: ignore[index]
                else:
                    ref = marks.get(n.originator_id)  # type: ignore[arg-type]
                    if ref is None:
                        continue
                state[ref] = n.topic != StagedAlert.Settled.TOPIC
            if len(page) < 5000:
                break
            start = page[-1].id + 1
        return state

    def staged_marker(self, alert: Alert, marks: dict[str, bool] | None = None) -> StagedAlert | None:
        """The `StagedAlert` to save with a change to `alert` (new, settled or open again),
        or None when it already says what `is_staged` says. Its state is read from `marks`
        if given (updated here), else from the store."""
        want = is_staged(alert)
        mark: StagedAlert | None = None
        if marks is not None:
            known = marks.get(alert.ref)
            if known is None and not want or known == want:
                return None
            if known is not None:
                mark = self.store.repository.get(self.staged_marker_id(alert.ref))
            marks[alert.ref] = want
        else:
            try:
                mark = self.store.repository.get(self.staged_marker_id(alert.ref))
            except AggregateNotFoundError:
                mark = None
            if (mark is None and not want) or (mark is not None and mark.open == want):
                return None
        if mark is None:
            return StagedAlert._create(StagedAlert.Marked, id=self.staged_marker_id(alert.ref), ref=alert.ref)  # type: ignore[no-any-return]
        mark.trigger_event(StagedAlert.Unsettled if want else StagedAlert.Settled)
        return mark

    def _aggregates(self, topics: Sequence[str], ids: Sequence[UUID]) -> Iterator[tuple[UUID, Any]]:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.store._rows(topics, chunk)
            current: UUID | None = None
            events: list[Any] = []
            for row in rows:
                if row[0] != current and events:
                    yield current, replay(events)  # type: ignore[misc]
                    events = []
                current = row[0]
                events.append(self.store._to_event(row))
            if events:
                yield current, replay(events)  # type: ignore[misc]

    def view(self, alert: Alert, today: date) -> AlertView:
        raised = alert.raised_at.astimezone(LONDON).date()
        end = alert.resolved_on or today
        local_ended = getattr(alert, "local_ended", None) or (end if alert.stage == "cafcass" else None)
        stage_overdue = (
            alert.status == "open"
            and alert.stage != "cafcass"  # Cafcass ends the local process: no response is due
            and alert.stage_response_due is not None
            and alert.responded_stage != alert.stage
            and today > alert.stage_response_due
        )
        formal = None
        over_time = False
        if alert.formal_started is not None:
            formal_end = min(end, local_ended) if local_ended is not None else end
            formal = self.calendar.working_days_between(alert.formal_started, formal_end)
            over_time = formal_end > self.deadline_day(self.settings.drp_total, alert.formal_started)
        overdue_now = alert.days_overdue
        since_breach = None
        if alert.due is not None and alert.kind in ("breach", "stage_overdue", "baseline"):
            since_breach = self.calendar.working_days_between(alert.due, end) if alert.due < end else 0
            overdue_now = max(overdue_now, since_breach)
        history = [dict(h) for h in alert.history]
        if history and "recorded_at" not in history[0]:
            history[0]["recorded_at"] = alert.created_on.isoformat()
        return AlertView(
            alert,
            today,
            self.calendar.working_days_between(raised, end),
            stage_overdue,
            formal,
            history,
            formal_over_time=over_time,
            days_overdue_now=overdue_now,
            age_since_breach=since_breach,
        )

    def list(self, filters: Filters, *, today: date) -> list[AlertView]:
        everything = list(self.all())
        filters = self.known_filters(filters, everything)
        out = []
        baseline = filters.baseline or filters.kind == "baseline"
        wanted_status = "baseline" if baseline and filters.status == "open" else filters.status
        no_praise = filters.kind is None and filters.status == "open"
        # only the filters given are checked against each alert
        checks = [
            (attribute, wanted)
            for attribute in ("team", "worker", "iro", "child", "theme", "stage", "kind", "assigned_to")
            if (wanted := getattr(filters, attribute)) is not None
        ]
        for alert in everything:
            if baseline != (alert.kind == "baseline"):
                continue
            if wanted_status != "all" and alert.status != wanted_status:
                continue
            if no_praise and alert.kind == "praise":
                continue
            if checks and any(getattr(alert, attribute) != wanted for attribute, wanted in checks):
                continue
            if filters.unassigned and alert.assigned_to is not None:
                continue
            if filters.rule is not None and not rule_matches(alert.rule or "", filters.rule):
                continue
            view = self.view(alert, today)
            if filters.older_than is not None and view.age_working_days <= filters.older_than:
                continue
            if filters.over_time and not view.formal_over_time:
                continue
            out.append(view)
        if filters.sort not in ALERT_SORTS:
            raise CasecheckError(f"unknown order {filters.sort!r}: expected one of {', '.join(ALERT_SORTS)}")
        return sorted(out, key=lambda v: v.sort_key(filters.sort))

    def known_filters(self, filters: Filters, alerts: Iterable[Alert]) -> Filters:
        """The filters with each text value spelt as in the store (case ignored); a value
        that matches nothing known is refused with the closest known values."""
        alerts = list(alerts)

        def known(attribute: str) -> set[str]:
            return {v for a in alerts if (v := getattr(a, attribute)) is not None}

        def spelt(
            what: str, value: str | None, values: Callable[[], Iterable[str]], where: str
        ) -> str | None:
            if value is None:
                return None  # nothing to check: the known values are not worked out
            try:
                return match_known(what, value, values(), where)
            except UnknownValue:
                if filters.strict:
                    raise
                return value  # matches nothing: an empty list

        if filters.rule is not None and filters.strict:
            check_rule_patterns([filters.rule], list(REGISTRY) + sorted(known("rule")))

        def children() -> Iterable[str]:
            return self.store.children() if filters.strict else known("child")

        return replace(
            filters,
            team=spelt("team", filters.team, lambda: known("team"), " among the alerts"),
            worker=spelt("worker", filters.worker, lambda: known("worker"), " among the alerts"),
            iro=spelt("IRO", filters.iro, lambda: known("iro"), " among the alerts"),
            child=spelt("child", filters.child, children, " in the store"),
            theme=spelt(
                "theme",
                filters.theme,
                lambda: {*PRACTICE_ALERT_THEMES, *GOOD_PRACTICE_THEMES, *known("theme")},
                " (see `casecheck themes`)",
            ),
            assigned_to=spelt(
                "assignee", filters.assigned_to, lambda: known("assigned_to"), " among the alerts"
            ),
        )

    def show(self, ref: str, *, today: date) -> AlertView:
        return self.view(self.get(ref), today)

    # --- changing --------------------------------------------------------------------

    def response_due(self, stage: str, at: datetime) -> date | None:
        """The day a response is due at `stage` entered at `at` (DRP settings), or None
        (Cafcass: the referral ends the local process, so no local response is due)."""
        setting = self.settings.drp_stages.get(stage)
        if setting is None or stage == "cafcass":
            return None
        day = at.astimezone(LONDON).date()
        found = self._response_due.get((stage, day))
        if found is None:  # the same few days and stages recur: each worked out once
            found = self._response_due[(stage, day)] = self.deadline_day(setting.respond_within, day)
        return found

    def deadline_day(self, timescale: Timescale, start: date) -> date:
        due = timescale.deadline(
            start, self.calendar, count_start_as_day_one=self.settings.count_start_as_day_one
        ).due
        return due.astimezone(LONDON).date() if isinstance(due, datetime) else due

    def new_alert(
        self,
        *,
        ref: str,
        child: str,
        kind: str,
        theme: str,
        by: str,
        now: datetime,
        stage: str = "informal",
        rule: str | None = None,
        key: str | None = None,
        title: str | None = None,
        due: date | None = None,
        days_overdue: int = 0,
        team: str | None = None,
        worker: str | None = None,
        iro: str | None = None,
        raised_to: str | None = None,
        note: str | None = None,
        source_event: str | None = None,
        parent: str | None = None,
    ) -> Alert:
        """Build (not save) a new alert aggregate."""
        if stage not in STAGES:
            raise IllegalTransition(f"unknown stage {stage!r}: expected one of {', '.join(STAGES)}")
        if kind not in KINDS:
            raise IllegalTransition(f"unknown kind {kind!r}")
        if raised_to is None and kind != "praise" and stage in self.settings.drp_stages:
            raised_to = self.settings.drp_stages[stage].raised_to
        return Alert._create(  # type: ignore[no-any-return]
            Alert.Raised,
            id=self.store.alert_id(ref),
            ref=ref,
            child=child,
            kind=kind,
            theme=theme,
            stage=stage,
            stage_response_due=self.response_due(stage, now) if kind in DRP_AT_RAISE else None,
            rule=rule,
            key=key,
            title=title,
            due=due,
            days_overdue=days_overdue,
            team=team,
            worker=worker,
            iro=iro,
            raised_to=raised_to,
            source_event=source_event,
            parent=parent,
            by=by,
            at=now,
            note=note,
        )

    def raise_alert(
        self,
        child: str,
        *,
        theme: str,
        by: str,
        now: datetime,
        stage: str = "informal",
        note: str | None = None,
        team: str | None = None,
        worker: str | None = None,
        iro: str | None = None,
        rule: str | None = None,
    ) -> str:
        """An IRO raises a practice alert by hand. Returns its id.

        The theme must be one of the catalogue's (case ignored); the team, worker and IRO
        are the child's at `now` unless given, so the queue's filters find the alert. An
        unknown child is refused before the theme is looked at."""
        at_team, at_worker, at_iro = responsible(self.timeline(child), now.astimezone(LONDON).date())
        theme = self.theme(theme, PRACTICE_ALERT_THEMES, "practice-alert theme")
        ref = alert_ref(f"manual:{uuid4()}")
        alert = self.new_alert(
            ref=ref,
            child=child,
            kind="manual",
            theme=theme,
            by=by,
            now=now,
            stage=stage,
            note=note,
            team=team or at_team,
            worker=worker or at_worker,
            iro=iro or at_iro,
            rule=rule,
        )
        self.store.save(alert, *filter(None, [self.staged_marker(alert, {})]))
        return ref

    def praise(
        self,
        child: str,
        *,
        theme: str,
        by: str,
        now: datetime,
        note: str | None = None,
        team: str | None = None,
        worker: str | None = None,
    ) -> str:
        """A good-practice notification (a catalogue theme; the child's team, worker and IRO
        at `now` unless given). Returns its id."""
        theme = self.theme(theme, GOOD_PRACTICE_THEMES, "good-practice theme")
        at_team, at_worker, at_iro = responsible(self.timeline(child), now.astimezone(LONDON).date())
        ref = alert_ref(f"praise:{uuid4()}")
        self.store.save(
            self.new_alert(
                ref=ref,
                child=child,
                kind="praise",
                theme=theme,
                by=by,
                now=now,
                note=note,
                team=team or at_team,
                worker=worker or at_worker,
                iro=at_iro,
            )
        )
        return ref

    def timeline(self, child: str) -> Timeline:
        """The child's facts as recorded (for who is responsible for the child)."""
        stored = self.store.read_child(child)
        if not stored:
            raise ChildNotFound(f"no child with id {child!r} in the store")
        facts = [Fact(s.fact, seq=s.position, stored_at=s.stored_at) for s in stored]
        return build_timeline(child, facts, as_of=max(f.on for f in facts))

    @staticmethod
    def theme(value: str, themes: Iterable[str], what: str) -> str:
        """A theme as the catalogue spells it (case ignored, or a unique beginning)."""
        themes = list(themes)
        starting = [t for t in themes if t.casefold().startswith(value.strip().casefold())]
        if value.strip() and len(starting) == 1:
            return starting[0]
        found = match_known(what, value, themes, " (see `casecheck themes`)")
        assert found is not None
        return found

    def _open(self, ref: str, action: str, now: datetime | None = None) -> Alert:
        alert = self.get(ref)
        if alert.status == "baseline":
            raise IllegalTransition(
                f"alert {alert.ref} is a baseline breach (due before the go-live line): "
                f"cannot {action} it (reopen it to take it into the queue)"
            )
        if now is not None and now < alert.raised_at:
            raise IllegalTransition(
                f"alert {alert.ref} was raised at {alert.raised_at.astimezone(LONDON):%Y-%m-%d %H:%M}: "
                f"cannot {action} it at an earlier time"
            )
        if alert.status != "open":
            raise IllegalTransition(
                f"alert {alert.ref} is {alert.status}: cannot {action} it (reopen it first)"
            )
        return alert

    def assign(self, ref: str, to: str, *, by: str, now: datetime, note: str | None = None) -> None:
        alert = self._open(ref, "assign", now)
        alert.trigger_event(Alert.Assigned, to=to, by=by, at=now, note=note)
        self.store.save(alert)

    def acknowledge(self, ref: str, *, by: str, now: datetime, note: str | None = None) -> None:
        alert = self._open(ref, "acknowledge", now)
        alert.trigger_event(Alert.Acknowledged, by=by, at=now, note=note)
        self.store.save(alert)

    def respond(self, ref: str, *, by: str, now: datetime, note: str | None = None) -> None:
        alert = self._open(ref, "respond to", now)
        if alert.responded_stage == alert.stage:
            raise IllegalTransition(f"alert {alert.ref} already has a response at stage {alert.stage}")
        alert.trigger_event(Alert.Responded, by=by, at=now, note=note)
        self.store.save(alert)

    def escalate(
        self, ref: str, *, to_stage: str | None, by: str, now: datetime, note: str | None = None
    ) -> str:
        """Escalate to the next stage, or to `to_stage` (skipping is allowed; never backwards)."""
        alert = self._open(ref, "escalate", now)
        current = alert.stage
        if current == "cafcass":
            raise IllegalTransition(f"alert {alert.ref} was referred to Cafcass: the local process has ended")
        if to_stage is None:
            to_stage = STAGES[STAGES.index(current) + 1] if current != "4" else "cafcass"
        to_stage = str(to_stage).strip().lower()
        if to_stage not in STAGES or to_stage == "informal":
            raise IllegalTransition(f"cannot escalate to {to_stage!r}: expected 1, 2, 3, 4 or cafcass")
        if to_stage != "cafcass" and STAGES.index(to_stage) <= STAGES.index(current):
            raise IllegalTransition(
                f"alert {alert.ref} is at stage {current}: escalation must go up, not to {to_stage}"
            )
        raised_to = (
            self.settings.drp_stages[to_stage].raised_to if to_stage in self.settings.drp_stages else None
        )
        alert.trigger_event(
            Alert.Escalated,
            stage=to_stage,
            stage_response_due=self.response_due(to_stage, now),
            raised_to=raised_to,
            by=by,
            at=now,
            note=note,
        )
        self.store.save(alert, *filter(None, [self.staged_marker(alert)]))
        return to_stage

    def resolve(self, ref: str, *, outcome: str, by: str, now: datetime, note: str | None = None) -> None:
        alert = self._open(ref, "resolve", now)
        alert.trigger_event(Alert.Resolved, outcome=outcome, automatic=False, by=by, at=now, note=note)
        self.store.save(alert, *filter(None, [self.staged_marker(alert)]))

    def reopen(self, ref: str, *, by: str, now: datetime, note: str | None = None) -> None:
        alert = self.get(ref)
        if alert.status == "open":
            raise IllegalTransition(f"alert {alert.ref} is already open")
        if alert.kind == "praise":
            raise IllegalTransition(
                f"{alert.ref} is a good-practice notification: there is nothing to reopen"
            )
        alert.trigger_event(Alert.Reopened, by=by, at=now, note=note)
        self.store.save(alert, *filter(None, [self.staged_marker(alert)]))


def counts_by(views: Iterable[AlertView], attribute: str) -> list[tuple[str, int]]:
    """(value, count) sorted by count: "open alerts by theme", "... by team"."""
    counts: dict[str, int] = {}
    for view in views:
        value = getattr(view.alert, attribute) or "(none)"
        counts[value] = counts.get(value, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
