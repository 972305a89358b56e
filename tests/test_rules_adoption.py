"""Adoption reviews (AAR 2005 reg 36): a table of cases per ADP-REV-* rule, dates worked out by hand.

Holidays used below: the early May bank holiday Mon 1 May 2023 and Mon 6 May 2024, the summer
bank holiday Mon 28 Aug 2023. The warning window is 5 working days: due_soon when as_of + 5 WD
reaches the due date.
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from tests.builders import assert_rows, ev, run_rule


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def review(at, kind="adoption"):
    return ev("review_held", at, kind=kind)


# Placement order Wed 31 May 2023: first review due Thu 31 Aug 2023 (3 months).
ORDER = ev("placement_order_granted", "2023-05-31")
# Placed Mon 17 Jul 2023: first review due Mon 14 Aug 2023 (4 weeks, 28 days).
PLACED = ev("placed_for_adoption", "2023-07-17")
# First review after placement Fri 11 Aug 2023: second due Sat 11 Nov 2023 (3 months).
FIRST = review("2023-08-11")
# Second review Thu 9 Nov 2023: later reviews due Thu 9 May 2024 (6 months).
SECOND = review("2023-11-09")

TABLE = [
    # ADP-REV-1
    case(
        "ADP-REV-1",
        [ORDER, review("2023-08-29")],
        "2023-09-01",
        [("2023-05-31", "2023-08-31", "met", "2023-08-29")],
        "adp1-met",
    ),
    case(
        "ADP-REV-1",
        [ORDER, review("2023-09-01")],
        "2023-09-04",
        [("2023-05-31", "2023-08-31", "late", "2023-09-01")],
        "adp1-late",
    ),
    case("ADP-REV-1", [ORDER], "2023-09-01", [("2023-05-31", "2023-08-31", "overdue")], "adp1-overdue"),
    # Fri 25 Aug + 5 WD, skipping Mon 28 Aug = 29, 30, 31 Aug, 1, 4 Sep: due soon.
    # Mon 21 Aug + 5 WD = 22-25, 29 Aug, before Thu 31 Aug: pending.
    case(
        "ADP-REV-1",
        [ORDER],
        "2023-08-25",
        [("2023-05-31", "2023-08-31", "due_soon")],
        "adp1-due-soon-across-a-bank-holiday",
    ),
    case("ADP-REV-1", [ORDER], "2023-08-21", [("2023-05-31", "2023-08-31", "pending")], "adp1-pending"),
    case(
        "ADP-REV-1",
        [ORDER, PLACED],
        "2023-09-01",
        [("2023-05-31", "2023-08-31", "closed", "placed for adoption")],
        "adp1-closed-placed-for-adoption",
    ),
    case(
        "ADP-REV-1",
        [ORDER, ev("left_care", "2023-08-01", reason="E41")],
        "2023-09-01",
        [("2023-05-31", "2023-08-31", "closed", "left care")],
        "adp1-closed-left-care",
    ),
    # A looked-after review is not an adoption review.
    case(
        "ADP-REV-1",
        [ORDER, review("2023-08-29", kind="looked_after")],
        "2023-09-01",
        [("2023-05-31", "2023-08-31", "overdue")],
        "adp1-looked-after-review-does-not-count",
    ),
    # Tue 31 Jan 2023 + 3 months = Sun 30 Apr 2023 (clamped).
    case(
        "ADP-REV-1",
        [ev("placement_order_granted", "2023-01-31")],
        "2023-05-02",
        [("2023-01-31", "2023-04-30", "overdue")],
        "adp1-31-jan-plus-3-months",
    ),
    # ADP-REV-P1
    case(
        "ADP-REV-P1",
        [PLACED, review("2023-08-11")],
        "2023-09-01",
        [("2023-07-17", "2023-08-14", "met", "2023-08-11")],
        "adp-p1-met",
    ),
    case(
        "ADP-REV-P1",
        [PLACED, review("2023-08-15")],
        "2023-09-01",
        [("2023-07-17", "2023-08-14", "late", "2023-08-15")],
        "adp-p1-late",
    ),
    case("ADP-REV-P1", [PLACED], "2023-08-15", [("2023-07-17", "2023-08-14", "overdue")], "adp-p1-overdue"),
    # Mon 7 Aug + 5 WD = Mon 14 Aug: due soon. Tue 18 Jul + 5 WD = Tue 25 Jul: pending.
    case("ADP-REV-P1", [PLACED], "2023-08-07", [("2023-07-17", "2023-08-14", "due_soon")], "adp-p1-due-soon"),
    case("ADP-REV-P1", [PLACED], "2023-07-18", [("2023-07-17", "2023-08-14", "pending")], "adp-p1-pending"),
    case(
        "ADP-REV-P1",
        [PLACED, ev("left_care", "2023-08-01", reason="E13")],
        "2023-09-01",
        [("2023-07-17", "2023-08-14", "closed", "left care")],
        "adp-p1-closed-left-care",
    ),
    # The placement disrupted; placed again Mon 7 Aug 2023 + 28 days = Mon 4 Sep 2023.
    case(
        "ADP-REV-P1",
        [PLACED, ev("placed_for_adoption", "2023-08-07")],
        "2023-08-08",
        [
            ("2023-07-17", "2023-08-14", "closed", "placed for adoption again"),
            ("2023-08-07", "2023-09-04", "pending"),
        ],
        "adp-p1-placed-again-closes-and-restarts",
    ),
    # A review before the placement does not count.
    case(
        "ADP-REV-P1",
        [ORDER, review("2023-07-10"), PLACED],
        "2023-08-15",
        [("2023-07-17", "2023-08-14", "overdue")],
        "adp-p1-review-before-placement-does-not-count",
    ),
    # Thu 1 Feb 2024 + 28 days = Thu 29 Feb 2024 (leap year).
    case(
        "ADP-REV-P1",
        [ev("placed_for_adoption", "2024-02-01")],
        "2024-03-01",
        [("2024-02-01", "2024-02-29", "overdue")],
        "adp-p1-leap-day",
    ),
    # ADP-REV-P2
    case(
        "ADP-REV-P2",
        [PLACED, FIRST, SECOND],
        "2023-12-01",
        [("2023-08-11", "2023-11-11", "met", "2023-11-09")],
        "adp-p2-met",
    ),
    case(
        "ADP-REV-P2",
        [PLACED, FIRST, review("2023-11-13")],
        "2023-12-01",
        [("2023-08-11", "2023-11-11", "late", "2023-11-13")],
        "adp-p2-late",
    ),
    case(
        "ADP-REV-P2",
        [PLACED, FIRST],
        "2023-11-13",
        [("2023-08-11", "2023-11-11", "overdue")],
        "adp-p2-overdue",
    ),
    # Mon 6 Nov + 5 WD = Mon 13 Nov, past Sat 11 Nov: due soon.
    case(
        "ADP-REV-P2",
        [PLACED, FIRST],
        "2023-11-06",
        [("2023-08-11", "2023-11-11", "due_soon")],
        "adp-p2-due-soon",
    ),
    case(
        "ADP-REV-P2",
        [PLACED, FIRST],
        "2023-08-14",
        [("2023-08-11", "2023-11-11", "pending")],
        "adp-p2-pending",
    ),
    case("ADP-REV-P2", [PLACED], "2023-11-13", [], "adp-p2-none-before-the-first-review"),
    case(
        "ADP-REV-P2",
        [PLACED, FIRST, ev("adoption_order_granted", "2023-11-03")],
        "2023-12-01",
        [("2023-08-11", "2023-11-11", "closed", "adoption order granted")],
        "adp-p2-closed-adoption-order",
    ),
    # Placed again Mon 2 Oct 2023: the first placement's reviews stop; the new one has none yet.
    case(
        "ADP-REV-P2",
        [PLACED, FIRST, ev("placed_for_adoption", "2023-10-02")],
        "2023-12-01",
        [("2023-08-11", "2023-11-11", "closed", "placed for adoption again")],
        "adp-p2-closed-placed-again",
    ),
    # Placed Mon 6 Nov 2023, first review Thu 30 Nov 2023 + 3 months = Thu 29 Feb 2024 (leap year, clamped).
    case(
        "ADP-REV-P2",
        [ev("placed_for_adoption", "2023-11-06"), review("2023-11-30")],
        "2024-03-01",
        [("2023-11-30", "2024-02-29", "overdue")],
        "adp-p2-month-end-leap-year",
    ),
    # ADP-REV-PN: Thu 9 Nov 2023 + 6 months = Thu 9 May 2024; Fri 3 May 2024 + 6 months = Sun 3 Nov 2024.
    case(
        "ADP-REV-PN",
        [PLACED, FIRST, SECOND, review("2024-05-03")],
        "2024-05-13",
        [("2023-11-09", "2024-05-09", "met", "2024-05-03"), ("2024-05-03", "2024-11-03", "pending")],
        "adp-pn-met",
    ),
    # Fri 10 May 2024 + 6 months = Sun 10 Nov 2024.
    case(
        "ADP-REV-PN",
        [PLACED, FIRST, SECOND, review("2024-05-10")],
        "2024-05-13",
        [("2023-11-09", "2024-05-09", "late", "2024-05-10"), ("2024-05-10", "2024-11-10", "pending")],
        "adp-pn-late",
    ),
    case(
        "ADP-REV-PN",
        [PLACED, FIRST, SECOND],
        "2024-05-13",
        [("2023-11-09", "2024-05-09", "overdue")],
        "adp-pn-overdue",
    ),
    # Fri 3 May + 5 WD, skipping Mon 6 May = 7-10, 13 May: due soon. Mon 29 Apr + 5 WD = 30 Apr,
    # 1-3, 7 May, before Thu 9 May: pending.
    case(
        "ADP-REV-PN",
        [PLACED, FIRST, SECOND],
        "2024-05-03",
        [("2023-11-09", "2024-05-09", "due_soon")],
        "adp-pn-due-soon-across-a-bank-holiday",
    ),
    case(
        "ADP-REV-PN",
        [PLACED, FIRST, SECOND],
        "2024-04-29",
        [("2023-11-09", "2024-05-09", "pending")],
        "adp-pn-pending",
    ),
    case(
        "ADP-REV-PN",
        [PLACED, FIRST, SECOND, ev("adoption_order_granted", "2024-02-01")],
        "2024-05-13",
        [("2023-11-09", "2024-05-09", "closed", "adoption order granted")],
        "adp-pn-closed-adoption-order",
    ),
    case(
        "ADP-REV-PN",
        [PLACED, FIRST, SECOND, ev("left_care", "2024-02-01", reason="E11")],
        "2024-05-13",
        [("2023-11-09", "2024-05-09", "closed", "left care")],
        "adp-pn-closed-left-care",
    ),
    # Second review Thu 31 Aug 2023 + 6 months = Thu 29 Feb 2024 (leap year, clamped).
    case(
        "ADP-REV-PN",
        [PLACED, FIRST, review("2023-08-31")],
        "2024-03-01",
        [("2023-08-31", "2024-02-29", "overdue")],
        "adp-pn-month-end-leap-year",
    ),
]


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_adoption_rule_table(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        ([ORDER, PLACED], "placed for adoption"),
        ([ORDER, ev("left_care", "2023-08-01", reason="E41")], "left care"),
    ],
    ids=["placed", "left-care"],
)
def test_the_first_review_closes_with_the_reason_the_clock_stopped(events, reason):
    (got,) = run_rule("ADP-REV-1", events, as_of="2023-09-01")

    assert got.closed_reason == reason


def test_an_adoption_order_is_the_reason_placed_reviews_stop():
    events = [PLACED, FIRST, ev("adoption_order_granted", "2023-11-03")]

    (got,) = run_rule("ADP-REV-P2", events, as_of="2023-12-01")

    assert got.closed_reason == "adoption order granted"


def test_a_review_due_on_a_sunday_before_a_bank_holiday_is_one_working_day_late_on_the_tuesday():
    # Tue 31 Jan 2023 + 3 months = Sun 30 Apr 2023; Mon 1 May 2023 was a bank holiday.
    events = [ev("placement_order_granted", "2023-01-31"), review("2023-05-02")]

    (got,) = run_rule("ADP-REV-1", events, as_of="2023-05-03")

    assert (got.status, got.days_late) == ("late", 1)


@pytest.mark.parametrize(
    ("rule", "value", "events", "as_of", "expected"),
    [
        # Order Wed 31 May 2023: 3 months, Thu 31 Aug. Order Thu 1 Jun 2023 + 2 months = Tue 1 Aug 2023.
        (
            "ADP-REV-1",
            "2 months",
            [ORDER, ev("placement_order_granted", "2023-06-01")],
            "2023-06-01",
            [("2023-05-31", "2023-08-31"), ("2023-06-01", "2023-08-01")],
        ),
        # Placed Mon 17 Jul 2023: 4 weeks, Mon 14 Aug. Placed again Mon 2 Oct 2023 + 6 weeks = Mon 13 Nov.
        (
            "ADP-REV-P1",
            "6 weeks",
            [PLACED, FIRST, ev("placed_for_adoption", "2023-10-02")],
            "2023-10-02",
            [("2023-07-17", "2023-08-14"), ("2023-10-02", "2023-11-13")],
        ),
        # First review Fri 11 Aug 2023: 3 months, Sat 11 Nov. After placing again, first review
        # Fri 13 Oct 2023 + 2 months = Wed 13 Dec 2023.
        (
            "ADP-REV-P2",
            "2 months",
            [PLACED, FIRST, ev("placed_for_adoption", "2023-10-02"), review("2023-10-13")],
            "2023-10-13",
            [("2023-08-11", "2023-11-11"), ("2023-10-13", "2023-12-13")],
        ),
        # Second review Thu 9 Nov 2023: 6 months, Thu 9 May 2024. Fri 3 May 2024 + 3 months = Sat 3 Aug 2024.
        (
            "ADP-REV-PN",
            "3 months",
            [PLACED, FIRST, SECOND, review("2024-05-03")],
            "2024-05-03",
            [("2023-11-09", "2024-05-09"), ("2024-05-03", "2024-08-03")],
        ),
    ],
    ids=["ADP-REV-1", "ADP-REV-P1", "ADP-REV-P2", "ADP-REV-PN"],
)
def test_a_council_timescale_applies_only_to_clocks_starting_on_or_after_its_effective_date(
    rule, value, events, as_of, expected
):
    # Each case: the first clock starts before the new timescale's effective date, the second on it.
    settings = {(rule, "within"): [(date.fromisoformat(expected[1][0]), value)]}

    got = run_rule(rule, events, as_of=as_of, settings=settings)

    assert [(o.started_on.isoformat(), o.due.isoformat()) for o in got] == expected
