"""The engine: runs the rule catalogue over children's timelines.

`evaluate` is one use case: read a child's facts, build the Timeline as it stood on
`as_of` and as known at `known_at`, run every rule in force on `as_of`, return the
obligations and the data-quality findings. Bulk evaluation streams children from the
store in batches, so memory stays bounded whatever the size of the council.

Children are independent of each other, so bulk work can use every core: with `jobs`
above 1, `map_children` runs a task over chunks of children in worker processes, each with
its own connection to the same store, and yields the results in order. A task returns
what its caller needs in compact form (rows already encoded for `check`; for the nightly
batch, obligations as plain tuples via `pack_obligation`), since sending whole timelines
back would cost the parent as much as evaluating them.
"""

from __future__ import annotations

import gc
import os
import typing
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from enum import Enum
from itertools import islice
from operator import attrgetter
from typing import Any, TypeVar

import rules.catalogue  # noqa: F401  (registers every rule)
from compliance.settings import Settings
from compliance.sources.coverage import apply_coverage
from compliance.store import CaseStore, StoredFact
from events.timeline import Fact, Finding, Timeline, build_timeline
from rules.calendar import WorkingDayCalendar
from rules.obligation import Obligation, Status
from rules.registry import REGISTRY, Judge, RuleSpec, next_calendar_trigger
from rules.timescales import Timescale

R = TypeVar("R")

#: Children per task sent to a worker process, at most: large enough that sending the task
#: and its result is cheap next to evaluating it, small enough to keep every worker busy.
CHUNK = 200
#: Children per task at least, where a small council is cut finer than `CHUNK`.
MIN_CHUNK = 25
#: Tasks per worker a council is cut into, at least (chunks permitting): the last worker to
#: finish then finishes at most one small task after the others.
TASKS_PER_WORKER = 8
#: Chunks a worker computes ahead of the reader, at most (`map_children`).
AHEAD = 2

#: An obligation's place in an evaluation: by clock start, then rule, then key.
_ORDER = attrgetter("started_on", "rule", "key")


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
    obligations: Iterable[Obligation], as_of: date, warning: Timescale | None, calendar: WorkingDayCalendar
) -> date | None:
    """The first day after `as_of` on which an obligation's status can change by itself
    (it enters the warning window, falls overdue, or an open breach is missed when a clock
    stop such as the 18th birthday comes): the nightly batch's wake-up date. `warning`
    None leaves the warning windows out (no alert is raised for them)."""
    first: date | None = None
    for o in obligations:
        status = o.status
        if status is _OVERDUE:
            days: tuple[date | None, ...] = (o.stops_on,)
        elif status is _PENDING and warning is not None:
            days = (_warning_starts(o.due_on, warning.n, calendar, as_of), o.due_on + _ONE_DAY)
        elif status is _PENDING or status is _DUE_SOON:
            days = (o.due_on + _ONE_DAY,)
        else:
            continue
        for day in days:
            if day is not None and day > as_of and (first is None or day < first):
                first = day
    return first


_OVERDUE, _PENDING, _DUE_SOON = Status.OVERDUE, Status.PENDING, Status.DUE_SOON
_ONE_DAY = timedelta(days=1)


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

    def __init__(self, store: CaseStore, settings: Settings | None = None, *, chunk: int = CHUNK) -> None:
        self.store = store
        self.settings = settings or Settings()
        self.calendar = self.settings.calendar()
        self.chunk = chunk  # children per task in worker processes
        self._last_judge: Judge | None = None

    def judge(self, as_of: date) -> Judge:
        """The judge for `as_of`: the last one again when it was for the same day and
        settings, so its deadlines and parameters, worked out once, serve every chunk of
        children a worker process is given."""
        last = self._last_judge
        if (
            last is not None
            and last.as_of == as_of
            and last.settings is self.settings
            and last.calendar is self.calendar
        ):
            return last
        self._last_judge = Judge(
            as_of=as_of,
            calendar=self.calendar,
            settings=self.settings,
            warning=self.settings.warning,
            count_start_as_day_one=self.settings.count_start_as_day_one,
        )
        return self._last_judge

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
        obligations.sort(key=_ORDER)
        return Evaluation(child, as_of, known_at, timeline, tuple(obligations), upcoming)

    def wake_up(self, evaluation: Evaluation) -> date | None:
        """The next day this child must be looked at again though nothing new is recorded:
        an obligation falls overdue or, when due-soon alerts are raised, enters its warning
        window (without them, entering it changes no alert), a fact on record takes place,
        or a rule's clock starts by the calendar alone (a new school term)."""
        warning = self.settings.warning if self.settings.raise_due_soon else None
        days = [
            d
            for d in (
                next_change(evaluation.obligations, evaluation.as_of, warning, self.calendar),
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
        """Every child's evaluation (or the given children's: sorted by id), streamed."""
        specs = self.rules_in_force(as_of, rules)
        judge = self.judge(as_of)
        with bulk_collection():
            for child, stored in self.store.iter_children(children):
                yield self.evaluate_facts(
                    child, facts_of(stored), as_of=as_of, known_at=known_at, specs=specs, judge=judge
                )

    def map_children(
        self,
        task: Callable[[Engine, Sequence[str] | None], Iterable[R]],
        children: Iterable[str] | None,
        *,
        jobs: int = 1,
        ahead: int = AHEAD,
    ) -> Generator[Iterable[R], None, None]:
        """`task(engine, children)` over the children (None: every child), yielding its
        results: once, in this process, when `jobs` is 1 or the children are few (the task
        runs as its result is read); else once per chunk of children, run in `jobs` worker
        processes (the task must then be picklable: a module-level function, or a `partial`
        of one), in order. Worker processes start at once, so the caller can do other work
        while they evaluate: up to `ahead` chunks a worker are computed before they are read."""
        chunks = self._chunks_for_workers(children, jobs)
        if chunks is None:
            return _in_this_process(self, task, list(children) if children is not None else None)
        results = self._in_workers(task, chunks, jobs, ahead)
        next(results)  # its first result, empty: the workers are started and at work
        return results

    def _chunks_for_workers(self, children: Iterable[str] | None, jobs: int) -> list[list[str]] | None:
        """The chunks of children for worker processes, or None to work in this process
        (one job, a store in memory, or too few children to repay starting processes).
        A small council is cut into chunks smaller than `chunk`, so that no worker is left
        with a large last chunk while the others wait (1,000 children in chunks of 200
        gave one worker three chunks and the other two)."""
        if jobs <= 1 or self.store.opening() is None:
            return None
        names = sorted(set(children)) if children is not None else self.store.children()
        if len(names) < 2 * self.chunk:
            return None
        size = min(self.chunk, max(MIN_CHUNK, -(-len(names) // (jobs * TASKS_PER_WORKER))))
        return [names[i : i + size] for i in range(0, len(names), size)]

    def _in_workers(
        self,
        task: Callable[[Engine, Sequence[str]], Iterable[R]],
        chunks: list[list[str]],
        jobs: int,
        ahead: int,
    ) -> Generator[list[R], None, None]:
        """Each chunk's `list(task(engine, chunk))`, computed in `jobs` worker processes and
        yielded in order, after an empty first result yielded once the workers are at work;
        at most `ahead` chunks a worker are in flight, so results never pile up in memory.
        Each worker opens its own connection to the store (`_start_worker`)."""
        opening = self.store.opening()
        assert opening is not None
        with _started_pool(
            _worker_context(self.store), min(jobs, len(chunks)), initargs=(*opening, self.settings)
        ) as pool:
            waiting = iter(chunks)
            in_flight = deque(
                pool.apply_async(_run_task, (task, chunk)) for chunk in islice(waiting, max(1, ahead) * jobs)
            )
            yield []
            while in_flight:
                result = in_flight.popleft().get()
                following = next(waiting, None)
                if following is not None:
                    in_flight.append(pool.apply_async(_run_task, (task, following)))
                yield result


def _in_this_process(
    engine: Engine, task: Callable[[Engine, Sequence[str] | None], Iterable[R]], children: list[str] | None
) -> Generator[Iterable[R], None, None]:
    yield task(engine, children)


#: The garbage collector's first threshold while children are evaluated in bulk (Python's
#: default is 700 allocations).
BULK_GC_THRESHOLD = 100_000

_bulk_depth = 0
_saved_thresholds: tuple[int, ...] = ()


@contextmanager
def bulk_collection() -> Iterator[None]:
    """Run the cyclic garbage collector less often while children are evaluated in bulk.

    An evaluation makes no reference cycles (its objects are freed by reference counting
    the moment the next child's replace them), yet it allocates a few thousand objects a
    child, so at the default threshold the collector ran every few hundred allocations,
    walking the child's live objects each time to find nothing: about a tenth of the
    evaluation. Collections still happen, a hundred times less often, so a cycle made
    elsewhere is still freed. Nested and interleaved uses (two streams of evaluations read
    side by side) restore the thresholds only when the last of them ends."""
    global _bulk_depth, _saved_thresholds
    if _bulk_depth == 0:
        _saved_thresholds = gc.get_threshold()
        gc.set_threshold(max(_saved_thresholds[0], BULK_GC_THRESHOLD), *_saved_thresholds[1:])
    _bulk_depth += 1
    try:
        yield
    finally:
        _bulk_depth -= 1
        if _bulk_depth == 0:
            gc.set_threshold(*_saved_thresholds)


def default_jobs() -> int:
    """The cores this process may use: the default for `--jobs`."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --- worker processes ---------------------------------------------------------------

_worker_engine: Engine | None = None


def _worker_context(store: CaseStore) -> Any:
    """How worker processes start. Forked where that is safe: a fork starts at once, with
    the product imported and the rules registered, where a fresh interpreter takes a few
    hundred milliseconds of CPU to get there (which a small council never repays). Safe
    means the platform forks, this process runs no other thread (a lock another thread held
    at the fork would stay held in the copy) and the store is an SQLite file with no
    connection in use (`CaseStore.forkable`). A worker opens its own connection and never
    touches the ones it inherits, and leaves without running finalisers. Otherwise (on
    PostgreSQL, whose connection pool runs threads) workers start fresh ("spawn")."""
    import multiprocessing
    import threading

    if (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and store.forkable()
    ):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _started_pool(context: Any, processes: int, initargs: tuple[Any, ...]) -> Any:
    """The pool of worker processes. Forked workers are started with this process's
    objects frozen out of the garbage collector's view (`gc.freeze`), as the Python
    documentation advises: else each worker's collections would walk, and write to, every
    object it inherited (a council's evaluation leaves many), copying their memory pages
    and spending about a third more CPU on small councils."""
    forking = context.get_start_method() == "fork"
    if forking:
        gc.freeze()
    try:
        return context.Pool(processes, initializer=_start_worker, initargs=initargs)
    finally:
        if forking:
            gc.unfreeze()


def _start_worker(env: dict[str, str], url: str, settings: Settings) -> None:
    global _worker_engine
    _worker_engine = Engine(CaseStore(env, url=url), settings)


def _run_task(task: Callable[[Engine, Sequence[str]], Iterable[R]], chunk: list[str]) -> list[R]:
    assert _worker_engine is not None, "not in a worker process"
    return list(task(_worker_engine, chunk))


# An obligation sent between processes (`pack_obligation`) is a tuple of its fields'
# values, enumerations as their values, without the explanation (text written on demand)
# or the events it refers to (the receiver does not have the child's facts).
_HINTS = typing.get_type_hints(Obligation)
_FIELDS = tuple(f.name for f in fields(Obligation))
_FACT_FIELDS = tuple(i for i, name in enumerate(_FIELDS) if "Fact" in str(_HINTS[name]))
_ENUM_FIELDS = tuple(
    (i, _HINTS[name])
    for i, name in enumerate(_FIELDS)
    if isinstance(_HINTS[name], type) and issubclass(_HINTS[name], Enum)
)
_WHY = _FIELDS.index("why")
#: Where a packed obligation holds its status (as the status's value).
PACKED_STATUS = _FIELDS.index("status")


def pack_obligation(o: Obligation) -> tuple[Any, ...]:
    """An obligation as plain values, cheap to send to another process (`unpack_obligation`
    rebuilds it without its explanation and with no `start` or `met_by` event)."""
    values = [getattr(o, name) for name in _FIELDS]
    for i in _FACT_FIELDS:
        values[i] = None
    for i, _kind in _ENUM_FIELDS:
        if isinstance(values[i], Enum):
            values[i] = values[i].value
    values[_WHY] = ()
    return tuple(values)


def unpack_obligation(values: tuple[Any, ...]) -> Obligation:
    unpacked = list(values)
    for i, kind in _ENUM_FIELDS:
        unpacked[i] = kind(unpacked[i])
    return Obligation(*unpacked)
