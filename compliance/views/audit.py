"""An audit replay as both renderings show it: what was recorded after the known-at moment,
what was retracted since, and which obligations read differently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from compliance.audit import Audit
from compliance.views.format import fmt_day
from compliance.views.timeline import event_json, obligation_summary


@dataclass(frozen=True)
class LateRecord:
    when: str
    type: str
    recorded: str
    days_later: int


@dataclass(frozen=True)
class Change:
    rule: str
    key: str
    then: dict[str, Any] | None  # obligation_summary as known then; None: not visible then
    now: dict[str, Any] | None  # as known later; None: it no longer applies

    @property
    def then_text(self) -> str:
        return f"{self.then['status']} (due {self.then['due']})" if self.then else "not visible"

    @property
    def now_text(self) -> str:
        return f"{self.now['status']} (due {self.now['due']})" if self.now else "no longer applies"


@dataclass(frozen=True)
class AuditView:
    known_at: datetime
    later: datetime | None
    recorded_late: list[LateRecord]
    retracted_since: list[str]
    changes: list[Change]

    @property
    def recorded_heading(self) -> str:
        return f"Recorded after {fmt_day(self.known_at)} ({len(self.recorded_late)})"

    @property
    def changes_heading(self) -> str:
        since = f"by {fmt_day(self.later)}" if self.later else "later"
        return f"Obligations that read differently with what was recorded {since} ({len(self.changes)})"


def audit_view(result: Audit, *, known_at: datetime, later: datetime | None = None) -> AuditView:
    late = [
        LateRecord(
            when=fmt_day(f.at),
            type=f.type,
            recorded=fmt_day(f.recorded_at),
            days_later=(f.recorded_at.date() - f.on).days if f.recorded_at else 0,
        )
        for f in result.recorded_late
    ]
    changes = [
        Change(
            c.rule,
            c.key,
            obligation_summary(c.then) if c.then else None,
            obligation_summary(c.now) if c.now else None,
        )
        for c in result.changes
    ]
    return AuditView(known_at, later, late, [f.describe() for f in result.retracted_since], changes)


def audit_json(result: Audit, *, child: str, as_of: date, known_at: datetime) -> dict[str, Any]:
    """`casecheck audit --json`: the obligations as they stood, what was recorded late or
    retracted since, and each obligation that reads differently now."""
    return {
        "child": child,
        "as_of": as_of.isoformat(),
        "known_at": known_at.isoformat(),
        "obligations_then": [o.to_json() for o in result.then.obligations],
        "recorded_late": [event_json(f, False) for f in result.recorded_late],
        "retracted_since": [event_json(f, True) for f in result.retracted_since],
        "changes": [
            {
                "key": c.key,
                "rule": c.rule,
                "then": c.then.to_json() if c.then else None,
                "now": c.now.to_json() if c.now else None,
            }
            for c in result.changes
        ],
    }
