"""Audit replay: a child's record as it stood on a date, as it was known at a moment.

Auditors, inspectors and complaints officers ask two questions of a past date: what did
the record say then, and what was recorded afterwards that changes the picture (late
recording)? `audit_child` answers both by evaluating the child twice for the same `as_of`
(once as known at `known_at`, once with everything known now) and comparing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from compliance.engine import Engine, Evaluation, facts_of
from events.timeline import Fact
from rules.obligation import Obligation


@dataclass(frozen=True)
class StatusChange:
    key: str
    rule: str
    then: Obligation | None  # as known at known_at (None: the obligation was not visible)
    now: Obligation | None  # with everything recorded since (None: it no longer exists)


@dataclass(frozen=True)
class Audit:
    then: Evaluation  # as of `as_of`, as known at `known_at`
    now: Evaluation  # as of `as_of`, as known today (or at the later moment compared)
    recorded_late: tuple[Fact, ...]  # happened by as_of, recorded after known_at
    retracted_since: tuple[Fact, ...]  # counted then, retracted since
    changes: tuple[StatusChange, ...]


def audit_child(
    engine: Engine, child: str, *, as_of: date, known_at: datetime, later: datetime | None = None
) -> Audit:
    """`then` as known at `known_at`; `now` as known at `later` (default: everything known
    today), so two known-at moments can be compared: what was recorded or retracted between
    them, and which obligations read differently."""
    facts = facts_of(engine.store.read_child(child))
    then = engine.evaluate_facts(child, facts, as_of=as_of, known_at=known_at)
    now = engine.evaluate_facts(child, facts, as_of=as_of, known_at=later)
    recorded_late = tuple(
        sorted(
            (
                f
                for f in facts
                if f.on <= as_of
                and f.recorded_at is not None
                and f.recorded_at > known_at
                and (later is None or f.recorded_at <= later)
            ),
            key=Fact.sort_key,
        )
    )
    now_retracted = {f.seq for f in now.timeline.retracted}
    retracted_since = tuple(f for f in then.timeline.facts if f.seq in now_retracted)
    before = {o.key: o for o in then.obligations}
    after = {o.key: o for o in now.obligations}
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if (
            old is None
            or new is None
            or (old.status, old.due, old.met_on) != (new.status, new.due, new.met_on)
        ):
            rule = (old or new).rule  # type: ignore[union-attr]
            changes.append(StatusChange(key, rule, old, new))
    return Audit(then, now, recorded_late, retracted_since, tuple(changes))
