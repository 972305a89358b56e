"""A child's recorded facts replayed into the shapes the rules reason about.

The store keeps facts exactly as recorded; this module is the one place that turns them
into a `Timeline`: periods of care with their placements and legal statuses, missing
episodes, child-protection plans, and the data-quality findings for sequences that cannot
all be true (a return with no open missing episode, a review before the child entered
care). Nothing is repaired silently: each oddity becomes a `Finding`.

Facts are ordered by when they happened (`at`), ties in the order they were recorded.
A timeline can be built "as known at" a moment: only facts recorded by then count, and a
`retracted` fact removes its target only from the moment the retraction was recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from operator import attrgetter
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
T = TypeVar("T")

_DAY_ORDER = {"entered_care": -1, "already_in_care": -1, "left_care": 1}
#: Within a day on which a period of care open since an earlier day ends and the next one
#: begins (a child leaving care and coming back the same day, as a 903 episode ending with
#: a REC other than X1 followed by one with RNE S): the ending first, then the new start.
_TURNOVER_ORDER = {"placement_ended": -3, "left_care": -2, "entered_care": -1, "already_in_care": -1}

#: Facts that open a period of care. `already_in_care` opens one whose real start is
#: before the data begins (a statutory return's first year): its clocks that run from
#: entering care cannot be assessed.
_OPENS_PERIOD = frozenset({"entered_care", "already_in_care"})
_COMMON = frozenset({"child", "type", "at", "id", "recorded_at", "source", "by", "team", "note"})


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(d: date) -> str:
    """ "Mon 12 Sep 2022", independent of the machine's locale."""
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}"


def _decode_at(text: str) -> date | datetime:
    # Stored facts are already validated and normalised (ISO date, or ISO date-time with
    # an offset), so the fast constructors are enough here.
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)


class Fact:
    """One recorded case event, decoded for replay.

    `data` keeps the event's own fields (e.g. `legal_status`, `kind`) as recorded; the
    common fields are attributes. `seq` is the order of recording within the child.
    """

    __slots__ = ("type", "at", "on", "id", "recorded_at", "stored_at", "seq", "record")

    def __init__(self, record: Mapping[str, Any], *, seq: int, stored_at: datetime | None = None) -> None:
        self.record = record
        self.type: str = record["type"]
        at = record["at"]
        if isinstance(at, str):
            at = _decode_at(at)
        self.at: date | datetime = at
        self.on: date = at.astimezone(LONDON).date() if isinstance(at, datetime) else at
        self.id: str | None = record.get("id")
        recorded = record.get("recorded_at")
        if isinstance(recorded, str):
            recorded = datetime.fromisoformat(recorded)
        self.recorded_at: datetime | None = recorded or stored_at
        self.stored_at = stored_at
        self.seq = seq

    def __getitem__(self, name: str) -> Any:
        return self.record[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.record.get(name, default)

    @property
    def child(self) -> str:
        return str(self.record["child"])

    @property
    def fields(self) -> dict[str, Any]:
        """The event's own fields, without the common ones."""
        return {k: v for k, v in self.record.items() if k not in _COMMON}

    @property
    def moment(self) -> datetime | None:
        """The aware date-time it happened, when the source gave a time."""
        return self.at if isinstance(self.at, datetime) else None

    def sort_key(self) -> tuple[date, int, float, int]:
        # Within a day: entering care comes first and leaving care last (a placement or
        # visit recorded for the day a child entered or left care belongs to that period,
        # whether or not the source gave times); then by time, date-only events first;
        # then in recorded order.
        at = self.at
        seconds = at.timestamp() if isinstance(at, datetime) else float("-inf")
        return (self.on, _DAY_ORDER.get(self.type, 0), seconds, self.seq)

    def describe(self) -> str:
        """Short human label, e.g. "review_held on Tue 11 Oct 2022"."""
        return f"{self.type} on {fmt_date(self.on)}"

    def __repr__(self) -> str:
        return f"Fact({self.type}, {self.at.isoformat()}, seq={self.seq})"


@dataclass(frozen=True, slots=True)
class Finding:
    """A data-quality finding: facts that are valid one by one but impossible together."""

    code: str
    fact: Fact
    message: str


class _Span:
    """Something that runs from one fact to another (or is still open)."""

    __slots__ = ()
    start: Fact
    end: Fact | None

    @property
    def started_on(self) -> date:
        return self.start.on

    @property
    def ended_on(self) -> date | None:
        return self.end.on if self.end is not None else None


@dataclass(frozen=True, slots=True)
class Placement(_Span):
    start: Fact
    end: Fact | None  # placement_ended, left_care, or the next placement_started
    period: int  # number of the period of care (1-based)

    @property
    def placement_type(self) -> str:
        return str(self.start["placement_type"])

    @property
    def long_term(self) -> bool:
        return bool(self.start.get("long_term", False))


@dataclass(frozen=True, slots=True)
class PeriodOfCare(_Span):
    number: int
    start: Fact  # entered_care, or already_in_care when the start is before the data
    end: Fact | None  # left_care
    legal_statuses: tuple[tuple[date, str], ...]
    placements: tuple[Placement, ...]

    @property
    def start_known(self) -> bool:
        """False when the child was already in care when the data begins: `started_on` is
        then only the first day the data shows, not the day the child entered care."""
        return self.start.type == "entered_care"

    def includes(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)

    def legal_status_on(self, day: date) -> str | None:
        status = None
        for since, code in self.legal_statuses:
            if since <= day:
                status = code
        return status


@dataclass(frozen=True, slots=True)
class MissingEpisode(_Span):
    start: Fact  # went_missing
    end: Fact | None  # returned

    @property
    def kind(self) -> str:
        return str(self.start.get("kind", "missing"))


@dataclass(frozen=True, slots=True)
class ProtectionPlan(_Span):
    start: Fact  # icpc_held with outcome "plan", or cp_plan_started
    end: Fact | None  # rcpc_held with outcome "end", or cp_plan_ended


@dataclass(frozen=True)
class Timeline:
    """A child's effective facts, as known at `known_at`, and what they add up to."""

    child: str
    facts: tuple[Fact, ...]
    retracted: tuple[Fact, ...] = ()
    known_at: datetime | None = None
    dob: date | None = None
    periods: tuple[PeriodOfCare, ...] = ()
    missing_episodes: tuple[MissingEpisode, ...] = ()
    protection_plans: tuple[ProtectionPlan, ...] = ()
    findings: tuple[Finding, ...] = ()
    _by_type: Mapping[str, tuple[Fact, ...]] = field(default_factory=dict, repr=False)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    _birthdays: dict[int, date] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Something derived from this timeline, computed once however many rules ask
        (e.g. care-leaver eligibility, or which visits fall in which placement)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[no-any-return]

    def of_type(self, *types: str) -> tuple[Fact, ...]:
        """Facts of the given types, in timeline order."""
        if len(types) == 1:
            return self._by_type.get(types[0], ())
        found = self._memo.get(types)
        if found is None:
            present = [t for t in types if t in self._by_type]
            if len(present) == 1:  # no need to walk the timeline for the facts of one type
                found = self._by_type[present[0]]
            else:
                wanted = set(present)
                found = tuple(f for f in self.facts if f.type in wanted) if wanted else ()
            self._memo[types] = found
        return found  # type: ignore[no-any-return]

    @cached_property
    def placements(self) -> tuple[Placement, ...]:
        return tuple(p for period in self.periods for p in period.placements)

    def birthday(self, years: int) -> date | None:
        """The date of the child's `years`th birthday (29 Feb birthdays fall on 28 Feb)."""
        found = self._birthdays.get(years)
        if found is None and self.dob is not None:
            try:
                found = self.dob.replace(year=self.dob.year + years)
            except ValueError:
                found = self.dob.replace(year=self.dob.year + years, day=28)
            self._birthdays[years] = found
        return found

    def age_on(self, day: date) -> int | None:
        if self.dob is None:
            return None
        years = day.year - self.dob.year
        birthday = self.birthday(years)
        # Consistent with `birthday`: a 29 February child turns a year older on 28 February.
        return years - 1 if birthday is not None and day < birthday else years

    def period_on(self, day: date) -> PeriodOfCare | None:
        """The period of care the child was in on `day`, if any."""
        for period in self.periods:
            if period.includes(day):
                return period
        return None


def build_timeline(
    child: str,
    facts: Iterable[Fact],
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> Timeline:
    """Replay a child's facts into a `Timeline`.

    `as_of`: the world as it stood at the end of that day (later events have not
    happened yet). `known_at`: only facts recorded by that moment count.
    """
    if known_at is None:
        known = list(facts)
    else:
        known = [f for f in facts if f.recorded_at is None or f.recorded_at <= known_at]
    # A retraction is about knowledge, not the world: once recorded it removes its target
    # from every replay, whatever the `as_of` date.
    retracted_ids = _retracted_ids(known)
    effective: list[Fact] = []
    retracted: list[Fact] = []
    # A return's own contradictions, kept as `finding_recorded`: findings, not facts of the
    # child's journey, so no rule and no section of the timeline sees them. They are about
    # what was recorded, so only `known_at` limits them, not `as_of`.
    found_in_returns: list[Fact] = []
    for fact in known:
        if retracted_ids and fact.id is not None and fact.id in retracted_ids:
            retracted.append(fact)
        elif fact.type == "finding_recorded":
            found_in_returns.append(fact)
        elif as_of is None or fact.on <= as_of:
            effective.append(fact)
    _in_timeline_order(effective)
    by_type = _by_type(effective)
    if _order_turnovers(effective, by_type):
        by_type = _by_type(effective)

    findings: list[Finding] = [Finding(f["code"], f, f["message"]) for f in found_in_returns]
    if "retracted" in by_type:
        known_ids = {f.id for f in known if f.id is not None}
        for fact in by_type["retracted"]:
            if fact["target"] not in known_ids:
                findings.append(
                    Finding(
                        "DQ-RETRACT-UNKNOWN", fact, f"retracts {fact['target']!r}, which is not on record"
                    )
                )

    registrations = by_type.get("child_registered", [])
    dob = date.fromisoformat(registrations[-1]["dob"]) if registrations else None

    # The sections below look only at the facts of their own types: each walks the whole
    # timeline only when the child has any of them. Findings are put in timeline order
    # at the end, so the order in which they are found does not matter.
    periods = _periods(effective, findings)
    adult = _adult_entries(by_type, periods, dob, findings)
    missing = _missing_episodes(effective, findings) if not by_type.keys().isdisjoint(_MISSING_TYPES) else ()
    plans = _protection_plans(effective, findings) if not by_type.keys().isdisjoint(_PLAN_TYPES) else ()
    _check_in_care(by_type.get("review_held", []), periods, findings)
    # A child cannot enter care at 18 or over: such a start runs no clocks. Ages only grow,
    # so these are the last periods, and the numbers of the others stay as they were.
    periods = periods[: len(periods) - adult]
    if dob is not None:
        for fact in effective:  # in date order: only the first facts can be before the birth
            if fact.on >= dob:
                break
            if fact.type not in ("child_registered", "retracted"):
                findings.append(
                    Finding("DQ-BEFORE-BIRTH", fact, f"{fact.describe()} is before the date of birth")
                )
                break

    _check_dates(known, findings)

    findings.sort(key=lambda f: f.fact.sort_key())
    return Timeline(
        child=child,
        facts=tuple(effective),
        retracted=tuple(retracted),
        known_at=known_at,
        dob=dob,
        periods=periods,
        missing_episodes=missing,
        protection_plans=plans,
        findings=tuple(findings),
        _by_type={k: tuple(v) for k, v in by_type.items()},
    )


_DAY = attrgetter("on")


def _in_timeline_order(facts: list[Fact]) -> None:
    """Sort the facts, in place, by `Fact.sort_key`: by day first, on the day alone, then
    each day with several facts by the whole key. Most days have one fact, whose whole
    key need never be worked out."""
    facts.sort(key=_DAY)
    i, n = 0, len(facts)
    while i < n:
        day, j = facts[i].on, i + 1
        while j < n and facts[j].on == day:
            j += 1
        if j - i > 1:
            facts[i:j] = sorted(facts[i:j], key=Fact.sort_key)
        i = j


def _by_type(facts: list[Fact]) -> dict[str, list[Fact]]:
    """The facts of each type, in the order given."""
    by_type: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_type[fact.type].append(fact)
    return by_type


#: The fact types that make missing episodes, and child-protection plans.
_MISSING_TYPES = frozenset({"went_missing", "returned"})
_PLAN_TYPES = frozenset({"cp_plan_started", "icpc_held", "rcpc_held", "cp_plan_ended"})


def _retracted_ids(facts: list[Fact]) -> set[str]:
    retractions = [f for f in facts if f.type == "retracted"]
    # A retraction can itself be retracted; then its target counts again.
    withdrawn = {f["target"] for f in retractions}
    return {f["target"] for f in retractions if f.id is None or f.id not in withdrawn}


_IN_CARE_ONLY = {
    "placement_started": "DQ-PLACEMENT-NOT-IN-CARE",
    "left_care": "DQ-LEFT-CARE-NOT-IN-CARE",
    "statutory_visit": "DQ-VISIT-NOT-IN-CARE",
}


#: Remand legal statuses (SSDA903 J1-J3): only a child can be remanded to local authority accommodation.
_REMAND = frozenset({"J1", "J2", "J3"})


def _age(dob: date, day: date) -> int:
    """Age in whole years on `day`; as `Timeline.age_on`, a 29 February child is a year
    older on 28 February."""
    try:
        birthday = dob.replace(year=day.year)
    except ValueError:
        birthday = date(day.year, 2, 28)
    return day.year - dob.year - (day < birthday)


def _adult_entries(
    by_type: Mapping[str, list[Fact]],
    periods: tuple[PeriodOfCare, ...],
    dob: date | None,
    findings: list[Finding],
) -> int:
    """Findings for what cannot happen to an adult: entering care at 18 or over, and a
    remand status (J1-J3) at 18 or over. Returns how many periods began at 18 or over."""
    if dob is None:
        return 0
    adult = 0
    for period in periods:
        if _age(dob, period.started_on) >= 18:
            adult += 1
            findings.append(
                Finding(
                    "DQ-ENTERED-CARE-ADULT",
                    period.start,
                    f"{period.start.describe()} at 18 or over: no looked-after clocks run from it",
                )
            )
    for fact in (*by_type.get("entered_care", ()), *by_type.get("legal_status_changed", ())):
        if fact.get("legal_status") in _REMAND and _age(dob, fact.on) >= 18:
            findings.append(
                Finding(
                    "DQ-REMAND-ADULT",
                    fact,
                    f"{fact.describe()}: legal status {fact['legal_status']} (remand) at 18 or over",
                )
            )
    return adult


def _order_turnovers(facts: list[Fact], by_type: Mapping[str, list[Fact]]) -> bool:
    """Reorder, in place, each day on which the child, in care since an earlier day, leaves
    care and enters it again: the usual order within a day (entering care first, leaving
    last) would open the new period inside the old one. Returns whether any day was
    reordered (`by_type`, the facts of each type, is then out of date)."""
    left = {f.on for f in by_type.get("left_care", ())}
    if left:
        opened = {f.on for kind in _OPENS_PERIOD for f in by_type.get(kind, ())}
        days = left & opened
    else:
        days = left
    if not days:
        return False
    reordered = False
    in_care, i = False, 0
    while i < len(facts):
        day, j = facts[i].on, i
        while j < len(facts) and facts[j].on == day:
            j += 1
        if in_care and day in days:
            facts[i:j] = sorted(facts[i:j], key=lambda f: (_TURNOVER_ORDER.get(f.type, 0), *f.sort_key()[2:]))
            reordered = True
        for f in facts[i:j]:
            if f.type in _OPENS_PERIOD or f.type == "left_care":
                in_care = f.type != "left_care"
        i = j
    return reordered


def _periods(facts: list[Fact], findings: list[Finding]) -> tuple[PeriodOfCare, ...]:
    periods: list[PeriodOfCare] = []
    start: Fact | None = None
    statuses: list[tuple[date, str]] = []
    placements: list[Placement] = []
    open_placement: Fact | None = None
    last_left: Fact | None = None

    def close_placement(end: Fact | None) -> None:
        nonlocal open_placement
        if open_placement is not None:
            placements.append(Placement(open_placement, end, len(periods) + 1))
            open_placement = None

    for fact in facts:
        kind = fact.type
        if kind in _OPENS_PERIOD:
            if start is not None:
                findings.append(
                    Finding(
                        "DQ-TWO-PERIODS",
                        fact,
                        f"{fact.describe()} while a period of care that began "
                        f"{fmt_date(start.on)} is still open (no left_care)",
                    )
                )
                continue
            start, statuses, placements = fact, [(fact.on, str(fact["legal_status"]))], []
        elif start is None:
            if kind == "left_care" and last_left is not None and last_left.on == fact.on:
                findings.append(
                    Finding(
                        "DQ-LEFT-CARE-TWICE", fact, f"{fact.describe()}: the child already left care that day"
                    )
                )
            elif kind in _IN_CARE_ONLY:
                findings.append(
                    Finding(_IN_CARE_ONLY[kind], fact, f"{fact.describe()} when the child was not in care")
                )
            elif kind == "placement_ended":
                findings.append(
                    Finding(
                        "DQ-PLACEMENT-END-WITHOUT-START", fact, f"{fact.describe()} with no open placement"
                    )
                )
        elif kind == "legal_status_changed":
            statuses.append((fact.on, str(fact["legal_status"])))
        elif kind == "placement_started":
            if open_placement is not None:
                findings.append(
                    Finding(
                        "DQ-PLACEMENT-NOT-ENDED",
                        fact,
                        f"{fact.describe()} while the placement that began "
                        f"{fmt_date(open_placement.on)} was not ended; taken as ending it",
                    )
                )
                close_placement(fact)
            open_placement = fact
        elif kind == "placement_ended":
            if open_placement is None:
                findings.append(
                    Finding(
                        "DQ-PLACEMENT-END-WITHOUT-START", fact, f"{fact.describe()} with no open placement"
                    )
                )
            close_placement(fact)
        elif kind == "left_care":
            close_placement(fact)
            periods.append(PeriodOfCare(len(periods) + 1, start, fact, tuple(statuses), tuple(placements)))
            start, last_left = None, fact
    if start is not None:
        close_placement(None)
        periods.append(PeriodOfCare(len(periods) + 1, start, None, tuple(statuses), tuple(placements)))
    return tuple(periods)


#: Dates before this year are not believed (a slip of the year, or a placeholder).
FIRST_PLAUSIBLE_YEAR = 1900


def _a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


#: However its offset differs from London's, a moment's own date is at most a day from its
#: date in London, and a year after a date is at least 365 days after it: a fact dated
#: no more than this after the date its recording moment shows is within a year of it.
_SURELY_WITHIN_A_YEAR = timedelta(days=363)


def _check_dates(facts: Iterable[Fact], findings: list[Finding]) -> None:
    """Dates that cannot be right: before 1900, or more than a year after the event was
    recorded (a fact is recorded after it happens; a plan a little ahead at most)."""
    for fact in facts:
        recorded = fact.recorded_at
        if fact.on.year >= FIRST_PLAUSIBLE_YEAR and (
            recorded is None or fact.on <= recorded.date() + _SURELY_WITHIN_A_YEAR
        ):
            continue  # the common case, decided without converting the moment to London time
        if fact.on.year < FIRST_PLAUSIBLE_YEAR:
            findings.append(
                Finding(
                    "DQ-DATE-BEFORE-1900", fact, f"{fact.describe()} is dated before {FIRST_PLAUSIBLE_YEAR}"
                )
            )
        elif fact.recorded_at is not None and fact.on > _a_year_after(
            fact.recorded_at.astimezone(LONDON).date()
        ):
            findings.append(
                Finding(
                    "DQ-DATE-AFTER-RECORDING",
                    fact,
                    f"{fact.describe()} is dated more than a year after it was recorded",
                )
            )


def _check_in_care(reviews: list[Fact], periods: tuple[PeriodOfCare, ...], findings: list[Finding]) -> None:
    # A looked-after review must fall within a period of care.
    spans = [(p.started_on, p.ended_on) for p in periods]
    for fact in reviews:
        if fact.get("kind", "looked_after") == "looked_after":
            if not any(start <= fact.on and (end is None or fact.on <= end) for start, end in spans):
                findings.append(
                    Finding(
                        "DQ-REVIEW-NOT-IN-CARE", fact, f"{fact.describe()} when the child was not in care"
                    )
                )


def _missing_episodes(facts: list[Fact], findings: list[Finding]) -> tuple[MissingEpisode, ...]:
    episodes: list[MissingEpisode] = []
    open_start: Fact | None = None
    for fact in facts:
        if fact.type == "went_missing":
            if open_start is not None:
                findings.append(
                    Finding(
                        "DQ-MISSING-WHILE-MISSING",
                        fact,
                        f"{fact.describe()} while already missing since {fmt_date(open_start.on)}",
                    )
                )
                continue
            open_start = fact
        elif fact.type == "returned":
            if open_start is None:
                findings.append(
                    Finding(
                        "DQ-RETURN-WITHOUT-MISSING", fact, f"{fact.describe()} with no open missing episode"
                    )
                )
                continue
            episodes.append(MissingEpisode(open_start, fact))
            open_start = None
    if open_start is not None:
        episodes.append(MissingEpisode(open_start, None))
    return tuple(episodes)


def _protection_plans(facts: list[Fact], findings: list[Finding]) -> tuple[ProtectionPlan, ...]:
    plans: list[ProtectionPlan] = []
    open_start: Fact | None = None
    for fact in facts:
        # A plan opens at an initial conference that made it or, when the source records
        # the plan without its conference (the CIN census), at the plan's own start.
        if fact.type == "cp_plan_started" or (fact.type == "icpc_held" and fact["outcome"] == "plan"):
            if open_start is not None:
                findings.append(
                    Finding(
                        "DQ-PLAN-ALREADY-OPEN",
                        fact,
                        f"{fact.describe()} made a plan while one from {fmt_date(open_start.on)} was open",
                    )
                )
                continue
            open_start = fact
        elif fact.type == "rcpc_held" or fact.type == "cp_plan_ended":
            if open_start is None:
                findings.append(
                    Finding("DQ-NO-OPEN-PLAN", fact, f"{fact.describe()} with no open child-protection plan")
                )
                continue
            if fact.type == "cp_plan_ended" or fact["outcome"] == "end":
                plans.append(ProtectionPlan(open_start, fact))
                open_start = None
    if open_start is not None:
        plans.append(ProtectionPlan(open_start, None))
    return tuple(plans)
