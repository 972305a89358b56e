"""Looked-after children: reviews, plans, IRO allocation and permanence (RULES.md "LAC")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from events.codes import SHORT_BREAK_STATUSES
from events.timeline import Fact, PeriodOfCare, Timeline
from rules import themes
from rules.obligation import Basis, Obligation, day_of
from rules.registry import RuleContext, first_on_or_after, rule
from rules.timescales import Deadline, Timescale, fmt_date

#: The Care Planning, Placement and Case Review (England) Regulations 2010 came into force on 1 April 2011.
CPPCR_IN_FORCE = date(2011, 4, 1)

CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"


def _closed(period: PeriodOfCare) -> tuple[date, str] | None:
    return (period.ended_on, "left care") if period.ended_on is not None else None


def _in_period(facts: tuple[Fact, ...] | list[Fact], period: PeriodOfCare) -> list[Fact]:
    end = period.ended_on
    return [f for f in facts if f.on >= period.started_on and (end is None or f.on <= end)]


def looked_after_reviews(tl: Timeline, period: PeriodOfCare) -> list[Fact]:
    """The looked-after reviews held in a period of care, in order."""
    reviews = [f for f in tl.of_type("review_held") if f.get("kind", "looked_after") == "looked_after"]
    return _in_period(reviews, period)


@rule(
    "LAC-REV-1",
    title="First looked-after review",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 33(1); reg 48 (short breaks)",
    params={"within": Timescale(20, "working_days"), "short_breaks": Timescale(3, "months")},
    theme=themes.NO_PLAN,
    in_force_from=CPPCR_IN_FORCE,
)
def first_review(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The first review of a looked-after child's case is held within 20 working days of the child entering care.

    Source: CPPCR 2010 reg 33(1). Each new period of care restarts the clock; leaving care
    before the due date closes it. A child looked after only for short breaks (legal status
    V3 or V4 at entry) is first reviewed within 3 months instead (reg 48).

    Worked examples:
    - Short breaks: entered care (V3) Tue 31 Jan 2023; 3 months is Sun 30 Apr 2023.
    - Met: entered care Mon 12 Sep 2022; 20 working days, skipping the bank holiday for the
      State Funeral on Mon 19 Sep 2022, is Tue 11 Oct 2022; review held Tue 11 Oct 2022: met.
    - Missed: same start, review held Wed 12 Oct 2022: late by 1 working day.
    - Christmas: entered care Mon 19 Dec 2022; skipping 26 Dec, 27 Dec and 2 Jan, the
      review is due Thu 19 Jan 2023.
    """
    for period in tl.periods:
        reviews = looked_after_reviews(tl, period)
        name = "short_breaks" if _short_breaks(period) else "within"
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=ctx.deadline(period.start.at, name),
            met_by=reviews[0] if reviews else None,
            closed=_closed(period),
        )


def _first_review_due(ctx: RuleContext, period: PeriodOfCare) -> date:
    """When the first review falls due, with LAC-REV-1's timescale as the council set it."""
    name = "short_breaks" if _short_breaks(period) else "within"
    timescale = ctx.param_of("LAC-REV-1", name, on=period.started_on)
    return day_of(ctx.judge.deadline(timescale, period.start.at).due)


def _short_breaks(period: PeriodOfCare) -> bool:
    """Looked after only for an agreed series of short breaks (reg 48 modifies the reviews)."""
    return period.legal_statuses[0][1] in SHORT_BREAK_STATUSES


@rule(
    "LAC-REV-2",
    title="Second looked-after review",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 33(2)(a); reg 48 (short breaks)",
    params={"within": Timescale(3, "months"), "short_breaks": Timescale(6, "months")},
    theme=themes.NO_PLAN,
    in_force_from=CPPCR_IN_FORCE,
)
def second_review(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The second review is held within 3 months of the first.

    Source: CPPCR 2010 reg 33(2)(a). The clock runs from the date the first review was
    actually held (RULES.md: "at intervals of not more than"). For short breaks (V3/V4),
    every review after the first is at intervals of not more than 6 months (reg 48).

    Worked examples:
    - Met: first review Tue 11 Oct 2022; due Wed 11 Jan 2023; second review Tue 10 Jan 2023: met.
    - Month end: first review Tue 31 Jan 2023; 3 months is Sun 30 Apr 2023 (clamped); a
      review on Tue 2 May 2023 is late by 1 working day (Mon 1 May 2023 was a bank holiday).
    """
    for period in tl.periods:
        reviews = looked_after_reviews(tl, period)
        if not reviews:
            continue
        first = reviews[0]
        yield ctx.obligation(
            tl,
            start=first,
            deadline=ctx.deadline(first.on, "short_breaks" if _short_breaks(period) else "within"),
            met_by=reviews[1] if len(reviews) > 1 else None,
            closed=_closed(period),
        )


@rule(
    "LAC-REV-N",
    title="Later looked-after review",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 33(2)(b)",
    params={"within": Timescale(6, "months")},
    theme=themes.NO_PLAN,
    in_force_from=CPPCR_IN_FORCE,
)
def later_reviews(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """Each review after the second is held within 6 months of the previous review.

    Source: CPPCR 2010 reg 33(2)(b). Any review held resets the clock: a review held early
    brings the next one forward.

    Worked examples:
    - Met: second review Tue 10 Jan 2023; due Mon 10 Jul 2023; third review Thu 6 Jul 2023: met.
    - Month end: review Thu 31 Aug 2023; due Thu 29 Feb 2024 (leap year, clamped).
    """
    for period in tl.periods:
        reviews = looked_after_reviews(tl, period)
        yield from ctx.intervals(tl, reviews[1:], closed=_closed(period))


@rule(
    "LAC-REV-REC",
    title="Review decisions circulated",
    basis=Basis.LOCAL,
    citation="Local IRO service target: review outcomes within 5 working days (IRO annual report, seed 004)",
    params={"within": Timescale(5, "working_days")},
    theme=themes.DECISIONS_NOT_IMPLEMENTED,
)
def review_decisions(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The decisions of each looked-after review are circulated within 5 working days.

    Source: local IRO service standard (seed 004, "review outcomes in 5 working days");
    configurable. Satisfied by `review_decisions_circulated` on or after the review.

    Worked examples:
    - Met: review Fri 22 Dec 2023; 5 working days, skipping 25 and 26 Dec 2023 and 1 Jan
      2024, is Wed 3 Jan 2024; decisions circulated Wed 3 Jan 2024: met.
    - Missed: review Mon 3 Jul 2023, due Mon 10 Jul 2023; circulated Tue 11 Jul 2023: late.
    """
    circulated = [
        f
        for f in tl.of_type("review_decisions_circulated")
        if f.get("kind", "looked_after") == "looked_after"
    ]
    for period in tl.periods:
        reviews = looked_after_reviews(tl, period)
        for i, review in enumerate(reviews):
            following = reviews[i + 1].on if i + 1 < len(reviews) else None
            yield ctx.obligation(
                tl,
                start=review,
                deadline=ctx.deadline(review.on),
                met_by=first_on_or_after(circulated, review.on, until=following),
                discriminator=str(review.seq) if any(r.on == review.on for r in reviews[:i]) else "",
            )


@rule(
    "LAC-CPLAN",
    title="Care plan recorded",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 4",
    params={"within": Timescale(10, "working_days")},
    theme=themes.CARE_PLANNING,
    in_force_from=CPPCR_IN_FORCE,
)
def care_plan(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A care plan is recorded within 10 working days of the first placement of a period of care.

    Source: CPPCR 2010 reg 4 (the plan is prepared before the first placement or, where
    that is not practicable, within 10 working days of it).

    Worked examples:
    - Met: first placement Mon 3 Apr 2023; 10 working days, skipping Good Friday 7 Apr and
      Easter Monday 10 Apr 2023, is Wed 19 Apr 2023; plan recorded Wed 19 Apr 2023: met.
    - Missed: plan recorded Thu 20 Apr 2023: late by 1 working day.
    """
    plans = tl.of_type("care_plan_recorded")
    for period in tl.periods:
        if not period.placements:
            continue
        first = period.placements[0].start
        # A plan prepared before the placement, within the period, counts.
        met = next((p for p in _in_period(plans, period)), None)
        yield ctx.obligation(
            tl, start=first, deadline=ctx.deadline(first.on), met_by=met, closed=_closed(period)
        )


@rule(
    "LAC-PPLAN",
    title="Placement plan recorded",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 9",
    params={"within": Timescale(5, "working_days")},
    theme=themes.PLACEMENT,
    in_force_from=CPPCR_IN_FORCE,
)
def placement_plan(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A placement plan is recorded within 5 working days of each placement starting.

    Source: CPPCR 2010 reg 9(1)(b). Ending the placement before the due date closes it.

    Worked examples:
    - Met: placement from Fri 25 Aug 2023; 5 working days, skipping Mon 28 Aug 2023 (summer
      bank holiday), is Mon 4 Sep 2023; plan recorded Mon 4 Sep 2023: met.
    - Closed: the placement ended on Wed 30 Aug 2023 with no plan: closed, "placement ended".
    """
    plans = tl.of_type("placement_plan_recorded")
    for period in tl.periods:
        for placement in period.placements:
            end = placement.ended_on
            met = next(
                (p for p in plans if p.on >= placement.started_on and (end is None or p.on <= end)), None
            )
            closed = (end, "placement ended") if end is not None else None
            yield ctx.obligation(
                tl,
                start=placement.start,
                deadline=ctx.deadline(placement.started_on),
                met_by=met,
                closed=closed,
                discriminator=str(placement.start.seq),
            )


@rule(
    "LAC-IRO",
    title="IRO allocated",
    basis=Basis.REG,
    citation="Children Act 1989 s25A; local standard 5 working days",
    params={"within": Timescale(5, "working_days")},
    theme=themes.CARE_PLANNING,
)
def iro_allocated(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """An IRO is allocated within 5 working days of entering care, and before the first review is due.

    Source: Children Act 1989 s25A (an IRO for every looked-after child) and the local
    5-working-day standard (configurable); the due date is the earlier of the two.

    Worked examples:
    - Met: entered care Mon 12 Sep 2022; 5 working days, skipping the State Funeral bank
      holiday on Mon 19 Sep 2022, is Tue 20 Sep 2022; IRO allocated Tue 20 Sep 2022: met.
    - Missed: IRO allocated Wed 21 Sep 2022: late by 1 working day.
    - An IRO allocated before the child entered care (e.g. in an earlier period) counts.
    """
    allocations = tl.of_type("iro_allocated")
    for period in tl.periods:
        deadline = ctx.deadline(period.start.at)
        first_review_due = _first_review_due(ctx, period)
        if first_review_due < day_of(deadline.due):
            deadline = Deadline(
                first_review_due, f"before the first review is due on {fmt_date(first_review_due)}"
            )
        after = first_on_or_after(allocations, period.started_on, until=period.ended_on)
        before = [a for a in allocations if a.on < period.started_on]
        met = after if after is not None else (before[-1] if before else None)
        yield ctx.obligation(tl, start=period.start, deadline=deadline, met_by=met, closed=_closed(period))


@rule(
    "LAC-PERM",
    title="Permanence plan by the second review",
    basis=Basis.GUIDANCE,
    citation="Children Act 1989 Guidance and Regulations vol 2 (care planning), para 2.43; IRO practice-alert theme (seed 004)",
    theme=themes.NO_PERMANENCE_PLAN,
)
def permanence_plan(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A permanence plan is recorded by the time of the second looked-after review.

    Source: statutory guidance vol 2 (the permanence plan is presented at the second
    review); the IRO service raises "No permanence plan by 2nd review" (seed 004). The due
    date is the date the second review was held or, until it is held, the date it falls due
    (3 months after the first review; 20 working days + 3 months after entering care if no
    review has been held), with the review timescales the council set for LAC-REV-1/2.

    Worked examples:
    - Met: entered care Mon 12 Sep 2022, reviews Tue 11 Oct 2022 and Tue 10 Jan 2023;
      permanence plan recorded Thu 15 Dec 2022: met (due Tue 10 Jan 2023).
    - Missed: plan recorded Fri 13 Jan 2023, after the second review: late.
    """
    plans = tl.of_type("permanence_plan_recorded")
    for period in tl.periods:
        reviews = looked_after_reviews(tl, period)
        notes: list[str] = []
        if len(reviews) >= 2:
            due: date = reviews[1].on
            text = f"due by the second review, held {fmt_date(due)}"
        else:
            if reviews:
                first_on = reviews[0].on
            else:
                first_on = _first_review_due(ctx, period)
                notes.append("no review held yet: the first review's due date is used")
            name = "short_breaks" if _short_breaks(period) else "within"
            timescale = ctx.param_of("LAC-REV-2", name, on=first_on)
            due = day_of(ctx.judge.deadline(timescale, first_on).due)
            text = f"due by the second review, which falls due {fmt_date(due)}"
        met = next((p for p in _in_period(plans, period)), None)
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=Deadline(due, text),
            met_by=met,
            closed=_closed(period),
            notes=notes,
        )
