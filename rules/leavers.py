"""Care leavers: eligibility, needs assessment, pathway plans, personal adviser, contact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from events.codes import SHORT_BREAK_STATUSES
from events.timeline import Fact, Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, calendar_trigger, first_on_or_after, rule
from rules.timescales import Deadline, Timescale, fmt_date

CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"
THIRTEEN_WEEKS = 91


def eligibility(tl: Timeline) -> date | None:
    """CL-ELIG: the date the child became an *eligible child* (CPPCR reg 40), if they did.

    Several care-leaver rules need it; it is worked out once per timeline.
    """
    return tl.memo("CL-ELIG", lambda: _eligibility(tl))


def _eligibility(tl: Timeline) -> date | None:
    """CL-ELIG, computed.

    Eligible: looked after for at least 13 weeks in total since the 14th birthday (short
    breaks excluded) and still looked after at 16 or 17. The date is the later of the 16th
    birthday and the day the 13 weeks are reached, provided the child is looked after then.
    """
    fourteen, sixteen, eighteen = tl.birthday(14), tl.birthday(16), tl.birthday(18)
    if fourteen is None or sixteen is None or eighteen is None:
        return None
    total = 0
    reached: date | None = None
    for period in tl.periods:
        if period.legal_statuses and period.legal_statuses[0][1] in SHORT_BREAK_STATUSES:
            continue
        start = max(period.started_on, fourteen)
        end = period.ended_on or date.max
        if end <= start:
            continue
        days_available = (min(end, eighteen) - start).days
        if total + days_available >= THIRTEEN_WEEKS:
            reached = start + timedelta(days=THIRTEEN_WEEKS - total)
            break
        total += max(0, days_available)
    if reached is None:
        return None
    candidate = max(reached, sixteen)
    if candidate >= eighteen or tl.period_on(candidate) is None:
        # Must still be looked after when both conditions hold.
        for period in tl.periods:
            if period.legal_statuses and period.legal_statuses[0][1] in SHORT_BREAK_STATUSES:
                continue
            later = max(period.started_on, candidate)
            if later < eighteen and period.includes(later):
                return later
        return None
    return candidate


def _twenty_first(tl: Timeline) -> tuple[date, str] | None:
    day = tl.birthday(21)
    return (day, "reached 21") if day is not None else None


@rule(
    "CL-ASSESS",
    title="Care leaver needs assessment",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 42(1)",
    params={"within": Timescale(3, "months")},
    theme=themes.CARE_PLANNING,
)
def needs_assessment(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """An eligible child's needs are assessed within 3 months of the 16th birthday, or of becoming eligible if later.

    Source: CPPCR 2010 reg 42(1); eligibility per reg 40 (see `eligibility`).

    Worked examples:
    - Met: born 10 Jan 2008, looked after since 2021: eligible on the 16th birthday Wed 10
      Jan 2024; assessment due Wed 10 Apr 2024; completed Tue 2 Apr 2024: met.
    - Later eligibility: entered care Mon 4 Mar 2024 aged 16: eligible after 13 weeks, on
      Mon 3 Jun 2024; due Tue 3 Sep 2024.
    """
    start = eligibility(tl)
    if start is None or start > ctx.as_of:  # not (yet) an eligible child
        return
    assessments = tl.of_type("needs_assessment_completed")
    met = first_on_or_after(assessments, start) or (assessments[-1] if assessments else None)
    yield ctx.obligation(tl, start=start, deadline=ctx.deadline(start), met_by=met, title=None)


@rule(
    "CL-PATH",
    title="Pathway plan recorded",
    basis=Basis.LOCAL,
    citation=f"{CPPCR}, reg 43 ('as soon as possible' after the assessment); local 10 working days",
    params={"within": Timescale(10, "working_days")},
    theme=themes.CARE_PLANNING,
)
def pathway_plan(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A pathway plan is recorded within 10 working days of the needs assessment.

    Source: CPPCR 2010 reg 43 ("as soon as possible"); the 10-working-day default is local
    and configurable.

    Worked examples:
    - Met: assessment Fri 22 Mar 2024; 10 working days, skipping Good Friday 29 Mar and
      Easter Monday 1 Apr 2024, is Tue 9 Apr 2024; plan recorded Tue 9 Apr 2024: met.
    - Missed: plan recorded Wed 10 Apr 2024: late by 1 working day.
    """
    plans = tl.of_type("pathway_plan_recorded")
    for assessment in tl.of_type("needs_assessment_completed"):
        met = first_on_or_after(plans, assessment.on)
        yield ctx.obligation(
            tl,
            start=assessment,
            deadline=ctx.deadline(assessment.on),
            met_by=met,
            closed=_twenty_first(tl),
            discriminator=str(assessment.seq),
        )


@rule(
    "CL-PATH-REV",
    title="Pathway plan review",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 44; Care Leavers (England) Regulations 2010, reg 7",
    params={"within": Timescale(6, "months")},
    theme=themes.CARE_PLANNING,
)
def pathway_plan_review(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A pathway plan is reviewed at intervals of not more than 6 months.

    Source: CPPCR 2010 reg 44 and the Care Leavers (England) Regulations 2010 reg 7. A
    pathway-plan review (`review_held` of kind `pathway_plan`) or a new plan resets the
    clock, until the young person is 21.

    Worked examples:
    - Met: plan Mon 8 Apr 2024; review due Tue 8 Oct 2024; reviewed Mon 30 Sep 2024: met.
    - Month end: plan Sat 31 Aug 2024; due Fri 28 Feb 2025.
    """
    events = [
        f
        for f in tl.facts
        if f.type == "pathway_plan_recorded" or (f.type == "review_held" and f.get("kind") == "pathway_plan")
    ]
    yield from ctx.intervals(tl, events, closed=_twenty_first(tl))


@rule(
    "CL-PA",
    title="Personal adviser allocated",
    basis=Basis.REG,
    citation="Children Act 1989 s23B(2) and s23D; CPPCR 2010 reg 44",
    params={"after_sixteenth": Timescale(3, "months")},
    theme=themes.CARE_PLANNING,
)
def personal_adviser(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """An eligible child has a personal adviser by 3 months after the 16th birthday (or on becoming eligible, if later).

    Source: Children Act 1989 s23B(2)/s23D. The clock starts when the child becomes
    eligible; the due date is the 16th birthday + 3 months, or the eligibility date if later.

    Worked examples:
    - Met: eligible on the 16th birthday Wed 10 Jan 2024; due Wed 10 Apr 2024; adviser
      allocated Mon 8 Apr 2024: met.
    - Missed: no adviser by Mon 15 Apr 2024: overdue.
    """
    start = eligibility(tl)
    sixteen = tl.birthday(16)
    if start is None or sixteen is None or start > ctx.as_of:
        return
    by_sixteen = ctx.deadline(sixteen, "after_sixteenth")
    deadline = by_sixteen
    if start > by_sixteen.due:  # type: ignore[operator]
        deadline = Deadline(start, f"on becoming eligible, {fmt_date(start)}")
    advisers = [
        f
        for f in tl.facts
        if f.type == "personal_adviser_allocated"
        or (f.type == "worker_allocated" and f.get("role") == "personal_adviser")
    ]
    met = first_on_or_after(advisers, start) or (advisers[-1] if advisers else None)
    yield ctx.obligation(tl, start=start, deadline=deadline, met_by=met)


def _former_relevant(tl: Timeline) -> Fact | None:
    """The left_care of an eligible young person leaving care at 16 or over."""
    start = eligibility(tl)
    sixteen = tl.birthday(16)
    if start is None or sixteen is None:
        return None
    for period in tl.periods:
        if period.end is not None and period.end.on >= max(start, sixteen):
            return period.end
    return None


@rule(
    "CL-CONTACT",
    title="Contact with a care leaver",
    basis=Basis.LOCAL,
    citation="Children Act 1989 s23C(2) (keep in touch); local interval 8 weeks",
    params={"within": Timescale(8, "weeks")},
    theme=themes.COMMUNICATION,
)
def care_leaver_contact(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The council keeps in touch with a former relevant child at intervals of not more than 8 weeks, until 21.

    Source: Children Act 1989 s23C(2) (the duty to keep in touch); the interval is local
    and configurable. Only contacts where the young person was in touch count.

    Worked examples:
    - Met: left care Fri 1 Mar 2024 aged 18; contact due Fri 26 Apr 2024; contact Mon 22 Apr 2024: met.
    - Missed: next due Mon 17 Jun 2024; none by Mon 24 Jun 2024: overdue.
    """
    left = _former_relevant(tl)
    if left is None:
        return
    contacts = [f for f in tl.of_type("care_leaver_contact") if f.on >= left.on and f.get("in_touch", True)]
    yield from ctx.intervals(tl, [left, *contacts], closed=_twenty_first(tl))


@calendar_trigger
def leaving_care_dates(tl: Timeline, as_of: date) -> list[date]:
    """Eligibility (CL-ASSESS, CL-PA start) and the 21st birthday (care-leaver clocks stop).

    Eligibility is judged on the record as it stands: if the child stays in care, the date
    it is reached is a calendar trigger even though nothing more is recorded.
    """
    days = [d for d in (eligibility(tl), tl.birthday(21)) if d is not None]
    if tl.dob is not None and tl.period_on(as_of) is not None:
        days += [d for d in (tl.birthday(16),) if d is not None]
    return days
