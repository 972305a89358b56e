"""The council the reports hold: each child trimmed to what the figures read, with every
figure the same as from the children's full evaluations."""

from __future__ import annotations

from datetime import date

import pytest

from compliance.engine import Engine
from compliance.reports.council import READ_TYPES, CouncilFacts, ReportTimeline, load_council
from compliance.reports.iha import iha_quarters
from compliance.reports.iro import _team_on, build_iro_report
from compliance.reports.measures import MEASURES, REPORT_RULES
from compliance.reports.periods import FinancialYear, Period
from compliance.reports.scorecard import build_period_scorecard, build_scorecard
from compliance.reports.targets import ReportSettings
from compliance.sources.event_files import import_files
from compliance.store import open_store
from compliance.synthetic import generate, write_jsonl

UNTIL = date(2026, 10, 31)


#: A child whose practice alert names no team: the IRO report takes the team the child was
#: with that day from the latest fact naming one (here a worker's allocation).
NO_TEAM_ON_THE_ALERT = [
    {"type": "child_registered", "at": "2024-11-15", "dob": "2012-01-04", "sex": "F"},
    {
        "type": "worker_allocated",
        "at": "2024-11-19",
        "role": "social_worker",
        "team": "East",
        "worker": "SW1",
    },
    {
        "type": "practice_alert_raised",
        "at": "2025-06-02",
        "alert": "PA-9999",
        "raised_to": "team manager",
        "stage": "informal",
        "theme": "Drift / legal issues",
    },
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("council")
    write_jsonl(folder / "council.jsonl", generate(150, seed=7, until=UNTIL))
    write_jsonl(folder / "more.jsonl", ({"child": "Z000001", **e} for e in NO_TEAM_ON_THE_ALERT))
    store = open_store("memory:")
    import_files(store, [str(folder / "council.jsonl"), str(folder / "more.jsonl")])
    return Engine(store)


def untrimmed(engine: Engine, as_of: date) -> CouncilFacts:
    """The council as the reports held it before: every child's full evaluation."""
    children = tuple(engine.evaluate_all(as_of=as_of, rules=REPORT_RULES))
    types = {f.type for e in children for f in e.timeline.facts}
    wanted = {
        part
        for spec in MEASURES.values()
        for need in spec.needs
        for part in need.split("|")
        if "." in part and not part.startswith("[")
    }
    fields = {
        need
        for need in wanted
        if any(
            need.split(".", 1)[1] in f.record
            for e in children
            for f in e.timeline.of_type(need.split(".")[0])
        )
    }
    return CouncilFacts(as_of, children, frozenset(types), frozenset(fields))


def test_the_trimmed_council_gives_every_report_exactly_as_the_full_evaluations(engine):
    full, trimmed = untrimmed(engine, UNTIL), load_council(engine, as_of=UNTIL)
    assert (trimmed.types, trimmed.fields) == (full.types, full.fields)
    # Most of a child's facts are let go (visits above all), so the test compares something.
    assert (
        sum(len(e.timeline.facts) for e in trimmed.children)
        < sum(len(e.timeline.facts) for e in full.children) / 2
    )
    settings, calendar = ReportSettings(), engine.calendar
    for year in (FinancialYear(2025), FinancialYear(2026)):
        assert build_scorecard(trimmed, year, settings=settings, calendar=calendar) == build_scorecard(
            full, year, settings=settings, calendar=calendar
        )
        assert iha_quarters(trimmed, year) == iha_quarters(full, year)
        assert build_iro_report(trimmed, [], year.whole) == build_iro_report(full, [], year.whole)
    period = Period(date(2022, 1, 1), date(2026, 6, 30))
    assert build_period_scorecard(
        trimmed, period, settings=settings, calendar=calendar
    ) == build_period_scorecard(full, period, settings=settings, calendar=calendar)


def test_a_trimmed_timeline_keeps_the_types_the_reports_read_and_refuses_the_others(engine):
    full = next(
        e.timeline
        for e in engine.evaluate_all(as_of=UNTIL)
        if e.timeline.of_type("review_held") and e.timeline.of_type("statutory_visit")
    )
    trimmed = ReportTimeline.trimmed(full)

    assert trimmed.of_type("review_held") == full.of_type("review_held")
    assert trimmed.periods == full.periods
    # Of the facts naming a team, those naming the one named before are let go: the team
    # the child was with on any day is the same.
    assert len([f for f in trimmed.facts if f.get("team")]) < len([f for f in full.facts if f.get("team")])
    assert all(_team_on(trimmed, f.on) == _team_on(full, f.on) for f in full.facts)
    assert [f for f in full.facts if f.type in READ_TYPES] == [
        f for f in trimmed.facts if f.type in READ_TYPES
    ]
    with pytest.raises(LookupError, match="statutory_visit"):
        trimmed.of_type("statutory_visit")
    with pytest.raises(LookupError, match="cp_visit"):
        trimmed.of_type("review_held", "cp_visit")
