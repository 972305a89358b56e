"""A made-up council: whole case histories with realistic shapes and rates.

Real children's data can never be in the repository, so demos, scale tests and the
benchmark use this. Deterministic for (children, seed, until, years): each child has its
own random stream seeded from (seed, child number), and nothing reads the clock.

Rates (see docs/synthetic-council.md for their sources in the council papers): about 92%
of reviews on time, IHAs requested within 48 hours for about 65% and completed within 20
working days for about 55%, statutory visits mostly on time, missing episodes for about
10% of looked-after children, about 10% of looked-after children with 3+ placement moves a
year, child-protection plans with conferences, core groups and visits, some adoptions,
care leavers with assessments and pathway plans, a few retractions and late recordings.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from rules.calendar import WorkingDayCalendar
from rules.themes import GOOD_PRACTICE_THEMES, PRACTICE_ALERT_THEMES

TEAMS = (
    "CiN/CP North",
    "CiN/CP South",
    "Permanence",
    "Children in Care",
    "Leaving Care",
    "Children with Disabilities",
)
LEGAL = (
    ("C1", 32),
    ("V2", 30),
    ("C2", 14),
    ("E1", 4),
    ("L2", 5),
    ("J2", 3),
    ("L1", 4),
    ("J1", 2),
    ("V3", 3),
    ("C2", 3),
)
NEED = (("N1", 60), ("N4", 10), ("N5", 12), ("N2", 6), ("N3", 4), ("N6", 3), ("N7", 1), ("N8", 4))
PLACEMENTS = (
    ("U6", 40),
    ("U3", 12),
    ("U4", 10),
    ("U1", 5),
    ("K2", 12),
    ("P1", 6),
    ("H5", 6),
    ("R1", 3),
    ("Z1", 2),
    ("U5", 2),
    ("K1", 2),
)
CHANGE_REASONS = ("CARPL", "CREQB", "CREQO", "LAREQ", "CHILD", "ALLEG", "STAND", "CLOSE", "OTHER")
THEMES = PRACTICE_ALERT_THEMES[:8]  # the themes an IRO raises most (seed 004)
PRAISE = GOOD_PRACTICE_THEMES[:3]


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class _Child:
    """Builds one child's events; every event is cut at `until`."""

    def __init__(self, number: int, seed: int, until: date, years: int, calendar: WorkingDayCalendar) -> None:
        self.rng = random.Random(f"{seed}:{number}")
        self.id = f"C{number:06d}"
        self.until = until
        self.start = until - relativedelta(years=years)
        self.cal = calendar
        self.events: list[dict[str, Any]] = []
        self.team = self.rng.choice(TEAMS)
        self.worker = f"SW{self.rng.randrange(1, 60):03d}"
        self.iro = f"IRO{self.rng.randrange(1, 15):02d}"

    # --- helpers -------------------------------------------------------------------

    def wd(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n)

    def emit(self, type_: str, at: date | datetime, **fields: Any) -> dict[str, Any] | None:
        day = at.date() if isinstance(at, datetime) else at
        if day > self.until:
            return None
        rng = self.rng
        if rng.random() < 0.02:  # recorded weeks late
            recorded = day + timedelta(days=rng.randrange(14, 60))
        else:
            recorded = day + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2, 3)))
        recorded = min(recorded, self.until)
        event = {
            "child": self.id,
            "id": f"{self.id}-{len(self.events) + 1:04d}",
            "type": type_,
            "at": at.strftime("%Y-%m-%dT%H:%M") if isinstance(at, datetime) else at.isoformat(),
            "recorded_at": f"{recorded.isoformat()}T{rng.randrange(8, 18):02d}:{rng.randrange(60):02d}:00+00:00",
            **{k: v for k, v in fields.items() if v is not None},
        }
        if rng.random() < 0.3:
            event["by"] = self.worker
        self.events.append(event)
        return event

    def moment(self, day: date, lo: int = 8, hi: int = 20) -> datetime:
        return datetime(
            day.year, day.month, day.day, self.rng.randrange(lo, hi), self.rng.choice((0, 15, 30, 45))
        )

    def on_time(self, start: date, n_wd: int, p: float, late_max: int = 15) -> date:
        """A date within n working days of start with probability p, else late."""
        if self.rng.random() < p:
            return self.wd(start, self.rng.randrange(0, n_wd + 1)) if n_wd else start
        return self.wd(start, n_wd + self.rng.randrange(1, late_max + 1))

    # --- journeys --------------------------------------------------------------------

    def build(self) -> list[dict[str, Any]]:
        rng = self.rng
        kind = rng.random()
        age = rng.choices(range(18), [9, 6, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 7, 8, 9, 9, 7, 3])[0]
        first_contact = self.start + timedelta(
            days=rng.randrange(0, max(1, (self.until - self.start).days - 20))
        )
        dob = first_contact - timedelta(days=age * 365 + rng.randrange(0, 365))
        self.dob = dob
        self.emit(
            "child_registered",
            first_contact - timedelta(days=rng.randrange(0, 30)),
            dob=dob.isoformat(),
            sex=rng.choice("MMFFU" if rng.random() < 0.02 else "MF"),
            uasc=rng.random() < 0.05,
        )
        self.emit("worker_allocated", first_contact, worker=self.worker, role="social_worker", team=self.team)
        if kind < 0.30:
            self.protection(first_contact, then_care=False)
        elif kind < 0.40:
            self.protection(first_contact, then_care=True)
        elif kind < 0.90:
            self.looked_after(first_contact)
        else:
            self.referral_only(first_contact)
        self.practice_alerts()
        self.retraction()
        self.events.sort(key=lambda e: e["at"])
        for n, event in enumerate(self.events, start=1):
            event["id"] = f"{self.id}-{n:04d}"
        self._fix_retraction_targets()
        return self.events

    def referral_only(self, day: date) -> None:
        self.emit("referral_received", day, team=self.team)
        decided = self.on_time(day, 1, 0.9, 3)
        self.emit("referral_decision", decided, outcome=self.rng.choice(("nfa", "early_help", "assessment")))
        self.emit("assessment_completed", self.on_time(day, 45, 0.8, 20))

    def protection(self, day: date, *, then_care: bool) -> None:
        rng = self.rng
        self.emit("referral_received", day, team=self.team)
        self.emit("referral_decision", self.on_time(day, 1, 0.9, 3), outcome="strategy")
        strategy = self.wd(day, rng.randrange(0, 3))
        self.emit("strategy_discussion", strategy, s47=True)
        self.emit("assessment_completed", self.on_time(day, 45, 0.8, 20))
        icpc = self.on_time(strategy, 15, 0.8, 10)
        if rng.random() < 0.15:
            self.emit("icpc_held", icpc, outcome="no_plan")
            return
        self.emit(
            "icpc_held",
            icpc,
            outcome="plan",
            category=rng.choice(("neglect", "emotional", "physical", "sexual", "multiple")),
        )
        self.emit("core_group_held", self.on_time(icpc, 10, 0.85, 8))
        length = timedelta(days=rng.randrange(120, 600))
        end = icpc + length
        visit = icpc
        while True:
            visit = self.on_time(visit, 10, 0.85, 6)
            if visit >= end or visit > self.until:
                break
            self.emit("cp_visit", visit, seen=rng.random() < 0.95)
        review = icpc + relativedelta(months=3) - timedelta(days=rng.choice((0, 0, 3, 7, -5)))
        while review < end:
            self.emit("rcpc_held", review, outcome="continue")
            review = (
                review
                + relativedelta(months=6)
                - timedelta(days=rng.randrange(0, 10) if rng.random() < 0.9 else -12)
            )
        if then_care:
            self.emit("cp_plan_ended", end, reason="child became looked after")
            self.looked_after(end)
        else:
            self.emit("rcpc_held", end, outcome="end")

    def looked_after(self, entered: date, period: int = 1) -> None:
        rng = self.rng
        if entered > self.until:
            return
        age = (entered - self.dob).days // 365
        legal = _pick(rng, LEGAL)
        timed = rng.random() < 0.5
        entry_at: date | datetime = self.moment(entered) if timed else entered
        self.emit(
            "entered_care", entry_at, legal_status=legal, category_of_need=_pick(rng, NEED), team=self.team
        )
        stay = timedelta(days=int(rng.expovariate(1 / 540)) + 20)
        left = entered + stay
        if age >= 16:
            left = min(left, self.dob + relativedelta(years=18))
        adopted = age < 5 and rng.random() < 0.25 and legal in ("C1", "C2", "E1")
        if adopted:
            left = self.adoption(entered)
        self.emit("iro_allocated", self.on_time(entered, 5, 0.9, 10), iro=self.iro)
        # Health.
        if rng.random() < 0.65:
            requested = (entry_at if isinstance(entry_at, datetime) else self.moment(entered)) + timedelta(
                hours=rng.randrange(1, 46)
            )
        else:
            requested = self.moment(entered + timedelta(days=rng.randrange(3, 12)))
        self.emit("health_assessment_requested", requested, kind="initial")
        iha = self.on_time(entered, 20, 0.55, 25)
        if rng.random() < 0.15:
            self.emit(
                "health_appointment",
                self.wd(entered, 8),
                kind="initial",
                outcome=rng.choice(("not_brought", "cancelled_by_carer", "cancelled_by_provider")),
            )
        self.emit("health_appointment", iha, kind="initial", outcome="attended")
        self.emit("health_assessment_completed", iha, kind="initial")
        assessed = iha
        while True:
            gap = (
                relativedelta(months=6) if (assessed - self.dob).days < 5 * 365 else relativedelta(months=12)
            )
            assessed = (
                assessed
                + gap
                - timedelta(days=rng.randrange(0, 20) if rng.random() < 0.85 else -rng.randrange(5, 40))
            )
            if assessed >= left:
                break
            self.emit("health_assessment_completed", assessed, kind="review")
        dental = entered + timedelta(days=rng.randrange(30, 200))
        while dental < left:
            self.emit("dental_check", dental)
            dental += timedelta(days=rng.randrange(300, 420))
        # Plans and reviews.
        self.emit("care_plan_recorded", self.on_time(entered, 10, 0.85, 10))
        reviews = self.reviews(entered, left)
        if rng.random() < 0.85 and len(reviews) >= 1:
            self.emit(
                "permanence_plan_recorded",
                reviews[min(1, len(reviews) - 1)] - timedelta(days=rng.randrange(0, 30)),
                plan=rng.choice(
                    ("long_term_fostering", "return_home", "adoption", "sgo", "kinship", "independence")
                ),
            )
        elif reviews:
            self.emit(
                "permanence_plan_recorded", reviews[-1] + timedelta(days=20), plan="long_term_fostering"
            )
        # Education.
        if 3 <= age <= 17:
            self.emit("pep_initiated", self.on_time(entered, 10, 0.75, 15))
            term = entered + timedelta(days=rng.randrange(30, 80))
            while term < left:
                if rng.random() < 0.85:
                    self.emit("pep_reviewed", term)
                term += timedelta(days=rng.randrange(110, 130))
        self.placements(entered, left)
        if rng.random() < 0.10:
            self.missing(entered, left)
        if age + (left - entered).days // 365 >= 16:
            self.care_leaver(entered, left)
        if left <= self.until:
            reason = "E11" if adopted else self.leaving_reason((left - self.dob).days // 365)
            self.emit("left_care", left, reason=reason)
            if period == 1 and rng.random() < 0.08 and not adopted:
                self.looked_after(left + timedelta(days=rng.randrange(30, 400)), period=2)

    def leaving_reason(self, age: int) -> str:
        if age >= 18:
            return self.rng.choice(("E17", "E5", "E6"))
        return self.rng.choice(("E4A", "E4A", "E13", "E41", "E45", "E46", "E8", "E4B", "E47"))

    def reviews(self, entered: date, left: date) -> list[date]:
        rng = self.rng
        held: list[date] = []
        due = self.wd(entered, 20)
        for n in range(40):
            on_time = rng.random() < 0.92
            day = (
                due - timedelta(days=rng.randrange(0, 12))
                if on_time
                else due + timedelta(days=rng.randrange(1, 25))
            )
            day = max(day, held[-1] + timedelta(days=14) if held else entered + timedelta(days=5))
            if day >= left or day > self.until:
                break
            if not on_time and rng.random() < 0.4:
                self.emit("review_stood_down", due - timedelta(days=2), reason="no updated care plan")
            under_four = (day - self.dob).days < 4 * 365
            participation = "PN0" if under_four else f"PN{rng.choice((1, 1, 1, 2, 3, 4, 5, 6, 6, 7))}"
            self.emit("review_held", day, kind="looked_after", participation=participation, chair=self.iro)
            self.emit("review_decisions_circulated", self.on_time(day, 5, 0.85, 10))
            held.append(day)
            due = day + relativedelta(months=3 if n == 0 else 6)
        return held

    def placements(self, entered: date, left: date) -> None:
        rng = self.rng
        volatile = rng.random() < 0.10
        start = entered
        while start < left and start <= self.until:
            kind = _pick(rng, PLACEMENTS)
            long_term = kind in ("U1", "U4") or rng.random() < 0.1
            self.emit(
                "placement_started",
                start,
                placement_type=kind,
                provider=f"P{rng.randrange(1, 400):04d}",
                distance_miles=round(rng.expovariate(1 / 12), 1),
                long_term=long_term,
            )
            self.emit("placement_plan_recorded", self.on_time(start, 5, 0.8, 10))
            stay = timedelta(days=rng.randrange(40, 110) if volatile else int(rng.expovariate(1 / 500)) + 30)
            end = min(start + stay, left)
            visit = start + timedelta(
                days=rng.randrange(1, 7) if rng.random() < 0.9 else rng.randrange(8, 14)
            )
            anniversary = start + relativedelta(years=1)
            while visit < end and visit <= self.until:
                self.emit("statutory_visit", visit, seen=rng.random() < 0.96, seen_alone=rng.random() < 0.6)
                interval = 90 if (visit >= anniversary and long_term) else 42
                visit += timedelta(
                    days=rng.randrange(interval - 14, interval + 1)
                    if rng.random() < 0.9
                    else rng.randrange(interval + 1, interval + 20)
                )
            if end < left:
                self.emit("placement_ended", end, reason=rng.choice(CHANGE_REASONS))
            start = end

    def missing(self, entered: date, left: date) -> None:
        rng = self.rng
        span = max(1, min((left - entered).days, (self.until - entered).days))
        count = rng.choice((1, 1, 1, 2, 2, 3, 4, 6))
        cluster = rng.random() < 0.3
        base = entered + timedelta(days=rng.randrange(0, span))
        for k in range(count):
            day = base + timedelta(days=(k * rng.randrange(3, 9)) if cluster else rng.randrange(0, span))
            if day >= left:
                continue
            went = self.moment(day, 15, 23)
            self.emit("went_missing", went, kind="missing" if rng.random() < 0.9 else "away")
            back = went + timedelta(hours=rng.randrange(2, 60))
            self.emit("returned", back)
            self.emit("iro_informed", self.on_time(went.date(), 1, 0.85, 4), about="missing")
            if rng.random() < 0.1:
                self.emit("return_interview_declined", back + timedelta(hours=rng.randrange(4, 48)))
            else:
                hours = rng.randrange(6, 72) if rng.random() < 0.8 else rng.randrange(73, 200)
                self.emit("return_interview_completed", back + timedelta(hours=hours))
        if cluster and count >= 3:
            self.emit("missing_trigger_meeting", self.on_time(base + timedelta(days=20), 5, 0.8, 5), level=1)

    def adoption(self, entered: date) -> date:
        rng = self.rng
        order = entered + timedelta(days=rng.randrange(150, 400))
        self.emit("proceedings_issued", entered + timedelta(days=rng.randrange(5, 40)))
        self.emit("final_care_plan_filed", order - timedelta(days=rng.randrange(20, 60)))
        self.emit("care_plan_endorsed", order - timedelta(days=rng.randrange(5, 20)))
        self.emit("placement_order_granted", order)
        self.emit("review_held", order + timedelta(days=rng.randrange(60, 100)), kind="adoption")
        match = order + timedelta(days=rng.randrange(60, 220))
        self.emit("adoption_match_approved", match)
        placed = match + timedelta(days=rng.randrange(7, 40))
        self.emit("placed_for_adoption", placed)
        self.emit("review_held", placed + timedelta(days=rng.randrange(20, 32)), kind="adoption")
        self.emit("review_held", placed + timedelta(days=rng.randrange(100, 120)), kind="adoption")
        adopted = placed + timedelta(days=rng.randrange(200, 420))
        self.emit("adoption_order_granted", adopted)
        return adopted

    def care_leaver(self, entered: date, left: date) -> None:
        rng = self.rng
        sixteen = self.dob + relativedelta(years=16)
        eligible = max(sixteen, entered + timedelta(days=91))
        if eligible >= left:
            return
        assessed = eligible + timedelta(
            days=rng.randrange(20, 85) if rng.random() < 0.8 else rng.randrange(95, 140)
        )
        self.emit("needs_assessment_completed", assessed)
        self.emit(
            "personal_adviser_allocated",
            eligible + timedelta(days=rng.randrange(10, 100)),
            adviser=f"PA{rng.randrange(1, 20):02d}",
        )
        plan = self.on_time(assessed, 10, 0.8, 15)
        self.emit("pathway_plan_recorded", plan)
        review = plan
        twenty_one = self.dob + relativedelta(years=21)
        while True:
            review = (
                review
                + relativedelta(months=6)
                - timedelta(days=rng.randrange(0, 20) if rng.random() < 0.85 else -rng.randrange(5, 30))
            )
            if review >= twenty_one or review > self.until:
                break
            self.emit("review_held", review, kind="pathway_plan")
        contact = left + timedelta(days=rng.randrange(10, 56))
        while left < contact < twenty_one and contact <= self.until:
            self.emit("care_leaver_contact", contact, in_touch=rng.random() < 0.9)
            contact += timedelta(days=rng.randrange(30, 56) if rng.random() < 0.85 else rng.randrange(57, 90))

    def practice_alerts(self) -> None:
        rng = self.rng
        if not self.events:
            return
        if rng.random() < 0.03:
            day = date.fromisoformat(self.events[-1]["at"][:10]) - timedelta(days=rng.randrange(0, 60))
            alert = f"PA-{self.id}"
            self.emit(
                "practice_alert_raised",
                day,
                alert=alert,
                theme=rng.choice(THEMES),
                stage="informal",
                raised_to="team manager",
                team=self.team,
            )
            if rng.random() < 0.25:
                self.emit(
                    "practice_alert_escalated", self.wd(day, 6), alert=alert, stage=rng.choice(("1", "2"))
                )
            if rng.random() < 0.8:
                self.emit("practice_alert_responded", self.wd(day, rng.randrange(2, 9)), alert=alert)
                self.emit(
                    "practice_alert_resolved",
                    self.wd(day, rng.randrange(9, 15)),
                    alert=alert,
                    outcome="resolved",
                )
        if rng.random() < 0.03:
            day = date.fromisoformat(self.events[-1]["at"][:10]) - timedelta(days=rng.randrange(0, 90))
            self.emit("good_practice_notified", day, theme=rng.choice(PRAISE), team=self.team)

    def retraction(self) -> None:
        """About 1% of children: a review recorded with the wrong date, retracted and re-recorded."""
        reviews = [e for e in self.events if e["type"] == "review_held"]
        if not reviews or self.rng.random() >= 0.01:
            return
        wrong = self.rng.choice(reviews)
        day = date.fromisoformat(wrong["at"][:10])
        fix = day + timedelta(days=3)
        if fix > self.until:
            return
        retraction = self.emit("retracted", fix, target="?", reason="entered in error: wrong date")
        if retraction is not None:
            retraction["_target"] = wrong
            self.emit("review_held", day - timedelta(days=1), kind=wrong.get("kind", "looked_after"))

    def _fix_retraction_targets(self) -> None:
        for event in self.events:
            target = event.pop("_target", None)
            if target is not None:
                event["target"] = target["id"]


def generate(children: int, *, seed: int = 1, until: date, years: int = 5) -> Iterator[dict[str, Any]]:
    """Yield events in the EVENTS.md shape, child by child, each child's in order of `at`."""
    calendar = WorkingDayCalendar()
    for number in range(1, children + 1):
        yield from _Child(number, seed, until, years, calendar).build()


def write_jsonl(path: Path | str, events: Iterable[dict[str, Any]]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(event, sort_keys=True, separators=(",", ":")))
            out.write("\n")
            count += 1
    return count
