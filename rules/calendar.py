"""Working days in England and Wales.

RULES.md "Time arithmetic": a working day is Monday to Friday except the bank holidays of
England and Wales (which include Christmas Day and Good Friday). The `holidays` package
knows them only with `subdiv="ENG"`: without it Easter Monday and the August bank holiday
silently vanish. A council can add one-off holidays the package does not know yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import holidays


class WorkingDayCalendar:
    """Working days in England and Wales: Mon-Fri except bank holidays (and extras).

    Arithmetic is O(1): for the years in use the calendar keeps, for each day, how many
    working days there are up to it, and the list of working days in order. The batch
    calls it millions of times.
    """

    def __init__(self, extra_holidays: Mapping[date, str] | Iterable[date] = ()) -> None:
        if isinstance(extra_holidays, Mapping):
            self._extra = dict(extra_holidays)
        else:
            self._extra = {d: "Council holiday" for d in extra_holidays}
        self._names: dict[date, str] = {}
        self._first_year = self._last_year = 0
        self._base = 0  # ordinal of 1 Jan of the first year covered
        self._count: list[int] = []  # working days up to and including base + i
        self._working: list[int] = []  # ordinals of working days, in order

    def _cover(self, first_year: int, last_year: int) -> None:
        if self._count and self._first_year <= first_year and last_year <= self._last_year:
            return
        if self._count:
            first_year, last_year = min(first_year, self._first_year), max(last_year, self._last_year)
        years = range(first_year, last_year + 1)
        names = dict(holidays.country_holidays("GB", subdiv="ENG", years=years).items())
        names.update({d: n for d, n in self._extra.items() if d.year in years})
        base = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        closed = {d.toordinal() for d in names}
        count: list[int] = []
        working: list[int] = []
        for ordinal in range(base, end + 1):
            if (ordinal - 1) % 7 < 5 and ordinal not in closed:  # ordinal 1 was a Monday
                working.append(ordinal)
            count.append(len(working))
        self._names, self._base, self._count, self._working = names, base, count, working
        self._first_year, self._last_year = first_year, last_year

    def _ensure(self, *days: date) -> None:
        first = self._first_year
        if all(first <= d.year <= self._last_year for d in days) and self._count:
            return
        self._cover(min(d.year for d in days), max(d.year for d in days))

    def _counted(self, d: date) -> int:
        """Working days from the start of the covered range up to and including d."""
        return self._count[d.toordinal() - self._base]

    def is_working_day(self, d: date) -> bool:
        self._ensure(d)
        i = d.toordinal() - self._base
        return self._count[i] != (self._count[i - 1] if i else 0)

    def holiday_name(self, d: date) -> str | None:
        self._ensure(d)
        return self._names.get(d)

    def working_days_between(self, earlier: date, later: date) -> int:
        """Working days d with earlier < d <= later (0 if later <= earlier)."""
        if later <= earlier:
            return 0
        self._ensure(earlier, later)
        return self._counted(later) - self._counted(earlier)

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
        self._ensure(start)
        index = self._counted(start) + n - 1
        while index >= len(self._working):  # past the covered years: cover one more
            self._cover(self._first_year, self._last_year + 1 + n // 250)
            index = self._counted(start) + n - 1
        return date.fromordinal(self._working[index])

    def holidays_between(self, earlier: date, later: date) -> list[tuple[date, str]]:
        """Weekday holidays with earlier < d <= later, in order (for explanations)."""
        self._ensure(earlier, later)
        return sorted(
            (d, name) for d, name in self._names.items() if earlier < d <= later and d.weekday() < 5
        )
