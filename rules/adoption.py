"""Adoption reviews (Adoption Agencies Regulations 2005, reg 36)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from events.timeline import Fact, Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, earliest, first_on_or_after, rule
from rules.timescales import Timescale

#: The Adoption Agencies Regulations 2005 came into force on 30 December 2005.
AAR_IN_FORCE = date(2005, 12, 30)

AAR = "Adoption Agencies Regulations 2005"


def _adoption_reviews(tl: Timeline) -> tuple[Fact, ...]:
    return tuple(f for f in tl.of_type("review_held") if f.get("kind") == "adoption")


def _ended(tl: Timeline, after: date) -> tuple[date, str] | None:
    """Adoption order granted, or leaving care, on or after `after` stops the adoption review clocks."""
    for fact in tl.of_type("adoption_order_granted", "left_care"):
        if fact.on >= after:
            reason = "adoption order granted" if fact.type == "adoption_order_granted" else "left care"
            return (fact.on, reason)
    return None


@rule(
    "ADP-REV-1",
    title="First adoption review, authorised but not placed",
    basis=Basis.REG,
    citation=f"{AAR}, reg 36(1)",
    params={"within": Timescale(3, "months")},
    theme=themes.DRIFT_LEGAL,
    in_force_from=AAR_IN_FORCE,
)
def first_review_not_placed(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A child authorised for adoption but not yet placed has a review within 3 months of the placement order.

    Source: AAR 2005 reg 36(1). Adoption reviews are `review_held` of kind `adoption`.
    Placement for adoption before the due date closes it ("placed for adoption"; the
    placed-child reviews of ADP-REV-P1 take over); so do an adoption order and leaving care.

    Worked examples:
    - Met: placement order Wed 31 May 2023; due Thu 31 Aug 2023; review Tue 29 Aug 2023: met.
    - Missed: review Fri 1 Sep 2023: late by 1 working day.
    - Month end: placement order Tue 31 Jan 2023; due Sun 30 Apr 2023 (clamped).
    - Closed: placed for adoption Mon 17 Jul 2023 before any review: closed.
    """
    orders = tl.of_type("placement_order_granted")
    if not orders:  # most children: no need to look through their reviews
        return
    reviews = _adoption_reviews(tl)
    placed = tl.of_type("placed_for_adoption")
    for order in orders:
        placement = first_on_or_after(placed, order.on)
        as_placed = (placement.on, "placed for adoption") if placement is not None else None
        met = first_on_or_after(reviews, order.on, until=placement.on if placement else None)
        yield ctx.obligation(
            tl,
            start=order,
            deadline=ctx.deadline(order.on),
            met_by=met,
            closed=earliest(as_placed, _ended(tl, order.on)),
            discriminator=str(order.seq),
        )


def _placements(tl: Timeline) -> Iterator[tuple[Fact, list[Fact], tuple[date, str] | None]]:
    """Each placement for adoption, the adoption reviews held in it, and what stopped its clocks.

    A later placement for adoption (the first one disrupted) starts afresh and stops the
    clocks of the earlier one ("placed for adoption again").
    """
    placed = tl.of_type("placed_for_adoption")
    if not placed:  # most children: no need to look through their reviews
        return
    reviews = _adoption_reviews(tl)
    for i, placement in enumerate(placed):
        following = placed[i + 1] if i + 1 < len(placed) else None
        held = [r for r in reviews if r.on >= placement.on and (following is None or r.on < following.on)]
        again = (following.on, "placed for adoption again") if following is not None else None
        yield placement, held, earliest(again, _ended(tl, placement.on))


@rule(
    "ADP-REV-P1",
    title="First review after placement for adoption",
    basis=Basis.REG,
    citation=f"{AAR}, reg 36(3)(a)",
    params={"within": Timescale(4, "weeks")},
    theme=themes.DRIFT_LEGAL,
    in_force_from=AAR_IN_FORCE,
)
def first_review_placed(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A child placed for adoption has a first review within 4 weeks of the placement.

    Source: AAR 2005 reg 36(3)(a). An adoption order, leaving care or a new placement for
    adoption (the first disrupted; its own clock starts) before the due date closes it.

    Worked examples:
    - Met: placed Mon 17 Jul 2023; 4 weeks (28 days) is Mon 14 Aug 2023; review Fri 11 Aug 2023: met.
    - Missed: review Tue 15 Aug 2023: late.
    """
    for placement, held, stopped in _placements(tl):
        yield ctx.obligation(
            tl,
            start=placement,
            deadline=ctx.deadline(placement.on),
            met_by=held[0] if held else None,
            closed=stopped,
            discriminator=str(placement.seq),
        )


@rule(
    "ADP-REV-P2",
    title="Second review after placement for adoption",
    basis=Basis.REG,
    citation=f"{AAR}, reg 36(3)(b)",
    params={"within": Timescale(3, "months")},
    theme=themes.DRIFT_LEGAL,
    in_force_from=AAR_IN_FORCE,
)
def second_review_placed(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The second review after placement for adoption is held within 3 months of the first.

    Source: AAR 2005 reg 36(3)(b). Measured from the date the first review was held; an
    adoption order, leaving care or a new placement for adoption before the due date closes it.

    Worked examples:
    - Met: first review Fri 11 Aug 2023; due Sat 11 Nov 2023; review Thu 9 Nov 2023: met.
    - Missed: review Mon 13 Nov 2023: late by 1 working day.
    - Closed: adoption order granted Fri 3 Nov 2023: closed.
    """
    for _placement, held, stopped in _placements(tl):
        if not held:
            continue
        # Only the interval after the first review; the later ones are ADP-REV-PN.
        first = held[0]
        yield ctx.obligation(
            tl,
            start=first,
            deadline=ctx.deadline(first.on),
            met_by=held[1] if len(held) > 1 else None,
            closed=stopped,
            discriminator=str(first.seq),
        )


@rule(
    "ADP-REV-PN",
    title="Later reviews after placement for adoption",
    basis=Basis.REG,
    citation=f"{AAR}, reg 36(3)(c)",
    params={"within": Timescale(6, "months")},
    theme=themes.DRIFT_LEGAL,
    in_force_from=AAR_IN_FORCE,
)
def later_reviews_placed(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """Later reviews of a child placed for adoption are held at intervals of not more than 6 months.

    Source: AAR 2005 reg 36(3)(c). Each review held resets the clock; an adoption order,
    leaving care or a new placement for adoption before the due date closes it.

    Worked examples:
    - Met: second review Thu 9 Nov 2023; due Thu 9 May 2024; review Fri 3 May 2024: met.
    - Missed: no review by Mon 13 May 2024: overdue.
    """
    for _placement, held, stopped in _placements(tl):
        yield from ctx.intervals(tl, held[1:], closed=stopped)
