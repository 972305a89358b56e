"""The engine: runs the rule catalogue over children's timelines.

`evaluate` is one use case: read a child's facts, build the Timeline as it stood on
`as_of` and as known at `known_at`, run every rule in force on `as_of`, return the
obligations and the data-quality findings. Bulk evaluation streams children from the
store in batches, so memory stays bounded whatever the size of the council.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import rules.catalogue  # noqa: F401  (registers every rule)
from compliance.settings import Settings
from compliance.sources.coverage import apply_coverage
from compliance.store import CaseStore, StoredFact
from events.timeline import Fact, Finding, Timeline, build_timeline
from rules.calendar import WorkingDayCalendar
from rules.obligation import Obligation, Status
from rules.registry import REGISTRY, Judge, RuleSpec, next_calendar_trigger
from rules.timescales import Timescale


@dataclass(frozen=True)
class Evaluation:
    """One child's obligations and data-quality findings at `as_of` (as known at `known_at`)."""

    child: str
    as_of: date
    known_at: datetime | None
    timeline: Timeline
    obligations: tuple[Obligation, ...]
    # The first day after as_of on which a fact already on record takes place (e.g. a
    # review recorded in advance): the picture changes then even if nothing new is recorded.
    next_fact_on: date | None = None

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.timeline.findings


def next_change(
    obligations: Iterable[Obligation], as_of: date, warning: Timescale, calendar: WorkingDayCalendar
) -> date | None:
    """The first day after `as_of` on which an obligation's status can change by itself
    (it enters the warning window, or falls overdue): the nightly batch's wake-up date."""
    candidates: list[date] = []
    for o in obligations:
        if o.status not in (Status.PENDING, Status.DUE_SOON):
            continue
        due = o.due_on
        if o.status is Status.PENDING:
            candidates.append(_warning_starts(due, warning.n, calendar, as_of))
        candidates.append(due + timedelta(days=1))
    later = [d for d in candidates if d > as_of]
    return min(later) if later else None


def _warning_starts(due: date, n: int, calendar: WorkingDayCalendar, as_of: date) -> date:
    # The first day d with d + n working days >= due; n working days span at most
    # n + 2 weeks of calendar days, so start there and walk forward.
    day = max(as_of + timedelta(days=1), due - timedelta(days=2 * n + 14))
    while calendar.add_working_days(day, n) < due:
        day += timedelta(days=1)
    return day


def facts_of(stored: Sequence[StoredFact]) -> list[Fact]:
    return [Fact(s.fact, seq=s.position, stored_at=s.stored_at) for s in stored]


class Engine:
    """Runs the rules in force over children from a store, with a council's settings."""

    def __init__(self, store: CaseStore, settings: Settings | None = None) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.calendar = self.settings.calendar()

    def judge(self, as_of: date) -> Judge:
        return Judge(
            as_of=as_of,
            calendar=self.calendar,
            settings=self.settings,
            warning=self.settings.warning,
            count_start_as_day_one=self.settings.count_start_as_day_one,
        )

    def rules_in_force(self, as_of: date, only: Iterable[str] | None = None) -> list[RuleSpec]:
        wanted = set(only) if only else None
        return [
            spec
            for spec in REGISTRY.values()
            if spec.in_force_on(as_of)
            and self.settings.enabled(spec.id, as_of)
            and (wanted is None or spec.id in wanted)
        ]

    def evaluate_facts(
        self,
        child: str,
        facts: Iterable[Fact],
        *,
        as_of: date,
        known_at: datetime | None = None,
        specs: Sequence[RuleSpec] | None = None,
        judge: Judge | None = None,
    ) -> Evaluation:
        facts = list(facts)
        timeline = build_timeline(child, facts, as_of=as_of, known_at=known_at)
        upcoming = min((f.on for f in facts if f.on > as_of), default=None)
        judge = judge or self.judge(as_of)
        obligations: list[Obligation] = []
        for spec in specs if specs is not None else self.rules_in_force(as_of):
            obligations.extend(spec.func(timeline, judge.for_rule(spec)))
        # Coverage: an obligation the child's sources cannot satisfy is no_data, not a breach.
        obligations = apply_coverage(obligations, timeline.facts)
        obligations.sort(key=lambda o: (o.started_on, o.rule, o.key))
        return Evaluation(child, as_of, known_at, timeline, tuple(obligations), upcoming)

    def wake_up(self, evaluation: Evaluation) -> date | None:
        """The next day this child must be looked at again though nothing new is recorded:
        an obligation enters its warning window or falls overdue, a fact on record takes
        place, or a rule's clock starts by the calendar alone (a new school term)."""
        days = [
            d
            for d in (
                next_change(evaluation.obligations, evaluation.as_of, self.settings.warning, self.calendar),
                evaluation.next_fact_on,
                next_calendar_trigger(evaluation.timeline, evaluation.as_of),
            )
            if d is not None
        ]
        return min(days) if days else None

    def evaluate(self, child: str, *, as_of: date, known_at: datetime | None = None) -> Evaluation:
        return self.evaluate_facts(
            child, facts_of(self.store.read_child(child)), as_of=as_of, known_at=known_at
        )

    def evaluate_all(
        self,
        *,
        as_of: date,
        known_at: datetime | None = None,
        children: Iterable[str] | None = None,
        rules: Iterable[str] | None = None,
    ) -> Iterator[Evaluation]:
        specs = self.rules_in_force(as_of, rules)
        judge = self.judge(as_of)
        for child, stored in self.store.iter_children(children):
            yield self.evaluate_facts(
                child, facts_of(stored), as_of=as_of, known_at=known_at, specs=specs, judge=judge
            )
