"""Test helpers: build a child's timeline from compact event lists and run one rule.

Events go through the real contract (`parse_event`) so a test can never use an event the
importer would reject.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from events.models import parse_event
from events.timeline import Fact, Timeline, build_timeline
from rules.calendar import WorkingDayCalendar
from rules.obligation import Obligation
from rules.registry import REGISTRY, Judge

CALENDAR = WorkingDayCalendar()


def ev(type_: str, at: str, **fields: Any) -> dict[str, Any]:
    """One event in contract form: ev("entered_care", "2022-09-12", legal_status="C2")."""
    return {"type": type_, "at": at, **fields}


def facts(events: Iterable[Mapping[str, Any]], child: str = "C1") -> list[Fact]:
    out = []
    for seq, data in enumerate(events):
        record = parse_event({"child": child, **data}).to_record()
        out.append(Fact(record, seq=seq))
    return out


def timeline(
    events: Iterable[Mapping[str, Any]],
    *,
    child: str = "C1",
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> Timeline:
    return build_timeline(child, facts(events, child), as_of=as_of, known_at=known_at)


class Settings:
    """A fake ParamSource: {(rule_id, name): value} or {(rule_id, name): [(effective_from, value), ...]}."""

    def __init__(self, overrides: Mapping[tuple[str, str], Any] | None = None) -> None:
        self.overrides = dict(overrides or {})

    def value(self, rule_id: str, name: str, on: date, default: Any) -> Any:
        found = self.overrides.get((rule_id, name), default)
        if isinstance(found, list):
            current = default
            for effective_from, value in sorted(found):
                if effective_from <= on:
                    current = value
            return current
        return found


def run_rule(
    rule_id: str,
    events: Iterable[Mapping[str, Any]],
    *,
    as_of: str | date,
    settings: Mapping[tuple[str, str], Any] | None = None,
    calendar: WorkingDayCalendar = CALENDAR,
    **judge_options: Any,
) -> list[Obligation]:
    """Obligations of one rule for child C1 as at `as_of` (the timeline is cut at as_of)."""
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    tl = timeline(events, as_of=day)
    judge = Judge(as_of=day, calendar=calendar, settings=Settings(settings), **judge_options)
    spec = REGISTRY[rule_id]
    return list(spec.func(tl, judge.for_rule(spec)))


def statuses(obligations: Iterable[Obligation]) -> list[tuple[str, str, str]]:
    """(started_on, due, status) triples: the usual thing to assert on."""
    return [(o.started_on.isoformat(), o.due.isoformat(), str(o.status)) for o in obligations]
