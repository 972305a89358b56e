"""Statutory visits to looked-after children (CPPCR 2010 reg 28)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from events.codes import PLACED_WITH_PARENTS, PlacementType
from events.timeline import Fact, Placement, Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, rule
from rules.timescales import Timescale

#: The Care Planning, Placement and Case Review (England) Regulations 2010 came into force on 1 April 2011.
CPPCR_IN_FORCE = date(2011, 4, 1)

REG28 = "Care Planning, Placement and Case Review (England) Regulations 2010, reg 28"


def _first_anniversary(placement: Placement) -> date:
    start = placement.started_on
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _visits_in(tl: Timeline, placement: Placement) -> tuple[list[Fact], list[Fact]]:
    """Visits during a placement: (child seen, child not seen). Worked out once per
    timeline for all placements, as five rules ask."""
    return tl.memo("visits-by-placement", lambda: _split_visits(tl))[placement.start.seq]


def _split_visits(tl: Timeline) -> dict[int, tuple[list[Fact], list[Fact]]]:
    visits = tl.of_type("statutory_visit")
    out = {}
    for placement in tl.placements:
        end = placement.ended_on
        during = [v for v in visits if v.on >= placement.started_on and (end is None or v.on <= end)]
        out[placement.start.seq] = (
            [v for v in during if v.get("seen", True)],
            [v for v in during if not v.get("seen", True)],
        )
    return out


def _not_seen_notes(unseen: list[Fact], start: date, until: date | None) -> list[str]:
    return [
        f"{v.describe()}: the child was not seen, so it does not count"
        for v in unseen
        if v.on >= start and (until is None or v.on <= until)
    ]


def _closed(placement: Placement) -> tuple[date, str] | None:
    return (placement.ended_on, "placement ended") if placement.ended_on is not None else None


def _uses_pwp(ctx: RuleContext, placement: Placement) -> bool:
    connected = ctx.param_of("VIS-PWP", "connected_types", on=placement.started_on)
    return placement.placement_type in PLACED_WITH_PARENTS or placement.placement_type in tuple(connected)


@rule(
    "VIS-1",
    title="First visit in a placement",
    basis=Basis.REG,
    citation=f"{REG28}(2)(a)",
    params={"within": Timescale(7, "days")},
    theme=themes.VISITS,
    in_force_from=CPPCR_IN_FORCE,
)
def first_visit(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The child is visited (and seen) within 7 days of the start of each placement.

    Source: CPPCR 2010 reg 28(2)(a). Calendar days: weekends and bank holidays count.
    Placements with parents use VIS-PWP instead.

    Worked examples:
    - Met: placed Tue 28 Feb 2023; due Tue 7 Mar 2023; visited Tue 7 Mar 2023: met.
    - Leap year: placed Wed 28 Feb 2024; due Wed 6 Mar 2024.
    - Missed: visited Wed 8 Mar 2023 (first case): late.
    """
    for placement in tl.placements:
        if _uses_pwp(ctx, placement):
            continue
        seen, unseen = _visits_in(tl, placement)
        deadline = ctx.deadline(placement.started_on)
        yield ctx.obligation(
            tl,
            start=placement.start,
            deadline=deadline,
            met_by=seen[0] if seen else None,
            closed=_closed(placement),
            discriminator=str(placement.start.seq),
            notes=_not_seen_notes(unseen, placement.started_on, seen[0].on if seen else None),
        )


def _later_visits(tl: Timeline, ctx: RuleContext, which: str) -> Iterator[Obligation]:
    """VIS-2/3/4: from each visit, the next within the interval that applies at that visit."""
    for placement in tl.placements:
        if _uses_pwp(ctx, placement):
            continue
        seen, unseen = _visits_in(tl, placement)
        anniversary = _first_anniversary(placement)
        for i, previous in enumerate(seen):
            if previous.on < anniversary:
                rule_id = "VIS-2"
            else:
                rule_id = "VIS-3" if placement.long_term else "VIS-4"
            if rule_id != which:
                continue
            following = seen[i + 1] if i + 1 < len(seen) else None
            yield ctx.obligation(
                tl,
                start=previous,
                deadline=ctx.deadline(previous.on),
                met_by=following,
                closed=_closed(placement),
                discriminator=str(previous.seq),
                notes=_not_seen_notes(unseen, previous.on, following.on if following else None),
            )


@rule(
    "VIS-2",
    title="Visits in the first year of a placement",
    basis=Basis.REG,
    citation=f"{REG28}(2)(b)",
    params={"within": Timescale(42, "days")},
    theme=themes.VISITS,
    in_force_from=CPPCR_IN_FORCE,
)
def first_year_visits(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """In the first year of a placement the child is visited at intervals of not more than 6 weeks.

    Source: CPPCR 2010 reg 28(2)(b). Measured from the actual date of the previous visit in
    which the child was seen; a visit that falls before the placement's first anniversary
    starts a 42-day clock.

    Worked examples:
    - Met: visited Mon 4 Dec 2023; due Mon 15 Jan 2024 (42 calendar days, Christmas
      included); visited Fri 12 Jan 2024: met.
    - Missed: next visit Tue 16 Jan 2024: late by 1 working day.
    """
    return _later_visits(tl, ctx, "VIS-2")


@rule(
    "VIS-3",
    title="Visits after the first year of a long-term placement",
    basis=Basis.REG,
    citation=f"{REG28}(2)(c)(i)",
    params={"within": Timescale(3, "months")},
    theme=themes.VISITS,
    in_force_from=CPPCR_IN_FORCE,
)
def long_term_visits(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """After the first year of a placement intended to last until 18, visits are at intervals of not more than 3 months.

    Source: CPPCR 2010 reg 28(2)(c)(i) (`long_term` on the placement). The interval is the
    one that applies on the date of the previous visit.

    Worked examples:
    - Met: long-term placement from Mon 3 Jan 2022; visit Wed 11 Jan 2023 (after the first
      anniversary); due Tue 11 Apr 2023; visited Mon 3 Apr 2023: met.
    - Missed: visited Wed 12 Apr 2023: late.
    """
    return _later_visits(tl, ctx, "VIS-3")


@rule(
    "VIS-4",
    title="Visits after the first year of other placements",
    basis=Basis.REG,
    citation=f"{REG28}(2)(c)(ii)",
    params={"within": Timescale(42, "days")},
    theme=themes.VISITS,
    in_force_from=CPPCR_IN_FORCE,
)
def other_visits(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """After the first year of a placement not intended to last until 18, visits stay at intervals of not more than 6 weeks.

    Source: CPPCR 2010 reg 28(2)(c)(ii).

    Worked examples:
    - Met: placement from Mon 3 Jan 2022 (not long-term); visit Wed 11 Jan 2023; due Wed 22
      Feb 2023; visited Mon 20 Feb 2023: met.
    - Missed: no visit by Mon 27 Feb 2023: overdue.
    """
    return _later_visits(tl, ctx, "VIS-4")


@rule(
    "VIS-PWP",
    title="Visits when placed with parents or a connected person",
    basis=Basis.REG,
    citation=f"{REG28}(3)-(4)",
    params={
        "until_first_review": Timescale(7, "days"),
        "parents": Timescale(42, "days"),
        "connected": Timescale(28, "days"),
        "connected_types": (),
    },
    choices={"connected_types": tuple(code.value for code in PlacementType)},
    theme=themes.VISITS,
    in_force_from=CPPCR_IN_FORCE,
)
def placed_with_parents_visits(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A child placed with parents (PLACE P1), or with a connected person on temporary approval, is visited weekly until the first review, then every 6 weeks (parents) or 4 weeks (connected person).

    Source: CPPCR 2010 reg 28(3)-(4). Temporary approval is not in the data, so the
    placement types treated as connected-person placements are a setting
    (`connected_types`, e.g. ["U1", "U3"]); none by default.

    Worked examples:
    - Placed with parents Mon 6 Mar 2023: first visit due Mon 13 Mar 2023; visited Fri 10
      Mar 2023: met; next due Fri 17 Mar 2023 (weekly until the first review).
    - After the first review on Fri 31 Mar 2023: a visit on Mon 3 Apr 2023 sets the next due
      Mon 15 May 2023 (42 days).
    """
    reviews = [f for f in tl.of_type("review_held") if f.get("kind", "looked_after") == "looked_after"]
    for placement in tl.placements:
        if not _uses_pwp(ctx, placement):
            continue
        period = tl.period_on(placement.started_on)
        first_review = next((r for r in reviews if period is not None and r.on >= period.started_on), None)
        later = "parents" if placement.placement_type in PLACED_WITH_PARENTS else "connected"
        seen, unseen = _visits_in(tl, placement)
        starts: list[Fact] = [placement.start, *seen]
        for i, start in enumerate(starts):
            before_review = first_review is None or start.on < first_review.on
            name = "until_first_review" if before_review else later
            following = seen[i] if i < len(seen) else None
            yield ctx.obligation(
                tl,
                start=start,
                deadline=ctx.deadline(start.on, name),
                met_by=following,
                closed=_closed(placement),
                discriminator=str(start.seq),
                notes=_not_seen_notes(unseen, start.on, following.on if following else None),
            )
