"""Working days in England and Wales.

RULES.md "Time arithmetic": a working day is Monday to Friday except the bank holidays of
England and Wales (which include Christmas Day and Good Friday). The `holidays` package
knows them only with `subdiv="ENG"`: without it Easter Monday and the August bank holiday
silently vanish. A council can add one-off holidays the package does not know yet.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import holidays


class WorkingDayCalendar:
    """Working days in England and Wales: Mon-Fri except bank holidays (and extras)."""

    def __init__(self, extra_holidays: Mapping[date, str] | Iterable[date] = ()) -> None:
        if isinstance(extra_holidays, Mapping):
            self._extra = dict(extra_holidays)
        else:
            self._extra = {d: "Council holiday" for d in extra_holidays}
        self._names: dict[date, str] = {}
        self._years: set[int] = set()
        # Sorted ordinals of weekday holidays, for bisect in the hot path.
        self._holiday_ordinals: list[int] = []

    def _ensure(self, year: int) -> None:
        if year in self._years:
            return
        span = range(min(year, *self._years) if self._years else year, max(year, *self._years) + 1 if self._years else year + 1)
        wanted = [y for y in span if y not in self._years]
        england = holidays.country_holidays("GB", subdiv="ENG", years=wanted)
        for day, name in england.items():
            self._names[day] = name
        for day, name in self._extra.items():
            if day.year in wanted:
                self._names[day] = name
        self._years.update(wanted)
        self._holiday_ordinals = sorted(d.toordinal() for d in self._names if d.weekday() < 5)

    def is_working_day(self, d: date) -> bool:
        if d.weekday() >= 5:
            return False
        self._ensure(d.year)
        return d not in self._names

    def holiday_name(self, d: date) -> str | None:
        self._ensure(d.year)
        return self._names.get(d)

    def _holidays_in(self, first: int, last: int) -> int:
        """Weekday holidays with first <= ordinal <= last."""
        ords = self._holiday_ordinals
        return bisect_right(ords, last) - bisect_left(ords, first)

    def _weekdays_in(self, first: int, last: int) -> int:
        """Mon-Fri days with first <= ordinal <= last (ordinal 1 is a Monday)."""
        if last < first:
            return 0

        def upto(n: int) -> int:  # weekdays in ordinals 1..n
            weeks, rest = divmod(n, 7)
            return weeks * 5 + min(rest, 5)

        return upto(last) - upto(first - 1)

    def working_days_between(self, earlier: date, later: date) -> int:
        """Working days d with earlier < d <= later (0 if later <= earlier)."""
        if later <= earlier:
            return 0
        self._ensure(earlier.year)
        self._ensure(later.year)
        first, last = earlier.toordinal() + 1, later.toordinal()
        return self._weekdays_in(first, last) - self._holidays_in(first, last)

    def add_working_days(self, start: date, n: int, *, count_start_as_day_one: bool = False) -> date:
        """The nth working day after `start` (start is day 0).

        If `start` is not a working day, the first working day after it is day 1, which
        the same count gives. With `count_start_as_day_one` (the DfE CIN-census
        convention) a working-day start is itself day 1, so the deadline is a working
        day earlier. n = 0 gives `start` itself.
        """
        if n < 0:
            raise ValueError("n must be 0 or more working days")
        if n == 0:
            return start
        if count_start_as_day_one and self.is_working_day(start):
            n -= 1
            if n == 0:
                return start
        # Jump close with whole weeks, then walk: n working days span at least n*7/5 days.
        day = start + timedelta(days=(n // 5) * 7)
        self._ensure(day.year)
        counted = self.working_days_between(start, day)
        while counted > n or (counted == n and not self.is_working_day(day)):
            day -= timedelta(days=1)
            counted = self.working_days_between(start, day)
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def holidays_between(self, earlier: date, later: date) -> list[tuple[date, str]]:
        """Weekday holidays with earlier < d <= later, in order (for explanations)."""
        self._ensure(earlier.year)
        self._ensure(later.year)
        return sorted(
            (d, name) for d, name in self._names.items() if earlier < d <= later and d.weekday() < 5
        )
