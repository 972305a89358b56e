"""Coverage: a source that cannot tell us something never shows it as a breach.

Dates: a child entered care on Mon 12 Sep 2022 (the first review due Tue 11 Oct 2022,
20 working days skipping the State Funeral bank holiday on Mon 19 Sep 2022), placed the
same day (first visit due within a week, Mon 19 Sep 2022). Judged at Tue 1 Nov 2022.
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from compliance.engine import Engine
from compliance.sources.coverage import (
    SATISFIED_BY,
    apply_coverage,
    capable_types,
    declare_source,
    declared_sources,
)
from compliance.store import open_store
from rules.obligation import Status
from rules.registry import REGISTRY
from tests.builders import ev, facts

AS_OF = date(2022, 11, 1)


def from_903(*events):
    return [{**e, "source": "ssda903"} for e in events]


CHILD_903 = from_903(
    ev("child_registered", "2010-05-01", dob="2010-05-01"),
    ev("entered_care", "2022-09-12", legal_status="C2"),
    ev("placement_started", "2022-09-12", placement_type="U6"),
)


def evaluate(events, as_of=AS_OF):
    engine = Engine(open_store("memory:"))
    return engine.evaluate_facts("C1", facts(events), as_of=as_of)


def by_rule(evaluation):
    return {o.rule: o for o in evaluation.obligations}


def test_every_registered_rule_says_which_facts_can_satisfy_it():
    assert set(SATISFIED_BY) == set(REGISTRY)
    assert all(SATISFIED_BY[rule] for rule in REGISTRY)


def test_a_903_only_child_has_no_data_for_visits_and_the_return_is_named():
    obligations = by_rule(evaluate(CHILD_903))

    visit = obligations["VIS-1"]
    assert visit.status is Status.NO_DATA
    assert visit.days_late == 0
    assert visit.explanation[0].startswith("SSDA903 holds no statutory visits")


@pytest.mark.parametrize(
    "rule",
    ["VIS-1", "HLT-IHA", "HLT-IHA-REQ", "LAC-CPLAN", "LAC-IRO", "EDU-PEP"],
)
def test_a_903_only_child_shows_no_breach_for_what_the_return_cannot_hold(rule):
    obligations = by_rule(evaluate(CHILD_903))

    assert obligations[rule].status is Status.NO_DATA


def test_a_903_only_child_is_still_judged_on_its_reviews():
    obligations = by_rule(evaluate(CHILD_903))

    assert obligations["LAC-REV-1"].status is Status.OVERDUE
    assert obligations["LAC-REV-1"].due == date(2022, 10, 11)


def test_a_met_obligation_stays_met_whatever_the_source():
    held = [*CHILD_903, *from_903(ev("review_held", "2022-10-11"))]

    obligations = by_rule(evaluate(held))

    assert obligations["LAC-REV-1"].status is Status.MET


def test_a_child_later_loaded_from_event_files_becomes_assessable():
    richer = [*CHILD_903, ev("care_plan_recorded", "2022-09-12", source="LCS")]

    obligations = by_rule(evaluate(richer))

    assert obligations["VIS-1"].status is Status.OVERDUE
    assert obligations["LAC-CPLAN"].status is Status.MET


def test_a_fact_without_a_source_counts_as_event_files():
    assert capable_types(facts([ev("child_registered", "2010-05-01", dob="2010-05-01")])) is None


def test_903_reviews_are_looked_after_reviews_so_pathway_plan_reviews_are_no_data():
    kinds = capable_types(facts(CHILD_903))

    assert kinds is not None
    assert kinds[0].supplies("review_held:looked_after")
    assert not kinds[0].supplies("review_held:pathway_plan")
    assert not kinds[0].supplies("statutory_visit")


def test_a_new_return_kind_declares_its_types_and_its_label_names_it():
    kind = declare_source(
        "test-census", types=["referral_received", "referral_decision"], label="the test census"
    )
    events = [
        {**ev("referral_received", "2024-05-24"), "source": "test-census"},
    ]

    supplied = capable_types(facts(events))

    assert supplied == (kind,)
    assert declared_sources()["test-census"].supplies("referral_decision")
    with pytest.raises(RuntimeError, match="declared twice"):
        declare_source("test-census", types=["icpc_held"])


def test_two_silent_sources_are_both_named():
    declare_source("test-other", types=["child_registered"], label="the other return")
    events = [*CHILD_903, {**ev("child_registered", "2010-05-01", dob="2010-05-01"), "source": "test-other"}]

    obligations = by_rule(evaluate(events))

    assert (
        obligations["VIS-1"]
        .explanation[0]
        .startswith("SSDA903 and the other return hold no statutory visits")
    )


def test_coverage_leaves_obligations_alone_for_event_file_children():
    engine = Engine(open_store("memory:"))
    plain = [{k: v for k, v in e.items() if k != "source"} for e in CHILD_903]
    evaluation = engine.evaluate_facts("C1", facts(plain), as_of=AS_OF)

    assert apply_coverage(evaluation.obligations, facts(plain)) == list(evaluation.obligations)
    assert Status.NO_DATA not in {o.status for o in evaluation.obligations}
