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


def previous_end(tl: Timeline, period: PeriodOfCare) -> date | None:
    """The day the child's previous period of care ended (None for the first period)."""
    if period.number <= 1:
        return None
    return tl.periods[period.number - 2].ended_on


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
