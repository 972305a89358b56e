"""The initial health assessment table (seed 000): by quarter of the financial year.

Cohort: children whose initial health assessment fell due in the quarter (20 working days
after entering care); children who left care before the due date are excluded and counted
separately. Percentages truncated to one decimal place, as the seed prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance.reports.council import CouncilFacts
from compliance.reports.figures import truncated_percent
from compliance.reports.periods import FinancialYear
from rules.obligation import Status

IHA_COHORT = (
    "children whose initial health assessment fell due in the quarter; children who left care "
    "before the due date are excluded and counted separately"
)


@dataclass(frozen=True)
class IhaQuarter:
    quarter: str
    start: date
    end: date
    requiring: int
    requested_48h: int
    completed_20wd: int
    left_before_due: int

    def to_json(self) -> dict[str, object]:
        return {
            "quarter": self.quarter,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "requiring_iha": self.requiring,
            "requested_within_48_hours": self.requested_48h,
            "requested_within_48_hours_pct": truncated_percent(self.requested_48h, self.requiring),
            "completed_within_20_wd": self.completed_20wd,
            "completed_within_20_wd_pct": truncated_percent(self.completed_20wd, self.requiring),
            "left_care_before_due": self.left_before_due,
        }


def iha_quarters(council: CouncilFacts, year: FinancialYear) -> list[IhaQuarter]:
    """The IHA performance table for the financial year: a row per quarter."""
    obligations = [o for e in council.children for o in e.obligations]
    requests = {(o.child, o.started_on): o for o in obligations if o.rule == "HLT-IHA-REQ"}
    assessments = [o for o in obligations if o.rule == "HLT-IHA"]
    out = []
    for i, quarter in enumerate(year.quarters(), start=1):
        # An IHA no source of the child can tell about (no_data) is not assessable: left out.
        due = [o for o in assessments if o.due_on in quarter and o.status is not Status.NO_DATA]
        counted = [o for o in due if o.status is not Status.CLOSED]
        requested = sum(
            1
            for o in counted
            if (r := requests.get((o.child, o.started_on))) is not None and r.status is Status.MET
        )
        out.append(
            IhaQuarter(
                f"Q{i}",
                quarter.start,
                quarter.end,
                len(counted),
                requested,
                sum(1 for o in counted if o.status is Status.MET),
                len(due) - len(counted),
            )
        )
    return out
