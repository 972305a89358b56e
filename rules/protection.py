"""Child protection and children in need (Working Together to Safeguard Children)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from events.timeline import Fact, ProtectionPlan, Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, earliest, first_on_or_after, rule
from rules.timescales import Timescale, fmt_date

WT = "Working Together to Safeguard Children (2018/2023)"

#: Referral decisions after which no child and family assessment is needed.
NO_ASSESSMENT = ("nfa", "early_help")

#: A new referral starts its own decision and assessment clocks; the earlier ones stop.
NEW_REFERRAL = "new referral received"


def _plan_closed(plan: ProtectionPlan) -> tuple[date, str] | None:
    return (plan.ended_on, "plan ended") if plan.ended_on is not None else None


def _between(facts: tuple[Fact, ...], first: date, last: date | None) -> list[Fact]:
    return [f for f in facts if f.on >= first and (last is None or f.on <= last)]


@rule(
    "CP-REF",
    title="Decision on a referral",
    basis=Basis.GUIDANCE,
    citation=f"{WT}, ch. 1 (decision within one working day)",
    params={"within": Timescale(1, "working_days")},
    theme=themes.SAFEGUARDING,
)
def referral_decision(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A decision about the type of response is made within 1 working day of a referral.

    Source: Working Together (one working day). A decision up to the day of the next
    referral counts; the next referral starts its own clock and stops this one (before the
    due date: closed; after it, an undecided referral is missed).

    Worked examples:
    - Met: referral Fri 24 May 2024; due Tue 28 May 2024 (Mon 27 May was a bank holiday);
      decision Tue 28 May 2024: met.
    - Late: decision Wed 29 May 2024: late by 1 working day.
    - Missed: no decision, and a new referral on Mon 3 Jun 2024: missed then, 4 working
      days past due.
    """
    referrals = tl.of_type("referral_received")
    decisions = tl.of_type("referral_decision")
    for i, referral in enumerate(referrals):
        until = referrals[i + 1].on if i + 1 < len(referrals) else None
        met = first_on_or_after(decisions, referral.on, until=until)
        yield ctx.obligation(
            tl,
            start=referral,
            deadline=ctx.deadline(referral.on),
            met_by=met,
            closed=(until, NEW_REFERRAL) if until is not None else None,
            discriminator=str(referral.seq),
        )


@rule(
    "CP-ASMT",
    title="Assessment completed",
    basis=Basis.GUIDANCE,
    citation=f"{WT}, ch. 1 (assessment within 45 working days of referral)",
    params={"within": Timescale(45, "working_days")},
    theme=themes.SAFEGUARDING,
)
def assessment(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A child and family assessment is completed within 45 working days of the referral.

    Source: Working Together; the reason should be recorded when it is exceeded. A referral
    decided as "nfa" or "early_help", or recorded with `nfa` (the CIN census's ReferralNFA),
    needs no assessment (closed). An assessment up to the
    day of the next referral counts; the next referral starts its own clock and stops
    this one (closed before the due date, missed after it).

    Worked examples:
    - Met: referral Mon 4 Dec 2023; 45 working days, skipping 25 Dec, 26 Dec and 1 Jan, is
      Thu 8 Feb 2024; assessment completed Thu 8 Feb 2024: met.
    - Late: completed Fri 9 Feb 2024: late by 1 working day.
    - Missed: not completed, and a new referral on Thu 15 Feb 2024: missed then.
    - No further action: referral Mon 4 Dec 2023 recorded with `nfa`, no assessment by
      Thu 8 Feb 2024: closed.
    """
    referrals = tl.of_type("referral_received")
    decisions = tl.of_type("referral_decision")
    done = tl.of_type("assessment_completed")
    for i, referral in enumerate(referrals):
        until = referrals[i + 1].on if i + 1 < len(referrals) else None
        decision = first_on_or_after(decisions, referral.on, until=until)
        closed = (until, NEW_REFERRAL) if until is not None else None
        notes: list[str] = []
        if decision is not None and decision.get("outcome") in NO_ASSESSMENT:
            closed = earliest((decision.on, "no assessment needed"), closed)
            notes.append(f"Referral decision on {fmt_date(decision.on)}: {decision['outcome']}")
        elif referral.get("nfa"):  # the CIN census's ReferralNFA: it has no decision date
            closed = earliest((referral.on, "no assessment needed"), closed)
            notes.append("Referral recorded as one with no further action")
        met = first_on_or_after(done, referral.on, until=until)
        yield ctx.obligation(
            tl,
            start=referral,
            deadline=ctx.deadline(referral.on),
            met_by=met,
            closed=closed,
            discriminator=str(referral.seq),
            notes=notes,
        )


@rule(
    "CP-ICPC",
    title="Initial child protection conference",
    basis=Basis.GUIDANCE,
    citation=f"{WT}, ch. 1 (ICPC within 15 working days of the strategy discussion); CIN census rule 8675Q",
    params={"within": Timescale(15, "working_days"), "clock_start": "first"},
    choices={"clock_start": ("first", "last")},
    theme=themes.SAFEGUARDING,
)
def initial_conference(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """An initial child protection conference is held within 15 working days of the strategy discussion that started section 47 enquiries.

    Source: Working Together; CIN census validation 8675Q. Setting `clock_start`: "first"
    (default) or "last" of the s47 strategy discussions held since the previous initial
    conference, as in force on the day of the first. A discussion held while the child is
    already on a plan needs no initial conference (the core group and review conference
    take it up) and starts no clock. An enquiry that concluded no conference was needed
    (`icpc_not_required`, the CIN census's ICPCnotRequired) is closed on the day of its
    discussion, "ICPC not required", and is no breach.

    Worked examples:
    - Met: s47 strategy discussion Wed 20 Dec 2023; 15 working days, skipping 25 Dec, 26 Dec
      2023 and 1 Jan 2024, is Mon 15 Jan 2024; ICPC Mon 15 Jan 2024: met.
    - Missed: ICPC Tue 16 Jan 2024: late by 1 working day.
    - Last discussion: discussions Wed 20 Dec 2023 and Fri 5 Jan 2024; with `clock_start`
      "last" the conference is due Fri 26 Jan 2024.
    - Not required: s47 discussion Wed 20 Dec 2023 marked ICPC not required, no conference
      by Mon 15 Jan 2024: closed.
    """
    plans = tl.protection_plans
    discussions: list[Fact] = []
    for f in tl.of_type("strategy_discussion"):
        if not f.get("s47") or any(_open_on(plan, f.on) for plan in plans):
            continue
        if f.get("icpc_not_required"):
            yield ctx.obligation(
                tl,
                start=f,
                deadline=ctx.deadline(f.on),
                closed=(f.on, "ICPC not required"),
                discriminator=str(f.seq),
            )
            continue
        discussions.append(f)
    conferences = tl.of_type("icpc_held")
    # On one day, a discussion comes before the conference it led to, whatever the order
    # they were recorded in.
    ordered = sorted([*discussions, *conferences], key=lambda f: (f.on, f.type == "icpc_held", f.seq))
    pending: list[Fact] = []
    for fact in ordered:
        if fact.type == "strategy_discussion":
            pending.append(fact)
            continue
        if pending:
            yield _icpc_obligation(tl, ctx, pending, met_by=fact)
            pending = []
    if pending:
        yield _icpc_obligation(tl, ctx, pending, met_by=None)


def _open_on(plan: ProtectionPlan, day: date) -> bool:
    """The plan was in force on `day` (made before it, not ended by it)."""
    return plan.started_on < day and (plan.ended_on is None or day < plan.ended_on)


def _icpc_obligation(
    tl: Timeline, ctx: RuleContext, discussions: list[Fact], met_by: Fact | None
) -> Obligation:
    first = discussions[0]
    start = first if ctx.param("clock_start", on=first.on) == "first" else discussions[-1]
    notes = [
        f"{len(discussions)} s47 strategy discussions; the clock runs from the {'first' if start is first else 'last'}"
    ]
    return ctx.obligation(
        tl,
        start=start,
        deadline=ctx.deadline(start.on),
        met_by=met_by,
        discriminator=str(start.seq),
        notes=notes if len(discussions) > 1 else (),
    )


@rule(
    "CP-CG",
    title="First core group",
    basis=Basis.GUIDANCE,
    citation=f"{WT}, ch. 1 (first core group within 10 working days of the ICPC)",
    params={"within": Timescale(10, "working_days")},
    theme=themes.SAFEGUARDING,
)
def first_core_group(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The first core group meets within 10 working days of the initial conference that made a plan.

    Source: Working Together. One clock per plan, from the initial conference that made it;
    the plan ending before the due date closes it ("plan ended").

    Worked examples:
    - Met: ICPC with plan Wed 20 Mar 2024; 10 working days, skipping Good Friday 29 Mar and
      Easter Monday 1 Apr 2024, is Fri 5 Apr 2024; core group Fri 5 Apr 2024: met.
    - Missed: core group Mon 8 Apr 2024: late by 1 working day.
    - Closed: the plan ended on Wed 27 Mar 2024 before any core group: closed.
    """
    groups = tl.of_type("core_group_held")
    for plan in tl.protection_plans:
        met = first_on_or_after(groups, plan.started_on, until=plan.ended_on)
        yield ctx.obligation(
            tl,
            start=plan.start,
            deadline=ctx.deadline(plan.started_on),
            met_by=met,
            closed=_plan_closed(plan),
        )


@rule(
    "CP-RCPC-1",
    title="First review child protection conference",
    basis=Basis.GUIDANCE,
    citation=f"{WT}, ch. 1 (first review conference within 3 months of the ICPC)",
    params={"within": Timescale(3, "months")},
    theme=themes.SAFEGUARDING,
)
def first_review_conference(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The first review child protection conference is held within 3 months of the initial conference.

    Source: Working Together. One clock per plan, from the initial conference that made it
    (or the plan's own start, `cp_plan_started`, when its conference is not on record); the
    plan ending before the due date closes it ("plan ended"); a review conference that ends
    the plan meets it.

    Worked examples:
    - Met: ICPC Tue 31 Oct 2023; due Wed 31 Jan 2024; RCPC Tue 30 Jan 2024: met.
    - Missed: RCPC Thu 1 Feb 2024: late by 1 working day.
    - Month end: ICPC Thu 30 Nov 2023; due Thu 29 Feb 2024 (leap year, clamped).
    - Closed: the plan ended (`cp_plan_ended`) Fri 1 Dec 2023, before the first review: closed.
    """
    conferences = tl.of_type("rcpc_held")
    for plan in tl.protection_plans:
        reviews = _between(conferences, plan.started_on, plan.ended_on)
        yield ctx.obligation(
            tl,
            start=plan.start,
            deadline=ctx.deadline(plan.started_on),
            met_by=reviews[0] if reviews else None,
            closed=_plan_closed(plan),
        )


@rule(
    "CP-RCPC-N",
    title="Later review child protection conference",
    basis=Basis.GUIDANCE,
    citation=f"{WT}, ch. 1 (later review conferences at intervals of not more than 6 months)",
    params={"within": Timescale(6, "months")},
    theme=themes.SAFEGUARDING,
)
def later_review_conferences(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """Later review conferences are held at intervals of not more than 6 months while the plan continues.

    Source: Working Together. Measured from the date each review conference was actually
    held; none is due after a conference that ended the plan, and the plan ending before
    the due date closes it ("plan ended").

    Worked examples:
    - Met: RCPC Tue 30 Jan 2024 (plan continues); due Tue 30 Jul 2024; RCPC Mon 22 Jul 2024: met.
    - Missed: no RCPC by Wed 31 Jul 2024: overdue.
    - Closed: the plan ended Wed 1 May 2024, before the next review was due: closed.
    """
    conferences = tl.of_type("rcpc_held")
    for plan in tl.protection_plans:
        reviews = _between(conferences, plan.started_on, plan.ended_on)
        stopped = _plan_closed(plan)
        for i, previous in enumerate(reviews):
            if previous["outcome"] == "end":
                break
            yield ctx.obligation(
                tl,
                start=previous,
                deadline=ctx.deadline(previous.on),
                met_by=reviews[i + 1] if i + 1 < len(reviews) else None,
                closed=stopped,
                discriminator=str(previous.seq),
            )


@rule(
    "CP-VIS",
    title="Child protection visit",
    basis=Basis.LOCAL,
    citation="Local standard: children on a plan seen every 10 working days (councils use 10 WD, 2 weeks or 4 weeks)",
    params={"within": Timescale(10, "working_days")},
    theme=themes.SAFEGUARDING,
)
def protection_visits(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A child on a child protection plan is seen at intervals of not more than 10 working days.

    Source: local practice standard (configurable). Runs from the plan start, then from
    each visit where the child was seen; visits where the child was not seen do not count.

    Worked examples:
    - Met: plan from Mon 18 Dec 2023; 10 working days, skipping 25 Dec, 26 Dec and 1 Jan, is
      Thu 4 Jan 2024; child seen Wed 3 Jan 2024: met.
    - Missed: next visit due Wed 17 Jan 2024; seen Thu 18 Jan 2024: late.
    """
    visits = [v for v in tl.of_type("cp_visit") if v.get("seen", True)]
    for plan in tl.protection_plans:
        seen = _between(tuple(visits), plan.started_on, plan.ended_on)
        starts: list[Fact] = [plan.start, *seen]
        yield from ctx.intervals(tl, starts, closed=_plan_closed(plan))


@rule(
    "CP-DUR",
    title="Child protection plan open over 9 months: senior oversight",
    basis=Basis.LOCAL,
    citation="Local standard: senior oversight of plans open over 9 months (inspection improvement plan, seed 000)",
    params={"within": Timescale(9, "months")},
    theme=themes.DRIFT_LEGAL,
)
def plan_duration(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A child protection plan open for more than 9 months needs monthly senior oversight.

    Source: local improvement plan (seed 000). Modelled as an obligation due 9 months after
    the plan started: met if the plan ended by then, otherwise it falls overdue and is
    raised for senior oversight.

    Worked examples:
    - Met: plan Tue 31 Jan 2023 ended Mon 9 Oct 2023 (due Tue 31 Oct 2023): met.
    - Missed: plan still open on Wed 1 Nov 2023: overdue.
    """
    for plan in tl.protection_plans:
        deadline = ctx.deadline(plan.started_on)
        yield ctx.obligation(tl, start=plan.start, deadline=deadline, met_by=plan.end)
