"""Education of looked-after children: personal education plans (PEPs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from events.timeline import PeriodOfCare, Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, calendar_trigger, first_on_or_after, rule
from rules.timescales import Deadline, Timescale, fmt_date

PROMOTING_EDUCATION = "Promoting the education of looked-after and previously looked-after children (DfE statutory guidance, 2018)"

#: School terms as (start month, start day, end month, end day); RULES.md default.
TERMS = ((9, 1, 12, 31), (1, 1, 3, 31), (4, 1, 8, 31))


def _closed(period: PeriodOfCare) -> tuple[date, str] | None:
    return (period.ended_on, "left care") if period.ended_on is not None else None


@rule(
    "EDU-PEP",
    title="Personal education plan initiated",
    basis=Basis.GUIDANCE,
    citation=f"{PROMOTING_EDUCATION}; the PEP is part of the care plan (CPPCR 2010 Sch 1)",
    params={"within": Timescale(10, "working_days"), "min_age": 3, "max_age": 17},
    theme=themes.CARE_PLANNING,
)
def pep_initiated(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A personal education plan is initiated within 10 working days of a child aged 3 to 17 entering care.

    Source: Promoting the education of looked-after children (2018): the PEP is part of
    the care plan, in place within 10 working days. Ages are configurable; without a
    date of birth the rule still applies and says so.

    Worked examples:
    - Met: a 9-year-old entered care Mon 3 Apr 2023; 10 working days, skipping Good Friday
      and Easter Monday, is Wed 19 Apr 2023; PEP initiated Tue 18 Apr 2023: met.
    - Not applicable: a 2-year-old entering care has no PEP obligation.
    """
    peps = tl.of_type("pep_initiated")
    for period in tl.periods:
        age = tl.age_on(period.started_on)
        notes = []
        if age is None:
            notes.append("date of birth not recorded: assumed of school age")
        elif (
            not ctx.param("min_age", on=period.started_on)
            <= age
            <= ctx.param("max_age", on=period.started_on)
        ):
            continue
        met = first_on_or_after(peps, period.started_on, until=period.ended_on)
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=ctx.deadline(period.started_on),
            met_by=met,
            closed=_closed(period),
            notes=notes,
        )


def _terms_between(first: date, last: date) -> Iterator[tuple[date, date]]:
    for year in range(first.year - 1, last.year + 1):
        for sm, sd, em, ed in TERMS:
            start = date(year, sm, sd)
            end = date(year, em, ed)
            if end >= first and start <= last:
                yield start, end


@rule(
    "EDU-PEP-TERM",
    title="PEP reviewed each term",
    basis=Basis.GUIDANCE,
    citation=f"{PROMOTING_EDUCATION}; scorecard P4.2 '% completed PEPs (termly)' (seed 004)",
    params={"min_age": 4, "max_age": 17},
    theme=themes.CARE_PLANNING,
)
def pep_termly(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The PEP is reviewed in every school term in which a child of school age is looked after.

    Source: Promoting the education of looked-after children (2018); scorecard P4.2 (seed
    004). Terms: 1 Sep-31 Dec, 1 Jan-31 Mar, 1 Apr-31 Aug. The clock starts at the later of
    the term's start and the start of the period of care; it is due on the term's last day.
    School age is 4 (reception) to 17, configurable. A PEP initiated in the term also counts.

    Worked examples:
    - Met: looked after all spring term 2024 (1 Jan-31 Mar 2024); PEP reviewed Thu 14 Mar 2024: met.
    - Missed: no review by Sun 31 Mar 2024: overdue from Mon 1 Apr 2024.
    - Left care Fri 15 Mar 2024 without a review that term: closed.
    """
    reviews = tl.of_type("pep_reviewed", "pep_initiated")
    for period in tl.periods:
        last = period.ended_on or ctx.as_of
        for term_start, term_end in _terms_between(period.started_on, last):
            start = max(term_start, period.started_on)
            if start > ctx.as_of:
                continue
            age = tl.age_on(start)
            if age is not None and not ctx.param("min_age", on=start) <= age <= ctx.param(
                "max_age", on=start
            ):
                continue
            met = next((r for r in reviews if start <= r.on <= term_end), None)
            closed = (
                (period.ended_on, "left care")
                if period.ended_on is not None and period.ended_on <= term_end
                else None
            )
            deadline = Deadline(term_end, f"within the term {fmt_date(term_start)} to {fmt_date(term_end)}")
            yield ctx.obligation(
                tl,
                start=start,
                deadline=deadline,
                met_by=met,
                closed=closed,
                title=f"PEP reviewed in the term from {fmt_date(term_start)}",
            )


@calendar_trigger
def next_term(tl: Timeline, as_of: date) -> list[date]:
    """A new term starts a new EDU-PEP-TERM clock for a child in care on that day."""
    if tl.period_on(as_of) is None:
        return []
    starts = [date(as_of.year + k, sm, sd) for k in (0, 1) for sm, sd, _, _ in TERMS]
    return [min(d for d in starts if d > as_of)]
