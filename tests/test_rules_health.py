"""Health rules (HLT-IHA-REQ, HLT-IHA, HLT-RHA, HLT-DENTAL): tables of cases with real dates.

Every expected due date is worked out by hand from the calendar; the reasoning is in the
case id or the comment above it. Hour-based due dates are London moments with their
offset (BST +01:00, GMT +00:00).
"""

from __future__ import annotations

from datetime import date

import pytest

import rules.catalogue  # noqa: F401  (registers every rule)
from rules.registry import REGISTRY
from tests.builders import assert_rows, ev, run_rule, statuses, timeline

BORN_2014 = ev("child_registered", "2014-01-01", dob="2014-01-01")
BORN_2018_09_01 = ev("child_registered", "2018-09-01", dob="2018-09-01")  # 5 on Fri 1 Sep 2023
ENTRY_FRI = ev("entered_care", "2023-10-06T15:00", legal_status="C1")  # Fri 6 Oct 2023 15:00 BST
ENTRY_MAY = ev("entered_care", "2023-05-02", legal_status="C1")  # Tue 2 May 2023
ENTRY_FUNERAL = ev("entered_care", "2022-09-12", legal_status="C2")  # Mon 12 Sep 2022


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def request(at, kind="initial"):
    return ev("health_assessment_requested", at, kind=kind)


def assessed(at, kind="initial"):
    return ev("health_assessment_completed", at, kind=kind)


def appointment(at, outcome, kind="initial"):
    return ev("health_appointment", at, kind=kind, outcome=outcome)


# --- HLT-IHA-REQ: 48 elapsed clock hours from entering care; weekends are not skipped --------
# Fri 6 Oct 2023 15:00 BST + 48 hours = Sun 8 Oct 2023 15:00 BST.
FRI_DUE = "2023-10-08T15:00:00+01:00"

IHA_REQ = [
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, request("2023-10-08T10:00")],
        "2023-10-20",
        [("2023-10-06", FRI_DUE, "met", "2023-10-08")],
        "met-on-sunday-morning-fri-15h00-plus-48h-is-sun-15h00",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, request("2023-10-08T15:00")],
        "2023-10-20",
        [("2023-10-06", FRI_DUE, "met", "2023-10-08")],
        "met-at-exactly-48-hours",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, request("2023-10-09T09:00")],
        "2023-10-20",
        [("2023-10-06", FRI_DUE, "late", "2023-10-09")],
        "late-friday-entry-monday-request-hours-do-not-skip-the-weekend",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, request("2023-10-08T15:01")],
        "2023-10-20",
        [("2023-10-06", FRI_DUE, "late", "2023-10-08")],
        "late-by-one-minute-moments-compared",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, request("2023-10-08")],
        "2023-10-20",
        [("2023-10-06", FRI_DUE, "met", "2023-10-08")],
        "date-only-request-on-the-due-day-is-met",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, request("2023-10-06T10:00")],
        "2023-10-20",
        [("2023-10-06", FRI_DUE, "met", "2023-10-06")],
        "request-earlier-on-the-day-of-entry-counts",
    ),
    case(
        "HLT-IHA-REQ",
        [request("2023-10-05T16:00"), ENTRY_FRI],
        "2023-10-09",
        [("2023-10-06", FRI_DUE, "overdue")],
        "request-the-day-before-entry-does-not-count",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, request("2023-10-07T10:00", kind="review")],
        "2023-10-09",
        [("2023-10-06", FRI_DUE, "overdue")],
        "a-review-request-does-not-count",
    ),
    case("HLT-IHA-REQ", [ENTRY_FRI], "2023-10-09", [("2023-10-06", FRI_DUE, "overdue")], "overdue-on-monday"),
    # 48 hours always fall inside the 5-working-day warning window, so an open request is
    # never `pending` at the default (see the settings test for a pending case).
    case("HLT-IHA-REQ", [ENTRY_FRI], "2023-10-07", [("2023-10-06", FRI_DUE, "due_soon")], "due-soon"),
    # Fri 27 Oct 2023 12:00 BST (11:00 UTC) + 48 h = Sun 29 Oct 11:00 UTC = 11:00 GMT (clocks back at 02:00).
    case(
        "HLT-IHA-REQ",
        [ev("entered_care", "2023-10-27T12:00", legal_status="C1"), request("2023-10-29T11:30")],
        "2023-11-01",
        [("2023-10-27", "2023-10-29T11:00:00+00:00", "late", "2023-10-29")],
        "clocks-go-back-fri-12h00-bst-plus-48h-is-sun-11h00-gmt",
    ),
    # Date only: Mon 12 Sep 2022 + ceil(48/24) = 2 days: end of Wed 14 Sep 2022 (approximate).
    case(
        "HLT-IHA-REQ",
        [ENTRY_FUNERAL, request("2022-09-14T18:00")],
        "2022-10-01",
        [("2022-09-12", "2022-09-14", "met", "2022-09-14")],
        "date-only-entry-end-of-wed-14-sep",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FUNERAL, request("2022-09-15T09:00")],
        "2022-10-01",
        [("2022-09-12", "2022-09-14", "late", "2022-09-15")],
        "date-only-entry-request-on-thursday-is-late",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FUNERAL, ev("left_care", "2022-09-13", reason="E13")],
        "2022-10-01",
        [("2022-09-12", "2022-09-14", "closed", "left care")],
        "closed-left-care-before-due",
    ),
    # Re-entry: the second period needs its own request. Fri 14 Oct 2022 16:00 BST + 48 h
    # = Sun 16 Oct 2022 16:00 BST; requested Mon 17 Oct: late.
    case(
        "HLT-IHA-REQ",
        [
            ev("entered_care", "2022-09-12T09:00", legal_status="C2"),
            request("2022-09-13T10:00"),
            ev("left_care", "2022-09-30", reason="E13"),
            ev("entered_care", "2022-10-14T16:00", legal_status="C2"),
            request("2022-10-17T10:00"),
        ],
        "2022-11-01",
        [
            ("2022-09-12", "2022-09-14T09:00:00+01:00", "met", "2022-09-13"),
            ("2022-10-14", "2022-10-16T16:00:00+01:00", "late", "2022-10-17"),
        ],
        "re-entry-restarts-the-clock",
    ),
]

# --- HLT-IHA: 20 working days from entering care -----------------------------------------
# Tue 2 May 2023 + 20 WD: 3-5 May (3), Mon 8 May coronation skipped, 9-12 (7), 15-19 (12),
# 22-26 (17), Mon 29 May spring bank holiday skipped, 30-31 (19), Thu 1 Jun (20).
IHA = [
    case(
        "HLT-IHA",
        [ENTRY_MAY, assessed("2023-06-01")],
        "2023-07-01",
        [("2023-05-02", "2023-06-01", "met", "2023-06-01")],
        "met-on-thu-1-jun-skipping-coronation-and-spring-bank-holiday",
    ),
    case(
        "HLT-IHA",
        [ENTRY_MAY, assessed("2023-06-02")],
        "2023-07-01",
        [("2023-05-02", "2023-06-01", "late", "2023-06-02")],
        "late-fri-2-jun",
    ),
    case("HLT-IHA", [ENTRY_MAY], "2023-06-02", [("2023-05-02", "2023-06-01", "overdue")], "overdue"),
    # 26 May + 5 WD = 30, 31 May, 1, 2, 5 Jun (29 May skipped): Mon 5 Jun >= 1 Jun.
    case("HLT-IHA", [ENTRY_MAY], "2023-05-26", [("2023-05-02", "2023-06-01", "due_soon")], "due-soon"),
    # 10 May + 5 WD = Wed 17 May < 1 Jun.
    case("HLT-IHA", [ENTRY_MAY], "2023-05-10", [("2023-05-02", "2023-06-01", "pending")], "pending"),
    case(
        "HLT-IHA",
        [ENTRY_MAY, ev("left_care", "2023-05-20", reason="E4A")],
        "2023-07-01",
        [("2023-05-02", "2023-06-01", "closed", "left care")],
        "closed-left-care-before-due",
    ),
    case(
        "HLT-IHA",
        [ENTRY_MAY, assessed("2023-05-30", kind="review")],
        "2023-06-02",
        [("2023-05-02", "2023-06-01", "overdue")],
        "a-review-assessment-does-not-count",
    ),
    case(
        "HLT-IHA",
        [ENTRY_MAY, appointment("2023-05-23", "not_brought")],
        "2023-06-02",
        [("2023-05-02", "2023-06-01", "overdue")],
        "an-appointment-not-attended-does-not-count",
    ),
    # RULES.md: Mon 12 Sep 2022 + 20 WD = Tue 11 Oct 2022 (Mon 19 Sep, the State Funeral, skipped).
    case(
        "HLT-IHA",
        [ENTRY_FUNERAL, assessed("2022-10-11")],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "met", "2022-10-11")],
        "state-funeral-bank-holiday-in-the-window",
    ),
    # Re-entry Mon 3 Oct 2022 + 20 WD: 4-7 Oct (4), 10-14 (9), 17-21 (14), 24-28 (19), Mon 31 Oct (20).
    case(
        "HLT-IHA",
        [
            ENTRY_FUNERAL,
            assessed("2022-09-15"),
            ev("left_care", "2022-09-20", reason="E13"),
            ev("entered_care", "2022-10-03", legal_status="C2"),
        ],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "met", "2022-09-15"), ("2022-10-03", "2022-10-31", "overdue")],
        "re-entry-needs-a-new-iha",
    ),
]

# --- HLT-RHA: 6 months after an assessment while under 5, 12 months from the 5th birthday ---
RHA = [
    # Born 1 Jun 2019: aged 3 on Wed 15 Mar 2023, so + 6 months = Fri 15 Sep 2023; aged 4
    # on Thu 14 Sep 2023, so + 6 months = Thu 14 Mar 2024.
    case(
        "HLT-RHA",
        [
            ev("child_registered", "2019-06-01", dob="2019-06-01"),
            ev("entered_care", "2023-03-01", legal_status="C1"),
            assessed("2023-03-15"),
            assessed("2023-09-14", kind="review"),
        ],
        "2023-10-01",
        [("2023-03-15", "2023-09-15", "met", "2023-09-14"), ("2023-09-14", "2024-03-14", "pending")],
        "under-five-six-months",
    ),
    # Born 1 Sep 2018: aged 4 on Tue 4 Apr 2023 -> due Wed 4 Oct 2023 (6 months); the review on
    # Tue 3 Oct 2023 is after the 5th birthday (Fri 1 Sep 2023) -> next due Thu 3 Oct 2024 (12 months).
    case(
        "HLT-RHA",
        [
            BORN_2018_09_01,
            ev("entered_care", "2023-03-01", legal_status="C1"),
            assessed("2023-04-04"),
            assessed("2023-10-03", kind="review"),
        ],
        "2024-11-01",
        [("2023-04-04", "2023-10-04", "met", "2023-10-03"), ("2023-10-03", "2024-10-03", "overdue")],
        "turns-five-between-assessments-six-then-twelve-months",
    ),
    # Assessed on the 5th birthday itself (Fri 1 Sep 2023): aged 5, so 12 months: Sun 1 Sep 2024.
    case(
        "HLT-RHA",
        [BORN_2018_09_01, ev("entered_care", "2023-03-01", legal_status="C1"), assessed("2023-09-01")],
        "2023-10-01",
        [("2023-09-01", "2024-09-01", "pending")],
        "assessed-on-the-5th-birthday-twelve-months",
    ),
    # The day before (Thu 31 Aug 2023, aged 4): 6 months, and 31 Aug + 6 months clamps to
    # the month end of a leap February: Thu 29 Feb 2024.
    case(
        "HLT-RHA",
        [BORN_2018_09_01, ev("entered_care", "2023-03-01", legal_status="C1"), assessed("2023-08-31")],
        "2023-10-01",
        [("2023-08-31", "2024-02-29", "pending")],
        "assessed-the-day-before-the-5th-birthday-six-months-to-29-feb",
    ),
    # Aged 4 on Sat 1 Jul 2023: due Mon 1 Jan 2024 (6 months), though the child is 5 by then.
    case(
        "HLT-RHA",
        [BORN_2018_09_01, ev("entered_care", "2023-03-01", legal_status="C1"), assessed("2023-07-01")],
        "2024-01-02",
        [("2023-07-01", "2024-01-01", "overdue")],
        "six-months-not-stretched-by-a-birthday-inside-it",
    ),
    # Aged 9 on Wed 15 Mar 2023: due Fri 15 Mar 2024; review Mon 18 Mar 2024: late.
    case(
        "HLT-RHA",
        [
            BORN_2014,
            ev("entered_care", "2023-03-01", legal_status="C1"),
            assessed("2023-03-15"),
            assessed("2024-03-18", kind="review"),
        ],
        "2024-03-19",
        [("2023-03-15", "2024-03-15", "late", "2024-03-18"), ("2024-03-18", "2025-03-18", "pending")],
        "late",
    ),
    # 11 Mar 2024 + 5 WD = 12, 13, 14, 15, 18 Mar: Mon 18 Mar >= Fri 15 Mar.
    case(
        "HLT-RHA",
        [BORN_2014, ev("entered_care", "2023-03-01", legal_status="C1"), assessed("2023-03-15")],
        "2024-03-11",
        [("2023-03-15", "2024-03-15", "due_soon")],
        "due-soon",
    ),
    # Thu 29 Feb 2024 + 12 months: no 29 Feb 2025, so Fri 28 Feb 2025.
    case(
        "HLT-RHA",
        [BORN_2014, ev("entered_care", "2024-02-01", legal_status="C1"), assessed("2024-02-29")],
        "2025-03-03",
        [("2024-02-29", "2025-02-28", "overdue")],
        "leap-day-plus-twelve-months-is-28-feb",
    ),
    case(
        "HLT-RHA",
        [
            BORN_2014,
            ev("entered_care", "2024-02-01", legal_status="C1"),
            assessed("2024-02-29"),
            assessed("2025-02-28", kind="review"),
        ],
        "2025-03-03",
        [("2024-02-29", "2025-02-28", "met", "2025-02-28"), ("2025-02-28", "2026-02-28", "pending")],
        "leap-day-met-on-28-feb",
    ),
    case(
        "HLT-RHA",
        [
            BORN_2014,
            ev("entered_care", "2024-02-01", legal_status="C1"),
            assessed("2024-02-29"),
            ev("left_care", "2024-06-01", reason="E13"),
        ],
        "2025-03-03",
        [("2024-02-29", "2025-02-28", "closed", "left care")],
        "closed-left-care",
    ),
    # The first period's clock closes; the second starts from its own IHA (Wed 20 Sep 2023).
    case(
        "HLT-RHA",
        [
            BORN_2014,
            ev("entered_care", "2023-01-03", legal_status="C1"),
            assessed("2023-01-20"),
            ev("left_care", "2023-06-01", reason="E13"),
            ev("entered_care", "2023-09-01", legal_status="C1"),
            assessed("2023-09-20"),
        ],
        "2023-10-01",
        [("2023-01-20", "2024-01-20", "closed", "left care"), ("2023-09-20", "2024-09-20", "pending")],
        "re-entry-starts-again-from-the-new-iha",
    ),
    case(
        "HLT-RHA",
        [ev("entered_care", "2023-03-01", legal_status="C1")],
        "2024-06-01",
        [],
        "no-assessment-yet-no-clock-hlt-iha-covers-it",
    ),
]

# --- HLT-DENTAL: 12 months from entering care, then from each check -----------------------
ENTRY_JAN = ev("entered_care", "2023-01-16", legal_status="C1")  # Mon 16 Jan 2023
DENTAL = [
    case(
        "HLT-DENTAL",
        [ENTRY_JAN, ev("dental_check", "2023-12-01")],
        "2025-01-06",
        [("2023-01-16", "2024-01-16", "met", "2023-12-01"), ("2023-12-01", "2024-12-01", "overdue")],
        "met-then-overdue-measured-from-the-actual-check",
    ),
    case(
        "HLT-DENTAL",
        [ENTRY_JAN, ev("dental_check", "2024-01-17")],
        "2024-02-01",
        [("2023-01-16", "2024-01-16", "late", "2024-01-17"), ("2024-01-17", "2025-01-17", "pending")],
        "late-by-a-day",
    ),
    # 10 Jan 2024 + 5 WD = 11, 12, 15, 16, 17 Jan: Wed 17 Jan >= Tue 16 Jan.
    case("HLT-DENTAL", [ENTRY_JAN], "2024-01-10", [("2023-01-16", "2024-01-16", "due_soon")], "due-soon"),
    case(
        "HLT-DENTAL",
        [ENTRY_JAN, ev("left_care", "2023-06-01", reason="E13")],
        "2024-02-01",
        [("2023-01-16", "2024-01-16", "closed", "left care")],
        "closed-left-care",
    ),
    case(
        "HLT-DENTAL",
        [ev("entered_care", "2024-02-29", legal_status="C1")],
        "2025-03-03",
        [("2024-02-29", "2025-02-28", "overdue")],
        "entered-29-feb-due-28-feb",
    ),
    case(
        "HLT-DENTAL",
        [
            ENTRY_JAN,
            ev("dental_check", "2023-03-01"),
            ev("left_care", "2023-06-01", reason="E13"),
            ev("entered_care", "2023-09-04", legal_status="C1"),
        ],
        "2023-10-01",
        [
            ("2023-01-16", "2024-01-16", "met", "2023-03-01"),
            ("2023-03-01", "2024-03-01", "closed", "left care"),
            ("2023-09-04", "2024-09-04", "pending"),
        ],
        "re-entry-restarts-from-the-day-of-entry",
    ),
]

TABLE = IHA_REQ + IHA + RHA + DENTAL


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), IHA_REQ)
def test_iha_request_cases(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), IHA)
def test_iha_completion_cases(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), RHA)
def test_review_health_assessment_cases(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), DENTAL)
def test_dental_check_cases(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


# --- explanations ------------------------------------------------------------------------


def test_a_friday_entry_explains_that_the_weekend_counts_towards_48_hours():
    events = [ENTRY_FRI, request("2023-10-09T09:00")]

    (req,) = run_rule("HLT-IHA-REQ", events, as_of="2023-10-20")

    assert (req.status, req.days_late) == ("late", 1)
    assert "48 hours from Fri 6 Oct 2023 15:00 BST is Sun 8 Oct 2023 15:00 BST" in req.explanation
    assert (
        "48 hours are clock hours, not working hours: Sat 7 Oct 2023, Sun 8 Oct 2023 count in full"
        in req.explanation
    )


def test_a_midweek_entry_has_no_weekend_note():
    events = [ev("entered_care", "2023-10-03T10:00", legal_status="C1")]

    (req,) = run_rule("HLT-IHA-REQ", events, as_of="2023-10-04")

    assert not any("clock hours" in line for line in req.explanation)


def test_a_date_only_entry_gives_an_approximate_request_deadline():
    (req,) = run_rule("HLT-IHA-REQ", [ENTRY_FUNERAL], as_of="2022-09-13")

    assert req.approximate
    assert "(no time recorded) is taken as the end of Wed 14 Sep 2022" in req.explanation[1]


def test_missed_iha_appointments_are_named_in_the_explanation():
    events = [
        ENTRY_MAY,
        appointment("2023-05-10", "cancelled_by_provider"),
        appointment("2023-05-16", "attended"),
        appointment("2023-05-23", "not_brought"),
        appointment("2023-05-25", "cancelled_by_carer"),
        assessed("2023-06-02"),
        appointment("2023-06-20", "not_brought"),  # after the IHA: not part of its story
    ]

    (iha,) = run_rule("HLT-IHA", events, as_of="2023-07-01")

    notes = [line for line in iha.explanation if "appointment" in line]
    assert notes == [
        "The initial health assessment appointment on Wed 10 May 2023 was cancelled by the health provider",
        "Not brought to the initial health assessment appointment on Tue 23 May 2023",
        "The initial health assessment appointment on Thu 25 May 2023 was cancelled by the carer",
        "An appointment that did not take place does not count as the assessment",
    ]
    assert iha.status == "late"


def test_missed_review_appointments_are_named_in_the_rha_explanation():
    events = [
        BORN_2014,
        ev("entered_care", "2023-01-03", legal_status="C1"),
        assessed("2023-01-20"),
        appointment("2024-01-10", "not_brought", kind="review"),
        appointment("2024-01-12", "not_brought", kind="initial"),  # another kind: not this one
    ]

    (rha,) = run_rule("HLT-RHA", events, as_of="2024-01-25")

    assert rha.status == "overdue"
    assert "Not brought to the review health assessment appointment on Wed 10 Jan 2024" in rha.explanation
    assert not any("initial health assessment appointment" in line for line in rha.explanation)


def test_with_no_date_of_birth_the_rha_uses_twelve_months_and_says_so():
    events = [ev("entered_care", "2023-03-01", legal_status="C1"), assessed("2023-03-15")]

    (rha,) = run_rule("HLT-RHA", events, as_of="2023-04-01")

    assert rha.due == date(2024, 3, 15)
    assert "Date of birth not recorded: the 12-month interval is used" in rha.explanation


def test_the_rha_interval_switches_on_the_5th_birthday():
    from rules.health import rha_interval

    tl = timeline([BORN_2018_09_01])

    assert rha_interval(tl, date(2023, 8, 31)) == "under_five"
    assert rha_interval(tl, date(2023, 9, 1)) == "five_and_over"


def test_the_dental_check_is_a_local_alert_and_not_a_statutory_breach():
    assert str(REGISTRY["HLT-DENTAL"].basis) == "local"
    assert "alert only" in REGISTRY["HLT-DENTAL"].citation


# --- council settings: only clocks starting on or after effective_from move ----------------


def test_a_longer_request_window_applies_only_to_entries_from_its_effective_date():
    settings = {("HLT-IHA-REQ", "within"): [(date(2023, 10, 7), "72 hours")]}
    later_entry = [ev("entered_care", "2023-10-09T10:00", legal_status="C1")]  # Mon 9 Oct 2023 10:00 BST

    before = run_rule("HLT-IHA-REQ", [ENTRY_FRI], as_of="2023-10-07", settings=settings)
    after = run_rule("HLT-IHA-REQ", later_entry, as_of="2023-10-10", settings=settings)

    assert statuses(before) == [("2023-10-06", FRI_DUE, "due_soon")]
    # Mon 9 Oct 10:00 + 72 hours = Thu 12 Oct 2023 10:00 BST.
    assert statuses(after) == [("2023-10-09", "2023-10-12T10:00:00+01:00", "due_soon")]


def test_a_request_window_beyond_the_warning_window_is_pending():
    settings = {("HLT-IHA-REQ", "within"): "336 hours"}  # 14 days
    events = [ev("entered_care", "2023-10-02T09:00", legal_status="C1")]  # Mon 2 Oct 2023

    got = run_rule("HLT-IHA-REQ", events, as_of="2023-10-02", settings=settings)

    # Mon 2 Oct 09:00 + 336 h = Mon 16 Oct 09:00 BST; 2 Oct + 5 WD = Mon 9 Oct < 16 Oct.
    assert statuses(got) == [("2023-10-02", "2023-10-16T09:00:00+01:00", "pending")]


def test_a_shorter_iha_timescale_applies_only_to_entries_from_its_effective_date():
    settings = {("HLT-IHA", "within"): [(date(2023, 5, 3), "15 working days")]}
    later_entry = [ev("entered_care", "2023-05-03", legal_status="C1")]

    before = run_rule("HLT-IHA", [ENTRY_MAY], as_of="2023-05-10", settings=settings)
    after = run_rule("HLT-IHA", later_entry, as_of="2023-05-10", settings=settings)

    assert statuses(before) == [("2023-05-02", "2023-06-01", "pending")]
    # Wed 3 May + 15 WD: 4-5 (2), 8 May skipped, 9-12 (6), 15-19 (11), 22-25 (15): Thu 25 May.
    assert statuses(after) == [("2023-05-03", "2023-05-25", "pending")]


def test_a_changed_rha_interval_applies_only_to_assessments_from_its_effective_date():
    settings = {("HLT-RHA", "five_and_over"): [(date(2024, 1, 1), "9 months")]}
    events = [
        BORN_2014,
        ev("entered_care", "2023-03-01", legal_status="C1"),
        assessed("2023-03-15"),
        assessed("2024-03-18", kind="review"),
    ]

    got = run_rule("HLT-RHA", events, as_of="2024-03-19", settings=settings)

    # 15 Mar 2023 is before the change: 12 months. 18 Mar 2024 is after: 9 months, Wed 18 Dec 2024.
    assert statuses(got) == [("2023-03-15", "2024-03-15", "late"), ("2024-03-18", "2024-12-18", "pending")]


def test_a_changed_dental_interval_applies_only_to_checks_from_its_effective_date():
    settings = {("HLT-DENTAL", "within"): [(date(2024, 1, 1), "6 months")]}
    events = [ENTRY_JAN, ev("dental_check", "2023-12-01"), ev("dental_check", "2024-02-01")]

    got = run_rule("HLT-DENTAL", events, as_of="2024-03-01", settings=settings)

    assert statuses(got) == [
        ("2023-01-16", "2024-01-16", "met"),
        ("2023-12-01", "2024-12-01", "met"),  # started before the change: 12 months
        ("2024-02-01", "2024-08-01", "pending"),  # after: 6 months
    ]
