"""The IRO annual report's figures (seed 004, "IRO annual report 2017/18"), from the facts.

Reviews chaired (looked-after and pathway plan), initial reviews, reviews in timescale,
participation (PN1-PN6, children aged 4 and over), care leavers' participation, reviews
stood down, review outcomes within 5 working days, IRO caseloads, missing trigger
meetings, care plans endorsed, children with three or more placements in the year, and
the practice alerts and good practice notifications: informal, by DRP stage, resolved
informally or at stage 1, themes by team.

Practice alerts are those an IRO raised (imported `practice_alert_raised` facts, or
`casecheck alert raise`) or escalated into the DRP: a breach found by the nightly batch
enters the count only when it is escalated, as DESIGN.md says; the others are counted
apart as breach alerts. Imported alerts are read from the facts, so the figures are the
same whether or not the nightly batch has mirrored them into the queue. Percentages are
rounded as the seed report prints them: whole per cents (117 of 147 is 80%), one decimal
place for the share with three or more placements (51 of 477 is 10.7%).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from compliance.alerts import FORMAL, Alert
from compliance.reports.council import CouncilFacts
from compliance.reports.figures import Figure, Item, Rounding, count, fraction, ratio
from compliance.reports.measures import REVIEW_RULES, in_care_on, timeliness
from compliance.reports.periods import Period
from events.codes import PARTICIPATED
from events.timeline import LONDON, Timeline, fmt_date

STAGE_ORDER = {"informal": 0, **{s: i + 1 for i, s in enumerate(FORMAL)}, "cafcass": 5}
STAGE_NAMES = {
    "informal": "informal",
    "1": "stage 1",
    "2": "stage 2",
    "3": "stage 3",
    "4": "stage 4",
    "cafcass": "Cafcass",
}
TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})
PCT = Rounding.ROUND_WHOLE
ONE_DP = Rounding.ROUND_1DP
ROUNDING_NOTE = (
    "percentages rounded half up to a whole per cent (117 of 147 is 80%); the share with 3 or more "
    "placements and the average caseload to one decimal place (51 of 477 is 10.7%), as the seed report prints"
)


@dataclass(frozen=True)
class PracticeAlert:
    """One practice alert or good practice notification, from wherever it was recorded."""

    child: str
    ref: str
    kind: str  # "practice", "good_practice" or "breach" (a nightly breach never escalated)
    origin: str  # "imported", "by hand" or "nightly"
    theme: str
    team: str
    raised_on: date
    highest_stage: str = "informal"
    resolved: bool = False


def _team_on(tl: Timeline, day: date) -> str | None:
    team = None
    for fact in tl.facts:
        if fact.on > day:
            break
        if fact.get("team"):
            team = fact["team"]
    return team


def _higher(a: str, b: str) -> str:
    return b if STAGE_ORDER.get(b, 0) > STAGE_ORDER.get(a, 0) else a


def alerts_from_facts(tl: Timeline) -> list[PracticeAlert]:
    """The child's imported `practice_alert_*` and `good_practice_notified` facts, one record each."""
    out: dict[str, PracticeAlert] = {}
    praise: list[PracticeAlert] = []
    for f in tl.of_type(
        "practice_alert_raised",
        "practice_alert_escalated",
        "practice_alert_resolved",
        "good_practice_notified",
    ):
        team = f.get("team") or _team_on(tl, f.on) or "(no team)"
        if f.type == "good_practice_notified":
            praise.append(
                PracticeAlert(
                    tl.child,
                    f.id or f"#{f.seq}",
                    "good_practice",
                    "imported",
                    f["theme"],
                    team,
                    f.on,
                    resolved=True,
                )
            )
            continue
        ref = str(f["alert"])
        if f.type == "practice_alert_raised":
            if ref not in out:
                out[ref] = PracticeAlert(
                    tl.child,
                    ref,
                    "practice",
                    "imported",
                    f["theme"],
                    team,
                    f.on,
                    str(f.get("stage", "informal")),
                )
            continue
        alert = out.get(ref)
        if alert is None:
            continue
        if f.type == "practice_alert_escalated":
            out[ref] = _replace(alert, highest_stage=_higher(alert.highest_stage, str(f["stage"])))
        else:
            out[ref] = _replace(alert, resolved=True)
    return [*out.values(), *praise]


def _replace(alert: PracticeAlert, **changes: Any) -> PracticeAlert:
    from dataclasses import replace

    return replace(alert, **changes)


def alerts_from_queue(alerts: Iterable[Alert]) -> list[PracticeAlert]:
    """Alerts that live only in the queue: raised by hand, praise by hand, nightly breaches.
    Mirrors of imported facts (kind `imported`, praise with a source event) and flags for
    unanswered DRP stages are left out: they are counted from the facts, or not at all."""
    out = []
    for a in alerts:
        if a.kind in ("imported", "stage_overdue") or (a.kind == "praise" and a.source_event):
            continue
        raised_on = a.raised_at.astimezone(LONDON).date()
        team = a.team or "(no team)"
        if a.kind == "praise":
            out.append(
                PracticeAlert(
                    a.child, a.ref, "good_practice", "by hand", a.theme, team, raised_on, resolved=True
                )
            )
            continue
        highest = a.raised_stage
        escalated = False
        for entry in a.history:
            if entry.get("what") == "escalated":
                escalated = True
                highest = _higher(highest, str(entry.get("stage")))
        if a.kind == "manual":
            kind, origin = "practice", "by hand"
        else:
            kind, origin = ("practice" if escalated else "breach"), "nightly"
        out.append(
            PracticeAlert(
                a.child, a.ref, kind, origin, a.theme, team, raised_on, highest, a.status == "resolved"
            )
        )
    return out


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
        }


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    figure: Figure
    cohort: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "cohort": self.cohort, **self.figure.to_json()}


@dataclass(frozen=True)
class IroReport:
    council: str
    period: Period
    as_of: date
    lines: tuple[Line, ...]
    tables: tuple[Table, ...] = field(default=())

    def line(self, key: str) -> Line:
        return next(line for line in self.lines if line.key == key)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "iro",
            "council": self.council,
            "period": self.period.to_json(),
            "as_of": self.as_of.isoformat(),
            "rounding": ROUNDING_NOTE,
            "figures": [line.to_json() for line in self.lines],
            "tables": [t.to_json() for t in self.tables],
        }


def _reviews(council: CouncilFacts, period: Period, kind: str) -> list[tuple[Timeline, Any]]:
    return [
        (e.timeline, f)
        for e in council.children
        for f in e.timeline.of_type("review_held")
        if f.on in period and f.get("kind", "looked_after") == kind
    ]


def _counted(council: CouncilFacts, period: Period, *types: str) -> Figure:
    return count(
        (
            Item(e.child, f"{f.type} {fmt_date(f.on)}")
            for e in council.children
            for f in e.timeline.of_type(*types)
            if f.on in period
        ),
        "meetings",
    )


def _three_placements(council: CouncilFacts, period: Period) -> Figure:
    """Children looked after on the period's last day with 3 or more placements in the period
    (temporary T0-T4 moves not counted), of all looked after on that day (903 stability indicator)."""
    moved, everyone = [], []
    day = period.end
    for e in council.children:
        if in_care_on(e.timeline, day) is None:
            continue
        n = sum(
            1
            for p in e.timeline.placements
            if p.placement_type not in TEMPORARY
            and p.started_on <= day
            and (p.ended_on is None or p.ended_on >= period.start)
        )
        item = Item(e.child, f"{n} placements")
        everyone.append(item)
        if n >= 3:
            moved.append(item)
    return ratio(moved, everyone)


def _caseloads(council: CouncilFacts, day: date) -> tuple[Table, Figure]:
    per_iro: Counter[str] = Counter()
    unallocated = 0
    for e in council.children:
        if in_care_on(e.timeline, day) is None:
            continue
        allocated = [f["iro"] for f in e.timeline.of_type("iro_allocated") if f.on <= day]
        if allocated:
            per_iro[allocated[-1]] += 1
        else:
            unallocated += 1
    rows = [(iro, n) for iro, n in sorted(per_iro.items())]
    if unallocated:
        rows.append(("(no IRO allocated)", unallocated))
    table = Table(
        "iro_caseloads",
        f"IRO caseloads on {fmt_date(day)} (children looked after)",
        ("IRO", "children"),
        tuple(rows),
    )
    return table, fraction(sum(per_iro.values()), len(per_iro), "children per IRO").rounded(ONE_DP)


def _by_theme_and_team(key: str, title: str, alerts: Sequence[PracticeAlert]) -> Table:
    teams = sorted({a.team for a in alerts})
    themes: dict[str, Counter[str]] = {}
    for a in alerts:
        themes.setdefault(a.theme, Counter())[a.team] += 1
    rows = tuple(
        (theme, sum(counts.values()), *(counts.get(t, 0) for t in teams))
        for theme, counts in sorted(themes.items())
    )
    return Table(key, title, ("theme", "no. of times", *teams), rows)


def build_iro_report(
    council: CouncilFacts, queue_alerts: Iterable[Alert], period: Period, *, council_name: str = "Council"
) -> IroReport:
    """Every figure of the seed IRO annual report that case events can give, for the period."""
    children = council.children
    looked_after = _reviews(council, period, "looked_after")
    pathway = _reviews(council, period, "pathway_plan")
    held = [Item(tl.child, f"review {fmt_date(f.on)}") for tl, f in looked_after + pathway]
    initial_on = {
        (o.child, o.met_by.on)
        for e in children
        for o in e.obligations
        if o.rule == "LAC-REV-1" and o.met_by is not None and o.met_by.on in period
    }
    initial = [
        Item(tl.child, f"review {fmt_date(f.on)}") for tl, f in looked_after if (tl.child, f.on) in initial_on
    ]
    four_plus = [(tl, f) for tl, f in looked_after if (tl.age_on(f.on) or 0) >= 4]
    took_part = [
        Item(tl.child, f"review {fmt_date(f.on)} {f.get('participation')}")
        for tl, f in four_plus
        if f.get("participation") in PARTICIPATED
    ]
    leavers_took_part = [
        Item(tl.child, f"review {fmt_date(f.on)}")
        for tl, f in pathway
        if f.get("participation") in PARTICIPATED
    ]
    stood_down = count(
        (
            Item(e.child, f"stood down {fmt_date(f.on)}")
            for e in children
            for f in e.timeline.of_type("review_stood_down")
            if f.on in period
        ),
        "reviews",
    )
    caseload_table, caseload = _caseloads(council, period.end)

    records = [a for e in children for a in alerts_from_facts(e.timeline)] + alerts_from_queue(queue_alerts)
    records = [a for a in records if a.raised_on in period]
    practice = [a for a in records if a.kind == "practice"]
    praise = [a for a in records if a.kind == "good_practice"]
    breaches = [a for a in records if a.kind == "breach"]
    informal = [a for a in practice if STAGE_ORDER.get(a.highest_stage, 0) == 0]
    to_stage_1 = [a for a in practice if STAGE_ORDER.get(a.highest_stage, 0) <= 1]
    item = lambda a: Item(a.child, f"{a.theme} ({STAGE_NAMES.get(a.highest_stage, a.highest_stage)})")  # noqa: E731

    stages = Counter(a.highest_stage for a in practice)
    resolved = Counter(a.highest_stage for a in practice if a.resolved)
    stage_rows = tuple(
        (STAGE_NAMES[s], stages.get(s, 0), resolved.get(s, 0))
        for s in sorted(STAGE_NAMES, key=STAGE_ORDER.__getitem__)
    )
    lines = (
        Line(
            "reviews_looked_after",
            "Looked-after reviews chaired",
            count(held[: len(looked_after)], "reviews"),
            "review_held of kind looked_after in the period",
        ),
        Line(
            "reviews_pathway_plan",
            "Pathway plan reviews chaired",
            count(held[len(looked_after) :], "reviews"),
            "review_held of kind pathway_plan in the period",
        ),
        Line("reviews_total", "Reviews chaired in all", count(held, "reviews")),
        Line(
            "initial_reviews",
            "Initial reviews (share of all reviews chaired)",
            ratio(initial, held).rounded(PCT),
            "first reviews of a period of care (LAC-REV-1) held in the period",
        ),
        Line(
            "reviews_in_timescale",
            "Looked-after reviews in timescale",
            timeliness(children, period, REVIEW_RULES).rounded(PCT),
            "reviews that fell due in the period; clocks closed by leaving care excluded",
        ),
        Line(
            "pathway_plan_reviews_in_timescale",
            "Pathway plan reviews in timescale",
            timeliness(children, period, ("CL-PATH-REV",)).rounded(PCT),
            "pathway plan reviews (CL-PATH-REV) that fell due in the period",
        ),
        Line(
            "participation_4_plus",
            "Children aged 4+ who participated in their review (PN1-PN6)",
            ratio(took_part, [Item(tl.child) for tl, _ in four_plus]).rounded(PCT),
            "looked-after reviews of children aged 4 or over on the day",
        ),
        Line(
            "care_leaver_participation",
            "Care leavers who participated in their pathway plan review (PN1-PN6)",
            ratio(leavers_took_part, [Item(tl.child) for tl, _ in pathway]).rounded(PCT),
            "pathway plan reviews held in the period",
        ),
        Line("reviews_stood_down", "Reviews stood down", stood_down, "review_stood_down in the period"),
        Line(
            "review_outcomes_in_5wd",
            "Review outcomes circulated within 5 working days",
            timeliness(children, period, ("LAC-REV-REC",)).rounded(PCT),
            "review decisions (LAC-REV-REC) that fell due in the period",
        ),
        Line(
            "iro_caseload",
            "Average IRO caseload",
            caseload,
            f"children looked after on {fmt_date(period.end)} per IRO with any",
        ),
        Line(
            "trigger_meetings",
            "Missing trigger meetings",
            _counted(council, period, "missing_trigger_meeting"),
            "missing_trigger_meeting in the period (levels 1 and 2)",
        ),
        Line(
            "care_plans_endorsed",
            "Final care plans endorsed by the IRO",
            _counted(council, period, "care_plan_endorsed"),
            "care_plan_endorsed in the period",
        ),
        Line(
            "three_or_more_placements",
            "Children looked after with 3 or more placements in the year",
            _three_placements(council, period).rounded(ONE_DP),
            f"children looked after on {fmt_date(period.end)}; temporary moves (T0-T4) not counted",
        ),
        Line(
            "practice_alerts",
            "Practice alerts raised",
            count((item(a) for a in practice), "alerts"),
            "raised by an IRO (imported or by hand), or a nightly breach an IRO escalated into the DRP",
        ),
        Line(
            "practice_alerts_informal",
            "Practice alerts resolved informally",
            ratio([item(a) for a in informal], [item(a) for a in practice]).rounded(PCT),
            "practice alerts that never went to a formal DRP stage",
        ),
        Line(
            "practice_alerts_formal",
            "Practice alerts escalated formally (DRP)",
            count((item(a) for a in practice if a not in informal), "alerts"),
        ),
        Line(
            "resolved_informally_or_stage_1",
            "Issues resolved informally or at DRP stage 1",
            ratio([item(a) for a in to_stage_1], [item(a) for a in practice]).rounded(PCT),
            "practice alerts whose highest stage was informal or stage 1",
        ),
        Line(
            "breach_alerts",
            "Breach alerts raised by the nightly batch (not escalated)",
            count((item(a) for a in breaches), "alerts"),
            "counted apart: not practice alerts until an IRO escalates them",
        ),
        Line(
            "good_practice", "Good practice notifications", count((item(a) for a in praise), "notifications")
        ),
    )
    tables = (
        Table(
            "practice_alerts_by_stage",
            "Practice alerts by highest DRP stage reached",
            ("stage", "alerts", "resolved"),
            stage_rows,
        ),
        _by_theme_and_team("practice_alert_themes", "Practice alerts: themes by team", practice),
        _by_theme_and_team("good_practice_themes", "Good practice notifications: themes by team", praise),
        caseload_table,
    )
    return IroReport(council_name, period, council.as_of, lines, tables)
