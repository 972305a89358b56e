"""LAC reviews and plans: a table of cases per rule, with real dates worked out by hand.

Bank holidays in England used below: 2022: Mon 19 Sep (State Funeral), Mon 26 and Tue 27
Dec; 2023: Mon 2 Jan, Fri 7 and Mon 10 Apr (Easter), Mon 1 May, Mon 8 May (Coronation),
Mon 29 May, Mon 28 Aug; 2024: Mon 1 Jan, Fri 29 Mar and Mon 1 Apr (Easter).

`TABLE` (all the rule tables together) is also read by tests/test_rules_more.py, which
checks that every rule has a met, late, overdue and closed case.
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from rules.lac import is_short_breaks
from rules.obligation import Status
from tests.builders import assert_rows, ev, run_rule, statuses, timeline

IN = ev("entered_care", "2022-09-12", legal_status="C2")  # Mon 12 Sep 2022
PLACED = ev("placement_started", "2022-09-12", placement_type="U6")


def entered(at, legal_status="C1"):
    return ev("entered_care", at, legal_status=legal_status)


def left(at, reason="E13"):
    return ev("left_care", at, reason=reason)


def review(at, **kw):
    return ev("review_held", at, **kw)


def placed(at, kind="U6"):
    return ev("placement_started", at, placement_type=kind)


def circulated(at, **kw):
    return ev("review_decisions_circulated", at, **kw)


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


# --- LAC-REV-1 -------------------------------------------------------------------------

FIRST_REVIEW = [
    # Mon 12 Sep 2022 + 20 WD, skipping Mon 19 Sep (State Funeral): Tue 11 Oct 2022 (RULES.md).
    case(
        "LAC-REV-1",
        [IN, review("2022-10-11")],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "met", "2022-10-11")],
        "met-on-the-due-day",
    ),
    case(
        "LAC-REV-1",
        [IN, review("2022-10-12")],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "late", "2022-10-12")],
        "late-by-a-day",
    ),
    case("LAC-REV-1", [IN], "2022-10-12", [("2022-09-12", "2022-10-11", "overdue")], "overdue-the-day-after"),
    # Wed 5 Oct + 5 WD = Wed 12 Oct >= Tue 11 Oct: inside the warning window.
    case("LAC-REV-1", [IN], "2022-10-05", [("2022-09-12", "2022-10-11", "due_soon")], "due-soon-within-5wd"),
    # Mon 3 Oct + 5 WD = Mon 10 Oct < Tue 11 Oct: not yet in the window.
    case("LAC-REV-1", [IN], "2022-10-03", [("2022-09-12", "2022-10-11", "pending")], "pending-6wd-before"),
    case(
        "LAC-REV-1",
        [IN, left("2022-10-01", "E4A")],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "closed", "left care")],
        "closed-by-leaving-care-before-due",
    ),
    # Mon 19 Dec 2022 skipping 26 Dec, 27 Dec and 2 Jan: Thu 19 Jan 2023 (RULES.md).
    case(
        "LAC-REV-1",
        [entered("2022-12-19")],
        "2023-01-01",
        [("2022-12-19", "2023-01-19", "pending")],
        "across-christmas-2022",
    ),
    # Tue 2 May 2023 skipping 8 May (Coronation) and 29 May: Thu 1 Jun 2023 (RULES.md).
    case(
        "LAC-REV-1",
        [entered("2023-05-02"), review("2023-06-01")],
        "2023-07-01",
        [("2023-05-02", "2023-06-01", "met", "2023-06-01")],
        "coronation-and-spring-bank-holiday",
    ),
    # Sat 1 Jul 2023: day 1 is Mon 3 Jul; 3-7, 10-14, 17-21, 24-28 Jul: Fri 28 Jul 2023.
    case(
        "LAC-REV-1",
        [entered("2023-07-01"), review("2023-07-31")],
        "2023-08-01",
        [("2023-07-01", "2023-07-28", "late", "2023-07-31")],
        "entered-on-a-saturday",
    ),
    # Period 1: Mon 10 Jan 2022 + 20 WD = Mon 7 Feb 2022, closed on leaving 20 Jan.
    # Period 2: Tue 1 Mar 2022 + 20 WD (2-4, 7-11, 14-18, 21-25, 28-29 Mar) = Tue 29 Mar 2022.
    case(
        "LAC-REV-1",
        [entered("2022-01-10", "V2"), left("2022-01-20"), entered("2022-03-01"), review("2022-03-29")],
        "2022-05-01",
        [
            ("2022-01-10", "2022-02-07", "closed", "left care"),
            ("2022-03-01", "2022-03-29", "met", "2022-03-29"),
        ],
        "re-entry-restarts-the-clock",
    ),
    # A review before entering care (a data-quality finding) does not satisfy the period.
    case(
        "LAC-REV-1",
        [review("2022-09-01"), IN],
        "2022-10-12",
        [("2022-09-12", "2022-10-11", "overdue")],
        "earlier-review-ignored",
    ),
    # Leaving care after the due date does not close it: the breach stands, and can no
    # longer be put right. Due Tue 11 Oct; 12-14 and 17-20 Oct: 7 working days late.
    case(
        "LAC-REV-1",
        [IN, left("2022-10-20")],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "missed", ("2022-10-20", "left care"))],
        "left-care-after-due-is-missed",
    ),
    # Short breaks (reg 48): Wed 1 Feb 2023 + 3 months = Mon 1 May 2023 (a bank holiday: months are calendar).
    case(
        "LAC-REV-1",
        [entered("2023-02-01", "V4"), review("2023-04-28")],
        "2023-05-02",
        [("2023-02-01", "2023-05-01", "met", "2023-04-28")],
        "short-breaks-three-months",
    ),
]

# --- LAC-REV-2 -------------------------------------------------------------------------

SECOND_REVIEW = [
    # Tue 11 Oct 2022 + 3 months = Wed 11 Jan 2023.
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11"), review("2023-01-10")],
        "2023-02-01",
        [("2022-10-11", "2023-01-11", "met", "2023-01-10")],
        "met",
    ),
    # Tue 31 Jan 2023 + 3 months = Sun 30 Apr 2023 (clamped); Mon 1 May a bank holiday: 2 May is 1 WD late.
    case(
        "LAC-REV-2",
        [entered("2023-01-03"), review("2023-01-31"), review("2023-05-02")],
        "2023-06-01",
        [("2023-01-31", "2023-04-30", "late", "2023-05-02")],
        "31-jan-plus-3-months-clamps-to-30-apr",
    ),
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11")],
        "2023-01-12",
        [("2022-10-11", "2023-01-11", "overdue")],
        "overdue",
    ),
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11"), left("2022-12-01", "E41")],
        "2023-02-01",
        [("2022-10-11", "2023-01-11", "closed", "left care")],
        "closed-by-leaving-care",
    ),
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11")],
        "2022-11-01",
        [("2022-10-11", "2023-01-11", "pending")],
        "pending",
    ),
    # Thu 5 Jan + 5 WD = Thu 12 Jan >= Wed 11 Jan.
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11")],
        "2023-01-05",
        [("2022-10-11", "2023-01-11", "due_soon")],
        "due-soon",
    ),
    # The first review held late: the clock runs from Fri 14 Oct 2022, so the second is due Sat 14 Jan 2023.
    case(
        "LAC-REV-2",
        [IN, review("2022-10-14"), review("2023-01-13")],
        "2023-02-01",
        [("2022-10-14", "2023-01-14", "met", "2023-01-13")],
        "from-the-actual-first-review",
    ),
    # A second record of the same day's review is not the second review.
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11"), review("2022-10-11")],
        "2023-01-12",
        [("2022-10-11", "2023-01-11", "overdue")],
        "same-day-duplicate-is-not-the-second-review",
    ),
    # Period 2 (entered Mon 6 Mar 2023): its first review Fri 31 Mar 2023 starts a new chain;
    # 31 Mar + 3 months = Fri 30 Jun 2023 (clamped).
    case(
        "LAC-REV-2",
        [
            IN,
            review("2022-10-11"),
            left("2022-11-01"),
            entered("2023-03-06"),
            review("2023-03-31"),
            review("2023-06-29"),
        ],
        "2023-07-03",
        [
            ("2022-10-11", "2023-01-11", "closed", "left care"),
            ("2023-03-31", "2023-06-30", "met", "2023-06-29"),
        ],
        "re-entry-restarts-the-chain-31-mar-clamps",
    ),
    # Short breaks (reg 48): after the first review, 6 months: Thu 20 Apr 2023 -> Fri 20 Oct 2023.
    case(
        "LAC-REV-2",
        [entered("2023-01-31", "V3"), review("2023-04-20"), review("2023-10-23")],
        "2023-11-01",
        [("2023-04-20", "2023-10-20", "late", "2023-10-23")],
        "short-breaks-six-months",
    ),
]

# --- LAC-REV-N -------------------------------------------------------------------------

LATER_REVIEWS = [
    # Tue 10 Jan 2023 + 6 months = Mon 10 Jul 2023; Thu 6 Jul 2023 + 6 months = Sat 6 Jan 2024.
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), review("2023-07-06")],
        "2023-08-01",
        [("2023-01-10", "2023-07-10", "met", "2023-07-06"), ("2023-07-06", "2024-01-06", "pending")],
        "met-then-the-next-one-pending",
    ),
    # Held 3 months early, Mon 3 Apr 2023 resets the clock: next due Tue 3 Oct 2023, not Sat 6 Jan 2024.
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), review("2023-04-03")],
        "2023-08-01",
        [("2023-01-10", "2023-07-10", "met", "2023-04-03"), ("2023-04-03", "2023-10-03", "pending")],
        "an-early-review-brings-the-next-forward",
    ),
    # Thu 31 Aug 2023 + 6 months = Thu 29 Feb 2024 (leap year, clamped).
    case(
        "LAC-REV-N",
        [entered("2023-05-02"), review("2023-05-31"), review("2023-08-31")],
        "2024-03-01",
        [("2023-08-31", "2024-02-29", "overdue")],
        "31-aug-plus-6-months-is-29-feb",
    ),
    case(
        "LAC-REV-N",
        [entered("2023-05-02"), review("2023-05-31"), review("2023-08-31"), review("2024-03-01")],
        "2024-03-04",
        [("2023-08-31", "2024-02-29", "late", "2024-03-01"), ("2024-03-01", "2024-09-01", "pending")],
        "late-the-day-after-29-feb",
    ),
    # Late review Thu 20 Jul 2023 resets from its actual date: Sat 20 Jan 2024.
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), review("2023-07-20")],
        "2023-08-01",
        [("2023-01-10", "2023-07-10", "late", "2023-07-20"), ("2023-07-20", "2024-01-20", "pending")],
        "a-late-review-resets-from-its-actual-date",
    ),
    # Wed 27 Sep 2023 + 5 WD = Wed 4 Oct >= Tue 3 Oct.
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), review("2023-04-03")],
        "2023-09-27",
        [("2023-01-10", "2023-07-10", "met", "2023-04-03"), ("2023-04-03", "2023-10-03", "due_soon")],
        "due-soon",
    ),
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10")],
        "2023-07-11",
        [("2023-01-10", "2023-07-10", "overdue")],
        "overdue",
    ),
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), left("2023-03-01")],
        "2023-08-01",
        [("2023-01-10", "2023-07-10", "closed", "left care")],
        "closed-by-leaving-care",
    ),
    # Period 2 entered Mon 4 Sep 2023: its chain starts at its own second review, Wed 20 Dec 2023 -> Thu 20 Jun 2024.
    case(
        "LAC-REV-N",
        [
            IN,
            review("2022-10-11"),
            review("2023-01-10"),
            left("2023-03-01"),
            entered("2023-09-04"),
            review("2023-09-29"),
            review("2023-12-20"),
        ],
        "2024-01-10",
        [("2023-01-10", "2023-07-10", "closed", "left care"), ("2023-12-20", "2024-06-20", "pending")],
        "re-entry-restarts-the-chain",
    ),
    # Only looked-after reviews count: a pathway plan review does not reset the clock.
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), review("2023-06-01", kind="pathway_plan")],
        "2023-07-11",
        [("2023-01-10", "2023-07-10", "overdue")],
        "other-kinds-of-review-ignored",
    ),
]

# --- LAC-REV-REC -----------------------------------------------------------------------

DECISIONS = [
    # Fri 22 Dec 2023 + 5 WD skipping 25, 26 Dec and 1 Jan: 27, 28, 29 Dec, 2, 3 Jan = Wed 3 Jan 2024.
    case(
        "LAC-REV-REC",
        [entered("2023-11-27"), review("2023-12-22"), circulated("2024-01-03")],
        "2024-02-01",
        [("2023-12-22", "2024-01-03", "met", "2024-01-03")],
        "met-across-new-year",
    ),
    # Tue 11 Oct 2022 + 5 WD = Tue 18 Oct 2022.
    case(
        "LAC-REV-REC",
        [IN, review("2022-10-11"), circulated("2022-10-19")],
        "2022-11-01",
        [("2022-10-11", "2022-10-18", "late", "2022-10-19")],
        "late",
    ),
    case(
        "LAC-REV-REC",
        [IN, review("2022-10-11")],
        "2022-10-19",
        [("2022-10-11", "2022-10-18", "overdue")],
        "overdue",
    ),
    # The whole 5 WD is inside the 5 WD warning window: due soon from the day of the review.
    case(
        "LAC-REV-REC",
        [IN, review("2022-10-11")],
        "2022-10-11",
        [("2022-10-11", "2022-10-18", "due_soon")],
        "due-soon",
    ),
    case(
        "LAC-REV-REC",
        [IN, review("2022-10-11"), left("2022-10-14")],
        "2022-11-01",
        [("2022-10-11", "2022-10-18", "closed", "left care")],
        "closed-by-leaving-care",
    ),
    # Decisions of another kind of review, or circulated before the review, do not count.
    case(
        "LAC-REV-REC",
        [IN, circulated("2022-10-10"), review("2022-10-11"), circulated("2022-10-12", kind="pathway_plan")],
        "2022-10-19",
        [("2022-10-11", "2022-10-18", "overdue")],
        "only-this-reviews-decisions-count",
    ),
    # One obligation per review held; the second review (Tue 10 Jan 2023 + 5 WD = Tue 17 Jan) has its own.
    case(
        "LAC-REV-REC",
        [IN, review("2022-10-11"), circulated("2022-10-14"), review("2023-01-10")],
        "2023-01-18",
        [("2022-10-11", "2022-10-18", "met", "2022-10-14"), ("2023-01-10", "2023-01-17", "overdue")],
        "one-per-review",
    ),
]

# --- LAC-CPLAN -------------------------------------------------------------------------

CARE_PLAN = [
    # Mon 3 Apr 2023 + 10 WD skipping Good Friday 7 Apr and Easter Monday 10 Apr = Wed 19 Apr 2023.
    case(
        "LAC-CPLAN",
        [entered("2023-04-03"), placed("2023-04-03"), ev("care_plan_recorded", "2023-04-19")],
        "2023-05-01",
        [("2023-04-03", "2023-04-19", "met", "2023-04-19")],
        "met-over-easter",
    ),
    case(
        "LAC-CPLAN",
        [entered("2023-04-03"), placed("2023-04-03"), ev("care_plan_recorded", "2023-04-20")],
        "2023-05-01",
        [("2023-04-03", "2023-04-19", "late", "2023-04-20")],
        "late",
    ),
    # Mon 12 Sep 2022 + 10 WD skipping 19 Sep: 13-16, 20-23, 26, 27 = Tue 27 Sep 2022.
    case(
        "LAC-CPLAN",
        [IN, PLACED],
        "2022-10-01",
        [("2022-09-12", "2022-09-27", "overdue")],
        "overdue-state-funeral",
    ),
    case("LAC-CPLAN", [IN, PLACED], "2022-09-13", [("2022-09-12", "2022-09-27", "pending")], "pending"),
    # Tue 20 Sep + 5 WD = Tue 27 Sep.
    case("LAC-CPLAN", [IN, PLACED], "2022-09-20", [("2022-09-12", "2022-09-27", "due_soon")], "due-soon"),
    case(
        "LAC-CPLAN",
        [IN, PLACED, left("2022-09-20", "E4A")],
        "2022-10-01",
        [("2022-09-12", "2022-09-27", "closed", "left care")],
        "closed-by-leaving-care",
    ),
    # The clock starts at the first placement, Wed 5 Apr 2023, not at entering care:
    # 6, [7, 10 Easter], 11-14, 17-21 Apr = Fri 21 Apr 2023. A plan before the placement counts.
    case(
        "LAC-CPLAN",
        [
            entered("2023-04-03"),
            ev("care_plan_recorded", "2023-04-04"),
            placed("2023-04-05"),
            placed("2023-04-12"),
        ],
        "2023-05-01",
        [("2023-04-05", "2023-04-21", "met", "2023-04-04")],
        "first-placement-starts-it-and-a-plan-before-it-counts",
    ),
    # Period 2 placed Mon 9 Jan 2023 + 10 WD = Mon 23 Jan 2023; period 1's plan does not count.
    case(
        "LAC-CPLAN",
        [
            IN,
            PLACED,
            ev("care_plan_recorded", "2022-09-15"),
            left("2022-10-03"),
            entered("2023-01-09"),
            placed("2023-01-09"),
        ],
        "2023-01-24",
        [("2022-09-12", "2022-09-27", "met", "2022-09-15"), ("2023-01-09", "2023-01-23", "overdue")],
        "re-entry-restarts-the-clock",
    ),
]

# --- LAC-PPLAN -------------------------------------------------------------------------

PLACEMENT_PLAN = [
    # Fri 25 Aug 2023 + 5 WD skipping Mon 28 Aug: 29, 30, 31 Aug, 1, 4 Sep = Mon 4 Sep 2023.
    case(
        "LAC-PPLAN",
        [entered("2023-08-25"), placed("2023-08-25"), ev("placement_plan_recorded", "2023-09-04")],
        "2023-10-01",
        [("2023-08-25", "2023-09-04", "met", "2023-09-04")],
        "met-over-the-summer-bank-holiday",
    ),
    case(
        "LAC-PPLAN",
        [entered("2023-08-25"), placed("2023-08-25"), ev("placement_ended", "2023-08-30", reason="CARPL")],
        "2023-10-01",
        [("2023-08-25", "2023-09-04", "closed", "placement ended")],
        "closed-by-placement-end",
    ),
    # Mon 12 Sep 2022 + 5 WD skipping 19 Sep = Tue 20 Sep 2022.
    case(
        "LAC-PPLAN",
        [IN, PLACED, ev("placement_plan_recorded", "2022-09-21")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "late", "2022-09-21")],
        "late",
    ),
    case("LAC-PPLAN", [IN, PLACED], "2022-09-21", [("2022-09-12", "2022-09-20", "overdue")], "overdue"),
    case("LAC-PPLAN", [IN, PLACED], "2022-09-12", [("2022-09-12", "2022-09-20", "due_soon")], "due-soon"),
    # A move on Mon 3 Oct 2022: the plan recorded that day is the new placement's (due Mon 10 Oct).
    case(
        "LAC-PPLAN",
        [
            IN,
            PLACED,
            ev("placement_plan_recorded", "2022-09-13"),
            ev("placement_ended", "2022-10-03", reason="CARPL"),
            placed("2022-10-03"),
            ev("placement_plan_recorded", "2022-10-03"),
        ],
        "2022-10-20",
        [
            ("2022-09-12", "2022-09-20", "met", "2022-09-13"),
            ("2022-10-03", "2022-10-10", "met", "2022-10-03"),
        ],
        "each-placement-has-its-own-clock",
    ),
    # The first placement's plan does not also meet the second placement's duty.
    case(
        "LAC-PPLAN",
        [IN, PLACED, ev("placement_plan_recorded", "2022-09-13"), placed("2022-10-03")],
        "2022-10-11",
        [("2022-09-12", "2022-09-20", "met", "2022-09-13"), ("2022-10-03", "2022-10-10", "overdue")],
        "an-earlier-placements-plan-does-not-count",
    ),
    # Short breaks: reg 9 does not apply (reg 48(3)(a)).
    case(
        "LAC-PPLAN",
        [entered("2022-09-12", "V3"), placed("2022-09-12")],
        "2022-10-01",
        [],
        "none-for-short-breaks",
    ),
]

# --- LAC-IRO ---------------------------------------------------------------------------

IRO = [
    # Mon 12 Sep 2022 + 5 WD skipping 19 Sep = Tue 20 Sep 2022 (sooner than the first review, Tue 11 Oct).
    case(
        "LAC-IRO",
        [IN, ev("iro_allocated", "2022-09-20", iro="IRO1")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "met", "2022-09-20")],
        "met",
    ),
    case(
        "LAC-IRO",
        [IN, ev("iro_allocated", "2022-09-21", iro="IRO1")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "late", "2022-09-21")],
        "late",
    ),
    case("LAC-IRO", [IN], "2022-09-21", [("2022-09-12", "2022-09-20", "overdue")], "overdue"),
    case("LAC-IRO", [IN], "2022-09-14", [("2022-09-12", "2022-09-20", "due_soon")], "due-soon"),
    case(
        "LAC-IRO",
        [IN, left("2022-09-15")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "closed", "left care")],
        "closed",
    ),
    # Allocated the working day before a planned entry to care: counts.
    case(
        "LAC-IRO",
        [ev("iro_allocated", "2022-09-09", iro="IRO1"), IN],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "met", "2022-09-09")],
        "allocated-in-readiness-counts",
    ),
    # Period 2 (Mon 9 Jan 2023 + 5 WD = Mon 16 Jan 2023) needs its own allocation.
    case(
        "LAC-IRO",
        [IN, ev("iro_allocated", "2022-09-14", iro="IRO1"), left("2022-10-03"), entered("2023-01-09")],
        "2023-01-17",
        [("2022-09-12", "2022-09-20", "met", "2022-09-14"), ("2023-01-09", "2023-01-16", "overdue")],
        "re-entry-needs-a-new-allocation",
    ),
    # Mon 19 Dec 2022 + 5 WD skipping 26 and 27 Dec: 20, 21, 22, 23, 28 Dec = Wed 28 Dec 2022.
    case(
        "LAC-IRO",
        [entered("2022-12-19")],
        "2022-12-20",
        [("2022-12-19", "2022-12-28", "due_soon")],
        "over-christmas",
    ),
]

# --- LAC-PERM --------------------------------------------------------------------------

PERMANENCE = [
    case(
        "LAC-PERM",
        [
            IN,
            review("2022-10-11"),
            review("2023-01-10"),
            ev("permanence_plan_recorded", "2022-12-15", plan="adoption"),
        ],
        "2023-02-01",
        [("2022-09-12", "2023-01-10", "met", "2022-12-15")],
        "met-before-the-second-review",
    ),
    case(
        "LAC-PERM",
        [
            IN,
            review("2022-10-11"),
            review("2023-01-10"),
            ev("permanence_plan_recorded", "2023-01-13", plan="sgo"),
        ],
        "2023-02-01",
        [("2022-09-12", "2023-01-10", "late", "2023-01-13")],
        "late-after-the-second-review",
    ),
    # Second review not held: due when it falls due, Tue 11 Oct 2022 + 3 months = Wed 11 Jan 2023.
    case(
        "LAC-PERM",
        [IN, review("2022-10-11")],
        "2023-01-12",
        [("2022-09-12", "2023-01-11", "overdue")],
        "overdue-when-the-second-review-falls-due",
    ),
    # No review held: first review due Tue 11 Oct 2022, second 3 months later, Wed 11 Jan 2023.
    case(
        "LAC-PERM", [IN], "2022-09-20", [("2022-09-12", "2023-01-11", "pending")], "pending-before-any-review"
    ),
    case(
        "LAC-PERM",
        [IN, review("2022-10-11"), left("2022-11-01")],
        "2023-02-01",
        [("2022-09-12", "2023-01-11", "closed", "left care")],
        "closed-by-leaving-care",
    ),
    # A second review held late (Wed 1 Feb 2023) moves the due date to the day it was held.
    case(
        "LAC-PERM",
        [
            IN,
            review("2022-10-11"),
            ev("permanence_plan_recorded", "2023-01-20", plan="return_home"),
            review("2023-02-01"),
        ],
        "2023-02-02",
        [("2022-09-12", "2023-02-01", "met", "2023-01-20")],
        "due-date-follows-a-late-second-review",
    ),
    # Period 2 (entered Mon 6 Mar 2023, first review Fri 31 Mar): second review due Fri 30 Jun 2023;
    # period 1's plan does not count.
    case(
        "LAC-PERM",
        [
            IN,
            review("2022-10-11"),
            ev("permanence_plan_recorded", "2022-10-20", plan="return_home"),
            left("2022-11-01"),
            entered("2023-03-06"),
            review("2023-03-31"),
        ],
        "2023-07-03",
        [("2022-09-12", "2023-01-11", "met", "2022-10-20"), ("2023-03-06", "2023-06-30", "overdue")],
        "re-entry-restarts-the-clock",
    ),
    # Short breaks: no plan for permanence (reg 48(3)(a) disapplies reg 5).
    case("LAC-PERM", [entered("2023-01-31", "V3")], "2023-10-01", [], "none-for-short-breaks"),
]

TABLE = (
    FIRST_REVIEW + SECOND_REVIEW + LATER_REVIEWS + DECISIONS + CARE_PLAN + PLACEMENT_PLAN + IRO + PERMANENCE
)

ARGS = ("rule", "events", "as_of", "expected")


@pytest.mark.parametrize(ARGS, FIRST_REVIEW)
def test_the_first_review_is_due_20_working_days_after_entering_care(rule, events, as_of, expected):
    obligations = run_rule(rule, events, as_of=as_of)

    assert_rows(obligations, expected, as_of=as_of)


@pytest.mark.parametrize(ARGS, SECOND_REVIEW)
def test_the_second_review_is_due_three_months_after_the_first(rule, events, as_of, expected):
    obligations = run_rule(rule, events, as_of=as_of)

    assert_rows(obligations, expected, as_of=as_of)


@pytest.mark.parametrize(ARGS, LATER_REVIEWS)
def test_each_later_review_is_due_six_months_after_the_previous_one(rule, events, as_of, expected):
    obligations = run_rule(rule, events, as_of=as_of)

    assert_rows(obligations, expected, as_of=as_of)


@pytest.mark.parametrize(ARGS, DECISIONS)
def test_review_decisions_are_circulated_within_5_working_days(rule, events, as_of, expected):
    obligations = run_rule(rule, events, as_of=as_of)

    assert_rows(obligations, expected, as_of=as_of)


@pytest.mark.parametrize(ARGS, CARE_PLAN)
def test_the_care_plan_is_recorded_within_10_working_days_of_the_first_placement(
    rule, events, as_of, expected
):
    obligations = run_rule(rule, events, as_of=as_of)

    assert_rows(obligations, expected, as_of=as_of)


@pytest.mark.parametrize(ARGS, PLACEMENT_PLAN)
def test_each_placement_plan_is_recorded_within_5_working_days(rule, events, as_of, expected):
    obligations = run_rule(rule, events, as_of=as_of)

    assert_rows(obligations, expected, as_of=as_of)


@pytest.mark.parametrize(ARGS, IRO)
def test_an_iro_is_allocated_within_5_working_days_of_entering_care(rule, events, as_of, expected):
    obligations = run_rule(rule, events, as_of=as_of)

    assert_rows(obligations, expected, as_of=as_of)


@pytest.mark.parametrize(ARGS, PERMANENCE)
def test_a_permanence_plan_is_recorded_by_the_second_review(rule, events, as_of, expected):
    obligations = run_rule(rule, events, as_of=as_of)

    assert_rows(obligations, expected, as_of=as_of)


# --- Settings: a council's change applies to clocks starting on or after its date -------------

SETTINGS = [
    # Period 1 from Mon 12 Sep 2022 keeps 20 WD (Tue 11 Oct 2022); period 2 from Mon 9 Jan 2023
    # gets 15 WD: 10-13, 16-20, 23-27, 30 Jan = Mon 30 Jan 2023.
    pytest.param(
        "LAC-REV-1",
        [(date(2023, 1, 1), "15 working days")],
        [IN, review("2022-10-11"), left("2022-11-01"), entered("2023-01-09")],
        "2023-01-10",
        [("2022-09-12", "2022-10-11", "met", "2022-10-11"), ("2023-01-09", "2023-01-30", "pending")],
        id="LAC-REV-1",
    ),
    # First review Tue 11 Oct 2022 keeps 3 months (Wed 11 Jan 2023); first review of period 2,
    # Fri 3 Feb 2023, gets 2 months: Mon 3 Apr 2023.
    pytest.param(
        "LAC-REV-2",
        [(date(2023, 1, 1), "2 months")],
        [IN, review("2022-10-11"), left("2022-11-01"), entered("2023-01-09"), review("2023-02-03")],
        "2023-02-06",
        [("2022-10-11", "2023-01-11", "closed", "left care"), ("2023-02-03", "2023-04-03", "pending")],
        id="LAC-REV-2",
    ),
    # Review Tue 10 Jan 2023 keeps 6 months (Mon 10 Jul 2023); review Thu 6 Jul 2023 gets 4: Mon 6 Nov 2023.
    pytest.param(
        "LAC-REV-N",
        [(date(2023, 6, 1), "4 months")],
        [IN, review("2022-10-11"), review("2023-01-10"), review("2023-07-06")],
        "2023-07-07",
        [("2023-01-10", "2023-07-10", "met", "2023-07-06"), ("2023-07-06", "2023-11-06", "pending")],
        id="LAC-REV-N",
    ),
    # Care plan: period 1 keeps 10 WD (Tue 27 Sep 2022); period 2 placed Mon 9 Jan 2023 gets
    # 5 WD: Mon 16 Jan 2023 (Tue 10 Jan + 5 WD = Tue 17 Jan: due soon).
    pytest.param(
        "LAC-CPLAN",
        [(date(2023, 1, 1), "5 working days")],
        [
            IN,
            PLACED,
            ev("care_plan_recorded", "2022-09-20"),
            left("2022-11-01"),
            entered("2023-01-09"),
            placed("2023-01-09"),
        ],
        "2023-01-10",
        [("2022-09-12", "2022-09-27", "met", "2022-09-20"), ("2023-01-09", "2023-01-16", "due_soon")],
        id="LAC-CPLAN",
    ),
    # Placement plan: the first placement keeps 5 WD (Tue 20 Sep 2022); the move on Mon 3 Oct
    # 2022 gets 3 WD: Thu 6 Oct 2022.
    pytest.param(
        "LAC-PPLAN",
        [(date(2022, 10, 1), "3 working days")],
        [IN, PLACED, ev("placement_plan_recorded", "2022-09-13"), placed("2022-10-03")],
        "2022-10-03",
        [("2022-09-12", "2022-09-20", "met", "2022-09-13"), ("2022-10-03", "2022-10-06", "due_soon")],
        id="LAC-PPLAN",
    ),
    # IRO: period 1 keeps 5 WD (Tue 20 Sep 2022). Period 2 from Mon 9 Jan 2023 gets 30 WD
    # (Mon 20 Feb 2023), but the first review is due sooner: 20 WD = Mon 6 Feb 2023.
    pytest.param(
        "LAC-IRO",
        [(date(2023, 1, 1), "30 working days")],
        [IN, ev("iro_allocated", "2022-09-13", iro="IRO1"), left("2022-11-01"), entered("2023-01-09")],
        "2023-01-10",
        [("2022-09-12", "2022-09-20", "met", "2022-09-13"), ("2023-01-09", "2023-02-06", "pending")],
        id="LAC-IRO",
    ),
]


@pytest.mark.parametrize(("rule", "changes", "events", "as_of", "expected"), SETTINGS)
def test_a_council_setting_changes_only_clocks_that_start_on_or_after_its_date(
    rule, changes, events, as_of, expected
):
    obligations = run_rule(rule, events, as_of=as_of, settings={(rule, "within"): changes})

    assert_rows(obligations, expected, as_of=as_of)


def test_decisions_timescale_changed_from_april_2024_applies_only_to_reviews_held_from_then():
    settings = {("LAC-REV-REC", "within"): [(date(2024, 4, 1), "10 working days")]}
    events = [
        entered("2024-03-01"),
        review("2024-03-28"),
        circulated("2024-04-10"),
        review("2024-06-26"),
        circulated("2024-07-08"),
    ]

    with_change = run_rule("LAC-REV-REC", events, as_of="2024-08-01", settings=settings)
    without = run_rule("LAC-REV-REC", events, as_of="2024-08-01")

    # Thu 28 Mar 2024, before the change: 5 WD skipping Good Friday 29 Mar and Easter Monday
    # 1 Apr = 2, 3, 4, 5, 8 Apr: Mon 8 Apr 2024 (10 WD would have been Mon 15 Apr).
    # Wed 26 Jun 2024, after it: 10 WD = 27, 28 Jun, 1-5, 8, 9, 10 Jul: Wed 10 Jul 2024
    # (5 WD would have been Wed 3 Jul 2024, and the decisions on Mon 8 Jul late).
    assert statuses(with_change) == [
        ("2024-03-28", "2024-04-08", "late"),
        ("2024-06-26", "2024-07-10", "met"),
    ]
    assert statuses(without) == [("2024-03-28", "2024-04-08", "late"), ("2024-06-26", "2024-07-03", "late")]


def test_the_permanence_plan_follows_a_change_to_the_second_review_timescale_only_from_its_date():
    settings = {("LAC-REV-2", "within"): [(date(2023, 1, 1), "2 months")]}
    events = [IN, review("2022-10-11"), left("2022-11-01"), entered("2023-01-09"), review("2023-02-03")]

    obligations = run_rule("LAC-PERM", events, as_of="2023-02-06", settings=settings)

    # Period 1: Tue 11 Oct 2022 + 3 months (before the change) = Wed 11 Jan 2023, closed on leaving.
    # Period 2: Fri 3 Feb 2023 + 2 months = Mon 3 Apr 2023.
    assert statuses(obligations) == [
        ("2022-09-12", "2023-01-11", "closed"),
        ("2023-01-09", "2023-04-03", "pending"),
    ]


def test_a_short_breaks_review_timescale_can_be_set_by_the_council():
    settings = {("LAC-REV-1", "short_breaks"): "2 months"}

    (first,) = run_rule("LAC-REV-1", [entered("2023-01-31", "V3")], as_of="2023-02-01", settings=settings)

    # Tue 31 Jan 2023 + 2 months = Fri 31 Mar 2023.
    assert first.due == date(2023, 3, 31)


# --- Explanations, keys and the rest ----------------------------------------------------


def test_days_late_counts_working_days_past_due():
    (first,) = run_rule("LAC-REV-1", [IN, review("2022-10-14")], as_of="2022-11-01")

    # Due Tue 11 Oct 2022; Wed 12, Thu 13, Fri 14 Oct.
    assert (first.days_late, first.met_on) == (3, date(2022, 10, 14))


def test_leaving_care_after_the_due_date_makes_the_review_missed_and_freezes_the_days_late():
    (first,) = run_rule("LAC-REV-1", [IN, left("2022-10-20")], as_of="2022-12-01")

    # Due Tue 11 Oct 2022, left care Thu 20 Oct 2022: 12, 13, 14, 17, 18, 19, 20 Oct.
    assert (first.status, first.days_late, first.missed_on) == (Status.MISSED, 7, date(2022, 10, 20))
    assert first.closed_reason == "left care"
    assert first.to_json()["missed_on"] == "2022-10-20"
    assert (
        "Missed: not done by the due date; the chance went on Thu 20 Oct 2022 (left care), "
        "7 working days past due" in first.explanation
    )


def test_the_explanation_shows_the_arithmetic_and_the_event_that_met_it():
    (first,) = run_rule("LAC-REV-1", [IN, review("2022-10-11")], as_of="2022-11-01")

    assert (
        "20 working days from Mon 12 Sep 2022, skipping the bank holiday on Mon 19 Sep 2022, is Tue 11 Oct 2022"
        in first.explanation
    )
    assert "Met: review_held on Tue 11 Oct 2022" in first.explanation


def test_the_key_is_the_same_on_every_run():
    a = run_rule("LAC-REV-1", [IN], as_of="2022-09-20")[0]
    b = run_rule("LAC-REV-1", [IN, review("2022-10-11")], as_of="2022-12-20")[0]

    assert a.key == b.key == "C1|LAC-REV-1|2022-09-12"


def test_the_permanence_key_does_not_change_when_the_second_review_moves_its_due_date():
    before = run_rule("LAC-PERM", [IN, review("2022-10-11")], as_of="2022-11-01")[0]
    after = run_rule("LAC-PERM", [IN, review("2022-10-11"), review("2023-02-01")], as_of="2023-02-02")[0]

    assert (before.due, after.due) == (date(2023, 1, 11), date(2023, 2, 1))
    assert before.key == after.key == "C1|LAC-PERM|2022-09-12"


def test_counting_the_start_as_day_one_gives_the_census_convention():
    (first,) = run_rule("LAC-REV-1", [IN], as_of="2022-09-20", count_start_as_day_one=True)

    assert first.due == date(2022, 10, 10)


def test_the_permanence_explanation_says_the_due_date_is_the_second_review():
    (before_any,) = run_rule("LAC-PERM", [IN], as_of="2022-09-20")
    (held,) = run_rule("LAC-PERM", [IN, review("2022-10-11"), review("2023-01-10")], as_of="2023-02-01")

    note = "Due by the second review: the date it was held or, until it is held, the date it falls due (LAC-REV-2)"
    assert note in before_any.explanation and note in held.explanation
    assert before_any.explanation[1] == (
        "the second review falls due (no review held yet; the first review is due: 20 working days from "
        "Mon 12 Sep 2022, skipping the bank holiday on Mon 19 Sep 2022, is Tue 11 Oct 2022): "
        "3 months from Tue 11 Oct 2022 is Wed 11 Jan 2023"
    )
    assert held.explanation[1] == "the second review was held on Tue 10 Jan 2023"


def test_the_iro_explanation_says_when_the_first_review_comes_sooner():
    events = [IN]

    (iro,) = run_rule(
        "LAC-IRO", events, as_of="2022-09-13", settings={("LAC-IRO", "within"): "30 working days"}
    )

    assert iro.explanation[1].startswith("before the first review is due on Tue 11 Oct 2022, which is sooner")


@pytest.mark.parametrize(
    ("rule", "events", "reason"),
    [
        pytest.param(
            "LAC-PPLAN",
            [IN, PLACED, ev("placement_ended", "2022-09-14", reason="CARPL")],
            "placement ended",
            id="placement-ended",
        ),
        pytest.param(
            "LAC-PPLAN", [IN, PLACED, placed("2022-09-14")], "placement ended", id="next-placement-began"
        ),
        pytest.param("LAC-PPLAN", [IN, PLACED, left("2022-09-14")], "left care", id="left-care"),
        pytest.param(
            "LAC-REV-REC", [IN, review("2022-10-11"), left("2022-10-14")], "left care", id="decisions"
        ),
    ],
)
def test_a_closed_obligation_says_why_its_clock_stopped(rule, events, reason):
    obligations = run_rule(rule, events, as_of="2022-12-01")

    assert obligations[0].status is Status.CLOSED
    assert obligations[0].closed_reason == reason


@pytest.mark.parametrize(
    ("legal_status", "expected"),
    [("V3", True), ("V4", True), ("V2", False), ("C2", False)],
)
def test_short_breaks_are_legal_status_v3_or_v4_at_entry(legal_status, expected):
    tl = timeline([entered("2023-01-31", legal_status)], as_of=date(2023, 2, 1))

    assert is_short_breaks(tl.periods[0]) is expected


def test_a_later_change_of_legal_status_does_not_make_a_period_short_breaks():
    events = [entered("2023-01-31", "C2"), ev("legal_status_changed", "2023-03-01", legal_status="V3")]

    tl = timeline(events, as_of=date(2023, 4, 1))

    assert not is_short_breaks(tl.periods[0])
