"""Published figures reproduced from events, with their cohorts: small councils worked by hand."""

from datetime import date

import pytest

from compliance.engine import Engine
from compliance.reports import iha_table, iro_report, scorecard, truncated_percent
from compliance.store import open_store
from events.models import parse_event
from tests.builders import ev


def council(children):
    store = open_store("memory:")
    batches = {}
    for child, events in children.items():
        batches[child] = [parse_event({"child": child, **e}).to_record() for e in events]
    store.record(batches)
    return Engine(store)


@pytest.mark.parametrize(
    ("n", "d", "pct"), [(17, 26, 65.3), (2, 3, 66.6), (1, 1, 100.0), (0, 4, 0.0), (1, 0, None)]
)
def test_percentages_are_truncated_as_the_council_papers_print_them(n, d, pct):
    assert truncated_percent(n, d) == pct


def entered(at, **kw):
    return [
        ev("child_registered", "2015-01-01", dob="2015-01-01"),
        ev("entered_care", at, legal_status="C1", **kw),
    ]


def test_the_iha_table_counts_children_whose_iha_fell_due_in_each_quarter():
    engine = council(
        {
            # Entered Mon 3 Apr 2023 10:00; requested within 48 h; IHA due Wed 3 May 2023 (Q1), done on time.
            "A": entered("2023-04-03T10:00")
            + [
                ev("health_assessment_requested", "2023-04-04T09:00", kind="initial"),
                ev("health_assessment_completed", "2023-04-28", kind="initial"),
            ],
            # Entered Mon 5 Jun 2023; IHA due Mon 3 Jul 2023 (Q2); requested late, done late.
            "B": entered("2023-06-05")
            + [
                ev("health_assessment_requested", "2023-06-12T09:00", kind="initial"),
                ev("health_assessment_completed", "2023-07-10", kind="initial"),
            ],
            # Entered Mon 3 Jul 2023 (IHA due Mon 31 Jul, Q2); left care before it fell due: counted apart.
            "C": entered("2023-07-03") + [ev("left_care", "2023-07-10", reason="E13")],
            # Entered Fri 1 Sep 2023; IHA due Fri 29 Sep 2023 (Q2): requested in time, done on time.
            "D": entered("2023-09-01")
            + [
                ev("health_assessment_requested", "2023-09-02T09:00", kind="initial"),
                ev("health_assessment_completed", "2023-09-29", kind="initial"),
            ],
        }
    )

    rows = {r.quarter: r for r in iha_table(engine, year=2023, as_of=date(2024, 4, 30))}

    assert (rows["Q1"].requiring, rows["Q1"].requested_48h, rows["Q1"].completed_20wd) == (1, 1, 1)
    assert (rows["Q2"].requiring, rows["Q2"].requested_48h, rows["Q2"].completed_20wd) == (2, 1, 1)
    assert (rows["Q2"].left_before_due, rows["Q3"].requiring, rows["Q4"].requiring) == (1, 0, 0)


def test_the_scorecard_states_its_cohorts_and_excludes_clocks_closed_by_leaving_care():
    engine = council(
        {
            # First review due Tue 11 Oct 2022: held on time.
            "A": entered("2022-09-12") + [ev("review_held", "2022-10-11")],
            # First review due Tue 11 Oct 2022: held late.
            "B": entered("2022-09-12") + [ev("review_held", "2022-10-20")],
            # Left care before the first review fell due: excluded and counted apart.
            "C": entered("2022-09-12") + [ev("left_care", "2022-09-30", reason="E45")],
        }
    )

    measures = {m.code: m for m in scorecard(engine, start=date(2022, 10, 1), end=date(2022, 10, 31))}

    reviews = measures["P1.2"]
    assert (reviews.numerator, reviews.denominator, reviews.value, reviews.excluded) == (1, 2, 50.0, 1)
    assert "fell due from 2022-10-01 to 2022-10-31" in reviews.cohort
    sgo = measures["P2.9"]
    assert (sgo.numerator, sgo.denominator) == (0, 0)  # C left in September, outside the period


def test_the_iro_report_counts_reviews_participation_and_alerts():
    engine = council(
        {
            "A": [
                ev("child_registered", "2010-01-01", dob="2010-01-01"),
                ev("entered_care", "2023-01-09", legal_status="C2"),
                ev("review_held", "2023-02-03", participation="PN1"),
                ev("review_held", "2023-05-02", participation="PN7"),
                ev("review_stood_down", "2023-04-28", reason="no updated care plan"),
            ],
            "B": [
                ev("child_registered", "2021-01-01", dob="2021-01-01"),
                ev("entered_care", "2023-01-09", legal_status="C2"),
                ev("review_held", "2023-02-03", participation="PN0"),
            ],
        }
    )

    figures = iro_report(engine, [], start=date(2023, 1, 1), end=date(2023, 12, 31))

    assert figures["reviews_chaired"]["looked_after"] == 3
    assert figures["reviews_chaired"]["initial_share_pct"] == 66.6  # 2 of 3 were first reviews
    assert figures["participation_4_plus"] == {
        "participated": 1,
        "reviews": 2,
        "pct": 50.0,
        "cohort": "looked-after reviews of children aged 4 or over; participated = PN1-PN6",
    }
    assert figures["reviews_stood_down"] == 1
