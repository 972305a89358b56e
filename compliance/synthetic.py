"""A made-up council: whole case histories with realistic shapes and rates.

Real children's data can never be in the repository, so the demo, the scale tests and the
benchmark use this. Output is deterministic for (children, seed, until, years): each child
has its own `random.Random` seeded from (seed, child number), and nothing reads the clock
(`until` is passed in). Identifiers are made up (`C000123`, `SW014`, `IRO03`, `PA07`,
`P0123`); there are no names, addresses or other personal data.

The shapes and rates, and the council paper each comes from, are in
docs/synthetic-council.md; the rates are checked on a seeded run by
tests/test_synthetic.py. In short: 60% of children are looked after at some point
(a quarter of them after a child-protection plan, some in two or three periods of care),
30% have child-protection journeys only, 10% a referral or assessment only; about 92% of
looked-after reviews on time, IHAs requested within 48 hours for about 65% and completed
within 20 working days for about 55%, missing episodes for about 10% of looked-after
children, about 10% of them with 3+ placement moves in a year.

Each child's events are built by journey (referral, protection plan, periods of care,
leaving care), then put in the order the timeline replays them: by day; entering care first
and leaving care last within a day; then by time, date-only events first; then in the
order they were made. Nothing after `until` is emitted, so histories are cut there and
some obligations are open or overdue as at `until`.
"""

from __future__ import annotations

import json
import random
from bisect import bisect, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate, count
from pathlib import Path
from typing import Any

from rules.calendar import WorkingDayCalendar
from rules.themes import GOOD_PRACTICE_THEMES, PRACTICE_ALERT_THEMES

__all__ = ["TEAMS", "generate", "write_jsonl"]

FRONT_DOOR = "Front Door"
NORTH = "CiN/CP North"
SOUTH = "CiN/CP South"
PERMANENCE = "Permanence"
LEAVING_CARE = "Leaving Care"
DISABILITIES = "Children with Disabilities"
TEAMS = (FRONT_DOOR, NORTH, SOUTH, PERMANENCE, LEAVING_CARE, DISABILITIES)

# Worker numbers by team (SW001-SW015 at the front door, ...). Made up.
_WORKERS = {
    FRONT_DOOR: (1, 15),
    NORTH: (16, 45),
    SOUTH: (46, 75),
    PERMANENCE: (76, 110),
    DISABILITIES: (111, 120),
}
_IROS = 9  # seed 004: "9 full time IROs reviewing nearly 700 children"
_ADVISERS = 14

# Same-day order of the timeline (events/timeline.py): entering care first, leaving last.
_DAY_ORDER = {"entered_care": -1, "left_care": 1}
_ONE_DAY = timedelta(days=1)


class _Weights:
    """A weighted choice drawn with one random() call (rng.choices is slow in a loop)."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, *pairs: tuple[Any, float]) -> None:
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect(self.cum, rng.random() * self.total)]


# --- Shapes (sources in docs/synthetic-council.md) -------------------------------------

_JOURNEY = _Weights(("care", 48), ("cp_care", 16), ("cp", 27), ("cin", 9))

# Age at first contact. Looked after: the national shape of children starting to be looked
# after (under 1s, then teenagers); child protection: younger children.
_CARE_AGE = _Weights(
    *(
        (a, w)
        for a, w in zip(
            range(18), (19, 4, 4, 4, 3.5, 3.2, 3.2, 3.2, 3.2, 3.2, 5, 5, 5.5, 6, 6.5, 7, 8, 6), strict=True
        )
    )
)
_CP_AGE = _Weights(
    *(
        (a, w)
        for a, w in zip(
            range(18), (11, 7, 7, 7, 6, 6.5, 6.5, 6, 6, 6, 6, 5.5, 5, 4.5, 4, 3, 2, 1), strict=True
        )
    )
)
_ANY_AGE = _Weights(*((a, 1) for a in range(18)))

_NEED = _Weights(("N1", 63), ("N4", 9), ("N5", 15), ("N3", 4), ("N8", 5), ("N2", 2), ("N6", 1), ("N7", 1))
_CP_CATEGORY = _Weights(("neglect", 48), ("emotional", 36), ("physical", 8), ("sexual", 4), ("multiple", 4))

# How a period of care goes, by age at entry.
_ROUTE_BY_AGE = (
    (3, _Weights(("return_home", 28), ("proceedings", 70), ("short_breaks", 2))),
    (11, _Weights(("return_home", 35), ("proceedings", 47), ("teen", 13), ("short_breaks", 5))),
    (
        15,
        _Weights(("return_home", 33), ("proceedings", 17), ("teen", 40), ("remand", 6), ("short_breaks", 4)),
    ),
    (17, _Weights(("return_home", 25), ("proceedings", 4), ("teen", 62), ("remand", 9))),
)
_ROUTE_AFTER_CP = _Weights(("proceedings", 85), ("return_home", 15))
_OUTCOME_BY_AGE = (
    (3, _Weights(("adoption", 40), ("sgo", 24), ("cao", 5), ("home", 9), ("long_term", 22))),
    (11, _Weights(("sgo", 30), ("cao", 10), ("home", 15), ("long_term", 45))),
    (17, _Weights(("sgo", 10), ("cao", 5), ("home", 15), ("long_term", 70))),
)

_AT_18 = _Weights(("E17", 60), ("E5", 30), ("E6", 10))
_HOME = _Weights(("E4A", 60), ("E4B", 15), ("E13", 20), ("E41", 5))

_PLACE_YOUNG = _Weights(("U6", 58), ("U3", 22), ("P1", 5), ("R3", 3), ("K2", 2), ("U1", 4), ("U4", 6))
_PLACE_CHILD = _Weights(("U6", 55), ("U3", 13), ("K2", 17), ("P1", 5), ("R1", 3), ("U4", 5), ("U1", 2))
_PLACE_TEEN = _Weights(("U6", 38), ("K2", 20), ("H5", 30), ("U3", 5), ("P2", 4), ("R1", 3))
_LONG_TERM = frozenset({"U1", "U4"})
_FOSTERING = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
_ORDERS = frozenset({"C1", "C2"})  # interim and full care orders
# Special guardianship to former foster carers -> the same to other carers (relative or friend; other).
_SGO_FORMER_FOSTER_CARERS = {"E45": "E47", "E46": "E48"}
_MOVE_REASON = _Weights(
    ("CREQB", 25),
    ("CARPL", 20),
    ("CREQO", 12),
    ("CHILD", 10),
    ("LAREQ", 8),
    ("STAND", 5),
    ("ALLEG", 4),
    ("CLOSE", 4),
    ("APPRR", 2),
    ("OTHER", 10),
)
_MISSED_APPOINTMENT = _Weights(("not_brought", 45), ("cancelled_by_carer", 30), ("cancelled_by_provider", 25))
_PARTICIPATION = _Weights(
    ("PN1", 45), ("PN2", 5), ("PN3", 3), ("PN4", 2), ("PN5", 5), ("PN6", 39), ("PN7", 1)
)
_STOOD_DOWN_REASON = _Weights(
    ("care plan not ready", 60), ("child or family not ready", 25), ("key documents not available", 15)
)
# How long before the window a child first known may have been known (days), by journey.
_KNOWN_BEFORE = {"care": 10 * 365, "cp_care": 3 * 365, "cp": 2 * 365, "cin": 0}
_RCPCS_TO_END = _Weights((1, 20), (2, 40), (3, 25), (4, 10), (5, 5))
_BURST = _Weights((1, 45), (2, 20), (3, 15), (4, 8), (5, 5), (6, 4), (9, 3))

# Seed 004, IRO annual report 2017/18: practice-alert and good-practice themes, counted.
_ALERT_THEME = _Weights(
    *zip(PRACTICE_ALERT_THEMES, (43, 20, 18, 32, 7, 32, 45, 12, 5, 11, 16, 5, 2), strict=True)
)
_PRAISE_THEME = _Weights(*zip(GOOD_PRACTICE_THEMES, (25, 25, 6, 21, 31, 1), strict=True))


def _by_age(table: tuple[tuple[int, _Weights], ...], age: int) -> _Weights:
    for top, weights in table:
        if age <= top:
            return weights
    return table[-1][1]


# --- Calendar helpers (months clamp to the month's end, as dateutil.relativedelta) ------

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _add_months(d: date, n: int) -> date:
    month0 = d.month - 1 + n
    year = d.year + month0 // 12
    month = month0 % 12 + 1
    last = _MONTH_DAYS[month - 1]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return date(year, month, min(d.day, last))


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


_BST: dict[int, tuple[date, date]] = {}


def _offset(day: date) -> str:
    """London's UTC offset on `day` (for recording times in the working day)."""
    span = _BST.get(day.year)
    if span is None:
        march, october = date(day.year, 3, 31), date(day.year, 10, 31)
        span = _BST[day.year] = (
            march - timedelta(days=(march.weekday() + 1) % 7),
            october - timedelta(days=(october.weekday() + 1) % 7),
        )
    return "+01:00" if span[0] <= day < span[1] else "+00:00"


def _terms(first: date, last: date) -> Iterator[tuple[date, date]]:
    """School terms (1 Sep-31 Dec, 1 Jan-31 Mar, 1 Apr-31 Aug) overlapping first..last."""
    for year in range(first.year - 1, last.year + 1):
        for start, end in (
            (date(year, 9, 1), date(year, 12, 31)),
            (date(year + 1, 1, 1), date(year + 1, 3, 31)),
            (date(year + 1, 4, 1), date(year + 1, 8, 31)),
        ):
            if start <= last and end >= first:
                yield start, end


@dataclass(slots=True)
class _Period:
    """How one period of care goes, decided when the child enters care."""

    entered: date
    end: date  # the day care ends (after `until` if the child is still looked after)
    reason: str  # REC code for left_care
    route: str
    legal: list[tuple[date, str]]
    plan: str
    need: str
    hearing: date | None = None
    issued: date | None = None
    changes: list[tuple[date, str]] = field(default_factory=list)  # forced placement changes
    adoption: tuple[date, date, date] | None = None  # match, placed, order
    ffa: bool = False
    from_cp: bool = False

    def legal_between(self, start: date, end: date) -> set[str]:
        """The legal statuses the child is under at some time in [start, end)."""
        current = [status for day, status in self.legal if day <= start][-1:]
        return {*current, *(status for day, status in self.legal if start < day < end)}


class _Child:
    """Builds one child's events; every event is cut at `until`."""

    def __init__(
        self,
        child: str,
        rng: random.Random,
        start: date,
        until: date,
        calendar: WorkingDayCalendar,
    ) -> None:
        self.rng = rng
        self.id = child
        self.start = start
        self.until = until
        self.cal = calendar
        self.alerts = 0
        self.rows: list[tuple[str, int, str, int, dict[str, Any]]] = []
        self.area = NORTH if self.rng.random() < 0.5 else SOUTH
        # Who held the case from when: ordinals and (worker, team), appended in time order.
        self.staff_days: list[int] = []
        self.staff: list[tuple[str, str]] = []
        self.iro_days: list[int] = []
        self.iros: list[str] = []
        self.days_in_care_since_14 = 0
        self.periods = 0
        self.first = start
        self.dob = start
        self.eighteen = start

    # --- emitting ------------------------------------------------------------------------

    def emit(self, type_: str, at: date, **fields: Any) -> dict[str, Any] | None:
        """Record one event (a date, or a datetime for a local date-time); None after until."""
        if isinstance(at, datetime):
            day = at.date()
            text = at.isoformat(timespec="minutes")
            time = text[11:]
        else:
            day = at
            text = at.isoformat()
            time = ""
        if day > self.until:
            return None
        rng = self.rng
        event: dict[str, Any] = {"child": self.id, "type": type_, "at": text}
        event.update(fields)
        event["recorded_at"] = self.recorded(day, time)
        r = rng.random()
        if r < 0.3 and self.staff:
            event["by"] = self.staff[max(0, bisect_right(self.staff_days, day.toordinal()) - 1)][0]
        elif r > 0.997:
            event["note"] = "details confirmed with the team manager"
        self.rows.append((text[:10], _DAY_ORDER.get(type_, 0), time, len(self.rows), event))
        return event

    def recorded(self, day: date, time: str) -> str:
        """When the case system recorded it: mostly the same day or within the week; ~2% weeks late."""
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            lag = 0
        elif r < 0.75:
            lag = 1
        elif r < 0.95:
            lag = 2 + int(rng.random() * 4)
        elif r < 0.98:
            lag = 6 + int(rng.random() * 8)
        else:
            lag = 14 + int(rng.random() * 46)
        when = day + timedelta(days=lag)
        if when > self.until:
            when = self.until
        if when == day and time:
            hour, minute = int(time[:2]) + 1 + int(rng.random() * 3), int(time[3:5])
            if hour > 23:
                hour, minute = 23, 59
        else:
            hour, minute = 8 + int(rng.random() * 10), int(rng.random() * 60)
        return f"{when.isoformat()}T{hour:02d}:{minute:02d}:00{_offset(when)}"

    def team_on(self, day: date) -> str:
        i = bisect_right(self.staff_days, day.toordinal()) - 1
        return self.staff[i][1] if i >= 0 else FRONT_DOOR

    def iro_on(self, day: date) -> str | None:
        i = bisect_right(self.iro_days, day.toordinal()) - 1
        return self.iros[i] if i >= 0 else None

    # --- time helpers ----------------------------------------------------------------------

    def wd(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n)

    def days(self, lo: int, hi: int) -> timedelta:
        """A whole number of days in lo..hi."""
        return timedelta(days=lo + int(self.rng.random() * (hi - lo + 1)))

    def within(self, start: date, n: int, p: float, *, lo: int = 0, late: int = 15) -> date:
        """A day within n working days of start (at least lo) with probability p, else 1..late WD past it."""
        rng = self.rng
        if rng.random() < p:
            return self.wd(start, lo + int(rng.random() * (n - lo + 1)))
        return self.wd(start, n + 1 + int(rng.random() * late))

    def moment(self, day: date, lo: int = 8, hi: int = 19) -> datetime:
        rng = self.rng
        return datetime(
            day.year, day.month, day.day, lo + int(rng.random() * (hi - lo + 1)), int(rng.random() * 60)
        )

    # --- staff ---------------------------------------------------------------------------

    def allocate(
        self, day: date, team: str, *, role: str = "social_worker", worker: str | None = None
    ) -> None:
        if day > self.until:
            return
        if worker is None:
            lo, hi = _WORKERS[team]
            worker = f"SW{lo + int(self.rng.random() * (hi - lo + 1)):03d}"
        if self.staff_days and self.staff_days[-1] > day.toordinal():
            day = date.fromordinal(self.staff_days[-1])
        self.staff_days.append(day.toordinal())
        self.staff.append((worker, team))
        self.emit("worker_allocated", day, worker=worker, role=role, team=team)

    def staffing(self, begin: date, end: date, transfers: list[tuple[date, str]]) -> None:
        """Allocations from begin to end, in time order: the given transfers between teams, and
        a new worker in the same team every year or two (social workers move on)."""
        rng = self.rng
        turnover = begin + self.days(150, 300) + timedelta(days=int(rng.expovariate(1 / 300)))
        for day, team in sorted(transfers):
            if day >= end:
                break
            while turnover < day:
                self.allocate(turnover, self.team_on(turnover))
                turnover += self.days(150, 300) + timedelta(days=int(rng.expovariate(1 / 300)))
            self.allocate(day, team)
            turnover = day + self.days(150, 300) + timedelta(days=int(rng.expovariate(1 / 300)))
        while turnover < end and turnover <= self.until:
            self.allocate(turnover, self.team_on(turnover))
            turnover += self.days(150, 300) + timedelta(days=int(rng.expovariate(1 / 300)))

    def allocate_iro(self, day: date, *, keep: bool) -> None:
        iro = self.iros[-1] if keep and self.iros else f"IRO{1 + int(self.rng.random() * _IROS):02d}"
        if day > self.until:
            return
        self.iro_days.append(day.toordinal())
        self.iros.append(iro)
        self.emit("iro_allocated", day, iro=iro, team=self.team_on(day))

    # --- a child ---------------------------------------------------------------------------

    def build(self, journey: str) -> list[dict[str, Any]]:
        rng = self.rng
        age = {"care": _CARE_AGE, "cp_care": _CP_AGE, "cp": _CP_AGE, "cin": _ANY_AGE}[journey].pick(rng)
        if journey == "cp_care":
            age = min(age, 14)
        # Children open at some time in the window, with their whole histories: those with long
        # journeys may have been known for years before it (the caseload the window starts with).
        before = _KNOWN_BEFORE[journey]
        span = (self.until - self.start).days + before + 1
        first = self.start + timedelta(days=int(rng.random() * span) - before)
        self.first = first
        self.dob = first - timedelta(days=age * 365 + int(rng.random() * 365))
        if _age(self.dob, first) != age:  # leap years: land inside the year of age
            self.dob += timedelta(days=-1 if _age(self.dob, first) < age else 1)
        self.eighteen = _add_months(self.dob, 216)
        uasc = journey == "care" and age >= 14 and rng.random() < 0.22
        sex = "M" if uasc and rng.random() < 0.92 else ("M", "F")[rng.random() < 0.48]
        registered: dict[str, Any] = {"dob": self.dob.isoformat(), "sex": sex}
        if uasc or rng.random() < 0.4:
            registered["uasc"] = uasc
        # The person record is made when the first contact comes in, a day or so before the
        # referral is logged (so it comes first even before a same-day entry to care).
        registered_on = max(self.dob, first - self.days(1, 3))
        if registered_on >= first:  # a newborn: the referral comes the day after at the earliest
            first = self.first = registered_on + _ONE_DAY
        self.emit("child_registered", registered_on, **registered)
        if journey == "cin":
            self.child_in_need(first)
        elif journey == "cp":
            ended = self.protection(first, into_care=False)
            if ended is not None and rng.random() < 0.07:  # a repeat plan
                self.protection(ended[0] + self.days(90, 540), into_care=False)
        elif journey == "cp_care":
            ended = self.protection(first, into_care=True)
            if ended is not None:
                self.period(ended[0], after_cp=True, issued=ended[1])
        else:
            decided = self.referral(first, "assessment" if uasc or rng.random() < 0.5 else "strategy")
            entered = first if uasc or rng.random() < 0.45 else first + self.days(1, 60)
            self.allocate(min(decided, entered), self.area)
            # Every referral decided for assessment is assessed, an unaccompanied child's too
            # (left undone, it would be a breach that is years old by the window's end).
            self.emit("assessment_completed", self.within(first, 45, 0.86, lo=5, late=25))
            self.period(entered, uasc=uasc)
        self.retraction()
        return self.finish()

    def finish(self) -> list[dict[str, Any]]:
        self.rows.sort(key=lambda row: row[:4])
        child = self.id
        events = []
        for n, row in enumerate(self.rows, start=1):
            event = row[4]
            event["id"] = f"{child}-{n:04d}"
            events.append(event)
        for event in events:
            target = event.pop("_target", None)
            if target is not None:
                event["target"] = target["id"]
        return events

    # --- front door, children in need and protection ----------------------------------------

    def referral(self, day: date, outcome: str) -> date:
        self.emit("referral_received", day, team=FRONT_DOOR)
        decided = self.within(day, 1, 0.9, late=3)
        self.emit("referral_decision", decided, outcome=outcome, team=FRONT_DOOR)
        return decided

    def child_in_need(self, day: date) -> None:
        rng = self.rng
        for _ in range(3):
            r = rng.random()
            outcome = "nfa" if r < 0.35 else "early_help" if r < 0.6 else "assessment"
            decided = self.referral(day, outcome)
            if outcome == "assessment":
                self.allocate(decided, self.area)
                self.emit("assessment_completed", self.within(day, 45, 0.86, lo=5, late=25))
            if rng.random() >= 0.25:  # re-referrals
                return
            day += self.days(60, 600)
            if day > self.until:
                return

    def protection(self, day: date, *, into_care: bool) -> tuple[date, date | None] | None:
        """A section 47 enquiry and, mostly, a child-protection plan.

        Returns (the day the plan ended, None), or (the day the child entered care, the day
        proceedings were issued) when the plan ends in care; None if there was no plan, or
        it is still open at `until`, or it ended at 18.
        """
        rng = self.rng
        if day > self.until:
            return None
        decided = self.referral(day, "strategy")
        strategy = max(decided, self.wd(day, int(rng.random() * 3)))
        icpc = self.within(strategy, 15, 0.8, lo=5, late=15)
        no_plan = not into_care and rng.random() < 0.12
        # Review conferences: 3 months, then every 6 (seed 000: 98% in timescale).
        rcpcs: list[date] = []
        care_day = icpc + self.days(60, 330) if into_care else None
        ends_at = 0 if no_plan else _RCPCS_TO_END.pick(rng)
        due = _add_months(icpc, 3)
        while len(rcpcs) < ends_at or care_day is not None:
            held = due - self.days(0, 14) if rng.random() < 0.95 else due + self.days(1, 25)
            if (care_day is not None and held >= care_day) or held > self.until:
                break
            rcpcs.append(held)
            due = _add_months(held, 6)
        if no_plan:
            end = icpc
        elif care_day is not None:
            end = care_day
        else:
            end = rcpcs[-1] if len(rcpcs) == ends_at else self.until + _ONE_DAY  # still open
        reached_18 = end >= self.eighteen
        if reached_18:
            end = self.eighteen - _ONE_DAY
            rcpcs = [d for d in rcpcs if d < end]
        moved_away = not (into_care or reached_18 or no_plan) and end <= self.until and rng.random() < 0.04
        stop = min(end, self.until + _ONE_DAY)

        if not self.staff or self.staff[-1][1] == FRONT_DOOR or rng.random() < 0.5:
            self.staffing(decided, stop, [(decided, self.area)])
        else:
            self.staffing(decided, stop, [])
        self.emit("strategy_discussion", strategy, s47=True, team=self.area)
        self.emit("assessment_completed", self.within(day, 45, 0.86, lo=8, late=25))
        if no_plan:
            self.emit("icpc_held", icpc, outcome="no_plan", team=self.area)
            return None
        self.emit("icpc_held", icpc, outcome="plan", category=_CP_CATEGORY.pick(rng), team=self.area)
        for n, held in enumerate(rcpcs, start=1):
            last = n == len(rcpcs) and held == end
            if last and moved_away:
                self.emit("cp_plan_ended", held, reason="moved to another local authority")
                break
            self.emit("rcpc_held", held, outcome="end" if last else "continue", team=self.area)
            r = rng.random()
            if r < 0.04:
                self.practice_alert(held, team=self.area)
            elif r < 0.07:
                self.good_practice(held, team=self.area)
        # Core groups: first within 10 WD, then every 4-6 weeks.
        meeting = self.within(icpc, 10, 0.86, lo=3, late=10)
        while meeting < stop:
            self.emit("core_group_held", meeting)
            meeting += self.days(28, 42) if rng.random() < 0.88 else self.days(43, 70)
        # Visits: the child seen at least every 10 WD (a common local standard).
        visit = icpc
        older = _age(self.dob, icpc) >= 4
        while True:
            if rng.random() < 0.86:
                visit = self.wd(visit, 3 + int(rng.random() * 8))
            else:
                visit = self.wd(visit, 11 + int(rng.random() * 10))
            if visit >= stop:
                break
            fields: dict[str, Any] = {"seen": rng.random() < 0.96}
            if fields["seen"] and older:
                fields["seen_alone"] = rng.random() < 0.6
            self.emit("cp_visit", visit, **fields)
        if _age(self.dob, icpc) >= 11 and rng.random() < 0.06:
            self.missing(icpc, stop, in_care=False)
        if reached_18:
            self.emit("cp_plan_ended", end, reason="reached 18")
            return None
        if care_day is not None:
            issued = max(care_day - self.days(0, 10), icpc)
            self.emit("proceedings_issued", issued)
            self.emit("cp_plan_ended", care_day, reason="child became looked after")
            return care_day, issued
        return (end, None) if end <= self.until else None

    # --- looked after ------------------------------------------------------------------------

    def plan_period(self, entered: date, *, after_cp: bool, issued: date | None, uasc: bool) -> _Period:
        rng = self.rng
        age = _age(self.dob, entered)
        if uasc:
            route = "uasc"
        elif after_cp:
            route = _ROUTE_AFTER_CP.pick(rng)
        else:
            route = _by_age(_ROUTE_BY_AGE, age).pick(rng)
        if self.periods > 1 and route == "short_breaks":
            route = "return_home"
        need = "N8" if uasc else "N2" if route == "short_breaks" else _NEED.pick(rng)
        p = _Period(entered, entered, "E8", route, [], "other", need, from_cp=issued is not None)
        if route == "return_home":
            if rng.random() < 0.2:
                p.legal = [(entered, "L1"), (entered + self.days(1, 3), "V2")]
            else:
                p.legal = [(entered, "V2")]
            p.end = entered + timedelta(days=5 + int(rng.expovariate(1 / 110)))
            p.reason = _HOME.pick(rng)
            p.plan = "return_home"
        elif route == "proceedings":
            self.proceedings(p, age, issued)
        elif route in ("teen", "uasc"):
            p.legal = [(entered, "V2")]
            if route == "uasc":
                p.need = "N8"
            p.plan = "independence" if age >= 16 or route == "uasc" else "long_term_fostering"
            r = rng.random()
            if route == "uasc" or r < 0.6:
                p.end, p.reason = self.eighteen, _AT_18.pick(rng)
            elif r < 0.9:
                p.end, p.reason = entered + self.days(60, 700), ("E4B", "E13")[rng.random() < 0.5]
                p.plan = "return_home"
            elif r < 0.95:
                p.end, p.reason = entered + self.days(30, 400), "E16"
            else:
                p.end, p.reason = entered + self.days(30, 400), ("E15", "E9")[rng.random() < 0.5]
            sixteen = _add_months(self.dob, 192)
            if rng.random() < 0.6:
                p.changes.append((max(sixteen, entered + timedelta(days=60)) + self.days(0, 300), "H5"))
        elif route == "remand":
            if rng.random() < 0.2:
                p.legal = [(entered, "J2")]
                p.end, p.reason = entered + self.days(1, 2), "E8"
            else:
                p.legal = [(entered, "J1")]
                p.end, p.reason = entered + self.days(7, 100), ("E14", "E9")[rng.random() < 0.35]
            p.need = "N6" if rng.random() < 0.7 else "N5"
        else:  # short breaks
            # One period for the whole agreed series of breaks: V4, the agreement recorded
            # rather than each break (V3 is for breaks recorded one by one, at most 17 days each).
            p.legal = [(entered, "V4")]
            p.end, p.reason = entered + self.days(500, 1800), "E8"
        if p.end >= self.eighteen and p.adoption is None:
            p.end, p.reason = self.eighteen, _AT_18.pick(rng)
        return p

    def proceedings(self, p: _Period, age: int, issued: date | None) -> None:
        """Care proceedings: interim order, final hearing at 26-45 weeks, then the outcome."""
        rng = self.rng
        entered = p.entered
        r = rng.random()
        if r < 0.7 or issued is not None:
            p.legal = [(entered, "C1")]
            issued = issued or entered - self.days(0, 3)
        elif r < 0.85:
            order = entered + self.days(3, 8)
            p.legal = [(entered, "L2"), (order, "C1")]
            issued = order
        else:
            order = entered + self.days(20, 150)
            p.legal = [(entered, "V2"), (order, "C1")]
            issued = order
        p.issued = issued
        hearing = max(issued + self.days(182, 315), entered + timedelta(days=60))
        p.hearing = hearing
        outcome = _by_age(_OUTCOME_BY_AGE, age).pick(rng)
        if outcome == "adoption":
            p.legal.append((hearing, "E1"))
            match = hearing + timedelta(days=25 + int(rng.expovariate(1 / 70)))
            placed = match + self.days(7, 35)
            order = placed + timedelta(days=70 + int(rng.expovariate(1 / 150)))
            p.adoption = (match, placed, order)
            p.ffa = rng.random() < 0.15
            p.end, p.reason, p.plan = order, ("E11", "E12")[rng.random() < 0.15], "adoption"
            p.changes.append((placed, "A5" if p.ffa else "A6"))
        elif outcome == "sgo":
            # Special guardians: former foster carers (E45/E46) or other carers (E47/E48).
            p.end, p.reason, p.plan = (
                hearing,
                _Weights(("E45", 35), ("E46", 25), ("E47", 25), ("E48", 15)).pick(rng),
                "sgo",
            )
        elif outcome == "cao":
            p.end, p.reason, p.plan = hearing, "E41", "kinship"
        elif outcome == "home":
            p.legal.append((hearing, "C2"))
            p.changes.append((hearing, "P1"))
            p.end, p.reason, p.plan = (
                hearing + self.days(180, 720),
                ("E4A", "E13")[rng.random() < 0.3],
                "return_home",
            )
        else:
            p.legal.append((hearing, "C2"))
            p.changes.append((hearing, "long_term"))
            p.end, p.reason = self.eighteen, _AT_18.pick(rng)
            p.plan = "residential" if age >= 12 and rng.random() < 0.3 else "long_term_fostering"

    def period(
        self, entered: date, *, after_cp: bool = False, issued: date | None = None, uasc: bool = False
    ) -> None:
        rng = self.rng
        if entered > self.until or entered >= self.eighteen:
            return
        self.periods += 1
        p = self.plan_period(entered, after_cp=after_cp, issued=issued, uasc=uasc)
        stop = min(p.end, self.until + _ONE_DAY)  # looked-after activity happens before this day
        age = _age(self.dob, entered)

        # Who holds the case: the area team through proceedings, then Permanence; CwD for short breaks.
        transfers: list[tuple[date, str]] = []
        if p.route == "short_breaks":
            transfers.append((entered, DISABILITIES))
        elif not self.staff or self.staff[-1][1] == FRONT_DOOR:
            transfers.append((entered, self.area))
        if p.route == "proceedings" and p.hearing and p.end > p.hearing + timedelta(days=30):
            transfers.append((p.hearing + self.days(0, 30), PERMANENCE))
        elif p.route in ("teen", "uasc") and p.end > entered + timedelta(days=200):
            transfers.append((entered + self.days(60, 180), PERMANENCE))
        self.staffing(entered, stop, transfers)

        timed = rng.random() < 0.6
        entry_at: date = self.moment(entered, 7, 21) if timed else entered
        self.emit(
            "entered_care",
            entry_at,
            legal_status=p.legal[0][1],
            category_of_need=p.need,
            team=self.team_on(entered),
        )
        for day, status in p.legal[1:]:
            if day < stop:
                self.emit("legal_status_changed", day, legal_status=status)
        self.court(p, stop)
        self.allocate_iro(
            min(self.within(entered, 5, 0.9, late=10), self.wd(entered, 19)),
            keep=self.periods > 1 and rng.random() < 0.7,
        )
        day = entered + timedelta(days=int(rng.expovariate(1 / 900)) + 300)
        while day < stop:
            self.allocate_iro(day, keep=False)
            day += timedelta(days=int(rng.expovariate(1 / 900)) + 300)

        reviews = self.reviews(p, stop)
        self.placements(p, stop, reviews)
        self.permanence(p, stop, reviews)
        self.health(p, entry_at, stop)
        if 3 <= age <= 17:
            self.education(p, stop)
        p_missing = 0.2 if age >= 11 else 0.015
        if rng.random() < p_missing:
            self.missing(entered, stop, in_care=True)
        if p.adoption:
            self.adoption(p, stop)
        self.leaving_care(p, stop)
        fourteen = _add_months(self.dob, 168)
        self.days_in_care_since_14 += max(0, (p.end - max(entered, fourteen)).days)
        if p.end <= self.until:
            self.emit("left_care", p.end, reason=p.reason, team=self.team_on(p.end))
            again = p.route in ("return_home", "teen") and p.reason not in ("E17", "E5", "E6")
            if again and self.periods < 3 and rng.random() < 0.18:
                self.period(p.end + timedelta(days=30 + int(rng.expovariate(1 / 250))))

    def court(self, p: _Period, stop: date) -> None:
        if p.hearing is None or p.issued is None:
            return
        rng = self.rng
        if not p.from_cp:  # after a child-protection plan it was issued (and recorded) before entry
            self.emit("proceedings_issued", max(p.issued, self.first))
        filed = p.hearing - self.days(14, 42)
        if filed > p.entered:
            self.emit("final_care_plan_filed", filed)
            if rng.random() < 0.9:
                self.emit("care_plan_endorsed", min(filed + self.days(2, 14), p.hearing - _ONE_DAY))
        if p.adoption and p.hearing < stop:
            self.emit("placement_order_granted", p.hearing)
        if p.adoption:
            # The agency decision maker's decision that the child should be placed for
            # adoption (AAR 2005 reg 19), a few weeks before the plan goes to court.
            decided = max(p.entered + _ONE_DAY, filed - self.days(7, 28))
            if decided < stop:
                self.emit("adoption_decision", decided)

    def reviews(self, p: _Period, stop: date) -> list[date]:
        """Looked-after reviews: 20 WD, 3 months, then 6-monthly; ~92% on time, some stood down."""
        rng = self.rng
        short = p.route == "short_breaks"
        held: list[date] = []
        due = _add_months(p.entered, 3) if short else self.wd(p.entered, 20)
        previous = p.entered
        while True:
            stood_down = rng.random() < 0.055  # seed 004: 54 stood down, ~940 held
            late = rng.random() < (0.6 if stood_down else 0.05)
            if late:
                day = due + timedelta(days=1 + int(rng.expovariate(1 / 6)))
            elif not held:
                day = self.wd(p.entered, 10 + int(rng.random() * 11)) if not short else due - self.days(0, 20)
            else:
                day = due - self.days(0, 21)
            day = max(day, previous + timedelta(days=7))
            if day >= stop:
                break
            if stood_down:
                planned = day - self.days(3, 10) if late else day - self.days(7, 14)
                if planned > previous:
                    self.emit(
                        "review_stood_down", planned, kind="looked_after", reason=_STOOD_DOWN_REASON.pick(rng)
                    )
            if held and rng.random() < 0.75:  # the care plan updated for the review
                self.emit("care_plan_recorded", max(previous + _ONE_DAY, day - self.days(1, 14)))
            fields: dict[str, Any] = {"kind": "looked_after"}
            fields["participation"] = "PN0" if _age(self.dob, day) < 4 else _PARTICIPATION.pick(rng)
            chair = self.iro_on(day)
            if chair:
                fields["chair"] = chair
            self.emit("review_held", day, team=self.team_on(day), **fields)
            self.emit(
                "review_decisions_circulated", self.within(day, 5, 0.9, lo=1, late=12), kind="looked_after"
            )
            r = rng.random()
            if r < 0.1:  # seed 004: 147 alerts and 54 notifications a year for ~700 children
                self.practice_alert(day + self.days(0, 5), team=self.team_on(day))
            elif r < 0.14:
                self.good_practice(day + self.days(0, 10), team=self.team_on(day))
            held.append(day)
            previous = day
            # Second review within 3 months (6 for short breaks, reg 48), then every 6 months.
            due = _add_months(day, 6 if short or len(held) > 1 else 3)
        return held

    def placements(self, p: _Period, stop: date, reviews: list[date]) -> None:
        rng = self.rng
        entered = p.entered
        length = (stop - entered).days
        # Moves: (day, kind) where kind is a PLACE code, "long_term", or "" (an unplanned move).
        moves: list[tuple[date, str]] = [c for c in p.changes if entered < c[0] < stop]
        day = entered
        while True:
            day += timedelta(days=60 + int(rng.expovariate(1 / 800)))
            if day >= stop:
                break
            moves.append((day, ""))
        if length > 150 and rng.random() < 0.14:  # a run of breakdowns: 3+ moves within a year
            burst = entered + timedelta(days=int(rng.random() * max(1, length - 150)))
            for _ in range(3 + (rng.random() < 0.3)):
                burst += self.days(15, 80)
                if burst < stop:
                    moves.append((burst, ""))
        if p.adoption:  # placed for adoption, the child stays there until the order
            moves = [m for m in moves if m[0] <= p.adoption[1] or m[1]]
        moves.sort()
        kept: list[tuple[date, str]] = []
        for move in moves:
            if kept and (move[0] - kept[-1][0]).days < 7:
                if move[1]:
                    kept[-1] = move
                continue
            kept.append(move)
        if kept and (kept[0][0] - entered).days < 7:
            kept.pop(0)

        age = _age(self.dob, entered)
        if p.route == "short_breaks":
            kind = "K2" if rng.random() < 0.6 else "U6"
        elif p.ffa:
            kind = "U5"
        else:
            kind = (_PLACE_YOUNG if age < 5 else _PLACE_CHILD if age < 13 else _PLACE_TEEN).pick(rng)
            if kind == "H5" and age < 16:
                kind = "U6"
        provider = f"P{1 + int(rng.random() * 400):04d}"
        long_term = kind in _LONG_TERM
        start = entered
        bounds = [*kept, (stop, "end")]
        for end, next_kind in bounds:
            if kind == "P1" and not p.legal_between(start, end) <= _ORDERS:
                # Placed with parents only under a care order (CPPCR Part 4; DfE rule 378).
                kind, long_term = "U6", False
            fields: dict[str, Any] = {
                "placement_type": kind,
                "provider": provider,
                "distance_miles": round(rng.expovariate(1 / 14), 1),  # 24% over 20 miles (seed 004 P2.3)
            }
            if long_term or rng.random() < 0.5:
                fields["long_term"] = long_term
            self.emit("placement_started", start, **fields)
            self.emit("placement_plan_recorded", self.within(start, 5, 0.82, late=10))
            if start == entered:
                self.emit("care_plan_recorded", self.within(start, 10, 0.86, lo=2, late=12))
            self.visits(start, end, kind, long_term, reviews)
            if next_kind == "end":
                break
            age_then = _age(self.dob, end)
            if next_kind == "long_term":
                reason = "PLACE" if rng.random() < 0.6 else "CARPL"
                kind = "U1" if kind in ("U3", "U1") else "U4" if kind in ("U4", "U5", "U6") else kind
                long_term = True
            elif next_kind:
                reason, kind, long_term = "CARPL", next_kind, False
            else:
                reason = _MOVE_REASON.pick(rng)
                kind = (
                    _PLACE_YOUNG if age_then < 5 else _PLACE_CHILD if age_then < 13 else _PLACE_TEEN
                ).pick(rng)
                if kind == "H5" and age_then < 16:
                    kind = "U6"
                long_term = kind in _LONG_TERM
            if reason != "PLACE" and kind != "A5":  # A5: adopted by the current foster carer
                provider = f"P{1 + int(rng.random() * 400):04d}"
            self.emit("placement_ended", end, reason=reason)
            if rng.random() < 0.6:
                self.emit("iro_informed", self.within(end, 1, 0.8, late=5), about="placement_change")
            start = end
        if p.adoption and p.adoption[1] < stop:
            self.emit("placed_for_adoption", p.adoption[1])
        if p.reason in _SGO_FORMER_FOSTER_CARERS and kind not in _FOSTERING:
            # Special guardians who were not the child's foster carers (DfE rule 516).
            p.reason = _SGO_FORMER_FOSTER_CARERS[p.reason]

    def visits(self, start: date, end: date, kind: str, long_term: bool, reviews: list[date]) -> None:
        """Statutory visits: within a week of each placement, then every 3-6 weeks (mostly in time)."""
        rng = self.rng
        stop = min(end, self.until + _ONE_DAY)
        visit = start + (self.days(1, 7) if rng.random() < 0.9 else self.days(8, 14))
        anniversary = _add_months(start, 12)
        weekly_until = next((r for r in reviews if r > start), stop) if kind == "P1" else start
        older = _age(self.dob, start) >= 4
        while visit < stop:
            fields: dict[str, Any] = {"seen": rng.random() < 0.96}
            if fields["seen"] and older:
                fields["seen_alone"] = rng.random() < 0.55
            self.emit("statutory_visit", visit, **fields)
            if visit < weekly_until:
                visit += self.days(5, 7) if rng.random() < 0.9 else self.days(8, 12)
            elif long_term and visit >= anniversary:
                visit += self.days(42, 88) if rng.random() < 0.9 else self.days(93, 120)
            else:
                visit += self.days(21, 42) if rng.random() < 0.9 else self.days(43, 60)

    def permanence(self, p: _Period, stop: date, reviews: list[date]) -> None:
        """A permanence plan, by the second review for ~93% (seed 004 alert theme)."""
        rng = self.rng
        if p.route == "short_breaks" and rng.random() < 0.7:
            return
        second = reviews[1] if len(reviews) > 1 else self.wd(p.entered, 20) + timedelta(days=91)
        first = reviews[0] if reviews else self.wd(p.entered, 20)
        if rng.random() < 0.93:
            earliest = p.entered + timedelta(days=5)
            day = earliest + timedelta(days=int(rng.random() * max(1, (second - earliest).days)))
            day = max(day, first - timedelta(days=10)) if rng.random() < 0.5 else day
        else:
            day = second + self.days(1, 60)
        if day < stop:
            self.emit("permanence_plan_recorded", day, plan=p.plan)

    def health(self, p: _Period, entry_at: date, stop: date) -> None:
        """IHA (requested within 48 hours ~65%, done within 20 WD ~55%), then health reviews, teeth, SDQ."""
        rng = self.rng
        entered = p.entered
        source = "health:TRUST-A" if self.area == NORTH else "health:TRUST-B"
        prompt = rng.random() < 0.65  # seeds 000/004: 41%-86% by quarter
        if prompt:
            base = entry_at if isinstance(entry_at, datetime) else self.moment(entered, 8, 16)
            requested = base + timedelta(hours=1 + int(rng.random() * 46))
        else:
            requested = self.moment(entered + self.days(3, 12))
        if requested.date() >= stop:
            return
        self.emit("health_assessment_requested", requested, kind="initial")
        due = self.wd(entered, 20)
        earliest = requested.date() + timedelta(days=3)
        if earliest <= due and rng.random() < (0.62 if prompt else 0.42):
            done = earliest + timedelta(days=int(rng.random() * ((due - earliest).days + 1)))
        else:
            done = self.wd(max(due, earliest), 1 + int(rng.expovariate(1 / 12)))
        if rng.random() < (0.45 if done > due else 0.08):
            missed = requested.date() + timedelta(
                days=2 + int(rng.random() * max(1, (done - requested.date()).days - 4))
            )
            if missed < done and missed < stop:
                self.emit(
                    "health_appointment",
                    missed,
                    kind="initial",
                    outcome=_MISSED_APPOINTMENT.pick(rng),
                    source=source,
                )
        if done >= stop:
            return
        self.emit("health_appointment", done, kind="initial", outcome="attended", source=source)
        self.emit("health_assessment_completed", done, kind="initial", source=source)
        # Review health assessments: 6-monthly under 5, yearly from 5.
        last = done
        while True:
            due_review = _add_months(last, 6 if _age(self.dob, last) < 5 else 12)
            held = due_review - self.days(0, 30) if rng.random() < 0.88 else due_review + self.days(1, 60)
            if held >= stop:
                break
            asked = self.moment(held - self.days(14, 42))
            if asked.date() > last:
                self.emit("health_assessment_requested", asked, kind="review")
            if rng.random() < 0.06:
                self.emit(
                    "health_appointment",
                    held - self.days(7, 14),
                    kind="review",
                    outcome=_MISSED_APPOINTMENT.pick(rng),
                    source=source,
                )
            self.emit("health_appointment", held, kind="review", outcome="attended", source=source)
            self.emit("health_assessment_completed", held, kind="review", source=source)
            last = held
        dental = entered + self.days(20, 120)
        while dental < stop:
            self.emit("dental_check", dental)
            dental += self.days(150, 365) if rng.random() < 0.85 else self.days(366, 450)
        sdq = entered + self.days(30, 120)
        while sdq < stop:
            if 4 <= _age(self.dob, sdq) <= 16:
                score = min(40, max(0, int(rng.gauss(14, 7.5))))  # ~22% at 20+ (seed 004 P3.4)
                self.emit("sdq_completed", sdq, score=score)
            sdq += self.days(330, 400)

    def education(self, p: _Period, stop: date) -> None:
        """A PEP within 10 WD of entering care, then reviewed each term (~90%, seed 004 P4.2)."""
        rng = self.rng
        started = self.within(p.entered, 10, 0.8, lo=2, late=20)
        if started >= stop:
            return
        self.emit("pep_initiated", started)
        last = min(stop - _ONE_DAY, self.until, _add_months(self.dob, 216) - _ONE_DAY)
        for term_start, term_end in _terms(started, last):
            if _age(self.dob, term_start) < 3 or rng.random() >= 0.9:
                continue
            lo = max(term_start, started + timedelta(days=10))
            hi = min(term_end, last)
            if lo <= hi:
                self.emit("pep_reviewed", lo + timedelta(days=int(rng.random() * ((hi - lo).days + 1))))

    def missing(self, begin: date, end: date, *, in_care: bool) -> None:
        """Missing episodes in bursts; return interviews mostly within 72 hours; trigger meetings."""
        rng = self.rng
        lo, hi = begin + timedelta(days=2), min(end, self.until + _ONE_DAY) - timedelta(days=5)
        if hi <= lo:
            return
        day = lo + timedelta(days=int(rng.random() * min(200, (hi - lo).days)))
        bursts = 1 + int(rng.expovariate(1 / 1.2))
        went_days: list[date] = []
        trigger_until = {1: date.min, 2: date.min}
        for _ in range(bursts):
            for _ in range(_BURST.pick(rng)):
                if day >= hi:
                    return
                went = self.moment(day, 12, 23)
                hours = 2 + int(rng.random() * 22) if rng.random() < 0.7 else 24 + int(rng.random() * 48)
                if rng.random() < 0.05:
                    hours = 72 + int(rng.random() * 170)
                back = went + timedelta(hours=hours)
                self.emit("went_missing", went, kind="missing" if rng.random() < 0.9 else "away")
                self.emit("returned", back)
                if in_care:
                    self.emit("iro_informed", self.within(day, 1, 0.85, late=4), about="missing")
                if rng.random() < 0.12:
                    self.emit("return_interview_declined", back + timedelta(hours=2 + int(rng.random() * 60)))
                else:
                    hours = 4 + int(rng.random() * 68) if rng.random() < 0.8 else 73 + int(rng.random() * 170)
                    self.emit("return_interview_completed", back + timedelta(hours=hours))
                went_days.append(day)
                recent = sum(1 for d in went_days if (day - d).days < 30)
                for level, threshold in ((1, 3), (2, 6)):
                    if recent >= threshold and day > trigger_until[level]:
                        self.emit(
                            "missing_trigger_meeting", self.within(day, 5, 0.85, lo=1, late=8), level=level
                        )
                        trigger_until[level] = day + timedelta(days=60)
                day = back.date() + self.days(1, 10)
            day += self.days(30, 240)

    def adoption(self, p: _Period, stop: date) -> None:
        """Match, placement and order, with adoption reviews (AAR reg 36): 3 months after the
        placement order, then 6-monthly; once placed, at 4 weeks, 3 months, then 6-monthly."""
        assert p.adoption is not None and p.hearing is not None
        match, placed, _order = p.adoption
        if match < stop:
            self.emit("adoption_match_approved", match)
        previous, due = p.hearing, _add_months(p.hearing, 3)
        while True:
            day = max(previous + timedelta(days=7), self.adoption_review_day(due))
            if day >= placed or day >= stop:
                break
            self.emit("review_held", day, kind="adoption", chair=self.iro_on(day) or "IRO01")
            previous, due = day, _add_months(day, 6)
        previous, due = placed, placed + timedelta(days=28)
        for n in count():
            day = max(previous + timedelta(days=7), self.adoption_review_day(due))
            if day >= stop:
                break
            self.emit("review_held", day, kind="adoption", chair=self.iro_on(day) or "IRO01")
            previous, due = day, _add_months(day, 3 if n == 0 else 6)
        if p.end <= self.until:
            self.emit("adoption_order_granted", p.end)

    def adoption_review_day(self, due: date) -> date:
        return due - self.days(0, 14) if self.rng.random() < 0.9 else due + self.days(1, 20)

    def leaving_care(self, p: _Period, stop: date) -> None:
        """Eligible young people: PA, needs assessment, pathway plan and reviews; contact after 18."""
        rng = self.rng
        fourteen = _add_months(self.dob, 168)
        sixteen = _add_months(self.dob, 192)
        needed = max(0, 91 - self.days_in_care_since_14)
        eligible = max(sixteen, max(p.entered, fourteen) + timedelta(days=needed))
        if eligible >= p.end or eligible > self.until:
            return
        twenty_one = _add_months(self.dob, 252)
        # A young person who goes home before 18 is not followed up here after leaving.
        limit = twenty_one if p.end == self.eighteen else p.end
        adviser = f"PA{1 + int(rng.random() * _ADVISERS):02d}"
        pa_due = _add_months(sixteen, 3)
        if rng.random() < 0.85:
            pa_day = eligible + timedelta(days=int(rng.random() * max(1, (pa_due - eligible).days)))
        else:
            pa_day = max(eligible, pa_due) + self.days(1, 60)
        if pa_day < limit:
            self.emit("personal_adviser_allocated", pa_day, adviser=adviser)
        if rng.random() < 0.8:
            assessed = eligible + self.days(20, 90)
        else:
            assessed = _add_months(eligible, 3) + self.days(1, 60)
        if assessed >= limit:
            return
        self.emit("needs_assessment_completed", assessed)
        plan = self.within(assessed, 10, 0.8, lo=1, late=30)
        if plan >= limit:
            return
        self.emit("pathway_plan_recorded", plan, team=self.team_on(plan))
        review = plan
        while True:
            due = _add_months(review, 6)
            review = due - self.days(0, 21) if rng.random() < 0.92 else due + self.days(1, 30)
            if review >= limit or review > self.until:
                break
            fields: dict[str, Any] = {"kind": "pathway_plan"}
            chair = self.iro_on(review) if review < p.end else None
            if chair:
                fields["chair"] = chair
            self.emit("review_held", review, **fields)
        if p.end != self.eighteen or p.reason not in ("E17", "E5", "E6") or p.end > self.until:
            return
        self.allocate(p.end, LEAVING_CARE, role="personal_adviser", worker=adviser)
        contact = p.end + self.days(7, 50)
        while contact < twenty_one and contact <= self.until:
            self.emit("care_leaver_contact", contact, in_touch=rng.random() < 0.92)
            contact += self.days(20, 56) if rng.random() < 0.88 else self.days(57, 90)

    # --- IRO challenge, recognition and corrections ----------------------------------------

    def practice_alert(self, day: date, *, team: str) -> None:
        """Raised by hand, informal; ~80% resolved informally (seed 004), the rest escalated."""
        rng = self.rng
        if day > self.until:
            return
        self.alerts += 1
        alert = f"#{self.alerts}"  # numbered across the council once the child is kept
        self.emit(
            "practice_alert_raised",
            day,
            alert=alert,
            theme=_ALERT_THEME.pick(rng),
            stage="informal",
            raised_to="team manager",
            team=team,
        )
        stage = "informal"
        for next_stage, p_escalate in (("1", 0.2), ("2", 0.3), ("3", 0.25)):
            answered = self.within(day, 5, 0.85, lo=1, late=10)
            if rng.random() < 0.9:
                self.emit("practice_alert_responded", answered, alert=alert)
            if rng.random() >= p_escalate:
                break
            day = answered + self.days(1, 5)
            stage = next_stage
            self.emit("practice_alert_escalated", day, alert=alert, stage=stage)
        if rng.random() < 0.05:  # left open: drift
            return
        resolved = day + self.days(3, 15)
        self.emit(
            "practice_alert_resolved",
            resolved,
            alert=alert,
            outcome="resolved informally" if stage == "informal" else f"resolved at stage {stage}",
        )

    def good_practice(self, day: date, *, team: str) -> None:
        self.emit("good_practice_notified", day, theme=_PRAISE_THEME.pick(self.rng), team=team)

    def retraction(self) -> None:
        """~1.5% of children: a visit or review entered in error, retracted, and entered again corrected."""
        rng = self.rng
        if rng.random() >= 0.015:
            return
        candidates = [
            row[4]
            for row in self.rows
            if row[4]["type"]
            in ("statutory_visit", "review_held", "cp_visit", "core_group_held", "dental_check")
        ]
        if not candidates:
            return
        wrong = candidates[int(rng.random() * len(candidates))]
        known = date.fromisoformat(wrong["recorded_at"][:10])
        fixed = known + self.days(1, 20)
        if fixed > self.until:
            return
        retraction = self.emit("retracted", fixed, target="?", reason="entered in error")
        if retraction is None:
            return
        retraction["_target"] = wrong
        corrected = {k: v for k, v in wrong.items() if k not in ("by", "note", "recorded_at")}
        if "seen_alone" in corrected:
            corrected["seen_alone"] = not corrected["seen_alone"]
        elif corrected.get("participation") not in (None, "PN0"):
            corrected["participation"] = "PN6" if corrected["participation"] != "PN6" else "PN1"
        again = self.emit(
            corrected.pop("type"),
            date.fromisoformat(corrected.pop("at")[:10]),
            **{k: v for k, v in corrected.items() if k != "child"},
        )
        if again is not None:
            # Recorded just after the retraction that it replaces.
            stamp = retraction["recorded_at"]
            minute = int(stamp[14:16])
            again["recorded_at"] = stamp[:14] + f"{min(59, minute + 1):02d}" + stamp[16:]
            again["note"] = "re-entered with corrected details"


def generate(children: int, *, seed: int = 1, until: date, years: int = 5) -> Iterator[dict[str, Any]]:
    """Yield events as JSON-ready dicts in the EVENTS.md shape, child by child (all of one child's
    events together, in order of `at`), deterministic for (children, seed, until, years)."""
    start = _add_months(until, -12 * years)
    calendar = WorkingDayCalendar(years=range(start.year - 7, until.year + 3))
    window = start.isoformat()
    alerts = count(1)
    for number in range(1, children + 1):
        rng = random.Random(f"{seed}:{number}")
        child = f"C{number:06d}"
        journey = _JOURNEY.pick(rng)
        for _attempt in range(50):
            events = _Child(child, rng, start, until, calendar).build(journey)
            if events[-1]["at"][:10] >= window:  # open at some time in the window
                break
        numbers: dict[str, str] = {}
        for event in events:
            alert = event.get("alert")
            if alert is not None:
                event["alert"] = numbers.get(alert) or numbers.setdefault(alert, f"PA-{next(alerts):04d}")
        yield from events


def write_jsonl(path: Path | str, events: Iterable[dict[str, Any]]) -> int:
    """Write events as compact JSON Lines (keys sorted), streaming; return the number of lines."""
    encode: Callable[[Any], str] = json.JSONEncoder(
        sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode
    lines = 0
    with open(path, "w", encoding="utf-8") as out:
        batch: list[str] = []
        for event in events:
            batch.append(encode(event))
            if len(batch) == 4096:
                out.write("\n".join(batch))
                out.write("\n")
                lines += len(batch)
                batch.clear()
        if batch:
            out.write("\n".join(batch))
            out.write("\n")
            lines += len(batch)
    return lines
