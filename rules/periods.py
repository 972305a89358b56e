"""What the rules share about periods of care: the facts that belong to one period.

RULES.md "before X or, if not practicable, within N": a duty the law allows to be done in
advance (the care plan, CPPCR reg 4(2); the placement plan, reg 9; the PEP, part of the
care plan) is met by a fact recorded before the clock starts, provided it is after the
end of the child's previous period of care: a child who comes back into care needs a new
plan, never the one made for the last period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from events.timeline import Fact, PeriodOfCare, Timeline
from rules.registry import earliest


def previous_end(tl: Timeline, period: PeriodOfCare) -> date | None:
    """The day the child's previous period of care ended (None for the first period)."""
    if period.number <= 1:
        return None
    return tl.periods[period.number - 2].ended_on


def in_period(facts: Iterable[Fact], period: PeriodOfCare) -> list[Fact]:
    """The facts from the day the period began to the day it ended (both included), in
    timeline order."""
    start, end = period.started_on, period.ended_on
    return [f for f in facts if f.on >= start and (end is None or f.on <= end)]


def for_period_or_in_advance(tl: Timeline, facts: Iterable[Fact], period: PeriodOfCare) -> list[Fact]:
    """The facts that can meet a duty of this period that may be done in advance: those
    recorded in the period (to its last day), or before it began but after the day the
    previous period ended. In timeline order."""
    before = previous_end(tl, period)
    start, end = period.started_on, period.ended_on
    return [
        f
        for f in facts
        if (f.on >= start or before is None or f.on > before) and (end is None or f.on <= end)
    ]


LEFT_CARE = "left care"
REACHED_18 = "reached 18"


def turns_18(tl: Timeline) -> tuple[date, str] | None:
    """The 18th birthday as a clock stop: a child stops being looked after at 18 (Children
    Act 1989 s105(1), "child" means a person under 18), whether or not the record says so."""
    eighteen = tl.birthday(18)
    return (eighteen, REACHED_18) if eighteen is not None else None


def care_stops(tl: Timeline, period: PeriodOfCare) -> tuple[date, str] | None:
    """When the clocks of a period of care stop: leaving care ("left care") or the 18th
    birthday ("reached 18"), whichever comes first; leaving on the birthday is "left care"."""
    ended = period.ended_on
    return earliest((ended, LEFT_CARE) if ended is not None else None, turns_18(tl))
