"""Adoption reviews (Adoption Agencies Regulations 2005, reg 36)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice

from events.timeline import Fact, Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, first_on_or_after, rule
from rules.timescales import Timescale

#: The Adoption Agencies Regulations 2005 came into force on 30 December 2005.
AAR_IN_FORCE = date(2005, 12, 30)

AAR = "Adoption Agencies Regulations 2005"


def _adoption_reviews(tl: Timeline) -> tuple[Fact, ...]:
    return tuple(f for f in tl.of_type("review_held") if f.get("kind") == "adoption")


def _ended(tl: Timeline, after: date) -> tuple[date, str] | None:
    """Adoption order granted, or leaving care, stops the adoption review clocks."""
    for fact in tl.facts:
        if fact.on >= after and fact.type == "adoption_order_granted":
            return (fact.on, "adoption order granted")
        if fact.on >= after and fact.type == "left_care":
            return (fact.on, "left care")
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

    Source: AAR 2005 reg 36(1). Placement for adoption before the due date closes it (the
    placed-child reviews of ADP-REV-P1 take over).

    Worked examples:
    - Met: placement order Wed 31 May 2023; due Thu 31 Aug 2023; review Tue 29 Aug 2023: met.
    - Closed: placed for adoption Mon 17 Jul 2023 before any review: closed.
    """
    reviews = _adoption_reviews(tl)
    placed = tl.of_type("placed_for_adoption")
    for order in tl.of_type("placement_order_granted"):
        placement = first_on_or_after(placed, order.on)
        closed = (placement.on, "placed for adoption") if placement is not None else _ended(tl, order.on)
        met = first_on_or_after(reviews, order.on, until=placement.on if placement else None)
        yield ctx.obligation(
            tl,
            start=order,
            deadline=ctx.deadline(order.on),
            met_by=met,
            closed=closed,
            discriminator=str(order.seq),
        )


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

    Source: AAR 2005 reg 36(3)(a).

    Worked examples:
    - Met: placed Mon 17 Jul 2023; 4 weeks (28 days) is Mon 14 Aug 2023; review Fri 11 Aug 2023: met.
    - Missed: review Tue 15 Aug 2023: late.
    """
    reviews = _adoption_reviews(tl)
    for placed in tl.of_type("placed_for_adoption"):
        met = first_on_or_after(reviews, placed.on)
        yield ctx.obligation(
            tl,
            start=placed,
            deadline=ctx.deadline(placed.on),
            met_by=met,
            closed=_ended(tl, placed.on),
            discriminator=str(placed.seq),
        )


def _placed_reviews(tl: Timeline, ctx: RuleContext, which: str) -> Iterator[Obligation]:
    reviews = _adoption_reviews(tl)
    for placed in tl.of_type("placed_for_adoption"):
        after = [r for r in reviews if r.on >= placed.on]
        if which == "ADP-REV-P2":
            # Only the interval after the first review; the later ones are ADP-REV-PN.
            yield from islice(ctx.intervals(tl, after[:2], closed=_ended(tl, placed.on)), 1)
        else:
            yield from ctx.intervals(tl, after[1:], closed=_ended(tl, placed.on))


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

    Source: AAR 2005 reg 36(3)(b).

    Worked examples:
    - Met: first review Fri 11 Aug 2023; due Sat 11 Nov 2023; review Thu 9 Nov 2023: met.
    - Closed: adoption order granted Fri 3 Nov 2023: closed.
    """
    return _placed_reviews(tl, ctx, "ADP-REV-P2")


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

    Source: AAR 2005 reg 36(3)(c).

    Worked examples:
    - Met: second review Thu 9 Nov 2023; due Thu 9 May 2024; review Fri 3 May 2024: met.
    - Missed: no review by Mon 13 May 2024: overdue.
    """
    return _placed_reviews(tl, ctx, "ADP-REV-PN")
