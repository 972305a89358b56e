"""One alert as both renderings show it: what it is about, where it stands, its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from compliance.alerts import AlertView
from compliance.output import terminal_text
from compliance.views.format import fmt_day

#: History keys shown in their own columns; any others are listed as details.
_HISTORY_OWN = ("at", "by", "what", "recorded_at")


@dataclass(frozen=True)
class HistoryLine:
    at: str  # ISO moment
    by: str
    what: str
    details: list[tuple[str, str]]
    recorded_at: str = ""  # ISO moment it was recorded, kept apart from when it happened

    @property
    def recorded_late(self) -> bool:
        """Recorded at another minute than it happened (`alert ... --at`)."""
        return bool(self.recorded_at) and self.recorded_at[:16] != self.at[:16]

    @property
    def details_text(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.details)


@dataclass(frozen=True)
class AlertDetail:
    """An alert's page: the `--json` fields plus the sentences `alert show` prints."""

    data: dict[str, Any]
    title: str
    about: str
    obligation: str | None
    stage: str
    formal: str | None
    people: str
    history: list[HistoryLine]
    age: str | None = None  # "51 working days since the breach, 3 since raised"


def alert_detail(view: AlertView, *, drp_total: Any) -> AlertDetail:
    data = view.to_json()
    obligation = None
    if data["rule"]:
        obligation = (
            f"rule {data['rule']}: {data['title']}, due {data['due']}, "
            f"{data['days_overdue']} working days overdue when raised"
        )
    formal = None
    if data["formal_working_days"] is not None:
        formal = f"formal DRP so far: {data['formal_working_days']} working days (guide: {drp_total})" + (
            "  (OVER TIME)" if data["formal_over_time"] else ""
        )
    history = [
        HistoryLine(
            at=str(h["at"]),
            by=str(h["by"]),
            what=str(h["what"]),
            details=[(k, str(v)) for k, v in h.items() if k not in _HISTORY_OWN],
            recorded_at=str(h.get("recorded_at") or ""),
        )
        for h in data["history"]
    ]
    return AlertDetail(
        data=data,
        title=f"{data['id']}  {data['status']}  ({data['kind']})",
        about=f"child {data['child']}   theme: {data['theme']}",
        obligation=obligation,
        stage=f"stage {data['stage']}, response due {data['stage_response_due'] or '-'}"
        + ("  (OVERDUE)" if data["stage_overdue"] else ""),
        formal=formal,
        people=(
            f"team {data['team'] or '-'}, worker {data['worker'] or '-'}, "
            f"IRO {data['iro'] or '-'}, assigned to {data['assigned_to'] or '-'}"
        ),
        history=history,
        age=(
            f"age: {data['age_since_breach_working_days']} working days since the breach, "
            f"{data['age_working_days']} since raised"
            if data["age_since_breach_working_days"] is not None
            else None
        ),
    )


def action_line(alert_id: str, done: str) -> str:
    """The line an alert action prints, e.g. "PA-1B2C acknowledged" (stored text made safe)."""
    return terminal_text(f"{alert_id.upper()} {done}")


def escalated_line(alert_id: str, stage: str, response_due: date | None) -> str:
    """E.g. "PA-1B2C escalated to stage 2; response due Fri 7 Jul 2023"."""
    due = f"; response due {fmt_day(response_due)}" if response_due else ""
    return f"{alert_id.upper()} escalated to stage {stage}{due}"
