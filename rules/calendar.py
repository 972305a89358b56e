"""Working days in England and Wales.

RULES.md "Time arithmetic": a working day is Monday to Friday except the bank holidays of
England and Wales (which include Christmas Day and Good Friday). The `holidays` package
knows them only with `subdiv="ENG"`: without it Easter Monday and the August bank holiday
silently vanish. A council can add one-off holidays the package does not know yet (the
"project-level override list"), so an LA is not wrong for a year while it waits for a
package release.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType

from rules.bank_holidays import england_and_wales

__all__ = ["WorkingDayCalendar"]

# Name used when a council lists extra holidays as bare dates.
COUNCIL_HOLIDAY = "Council holiday"


class WorkingDayCalendar:
    """Working days in England and Wales: Mon-Fri except bank holidays (and the council's extras).

    The batch asks for millions of deadlines, so arithmetic is O(1) and nothing is looked
    up per call in the `holidays` package. For the span of years in use the instance keeps,
    for each day, how many working days there are up to and including it, and the
    working days in order. The span grows (one rebuild) when a date outside it is asked
    about; building a year is a few hundred list appends. All state is per instance, so
    two councils with different extra holidays never see each other's days.
    """

    def __init__(
        self,
        extra_holidays: Mapping[date, str] | Iterable[date] = (),
        years: range | None = None,
    ) -> None:
        """`extra_holidays`: the council's override list, as {date: name} or bare dates.

        `years`: build these years now rather than on first use (optional; useful to
        keep the one-off build out of a timed batch).
        """
        pairs = (
            extra_holidays.items()
            if isinstance(extra_holidays, Mapping)
            else ((d, COUNCIL_HOLIDAY) for d in extra_holidays)
        )
        extra: dict[date, str] = {}
        for day, name in pairs:
            # A datetime is a date subclass but never equals one, so it would silently
            # fail to close the day: refuse it rather than ignore the council's holiday.
            if not isinstance(day, date) or isinstance(day, datetime):
                raise TypeError(f"an extra holiday must be a date, not {day!r}")
            extra[day] = str(name)
        self._extra = extra
        self._names: dict[date, str] = {}
        self._first_year = self._last_year = 0
        self._base = 0  # ordinal of 1 Jan of the first year covered
        self._count: list[int] = []  # working days from self._base up to and including base + i
        self._working: list[int] = []  # ordinals of the working days, in order
        self._closed_weekdays: list[int] = []  # ordinals of weekday holidays, in order
        if years is not None and len(years):
            self._cover(min(years), max(years))

    @property
    def extra_holidays(self) -> Mapping[date, str]:
        """The council's own holidays (read-only), so explanations can say which is which."""
        return MappingProxyType(self._extra)

    # --- building ------------------------------------------------------------------------

    def _cover(self, first_year: int, last_year: int) -> None:
        """Make the covered span include first_year..last_year (rebuilding it whole)."""
        if self._count:
            if self._first_year <= first_year and last_year <= self._last_year:
                return
            first_year, last_year = min(first_year, self._first_year), max(last_year, self._last_year)
        years = range(first_year, last_year + 1)
        names = england_and_wales(years)
        names.update({d: n for d, n in self._extra.items() if first_year <= d.year <= last_year})
        base = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        closed = {d.toordinal() for d in names}
        count: list[int] = []
        working: list[int] = []
        closed_weekdays: list[int] = []
        for ordinal in range(base, end + 1):
            if (ordinal - 1) % 7 < 5:  # date.fromordinal(1) was a Monday
                if ordinal in closed:
                    closed_weekdays.append(ordinal)
                else:
                    working.append(ordinal)
            count.append(len(working))
        self._names, self._base, self._count = names, base, count
        self._working, self._closed_weekdays = working, closed_weekdays
        self._first_year, self._last_year = first_year, last_year

    def _index(self, d: date) -> int:
        """Position of `d` in the covered span, covering its year first if need be."""
        i = d.toordinal() - self._base
        if not self._count or not 0 <= i < len(self._count):
            # Cover a decade around the year at once: a council's dates span years, and
            # each widening rebuilds the whole span.
            self._cover(d.year - 5, d.year + 5)
            i = d.toordinal() - self._base
        return i

    # --- questions -----------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        i = self._index(d)
        count = self._count
        return count[i] != (count[i - 1] if i else 0)

    def holiday_name(self, d: date) -> str | None:
        """The holiday's name ("State Funeral of Queen Elizabeth II", or the council's own).

        None for an ordinary day. Weekend holidays are named too (Christmas Day on a
        Sunday), though they change nothing: their substitute day is what closes.
        """
        self._index(d)
        return self._names.get(d)

    def working_days_between(self, earlier: date, later: date) -> int:
        """Working days d with earlier < d <= later; 0 if later <= earlier.

        This is how late a deadline was met: the same counting as add_working_days, so
        working_days_between(start, add_working_days(start, n)) == n.
        """
        if later <= earlier:
            return 0
        self._index(earlier)
        j = self._index(later)
        i = earlier.toordinal() - self._base  # the base may have moved while covering `later`
        return self._count[j] - self._count[i]

    def add_working_days(self, start: date, n: int, *, count_start_as_day_one: bool = False) -> date:
        """The deadline for "within n working days of start" (RULES.md "Time arithmetic").

        The start is day 0 and the deadline is the nth working day after it. If the start
        is not a working day, the first working day after it is day 1, which is the same
        count. With `count_start_as_day_one` (the DfE CIN-census convention) a working-day
        start is itself day 1, so the deadline is one working day earlier; a non-working
        start is still not counted, because nothing can be done on it.

        n == 0 returns `start` itself, even on a non-working day: "within 0 working days"
        means the same day, and moving it would invent a day's grace. n < 0 is an error.
        """
        if n <= 0:
            if n == 0:
                return start
            raise ValueError(f"cannot add {n} working days: n must be 0 or more")
        i = self._index(start)
        count = self._count
        counted = count[i]
        if count_start_as_day_one and counted != (count[i - 1] if i else 0):
            n -= 1  # the start is a working day and is day 1
        # self._working[counted - 1] is the last working day on or before the start.
        index = counted + n - 1
        while index >= len(self._working):
            # Past the covered span: extend it by at least enough years for n days (about
            # 250 working days a year) and look again.
            self._cover(self._first_year, self._last_year + 1 + n // 250)
            index = self._count[start.toordinal() - self._base] + n - 1
        return date.fromordinal(self._working[index])

    def holidays_between(self, earlier: date, later: date) -> list[tuple[date, str]]:
        """Holidays on weekdays with earlier < d <= later, in order.

        These are the days an explanation says were skipped; weekend holidays are left
        out because the weekend was skipped anyway (their substitute days are included).
        """
        if later <= earlier:
            return []
        self._index(earlier)
        self._index(later)
        ordinals = self._closed_weekdays
        lo = bisect_right(ordinals, earlier.toordinal())
        hi = bisect_right(ordinals, later.toordinal())
        days = (date.fromordinal(o) for o in ordinals[lo:hi])
        return [(d, self._names[d]) for d in days]
