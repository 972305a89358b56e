"""The Obligation: one thing that must happen by a date, and how it stands at `as_of`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from events.timeline import LONDON, Fact


class Status(StrEnum):
    """DESIGN.md "Obligations": how an obligation stands at `as_of`."""

    MET = "met"  # satisfied on or before the due date
    LATE = "late"  # satisfied after the due date (a breach put right)
    OVERDUE = "overdue"  # not satisfied and the due date has passed (an open breach)
    DUE_SOON = "due_soon"  # not satisfied; due within the warning window
    PENDING = "pending"  # not satisfied; not yet in the warning window
    MISSED = "missed"  # overdue, and then the chance to put it right went; see closed_reason
    CLOSED = "closed"  # the clock stopped before the due date; see closed_reason
    NO_DATA = "no_data"  # none of the child's sources can supply the satisfying fact


#: Statuses in the order a worker should look at them.
URGENCY = (
    Status.OVERDUE,
    Status.DUE_SOON,
    Status.PENDING,
    Status.MISSED,
    Status.LATE,
    Status.MET,
    Status.CLOSED,
    Status.NO_DATA,
)


class Basis(StrEnum):
    """RULES.md legend: how binding the duty is."""

    REG = "reg"  # a regulation: a miss is a breach
    GUIDANCE = "guidance"  # statutory guidance: a miss is a breach, reasons recorded
    LOCAL = "local"  # a council's own standard: a miss is an alert
    KPI = "kpi"  # a performance measure: reported, never raised


def day_of(value: date | datetime) -> date:
    """The day in England of a date or an aware moment."""
    return value.astimezone(LONDON).date() if isinstance(value, datetime) else value


@dataclass(slots=True)
class Obligation:
    """One obligation as judged. A value: never changed once built (`dataclasses.replace`
    makes another). Not `frozen`, because a frozen dataclass sets each field through
    `object.__setattr__`, which made building one (every evaluation builds about 64 a
    child) several times slower."""

    child: str
    rule: str
    title: str
    basis: Basis
    key: str  # stable across runs: same child, rule and clock start give the same key
    started_on: date
    due: date | datetime  # a moment only for hour-based rules with a timed clock start
    status: Status
    start: Fact | None = None  # the event that started the clock
    met_on: date | datetime | None = None
    met_by: Fact | None = None
    days_late: int = 0  # working days past due (late, overdue, or missed: frozen at missed_on), else 0
    closed_reason: str | None = None  # why the clock stopped (closed) or the chance went (missed)
    missed_on: date | None = None  # missed: the day the chance to put the breach right went
    # overdue: a clock stop still to come (e.g. the 18th birthday), when it becomes missed
    stops_on: date | None = None
    approximate: bool = False  # hour-based deadline from a date-only clock start
    why: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()  # written when asked for
    citation: str = ""

    @property
    def explanation(self) -> tuple[str, ...]:
        """The arithmetic and the events behind the status, one line each."""
        return self.why() if callable(self.why) else self.why

    @property
    def due_on(self) -> date:
        return day_of(self.due)

    @property
    def is_breach(self) -> bool:
        return self.status in (Status.OVERDUE, Status.LATE, Status.MISSED)

    def to_json(self, *, explain: bool = True) -> dict[str, Any]:
        """The machine-readable form (DESIGN.md: `--json` fields); with `explain` false,
        without the explanation (writing it costs as much as the evaluation)."""
        row: dict[str, Any] = {
            "child": self.child,
            "rule": self.rule,
            "title": self.title,
            "basis": str(self.basis),
            "started_on": self.started_on.isoformat(),
            "due": self.due.isoformat(),
            "status": str(self.status),
            "met_on": self.met_on.isoformat() if self.met_on is not None else None,
            "days_late": self.days_late,
            "key": self.key,
            "closed_reason": self.closed_reason,
            "missed_on": self.missed_on.isoformat() if self.missed_on is not None else None,
            "approximate": self.approximate,
            "start_event": self.start.id if self.start is not None else None,
            "met_by_event": self.met_by.id if self.met_by is not None else None,
            "citation": self.citation,
        }
        if explain:
            row["explanation"] = list(self.explanation)
        return row
