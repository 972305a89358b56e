"""Health of looked-after children: initial and review health assessments, dental checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from events.timeline import Fact, PeriodOfCare, Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, first_on_or_after, rule
from rules.timescales import Timescale, fmt_date

PROMOTING_HEALTH = (
    "Promoting the health and well-being of looked-after children (DfE/DH statutory guidance, 2015)"
)
MISSED_OUTCOMES = {
    "not_brought": "not brought",
    "cancelled_by_carer": "cancelled by the carer",
    "cancelled_by_provider": "cancelled by the provider",
}


def _closed(period: PeriodOfCare) -> tuple[date, str] | None:
    return (period.ended_on, "left care") if period.ended_on is not None else None


def _of_kind(tl: Timeline, type_name: str, kind: str) -> list[Fact]:
    return [f for f in tl.of_type(type_name) if f.get("kind") == kind]


def _missed_appointments(tl: Timeline, kind: str, since: date, until: date | None) -> list[str]:
    """Explanation notes for appointments that did not happen (an IRO wants to see them)."""
    notes = []
    for f in _of_kind(tl, "health_appointment", kind):
        if f.on >= since and (until is None or f.on <= until) and f.get("outcome") in MISSED_OUTCOMES:
            notes.append(f"Appointment on {fmt_date(f.on)}: {MISSED_OUTCOMES[f['outcome']]}")
    return notes


@rule(
    "HLT-IHA-REQ",
    title="Initial health assessment requested",
    basis=Basis.LOCAL,
    citation="Local standard: IHA requested within 48 hours of entering care (IHA performance tables, seed 000; scorecard P3.1, seed 004)",
    params={"within": Timescale(48, "hours")},
    theme=themes.CARE_PLANNING,
)
def iha_requested(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The initial health assessment is requested within 48 hours of the child entering care.

    Source: local standard behind scorecard measure P3.1 (seed 004) and the IHA tables of
    seed 000; configurable. Hours are clock hours, so weekends count: a child entering care
    on a Friday afternoon needs the request by Sunday afternoon. If the entry has a date but
    no time, the deadline is the end of the second day after it (approximate).

    Worked examples:
    - Met: entered care Fri 6 Oct 2023 15:00 BST; due Sun 8 Oct 2023 15:00 BST; requested
      Sun 8 Oct 2023 10:00: met.
    - Missed: requested Mon 9 Oct 2023 09:00: late.
    - Date only: entered care Mon 12 Sep 2022 (no time): due by the end of Wed 14 Sep 2022.
    """
    requests = _of_kind(tl, "health_assessment_requested", "initial")
    for period in tl.periods:
        met = first_on_or_after(requests, period.start.at, until=period.ended_on)
        if met is None:  # requested on the day of entry, before the recorded time
            met = first_on_or_after(requests, period.started_on, until=period.ended_on)
        yield ctx.obligation(
            tl, start=period.start, deadline=ctx.deadline(period.start.at), met_by=met, closed=_closed(period)
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
    "statutory timescale" of scorecard P3.2 (seed 004). Appointments the child was not
    brought to, or that were cancelled, do not count and are shown in the explanation.

    Worked examples:
    - Met: entered care Tue 2 May 2023; 20 working days, skipping Mon 8 May (coronation) and
      Mon 29 May 2023, is Thu 1 Jun 2023; IHA completed Thu 1 Jun 2023: met.
    - Missed: IHA completed Fri 2 Jun 2023: late by 1 working day.
    """
    completions = _of_kind(tl, "health_assessment_completed", "initial")
    for period in tl.periods:
        met = first_on_or_after(completions, period.started_on, until=period.ended_on)
        notes = _missed_appointments(tl, "initial", period.started_on, period.ended_on)
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=ctx.deadline(period.start.at),
            met_by=met,
            closed=_closed(period),
            notes=notes,
        )


@rule(
    "HLT-RHA",
    title="Review health assessment",
    basis=Basis.GUIDANCE,
    citation=f"{PROMOTING_HEALTH}; CPPCR 2010 reg 7",
    params={"under_five": Timescale(6, "months"), "five_and_over": Timescale(12, "months")},
    theme=themes.CARE_PLANNING,
)
def review_health_assessment(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A looked-after child's health is reviewed every 6 months before the 5th birthday and every 12 months after.

    Source: Promoting the health and well-being of looked-after children (2015); CPPCR reg 7.
    The interval is chosen by the child's age on the date of the previous assessment: under
    5 then, the next is due 6 months later; 5 or over, 12 months later.

    Worked examples:
    - Under 5: IHA Wed 15 Mar 2023 for a child born 1 Jun 2019 (aged 3): review due Fri 15 Sep 2023.
    - The switch: previous review Tue 3 Oct 2023, child born 1 Sep 2018 (turned 5 on 1 Sep
      2023): next due Thu 3 Oct 2024 (12 months).
    - Leap day: assessment Thu 29 Feb 2024, aged 9: due Fri 28 Feb 2025.
    """
    completions = [f for f in tl.of_type("health_assessment_completed")]
    reviews = _of_kind(tl, "health_assessment_completed", "review")
    for period in tl.periods:
        in_period = [
            c
            for c in completions
            if c.on >= period.started_on and (period.ended_on is None or c.on <= period.ended_on)
        ]
        for previous in in_period:
            age = tl.age_on(previous.on)
            name = "under_five" if age is not None and age < 5 else "five_and_over"
            notes = [] if age is not None else ["date of birth not recorded: the 12-month interval is used"]
            met = next(
                (
                    r
                    for r in reviews
                    if r.on > previous.on and (period.ended_on is None or r.on <= period.ended_on)
                ),
                None,
            )
            yield ctx.obligation(
                tl,
                start=previous,
                deadline=ctx.deadline(previous.on, name),
                met_by=met,
                closed=_closed(period),
                discriminator=str(previous.seq),
                notes=notes,
            )


@rule(
    "HLT-DENTAL",
    title="Dental check",
    basis=Basis.LOCAL,
    citation="SSDA903 OC2 TEETH_CHECK (annual dental check); alert only",
    params={"within": Timescale(12, "months")},
    theme=themes.CARE_PLANNING,
)
def dental_check(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A looked-after child has a dental check at least every 12 months.

    Source: the annual dental check counted by SSDA903 (OC2 TEETH_CHECK); a local alert,
    not a statutory breach. The first clock runs from entering care, then from each check.

    Worked examples:
    - Met: entered care Mon 16 Jan 2023; check Fri 1 Dec 2023: met (due Tue 16 Jan 2024).
    - Missed: next check due Sun 1 Dec 2024; none by Mon 6 Jan 2025: overdue.
    """
    checks = tl.of_type("dental_check")
    for period in tl.periods:
        in_period = [
            c
            for c in checks
            if c.on >= period.started_on and (period.ended_on is None or c.on <= period.ended_on)
        ]
        yield from ctx.intervals(tl, [period.start, *in_period], closed=_closed(period))
