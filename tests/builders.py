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

    def dated(self, rule_id: str, name: str) -> bool:
        return isinstance(self.overrides.get((rule_id, name)), list)


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


def assert_rows(
    obligations: Iterable[Obligation],
    expected: Iterable[tuple[Any, ...]],
    *,
    as_of: str | date,
    calendar: WorkingDayCalendar = CALENDAR,
) -> None:
    """Check a rule's obligations against the rows of its table, more than the status.

    Each row is `(started_on, due, status)` or `(started_on, due, status, detail)`:
    - met / late: detail is required, the day of the event that satisfied it;
    - closed: detail is required, the reason the clock stopped ("left care");
    - missed: detail is required, `(day the chance went, reason)`.
    Whatever the row says, `days_late` must be what the row's own dates give: 0 unless
    late (due to the satisfying event), overdue (due to `as_of`) or missed (due to the day
    the chance went); an open obligation has no satisfying event and no reason.
    """
    rows = [tuple(row) for row in expected]
    got = list(obligations)
    assert statuses(got) == [row[:3] for row in rows]
    day = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    problems = [
        f"{row}: {p}" for o, row in zip(got, rows, strict=True) for p in _row_problems(o, row, day, calendar)
    ]
    assert not problems, "\n".join(problems)


_DETAIL = {
    "met": "the day of the event that satisfied it",
    "late": "the day of the event that satisfied it",
    "closed": "the reason the clock stopped",
    "missed": "(day the chance went, reason)",
}


def _row_problems(
    o: Obligation, row: tuple[Any, ...], as_of: date, calendar: WorkingDayCalendar
) -> list[str]:
    status = row[2]
    detail = row[3] if len(row) > 3 else None
    due = o.due_on
    problems = []

    def expect(what: str, got: Any, wanted: Any) -> None:
        if got != wanted:
            problems.append(f"{what} is {got!r}, expected {wanted!r}")

    def satisfied_at() -> str | None:
        if o.met_by is None:
            return None
        return (
            o.met_by.at.isoformat()
            if detail is not None and len(str(detail)) > 10
            else o.met_by.on.isoformat()
        )

    if status in ("met", "late", "closed", "missed") and detail is None:
        return [f"a {status} row must say {_DETAIL[status]}"]
    if status in ("met", "late"):
        if o.met_by is None:
            return ["no satisfying event"]
        if detail is not None:
            expect("satisfied by the event of", satisfied_at(), detail)
        wanted = 0 if status == "met" else calendar.working_days_between(due, o.met_by.on)
        expect("days_late", o.days_late, wanted)
        expect("closed_reason", o.closed_reason, None)
        return problems
    expect("satisfying event", o.met_by, None)
    if status == "missed":
        missed_on, reason = detail
        expect("missed_on", o.missed_on, date.fromisoformat(missed_on))
        expect("closed_reason", o.closed_reason, reason)
        expect("days_late", o.days_late, calendar.working_days_between(due, date.fromisoformat(missed_on)))
    elif status == "overdue":
        expect("days_late", o.days_late, calendar.working_days_between(due, as_of))
        expect("closed_reason", o.closed_reason, None)
    elif status == "closed":
        expect("days_late", o.days_late, 0)
        expect("closed_reason", o.closed_reason, detail)
    else:
        expect("days_late", o.days_late, 0)
        expect("closed_reason", o.closed_reason, None)
    return problems
