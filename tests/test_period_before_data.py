"""A period of care already open when the data begins (`already_in_care`): its start is
unknown, so the clocks that run from entering care are not assessed, and each review on
record starts a 6-month clock.

Dates: the data begins Mon 3 Apr 2017 (the first day of a 903 return's year, the child's
first episode in it); a review on Thu 8 Jun 2017 puts the next due Fri 8 Dec 2017. Had the
child entered care that Monday, the first review would be due Thu 4 May 2017 (20 working
days, skipping Good Friday 14 Apr, Easter Monday 17 Apr and Mon 1 May 2017).
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from tests.builders import ev, run_rule, statuses, timeline

OPEN = ev("already_in_care", "2017-04-03", legal_status="C2")
PLACED = ev("placement_started", "2017-04-03", placement_type="U4")
REVIEW = ev("review_held", "2017-06-08")


@pytest.mark.parametrize(
    "rule",
    ["LAC-REV-1", "LAC-REV-2", "LAC-CPLAN", "LAC-IRO", "LAC-PERM", "HLT-IHA", "HLT-IHA-REQ", "EDU-PEP"],
)
def test_clocks_from_entering_care_are_not_assessed_when_the_start_is_before_the_data(rule):
    assert run_rule(rule, [OPEN, PLACED, REVIEW], as_of="2018-03-31") == []


def test_the_same_clocks_run_when_the_child_entered_care_in_the_data():
    entered = ev("entered_care", "2017-04-03", legal_status="C2")

    assert statuses(run_rule("LAC-REV-1", [entered, PLACED, REVIEW], as_of="2018-03-31")) == [
        ("2017-04-03", "2017-05-04", "late")
    ]


@pytest.mark.parametrize(
    ("events", "as_of", "expected"),
    [
        pytest.param(
            [OPEN, PLACED, REVIEW],
            "2017-12-08",
            [("2017-06-08", "2017-12-08", "due_soon")],
            id="first-review-on-record-starts-six-months",
        ),
        pytest.param(
            [OPEN, PLACED, REVIEW],
            "2017-12-11",
            [("2017-06-08", "2017-12-08", "overdue")],
            id="overdue-after-six-months",
        ),
        pytest.param([OPEN, PLACED], "2017-12-11", [], id="no-review-on-record-nothing-to-judge"),
    ],
)
def test_reviews_on_record_start_six_month_clocks_for_a_period_open_before_the_data(events, as_of, expected):
    assert statuses(run_rule("LAC-REV-N", events, as_of=as_of)) == expected


def test_the_period_opened_before_the_data_is_one_period_of_care_with_unknown_start():
    tl = timeline([OPEN, PLACED, ev("left_care", "2018-01-05", reason="E13")])

    assert len(tl.periods) == 1
    assert tl.periods[0].start_known is False
    assert tl.periods[0].started_on == date(2017, 4, 3)
    assert tl.periods[0].ended_on == date(2018, 1, 5)
    assert tl.periods[0].placements[0].placement_type == "U4"
