"""The alert queue as both renderings show it: one row per alert, counts across the top.

The rows come from `AlertQueue.list` (its filters and its order); this module only shapes
them, so `casecheck alerts` and the web queue page show the same alerts, in the same order,
with the same words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from compliance.alerts import AlertView

#: The columns of `casecheck alerts --csv` (and of the web queue's download).
QUEUE_COLUMNS = (
    "id",
    "child",
    "kind",
    "rule",
    "theme",
    "stage",
    "status",
    "due",
    "days_overdue_now",
    "age_since_breach_working_days",
    "team",
    "worker",
    "iro",
    "raised_on",
    "age_working_days",
    "stage_response_due",
    "stage_overdue",
    "formal_over_time",
    "assigned_to",
    "outcome",
)


@dataclass(frozen=True)
class QueueRow:
    """One alert in the queue: the fields of `--json` plus the words both tables print."""

    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def child(self) -> str:
        return str(self.data["child"])

    @property
    def subject(self) -> str:
        """The rule id, or the theme for an alert raised by hand."""
        return str(self.data["rule"] or self.data["theme"])

    @property
    def stage_warning(self) -> str:
        """ "no reply by 2026-03-02" when the stage's response date has passed unanswered."""
        if self.data["stage_overdue"]:
            return f"no reply by {self.data['stage_response_due']}"
        return ""

    @property
    def age(self) -> int:
        """Working days since the breach (its due date), or since raised if it has none."""
        since_breach = self.data["age_since_breach_working_days"]
        return int(since_breach if since_breach is not None else self.data["age_working_days"])

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def queue_row(view: AlertView) -> QueueRow:
    return QueueRow({k: v for k, v in view.to_json().items() if k != "history"})


def queue_rows(views: Iterable[AlertView]) -> list[QueueRow]:
    return [queue_row(v) for v in views]


@dataclass(frozen=True)
class QueueCounts:
    """Open alerts by theme, team and DRP stage, as the queue shows across the top."""

    total: int
    by_theme: list[tuple[str, int]]
    by_team: list[tuple[str, int]]
    by_stage: list[tuple[str, int]]


def queue_counts(views: Sequence[AlertView]) -> QueueCounts:
    """Counts as `counts_by` gives them ("(none)" for no value, most first), in one pass."""
    themes: Counter[str] = Counter()
    teams: Counter[str] = Counter()
    stages: Counter[str] = Counter()
    for view in views:
        a = view.alert
        themes[a.theme or "(none)"] += 1
        teams[a.team or "(none)"] += 1
        stages[a.stage or "(none)"] += 1

    def ordered(counts: Counter[str]) -> list[tuple[str, int]]:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    return QueueCounts(len(views), ordered(themes), ordered(teams), ordered(stages))


def queue_counts_from(total: int, by: Mapping[str, Mapping[str | None, int]]) -> QueueCounts:
    """The same counts from tallies kept by value (None: no value) of `theme`, `team` and `stage`."""

    def ordered(counts: Mapping[str | None, int]) -> list[tuple[str, int]]:
        merged: Counter[str] = Counter()
        for value, n in counts.items():
            if n > 0:
                merged[value or "(none)"] += n
        return sorted(merged.items(), key=lambda item: (-item[1], item[0]))

    return QueueCounts(total, ordered(by["theme"]), ordered(by["team"]), ordered(by["stage"]))


def queue_title(status: str, day_text: str) -> str:
    return f"Alerts ({status}) as of {day_text}"


#: The queue's orders (`Filters.sort`, `compliance.choices.ALERT_SORTS`) in words.
SORTS = {
    "urgency": "most urgent first",
    "overdue": "most days overdue first",
    "age": "oldest first",
    "due": "earliest due first",
    "child": "child",
    "team": "team",
}


#: The queue table's columns on a terminal.
QUEUE_TABLE_COLUMNS = ("id", "child", "rule or theme", "stage", "due", "WD over", "raised WD ago", "team")


def queue_table_title(status: str, *, baseline: bool, day_text: str, order: str) -> str:
    """The queue table's title: the baseline is named as such, and the order is given."""
    what = "baseline: due before the go-live line" if baseline else status
    return queue_title(what, day_text) + f", by {order.lower()}"


def queue_footer(rows: Sequence[QueueRow]) -> str:
    return (
        f"{len(rows)} alert{'s' if len(rows) != 1 else ''}. WD over: working days since the breach "
        "(the due date) as of today, the figure the order uses; raised WD ago: since the alert was raised."
    )
