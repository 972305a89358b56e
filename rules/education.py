"""Education of looked-after children: personal education plans (PEPs)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from functools import lru_cache, partial
from typing import Any

from events.timeline import PeriodOfCare, Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.periods import care_stops, for_period_or_in_advance
from rules.registry import RuleContext, calendar_trigger, earliest, rule
from rules.timescales import Deadline, Timescale, fmt_date

PROMOTING_EDUCATION = "Promoting the education of looked-after and previously looked-after children (DfE statutory guidance, 2018)"

#: School terms, "MM-DD..MM-DD" (first and last day); RULES.md default. A council sets
#: its own as EDU-PEP-TERM `terms`, e.g. ["09-01..12-31", "01-01..03-31", "04-01..08-31"].
#: A term whose last day is earlier in the year than its first ends the next year.
TERMS = ("09-01..12-31", "01-01..03-31", "04-01..08-31")

NO_DOB = "date of birth not recorded: the age cannot be checked, so the rule is applied"
_NO_DOB = (NO_DOB,)  # the explanation's note, as `RuleContext.obligation` keeps it

MonthDay = tuple[int, int]


TERM_ENDED = "the term ended"


def _closed(tl: Timeline, period: PeriodOfCare) -> tuple[date, str] | None:
    """Leaving care, or the 18th birthday (no longer a child, so no PEP), stops the clocks."""
    return care_stops(tl, period)


def _of_age(tl: Timeline, ctx: RuleContext, day: date) -> bool | None:
    """Whether the child's age on `day` is within the rule's min_age..max_age (as in force
    on `day`); None without a date of birth."""
    age = tl.age_on(day)
    if age is None:
        return None
    return bool(ctx.param("min_age", on=day) <= age <= ctx.param("max_age", on=day))


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
    the care plan, in place within 10 working days. The age is the child's age on the day
    of entering care (3 to 17 by default, configurable); without a date of birth the rule
    still applies and says so. Each period of care starts a new clock; leaving care, or
    the 18th birthday, before the due date closes it (after it: missed). The PEP is
    initiated as part of the care plan, so, like the care plan (CPPCR reg 4(2)), it may be
    initiated before the child enters care for a planned admission: a PEP initiated
    before the period began counts if it is after the end of the previous period of care
    (a child who comes back into care needs a new PEP).

    Worked examples:
    - Met: a 9-year-old entered care Mon 3 Apr 2023; 10 working days, skipping Good Friday
      (7 Apr) and Easter Monday (10 Apr), is Wed 19 Apr 2023; PEP initiated Tue 18 Apr 2023: met.
    - Missed: PEP initiated Thu 20 Apr 2023: late by 1 working day.
    - Not applicable: a 2-year-old entering care has no PEP obligation.
    - In advance: PEP initiated Fri 31 Mar 2023 for the planned admission on Mon 3 Apr 2023:
      met. Had the child left an earlier period of care on Mon 3 Apr 2023 and come back
      on Mon 17 Apr, that PEP would be the earlier period's: the new one would be due.
    """
    peps = tl.of_type("pep_initiated")
    for period in tl.periods:
        of_age = _of_age(tl, ctx, period.started_on)
        if of_age is False or not period.start_known:  # start unknown: before the data
            continue
        yield ctx.obligation(
            tl,
            start=period.start,
            deadline=ctx.deadline(period.started_on),
            met_by=next(iter(for_period_or_in_advance(tl, peps, period)), None),
            closed=_closed(tl, period),
            notes=_NO_DOB if of_age is None else (),
        )


def parse_terms(value: Sequence[Any]) -> tuple[tuple[MonthDay, MonthDay], ...]:
    """School terms from the setting: each "MM-DD..MM-DD" (or a pair ["MM-DD", "MM-DD"])
    gives the first and last day of a term; 29 February is refused (not every year has it)."""
    return _parse_terms(tuple(item if isinstance(item, str) else tuple(item) for item in value))


@lru_cache(maxsize=64)
def _parse_terms(value: tuple[Any, ...]) -> tuple[tuple[MonthDay, MonthDay], ...]:
    def month_day(text: Any) -> MonthDay:
        try:
            month, day = (int(part) for part in str(text).strip().split("-"))
            date(2023, month, day)  # a year without 29 February
        except ValueError:
            raise ValueError(
                f"school term day {text!r} is not MM-DD (e.g. '09-01'; 29 February is not allowed)"
            ) from None
        return month, day

    terms = []
    for item in value:
        parts = item.split("..") if isinstance(item, str) else item
        if len(parts) != 2:
            raise ValueError(f"school term {item!r} is not 'MM-DD..MM-DD' (first and last day)")
        terms.append((month_day(parts[0]), month_day(parts[1])))
    return tuple(terms)


def _term_dates(year: int, term: tuple[MonthDay, MonthDay]) -> tuple[date, date]:
    (sm, sd), (em, ed) = term
    start = date(year, sm, sd)
    end = date(year, em, ed)
    return start, end if end >= start else date(year + 1, em, ed)


def _terms(ctx: RuleContext, first: date, last: date) -> list[tuple[date, date]]:
    """The school terms overlapping first..last, in order. Each term is one of the terms
    set as in force on its own first day (so a council's change of terms applies from its
    effective date)."""

    def terms_on(day: date) -> tuple[tuple[MonthDay, MonthDay], ...]:
        return parse_terms(ctx.param("terms", on=day))

    if ctx.param_is_dated("terms"):
        samples = {first, last, *(date(y, 1, 1) for y in range(first.year, last.year + 1))}
        definitions = {terms_on(day) for day in samples}
    else:
        definitions = {terms_on(first)}
    found = set()
    for definition in definitions:
        for term in definition:
            for year in range(first.year - 1, last.year + 1):
                start, end = _term_dates(year, term)
                if end >= first and start <= last and (len(definitions) == 1 or term in terms_on(start)):
                    found.add((start, end))
    return sorted(found)


def _within_term(term_start: date, term_end: date) -> str:
    return f"within the term {fmt_date(term_start)} to {fmt_date(term_end)}: by {fmt_date(term_end)}"


@lru_cache(maxsize=512)
def _term_clock(term_start: date, term_end: date) -> tuple[Deadline, str, tuple[date, str]]:
    """A term's deadline, the title of its obligation and the stop when it ends: the same
    for every child in care that term, so worked out once per term, not once per child."""
    return (
        Deadline(term_end, partial(_within_term, term_start, term_end)),
        f"PEP reviewed in the term from {fmt_date(term_start)}",
        (term_end + timedelta(days=1), TERM_ENDED),
    )


@rule(
    "EDU-PEP-TERM",
    title="PEP reviewed each term",
    basis=Basis.GUIDANCE,
    citation=f"{PROMOTING_EDUCATION}; scorecard P4.2 '% completed PEPs (termly)' (seed 004)",
    params={"min_age": 4, "max_age": 17, "terms": TERMS},
    theme=themes.CARE_PLANNING,
)
def pep_termly(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The PEP is reviewed in every school term in which a child of school age is looked after.

    Source: Promoting the education of looked-after children (2018); scorecard P4.2 (seed
    004). Terms (configurable `terms`): 1 Sep-31 Dec, 1 Jan-31 Mar, 1 Apr-31 Aug. One
    obligation per term: the clock starts at the later of the term's first day and the
    start of the period of care, and it is due on the term's last day; a PEP reviewed (or
    initiated) in that window, while in care, meets it. Leaving care before the term's
    last day closes it. School age is the child's age on the clock start, 4 (reception)
    to 17 by default (`min_age`, `max_age`); without a date of birth the rule applies and
    says so. Terms before the period of care, or starting after the as-of date, are not
    listed.

    Worked examples:
    - Met: entered care Wed 1 Nov 2023 (autumn term 1 Sep-31 Dec 2023: clock from Wed 1 Nov
      2023, due Sun 31 Dec 2023); PEP reviewed Tue 5 Dec 2023: met.
    - Missed: no review in the spring term by Sun 31 Mar 2024: missed on Mon 1 Apr 2024
      ("the term ended"; 0 working days past due, as 1 Apr 2024 was Easter Monday). A
      term's review cannot be done after the term, so it is never overdue.
    - Closed: left care Fri 15 Mar 2024 without a review that term; or turned 18 in it.
    """
    reviews = tl.of_type("pep_reviewed", "pep_initiated")
    review_days = [r.on for r in reviews]  # in timeline order, so sorted
    as_of = ctx.as_of
    for period in tl.periods:
        period_stopped = _closed(tl, period)
        began, ended = period.started_on, period.ended_on
        last = min(ended or as_of, as_of)
        for term_start, term_end in _terms(ctx, began, last):
            start = max(term_start, began)
            if start > as_of or (ended is not None and start >= ended):
                continue
            of_age = _of_age(tl, ctx, start)
            if of_age is False:
                continue
            until = term_end if ended is None else min(term_end, ended)
            first = bisect_left(review_days, start)
            met = reviews[first] if first < len(reviews) and review_days[first] <= until else None
            # A term's PEP review can only be done in that term: once it is over, an
            # unreviewed term is missed (from the next day), not overdue for ever.
            deadline, title, term_ended = _term_clock(term_start, term_end)
            stopped = period_stopped
            if stopped is not None and stopped[0] >= term_end:
                stopped = None  # in care (and a child) to the term's last day: the term decides
            yield ctx.obligation(
                tl,
                start=start,
                deadline=deadline,
                met_by=met,
                closed=earliest(stopped, term_ended),
                title=title,
                notes=_NO_DOB if of_age is None else (),
            )


@calendar_trigger
def next_term(tl: Timeline, as_of: date) -> list[date]:
    """A new term starts a new EDU-PEP-TERM clock for a child in care on that day.

    Triggers get no settings, so this wakes the child at the catalogue's default term
    starts; a council's own `terms` take effect at the child's next recorded event."""
    if tl.period_on(as_of) is None:
        return []
    starts = [_term_dates(as_of.year + k, term)[0] for k in (0, 1) for term in parse_terms(TERMS)]
    return [min(d for d in starts if d > as_of)]
