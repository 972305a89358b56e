"""One alert as both renderings show it: what it is about, where it stands, its history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance.alerts import AlertView

#: History keys shown in their own columns; any others are listed as details.
_HISTORY_OWN = ("at", "by", "what")


@dataclass(frozen=True)
class HistoryLine:
    at: str  # ISO moment
    by: str
    what: str
    details: list[tuple[str, str]]

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
    )
