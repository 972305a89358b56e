"""Reporting periods: the financial year (1 April to 31 March), its quarters, year to date.

The seed scorecard (004) prints a column per quarter of the financial year ("Qu 1 17-18"
is April to June 2017) and one for the year end before it ("Yr. end 16-17"). Some
measures are a figure for the quarter, some for the year to date at the quarter's end
("% ceased care by SGO - year to date figure"), some a count on the quarter's last day
("Number of cared for children"); each measure declares which (`measures.Window`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

_YEAR_RE = re.compile(r"^(\d{4})(?:[-/](\d{2}|\d{4}))?$")


@dataclass(frozen=True, order=True)
class Period:
    """Inclusive days `start`..`end` with the label a committee paper gives them."""

    start: date
    end: date
    label: str = ""
    kind: str = "custom"  # "quarter", "year", "year_to_date" or "custom"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def months(self) -> Iterator[Period]:
        """The calendar months the period covers (clipped to the period)."""
        first = self.start.replace(day=1)
        while first <= self.end:
            following = (first + timedelta(days=32)).replace(day=1)
            yield Period(
                max(first, self.start),
                min(following - timedelta(days=1), self.end),
                f"{first:%b %Y}",
                "month",
            )
            first = following

    def to_json(self) -> dict[str, str]:
        return {
            "label": self.label,
            "kind": self.kind,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
        }


@dataclass(frozen=True)
class FinancialYear:
    """The year from 1 April `first` to 31 March `first + 1`, e.g. 2017-18."""

    first: int

    @property
    def label(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.first, 4, 1)

    @property
    def end(self) -> date:
        return date(self.first + 1, 3, 31)

    @property
    def whole(self) -> Period:
        return Period(self.start, self.end, self.label, "year")

    def quarters(self) -> tuple[Period, Period, Period, Period]:
        y = self.first
        short = f"{y % 100:02d}-{(y + 1) % 100:02d}"
        return (
            Period(date(y, 4, 1), date(y, 6, 30), f"Q1 {short}", "quarter"),
            Period(date(y, 7, 1), date(y, 9, 30), f"Q2 {short}", "quarter"),
            Period(date(y, 10, 1), date(y, 12, 31), f"Q3 {short}", "quarter"),
            Period(date(y + 1, 1, 1), date(y + 1, 3, 31), f"Q4 {short}", "quarter"),
        )

    def quarter(self, name: str) -> Period:
        """`Q1`..`Q4` (case-insensitive)."""
        index = {"Q1": 0, "Q2": 1, "Q3": 2, "Q4": 3}.get(name.strip().upper())
        if index is None:
            raise ValueError(f"expected a quarter Q1, Q2, Q3 or Q4, got {name!r}")
        return self.quarters()[index]

    def to_date(self, period: Period) -> Period:
        """Year to date at the end of `period`: 1 April to the period's last day."""
        return Period(self.start, period.end, f"{period.label} (year to date)", "year_to_date")

    def previous(self) -> FinancialYear:
        return FinancialYear(self.first - 1)


def financial_year(text: str | int) -> FinancialYear:
    """ "2017-18", "2017/18", "2017-2018" or 2017 -> the year from 1 Apr 2017 to 31 Mar 2018."""
    if isinstance(text, int):
        return FinancialYear(text)
    match = _YEAR_RE.match(text.strip())
    if match is None:
        raise ValueError(f"expected a financial year like 2017-18, got {text!r}")
    first = int(match.group(1))
    second = match.group(2)
    if second is not None:
        following = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if following != first + 1:
            raise ValueError(f"expected consecutive years like 2017-18, got {text!r}")
    return FinancialYear(first)


def year_containing(day: date) -> FinancialYear:
    return FinancialYear(day.year if day.month >= 4 else day.year - 1)


def trailing_year(start: date | None, end: date) -> tuple[date, date]:
    """The period a report covers when no financial year is given: `start`..`end`.

    Without `start` it opens on the first of `end`'s month a year earlier: a report to
    15 March 2018 covers 1 March 2017 to 15 March 2018.
    """
    return start or date(end.year - 1, end.month, 1), end


def report_period(year: FinancialYear | None, start: date | None, end: date) -> tuple[date, date]:
    """The financial year when one is given (2017-18: 1 April 2017 to 31 March 2018),
    otherwise `trailing_year(start, end)`."""
    if year is not None:
        return year.start, year.end
    return trailing_year(start, end)
