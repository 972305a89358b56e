"""A parsed CIN census as the contract's facts, each with a stable id from its natural keys.

Ids are `cin:<child>:...` built from what identifies the thing in the census itself (the
child and the referral date for an episode, the plan's start date for a plan, and so on),
never from its position in the file, so next year's census, which repeats the episodes
still open, gives the same ids and adds only what is new. What the census says is stored
as it says it; contradictions become findings, named with the DfE CIN validator's rule
codes where one matches (`DQ-CIN-<rule>`), and nothing is repaired.

See docs/cin-census.md for the table of elements and events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from compliance.sources.cin_census.codes import DIED, SOURCE
from compliance.sources.cin_census.parse import Census, CensusChild, Episode, ProtectionPlan


@dataclass(frozen=True, slots=True)
class CensusFact:
    """One fact from the census: the contract event (without `recorded_at`) and the line
    of the element it came from."""

    line: int
    record: dict[str, Any]

    @property
    def child(self) -> str:
        return str(self.record["child"])

    @property
    def id(self) -> str:
        return str(self.record["id"])


@dataclass(frozen=True, slots=True)
class CensusFinding:
    """A contradiction in the census: stored as recorded, reported under this code."""

    code: str
    child: str | None
    line: int
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"child": self.child, "code": self.code, "line": self.line, "message": self.message}


def census_year(year: int) -> tuple[date, date]:
    """The census year a header Year names: Year 2022 is 1 April 2021 to 31 March 2022."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def year_label(year: int) -> str:
    """Year 2022 -> "2021-22"."""
    return f"{year - 1}-{year % 100:02d}"


def map_census(census: Census) -> tuple[list[CensusFact], list[CensusFinding]]:
    """Every fact of the census, in file order, and its findings."""
    facts: list[CensusFact] = []
    findings: list[CensusFinding] = list(_header_findings(census))
    for child in census.children:
        mapped = _Child(child, census)
        facts.extend(mapped.facts())
        findings.extend(mapped.findings)
    return facts, findings


def _header_findings(census: Census) -> Iterator[CensusFinding]:
    header = census.header
    expected = census_year(header.year)[1]
    if header.reference_date != expected:
        yield CensusFinding(
            "DQ-CIN-100",
            None,
            header.line,
            f"ReferenceDate {header.reference_date.isoformat()} is not {expected.isoformat()}, "
            f"the end of the {year_label(header.year)} census that Year {header.year} names",
        )


def _day(d: date) -> str:
    return d.isoformat()


class _Child:
    def __init__(self, child: CensusChild, census: Census) -> None:
        self.child = child
        self.id = child.child
        self.census = census
        self.findings: list[CensusFinding] = []
        # The child's plans by start date: an initial conference on a plan's start date
        # made that plan.
        self.plan_starts = {plan.started: plan for e in child.episodes for plan in e.plans}
        self.icpc_days: set[date] = set()

    def finding(self, code: str, line: int, message: str) -> None:
        self.findings.append(CensusFinding(code, self.id, line, message))

    def fact(self, line: int, key: str, type_: str, at: date, **fields: Any) -> CensusFact:
        record: dict[str, Any] = {
            "child": self.id,
            "type": type_,
            "at": _day(at),
            "id": f"cin:{self.id}:{key}",
            "source": SOURCE,
        }
        record.update({k: v for k, v in fields.items() if v is not None})
        return CensusFact(line, record)

    def facts(self) -> Iterator[CensusFact]:
        c = self.child
        dob = c.dob or c.expected_dob
        if c.dob is not None and c.expected_dob is not None:
            self.finding(
                "DQ-CIN-8525Q", c.line, "both a date of birth and an expected date of birth are given"
            )
        if dob is not None:
            yield self.fact(
                c.line,
                "child",
                "child_registered",
                dob,
                dob=_day(dob),
                sex=c.sex,
                dob_expected=True if c.dob is None else None,
            )
        if c.sex_line is not None:
            self.finding(
                "DQ-CIN-SEX-CODE", c.sex_line, "Sex holds a GenderCurrent code (0, 1, 2, 9), not M, F or U"
            )
        if c.died is not None:
            yield self.fact(c.line, "died", "child_died", c.died)
            if c.dob is not None and c.died < c.dob:
                self.finding("DQ-CIN-8535Q", c.line, "the date of death is before the date of birth")
        for episode in c.episodes:
            yield from self.episode(episode)
        plans = sorted((p for e in c.episodes for p in e.plans), key=lambda p: p.started)
        for before, after in zip(plans, plans[1:], strict=False):
            if before.ended is None or after.started < before.ended:
                self.finding(
                    "DQ-CIN-8940",
                    after.line,
                    f"the child protection plan from {_day(after.started)} overlaps the one from {_day(before.started)}",
                )

    def episode(self, e: Episode) -> Iterator[CensusFact]:
        ref = f"ref:{_day(e.referral)}"
        start, end = census_year(self.census.header.year)
        yield self.fact(
            e.line,
            ref,
            "referral_received",
            e.referral,
            referral_source=e.referral_source,
            primary_need=e.primary_need,
            nfa=e.nfa,
        )
        if e.referral > end:
            self.finding(
                "DQ-CIN-8600", e.line, f"the referral on {_day(e.referral)} is after the census year"
            )
        died = self.child.died
        if died is not None and e.referral > died:
            self.finding(
                "DQ-CIN-8555Q", e.line, f"the referral on {_day(e.referral)} is after the child's death"
            )
        if e.closed is not None:
            yield self.fact(e.line, f"{ref}:closed", "cin_closed", e.closed, reason=e.closure_reason)
            if e.closed < e.referral:
                self.finding("DQ-CIN-8630", e.line, "the episode closes before its referral")
        if e.closure_reason == DIED and died is None:
            self.finding(
                "DQ-CIN-8585Q",
                e.line,
                "the episode closed because the child died (RC2) but no date of death is given",
            )
        for a in e.assessments:
            key = f"{ref}:asmt:{_day(a.started)}"
            yield self.fact(a.line, key, "assessment_started", a.started)
            if a.started < e.referral:
                self.finding("DQ-CIN-1103", a.line, "the assessment starts before the referral")
            if a.authorised is not None:
                factors = list(a.factors) if a.factors else None
                yield self.fact(a.line, f"{key}:done", "assessment_completed", a.authorised, factors=factors)
                if a.authorised < a.started:
                    self.finding("DQ-CIN-8608", a.line, "the assessment is authorised before it starts")
        for p in e.cin_plans:
            key = f"{ref}:cinplan:{_day(p.started)}"
            yield self.fact(p.line, key, "cin_plan_started", p.started)
            if p.ended is not None:
                yield self.fact(p.line, f"{key}:end", "cin_plan_ended", p.ended)
                if p.ended < p.started:
                    self.finding("DQ-CIN-4011", p.line, "the CIN plan ends before it starts")
            if p.started < e.referral:
                self.finding("DQ-CIN-4015", p.line, "the CIN plan starts before the referral")
        levels: list[date] = []
        for s in e.section47s:
            yield self.fact(
                s.line,
                f"{ref}:s47:{_day(s.started)}",
                "strategy_discussion",
                s.started,
                s47=True,
                icpc_not_required=s.icpc_not_required,
            )
            if s.started < e.referral:
                self.finding("DQ-CIN-2889", s.line, "the section 47 enquiry starts before the referral")
            if s.icpc is not None:
                levels.append(s.icpc)
                if s.icpc < s.started:
                    self.finding(
                        "DQ-CIN-8615",
                        s.line,
                        "the initial conference is before its section 47 enquiry started",
                    )
                yield from self.icpc(s.line, s.icpc, e)
        if e.icpc is not None:
            if e.icpc in levels:
                self.finding(
                    "DQ-CIN-2884",
                    e.line,
                    f"the initial conference on {_day(e.icpc)} is recorded at both the CINdetails and the Section47 level",
                )
            elif levels:
                self.finding(
                    "DQ-CIN-ICPC-TWO-LEVELS",
                    e.line,
                    f"CINdetails records an initial conference on {_day(e.icpc)} and Section47 on "
                    f"{', '.join(_day(d) for d in levels)}: both are kept",
                )
            yield from self.icpc(e.line, e.icpc, e)
        if e.nfa and (e.section47s or e.plans or e.icpc is not None or e.assessments):
            self.finding(
                "DQ-CIN-8831",
                e.line,
                f"the referral on {_day(e.referral)} is flagged no further action (ReferralNFA) yet has "
                "assessments, enquiries or conferences",
            )
        for plan in e.plans:
            yield from self.plan(plan, e)

    def icpc(self, line: int, day: date, e: Episode) -> Iterator[CensusFact]:
        if day < e.referral:
            self.finding("DQ-CIN-1104", line, "the initial conference is before the referral")
        if day.weekday() >= 5:
            self.finding("DQ-CIN-8875", line, f"the initial conference on {_day(day)} is on a weekend")
        if day in self.icpc_days:
            return  # the same conference, recorded again: one fact
        self.icpc_days.add(day)
        plan = self.plan_starts.get(day)
        yield self.fact(
            line,
            f"icpc:{_day(day)}",
            "icpc_held",
            day,
            outcome="plan" if plan is not None else "no_plan",
            category=plan.initial_category if plan else None,
            latest_category=plan.latest_category if plan else None,
        )

    def plan(self, plan: ProtectionPlan, e: Episode) -> Iterator[CensusFact]:
        key = f"cpp:{_day(plan.started)}"
        if plan.started < e.referral:
            self.finding("DQ-CIN-1105", plan.line, "the child protection plan starts before the referral")
        if plan.started not in self._all_icpc_days():
            if e.icpc is not None or any(s.icpc for s in e.section47s):
                self.finding(
                    "DQ-CIN-2885",
                    plan.line,
                    f"the child protection plan starts on {_day(plan.started)}, not on an initial conference date",
                )
            yield self.fact(
                plan.line,
                key,
                "cp_plan_started",
                plan.started,
                category=plan.initial_category,
                latest_category=plan.latest_category,
            )
        ended_at_review = False
        for line, day in plan.reviews:
            ends = plan.ended is not None and day == plan.ended
            ended_at_review = ended_at_review or ends
            yield self.fact(
                line, f"{key}:rcpc:{_day(day)}", "rcpc_held", day, outcome="end" if ends else "continue"
            )
            if day <= plan.started:
                self.finding("DQ-CIN-8841", line, "a review conference is on or before the plan's start")
        if plan.ended is not None:
            if plan.ended < plan.started:
                self.finding("DQ-CIN-8925", plan.line, "the child protection plan ends before it starts")
            if not ended_at_review:
                yield self.fact(plan.line, f"{key}:end", "cp_plan_ended", plan.ended)

    def _all_icpc_days(self) -> set[date]:
        days: set[date] = set()
        for e in self.child.episodes:
            if e.icpc is not None:
                days.add(e.icpc)
            days.update(s.icpc for s in e.section47s if s.icpc is not None)
        return days
