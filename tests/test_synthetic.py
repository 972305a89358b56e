"""The made-up council: deterministic, valid against the contract, with realistic rates."""

from collections import Counter
from datetime import date

import pytest

from compliance.engine import Engine
from compliance.importer import import_events
from compliance.store import open_store
from compliance.synthetic import generate, write_jsonl
from events.models import parse_event
from events.parse import ParsedEvent
from rules.obligation import Status

UNTIL = date(2026, 10, 31)


@pytest.fixture(scope="module")
def council():
    return list(generate(400, seed=11, until=UNTIL))


@pytest.fixture(scope="module")
def obligations(council):
    store = open_store("memory:")
    by_child = {}
    for event in council:
        by_child.setdefault(event["child"], []).append(event)
    parsed = [ParsedEvent.of(i + 1, parse_event(e)) for i, e in enumerate(council)]
    import_events(store, parsed, source="synthetic", check_quality=False)
    return [o for e in Engine(store).evaluate_all(as_of=UNTIL) for o in e.obligations]


def on_time(obligations, rule):
    judged = [
        o for o in obligations if o.rule == rule and o.status in (Status.MET, Status.LATE, Status.OVERDUE)
    ]
    return sum(o.status is Status.MET for o in judged) / len(judged)


def test_two_runs_with_the_same_seed_produce_identical_files(tmp_path):
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"

    write_jsonl(a, generate(60, seed=5, until=UNTIL))
    write_jsonl(b, generate(60, seed=5, until=UNTIL))
    write_jsonl(c, generate(60, seed=6, until=UNTIL))

    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_every_generated_event_is_valid_against_the_contract(council):
    parsed = [parse_event(event) for event in council]  # raises InvalidEvent on any bad one

    assert [p.type for p in parsed] == [e["type"] for e in council]


def test_nothing_happens_after_until_and_each_child_is_in_order(council):
    last = {}
    for event in council:
        assert event["at"][:10] <= UNTIL.isoformat()
        assert event["at"] >= last.get(event["child"], "")
        last[event["child"]] = event["at"]


def test_retractions_name_an_earlier_event_of_the_same_child(council):
    ids = {e["id"]: e["child"] for e in council}
    retractions = [e for e in council if e["type"] == "retracted"]

    assert all(ids[r["target"]] == r["child"] for r in retractions)


@pytest.mark.parametrize(
    ("rule", "low", "high"),
    [
        ("LAC-REV-1", 0.85, 0.97),
        ("LAC-REV-N", 0.85, 0.97),
        ("HLT-IHA-REQ", 0.55, 0.75),
        ("HLT-IHA", 0.40, 0.70),
        ("VIS-2", 0.75, 0.95),
    ],
    ids=["first-reviews", "later-reviews", "iha-requested-48h", "iha-completed-20wd", "visits"],
)
def test_timeliness_rates_are_realistic(obligations, rule, low, high):
    assert low <= on_time(obligations, rule) <= high


def test_about_ten_percent_of_looked_after_children_go_missing(council):
    in_care = {e["child"] for e in council if e["type"] == "entered_care"}
    missing = {e["child"] for e in council if e["type"] == "went_missing"}

    assert 0.06 <= len(missing & in_care) / len(in_care) <= 0.15


def test_some_children_have_three_or_more_moves_in_a_year(council):
    starts = {}
    for e in council:
        if e["type"] == "placement_started":
            starts.setdefault(e["child"], []).append(date.fromisoformat(e["at"][:10]))
    volatile = sum(any((s[i + 3] - s[i]).days < 366 for i in range(len(s) - 3)) for s in starts.values())

    assert 0.05 <= volatile / len(starts) <= 0.15


def test_the_council_has_the_journeys_a_real_one_has(council):
    types = Counter(e["type"] for e in council)

    for needed in (
        "icpc_held",
        "core_group_held",
        "rcpc_held",
        "placement_order_granted",
        "adoption_order_granted",
        "needs_assessment_completed",
        "pathway_plan_recorded",
        "went_missing",
        "retracted",
        "practice_alert_raised",
        "good_practice_notified",
        "review_stood_down",
    ):
        assert types[needed] > 0, needed
    assert len({e["team"] for e in council if "team" in e}) >= 4
