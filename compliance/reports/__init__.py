"""Reports a council publishes, reproduced from events (RULES.md "Reports the seeds publish").

Every figure states its cohort, because the council papers quote the same measure with
different cohorts, and its rounding rule: percentages are truncated to one decimal place,
as the seed papers print them (65.38% is shown as 65.3%).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from compliance.alerts import FORMAL, Alert
from compliance.engine import Engine, Evaluation
from events.codes import ADOPTED, PARTICIPATED, SPECIAL_GUARDIANSHIP
from events.timeline import LONDON
from rules.obligation import Obligation, Status

ROUNDING = "percentages truncated to one decimal place (65.38% is shown as 65.3%)"
REVIEW_RULES = ("LAC-REV-1", "LAC-REV-2", "LAC-REV-N")


def truncated_percent(numerator: int, denominator: int) -> float | None:
    """65.38 -> 65.3, as the seed papers print percentages."""
    if denominator == 0:
        return None
    return math.floor(1000 * numerator / denominator) / 10


@dataclass(frozen=True)
class Measure:
    code: str
    title: str
    cohort: str
    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None  # a percentage (truncated), a count or an average
    unit: str = "%"
    excluded: int = 0
    excluded_because: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "title": self.title,
            "value": self.value,
            "unit": self.unit,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "cohort": self.cohort,
            "excluded": self.excluded,
            "excluded_because": self.excluded_because,
        }


def _timeliness(code: str, title: str, obligations: Iterable[Obligation], cohort: str) -> Measure:
    """Met on time / fell due (missed ones are not met on time), with clocks closed before
    the due date counted apart."""
    judged = [o for o in obligations if o.status in (Status.MET, Status.LATE, Status.OVERDUE, Status.MISSED)]
    closed = sum(1 for o in obligations if o.status is Status.CLOSED)
    met = sum(1 for o in judged if o.status is Status.MET)
    return Measure(
        code,
        title,
        cohort,
        met,
        len(judged),
        truncated_percent(met, len(judged)),
        excluded=closed,
        excluded_because="the clock stopped before the due date (e.g. left care)",
    )


@dataclass
class _Council:
    """One evaluation of every child at the report date, kept for all the measures."""

    evaluations: list[Evaluation] = field(default_factory=list)

    def obligations(self, *rules: str) -> list[Obligation]:
        return [o for e in self.evaluations for o in e.obligations if o.rule in rules]


def _evaluate(engine: Engine, as_of: date) -> _Council:
    return _Council(list(engine.evaluate_all(as_of=as_of)))


def _within(day: date, start: date, end: date) -> bool:
    return start <= day <= end


def scorecard(engine: Engine, *, start: date, end: date) -> list[Measure]:
    """The corporate parenting scorecard measures (seed 004) for a period, judged at its end."""
    council = _evaluate(engine, end)
    due_in = f"that fell due from {start} to {end}"
    measures = [
        _timeliness(
            "P1.2",
            "% looked-after reviews in timescale",
            [o for o in council.obligations(*REVIEW_RULES) if _within(o.due_on, start, end)],
            f"looked-after reviews (first, second and later) {due_in}",
        ),
        _timeliness(
            "P3.1",
            "% initial health assessments requested within 48 hours of coming into care",
            [o for o in council.obligations("HLT-IHA-REQ") if _within(o.started_on, start, end)],
            f"children who came into care from {start} to {end}",
        ),
        _timeliness(
            "P3.2",
            "% initial health assessments completed within 20 working days",
            [o for o in council.obligations("HLT-IHA") if _within(o.due_on, start, end)],
            f"initial health assessments {due_in}",
        ),
        _timeliness(
            "P4.2",
            "% completed PEPs (termly)",
            [o for o in council.obligations("EDU-PEP-TERM") if _within(o.due_on, start, end)],
            f"school terms that ended from {start} to {end}, per child of school age looked after in them",
        ),
    ]
    missing_five = 0
    over_twenty = with_distance = 0
    left = sgo = adopted = 0
    a1_days: list[int] = []
    a2_days: list[int] = []
    a3_within = 0
    for e in council.evaluations:
        tl = e.timeline
        per_month = Counter(
            (ep.start.on.year, ep.start.on.month)
            for ep in tl.missing_episodes
            if _within(ep.start.on, start, end)
        )
        missing_five += any(n >= 5 for n in per_month.values())
        period = tl.period_on(end)
        if period is not None and period.placements:
            current = period.placements[-1]
            distance = current.start.get("distance_miles")
            if distance is not None:
                with_distance += 1
                over_twenty += distance > 20
        for p in tl.periods:
            if p.end is not None and _within(p.end.on, start, end):
                left += 1
                sgo += p.end["reason"] in SPECIAL_GUARDIANSHIP
                adopted += p.end["reason"] in ADOPTED
        for placed in tl.of_type("placed_for_adoption"):
            if _within(placed.on, start, end):
                entered = tl.period_on(placed.on)
                if entered is not None:
                    days = (placed.on - entered.started_on).days
                    a1_days.append(days)
                    a3_within += days < 426  # 14 months, as the adoption scorecard counts it
        orders = tl.of_type("placement_order_granted")
        for match in tl.of_type("adoption_match_approved"):
            order = next((o for o in reversed(orders) if o.on <= match.on), None)
            if order is not None and _within(match.on, start, end):
                a2_days.append((match.on - order.on).days)
    measures += [
        Measure(
            "P2.7",
            "children missing 5+ times in a calendar month",
            f"children with a missing episode starting from {start} to {end}",
            value=missing_five,
            unit="children",
        ),
        Measure(
            "P2.3",
            "% placed over 20 miles from home",
            f"children looked after on {end} whose current placement has a distance recorded",
            over_twenty,
            with_distance,
            truncated_percent(over_twenty, with_distance),
        ),
        Measure(
            "P2.9",
            "% ceased care by special guardianship order",
            f"periods of care that ended from {start} to {end}",
            sgo,
            left,
            truncated_percent(sgo, left),
        ),
        Measure(
            "P2.10",
            "% ceased care by adoption",
            f"periods of care that ended from {start} to {end}",
            adopted,
            left,
            truncated_percent(adopted, left),
        ),
        Measure(
            "P2.12",
            "% moving in with their adoptive family within 14 months of entering care (A3)",
            f"children placed for adoption from {start} to {end}",
            a3_within,
            len(a1_days),
            truncated_percent(a3_within, len(a1_days)),
        ),
        Measure(
            "P2.13",
            "average days from entering care to moving in with the adoptive family (A1; threshold 426)",
            f"children placed for adoption from {start} to {end}",
            value=_average(a1_days),
            unit="days",
            denominator=len(a1_days),
        ),
        Measure(
            "P2.14",
            "average days from placement order to match approved (A2; threshold 121)",
            f"matches approved from {start} to {end}",
            value=_average(a2_days),
            unit="days",
            denominator=len(a2_days),
        ),
    ]
    return measures


def _average(values: list[int]) -> float | None:
    return math.floor(10 * sum(values) / len(values)) / 10 if values else None


@dataclass(frozen=True)
class IhaQuarter:
    quarter: str
    start: date
    end: date
    requiring: int
    requested_48h: int
    completed_20wd: int
    left_before_due: int

    def to_json(self) -> dict[str, object]:
        return {
            "quarter": self.quarter,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "requiring_iha": self.requiring,
            "requested_within_48_hours": self.requested_48h,
            "requested_within_48_hours_pct": truncated_percent(self.requested_48h, self.requiring),
            "completed_within_20_wd": self.completed_20wd,
            "completed_within_20_wd_pct": truncated_percent(self.completed_20wd, self.requiring),
            "left_care_before_due": self.left_before_due,
        }


IHA_COHORT = (
    "children whose initial health assessment fell due in the quarter; children who left care "
    "before the due date are excluded and counted separately"
)


def iha_table(engine: Engine, *, year: int, as_of: date) -> list[IhaQuarter]:
    """The IHA performance table (seed 000) for the financial year starting 1 April `year`."""
    council = _evaluate(engine, as_of)
    by_child_request = {(o.child, o.started_on): o for o in council.obligations("HLT-IHA-REQ")}
    quarters = [
        ("Q1", date(year, 4, 1), date(year, 6, 30)),
        ("Q2", date(year, 7, 1), date(year, 9, 30)),
        ("Q3", date(year, 10, 1), date(year, 12, 31)),
        ("Q4", date(year + 1, 1, 1), date(year + 1, 3, 31)),
    ]
    out = []
    for name, start, end in quarters:
        due = [o for o in council.obligations("HLT-IHA") if _within(o.due_on, start, end)]
        counted = [o for o in due if o.status is not Status.CLOSED]
        requested = sum(
            1
            for o in counted
            if (r := by_child_request.get((o.child, o.started_on))) is not None and r.status is Status.MET
        )
        out.append(
            IhaQuarter(
                name,
                start,
                end,
                len(counted),
                requested,
                sum(1 for o in counted if o.status is Status.MET),
                len(due) - len(counted),
            )
        )
    return out


def iro_report(engine: Engine, alerts: Iterable[Alert], *, start: date, end: date) -> dict[str, object]:
    """The IRO annual report figures (seed 004) for a period, judged at its end."""
    council = _evaluate(engine, end)
    held = [
        f
        for e in council.evaluations
        for f in e.timeline.of_type("review_held")
        if f.get("kind", "looked_after") in ("looked_after", "pathway_plan") and _within(f.on, start, end)
    ]
    initial = [
        o
        for o in council.obligations("LAC-REV-1")
        if o.met_by is not None and _within(o.met_by.on, start, end)
    ]
    ages = {e.child: e.timeline for e in council.evaluations}
    four_plus = [
        f
        for f in held
        if f.get("kind", "looked_after") == "looked_after" and (ages[f.child].age_on(f.on) or 0) >= 4
    ]
    participated = sum(1 for f in four_plus if f.get("participation") in PARTICIPATED)
    stood_down = sum(
        1
        for e in council.evaluations
        for f in e.timeline.of_type("review_stood_down")
        if _within(f.on, start, end)
    )
    timeliness = _timeliness(
        "IRO-REV",
        "% looked-after reviews in timescale",
        [o for o in council.obligations(*REVIEW_RULES) if _within(o.due_on, start, end)],
        f"looked-after reviews that fell due from {start} to {end}",
    )
    raised = [a for a in alerts if _within(a.raised_at.astimezone(LONDON).date(), start, end)]
    # A flag for an unanswered DRP stage is about an alert already counted, not a new one.
    practice = [a for a in raised if a.kind not in ("praise", "stage_overdue")]
    praise = [a for a in raised if a.kind == "praise"]
    formal = [a for a in practice if a.formal_started is not None]
    resolved_by_stage = Counter(a.stage for a in practice if a.status == "resolved")
    themes_by_team: dict[str, Counter[str]] = {}
    for a in practice:
        themes_by_team.setdefault(a.theme, Counter())[a.team or "(none)"] += 1
    praise_by_team: dict[str, Counter[str]] = {}
    for a in praise:
        praise_by_team.setdefault(a.theme, Counter())[a.team or "(none)"] += 1
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "rounding": ROUNDING,
        "reviews_chaired": {
            "looked_after": sum(1 for f in held if f.get("kind", "looked_after") == "looked_after"),
            "pathway_plan": sum(1 for f in held if f.get("kind") == "pathway_plan"),
            "initial_share_pct": truncated_percent(len(initial), len(held)),
            "cohort": f"reviews held from {start} to {end} (looked-after and pathway plan)",
        },
        "reviews_in_timescale": timeliness.to_json(),
        "participation_4_plus": {
            "participated": participated,
            "reviews": len(four_plus),
            "pct": truncated_percent(participated, len(four_plus)),
            "cohort": "looked-after reviews of children aged 4 or over; participated = PN1-PN6",
        },
        "reviews_stood_down": stood_down,
        "practice_alerts": {
            "raised": len(practice),
            "informal": len(practice) - len(formal),
            "formal": len(formal),
            "resolved": sum(1 for a in practice if a.status == "resolved"),
            "resolved_by_stage": dict(
                sorted(resolved_by_stage.items(), key=lambda kv: STAGE_ORDER.get(kv[0], 9))
            ),
            "by_theme_and_team": {theme: dict(teams) for theme, teams in sorted(themes_by_team.items())},
            "cohort": f"alerts raised from {start} to {end} (automatic, by hand and imported)",
        },
        "good_practice": {
            "notified": len(praise),
            "by_theme_and_team": {theme: dict(teams) for theme, teams in sorted(praise_by_team.items())},
        },
    }


STAGE_ORDER = {"informal": 0, **{s: i + 1 for i, s in enumerate(FORMAL)}, "cafcass": 5}
