"""The corporate parenting scorecard (seed 004), every measure declared once, like a rule.

Each `@measure(...)` carries the measure's id and title as the seed prints them, its
definition, cohort, numerator and denominator, polarity ("high is good"), source (the
statutory return field, or local), truncation rule and reporting window, and the event
types it reads. The function is pure: `(children, period, params, calendar) -> Figure`,
where `children` are the council's evaluated timelines (facts and obligations), so the
same facts always give the same figure, whether or not the nightly batch has run.

A measure whose facts the store does not hold (no `school_attendance_recorded` at all,
say) is "no data: needs school_attendance_recorded", never 0. The seed lists 43 measures
(G1-G3, P1.1-P1.3, P2.1-P2.15, P3.1-P3.4, P4.1-P4.9, P4.12-P4.14, P5.1-P5.6: there is
no P4.10 or P4.11 in it); `SEED_MEASURES` is that list and a test walks it.
"""

from __future__ import annotations

import inspect
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta

from compliance.engine import Evaluation
from compliance.reports.figures import Figure, Item, Rounding, average, count, fraction, no_data, ratio
from compliance.reports.periods import Period
from events.codes import ADOPTED, SHORT_BREAK_STATUSES, SPECIAL_GUARDIANSHIP
from events.timeline import PeriodOfCare, Placement, Timeline, fmt_date
from rules.calendar import WorkingDayCalendar
from rules.leavers import eligibility
from rules.obligation import Obligation, Status

Children = Sequence[Evaluation]
MeasureFunc = Callable[[Children, Period, Mapping[str, Any], WorkingDayCalendar], Figure]

REVIEW_RULES = ("LAC-REV-1", "LAC-REV-2", "LAC-REV-N")
#: The rules whose obligations the reports read (the engine runs only these for a report).
REPORT_RULES = (*REVIEW_RULES, "LAC-REV-REC", "HLT-IHA-REQ", "HLT-IHA", "EDU-PEP-TERM", "CL-PATH-REV")
JUDGED = (Status.MET, Status.LATE, Status.OVERDUE, Status.MISSED)


def default_rounding(unit: str) -> Rounding:
    """As the seed scorecard prints: whole per cents and days, rates to one decimal place."""
    if unit in ("%", "days"):
        return Rounding.ROUND_WHOLE
    if unit == "per 10,000":
        return Rounding.ROUND_1DP
    return Rounding.NONE


class Window(StrEnum):
    """Which facts a quarter's cell counts (the seed says which for each measure)."""

    PERIOD = "period"  # facts dated in the quarter; the year column: in the year
    YEAR_TO_DATE = "year_to_date"  # facts from 1 April to the quarter's end ("year to date figure")
    ON_THE_DAY = "on_the_day"  # the children as they stood on the period's last day
    YEAR_ONLY = "year_only"  # "this data will be presented annually"


class Polarity(StrEnum):
    HIGH = "high"  # "High is Good"
    LOW = "low"  # "Low is Good"
    NONE = "none"  # a population count: no better or worse


@dataclass(frozen=True)
class MeasureSpec:
    id: str
    title: str
    section: str
    definition: str
    cohort: str
    numerator: str
    denominator: str
    polarity: Polarity
    source: str
    unit: str
    window: Window
    func: MeasureFunc | None
    needs: tuple[
        str, ...
    ] = ()  # event types ("advocacy_started") or fields ("placement_started.provider_type")
    params: Mapping[str, Any] = field(default_factory=dict)
    rounding: Rounding = Rounding.NONE
    seed_target: str | None = None  # the target the seed prints, the default of [report.targets]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "") if self.func else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "section": self.section,
            "definition": self.definition,
            "cohort": self.cohort,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "polarity": str(self.polarity),
            "source": self.source,
            "unit": self.unit,
            "window": str(self.window),
            "needs": list(self.needs),
            "rounding": str(self.rounding),
        }


MEASURES: dict[str, MeasureSpec] = {}


def measure(
    id: str,
    *,
    title: str,
    section: str,
    definition: str,
    cohort: str,
    numerator: str,
    denominator: str = "",
    polarity: Polarity,
    source: str,
    unit: str,
    window: Window,
    needs: tuple[str, ...] = (),
    params: Mapping[str, Any] | None = None,
    rounding: Rounding | None = None,
    seed_target: str | None = None,
) -> Callable[[MeasureFunc], MeasureFunc]:
    def register(func: MeasureFunc) -> MeasureFunc:
        declare(
            MeasureSpec(
                id,
                title,
                section,
                definition,
                cohort,
                numerator,
                denominator,
                polarity,
                source,
                unit,
                window,
                func,
                needs,
                params or {},
                rounding or default_rounding(unit),
                seed_target,
            )
        )
        return func

    return register


def declare(spec: MeasureSpec) -> None:
    if spec.id in MEASURES:
        raise RuntimeError(f"measure {spec.id!r} declared twice")
    MEASURES[spec.id] = spec


def not_yet_recordable(
    id: str,
    title: str,
    section: str,
    *,
    needs: str,
    definition: str,
    polarity: Polarity,
    unit: str,
    **kw: Any,
) -> None:
    """A seed measure whose facts are not part of a child's case events (e.g. a register of
    foster households): declared so the scorecard lists it, always "no data: needs ..."."""
    declare(
        MeasureSpec(
            id,
            title,
            section,
            definition,
            kw.get("cohort", ""),
            kw.get("numerator", ""),
            kw.get("denominator", ""),
            polarity,
            kw.get("source", "local"),
            unit,
            kw.get("window", Window.PERIOD),
            None,
            (needs,),
            {},
            default_rounding(unit),
            kw.get("seed_target"),
        )
    )


# --- helpers over a child's timeline ----------------------------------------------------


def in_care_on(tl: Timeline, day: date) -> PeriodOfCare | None:
    """The period of care the child is in on `day`, short breaks (V3/V4) left out, as the
    SSDA903 counts children looked after."""
    period = tl.period_on(day)
    if period is None or period.legal_status_on(day) in SHORT_BREAK_STATUSES:
        return None
    return period


def placement_on(period: PeriodOfCare, day: date) -> Placement | None:
    current = None
    for p in period.placements:
        if p.started_on <= day and (p.ended_on is None or day < p.ended_on):
            current = p
    return current


def is_uasc(tl: Timeline) -> bool:
    registered = tl.of_type("child_registered")
    return bool(registered and registered[-1].get("uasc"))


def open_span_on(tl: Timeline, start: str, end: str, day: date) -> date | None:
    """The day a span (`start` fact to `end` fact) open on `day` began, if one is."""
    opened: date | None = None
    for f in tl.of_type(start, end):
        if f.on > day:
            break
        if f.type == start:
            opened = opened or f.on
        else:
            opened = None
    return opened


GOOD_OR_BETTER = frozenset({"good", "outstanding"})


def looked_after(children: Children, day: date) -> Iterator[tuple[Evaluation, PeriodOfCare]]:
    for e in children:
        period = in_care_on(e.timeline, day)
        if period is not None:
            yield e, period


def obligations_by_rule(e: Evaluation) -> Mapping[str, tuple[Obligation, ...]]:
    """The child's obligations grouped by rule, worked out once per evaluation."""

    def group() -> dict[str, tuple[Obligation, ...]]:
        out: dict[str, list[Obligation]] = {}
        for o in e.obligations:
            out.setdefault(o.rule, []).append(o)
        return {rule_id: tuple(found) for rule_id, found in out.items()}

    return e.timeline.memo("reports:obligations-by-rule", group)


def timeliness(children: Children, period: Period, rules: Sequence[str], *, by: str = "due") -> Figure:
    """Met on time / judged, for obligations of `rules` due (or started) in the period;
    clocks that stopped before the due date (left care) are counted apart."""
    met: list[Item] = []
    judged: list[Item] = []
    closed = 0
    for e in children:
        grouped = obligations_by_rule(e)
        for o in (o for rule_id in rules for o in grouped.get(rule_id, ())):
            day = o.due_on if by == "due" else o.started_on
            if day not in period:
                continue
            if o.status in (Status.CLOSED, Status.NO_DATA):
                closed += 1  # counted apart: not judged either way
                continue
            if o.status not in JUDGED:
                continue
            item = Item(o.child, f"{o.rule} due {fmt_date(o.due_on)}: {o.status}")
            judged.append(item)
            if o.status is Status.MET:
                met.append(item)
    return ratio(
        met,
        judged,
        excluded=closed,
        excluded_because="the clock stopped before the due date, or no source of the child holds the fact (no_data)",
    )


def _ceased(children: Children, period: Period) -> Iterator[tuple[Evaluation, PeriodOfCare, str]]:
    """Periods of care that ended in the period, short-break-only periods left out (903)."""
    for e in children:
        for p in e.timeline.periods:
            if p.end is None or p.end.on not in period:
                continue
            if p.legal_status_on(p.end.on) in SHORT_BREAK_STATUSES:
                continue
            yield e, p, str(p.end["reason"])


# --- General -----------------------------------------------------------------------------

GENERAL = "General"
INVOLVE = "Involve me"
HOME = "Provide me with a good safe home"
HEALTHY = "Keep me healthy"
ACHIEVE = "Help me achieve"
ADULT = "Support me to move into adult life"


@measure(
    "G1",
    title="Number of cared for children",
    section=GENERAL,
    definition="Children looked after on the last day of the period.",
    cohort="every child in a period of care on the day, short breaks (legal status V3/V4) excluded",
    numerator="children looked after on the day",
    polarity=Polarity.NONE,
    source="SSDA903 (children looked after at 31 March); quarterly on the quarter's last day",
    unit="children",
    window=Window.ON_THE_DAY,
    seed_target="380-430",
)
def number_looked_after(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Children looked after on the period's last day (SSDA903 headline count).

    Example: a child who entered care on Mon 3 Apr 2017 and left on Sat 31 Mar 2018 is not
    counted on 31 Mar 2018 (the last day looked after was 30 March); one who entered on
    Fri 30 Mar 2018, in the Easter bank-holiday weekend, is.
    """
    return count(
        Item(e.child, f"looked after since {fmt_date(p.started_on)}")
        for e, p in looked_after(children, period.end)
    )


@measure(
    "G2",
    title="Rate per 10,000 cared for children",
    section=GENERAL,
    definition="Children looked after on the day per 10,000 children aged 0-17 living in the area.",
    cohort="G1's children; the child population of the year from [report.population]",
    numerator="children looked after on the day x 10,000",
    denominator="the council's child population (0-17) for the financial year",
    polarity=Polarity.NONE,
    source="SSDA903 and ONS mid-year population estimates (DfE CLA rate per 10,000)",
    unit="per 10,000",
    window=Window.ON_THE_DAY,
    needs=("[report.population]",),
    seed_target="50.7-57.3",
)
def rate_per_10000(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """G1 per 10,000 of the child population set for the financial year of the day.

    Example: 477 children looked after on Sat 31 Mar 2018 and a population of 76,074 for
    2017-18 give 477 x 10,000 / 76,074 = 62.70..., shown 62.7 (the seed's Q4 figure).
    """
    population: Mapping[int, int] = params.get("population", {})
    first = period.end.year if period.end.month >= 4 else period.end.year - 1
    people = population.get(first)
    if not people:
        return no_data(f"needs [report.population] for {first}-{(first + 1) % 100:02d}", "per 10,000")
    looked = count(Item(e.child) for e, _ in looked_after(children, period.end))
    return fraction(
        len(looked.numerator_items), people, "per 10,000", scale=10_000, items=looked.numerator_items
    )


@measure(
    "G3",
    title="Number of care leavers",
    section=GENERAL,
    definition="Eligible, relevant and former relevant children on the last day of the period.",
    cohort="young people aged 16 to 20 on the day who have become eligible children (CPPCR reg 40)",
    numerator="eligible (still looked after), relevant (16-17, left care) and former relevant (18-20) young people",
    polarity=Polarity.NONE,
    source="Children (Leaving Care) Act 2000; CPPCR reg 40; Care Leavers (England) Regulations 2010",
    unit="young people",
    window=Window.ON_THE_DAY,
)
def number_of_care_leavers(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Young people aged 16-20 on the day who became eligible children before it.

    Example: born Thu 10 Jan 2002, looked after from Mon 3 Oct 2016 to the 18th birthday
    (Wed 10 Jan 2020): eligible from Tue 10 Jan 2018 (16th birthday, 13 weeks since 14
    complete), so counted on Sat 31 Mar 2018 and on every quarter end until the 21st birthday.
    """
    day = period.end
    items = []
    for e in children:
        tl = e.timeline
        since = eligibility(tl)
        age = tl.age_on(day)
        if since is not None and since <= day and age is not None and 16 <= age < 21:
            status = "eligible" if in_care_on(tl, day) else ("relevant" if age < 18 else "former relevant")
            items.append(Item(e.child, status))
    return count(items, "young people")


# --- Involve me ----------------------------------------------------------------------------


@measure(
    "P1.1",
    title="Number of eligible children and young people accessing advocacy services",
    section=INVOLVE,
    definition="Advocacy cases open at any time in the period.",
    cohort="advocacy episodes (advocacy_started to advocacy_ended) that overlap the period",
    numerator="advocacy cases open in the period",
    polarity=Polarity.HIGH,
    source="local: the advocacy provider's case records",
    unit="cases",
    window=Window.PERIOD,
    needs=("advocacy_started",),
)
def advocacy(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Advocacy cases open at any time in the period ("We had 48 advocacy cases open this quarter").

    Example: a case opened on Thu 28 Dec 2017 and closed on Tue 2 Jan 2018 (after the New
    Year bank holiday) is open in both Q3 and Q4 2017-18.
    """
    items = []
    for e in children:
        opened: date | None = None
        for f in e.timeline.of_type("advocacy_started", "advocacy_ended"):
            if f.type == "advocacy_started":
                if opened is not None:  # a second start closes nothing: count the first
                    continue
                opened = f.on
            elif opened is not None:
                if opened <= period.end and f.on >= period.start:
                    items.append(Item(e.child, f"advocacy {fmt_date(opened)} to {fmt_date(f.on)}"))
                opened = None
        if opened is not None and opened <= period.end:
            items.append(Item(e.child, f"advocacy from {fmt_date(opened)}, still open"))
    return count(items, "cases")


@measure(
    "P1.2",
    title="% cared for children reviews in timescales",
    section=INVOLVE,
    definition="Looked-after reviews held within their timescale (20 WD, then 3 months, then 6 months).",
    cohort="looked-after reviews (first, second and later) that fell due in the period; clocks closed before the due date (left care) excluded and counted apart",
    numerator="reviews held on or before the due date",
    denominator="reviews that fell due in the period",
    polarity=Polarity.HIGH,
    source="CPPCR reg 33 (rules LAC-REV-1, LAC-REV-2, LAC-REV-N); SSDA903 REVIEW",
    unit="%",
    window=Window.PERIOD,
    needs=("entered_care",),
    seed_target="100",
)
def reviews_in_timescale(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Reviews due in the period that were held by the due date.

    Example: a child entering care on Mon 12 Sep 2022 has the first review due Tue 11 Oct
    2022 (20 WD, skipping the State Funeral bank holiday on 19 Sep); held on 11 Oct it is
    in timescale, on 20 Oct it is not; both count in Q3 2022-23.
    """
    return timeliness(children, period, REVIEW_RULES)


@measure(
    "P1.3",
    title="% of children and young people chairing their own reviews",
    section=INVOLVE,
    definition="Looked-after reviews chaired or co-chaired by the child.",
    cohort="looked-after reviews held in the period",
    numerator="reviews recorded with child_chaired = true",
    denominator="looked-after reviews held in the period",
    polarity=Polarity.HIGH,
    source="local: the IRO service's review records",
    unit="%",
    window=Window.PERIOD,
    needs=("review_held.child_chaired",),
)
def chairing_own_reviews(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Looked-after reviews held in the period that the child chaired or co-chaired.

    Example: of 4 reviews held in Q4 2017-18 (1 Jan to 31 Mar 2018), one recorded with
    `child_chaired: true` gives 25.0%.
    """
    held, chaired = [], []
    for e in children:
        for f in e.timeline.of_type("review_held"):
            if f.on in period and f.get("kind", "looked_after") == "looked_after":
                item = Item(e.child, f"review {fmt_date(f.on)}")
                held.append(item)
                if f.get("child_chaired"):
                    chaired.append(item)
    return ratio(chaired, held)


# --- Provide me with a good safe home ------------------------------------------------------

FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
RESIDENTIAL = frozenset({"K1", "K2", "R1", "S1"})
INTERNAL_PROVIDERS = frozenset({"PR1"})
EXTERNAL_PROVIDERS = frozenset({"PR2", "PR3", "PR4", "PR5"})


def _fostered_by(children: Children, day: date, providers: frozenset[str]) -> Figure:
    items = []
    for e, period in looked_after(children, day):
        p = placement_on(period, day)
        if p is not None and p.placement_type in FOSTER and p.start.get("provider_type") in providers:
            items.append(
                Item(
                    e.child,
                    f"{p.placement_type} {p.start.get('provider_type')} since {fmt_date(p.started_on)}",
                )
            )
    return count(items)


@measure(
    "P2.1",
    title="Number of cared for children in internal foster care (including friends and family placements)",
    section=HOME,
    definition="Children looked after on the day in a foster placement (U1-U6) provided by the council itself.",
    cohort="children looked after on the day whose placement is U1-U6 with provider type PR1",
    numerator="children in the council's own foster placements",
    polarity=Polarity.HIGH,
    source="SSDA903 PLACE (U1-U6) and PLACE_PROVIDER (PR1 own provision)",
    unit="children",
    window=Window.ON_THE_DAY,
    needs=("placement_started.provider_type",),
    seed_target="215",
)
def internal_foster_care(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Children in the council's own foster care (PR1) on the day, friends and family included.

    Example: placed U3 with PR1 on Mon 2 Oct 2017 and still there: counted on Sun 31 Dec
    2017 and Sat 31 Mar 2018.
    """
    return _fostered_by(children, period.end, INTERNAL_PROVIDERS)


@measure(
    "P2.2",
    title="Number of cared for children in external foster care",
    section=HOME,
    definition="Children looked after on the day in a foster placement not provided by the council (another council, public body, private or voluntary agency).",
    cohort="children looked after on the day whose placement is U1-U6 with provider type PR2-PR5",
    numerator="children in external foster placements",
    polarity=Polarity.LOW,
    source="SSDA903 PLACE (U1-U6) and PLACE_PROVIDER (PR2-PR5)",
    unit="children",
    window=Window.ON_THE_DAY,
    needs=("placement_started.provider_type",),
    seed_target="85",
)
def external_foster_care(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Children in external foster care (PR2-PR5) on the day.

    Example: placed U6 with an independent fostering agency (PR4) on Tue 2 Jan 2018:
    counted on Sat 31 Mar 2018, not on Sun 31 Dec 2017.
    """
    return _fostered_by(children, period.end, EXTERNAL_PROVIDERS)


@measure(
    "P2.3",
    title="% cared for children placed over 20 miles from home address (Cheshire East and out of borough)",
    section=HOME,
    definition="Children looked after on the day whose placement is more than 20 miles from their home address; unaccompanied asylum-seeking children excluded, as the seed does.",
    cohort="children looked after on the day, not UASC, whose current placement has a distance recorded",
    numerator="those placed more than 20 miles away",
    denominator="those with a distance recorded",
    polarity=Polarity.LOW,
    source="SSDA903 PL_DISTANCE; UASC from child_registered.uasc",
    unit="%",
    window=Window.ON_THE_DAY,
    needs=("placement_started.distance_miles",),
)
def placed_over_20_miles(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Placed over 20 miles from home on the day, of those with a distance, UASC excluded.

    Example: on Sat 31 Mar 2018, three children with distances 25.0, 12.5 and 20.0 miles
    give 1 of 3 = 33.3% (20.0 miles is not over 20); a UASC placed 60 miles away is left out.
    """
    over, measured = [], []
    excluded = 0
    for e, period_of_care in looked_after(children, period.end):
        if is_uasc(e.timeline):
            excluded += 1
            continue
        p = placement_on(period_of_care, period.end)
        distance = p.start.get("distance_miles") if p is not None else None
        if distance is None:
            continue
        item = Item(e.child, f"{distance} miles")
        measured.append(item)
        if distance > 20:
            over.append(item)
    return ratio(over, measured, excluded=excluded, excluded_because="unaccompanied asylum-seeking children")


@measure(
    "P2.4",
    title="% of children and young people in residential care",
    section=HOME,
    definition="Children looked after on the day placed in a secure unit, children's home, residential care home or residential school (K1, K2, R1, S1).",
    cohort="children looked after on the day",
    numerator="those whose placement is K1, K2, R1 or S1",
    denominator="children looked after on the day",
    polarity=Polarity.LOW,
    source="SSDA903 PLACE",
    unit="%",
    window=Window.ON_THE_DAY,
    needs=("placement_started",),
    seed_target="10",
)
def residential_care(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Share of children looked after on the day who live in residential care.

    Example: on Sun 31 Dec 2017, 1 child in a K2 children's home among 10 looked after
    gives 10.0%.
    """
    residential, everyone = [], []
    for e, period_of_care in looked_after(children, period.end):
        p = placement_on(period_of_care, period.end)
        item = Item(e.child, p.placement_type if p is not None else "no placement recorded")
        everyone.append(item)
        if p is not None and p.placement_type in RESIDENTIAL:
            residential.append(item)
    return ratio(residential, everyone)


not_yet_recordable(
    "P2.5",
    "Number of Cheshire East foster carers",
    HOME,
    needs="needs foster_household_approved (a register of the council's foster households, not a child's case event)",
    definition="Approved fostering households of the council on the day.",
    polarity=Polarity.HIGH,
    unit="households",
    window=Window.ON_THE_DAY,
    source="Ofsted fostering data collection",
    seed_target="165",
)


@measure(
    "P2.6",
    title="Long term placement stability - % cared for children in care for 2.5 years who have been in the same placement for 2 years (under 16 years old)",
    section=HOME,
    definition="Children under 16 on the day, looked after for at least 2.5 years, who have lived in the same placement for at least 2 years (or placed for adoption with their foster carers, with that placement and the one before together lasting 2 years).",
    cohort="children looked after on the year's last day, aged under 16, whose period of care began 2.5 years or more before it",
    numerator="those whose current placement began 2 years or more before the day",
    denominator="the cohort",
    polarity=Polarity.HIGH,
    source="DfE children looked after long-term stability measure (SSDA903)",
    unit="%",
    window=Window.YEAR_ONLY,
    needs=("placement_started",),
    seed_target="75",
)
def long_term_stability(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Of children under 16 looked after for 2.5 years on the day, those in one placement for 2 years.

    Example: on Sat 31 Mar 2018 the cohort entered care on or before Thu 30 Sep 2015; a
    child placed on Thu 31 Mar 2016 has been there 2 years and counts; one placed on
    Fri 1 Apr 2016 does not.
    """
    day = period.end
    in_care_since, placed_since = day - relativedelta(months=30), day - relativedelta(years=2)
    stable, cohort = [], []
    for e, period_of_care in looked_after(children, day):
        age = e.timeline.age_on(day)
        if age is None or age >= 16 or period_of_care.started_on > in_care_since:
            continue
        current = placement_on(period_of_care, day)
        item = Item(e.child, f"in care since {fmt_date(period_of_care.started_on)}")
        cohort.append(item)
        if current is None:
            continue
        since = current.started_on
        if current.placement_type in ("A3", "A5"):  # placed for adoption with the current foster carers
            earlier = [p for p in period_of_care.placements if p.started_on < current.started_on]
            if earlier:
                since = earlier[-1].started_on
        if since <= placed_since:
            stable.append(item)
    return ratio(stable, cohort)


@measure(
    "P2.7",
    title="Number of cared for children that went missing 5 times or more (quarterly figure is 5 or more times in any month in that quarter)",
    section=HOME,
    definition="Children who went missing 5 times or more while looked after: in a quarter, 5 or more episodes starting in one calendar month of it; for the year, 5 or more in the year.",
    cohort='missing episodes that started while the child was looked after; episodes of kind `away` (absent without authorisation) only if the council adds them to [report.measures."P2.7"] kinds',
    numerator="children with 5 or more such episodes",
    polarity=Polarity.LOW,
    source="local (the seed's definition); episodes from went_missing",
    unit="children",
    window=Window.PERIOD,
    needs=("went_missing",),
    params={"kinds": ("missing",), "times": 5},
    seed_target="5",
)
def missing_five_times(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Children missing 5+ times in any one month of the quarter (5+ in the year for the year).

    Example: a child looked after who went missing on 2, 5, 9, 16 and 30 Oct 2017 counts
    in Q3 2017-18; one missing on 27, 28, 29 Oct and 1, 2 Nov 2017 does not count in Q3
    (3 and 2 in a month) but counts in the year (5 in 2017-18).
    """
    kinds = set(params.get("kinds", ("missing",)))
    times = int(params.get("times", 5))
    items = []
    for e in children:
        tl = e.timeline
        starts = [
            ep.start.on
            for ep in tl.missing_episodes
            if ep.kind in kinds and ep.start.on in period and in_care_on(tl, ep.start.on) is not None
        ]
        if period.kind == "year":
            if len(starts) >= times:
                items.append(Item(e.child, f"{len(starts)} times in {period.label}"))
            continue
        per_month = Counter((d.year, d.month) for d in starts)
        worst = max(per_month.items(), key=lambda kv: kv[1], default=None)
        if worst is not None and worst[1] >= times:
            items.append(Item(e.child, f"{worst[1]} times in {date(worst[0][0], worst[0][1], 1):%b %Y}"))
    return count(items)


@measure(
    "P2.8",
    title="% of children and young people placed with providers with good/outstanding Ofsted judgements",
    section=HOME,
    definition="Children looked after on the day whose placement's provider was judged good or outstanding by Ofsted when they were placed.",
    cohort="children looked after on the day whose current placement has provider_ofsted recorded (not_inspected left out)",
    numerator="those with a good or outstanding provider",
    denominator="those with a judgement recorded",
    polarity=Polarity.HIGH,
    source="Ofsted judgements of placement providers (placement_started.provider_ofsted)",
    unit="%",
    window=Window.ON_THE_DAY,
    needs=("placement_started.provider_ofsted",),
)
def good_providers(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Children placed with good or outstanding providers on the day.

    Example: on Sat 31 Mar 2018, placements with "good", "outstanding" and
    "requires_improvement" providers give 2 of 3 = 67%.
    """
    good, judged = [], []
    for e, period_of_care in looked_after(children, period.end):
        p = placement_on(period_of_care, period.end)
        rating = p.start.get("provider_ofsted") if p is not None else None
        if rating is None or rating == "not_inspected":
            continue
        item = Item(e.child, f"provider {rating}")
        judged.append(item)
        if rating in GOOD_OR_BETTER:
            good.append(item)
    return ratio(good, judged)


def _ceased_share(children: Children, period: Period, reasons: frozenset[str], what: str) -> Figure:
    ceased, matching = [], []
    for e, p, reason in _ceased(children, period):
        item = Item(e.child, f"left care {fmt_date(p.end.on) if p.end else ''} ({reason})")
        ceased.append(item)
        if reason in reasons:
            matching.append(item)
    return ratio(matching, ceased)


@measure(
    "P2.9",
    title="% of children ceased to be looked after due to granting of special guardianship order (SGO) - year to date figure",
    section=HOME,
    definition="Periods of care that ended by a special guardianship order, of all that ended, from 1 April to the end of the quarter.",
    cohort="periods of care that ended in the year to date (short-break-only periods excluded)",
    numerator="those that ended with an SGO reason (903 REC, see events/codes.py SPECIAL_GUARDIANSHIP)",
    denominator="periods of care that ended",
    polarity=Polarity.HIGH,
    source="SSDA903 REC",
    unit="%",
    window=Window.YEAR_TO_DATE,
    needs=("left_care",),
    seed_target="12",
)
def ceased_sgo(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Share of periods of care ended by SGO, year to date.

    Example: from Sat 1 Apr 2017 to Sat 31 Mar 2018, 38 of 149 periods of care ended by
    SGO: 25.5% (the seed prints 26.0%, rounded; this report truncates).
    """
    return _ceased_share(children, period, frozenset(SPECIAL_GUARDIANSHIP), "special guardianship")


@measure(
    "P2.10",
    title="% of children ceased to be looked after due to adoption - year to date figure",
    section=HOME,
    definition="Periods of care that ended by adoption (E11, E12), of all that ended, from 1 April to the end of the quarter.",
    cohort="periods of care that ended in the year to date (short-break-only periods excluded)",
    numerator="those that ended by adoption (E11, E12)",
    denominator="periods of care that ended",
    polarity=Polarity.HIGH,
    source="SSDA903 REC",
    unit="%",
    window=Window.YEAR_TO_DATE,
    needs=("left_care",),
    seed_target="20",
)
def ceased_adoption(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Share of periods of care ended by adoption, year to date.

    Example: 15 of 149 periods of care ended by adoption in 2017-18: 10.0% (the seed's Q4).
    """
    return _ceased_share(children, period, frozenset(ADOPTED), "adoption")


def _adoptions(children: Children, period: Period) -> Iterator[tuple[Evaluation, PeriodOfCare]]:
    for e, p, reason in _ceased(children, period):
        if reason in ADOPTED:
            yield e, p


@measure(
    "P2.11",
    title="Number of children adopted in period (YTD)",
    section=HOME,
    definition="Children who ceased to be looked after by adoption (E11, E12) from 1 April to the end of the quarter.",
    cohort="periods of care that ended by adoption in the year to date",
    numerator="children adopted",
    polarity=Polarity.HIGH,
    source="SSDA903 REC (E11, E12)",
    unit="children",
    window=Window.YEAR_TO_DATE,
    needs=("left_care",),
    seed_target="30",
)
def adopted(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Children adopted in the year to date.

    Example: adopted (E11) on Tue 2 Jan 2018: counted in Q4 2017-18 and the year.
    """
    return count(
        Item(e.child, f"adopted {fmt_date(p.end.on) if p.end else ''}")
        for e, p in _adoptions(children, period)
    )


ADOPTIVE_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
WITH_FOSTER_CARERS = frozenset({"A3", "A5"})


def moved_in(p: PeriodOfCare, *, adjusted: bool) -> date | None:
    """The day the child moved in with the adoptive family in this period of care: the first
    adoptive placement (A3-A6) or placed_for_adoption. `adjusted`: for an adoption by the
    child's foster carers (A3, A5), the day they moved in with those carers (DfE A10)."""
    for i, placement in enumerate(p.placements):
        if placement.placement_type in ADOPTIVE_PLACEMENTS:
            if adjusted and placement.placement_type in WITH_FOSTER_CARERS and i > 0:
                return p.placements[i - 1].started_on
            return placement.started_on
    return None


def _days_to_adoptive_family(children: Children, period: Period, *, adjusted: bool) -> list[tuple[Item, int]]:
    out = []
    for e, p in _adoptions(children, period):
        if not p.start_known:  # already in care when the data begins: the day they entered is unknown
            continue
        day = moved_in(p, adjusted=adjusted)
        if day is None:
            placed = [f.on for f in e.timeline.of_type("placed_for_adoption") if p.started_on <= f.on]
            day = placed[0] if placed else None
        if day is not None:
            out.append(
                (
                    Item(e.child, f"entered care {fmt_date(p.started_on)}, moved in {fmt_date(day)}"),
                    (day - p.started_on).days,
                )
            )
    return out


@measure(
    "P2.12",
    title="% children who wait less than 14 months between entering care and moving in with adoptive family (This has changed to 14 months from 16 months)",
    section=HOME,
    definition="Children adopted in the year to date who moved in with their adoptive family (or the foster carers who adopted them) less than 14 months after entering care.",
    cohort="children adopted in the year to date with the day they moved in recorded",
    numerator="those who moved in less than 14 calendar months after entering care",
    denominator="children adopted with a moving-in day",
    polarity=Polarity.HIGH,
    source="DfE adoption scorecard A3 (14 months)",
    unit="%",
    window=Window.YEAR_TO_DATE,
    needs=("left_care",),
    params={"months": 14},
    seed_target="58",
)
def adopted_within_14_months(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Share of children adopted in the year to date who moved in within 14 months.

    Example: entered care Mon 3 Oct 2016; moved in on Mon 27 Nov 2017 (13 months 24 days):
    within; moved in on Tue 5 Dec 2017 (14 months 2 days): not.
    """
    months = int(params.get("months", 14))
    within, cohort = [], []
    for e, p in _adoptions(children, period):
        day = moved_in(p, adjusted=True)
        if day is None or not p.start_known:
            continue
        item = Item(e.child, f"entered care {fmt_date(p.started_on)}, moved in {fmt_date(day)}")
        cohort.append(item)
        if day < p.started_on + relativedelta(months=months):
            within.append(item)
    return ratio(within, cohort)


@measure(
    "P2.13",
    title="Average number of days between entering care and moving in with adoptive family (A1 national indicator)",
    section=HOME,
    definition="For children adopted in the year to date: the mean of the days from entering care to moving in with the adoptive family.",
    cohort="children adopted in the year to date with the day they moved in recorded",
    numerator="total days",
    denominator="children",
    polarity=Polarity.LOW,
    source="DfE adoption scorecard A1",
    unit="days",
    window=Window.YEAR_TO_DATE,
    needs=("left_care",),
    seed_target="426",
)
def a1_days(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Mean days from entering care to moving in with the adoptive family (A1), year to date.

    Example: entered Mon 3 Oct 2016, placed A6 on Mon 2 Oct 2017: 364 days; with another
    child at 400 days the figure is 382.0.
    """
    return average(_days_to_adoptive_family(children, period, adjusted=False))


@measure(
    "P2.14",
    title="Average number of days between placement order and match with adoptive family (A2 national indicator)",
    section=HOME,
    definition="For children adopted in the year to date: the mean of the days from the placement order to the match being approved.",
    cohort="children adopted in the year to date with a placement order and a match recorded",
    numerator="total days",
    denominator="children",
    polarity=Polarity.LOW,
    source="DfE adoption scorecard A2",
    unit="days",
    window=Window.YEAR_TO_DATE,
    needs=("placement_order_granted", "adoption_match_approved"),
    seed_target="121",
)
def a2_days(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Mean days from placement order to match approved (A2), year to date.

    Example: placement order Wed 5 Apr 2017, match approved Mon 12 Jun 2017: 68 days.
    """
    out = []
    for e, p in _adoptions(children, period):
        tl = e.timeline
        end = p.end.on if p.end else period.end
        orders = [f.on for f in tl.of_type("placement_order_granted") if p.started_on <= f.on <= end]
        matches = [f.on for f in tl.of_type("adoption_match_approved") if orders and orders[0] <= f.on <= end]
        if orders and matches:
            out.append(
                (
                    Item(e.child, f"order {fmt_date(orders[0])}, match {fmt_date(matches[0])}"),
                    (matches[0] - orders[0]).days,
                )
            )
    return average(out)


@measure(
    "P2.15",
    title="Average number of days between entering care and moving in with adoptive family/ foster carer who becomes adoptive family",
    section=HOME,
    definition="As P2.13, but for a child adopted by their foster carers (placed A3 or A5) counted to the day they moved in with those carers.",
    cohort="children adopted in the year to date with the day they moved in recorded",
    numerator="total days",
    denominator="children",
    polarity=Polarity.LOW,
    source="DfE adoption scorecard A10 (A1 adjusted for foster carer adoptions)",
    unit="days",
    window=Window.YEAR_TO_DATE,
    needs=("left_care",),
    seed_target="426",
)
def a10_days(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Mean days from entering care to moving in with the adoptive family or the foster
    carers who adopt (A10), year to date.

    Example: entered Mon 3 Oct 2016, placed U6 on Mon 3 Oct 2016 with carers who adopt,
    placed A5 with them on Mon 4 Dec 2017: 0 days (A1 would count 427).
    """
    return average(_days_to_adoptive_family(children, period, adjusted=True))


# --- Keep me healthy ------------------------------------------------------------------------


@measure(
    "P3.1",
    title="% of initial health assessments requested within 48 hours of coming into care",
    section=HEALTHY,
    definition="Children who came into care in the period whose initial health assessment was requested within 48 hours.",
    cohort="clocks of HLT-IHA-REQ that started (the child entered care) in the period; children who left care before it fell due excluded and counted apart",
    numerator="requests made within 48 hours",
    denominator="children who came into care",
    polarity=Polarity.HIGH,
    source="local: seed 000 IHA table and seed 004 P3.1 (rule HLT-IHA-REQ)",
    unit="%",
    window=Window.PERIOD,
    needs=("entered_care",),
    seed_target="70",
)
def iha_requested(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Of children entering care in the period, those whose IHA was requested in 48 hours.

    Example: entered care Mon 8 Jan 2018 10:00, requested Wed 10 Jan 09:00: within 48
    hours, counted in Q4 2017-18 ("24 of the 28 individuals who entered care").
    """
    return timeliness(children, period, ("HLT-IHA-REQ",), by="start")


@measure(
    "P3.2",
    title="% of initial health assessments completed by paediatricians within 20 working days",
    section=HEALTHY,
    definition="Initial health assessments that fell due in the period (20 WD from entering care) and were done by then.",
    cohort="clocks of HLT-IHA that fell due in the period; children who left care before the due date excluded and counted apart",
    numerator="assessments completed within 20 working days",
    denominator="assessments due in the period",
    polarity=Polarity.HIGH,
    source="statutory guidance, Promoting the health of looked-after children (2015) (rule HLT-IHA); seed 000",
    unit="%",
    window=Window.PERIOD,
    needs=("entered_care",),
    seed_target="100",
)
def iha_completed(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """IHAs due in the period that were completed within 20 working days.

    Example: entered care Fri 1 Sep 2017, IHA due Fri 29 Sep 2017 (Q2), completed that
    day: met. One child left care before the due date: excluded ("due to the child
    leaving care within that 20 day period").
    """
    return timeliness(children, period, ("HLT-IHA",))


@measure(
    "P3.3",
    title="Number of pregnant care leavers (eligible, relevant and former relevant) 16+",
    section=HEALTHY,
    definition="Care leavers (G3's cohort) known to be pregnant on the last day of the period.",
    cohort="G3's young people with a pregnancy_recorded not yet followed by pregnancy_ended on the day",
    numerator="pregnant care leavers",
    polarity=Polarity.LOW,
    source="local: the leaving care service's records (pregnancy_recorded)",
    unit="young people",
    window=Window.ON_THE_DAY,
    needs=("pregnancy_recorded",),
)
def pregnant_care_leavers(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Care leavers pregnant on the day.

    Example: an eligible 17-year-old with a pregnancy recorded on Mon 8 Jan 2018 and not
    ended counts on Sat 31 Mar 2018.
    """
    day = period.end
    items = []
    for e in children:
        tl = e.timeline
        since = eligibility(tl)
        age = tl.age_on(day)
        if since is None or since > day or age is None or not 16 <= age < 21:
            continue
        began = open_span_on(tl, "pregnancy_recorded", "pregnancy_ended", day)
        if began is not None:
            items.append(Item(e.child, f"pregnant since {fmt_date(began)}"))
    return count(items, "young people")


@measure(
    "P3.4",
    title="% of young people with a SDQ score of 20 or above",
    section=HEALTHY,
    definition="Children looked after on the day, aged 4 to 16, whose latest SDQ score in the 12 months before it was 20 or more.",
    cohort="children looked after on the day aged 4-16 with an SDQ score recorded in the 12 months up to the day",
    numerator="those whose latest score is 20 or above (a cause for concern)",
    denominator="the cohort",
    polarity=Polarity.LOW,
    source="sdq_completed scores, and SSDA903 OC2 SDQ_SCORE (annual_outcomes)",
    unit="%",
    window=Window.ON_THE_DAY,
    needs=("sdq_completed.score|annual_outcomes.sdq_score",),
)
def sdq_of_concern(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Latest SDQ scores of 20 or more among children looked after aged 4-16.

    Example: on Sat 31 Mar 2018 a 10-year-old with scores 14 (Mon 5 Jun 2017) and 22
    (Tue 2 Jan 2018) counts in the numerator; a score from Fri 31 Mar 2017 is too old.
    """
    day = period.end
    year_before = day - relativedelta(years=1)
    concern, scored = [], []
    for e, _ in looked_after(children, day):
        age = e.timeline.age_on(day)
        if age is None or not 4 <= age <= 16:
            continue
        scores = [
            (f.on, f.get("score", f.get("sdq_score")))
            for f in e.timeline.of_type("sdq_completed", "annual_outcomes")
            if f.get("score", f.get("sdq_score")) is not None and year_before < f.on <= day
        ]
        if not scores:
            continue
        on, score = scores[-1]
        item = Item(e.child, f"SDQ {score} on {fmt_date(on)}")
        scored.append(item)
        if score >= 20:
            concern.append(item)
    return ratio(concern, scored)


# --- Help me achieve --------------------------------------------------------------------


@measure(
    "P4.1",
    title="% of cared for children accessing 2-4 yr old provision (quarterly)",
    section=ACHIEVE,
    definition="Children looked after on the day, aged 2 or over and not yet of school age, who attend a funded early years place.",
    cohort="children looked after on the day aged 2 or over who were under 4 on the 31 August before (not yet in reception)",
    numerator="those with an early years place open on the day",
    denominator="the cohort",
    polarity=Polarity.HIGH,
    source="the virtual school's early years records (early_years_place_started)",
    unit="%",
    window=Window.ON_THE_DAY,
    needs=("early_years_place_started",),
    seed_target="90",
)
def early_years(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Children of 2-4 in care attending early years provision on the day.

    Example: born Thu 1 Oct 2015, 2 on Sat 31 Mar 2018 and 1 on 31 Aug 2017: in the
    cohort; with a place started on Mon 8 Jan 2018 they count ("30 out of the 31").
    """
    day = period.end
    august = date(day.year if day.month >= 9 else day.year - 1, 8, 31)
    attending, cohort = [], []
    for e, _ in looked_after(children, day):
        tl = e.timeline
        age, school_age = tl.age_on(day), tl.age_on(august)
        if age is None or school_age is None or age < 2 or school_age >= 4:
            continue
        item = Item(e.child, f"aged {age}")
        cohort.append(item)
        if open_span_on(tl, "early_years_place_started", "early_years_place_ended", day) is not None:
            attending.append(item)
    return ratio(attending, cohort)


@measure(
    "P4.2",
    title="Percentage of completed PEPs (Termly)",
    section=ACHIEVE,
    definition="School terms that ended in the period in which each looked-after child of school age had their PEP reviewed.",
    cohort="clocks of EDU-PEP-TERM that fell due (the term ended) in the period, per child",
    numerator="terms with a PEP review",
    denominator="child-terms due",
    polarity=Polarity.HIGH,
    source="statutory guidance, Promoting the education of looked-after children (rule EDU-PEP-TERM)",
    unit="%",
    window=Window.PERIOD,
    needs=("entered_care",),
    seed_target="90",
)
def peps_termly(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Termly PEPs completed, for terms ending in the period (autumn term in Q3, spring in Q4, summer in Q2).

    Example: autumn term 1 Sep to 31 Dec 2017; a PEP reviewed on Tue 14 Nov 2017 meets it,
    counted in Q3 2017-18.
    """
    return timeliness(children, period, ("EDU-PEP-TERM",))


PRIMARY, SECONDARY = "primary", "secondary"


def phase_of(tl: Timeline, fact_on: date, recorded: str | None) -> str | None:
    """The phase recorded, else from the age on the 31 August before: 4-10 primary, 11-15 secondary."""
    if recorded:
        return str(recorded)
    september = date(fact_on.year if fact_on.month >= 9 else fact_on.year - 1, 8, 31)
    age = tl.age_on(september)
    if age is None:
        return None
    if 4 <= age <= 10:
        return PRIMARY
    if 11 <= age <= 15:
        return SECONDARY
    return None


def _attendance(children: Children, period: Period, phase: str) -> Iterator[tuple[Evaluation, int, int]]:
    """(child, sessions possible, sessions absent) summed over attendance records ending in
    the period, for children looked after on its last day, in the phase."""
    for e, _ in looked_after(children, period.end):
        possible = absent = 0
        for f in e.timeline.of_type("school_attendance_recorded"):
            if f.on in period and phase_of(e.timeline, f.on, f.get("phase")) == phase:
                possible += int(f["sessions_possible"])
                absent += int(f["sessions_absent"])
        if possible:
            yield e, possible, absent


def _attendance_rate(children: Children, period: Period, phase: str) -> Figure:
    possible = absent = 0
    items = []
    for e, p, a in _attendance(children, period, phase):
        possible += p
        absent += a
        items.append(Item(e.child, f"{p - a} of {p} sessions"))
    if not possible:
        return Figure(None, "%", 0, 0)
    return fraction(possible - absent, possible, "%", scale=100, denominator_items=tuple(sorted(items)))


def _persistent_absence(children: Children, period: Period, phase: str, threshold: float) -> Figure:
    absent, pupils = [], []
    for e, p, a in _attendance(children, period, phase):
        item = Item(e.child, f"absent {a} of {p} sessions")
        pupils.append(item)
        if a * 100 >= threshold * p:
            absent.append(item)
    return ratio(absent, pupils)


ATTENDANCE_COHORT = "children looked after on the period's last day, with school attendance recorded for sessions ending in the period"


@measure(
    "P4.3",
    title="% attendance at primary school of children in care (quarterly figure is all cared for children at month end rather than those in care for 12mths which are published figs)",
    section=ACHIEVE,
    definition="Sessions attended out of sessions possible at primary school (the phase recorded, else aged 4-10 on 31 August).",
    cohort=ATTENDANCE_COHORT,
    numerator="sessions attended (possible - absent)",
    denominator="sessions possible",
    polarity=Polarity.HIGH,
    source="the virtual school's attendance returns (school census sessions)",
    unit="%",
    window=Window.PERIOD,
    needs=("school_attendance_recorded",),
    seed_target="95",
)
def primary_attendance(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Primary attendance over the period's sessions.

    Example: in Q4 2017-18 two primary pupils with 120/120 and 110/120 sessions attended
    give 230 of 240 = 95.8%.
    """
    return _attendance_rate(children, period, PRIMARY)


@measure(
    "P4.4",
    title="% attendance at secondary school of children in care (quarterly figure is all cared for children at month end rather than those in care for 12mths which are published figs)",
    section=ACHIEVE,
    definition="Sessions attended out of sessions possible at secondary school (the phase recorded, else aged 11-15 on 31 August).",
    cohort=ATTENDANCE_COHORT,
    numerator="sessions attended",
    denominator="sessions possible",
    polarity=Polarity.HIGH,
    source="the virtual school's attendance returns (school census sessions)",
    unit="%",
    window=Window.PERIOD,
    needs=("school_attendance_recorded",),
    seed_target="95",
)
def secondary_attendance(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Secondary attendance over the period's sessions.

    Example: 100 of 120 sessions in Q3 2017-18: 83.3%.
    """
    return _attendance_rate(children, period, SECONDARY)


@measure(
    "P4.5",
    title="% primary school age persistent absence of children in care (quarterly figure is all cared for at month end rather than those in care for 12mths which are published figs)",
    section=ACHIEVE,
    definition="Primary pupils who missed 10% or more of their possible sessions in the period (DfE persistent absence).",
    cohort=ATTENDANCE_COHORT + ", primary",
    numerator="pupils absent for 10% or more of sessions",
    denominator="primary pupils with attendance recorded",
    polarity=Polarity.LOW,
    source="DfE persistent absence (10% of possible sessions)",
    unit="%",
    window=Window.PERIOD,
    needs=("school_attendance_recorded",),
    params={"threshold_pct": 10},
    seed_target="10",
)
def primary_persistent_absence(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Primary pupils persistently absent in the period.

    Example: 12 of 120 sessions missed is 10%: persistently absent; 11 is not.
    """
    return _persistent_absence(children, period, PRIMARY, float(params.get("threshold_pct", 10)))


@measure(
    "P4.6",
    title="% secondary school age persistent absence of children in care (quarterly figure is all cared for at month end rather than those in care for 12mths which are published figs)",
    section=ACHIEVE,
    definition="Secondary pupils who missed 10% or more of their possible sessions in the period.",
    cohort=ATTENDANCE_COHORT + ", secondary",
    numerator="pupils absent for 10% or more of sessions",
    denominator="secondary pupils with attendance recorded",
    polarity=Polarity.LOW,
    source="DfE persistent absence (10% of possible sessions)",
    unit="%",
    window=Window.PERIOD,
    needs=("school_attendance_recorded",),
    params={"threshold_pct": 10},
    seed_target="10",
)
def secondary_persistent_absence(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Secondary pupils persistently absent in the period.

    Example: "19 out of 144 pupils had persistent absence" in Q4 2017-18: 13.1%.
    """
    return _persistent_absence(children, period, SECONDARY, float(params.get("threshold_pct", 10)))


def _exclusions(children: Children, period: Period, phase: str) -> Figure:
    items = []
    for e in children:
        for f in e.timeline.of_type("school_excluded"):
            if (
                f.on in period
                and f.get("kind") == "permanent"
                and phase_of(e.timeline, f.on, f.get("phase")) == phase
            ):
                if in_care_on(e.timeline, f.on) is not None:
                    items.append(Item(e.child, f"permanently excluded {fmt_date(f.on)}"))
    return count(items, "exclusions")


@measure(
    "P4.7",
    title="Number of Permanent Exclusions 1/2 termly - Primary",
    section=ACHIEVE,
    definition="Permanent exclusions from primary school of children looked after, in the period.",
    cohort="school_excluded facts of kind permanent dated in the period while the child was looked after",
    numerator="permanent exclusions",
    polarity=Polarity.LOW,
    source="the virtual school's exclusion records (school census)",
    unit="exclusions",
    window=Window.PERIOD,
    needs=("school_excluded",),
    seed_target="0",
)
def primary_exclusions(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Permanent exclusions, primary.

    Example: a Year 5 pupil looked after, permanently excluded on Mon 12 Mar 2018: 1 in Q4 2017-18.
    """
    return _exclusions(children, period, PRIMARY)


@measure(
    "P4.8",
    title="Number of Permanent Exclusions 1/2 termly - Secondary",
    section=ACHIEVE,
    definition="Permanent exclusions from secondary school of children looked after, in the period.",
    cohort="school_excluded facts of kind permanent dated in the period while the child was looked after",
    numerator="permanent exclusions",
    polarity=Polarity.LOW,
    source="the virtual school's exclusion records (school census)",
    unit="exclusions",
    window=Window.PERIOD,
    needs=("school_excluded",),
    seed_target="0",
)
def secondary_exclusions(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Permanent exclusions, secondary.

    Example: a suspension (fixed-term exclusion) is not counted; a permanent exclusion on
    Thu 5 Oct 2017 counts in Q3 2017-18.
    """
    return _exclusions(children, period, SECONDARY)


@measure(
    "P4.9",
    title="% of cared for children in good or outstanding schools",
    section=ACHIEVE,
    definition="Children looked after on the day whose school (of their latest attendance record in the year) was judged good or outstanding by Ofsted.",
    cohort="children looked after on the day with a school_attendance_recorded in the 12 months up to it giving school_ofsted (not_inspected left out)",
    numerator="those in good or outstanding schools",
    denominator="those with a judgement recorded",
    polarity=Polarity.HIGH,
    source="Ofsted judgements of schools, from the virtual school (school_attendance_recorded.school_ofsted)",
    unit="%",
    window=Window.ON_THE_DAY,
    needs=("school_attendance_recorded.school_ofsted",),
    seed_target="85",
)
def good_schools(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Children looked after in good or outstanding schools on the day.

    Example: the latest attendance record before Sat 31 Mar 2018 (Thu 29 Mar) says the
    school is "good": counted in the numerator.
    """
    day = period.end
    year_before = day - relativedelta(years=1)
    good, judged = [], []
    for e, _ in looked_after(children, day):
        ratings = [
            f.get("school_ofsted")
            for f in e.timeline.of_type("school_attendance_recorded")
            if year_before < f.on <= day and f.get("school_ofsted")
        ]
        if not ratings or ratings[-1] == "not_inspected":
            continue
        item = Item(e.child, f"school {ratings[-1]}")
        judged.append(item)
        if ratings[-1] in GOOD_OR_BETTER:
            good.append(item)
    return ratio(good, judged)


@measure(
    "P4.12",
    title="% 16-18 year olds in Care that are NEET (monthly)",
    section=ACHIEVE,
    definition="Young people looked after on the day aged 16 or 17 whose latest recorded activity was not education, employment or training (OC3 codes G4-G6).",
    cohort="children looked after on the day aged 16-17 with an education_status_recorded on or before it",
    numerator="those whose latest activity is G4, G5 or G6",
    denominator="the cohort",
    polarity=Polarity.LOW,
    source="the virtual school's tracking of 16-17 year olds (education_status_recorded, in 903 ACTIV codes)",
    unit="%",
    window=Window.ON_THE_DAY,
    needs=("education_status_recorded",),
    seed_target="20",
)
def neet_in_care(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Young people of 16-17 in care who are NEET on the day.

    Example: a 16-year-old recorded F2 (college) on Mon 4 Sep 2017 and G5 on Mon 5 Mar 2018
    is NEET on Sat 31 Mar 2018 ("there are 4 in total").
    """
    day = period.end
    neet, cohort = [], []
    for e, _ in looked_after(children, day):
        age = e.timeline.age_on(day)
        if age is None or not 16 <= age <= 17:
            continue
        statuses = [f for f in e.timeline.of_type("education_status_recorded") if f.on <= day]
        if not statuses:
            continue
        item = Item(e.child, f"{statuses[-1]['activity']} since {fmt_date(statuses[-1].on)}")
        cohort.append(item)
        if statuses[-1]["activity"] in NEET:
            neet.append(item)
    return ratio(neet, cohort)


OC3 = "care_leaver_outcome"
OC3_SOURCE = "SSDA903 OC3 (care_leaver_outcome: activity and accommodation around the 17th to 21st birthdays)"


def _outcomes(children: Children, period: Period, ages: range) -> Iterator[tuple[Evaluation, Any, int]]:
    """Care leavers' OC3 outcomes dated (on the birthday) in the period, at the given ages."""
    for e in children:
        for f in e.timeline.of_type(OC3):
            if f.on not in period:
                continue
            age = e.timeline.age_on(f.on)
            if age is not None and age in ages:
                yield e, f, age


def _oc3_share(
    children: Children,
    period: Period,
    ages: range,
    field_name: str,
    wanted: frozenset[str],
    *,
    known_only: bool = False,
) -> Figure:
    hits, cohort = [], []
    for e, f, age in _outcomes(children, period, ages):
        code = f.get(field_name)
        if code is None or (known_only and (code == "0" or len(code) != 2 or code[1] not in "12")):
            continue
        item = Item(e.child, f"{field_name} {code} at {age} ({fmt_date(f.on)})")
        cohort.append(item)
        if code in wanted:
            hits.append(item)
    return ratio(hits, cohort)


NEET = frozenset({"G4", "G5", "G6"})
HIGHER_EDUCATION = frozenset({"F1", "P1"})
APPRENTICESHIP = frozenset({"F5", "P5"})


@measure(
    "P4.13",
    title="% 16-18 year old Care leavers that are NEET",
    section=ACHIEVE,
    definition="Care leavers whose activity around their 17th or 18th birthday in the period was not education, employment or training (903 ACTIV G4-G6).",
    cohort="OC3 outcomes recorded for a 17th or 18th birthday in the period, with an activity",
    numerator="activity G4, G5 or G6",
    denominator="outcomes with an activity (0, not known, included)",
    polarity=Polarity.LOW,
    source=OC3_SOURCE,
    unit="%",
    window=Window.PERIOD,
    needs=("care_leaver_outcome.activity",),
    seed_target="40",
)
def neet_16_to_18(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Care leavers aged 17-18 NEET at their birthday in the period.

    Example: "3 out of a cohort of 25 young people" NEET: 12%.
    """
    return _oc3_share(children, period, range(17, 19), "activity", NEET)


@measure(
    "P4.14",
    title="% 19 - 21 year Care leavers NEET",
    section=ACHIEVE,
    definition="Care leavers whose activity around their 19th, 20th or 21st birthday in the period was NEET (903 ACTIV G4-G6).",
    cohort="OC3 outcomes recorded for a 19th, 20th or 21st birthday in the period, with an activity",
    numerator="activity G4, G5 or G6",
    denominator="outcomes with an activity",
    polarity=Polarity.LOW,
    source=OC3_SOURCE,
    unit="%",
    window=Window.PERIOD,
    needs=("care_leaver_outcome.activity",),
    seed_target="45",
)
def neet_19_to_21(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Care leavers aged 19-21 NEET at their birthday in the period.

    Example: a 20th birthday on Sat 30 Dec 2017 with activity G5 counts in Q3 2017-18.
    """
    return _oc3_share(children, period, range(19, 22), "activity", NEET)


# --- Support me to move into adult life ------------------------------------------------------


@measure(
    "P5.1",
    title="% of care leavers accessing Higher Education (University)",
    section=ADULT,
    definition="Care leavers whose activity around a 17th-21st birthday in the period was higher education (903 ACTIV F1, P1).",
    cohort="OC3 outcomes recorded for a 17th to 21st birthday in the period, with an activity",
    numerator="activity F1 or P1",
    denominator="outcomes with an activity",
    polarity=Polarity.HIGH,
    source=OC3_SOURCE,
    unit="%",
    window=Window.PERIOD,
    needs=("care_leaver_outcome.activity",),
)
def higher_education(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Care leavers in higher education at their birthday in the period.

    Example: 1 of 10 outcomes in Q4 2017-18 with activity F1: 10%.
    """
    return _oc3_share(children, period, range(17, 22), "activity", HIGHER_EDUCATION)


@measure(
    "P5.2",
    title="Number of Cheshire East care leavers in apprenticeships (18+)",
    section=ADULT,
    definition="Care leavers whose activity around an 18th-21st birthday in the period was an apprenticeship (903 ACTIV F5, P5).",
    cohort="OC3 outcomes recorded for an 18th to 21st birthday in the period",
    numerator="activity F5 or P5",
    polarity=Polarity.HIGH,
    source=OC3_SOURCE,
    unit="young people",
    window=Window.PERIOD,
    needs=("care_leaver_outcome.activity",),
)
def apprenticeships(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Care leavers aged 18+ in an apprenticeship at their birthday in the period.

    Example: an 18th birthday on Wed 2 Aug 2017 with activity F5 counts in Q2 2017-18.
    """
    return count(
        (
            Item(e.child, f"{f.get('activity')} at {age}")
            for e, f, age in _outcomes(children, period, range(18, 22))
            if f.get("activity") in APPRENTICESHIP
        ),
        "young people",
    )


@measure(
    "P5.3",
    title="The number of young people with a CSE plan - All Individuals",
    section=ADULT,
    definition="Children and young people with a child sexual exploitation plan open on the last day of the period.",
    cohort="every child with a cse_plan_started not yet followed by cse_plan_ended on the day",
    numerator="children with a CSE plan",
    polarity=Polarity.NONE,
    source="local: CSE plans (cse_plan_started, cse_plan_ended)",
    unit="children",
    window=Window.ON_THE_DAY,
    needs=("cse_plan_started",),
)
def cse_plans(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Children with a CSE plan open on the day.

    Example: a plan started Tue 2 Jan 2018 and ended Fri 30 Mar 2018 (Good Friday) is not
    open on Sat 31 Mar 2018; one still open is.
    """
    items = []
    for e in children:
        began = open_span_on(e.timeline, "cse_plan_started", "cse_plan_ended", period.end)
        if began is not None:
            items.append(Item(e.child, f"CSE plan since {fmt_date(began)}"))
    return count(items)


@measure(
    "P5.5",
    title="% of care leavers in suitable accommodation",
    section=ADULT,
    definition="Care leavers whose accommodation around a 17th-21st birthday in the period was suitable (903 ACCOM ending in 1).",
    cohort="OC3 outcomes recorded for a 17th to 21st birthday in the period whose accommodation says suitable (1) or not (2)",
    numerator="suitable accommodation",
    denominator="outcomes with suitability recorded",
    polarity=Polarity.HIGH,
    source=OC3_SOURCE,
    unit="%",
    window=Window.PERIOD,
    needs=("care_leaver_outcome.accommodation",),
    seed_target="96",
)
def suitable_accommodation(
    children: Children, period: Period, params: Mapping[str, Any], calendar: Any
) -> Figure:
    """Care leavers in suitable accommodation at their birthday in the period.

    Example: "3 individuals considered to be in unsuitable accommodation - 2 where
    residence is unknown (R2) ... and 1 of no fixed abode (S2)", of 150 with suitability
    recorded: 147 of 150 = 98%.
    """
    suitable = frozenset(
        code for code in ("B1", "C1", "D1", "E1", "G1", "H1", "K1", "R1", "T1", "U1", "V1", "W1", "Y1", "Z1")
    )
    return _oc3_share(children, period, range(17, 22), "accommodation", suitable, known_only=True)


@measure(
    "P5.6",
    title="Number of cared for children offending",
    section=ADULT,
    definition="Children looked after for 12 months at 31 March who were convicted or given a final warning or reprimand in the year (903 OC2 CONVICTED).",
    cohort="annual_outcomes (OC2) dated 31 March of the year with convicted recorded",
    numerator="children with convicted = true",
    polarity=Polarity.LOW,
    source="SSDA903 OC2 CONVICTED (annual_outcomes)",
    unit="children",
    window=Window.YEAR_ONLY,
    needs=("annual_outcomes.convicted",),
)
def offending(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Children looked after offending in the year (OC2), reported for the year only.

    Example: OC2 at Sat 31 Mar 2018 with `convicted: true` counts in 2017-18.
    """
    return count(
        Item(e.child, f"OC2 {fmt_date(f.on)}")
        for e in children
        for f in e.timeline.of_type("annual_outcomes")
        if f.on in period and f.get("convicted") is True
    )


@measure(
    "P5.4",
    title="Number of individual offences committed by cared for children",
    section=ADULT,
    definition="Offences committed in the period by children who were looked after on the day of the offence.",
    cohort="offence_recorded facts dated in the period while the child was looked after",
    numerator="offences",
    polarity=Polarity.LOW,
    source="the youth justice service (offence_recorded)",
    unit="offences",
    window=Window.PERIOD,
    needs=("offence_recorded",),
)
def offences(children: Children, period: Period, params: Mapping[str, Any], calendar: Any) -> Figure:
    """Offences by children looked after, in the period.

    Example: two offences on Sat 6 Jan 2018 by a child in care count 2 in Q4 2017-18; one
    committed after the child left care does not count.
    """
    return count(
        (
            Item(e.child, f"offence {fmt_date(f.on)}")
            for e in children
            for f in e.timeline.of_type("offence_recorded")
            if f.on in period and in_care_on(e.timeline, f.on) is not None
        ),
        "offences",
    )


#: The seed scorecard's 43 measures, in its order (seed 004, Appendix 1).
SEED_MEASURES: tuple[str, ...] = (
    "G1",
    "G2",
    "G3",
    "P1.1",
    "P1.2",
    "P1.3",
    *(f"P2.{n}" for n in range(1, 16)),
    *(f"P3.{n}" for n in range(1, 5)),
    *(f"P4.{n}" for n in range(1, 10)),
    "P4.12",
    "P4.13",
    "P4.14",
    *(f"P5.{n}" for n in range(1, 7)),
)


def ordered(ids: Iterable[str] | None = None) -> list[MeasureSpec]:
    wanted = list(ids) if ids is not None else list(SEED_MEASURES)
    return [MEASURES[i] for i in wanted]


__all__ = [
    "MEASURES",
    "REPORT_RULES",
    "SEED_MEASURES",
    "MeasureSpec",
    "Polarity",
    "Window",
    "in_care_on",
    "placement_on",
]
