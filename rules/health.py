"""Health of looked-after children: initial and review health assessments, dental checks.

All four rules run within a period of care: leaving care, or the 18th birthday, closes
every clock not yet due (after the due date, an undone one is missed), and a new period
of care starts its own clocks (a child who comes back into care needs a fresh request and
a fresh initial assessment, RULES.md "Clock rules").

An appointment that did not happen (the child was not brought, or the carer or the
provider cancelled it) never satisfies an assessment, but it is what an IRO asks about
when the assessment is late, so it is named in the obligation's explanation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial

from events.timeline import Fact, PeriodOfCare, Timeline
from rules import themes
from rules.obligation import Basis, Obligation, day_of
from rules.periods import care_stops, in_period
from rules.registry import RuleContext, earliest, first_on_or_after, rule
from rules.timescales import Deadline, Timescale, fmt_date

__all__ = [
    "clock_hours_note",
    "dental_check",
    "iha_completed",
    "iha_requested",
    "missed_appointments",
    "review_health_assessment",
    "rha_interval",
]

PROMOTING_HEALTH = (
    "Promoting the health and well-being of looked-after children (DfE/DHSC statutory guidance, 2015)"
)

#: How each appointment outcome that is not an assessment reads in an explanation.
_MISSED = {
    "not_brought": "Not brought to the {what} appointment on {day}",
    "cancelled_by_carer": "The {what} appointment on {day} was cancelled by the carer",
    "cancelled_by_provider": "The {what} appointment on {day} was cancelled by the health provider",
}
IHA_DONE = "initial health assessment completed"
_WHAT = {"initial": "initial health assessment", "review": "review health assessment"}


def _closed(tl: Timeline, period: PeriodOfCare) -> tuple[date, str] | None:
    return care_stops(tl, period)


def _of_kind(tl: Timeline, type_name: str, kind: str) -> list[Fact]:
    return [f for f in tl.of_type(type_name) if f.get("kind") == kind]


def missed_appointments(
    tl: Timeline, kind: str, since: date, *, before: date | None = None, until: date | None = None
) -> list[str]:
    """Explanation lines for `kind` appointments that did not happen, from `since` on.

    `before` (exclusive) is the day the assessment was done: later appointments are not
    part of this obligation's story. `until` (inclusive) is the day the clock stopped.
    Attended appointments are left out: the completed assessment speaks for them.
    """
    lines = []
    for f in _of_kind(tl, "health_appointment", kind):
        outcome = f.get("outcome")
        if outcome not in _MISSED or f.on < since:
            continue
        if (before is not None and f.on >= before) or (until is not None and f.on > until):
            continue
        lines.append(_MISSED[outcome].format(what=_WHAT.get(kind, kind), day=fmt_date(f.on)))
    if lines:
        lines.append("An appointment that did not take place does not count as the assessment")
    return lines


def clock_hours_note(ctx: RuleContext, start: Fact, deadline: Deadline, name: str = "within") -> list[str]:
    """For an hour-based timescale whose window runs over a weekend or bank holiday, say
    that those days count in full: hours are clock hours, not working hours (RULES.md).

    A request due on a Sunday afternoon after a Friday afternoon entry is a common surprise;
    the explanation should show it rather than leave the IRO to work it out.
    """
    timescale: Timescale = ctx.param(name, on=start.on)
    if timescale.unit != "hours":
        return []
    due_day = day_of(deadline.due)
    days = [start.on + timedelta(days=i) for i in range((due_day - start.on).days + 1)]
    closed = [d for d in days if not ctx.calendar.is_working_day(d)]
    if not closed:
        return []
    listed = ", ".join(fmt_date(d) for d in closed)
    return [f"{timescale} are clock hours, not working hours: {listed} count in full"]


@rule(
    "HLT-IHA-REQ",
    title="Initial health assessment requested",
    basis=Basis.LOCAL,
    citation=(
        "Local standard: IHA requested within 48 hours of entering care "
        "(IHA performance tables, seed 000; scorecard P3.1, seed 004)"
    ),
    params={"within": Timescale(48, "hours")},
    theme=themes.CARE_PLANNING,
)
def iha_requested(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The initial health assessment is requested within 48 hours of the child entering care.

    Source: the local standard behind scorecard measure P3.1 (seed 004) and the IHA tables
    of seed 000; configurable. Hours are elapsed clock hours from the moment of entry, so
    weekends and bank holidays count in full: a child who enters care on a Friday afternoon
    needs the request by Sunday afternoon, and a Monday-morning request is late (the
    explanation names the non-working days in the window). When both the entry and the
    request have a time, the moments are compared; when the entry has a date but no time,
    the deadline is the end of the second day after it and is marked approximate; a request
    with a date only is on time if made on or before the due day. A request made earlier on
    the day of entry counts (the admission was planned); one made before that day does not.
    Each period of care needs its own request; leaving care before the deadline closes it.
    The initial assessment itself, once completed, leaves nothing to request: with no
    request recorded, the clock stops then (closed before the deadline, missed after it).

    Worked examples:
    - Met: entered care Fri 6 Oct 2023 15:00 BST; 48 hours later is Sun 8 Oct 2023 15:00 BST;
      requested Sun 8 Oct 2023 10:00: met.
    - Missed: same entry, requested Mon 9 Oct 2023 09:00 (the first working day): late.
    - Date only: entered care Mon 12 Sep 2022 (no time): due by the end of Wed 14 Sep 2022.
    - Missed: no request recorded, and the assessment was done Fri 13 Oct 2023: missed then.
    """
    requests = _of_kind(tl, "health_assessment_requested", "initial")
    completions = _of_kind(tl, "health_assessment_completed", "initial")
    for period in tl.periods:
        if not period.start_known:  # already in care when the data begins
            continue
        deadline = ctx.deadline(period.start.at)
        # Once the assessment is done there is nothing left to request.
        done = first_on_or_after(completions, period.started_on, until=period.ended_on)
        assessed = (done.on, IHA_DONE) if done is not None else None
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=deadline,
            met_by=first_on_or_after(requests, period.started_on, until=period.ended_on),
            closed=earliest(_closed(tl, period), assessed),
            notes=partial(clock_hours_note, ctx, period.start, deadline),
        )


@rule(
    "HLT-IHA",
    title="Initial health assessment completed",
    basis=Basis.GUIDANCE,
    citation=f"{PROMOTING_HEALTH}; IHA within 20 working days (seed 000; scorecard P3.2, seed 004)",
    params={"within": Timescale(20, "working_days")},
    theme=themes.CARE_PLANNING,
)
def iha_completed(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The initial health assessment is completed within 20 working days of the child entering care.

    Source: Promoting the health and well-being of looked-after children (2015) and the
    "statutory timescale" of scorecard P3.2 (seed 004). Only an assessment of kind
    `initial` counts. Appointments the child was not brought to, or that were cancelled,
    do not count and are named in the explanation. Each period of care restarts the clock;
    leaving care before the due date closes it.

    Worked examples:
    - Met: entered care Tue 2 May 2023; 20 working days, skipping Mon 8 May (coronation) and
      Mon 29 May 2023, is Thu 1 Jun 2023; IHA completed Thu 1 Jun 2023: met.
    - Missed: IHA completed Fri 2 Jun 2023: late by 1 working day; the explanation shows
      "Not brought to the initial health assessment appointment on Tue 23 May 2023".
    """
    completions = _of_kind(tl, "health_assessment_completed", "initial")
    for period in tl.periods:
        if not period.start_known:  # already in care when the data begins
            continue
        met = first_on_or_after(completions, period.started_on, until=period.ended_on)
        notes = partial(
            missed_appointments,
            tl,
            "initial",
            period.started_on,
            before=met.on if met is not None else None,
            until=period.ended_on,
        )
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=ctx.deadline(period.start.at),
            met_by=met,
            closed=_closed(tl, period),
            notes=notes,
        )


def rha_interval(tl: Timeline, previous_on: date) -> str:
    """Which HLT-RHA timescale applies after an assessment on `previous_on`.

    RULES.md: "6 months under 5, 12 months from 5th birthday". Read as: the child's age on
    the day of the previous assessment decides. Under 5 that day: 6 months
    ("under_five"); 5 or over, including on the 5th birthday itself: 12 months
    ("five_and_over"). So a child assessed at 4 years 10 months is next due at 5 years 4
    months (the 6-month interval is not stretched because the birthday falls inside it),
    and the first 12-month interval runs from the first assessment on or after the 5th
    birthday. With no date of birth recorded, 12 months is used (and said).
    """
    age = tl.age_on(previous_on)
    return "under_five" if age is not None and age < 5 else "five_and_over"


def _rha_notes(tl: Timeline, previous: Fact, nxt: Fact | None, period: PeriodOfCare) -> list[str]:
    notes = missed_appointments(
        tl, "review", previous.on, before=nxt.on if nxt is not None else None, until=period.ended_on
    )
    if tl.dob is None:
        notes.append("Date of birth not recorded: the 12-month interval is used")
    return notes


@rule(
    "HLT-RHA",
    title="Review health assessment",
    basis=Basis.GUIDANCE,
    citation=f"{PROMOTING_HEALTH}; CPPCR 2010 reg 7",
    params={"under_five": Timescale(6, "months"), "five_and_over": Timescale(12, "months")},
    theme=themes.CARE_PLANNING,
)
def review_health_assessment(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A looked-after child's health is reviewed within 6 months of the previous assessment
    while under 5, and within 12 months from the 5th birthday.

    Source: Promoting the health and well-being of looked-after children (2015); CPPCR 2010
    reg 7. Each assessment completed in a period of care (initial or review) starts the next
    clock, measured from its actual date; the next assessment completed meets it. The
    interval is chosen by the child's age on the day of the previous assessment: under 5
    then, 6 months; 5 or over (the 5th birthday included), 12 months. A 6-month interval
    is not stretched by a birthday inside it: assessed at 4 years 10 months, the next is
    due at 5 years 4 months, and 12 months run from then on. Months are calendar
    months with month-end clamping, so 29 Feb 2024 + 12 months is 28 Feb 2025. Missed
    review appointments are named in the explanation. Leaving care closes the clock; a new
    period of care starts again from its initial assessment.

    Worked examples:
    - Under 5: IHA Wed 15 Mar 2023 for a child born 1 Jun 2019 (aged 3): review due
      Fri 15 Sep 2023; done Thu 14 Sep 2023: met.
    - The switch: child born 1 Sep 2018; review Tue 4 Apr 2023 (aged 4) so the next is due
      Wed 4 Oct 2023 (6 months); done Tue 3 Oct 2023, aged 5, so the one after is due
      Thu 3 Oct 2024 (12 months); none by Fri 1 Nov 2024: overdue.
    - Missed: child aged 9, IHA Wed 15 Mar 2023, review Mon 18 Mar 2024: late (due Fri 15 Mar 2024).
    """
    completions = tl.of_type("health_assessment_completed")
    for period in tl.periods:
        chain = in_period(completions, period)
        stopped = _closed(tl, period)
        for i, previous in enumerate(chain):
            nxt = chain[i + 1] if i + 1 < len(chain) else None
            notes = partial(_rha_notes, tl, previous, nxt, period)
            yield ctx.obligation(
                tl,
                start=previous,
                deadline=ctx.deadline(previous.on, rha_interval(tl, previous.on)),
                met_by=nxt,
                closed=stopped,
                discriminator=str(previous.seq),
                notes=notes,
            )


@rule(
    "HLT-DENTAL",
    title="Dental check",
    basis=Basis.LOCAL,
    citation="SSDA903 OC2 TEETH_CHECK (annual dental check of a looked-after child); local alert only",
    params={"within": Timescale(12, "months")},
    theme=themes.CARE_PLANNING,
)
def dental_check(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A looked-after child has a dental check at least every 12 months.

    Source: the annual dental check counted by SSDA903 (OC2 TEETH_CHECK), a performance
    measure rather than a duty; the checker treats it as a local standard, so a miss raises
    an alert, never a breach, and the 12 months are configurable. The first clock runs from
    entering care, then from the actual date of each check. Leaving care closes the clock;
    a new period of care starts again from the day of entry.

    Worked examples:
    - Met: entered care Mon 16 Jan 2023; check Fri 1 Dec 2023: met (due Tue 16 Jan 2024).
    - Missed: the next check is due Sun 1 Dec 2024; none by Mon 6 Jan 2025: overdue.
    """
    checks = tl.of_type("dental_check")
    for period in tl.periods:
        starts = [period.start] if period.start_known else []
        chain = [*starts, *in_period(checks, period)]
        yield from ctx.intervals(tl, chain, closed=_closed(tl, period))
