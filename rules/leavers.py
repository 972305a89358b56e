"""Care leavers: eligibility, needs assessment, pathway plans, personal adviser, contact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from events.codes import SHORT_BREAK_STATUSES
from events.timeline import Fact, PeriodOfCare, Timeline
from rules import themes
from rules.obligation import Basis, Obligation, day_of
from rules.registry import RuleContext, calendar_trigger, earliest, first_on_or_after, rule
from rules.timescales import Deadline, Timescale, fmt_date

CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"
THIRTEEN_WEEKS = 91  # days (CPPCR reg 40: "13 weeks")


def looked_after_spans(tl: Timeline) -> list[tuple[date, date]]:
    """The spans [first day, day after the last) the child was looked after, short breaks excluded.

    A span under legal status V3 or V4 (an agreed series of short breaks) does not count
    towards eligibility (CPPCR reg 40(2)); neither does a period still open run to
    `date.max`. Adjoining spans are merged.
    """
    spans: list[tuple[date, date]] = []
    for period in tl.periods:
        end = period.ended_on or date.max
        statuses = period.legal_statuses
        for i, (since, code) in enumerate(statuses):
            until = min(statuses[i + 1][0], end) if i + 1 < len(statuses) else end
            if code in SHORT_BREAK_STATUSES or until <= since:
                continue
            if spans and spans[-1][1] >= since:
                spans[-1] = (spans[-1][0], max(spans[-1][1], until))
            else:
                spans.append((since, until))
    return spans


def eligibility(tl: Timeline) -> date | None:
    """CL-ELIG: the date the child became an *eligible child* (CPPCR reg 40), or None.

    Eligible: looked after for at least 13 weeks (91 days) in total since the 14th
    birthday, short breaks excluded, and still looked after at 16 or 17. The date is the
    later of the 16th birthday and the day the 13 weeks are complete, or, if the child
    was not looked after then, the next day before the 18th birthday on which they are.

    The timeline is cut at `as_of` and a period of care still open is taken to go on, so
    the date can lie after `as_of` (the child will become eligible if nothing changes).
    Days are counted from the day the child entered care up to the day before they left
    (`PeriodOfCare.includes`). Several rules need it; it is worked out once per timeline.

    Examples (born Thu 10 Jan 2008, 16 on Wed 10 Jan 2024):
    - entered care Wed 11 Oct 2023: 91 days are complete at the end of Tue 9 Jan 2024, so
      eligible on the 16th birthday, Wed 10 Jan 2024;
    - entered care Thu 12 Oct 2023: one day short at 16, eligible on Thu 11 Jan 2024.
    """
    return tl.memo("CL-ELIG", lambda: _eligibility(tl))


def _eligibility(tl: Timeline) -> date | None:
    fourteen, sixteen, eighteen = tl.birthday(14), tl.birthday(16), tl.birthday(18)
    if fourteen is None or sixteen is None or eighteen is None:
        return None
    spans = looked_after_spans(tl)
    total = 0
    reached: date | None = None
    for first, after_last in spans:
        first, after_last = max(first, fourteen), min(after_last, eighteen)
        if after_last <= first:
            continue
        days = (after_last - first).days
        if total + days >= THIRTEEN_WEEKS:
            reached = first + timedelta(days=THIRTEEN_WEEKS - total)
            break
        total += days
    if reached is None:
        return None
    candidate = max(reached, sixteen)
    for first, after_last in spans:
        day = max(first, candidate)
        if day < after_last and day < eighteen:
            return day
    return None


def _eligible_note(tl: Timeline, day: date) -> str:
    """Why the clock starts when it does, for the explanation."""
    if day == tl.birthday(16):
        return f"Eligible child (CPPCR reg 40) from the 16th birthday, {fmt_date(day)}: looked after for 13 weeks since the 14th birthday"
    return (
        f"Eligible child (CPPCR reg 40) from {fmt_date(day)}: aged 16 or 17, looked after, "
        "and 13 weeks looked after in all since the 14th birthday"
    )


def _stops(tl: Timeline, *also: tuple[date, str] | None) -> tuple[date, str] | None:
    """The earliest of the 21st birthday ("reached 21") and any other stop given."""
    twenty_one = tl.birthday(21)
    return earliest(*also, (twenty_one, "reached 21") if twenty_one else None)


def _before_21(tl: Timeline, obligations: Iterator[Obligation]) -> Iterator[Obligation]:
    """No new clock starts on or after the 21st birthday."""
    twenty_one = tl.birthday(21)
    return (o for o in obligations if twenty_one is None or o.started_on < twenty_one)


@rule(
    "CL-ASSESS",
    title="Care leaver needs assessment",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 42(1); eligibility reg 40",
    params={"within": Timescale(3, "months")},
    theme=themes.CARE_PLANNING,
)
def needs_assessment(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """An eligible child's needs are assessed within 3 months of the 16th birthday, or of becoming eligible if later.

    Source: CPPCR 2010 reg 42(1); eligibility per reg 40 (see `eligibility`). The clock
    starts on the eligibility date, which is never before the 16th birthday. An assessment
    completed before that date (in readiness) counts. Leaving care does not stop the duty.

    Worked examples:
    - Met: born Thu 10 Jan 2008, looked after since 2021: eligible on the 16th birthday Wed
      10 Jan 2024; assessment due Wed 10 Apr 2024; completed Tue 2 Apr 2024: met.
    - Missed: completed Thu 11 Apr 2024: late.
    - Later eligibility: entered care Mon 4 Mar 2024 aged 16: 13 weeks complete on Mon 3
      Jun 2024, the eligibility date; due Tue 3 Sep 2024.
    """
    start = eligibility(tl)
    if start is None or start > ctx.as_of:  # not (yet) an eligible child
        return
    assessments = tl.of_type("needs_assessment_completed")
    met = first_on_or_after(assessments, start) or (assessments[-1] if assessments else None)
    yield ctx.obligation(
        tl,
        start=start,
        deadline=ctx.deadline(start),
        met_by=met,
        closed=_stops(tl),
        notes=[_eligible_note(tl, start)],
    )


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
    and configurable. Each completed assessment starts a clock; the 21st birthday stops it.

    Worked examples:
    - Met: assessment Fri 22 Mar 2024; 10 working days, skipping Good Friday 29 Mar and
      Easter Monday 1 Apr 2024, is Tue 9 Apr 2024; plan recorded Tue 9 Apr 2024: met.
    - Missed: plan recorded Wed 10 Apr 2024: late by 1 working day.
    """
    plans = tl.of_type("pathway_plan_recorded")
    closed = _stops(tl)
    obligations = (
        ctx.obligation(
            tl,
            start=assessment,
            deadline=ctx.deadline(assessment.on),
            met_by=first_on_or_after(plans, assessment.on),
            closed=closed,
            discriminator=str(assessment.seq),
        )
        for assessment in tl.of_type("needs_assessment_completed")
    )
    yield from _before_21(tl, obligations)


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
    clock, measured from the day it actually happened, until the young person is 21.

    Worked examples:
    - Met: plan Tue 9 Apr 2024; review due Wed 9 Oct 2024; reviewed Mon 30 Sep 2024: met.
    - Missed: reviewed Thu 10 Oct 2024: late.
    - Month end: plan Sat 31 Aug 2024; due Fri 28 Feb 2025.
    """
    chain = [
        f
        for f in tl.of_type("pathway_plan_recorded", "review_held")
        if f.type == "pathway_plan_recorded" or f.get("kind") == "pathway_plan"
    ]
    yield from _before_21(tl, ctx.intervals(tl, chain, closed=_stops(tl)))


@rule(
    "CL-PA",
    title="Personal adviser allocated",
    basis=Basis.REG,
    citation="Children Act 1989 s23B(2), s23D and Sch 2 para 19C; local 3 months after the 16th birthday",
    params={"after_sixteenth": Timescale(3, "months")},
    theme=themes.CARE_PLANNING,
)
def personal_adviser(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """An eligible child has a personal adviser by 3 months after the 16th birthday, or on becoming eligible if that is later.

    Source: Children Act 1989 s23B(2), s23D, Sch 2 para 19C; the 3 months are configurable
    (setting `after_sixteenth`, as in force on the day the child became eligible). The
    clock starts on the eligibility date. A young person who becomes eligible after the 16th
    birthday + 3 months needs an adviser at once: the due date is the eligibility date. An
    adviser allocated before eligibility (`personal_adviser_allocated`, or
    `worker_allocated` with role `personal_adviser`) counts.

    Worked examples:
    - Met: eligible on the 16th birthday Wed 10 Jan 2024; due Wed 10 Apr 2024; adviser
      allocated Mon 8 Apr 2024: met.
    - Missed: no adviser by Mon 15 Apr 2024: overdue.
    - Eligible late: born Thu 10 Jan 2008, entered care Mon 4 Mar 2024: eligible Mon 3 Jun
      2024, after Wed 10 Apr 2024: due Mon 3 Jun 2024.
    """
    start = eligibility(tl)
    sixteen = tl.birthday(16)
    if start is None or sixteen is None or start > ctx.as_of:
        return
    timescale: Timescale = ctx.param("after_sixteenth", on=start)
    deadline = ctx.judge.deadline(timescale, sixteen)
    if start > day_of(deadline.due):
        by = fmt_date(day_of(deadline.due))
        deadline = Deadline(
            start, f"on becoming eligible, {fmt_date(start)} ({timescale} after the 16th birthday was {by})"
        )
    advisers = [
        f
        for f in tl.of_type("personal_adviser_allocated", "worker_allocated")
        if f.type == "personal_adviser_allocated" or f.get("role") == "personal_adviser"
    ]
    met = first_on_or_after(advisers, start) or (advisers[-1] if advisers else None)
    yield ctx.obligation(
        tl, start=start, deadline=deadline, met_by=met, closed=_stops(tl), notes=[_eligible_note(tl, start)]
    )


def _left_care_as_former_relevant(tl: Timeline) -> list[tuple[Fact, PeriodOfCare | None]]:
    """Each time an eligible young person (16 or over) left care, with the next period of care, if any.

    Leaving a period of short breaks (V3/V4 on the last day) does not count.
    """
    eligible = eligibility(tl)
    if eligible is None:
        return []
    out: list[tuple[Fact, PeriodOfCare | None]] = []
    for i, period in enumerate(tl.periods):
        end, ended_on = period.end, period.ended_on
        if end is None or ended_on is None or ended_on <= eligible:
            continue
        if period.legal_status_on(ended_on - timedelta(days=1)) in SHORT_BREAK_STATUSES:
            continue
        following = tl.periods[i + 1] if i + 1 < len(tl.periods) else None
        out.append((end, following))
    return out


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
    and configurable. The first clock starts when an eligible young person leaves care at
    16 or over, then each contact where the young person was in touch (`in_touch` true)
    restarts it. Returning to care stops it ("entered care again"; the next leaving starts
    it afresh); so does the 21st birthday ("reached 21"). Staying in touch to 25 for those
    in education is not modelled.

    Worked examples:
    - Met: left care Fri 1 Mar 2024 aged 18; 8 weeks (56 days) is Fri 26 Apr 2024; contact
      Mon 22 Apr 2024: met.
    - Missed: next due Mon 17 Jun 2024; none by Mon 24 Jun 2024: overdue.
    """
    contacts = [f for f in tl.of_type("care_leaver_contact") if f.get("in_touch", True)]
    for left, following in _left_care_as_former_relevant(tl):
        back = following.started_on if following is not None else None
        chain = [left, *(c for c in contacts if c.on >= left.on and (back is None or c.on < back))]
        returned = (back, "entered care again") if back is not None else None
        yield from _before_21(tl, ctx.intervals(tl, chain, closed=_stops(tl, returned)))


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
