"""Statutory visits to looked-after children (CPPCR 2010 reg 28).

Shared reading of the regulation for the five rules here:

- Only a visit at which the child was seen (`seen`, true by default) counts; a visit at
  which the child was not seen is named in the explanation of the clock it failed to stop.
- A visit belongs to the placement the child was in that day. On the day of a move (one
  placement ends, the next starts) it belongs to the new placement; on the last day of a
  placement that no other placement follows that day (left care, or a gap) it belongs to
  the ending placement.
- "At intervals of not more than X" runs from the actual date of the previous visit in
  the same placement. Which interval applies is decided on the date of that visit: in the
  first year of the placement (before its first anniversary) VIS-2; after it VIS-3 for a
  placement intended to last until 18 (`long_term`), VIS-4 otherwise.
- The end of the placement closes its clocks ("placement ended", or "left care" when the
  period of care ended with it), and so does the 18th birthday ("reached 18"); after the
  due date, an undone visit is then missed.
- Placements with parents (PLACE P1), and those a council lists as connected-person
  placements on temporary approval, follow VIS-PWP instead of VIS-1/2/3/4.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial

from events.codes import PLACED_WITH_PARENTS, PlacementType
from events.timeline import Fact, Placement, Timeline, fmt_date
from rules import themes
from rules.obligation import Basis, Obligation
from rules.periods import turns_18
from rules.registry import RuleContext, earliest, rule
from rules.timescales import Timescale

#: The Care Planning, Placement and Case Review (England) Regulations 2010 came into force on 1 April 2011.
CPPCR_IN_FORCE = date(2011, 4, 1)

REG28 = "Care Planning, Placement and Case Review (England) Regulations 2010, reg 28"


def first_anniversary(placement: Placement) -> date:
    """The first anniversary of a placement's start; from 29 February it is 28 February
    (as `relativedelta(years=1)` and the timeline's birthdays). The first year of the
    placement is every day before it."""
    start = placement.started_on
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def visits_in(tl: Timeline, placement: Placement) -> tuple[list[Fact], list[Fact]]:
    """Visits during a placement: (child seen, child not seen), in timeline order. Worked
    out once per timeline for all placements, as five rules ask."""
    return tl.memo("visits-by-placement", lambda: _split_visits(tl))[placement.start.seq]


def _split_visits(tl: Timeline) -> dict[int, tuple[list[Fact], list[Fact]]]:
    visits = tl.of_type("statutory_visit")
    days = [v.on for v in visits]  # in timeline order, so sorted
    placements = tl.placements
    starts = Counter(p.started_on for p in placements)
    out: dict[int, tuple[list[Fact], list[Fact]]] = {}
    for placement in placements:
        start, end = placement.started_on, placement.ended_on
        # The last day belongs to this placement unless another placement starts that
        # day (a move: the visit is to the new placement).
        moved = end is not None and starts[end] > (1 if end == start else 0)
        first = bisect_left(days, start)
        if end is None:
            during = visits[first:]
        else:
            during = visits[first : (bisect_left if moved else bisect_right)(days, end)]
        seen: list[Fact] = []
        unseen: list[Fact] = []
        for visit in during:
            (seen if visit.get("seen", True) else unseen).append(visit)
        out[placement.start.seq] = (seen, unseen)
    return out


def _not_seen_notes(unseen: list[Fact], start: Fact, until: Fact | None) -> list[str]:
    """The visits between a clock's start and the visit that stopped it (or now) at which
    the child was not seen."""
    return [
        f"{v.describe()}: the child was not seen, so it does not count as a statutory visit"
        for v in unseen
        if v.on >= start.on and (until is None or v.on <= until.on)
    ]


def _closed(tl: Timeline, placement: Placement) -> tuple[date, str] | None:
    end = placement.end
    ended = (
        (end.on, "left care" if end.type == "left_care" else "placement ended") if end is not None else None
    )
    return earliest(ended, turns_18(tl))


def uses_pwp(ctx: RuleContext, placement: Placement) -> bool:
    """Whether VIS-PWP (not VIS-1/2/3/4) governs this placement's visits: placed with
    parents, or a placement type the council treats as a connected person on temporary
    approval (VIS-PWP `connected_types`, as in force at the placement start)."""
    kind = placement.placement_type
    if kind in PLACED_WITH_PARENTS:
        return True
    return kind in tuple(ctx.param_of("VIS-PWP", "connected_types", on=placement.started_on))


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

    Source: CPPCR 2010 reg 28(2)(a) ("within one week of the start of any placement").
    Calendar days: weekends and bank holidays count. A visit at which the child was not
    seen does not count. The end of the placement closes the clock. Placements with
    parents (and configured connected-person placements) follow VIS-PWP instead.

    Worked examples:
    - Met: placed Tue 28 Feb 2023; 7 days is Tue 7 Mar 2023; visited Tue 7 Mar 2023: met.
    - Leap year: placed Wed 28 Feb 2024; 29 Feb is day 1, so 7 days is Wed 6 Mar 2024.
    - Missed: placed Tue 28 Feb 2023, first seen Wed 8 Mar 2023: late.
    - Closed: placed Tue 28 Feb 2023, placement ended Fri 3 Mar 2023 with no visit.
    """
    for placement in tl.placements:
        if uses_pwp(ctx, placement):
            continue
        seen, unseen = visits_in(tl, placement)
        met = seen[0] if seen else None
        yield ctx.obligation(
            tl,
            start=placement.start,
            deadline=ctx.deadline(placement.started_on),
            met_by=met,
            closed=_closed(tl, placement),
            discriminator=str(placement.start.seq),
            notes=partial(_not_seen_notes, unseen, placement.start, met),
        )


def _which_interval(placement: Placement, visit_on: date, anniversary: date) -> str:
    """The rule whose clock a visit starts: VIS-2 in the first year of the placement,
    then VIS-3 (long-term) or VIS-4."""
    if visit_on < anniversary:
        return "VIS-2"
    return "VIS-3" if placement.long_term else "VIS-4"


def _interval_reason(rule_id: str, anniversary: date) -> str:
    if rule_id == "VIS-2":
        return f"in the first year of the placement (first anniversary {fmt_date(anniversary)})"
    after = f"after the first year of the placement (first anniversary {fmt_date(anniversary)})"
    if rule_id == "VIS-3":
        return after + "; the placement is intended to last until 18"
    return after + "; the placement is not recorded as intended to last until 18"


@dataclass(frozen=True, slots=True)
class _VisitClocks:
    """One placement's visits, each with the rule whose clock it starts: worked out once
    per timeline for VIS-2, VIS-3 and VIS-4 together."""

    placement: Placement
    anniversary: date
    seen: list[Fact]
    unseen: list[Fact]
    closed: tuple[date, str] | None
    rules: list[str]  # rules[i]: the rule of the clock seen[i] starts


def _visit_clocks(tl: Timeline) -> list[_VisitClocks]:
    def walk() -> list[_VisitClocks]:
        out = []
        for placement in tl.placements:
            seen, unseen = visits_in(tl, placement)
            anniversary = first_anniversary(placement)
            out.append(
                _VisitClocks(
                    placement,
                    anniversary,
                    seen,
                    unseen,
                    _closed(tl, placement),
                    [_which_interval(placement, v.on, anniversary) for v in seen],
                )
            )
        return out

    return tl.memo("visit-clocks", walk)


def _later_visits(tl: Timeline, ctx: RuleContext, which: str) -> Iterator[Obligation]:
    """VIS-2/3/4: from each visit, the next within the interval that applies at that visit."""
    for clocks in _visit_clocks(tl):
        if which not in clocks.rules or uses_pwp(ctx, clocks.placement):
            continue
        seen = clocks.seen
        for i, rule_id in enumerate(clocks.rules):
            if rule_id != which:
                continue
            previous = seen[i]
            following = seen[i + 1] if i + 1 < len(seen) else None
            yield ctx.obligation(
                tl,
                start=previous,
                deadline=ctx.deadline(previous.on),
                met_by=following,
                closed=clocks.closed,
                discriminator=str(previous.seq),
                notes=partial(_later_visit_notes, clocks, previous, following, which),
            )


def _later_visit_notes(clocks: _VisitClocks, previous: Fact, following: Fact | None, which: str) -> list[str]:
    return [
        f"Previous visit {fmt_date(previous.on)} was {_interval_reason(which, clocks.anniversary)}",
        *_not_seen_notes(clocks.unseen, previous, following),
    ]


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

    Source: CPPCR 2010 reg 28(2)(b). Measured in calendar days from the actual date of the
    previous visit in the placement at which the child was seen; every such visit before
    the placement's first anniversary starts a 42-day clock (even if it falls due after
    the anniversary). Christmas and bank holidays make no difference.

    Worked examples:
    - Met: visited Mon 4 Dec 2023; 42 days (Christmas included) is Mon 15 Jan 2024;
      visited Fri 12 Jan 2024: met.
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
    one that applies on the date of the previous visit: a visit on or after the first
    anniversary of a long-term placement starts a 3-month clock (month-end clamped).

    Worked examples:
    - Met: long-term placement from Mon 3 Jan 2022 (first anniversary Tue 3 Jan 2023);
      visit Wed 11 Jan 2023; 3 months is Tue 11 Apr 2023; visited Mon 3 Apr 2023: met.
    - Missed: visited Wed 12 Apr 2023: late.
    - Month end: a visit on Thu 30 Nov 2023 is due again by Thu 29 Feb 2024.
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

    Source: CPPCR 2010 reg 28(2)(c)(ii). As VIS-2, for visits on or after the placement's
    first anniversary.

    Worked examples:
    - Met: placement from Mon 3 Jan 2022 (not long-term); visit Wed 11 Jan 2023; 42 days
      is Wed 22 Feb 2023; visited Mon 20 Feb 2023: met.
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
    (`connected_types`, e.g. ["U1", "U2", "U3"]); none by default. These placements
    follow this rule instead of VIS-1/2/3/4. Calendar days throughout.

    Reading: "the first review carried out in accordance with Part 6" is the child's first
    looked-after review of the period of care (reg 33(1)). The first visit of any such
    placement is due within a week of its start (reg 28(2)(a), "subject to" (3)-(6), which
    a placement starting after the first review leaves in force); after that, a visit made
    before the first review sets the next a week later, and a visit on or after it sets the
    next 42 days (parents) or 28 days (connected person) later. The end of the placement
    closes the clock.

    Worked examples:
    - Placed with parents Mon 6 Mar 2023: first visit due Mon 13 Mar 2023; visited Fri 10
      Mar 2023: met; next due Fri 17 Mar 2023 (weekly until the first review).
    - Missed: no visit until Mon 20 Mar 2023: the visit due Fri 17 Mar 2023 is late.
    - After the first review on Fri 31 Mar 2023: a visit on Mon 3 Apr 2023 sets the next due
      Mon 15 May 2023 (42 days).
    """
    placements = [p for p in tl.placements if uses_pwp(ctx, p)]
    if not placements:  # most children: no need to look through their reviews
        return
    reviews = [f for f in tl.of_type("review_held") if f.get("kind", "looked_after") == "looked_after"]
    for placement in placements:
        period = tl.periods[placement.period - 1]
        first_review = next(
            (
                r
                for r in reviews
                if r.on >= period.started_on and (period.ended_on is None or r.on <= period.ended_on)
            ),
            None,
        )
        later = "parents" if placement.placement_type in PLACED_WITH_PARENTS else "connected"
        seen, unseen = visits_in(tl, placement)
        closed = _closed(tl, placement)
        starts: list[Fact] = [placement.start, *seen]
        for i, start in enumerate(starts):
            following = seen[i] if i < len(seen) else None
            if i == 0 or first_review is None or start.on < first_review.on:
                name = "until_first_review"
            else:
                name = later
            yield ctx.obligation(
                tl,
                start=start,
                deadline=ctx.deadline(start.on, name),
                met_by=following,
                closed=closed,
                discriminator=str(start.seq),
                notes=partial(_pwp_notes, i == 0, name, first_review, unseen, start, following),
            )


def _pwp_notes(
    first: bool, name: str, first_review: Fact | None, unseen: list[Fact], start: Fact, following: Fact | None
) -> list[str]:
    if first:
        why = "First visit of the placement: within a week of its start"
    elif first_review is None:
        why = "Weekly: the first review of this period of care has not been held"
    elif name == "until_first_review":
        why = f"Weekly: before the first review of this period of care ({first_review.describe()})"
    else:
        why = f"After the first review of this period of care ({first_review.describe()}): " + (
            "placed with parents" if name == "parents" else "connected person"
        )
    return [why, *_not_seen_notes(unseen, start, following)]
