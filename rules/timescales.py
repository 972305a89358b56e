"""Timescales and deadlines, exactly as RULES.md "Time arithmetic" defines them.

- working days: the start is day 0; the deadline is the nth working day after it
  (see `WorkingDayCalendar.add_working_days`).
- days and weeks: calendar days (1 week = 7 days).
- months: calendar months with month-end clamping (31 Aug + 6 months = 28/29 Feb).
- hours: elapsed clock hours from a moment, worked out in UTC and shown in Europe/London,
  so the March and October clock changes count as the hours they really are. From a date
  with no time the deadline is the end of day (date + ceil(hours/24) days), marked
  approximate.

Every deadline carries a one-sentence explanation an IRO can check by hand. The batch
computes millions of deadlines and prints few, so the sentence is written only when
`Deadline.explanation` is read.

Local times: a naive datetime is taken as Europe/London wall-clock time, never the
machine's zone (the checker must give the same answer on a laptop in New York). In the
hour that repeats when the clocks go back (e.g. 01:30 on Sun 29 Oct 2023) a naive time
is the first occurrence (fold=0, still BST): it is the earlier moment, so the deadline is
the stricter one, and it matches how `zoneinfo` reads the time by default. A naive time
in the hour skipped in March (01:30 on Sun 26 Mar 2023) is read with the offset before
the change (GMT), i.e. 02:30 BST, which is what `zoneinfo` does.
"""

from __future__ import annotations

import calendar as _calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from events.timeline import fmt_date
from rules.calendar import WorkingDayCalendar

__all__ = ["LONDON", "Deadline", "Timescale", "Unit", "add_months", "fmt_date", "fmt_moment"]

LONDON = ZoneInfo("Europe/London")

Unit = Literal["working_days", "days", "weeks", "months", "hours"]
_UNIT_NAMES: frozenset[str] = frozenset(get_args(Unit))

# Words accepted after the number (lower case, single spaces), and the unit they mean.
_UNITS: dict[str, Unit] = {
    "wd": "working_days",
    "wds": "working_days",
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
_SINGULAR: dict[Unit, str] = {
    "working_days": "working day",
    "days": "day",
    "weeks": "week",
    "months": "month",
    "hours": "hour",
}
_PATTERN = re.compile(r"(\d+) ?([a-z ]+)")
_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_EXPECTED = "expected e.g. '20 working days', '6 weeks', '3 months', '72 hours'"


def _london(moment: datetime) -> datetime:
    """An aware moment; a naive one is Europe/London wall-clock time (fold as given)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LONDON)


def _day(start: date | datetime) -> date:
    """The day in England on which `start` falls."""
    if isinstance(start, datetime):
        # A naive time is already London wall-clock time; astimezone() would read it
        # in the machine's zone instead.
        return start.date() if start.tzinfo is None else start.astimezone(LONDON).date()
    return start


def fmt_moment(moment: datetime) -> str:
    """ "Sat 25 Mar 2023 12:00 GMT": the moment as a clock in England showed it."""
    local = _london(moment).astimezone(LONDON)
    return f"{fmt_date(local.date())} {local:%H:%M} {local.tzname()}"


def add_months(day: date, n: int) -> date:
    """`day` plus `n` calendar months, clamped to the end of a shorter month (31 Aug + 6
    months = 28 or 29 Feb), as `dateutil.relativedelta(months=n)` gives, but several
    times faster: the batch adds months for every review and visit clock."""
    months = day.month - 1 + n
    year, month = day.year + months // 12, months % 12 + 1
    if day.day <= 28:  # every month has the day: no need to ask how long this one is
        return date(year, month, day.day)
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(slots=True)
class Deadline:
    """When something is due, and the sentence that shows the arithmetic.

    `why` is the sentence, or a function that writes it: the batch needs only `due`, and
    writing sentences nobody reads was a large share of a nightly run. Read the sentence
    through `explanation`. `approximate` marks an hour-based deadline from a date-only
    start (RULES.md: taken as the end of the day).

    A value: never changed once built, as the judge hands one deadline to every clock
    that starts on the same day. Not `frozen`, for the reason `Obligation` is not: a
    frozen dataclass sets each field through `object.__setattr__`, which made building
    one three times as costly, and an evaluation builds thousands.
    """

    due: date | datetime  # a moment (aware, Europe/London) only for hours from a timed start
    why: str | Callable[[], str]
    approximate: bool = False

    @property
    def explanation(self) -> str:
        return self.why() if callable(self.why) else self.why


@dataclass(frozen=True, slots=True)
class Timescale:
    """A duty's timescale, such as 20 working days or 3 months (RULES.md "Time arithmetic")."""

    n: int
    unit: Unit

    def __post_init__(self) -> None:
        # Settings files feed this; a bad value must fail when they are loaded, not as a
        # wrong deadline months later.
        if self.unit not in _UNIT_NAMES:
            raise ValueError(f"unknown timescale unit {self.unit!r}: {_EXPECTED}")
        if isinstance(self.n, bool) or not isinstance(self.n, int) or self.n < 0:
            raise ValueError(f"a timescale needs a whole number 0 or more, not {self.n!r}")

    @classmethod
    def parse(cls, text: str) -> Timescale:
        """ "20 working days", "20 WD", "20wd", "6 weeks", "1 month", "72 hours" (any case)."""
        # "working-days" reads as "working days"; a minus sign must still be refused.
        words = " ".join(_HYPHEN.sub(" ", str(text).lower()).split())
        match = _PATTERN.fullmatch(words)
        unit = _UNITS.get(match.group(2)) if match else None
        if match is None or unit is None:
            raise ValueError(f"{text!r} is not a timescale: {_EXPECTED}")
        return cls(int(match.group(1)), unit)

    def __str__(self) -> str:
        """Canonical: "20 working days", "1 working day", "6 weeks", "72 hours"."""
        label = _SINGULAR[self.unit]
        return f"{self.n} {label}" if self.n == 1 else f"{self.n} {label}s"

    def deadline(
        self,
        start: date | datetime,
        calendar: WorkingDayCalendar,
        *,
        count_start_as_day_one: bool = False,
    ) -> Deadline:
        """The deadline for "within this timescale of `start`", with its explanation.

        Only hours use the time of day; the other units start from the day in England on
        which `start` falls. `count_start_as_day_one` affects working days only.
        """
        if self.unit == "hours":
            return self._hours(start)
        day = _day(start)
        if self.unit == "working_days":
            due = calendar.add_working_days(day, self.n, count_start_as_day_one=count_start_as_day_one)
            return Deadline(
                due,
                partial(Timescale._working_days_sentence, self, day, due, calendar, count_start_as_day_one),
            )
        if self.unit == "months":
            due = add_months(day, self.n)
            return Deadline(due, partial(Timescale._months_sentence, self, day, due))
        days = self.n * 7 if self.unit == "weeks" else self.n
        due = date.fromordinal(day.toordinal() + days)  # half the cost of adding a new timedelta
        return Deadline(due, partial(Timescale._calendar_days_sentence, self, day, due, days))

    # The sentences are written by these methods, given to each Deadline with their
    # arguments (`partial`), not by closures: the judge keeps tens of thousands of
    # deadlines, and a closure is several objects for the garbage collector to walk
    # again and again, where a partial is two.

    def _months_sentence(self, day: date, due: date) -> str:
        # Month-end clamping makes 31 Jan + 1 month 28 Feb; say so, as it is the one
        # result a reader might check and think wrong.
        note = " (month end)" if due.day != day.day else ""
        return f"{self} from {fmt_date(day)} is {fmt_date(due)}{note}"

    def _calendar_days_sentence(self, day: date, due: date, days: int) -> str:
        label = f"{self} ({days} day{'' if days == 1 else 's'})" if self.unit == "weeks" else str(self)
        return f"{label} from {fmt_date(day)} is {fmt_date(due)}"

    def _working_days_sentence(
        self, day: date, due: date, calendar: WorkingDayCalendar, day_one: bool
    ) -> str:
        text = f"{self} from {fmt_date(day)}"
        if self.n > 0 and not calendar.is_working_day(day):
            first = calendar.add_working_days(day, 1)
            text += f" (not a working day; day 1 is {fmt_date(first)})"
        skipped = calendar.holidays_between(day, due)
        if skipped:
            extra = calendar.extra_holidays
            if any(d in extra for d, _ in skipped):
                # A council closure day is not a bank holiday: name it so an IRO can
                # see where the extra day came from.
                noun = "holiday"
                dates = [fmt_date(d) + (f" ({extra[d]})" if d in extra else "") for d, _ in skipped]
            else:
                noun = "bank holiday"
                dates = [fmt_date(d) for d, _ in skipped]
            plural = "s" if len(dates) > 1 else ""
            text += f", skipping the {noun}{plural} on {_listed(dates)},"
        text += f" is {fmt_date(due)}"
        if day_one:
            text += " (counting the start as day 1)"
        return text

    def _hours(self, start: date | datetime) -> Deadline:
        if not isinstance(start, datetime):
            # RULES.md: no time recorded, so the whole of the last day is allowed.
            due_day = start + timedelta(days=math.ceil(self.n / 24))
            return Deadline(
                due_day, partial(Timescale._untimed_hours_sentence, self, start, due_day), approximate=True
            )
        aware = _london(start)
        # Elapsed hours: add in UTC, where every hour is an hour, then show London time.
        due = (aware.astimezone(UTC) + timedelta(hours=self.n)).astimezone(LONDON)
        changed = aware.astimezone(LONDON).utcoffset() != due.utcoffset()
        return Deadline(due, partial(Timescale._hours_sentence, self, aware, due, changed))

    def _untimed_hours_sentence(self, start: date, due_day: date) -> str:
        return f"{self} from {fmt_date(start)} (no time recorded) is taken as the end of {fmt_date(due_day)}"

    def _hours_sentence(self, aware: datetime, due: datetime, changed: bool) -> str:
        note = " (clocks changed)" if changed else ""
        return f"{self} from {fmt_moment(aware)} is {fmt_moment(due)}{note}"
