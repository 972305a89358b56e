"""The rule registry and the context every rule is judged in.

Each rule is one pure function `(timeline, ctx) -> Iterable[Obligation]`, registered once
with its metadata by the `@rule(...)` decorator (the pattern of sqlfluff and the DfE 903
validator). A duplicate id fails at import time. The function's docstring states the duty,
cites its source and gives worked examples; `casecheck rules ID` prints it.

Everything about "now" is `ctx.as_of`; parameters come through `ctx.param`, resolved for
the date that matters (a clock's start), so a replay of 2018 uses 2018's settings.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, partial
from typing import Any, Protocol

from events.timeline import Fact, Timeline
from rules.calendar import WorkingDayCalendar
from rules.obligation import Basis, Obligation, Status, day_of
from rules.timescales import Deadline, Timescale, fmt_date

RuleFunc = Callable[[Timeline, "RuleContext"], Iterable[Obligation]]


class DuplicateRule(RuntimeError):
    pass


@dataclass(frozen=True)
class RuleSpec:
    id: str
    title: str
    basis: Basis
    citation: str
    func: RuleFunc
    area: str
    params: Mapping[str, Any] = field(default_factory=dict)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # allowed values of text/list params
    theme: str | None = None  # practice-alert theme a breach of this rule is raised under
    in_force_from: date | None = None
    in_force_to: date | None = None

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")

    def in_force_on(self, day: date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_to is None or day <= self.in_force_to
        )


#: The catalogue. Filled once, at import of the rule modules; never changed afterwards.
REGISTRY: dict[str, RuleSpec] = {}


def rule(
    id: str,
    *,
    title: str,
    basis: Basis | str,
    citation: str,
    params: Mapping[str, Any] | None = None,
    choices: Mapping[str, tuple[str, ...]] | None = None,
    theme: str | None = None,
    in_force_from: date | None = None,
    in_force_to: date | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function with its metadata."""

    def register(func: RuleFunc) -> RuleFunc:
        if id in REGISTRY:
            raise DuplicateRule(
                f"rule id {id!r} is declared twice ({REGISTRY[id].func.__module__} and {func.__module__})"
            )
        if not (func.__doc__ or "").strip():
            raise RuntimeError(f"rule {id} has no docstring: state the duty, cite it, give worked examples")
        REGISTRY[id] = RuleSpec(
            id=id,
            title=title,
            basis=Basis(basis),
            citation=citation,
            func=func,
            area=func.__module__.rsplit(".", 1)[-1],
            params=dict(params or {}),
            choices=dict(choices or {}),
            theme=theme,
            in_force_from=in_force_from,
            in_force_to=in_force_to,
        )
        return func

    return register


#: Functions (timeline, as_of) -> dates after as_of on which a rule's clocks start by the
#: calendar alone (a school term begins, a young person becomes eligible for leaving-care
#: support): the nightly batch must look at the child again then, though nothing is recorded.
CALENDAR_TRIGGERS: list[Callable[[Timeline, date], Iterable[date]]] = []


def calendar_trigger(
    func: Callable[[Timeline, date], Iterable[date]],
) -> Callable[[Timeline, date], Iterable[date]]:
    """Register a rule module's calendar trigger (see CALENDAR_TRIGGERS)."""
    CALENDAR_TRIGGERS.append(func)
    return func


def next_calendar_trigger(timeline: Timeline, as_of: date) -> date | None:
    days = [d for trigger in CALENDAR_TRIGGERS for d in trigger(timeline, as_of) if d > as_of]
    return min(days) if days else None


class ParamSource(Protocol):
    """Where a council's settings come from (implemented by compliance.settings)."""

    def value(self, rule_id: str, name: str, on: date, default: Any) -> Any: ...

    def dated(self, rule_id: str, name: str) -> bool:
        """Whether the parameter's value depends on the date (a setting from a date on)."""
        ...


class Defaults:
    """Every parameter at its catalogue default."""

    def value(self, rule_id: str, name: str, on: date, default: Any) -> Any:
        return default

    def dated(self, rule_id: str, name: str) -> bool:
        return False


_DATED = object()  # in Judge._params: the parameter must be looked up for each date


@dataclass(frozen=True)
class Judge:
    """What is the same for every rule in one evaluation: the date, calendar and settings."""

    as_of: date
    calendar: WorkingDayCalendar
    settings: ParamSource = field(default_factory=Defaults)
    warning: Timescale = Timescale(5, "working_days")
    count_start_as_day_one: bool = False
    # Deadlines by timescale, then by clock start: across a council the same few thousand
    # days start most clocks, so each deadline is worked out once per evaluation, and rules
    # with the same timescale (42 days for visits, 20 working days) share them.
    _deadlines: dict[tuple[int, str], dict[date | datetime, Deadline]] = field(
        default_factory=dict, repr=False, compare=False
    )
    # Parameters whose value is the same on every date, by (rule, name), resolved once.
    _params: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False, compare=False)
    _contexts: dict[str, RuleContext] = field(default_factory=dict, repr=False, compare=False)
    # Clock starts in ISO form, for obligation keys: `date.isoformat` costs several times a
    # dictionary look-up, and a council's clocks start on a few thousand days.
    _iso_days: dict[date, str] = field(default_factory=dict, repr=False, compare=False)

    def for_rule(self, spec: RuleSpec) -> RuleContext:
        found = self._contexts.get(spec.id)
        if found is None or found.spec is not spec:
            found = self._contexts[spec.id] = RuleContext(self, spec)
        return found

    def param(self, spec: RuleSpec, name: str, on: date) -> Any:
        """A rule's parameter as in force on `on`."""
        key = (spec.id, name)
        found = self._params.get(key)
        if found is None:
            found = _DATED if self.settings.dated(spec.id, name) else self._resolve(spec, name, on)
            self._params[key] = found
        return self._resolve(spec, name, on) if found is _DATED else found

    def _resolve(self, spec: RuleSpec, name: str, on: date) -> Any:
        default = spec.params[name]
        value = self.settings.value(spec.id, name, on, default)
        if isinstance(default, Timescale) and not isinstance(value, Timescale):
            value = Timescale.parse(str(value))
        return value

    @cached_property
    def warning_ends(self) -> date:
        """The last day an obligation can fall due and be due soon (not pending) at `as_of`."""
        return self.calendar.add_working_days(self.as_of, self.warning.n)

    def deadline(self, timescale: Timescale, start: date | datetime) -> Deadline:
        by_start = self.deadlines_of(timescale)
        found = by_start.get(start)
        if found is None:
            found = by_start[start] = self.work_out(timescale, start)
        return found

    def deadlines_of(self, timescale: Timescale) -> dict[date | datetime, Deadline]:
        """The deadlines of one timescale worked out so far, by clock start: one mapping
        for every rule whose timescale this is (`RuleContext.deadline` fills it too)."""
        key = (timescale.n, timescale.unit)
        found = self._deadlines.get(key)
        if found is None:
            found = self._deadlines[key] = {}
        return found

    def work_out(self, timescale: Timescale, start: date | datetime) -> Deadline:
        """A deadline worked out afresh (`deadline` keeps it)."""
        return timescale.deadline(start, self.calendar, count_start_as_day_one=self.count_start_as_day_one)


@dataclass(frozen=True)
class RuleContext:
    """The context one rule is judged in; builds its obligations with the right status."""

    judge: Judge
    spec: RuleSpec
    # This rule's deadlines by parameter, then by clock start: for a parameter with the same
    # timescale on every date, the judge's own deadlines of that timescale (shared with
    # the other rules that use it); for one the council set from a date on, this rule's.
    _deadlines: dict[str, dict[date | datetime, Deadline]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def as_of(self) -> date:
        return self.judge.as_of

    @property
    def calendar(self) -> WorkingDayCalendar:
        return self.judge.calendar

    def param(self, name: str, *, on: date) -> Any:
        """A parameter of this rule as in force on `on` (usually the clock start)."""
        return self.judge.param(self.spec, name, on)

    def param_is_dated(self, name: str) -> bool:
        """Whether this rule's parameter can differ from one date to another (the council
        set it from a date on); if not, `param` gives the same value on every date."""
        return self.judge.settings.dated(self.spec.id, name)

    def param_of(self, rule_id: str, name: str, *, on: date) -> Any:
        """Another rule's parameter, for a rule whose timescale depends on it (the IRO must
        be allocated before the first review is due, whatever the council set for it)."""
        return self.judge.param(REGISTRY[rule_id], name, on)

    def deadline(self, start: date | datetime, name: str = "within") -> Deadline:
        """The deadline for a clock starting at `start`, with the timescale in force then."""
        by_start = self._deadlines.get(name)
        if by_start is None:
            by_start = self._deadlines_by(name)
        found = by_start.get(start)
        if found is None:
            judge = self.judge
            timescale: Timescale = judge.param(self.spec, name, day_of(start))
            found = by_start[start] = judge.work_out(timescale, start)
        return found

    def _deadlines_by(self, name: str) -> dict[date | datetime, Deadline]:
        judge = self.judge
        if judge.settings.dated(self.spec.id, name):
            by_start: dict[date | datetime, Deadline] = {}
        else:
            by_start = judge.deadlines_of(judge.param(self.spec, name, judge.as_of))
        self._deadlines[name] = by_start
        return by_start

    def obligation(
        self,
        timeline: Timeline,
        *,
        start: Fact | date,
        deadline: Deadline,
        met_by: Fact | None = None,
        closed: tuple[date, str] | None = None,
        discriminator: str = "",
        title: str | None = None,
        notes: Iterable[str] | Callable[[], Iterable[str]] = (),
    ) -> Obligation:
        """Judge one obligation at `as_of`.

        `met_by` is the event that satisfied it (if any, at any date: events after `as_of`
        are never in the timeline). `closed` is when and why the clock stopped (left care,
        plan ended, the next review held): before the due date it closes the obligation;
        after it, once that day has come, the breach can no longer be put right and the
        obligation is `missed`, its days late frozen at that day. `notes` are extra lines
        of the explanation, or a function that writes them when the explanation is asked for.
        """
        if notes.__class__ is not tuple and not callable(notes):
            notes = tuple(notes)  # a caller's list, kept as it is now
        if isinstance(start, Fact):
            start_fact: Fact | None = start
            started_on = start.on
        else:
            start_fact, started_on = None, start
        due = deadline.due
        due_day = due if due.__class__ is date else day_of(due)  # a moment only for hours
        judge = self.judge
        as_of = judge.as_of
        status: Status
        days_late = 0
        closed_reason = None
        missed_on: date | None = None
        stops_on: date | None = None
        met_on: date | datetime | None = None
        if met_by is not None:
            met_on = met_by.at
            if met_by.on < due_day or (met_by.on == due_day and _on_time(met_by, due)):
                status = _MET
            else:
                status = _LATE
                days_late = judge.calendar.working_days_between(due_day, met_by.on)
        elif closed is not None and closed[0] <= due_day:
            status = _CLOSED
            closed_reason = closed[1]
        elif as_of > due_day and closed is not None and closed[0] <= as_of:
            # The clock stopped after the due date: the chance to put the breach right went
            # then (a stop still in the future, such as a 21st birthday, has not yet).
            status = _MISSED
            missed_on, closed_reason = closed
            days_late = judge.calendar.working_days_between(due_day, missed_on)
        elif as_of > due_day:
            status = _OVERDUE
            days_late = judge.calendar.working_days_between(due_day, as_of)
            if closed is not None:
                stops_on = closed[0]
        elif judge.warning_ends >= due_day:
            status = _DUE_SOON
        else:
            status = _PENDING
        spec = self.spec
        started_iso = judge._iso_days.get(started_on)
        if started_iso is None:
            started_iso = judge._iso_days[started_on] = started_on.isoformat()
        if discriminator:
            key = f"{timeline.child}|{spec.id}|{started_iso}|{discriminator}"
        else:
            key = f"{timeline.child}|{spec.id}|{started_iso}"
        return Obligation(
            timeline.child,
            spec.id,
            title or spec.title,
            spec.basis,
            key,
            started_on,
            due,
            status,
            start_fact,
            met_on,
            met_by,
            days_late,
            closed_reason,
            missed_on,
            stops_on,
            deadline.approximate,
            partial(_explain, judge, spec, start, deadline, status, met_by, days_late, closed, notes),
            spec.citation,
        )

    def intervals(
        self,
        timeline: Timeline,
        chain: Sequence[Fact],
        *,
        name: str = "within",
        closed: tuple[date, str] | None = None,
    ) -> Iterator[Obligation]:
        """RULES.md "at intervals of not more than X": from each fact of the chain, the
        next one is due within the timescale, measured from the actual date of the
        previous one (not from its due date). The last fact's obligation is still open."""
        for i, previous in enumerate(chain):
            yield self.obligation(
                timeline,
                start=previous,
                deadline=self.deadline(previous.on, name),
                met_by=chain[i + 1] if i + 1 < len(chain) else None,
                closed=closed,
                discriminator=str(previous.seq),
            )


# The statuses `obligation` gives, looked up once: reading a member off its enumeration
# (`Status.MET`) costs as much as a function call in Python 3.11, and every obligation
# reads one.
_MET, _LATE, _CLOSED, _MISSED = Status.MET, Status.LATE, Status.CLOSED, Status.MISSED
_OVERDUE, _DUE_SOON, _PENDING = Status.OVERDUE, Status.DUE_SOON, Status.PENDING


def _explain(
    judge: Judge,
    spec: RuleSpec,
    start: Fact | date,
    deadline: Deadline,
    status: Status,
    met_by: Fact | None,
    days_late: int,
    closed: tuple[date, str] | None,
    notes: Iterable[str] | Callable[[], Iterable[str]],
) -> tuple[str, ...]:
    """An obligation's explanation (`RuleContext.obligation`), written when asked for."""
    lines = [f"Clock started: {start.describe() if isinstance(start, Fact) else fmt_date(start)}"]
    lines.append(deadline.explanation)
    if status is Status.MET and met_by is not None:
        lines.append(f"Met: {met_by.describe()}")
    elif status is Status.LATE and met_by is not None:
        after = (
            f"{_wd(days_late)} after the due date"
            if days_late
            else "after the deadline, within the same working day"
        )
        lines.append(f"Late: {met_by.describe()}, {after}")
    elif status is Status.CLOSED and closed is not None:
        lines.append(f"Closed: {closed[1]} on {fmt_date(closed[0])}, before it fell due")
    elif status is Status.MISSED and closed is not None:
        lines.append(
            f"Missed: not done by the due date; the chance went on {fmt_date(closed[0])} "
            f"({closed[1]}), {_wd(days_late)} past due"
        )
    elif status is Status.OVERDUE:
        lines.append(f"Overdue: not done by {fmt_date(judge.as_of)}, {_wd(days_late)} past due")
    elif status is Status.DUE_SOON:
        lines.append(f"Due soon: within {judge.warning} of {fmt_date(judge.as_of)}")
    lines.extend(notes() if callable(notes) else notes)
    lines.append(f"Source: {spec.citation}")
    return tuple(lines)


def _on_time(fact: Fact, due: date | datetime) -> bool:
    if isinstance(due, datetime) and isinstance(fact.at, datetime):
        return fact.at <= due
    return fact.on <= day_of(due)


def _wd(n: int) -> str:
    return f"{n} working day{'s' if n != 1 else ''}"


def earliest(*stops: tuple[date, str] | None) -> tuple[date, str] | None:
    """The first of several clock stops `(day, reason)`, ignoring those that did not happen
    (of two on the same day, the one given first)."""
    first = None
    for stop in stops:
        if stop is not None and (first is None or stop[0] < first[0]):
            first = stop
    return first


def first_on_or_after(
    facts: Iterable[Fact], start: date | datetime, *, until: date | None = None
) -> Fact | None:
    """The first fact at or after a clock start (and on or before `until`, if given).

    Compares moments when both sides have a time, days otherwise.
    """
    start_day = day_of(start)
    timed = isinstance(start, datetime)
    for fact in facts:
        if timed and isinstance(fact.at, datetime):
            if fact.at < start:
                continue
        elif fact.on < start_day:
            continue
        if until is not None and fact.on > until:
            return None
        return fact
    return None


__all__ = [
    "REGISTRY",
    "Basis",
    "Defaults",
    "DuplicateRule",
    "Judge",
    "Obligation",
    "ParamSource",
    "RuleContext",
    "RuleSpec",
    "Status",
    "earliest",
    "first_on_or_after",
    "rule",
]
