"""Timescales and deadlines, exactly as RULES.md "Time arithmetic" defines them.

- working days: the start is day 0; the deadline is the nth working day after it.
- days and weeks: calendar days (1 week = 7 days).
- months: calendar months with month-end clamping (31 Aug + 6 months = 28/29 Feb).
- hours: elapsed clock hours from a moment, shown in Europe/London, so the March and
  October clock changes are counted as the hours they really are. From a date with no
  time the deadline is the end of day (date + ceil(hours/24) days), marked approximate.

Every deadline carries a one-sentence explanation an IRO can check by hand.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from events.timeline import fmt_date
from rules.calendar import WorkingDayCalendar

__all__ = ["Deadline", "Timescale", "fmt_date", "fmt_moment"]

LONDON = ZoneInfo("Europe/London")

Unit = Literal["working_days", "days", "weeks", "months", "hours"]

_UNITS: dict[str, Unit] = {
    "wd": "working_days",
    "working day": "working_days",
    "working days": "working_days",
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "hour": "hours",
    "hours": "hours",
}
_PATTERN = re.compile(r"^\s*(\d+)\s*([a-z ]+?)\s*$")


def fmt_moment(moment: datetime) -> str:
    """ "Sat 25 Mar 2023 12:00 GMT" (in Europe/London)."""
    local = moment.astimezone(LONDON)
    return f"{fmt_date(local.date())} {local:%H:%M} {local.tzname()}"


@dataclass(frozen=True, slots=True)
class Deadline:
    due: date | datetime  # a moment only for hour-based deadlines from a timed start
    why: str | Callable[[], str]  # the sentence, or how to write it when it is asked for
    approximate: bool = False

    @property
    def explanation(self) -> str:
        return self.why() if callable(self.why) else self.why


@dataclass(frozen=True, slots=True)
class Timescale:
    n: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> Timescale:
        match = _PATTERN.match(str(text).lower())
        unit = _UNITS.get(match.group(2).strip()) if match else None
        if match is None or unit is None:
            raise ValueError(
                f"{text!r} is not a timescale: expected e.g. '20 working days', '6 weeks', "
                "'3 months', '72 hours'"
            )
        return cls(int(match.group(1)), unit)

    def __str__(self) -> str:
        label = {
            "working_days": "working day",
            "days": "day",
            "weeks": "week",
            "months": "month",
            "hours": "hour",
        }[self.unit]
        return f"{self.n} {label}{'' if self.n == 1 else 's'}"

    def deadline(
        self,
        start: date | datetime,
        calendar: WorkingDayCalendar,
        *,
        count_start_as_day_one: bool = False,
    ) -> Deadline:
        if self.unit == "hours":
            return self._hours(start)
        day = start.astimezone(LONDON).date() if isinstance(start, datetime) else start
        if self.unit == "working_days":
            return self._working_days(day, calendar, count_start_as_day_one)
        if self.unit == "months":
            due = day + relativedelta(months=self.n)
            clamped = due.day != day.day
            note = " (month end)" if clamped else ""
            return Deadline(due, lambda: f"{self} from {fmt_date(day)} is {fmt_date(due)}{note}")
        days = self.n * 7 if self.unit == "weeks" else self.n
        due = day + timedelta(days=days)
        label = f"{self} ({days} days)" if self.unit == "weeks" else str(self)
        return Deadline(due, lambda: f"{label} from {fmt_date(day)} is {fmt_date(due)}")

    def _working_days(self, day: date, calendar: WorkingDayCalendar, day_one: bool) -> Deadline:
        due = calendar.add_working_days(day, self.n, count_start_as_day_one=day_one)

        def explain() -> str:
            text = f"{self} from {fmt_date(day)}"
            if not calendar.is_working_day(day) and self.n > 0:
                first = calendar.add_working_days(day, 1)
                text += f" (not a working day; day 1 is {fmt_date(first)})"
            skipped = calendar.holidays_between(day, due)
            if skipped:
                dates = [fmt_date(d) for d, _ in skipped]
                listed = dates[0] if len(dates) == 1 else ", ".join(dates[:-1]) + " and " + dates[-1]
                noun = "bank holiday" if len(dates) == 1 else "bank holidays"
                text += f", skipping the {noun} on {listed},"
            text += f" is {fmt_date(due)}"
            if day_one:
                text += " (counting the start as day 1)"
            return text

        return Deadline(due, explain)

    def _hours(self, start: date | datetime) -> Deadline:
        if not isinstance(start, datetime):
            due_day = start + timedelta(days=math.ceil(self.n / 24))
            return Deadline(
                due_day,
                f"{self} from {fmt_date(start)} (no time recorded) is taken as the end of {fmt_date(due_day)}",
                approximate=True,
            )
        aware = start if start.tzinfo is not None else start.replace(tzinfo=LONDON)
        due = (aware.astimezone(UTC) + timedelta(hours=self.n)).astimezone(LONDON)
        changed = aware.astimezone(LONDON).utcoffset() != due.utcoffset()
        note = " (clocks changed)" if changed else ""
        return Deadline(due, f"{self} from {fmt_moment(aware)} is {fmt_moment(due)}{note}")
