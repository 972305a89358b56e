"""Looked-after children: reviews, plans, IRO allocation and permanence (RULES.md "LAC").

Clock rules (RULES.md): each period of care has its own review chain, care plan, IRO and
permanence clocks, so re-entering care restarts them; leaving care closes every obligation
of the period not yet due ("left care"), and so does the 18th birthday ("reached 18": a
child stops being looked after at 18, recorded or not); the end of a placement closes that
placement's plan obligation ("placement ended"). A stop after the due date makes an
undone obligation `missed`.

Short breaks (CPPCR reg 48): a child whose period of care began under legal status V3 or V4
is reviewed within 3 months and then at intervals of not more than 6 months (instead of
reg 33), and regulations 5 (the care plan's contents, including the plan for permanence)
and 9 (the placement plan) do not apply, so LAC-PERM and LAC-PPLAN raise nothing for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from events.codes import SHORT_BREAK_STATUSES
from events.timeline import Fact, PeriodOfCare, Placement, Timeline
from rules import themes
from rules.obligation import Basis, Obligation, day_of
from rules.periods import care_stops, for_period_or_in_advance, in_period, turns_18
from rules.registry import RuleContext, earliest, first_on_or_after, rule
from rules.timescales import Deadline, Timescale, fmt_date

#: The Care Planning, Placement and Case Review (England) Regulations 2010 came into force on 1 April 2011.
CPPCR_IN_FORCE = date(2011, 4, 1)

CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"

LEFT_CARE = "left care"
PLACEMENT_ENDED = "placement ended"
NEXT_REVIEW = "next review held"


# --- Helpers: what the rules below share -----------------------------------------------


def _closed(tl: Timeline, period: PeriodOfCare) -> tuple[date, str] | None:
    return care_stops(tl, period)


def _is_looked_after_kind(fact: Fact) -> bool:
    return fact.get("kind", "looked_after") == "looked_after"


def looked_after_reviews(tl: Timeline, period: PeriodOfCare) -> list[Fact]:
    """The looked-after reviews held in a period of care, in order, one a day.

    A review held on the last day of the period counts for it. Two reviews recorded on the
    same day are one review (the first recorded): counting the second as "the next review"
    would meet a 3- or 6-month duty with a duplicate record.
    """
    by_period = tl.memo("lac.reviews", lambda: _reviews_by_period(tl))
    return list(by_period.get(period.number, ()))


def _reviews_by_period(tl: Timeline) -> dict[int, tuple[Fact, ...]]:
    reviews = [f for f in tl.of_type("review_held") if _is_looked_after_kind(f)]
    out: dict[int, tuple[Fact, ...]] = {}
    for period in tl.periods:
        chain: list[Fact] = []
        for review in in_period(reviews, period):
            if not chain or review.on != chain[-1].on:
                chain.append(review)
        out[period.number] = tuple(chain)
    return out


def is_short_breaks(period: PeriodOfCare) -> bool:
    """Looked after for an agreed series of short breaks (legal status V3/V4 at entry):
    CPPCR reg 48 modifies the reviews and the plans for this period of care."""
    return bool(period.legal_statuses) and period.legal_statuses[0][1] in SHORT_BREAK_STATUSES


def _review_param(period: PeriodOfCare) -> str:
    """The name of the review rules' timescale parameter that applies to this period."""
    return "short_breaks" if is_short_breaks(period) else "within"


def _first_review_deadline(ctx: RuleContext, period: PeriodOfCare) -> Deadline:
    """When the first review falls due, with LAC-REV-1's timescale as the council set it."""
    timescale = ctx.param_of("LAC-REV-1", _review_param(period), on=period.started_on)
    return ctx.judge.deadline(timescale, period.start.at)


def _second_review_deadline(ctx: RuleContext, period: PeriodOfCare, first_review_on: date) -> Deadline:
    """When the second review falls due, with LAC-REV-2's timescale as the council set it."""
    timescale = ctx.param_of("LAC-REV-2", _review_param(period), on=first_review_on)
    return ctx.judge.deadline(timescale, first_review_on)


# --- Reviews ---------------------------------------------------------------------------


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
    before the due date closes it. A child looked after for short breaks (legal status V3
    or V4 at entry) is first reviewed within 3 months instead (reg 48).

    Worked examples:
    - Met: entered care Mon 12 Sep 2022; 20 working days, skipping the bank holiday for the
      State Funeral on Mon 19 Sep 2022, is Tue 11 Oct 2022; review held Tue 11 Oct 2022: met.
    - Missed: same start, review held Wed 12 Oct 2022: late by 1 working day.
    - Christmas: entered care Mon 19 Dec 2022; skipping 26 Dec, 27 Dec and 2 Jan, the
      review is due Thu 19 Jan 2023.
    - Short breaks: entered care (V3) Tue 31 Jan 2023; 3 months is Sun 30 Apr 2023.
    """
    for period in tl.periods:
        if not period.start_known:
            continue
        reviews = looked_after_reviews(tl, period)
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=ctx.deadline(period.start.at, _review_param(period)),
            met_by=reviews[0] if reviews else None,
            closed=_closed(tl, period),
        )


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
    actually held (RULES.md: "at intervals of not more than"), in the same period of care.
    For short breaks (V3/V4), every review after the first is at intervals of not more
    than 6 months (reg 48).

    Worked examples:
    - Met: first review Tue 11 Oct 2022; due Wed 11 Jan 2023; second review Tue 10 Jan 2023: met.
    - Month end: first review Tue 31 Jan 2023; 3 months is Sun 30 Apr 2023 (clamped); a
      review on Tue 2 May 2023 is late by 1 working day (Mon 1 May 2023 was a bank holiday).
    """
    for period in tl.periods:
        reviews = looked_after_reviews(tl, period)
        if not reviews or not period.start_known:
            continue
        first = reviews[0]
        yield ctx.obligation(
            tl,
            start=first,
            deadline=ctx.deadline(first.on, _review_param(period)),
            met_by=reviews[1] if len(reviews) > 1 else None,
            closed=_closed(tl, period),
        )


@rule(
    "LAC-REV-N",
    title="Later looked-after review",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 33(2)(b); reg 48 (short breaks)",
    params={"within": Timescale(6, "months")},
    theme=themes.NO_PLAN,
    in_force_from=CPPCR_IN_FORCE,
)
def later_reviews(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """Each review after the second is held within 6 months of the previous review.

    Source: CPPCR 2010 reg 33(2)(b) (and reg 48 for short breaks, also 6 months). Any
    review held resets the clock: a review held early brings the next one forward. The
    chain belongs to the period of care; the last review's clock is the one still open.

    Worked examples:
    - Met: second review Tue 10 Jan 2023; due Mon 10 Jul 2023; third review Thu 6 Jul 2023: met.
    - Early: third review Mon 3 Apr 2023 (three months early); the fourth is then due
      Tue 3 Oct 2023, not Sat 6 Jan 2024.
    - Month end: review Thu 31 Aug 2023; due Thu 29 Feb 2024 (leap year, clamped); a review
      on Fri 1 Mar 2024 is late by 1 working day.
    """
    for period in tl.periods:
        reviews = looked_after_reviews(tl, period)
        # A period already open when the data begins: which review was the first is unknown,
        # so every review on record starts a 6-month clock.
        later = reviews[1:] if period.start_known else reviews
        yield from ctx.intervals(tl, later, closed=_closed(tl, period))


@rule(
    "LAC-REV-REC",
    title="Review decisions circulated",
    basis=Basis.LOCAL,
    citation="Local IRO service target: review outcomes within 5 working days (IRO annual report, seed 004)",
    params={"within": Timescale(5, "working_days")},
    theme=themes.DOCUMENTS_NOT_SHARED,
)
def review_decisions(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The decisions of each looked-after review are circulated within 5 working days.

    Source: local IRO service standard (seed 004, "review outcomes in 5 working days");
    configurable, and the timescale in force on the day of the review applies. Satisfied by
    `review_decisions_circulated` (kind looked_after) on or after the review and no later
    than the next review: decisions circulated after the next review are that review's.
    Leaving care, or the next review, before the due date closes it; after the due date
    either makes an uncirculated review `missed`.

    Worked examples:
    - Met: review Fri 22 Dec 2023; 5 working days, skipping 25 and 26 Dec 2023 and 1 Jan
      2024, is Wed 3 Jan 2024; decisions circulated Wed 3 Jan 2024: met.
    - Late: review Mon 3 Jul 2023, due Mon 10 Jul 2023; circulated Tue 11 Jul 2023: late.
    - Missed: nothing circulated before the next review on Wed 3 Jan 2024: missed then.
    """
    circulated = [f for f in tl.of_type("review_decisions_circulated") if _is_looked_after_kind(f)]
    for period in tl.periods:
        reviews = looked_after_reviews(tl, period)
        stopped = _closed(tl, period)
        for i, review in enumerate(reviews):
            following = reviews[i + 1].on if i + 1 < len(reviews) else None
            superseded = (following, NEXT_REVIEW) if following is not None else None
            yield ctx.obligation(
                tl,
                start=review,
                deadline=ctx.deadline(review.on),
                met_by=first_on_or_after(circulated, review.on, until=following),
                closed=earliest(superseded, stopped),
            )


# --- Plans -----------------------------------------------------------------------------


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

    Source: CPPCR 2010 reg 4(2) (the plan is prepared before the child is first placed or,
    where that is not practicable, within 10 working days of it). A plan recorded before
    the placement, even before the child entered care (a planned admission), counts, as
    long as it is after the end of the previous period of care: re-entering care restarts
    the clock and needs a new plan. Leaving care before the due date closes it; after it,
    a missing plan is missed.

    Worked examples:
    - Met: first placement Mon 3 Apr 2023; 10 working days, skipping Good Friday 7 Apr and
      Easter Monday 10 Apr 2023, is Wed 19 Apr 2023; plan recorded Wed 19 Apr 2023: met.
    - Late: plan recorded Thu 20 Apr 2023: late by 1 working day.
    - In advance: plan recorded Tue 28 Mar 2023 for the admission on Mon 3 Apr 2023: met.
    - Re-entry: left care Fri 31 Mar 2023 with a plan from Mon 13 Mar 2023, back in care
      and placed Mon 3 Apr 2023: the old plan does not count; a new one is due Wed 19 Apr.
    """
    plans = tl.of_type("care_plan_recorded")
    for period in tl.periods:
        if not period.placements or not period.start_known:
            continue
        first = period.placements[0].start
        met = next(iter(for_period_or_in_advance(tl, plans, period)), None)
        yield ctx.obligation(
            tl, start=first, deadline=ctx.deadline(first.on), met_by=met, closed=_closed(tl, period)
        )


def _placement_closed(tl: Timeline, placement: Placement) -> tuple[date, str] | None:
    end = placement.end
    ended = (end.on, LEFT_CARE if end.type == "left_care" else PLACEMENT_ENDED) if end is not None else None
    return earliest(ended, turns_18(tl))


def _placement_plans(tl: Timeline, period: PeriodOfCare) -> dict[int, Fact]:
    """The placement plan recorded for each placement of a period, by the seq of the
    placement's start.

    Placements take plans in order, each the earliest plan not yet taken that was recorded
    while it was the child's placement (on the day of a move, the new placement's), or
    before it began (CPPCR reg 9(1): the plan is made before the placement where that is
    practicable): for the first placement, after the end of the previous period of care;
    for a later one, once the placement before it has its plan. Placements for short
    breaks (reg 48) take none.
    """
    plans = for_period_or_in_advance(tl, tl.of_type("placement_plan_recorded"), period)
    placements = [
        p for p in period.placements if period.legal_status_on(p.started_on) not in SHORT_BREAK_STATUSES
    ]
    starts = {p.started_on for p in period.placements}
    found: dict[int, Fact] = {}
    taken: set[int] = set()
    for placement in placements:
        end = placement.ended_on
        moved = end is not None and end != placement.started_on and end in starts
        for plan in plans:
            if plan.seq in taken:
                continue
            if end is not None and (plan.on > end or (plan.on == end and moved)):
                break
            found[placement.start.seq] = plan
            taken.add(plan.seq)
            break
    return found


@rule(
    "LAC-PPLAN",
    title="Placement plan recorded",
    basis=Basis.REG,
    citation=f"{CPPCR}, reg 9",
    params={"within": Timescale(5, "working_days")},
    theme=themes.CARE_PLANNING,
    in_force_from=CPPCR_IN_FORCE,
)
def placement_plan(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A placement plan is recorded within 5 working days of each placement starting.

    Source: CPPCR 2010 reg 9(1): the plan is prepared before the placement is made or,
    where that is not practicable, within 5 working days of its start. A plan recorded
    before the placement began counts (for the first placement of a period of care, if it
    is after the end of the previous period; for a later placement, once the placement
    before it has its plan). The end of the placement before the due date closes it
    ("placement ended", or "left care" if the child left care); after the due date, a
    missing plan is then missed. Reg 9 does not apply to short breaks (reg 48(3)(a)): no
    obligation for a placement that began under V3/V4.

    Worked examples:
    - Met: placement from Fri 25 Aug 2023; 5 working days, skipping Mon 28 Aug 2023 (summer
      bank holiday), is Mon 4 Sep 2023; plan recorded Mon 4 Sep 2023: met.
    - Late: placement from Mon 12 Sep 2022, due Tue 20 Sep 2022 (State Funeral on Mon
      19 Sep 2022); plan recorded Wed 21 Sep 2022: late by 1 working day.
    - Closed: the placement from Fri 25 Aug 2023 ended on Wed 30 Aug 2023 with no plan.
    - In advance: a planned move on Mon 4 Sep 2023 with its plan recorded Thu 31 Aug 2023: met.
    - Missed: the placement from Mon 12 Sep 2022 ended on Fri 30 Sep 2022 with no plan.
    """
    for period in tl.periods:
        plans = _placement_plans(tl, period)
        for placement in period.placements:
            if period.legal_status_on(placement.started_on) in SHORT_BREAK_STATUSES:
                continue
            yield ctx.obligation(
                tl,
                start=placement.start,
                deadline=ctx.deadline(placement.started_on),
                met_by=plans.get(placement.start.seq),
                closed=_placement_closed(tl, placement),
                discriminator=str(placement.start.seq),
            )


# --- IRO and permanence ----------------------------------------------------------------


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
    5-working-day standard (configurable); the due date is the earlier of the two, with
    the first review's timescale as the council set it for LAC-REV-1. An allocation made
    in readiness before the child entered care counts, but not one from an earlier period
    of care: each period of care needs its own allocation.

    Worked examples:
    - Met: entered care Mon 12 Sep 2022; 5 working days, skipping the State Funeral bank
      holiday on Mon 19 Sep 2022, is Tue 20 Sep 2022; IRO allocated Tue 20 Sep 2022: met.
    - Missed: IRO allocated Wed 21 Sep 2022: late by 1 working day.
    - Earlier of the two: with a local standard of 30 working days (Tue 25 Oct 2022), the
      IRO is due by the first review, Tue 11 Oct 2022.
    """
    allocations = tl.of_type("iro_allocated")
    previous_end: date | None = None
    for period in tl.periods:
        if not period.start_known:
            previous_end = period.ended_on
            continue
        deadline = ctx.deadline(period.start.at)
        first_review = _first_review_deadline(ctx, period)
        first_review_due = day_of(first_review.due)
        if first_review_due < day_of(deadline.due):
            local = deadline

            def why(local: Deadline = local, first_review: Deadline = first_review) -> str:
                return (
                    f"before the first review is due on {fmt_date(day_of(first_review.due))}, "
                    f"which is sooner than the local standard ({local.explanation})"
                )

            deadline = Deadline(first_review_due, why)
        met = first_on_or_after(allocations, period.started_on, until=period.ended_on)
        if met is None:
            ready = [
                a
                for a in allocations
                if a.on < period.started_on and (previous_end is None or a.on > previous_end)
            ]
            met = ready[-1] if ready else None
        yield ctx.obligation(
            tl, start=period.start, deadline=deadline, met_by=met, closed=_closed(tl, period)
        )
        previous_end = period.ended_on


@rule(
    "LAC-PERM",
    title="Permanence plan by the second review",
    basis=Basis.GUIDANCE,
    citation=(
        "Children Act 1989 Guidance and Regulations vol 2 (care planning), para 2.43; "
        "IRO practice-alert theme (seed 004)"
    ),
    theme=themes.NO_PERMANENCE_PLAN,
)
def permanence_plan(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A permanence plan is recorded by the time of the second looked-after review.

    Source: statutory guidance vol 2 (the permanence plan is presented at the second
    review); the IRO service raises "No permanence plan by 2nd review" (seed 004). The clock
    starts when the child enters care. The due date is the date the second review was held
    or, until it is held, the date it falls due (LAC-REV-2's due date: 3 months after the
    first review; if no review has been held yet, 3 months after the first review's due
    date), with the review timescales the council set for LAC-REV-1/2; so the due date
    moves when a review is held. Not for short breaks (reg 48(3)(a): no plan for permanence).
    The plan for permanence is part of the care plan (reg 5), so, like it, it may be made
    before the child enters care, after the end of the previous period of care.

    Worked examples:
    - Met: entered care Mon 12 Sep 2022, reviews Tue 11 Oct 2022 and Tue 10 Jan 2023;
      permanence plan recorded Thu 15 Dec 2022: met (due Tue 10 Jan 2023).
    - Missed: plan recorded Fri 13 Jan 2023, after the second review: late.
    - Not yet held: first review Tue 11 Oct 2022 and no second review: due Wed 11 Jan 2023.
    """
    plans = tl.of_type("permanence_plan_recorded")
    for period in tl.periods:
        if is_short_breaks(period) or not period.start_known:
            continue
        reviews = looked_after_reviews(tl, period)
        notes = [
            "Due by the second review: the date it was held or, until it is held, "
            "the date it falls due (LAC-REV-2)"
        ]
        deadline: Deadline
        if len(reviews) >= 2:
            held = reviews[1].on
            deadline = Deadline(held, f"the second review was held on {fmt_date(held)}")
        else:
            if reviews:
                first_on = reviews[0].on
                basis = f"the first review was held on {fmt_date(first_on)}"
            else:
                first = _first_review_deadline(ctx, period)
                first_on = day_of(first.due)
                basis = f"no review held yet; the first review is due: {first.explanation}"
            second = _second_review_deadline(ctx, period, first_on)

            def why(basis: str = basis, second: Deadline = second) -> str:
                return f"the second review falls due ({basis}): {second.explanation}"

            deadline = Deadline(day_of(second.due), why)
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=deadline,
            met_by=next(iter(for_period_or_in_advance(tl, plans, period)), None),
            closed=_closed(tl, period),
            notes=notes,
        )
