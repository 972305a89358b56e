"""Care leavers: eligibility (CL-ELIG) and the CL-* rules, tables of cases with dates worked out by hand.

Holidays used below: Good Friday Fri 29 Mar 2024 and Easter Monday Mon 1 Apr 2024.
The warning window is 5 working days: due_soon when as_of + 5 WD reaches the due date.
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from rules.leavers import eligibility
from tests.builders import assert_rows, ev, run_rule, statuses, timeline


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def born(dob):
    return ev("child_registered", dob, dob=dob)


def entered(at, legal_status="C2"):
    return ev("entered_care", at, legal_status=legal_status)


def left(at, reason="E13"):
    return ev("left_care", at, reason=reason)


# Born Thu 10 Jan 2008: 14 on Mon 10 Jan 2022, 16 on Wed 10 Jan 2024, 18 on Sat 10 Jan 2026,
# 21 on Wed 10 Jan 2029. In care since 2021, so eligible on the 16th birthday.
BORN_2008 = born("2008-01-10")
IN_2021 = entered("2021-06-01")
# Born Wed 1 Mar 2006, in care from 1 May 2020 (aged 14), eligible on the 16th birthday Tue 1 Mar
# 2022, left care on the 18th birthday Fri 1 Mar 2024; 21 on Mon 1 Mar 2027.
LEFT_AT_18 = [born("2006-03-01"), entered("2020-05-01"), left("2024-03-01", "E17")]


def contact(at, in_touch=True):
    return ev("care_leaver_contact", at, in_touch=in_touch)


# --- CL-ELIG -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # 11 Oct 2023 + 91 days = 10 Jan 2024: the 13 weeks are complete on the 16th birthday.
        ([BORN_2008, entered("2023-10-11")], date(2024, 1, 10)),
        # 12 Oct 2023 + 91 days = 11 Jan 2024: one day short at 16, eligible the next day.
        ([BORN_2008, entered("2023-10-12")], date(2024, 1, 11)),
        # In care long before 14: the 13 weeks were complete at 14y3m; eligible at 16.
        ([BORN_2008, IN_2021], date(2024, 1, 10)),
        # 61 days (1 Mar-1 May 2022) + 30 days from Thu 1 Feb 2024 (Feb 2024 has 29 days) = Sat 2 Mar 2024.
        (
            [BORN_2008, entered("2022-03-01"), left("2022-05-01"), entered("2024-02-01")],
            date(2024, 3, 2),
        ),
        # Days before the 14th birthday do not count: 10 Jan-1 Mar 2022 is 50 days, so 41 more from
        # Thu 1 Feb 2024 = Wed 13 Mar 2024 (not 1 Feb, as if the months from June 2021 counted).
        (
            [BORN_2008, entered("2021-06-01"), left("2022-03-01"), entered("2024-02-01")],
            date(2024, 3, 13),
        ),
        # 13 weeks reached at 14-15 (by 31 Aug 2022), out of care at 16, back on Fri 1 Mar 2024.
        ([BORN_2008, entered("2022-06-01"), left("2023-06-01"), entered("2024-03-01")], date(2024, 3, 1)),
        # Short breaks (V3) do not count: 91 days from Thu 1 Feb 2024 in ordinary care = Thu 2 May 2024.
        (
            [BORN_2008, entered("2022-06-01", "V3"), left("2023-06-01"), entered("2024-02-01")],
            date(2024, 5, 2),
        ),
        # Only short breaks: never eligible.
        ([BORN_2008, entered("2022-06-01", "V4")], None),
        # Left care at 15 and never came back: not looked after at 16 or 17.
        ([BORN_2008, entered("2022-02-01"), left("2023-06-01")], None),
        # Left care on the 16th birthday: looked after up to the day before, so not at 16.
        ([BORN_2008, entered("2022-06-01"), left("2024-01-10")], None),
        # Entered Fri 10 Oct 2025 at 17: 91 days complete Fri 9 Jan 2026, the day before 18.
        ([BORN_2008, entered("2025-10-10")], date(2026, 1, 9)),
        # Entered Sat 11 Oct 2025: the 13 weeks would be complete on the 18th birthday: never eligible.
        ([BORN_2008, entered("2025-10-11")], None),
        # No date of birth: eligibility cannot be judged.
        ([IN_2021], None),
    ],
    ids=[
        "13-weeks-exactly-on-the-16th-birthday",
        "one-day-short-at-16-eligible-the-next-day",
        "long-in-care-eligible-at-16",
        "two-periods-summed-reached-after-16",
        "days-before-the-14th-birthday-do-not-count",
        "13-weeks-before-16-eligible-on-return-to-care",
        "short-break-period-does-not-count",
        "only-short-breaks-never-eligible",
        "left-care-at-15-not-eligible",
        "left-care-on-the-16th-birthday-not-eligible",
        "reached-the-day-before-18",
        "reached-on-the-18th-birthday-not-eligible",
        "no-date-of-birth",
    ],
)
def test_eligibility_is_13_weeks_looked_after_since_14_and_still_looked_after_at_16_or_17(events, expected):
    tl = timeline(events)

    got = eligibility(tl)

    assert got == expected


def test_a_leap_day_child_becomes_eligible_on_the_16th_birthday_29_february_in_a_leap_year():
    tl = timeline([born("2008-02-29"), entered("2022-01-04")])

    got = eligibility(tl)

    assert got == date(2024, 2, 29)


def test_a_leap_day_child_turns_14_on_28_february_in_a_non_leap_year():
    # 14th birthday Mon 28 Feb 2022: 28 Feb to 30 May 2022 is 91 days (28 + 31 + 30 + 2), so the 13
    # weeks are complete before the child left; back in care Mon 4 Mar 2024, eligible that day.
    # Counting from 1 Mar 2022 would give 90 days and eligibility a day later.
    tl = timeline([born("2008-02-29"), entered("2022-01-04"), left("2022-05-30"), entered("2024-03-04")])

    got = eligibility(tl)

    assert got == date(2024, 3, 4)


def test_a_leap_day_child_has_a_16th_birthday_on_28_february_when_that_year_is_not_a_leap_year():
    # 29 Feb + 16 years is a leap year except across a century: 2100 is not a leap year.
    tl = timeline([born("2084-02-29"), entered("2097-01-04")], as_of=date(2100, 3, 1))

    got = eligibility(tl)

    assert got == date(2100, 2, 28)


# --- the rules ---------------------------------------------------------------------------

TABLE = [
    # CL-ASSESS: eligible on the 16th birthday Wed 10 Jan 2024; 3 months is Wed 10 Apr 2024.
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021, ev("needs_assessment_completed", "2024-04-02")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "met", "2024-04-02")],
        "assess-met",
    ),
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021, ev("needs_assessment_completed", "2024-04-11")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "late", "2024-04-11")],
        "assess-late-by-a-day",
    ),
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021],
        "2024-04-11",
        [("2024-01-10", "2024-04-10", "overdue")],
        "assess-overdue",
    ),
    # Thu 4 Apr + 5 WD = Thu 11 Apr, past the due date.
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021],
        "2024-04-04",
        [("2024-01-10", "2024-04-10", "due_soon")],
        "assess-due-soon",
    ),
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021],
        "2024-02-01",
        [("2024-01-10", "2024-04-10", "pending")],
        "assess-pending",
    ),
    case("CL-ASSESS", [BORN_2008, IN_2021], "2024-01-09", [], "assess-none-before-the-16th-birthday"),
    # An assessment in readiness, before the 16th birthday, counts.
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021, ev("needs_assessment_completed", "2024-01-02")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "met", "2024-01-02")],
        "assess-done-before-eligibility",
    ),
    # Entered Mon 4 Mar 2024 aged 16: 4 Mar + 91 days = Mon 3 Jun 2024; + 3 months = Tue 3 Sep 2024.
    case(
        "CL-ASSESS",
        [BORN_2008, entered("2024-03-04", "V2")],
        "2024-07-01",
        [("2024-06-03", "2024-09-03", "pending")],
        "assess-from-later-eligibility",
    ),
    # Born Thu 31 Jan 2008: 16 on Wed 31 Jan 2024; + 3 months = Tue 30 Apr 2024 (clamped).
    case(
        "CL-ASSESS",
        [born("2008-01-31"), IN_2021],
        "2024-05-01",
        [("2024-01-31", "2024-04-30", "overdue")],
        "assess-31-jan-plus-3-months",
    ),
    # A relevant child who left care at 17 is still owed the assessment.
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021, left("2024-03-01")],
        "2024-04-11",
        [("2024-01-10", "2024-04-10", "overdue")],
        "assess-not-closed-by-leaving-care",
    ),
    # CL-PATH: Fri 22 Mar 2024 + 10 WD: 25, 26, 27, 28 Mar, (29 Mar, 1 Apr holidays), 2, 3, 4, 5,
    # 8, 9 Apr = Tue 9 Apr 2024.
    case(
        "CL-PATH",
        [ev("needs_assessment_completed", "2024-03-22"), ev("pathway_plan_recorded", "2024-04-09")],
        "2024-05-01",
        [("2024-03-22", "2024-04-09", "met", "2024-04-09")],
        "path-met-across-easter",
    ),
    case(
        "CL-PATH",
        [ev("needs_assessment_completed", "2024-03-22"), ev("pathway_plan_recorded", "2024-04-10")],
        "2024-05-01",
        [("2024-03-22", "2024-04-09", "late", "2024-04-10")],
        "path-late-by-a-day",
    ),
    case(
        "CL-PATH",
        [ev("needs_assessment_completed", "2024-03-22")],
        "2024-04-10",
        [("2024-03-22", "2024-04-09", "overdue")],
        "path-overdue",
    ),
    # Tue 2 Apr + 5 WD = Tue 9 Apr: due soon. Mon 25 Mar + 5 WD = Wed 3 Apr: pending.
    case(
        "CL-PATH",
        [ev("needs_assessment_completed", "2024-03-22")],
        "2024-04-02",
        [("2024-03-22", "2024-04-09", "due_soon")],
        "path-due-soon",
    ),
    case(
        "CL-PATH",
        [ev("needs_assessment_completed", "2024-03-22")],
        "2024-03-25",
        [("2024-03-22", "2024-04-09", "pending")],
        "path-pending",
    ),
    # A plan recorded before the assessment is not a plan based on it.
    case(
        "CL-PATH",
        [ev("pathway_plan_recorded", "2024-03-01"), ev("needs_assessment_completed", "2024-03-22")],
        "2024-04-10",
        [("2024-03-22", "2024-04-09", "overdue")],
        "path-plan-before-the-assessment-does-not-count",
    ),
    # 21 on Mon 1 Apr 2024, before the plan falls due on Tue 9 Apr 2024.
    case(
        "CL-PATH",
        [born("2003-04-01"), ev("needs_assessment_completed", "2024-03-22")],
        "2024-05-01",
        [("2024-03-22", "2024-04-09", "closed", "reached 21")],
        "path-closed-at-21",
    ),
    case(
        "CL-PATH",
        [born("2003-04-01"), ev("needs_assessment_completed", "2024-04-02")],
        "2024-05-01",
        [],
        "path-no-clock-after-21",
    ),
    # CL-PATH-REV: Tue 9 Apr 2024 + 6 months = Wed 9 Oct 2024; Mon 30 Sep 2024 + 6 months = Sun 30 Mar 2025.
    case(
        "CL-PATH-REV",
        [
            BORN_2008,
            ev("pathway_plan_recorded", "2024-04-09"),
            ev("review_held", "2024-09-30", kind="pathway_plan"),
        ],
        "2024-10-01",
        [("2024-04-09", "2024-10-09", "met", "2024-09-30"), ("2024-09-30", "2025-03-30", "pending")],
        "path-rev-met",
    ),
    case(
        "CL-PATH-REV",
        [
            BORN_2008,
            ev("pathway_plan_recorded", "2024-04-09"),
            ev("review_held", "2024-10-10", kind="pathway_plan"),
        ],
        "2024-10-11",
        [("2024-04-09", "2024-10-09", "late", "2024-10-10"), ("2024-10-10", "2025-04-10", "pending")],
        "path-rev-late-next-from-the-actual-review",
    ),
    case(
        "CL-PATH-REV",
        [BORN_2008, ev("pathway_plan_recorded", "2024-04-09")],
        "2024-10-10",
        [("2024-04-09", "2024-10-09", "overdue")],
        "path-rev-overdue",
    ),
    # Wed 2 Oct + 5 WD = Wed 9 Oct.
    case(
        "CL-PATH-REV",
        [BORN_2008, ev("pathway_plan_recorded", "2024-04-09")],
        "2024-10-02",
        [("2024-04-09", "2024-10-09", "due_soon")],
        "path-rev-due-soon",
    ),
    # A new plan resets the clock: Mon 1 Jul 2024 + 6 months = Wed 1 Jan 2025.
    case(
        "CL-PATH-REV",
        [BORN_2008, ev("pathway_plan_recorded", "2024-04-09"), ev("pathway_plan_recorded", "2024-07-01")],
        "2024-07-02",
        [("2024-04-09", "2024-10-09", "met", "2024-07-01"), ("2024-07-01", "2025-01-01", "pending")],
        "path-rev-new-plan-resets",
    ),
    # A looked-after review is not a pathway plan review.
    case(
        "CL-PATH-REV",
        [BORN_2008, IN_2021, ev("pathway_plan_recorded", "2024-04-09"), ev("review_held", "2024-10-01")],
        "2024-10-10",
        [("2024-04-09", "2024-10-09", "overdue")],
        "path-rev-looked-after-review-does-not-count",
    ),
    # Sat 31 Aug 2024 + 6 months = Fri 28 Feb 2025 (clamped, 2025 is not a leap year).
    case(
        "CL-PATH-REV",
        [BORN_2008, ev("pathway_plan_recorded", "2024-08-31")],
        "2025-03-01",
        [("2024-08-31", "2025-02-28", "overdue")],
        "path-rev-month-end",
    ),
    # 21 on Thu 1 Aug 2024, before the review falls due on Wed 9 Oct 2024.
    case(
        "CL-PATH-REV",
        [born("2003-08-01"), ev("pathway_plan_recorded", "2024-04-09")],
        "2024-11-01",
        [("2024-04-09", "2024-10-09", "closed", "reached 21")],
        "path-rev-closed-at-21",
    ),
    # CL-PA: eligible Wed 10 Jan 2024; due 16th birthday + 3 months = Wed 10 Apr 2024.
    case(
        "CL-PA",
        [BORN_2008, IN_2021, ev("personal_adviser_allocated", "2024-04-08")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "met", "2024-04-08")],
        "pa-met",
    ),
    case(
        "CL-PA",
        [BORN_2008, IN_2021, ev("personal_adviser_allocated", "2024-04-11")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "late", "2024-04-11")],
        "pa-late",
    ),
    case(
        "CL-PA", [BORN_2008, IN_2021], "2024-04-15", [("2024-01-10", "2024-04-10", "overdue")], "pa-overdue"
    ),
    case(
        "CL-PA", [BORN_2008, IN_2021], "2024-04-04", [("2024-01-10", "2024-04-10", "due_soon")], "pa-due-soon"
    ),
    case(
        "CL-PA", [BORN_2008, IN_2021], "2024-02-01", [("2024-01-10", "2024-04-10", "pending")], "pa-pending"
    ),
    case(
        "CL-PA",
        [BORN_2008, IN_2021, ev("worker_allocated", "2024-04-02", worker="PA7", role="personal_adviser")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "met", "2024-04-02")],
        "pa-worker-allocated-as-personal-adviser",
    ),
    case(
        "CL-PA",
        [BORN_2008, IN_2021, ev("worker_allocated", "2024-04-02", worker="SW3")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "overdue")],
        "pa-social-worker-is-not-a-personal-adviser",
    ),
    case(
        "CL-PA",
        [BORN_2008, IN_2021, ev("personal_adviser_allocated", "2023-12-01")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "met", "2023-12-01")],
        "pa-allocated-before-eligibility",
    ),
    # Entered Fri 1 Dec 2023: + 91 days = Fri 1 Mar 2024, within the 3 months: still due Wed 10 Apr 2024.
    case(
        "CL-PA",
        [BORN_2008, entered("2023-12-01")],
        "2024-03-04",
        [("2024-03-01", "2024-04-10", "pending")],
        "pa-eligible-within-the-3-months",
    ),
    # Entered Mon 4 Mar 2024: eligible Mon 3 Jun 2024, after Wed 10 Apr 2024: due on becoming eligible.
    case(
        "CL-PA",
        [BORN_2008, entered("2024-03-04")],
        "2024-06-04",
        [("2024-06-03", "2024-06-03", "overdue")],
        "pa-eligible-after-the-3-months-due-at-once",
    ),
    case(
        "CL-PA",
        [BORN_2008, entered("2024-03-04"), ev("personal_adviser_allocated", "2024-06-03")],
        "2024-06-04",
        [("2024-06-03", "2024-06-03", "met", "2024-06-03")],
        "pa-eligible-after-the-3-months-met-that-day",
    ),
    # Born Thu 31 Jan 2008: 16 on Wed 31 Jan 2024; + 3 months = Tue 30 Apr 2024 (clamped).
    case(
        "CL-PA",
        [born("2008-01-31"), IN_2021, ev("personal_adviser_allocated", "2024-04-30")],
        "2024-05-01",
        [("2024-01-31", "2024-04-30", "met", "2024-04-30")],
        "pa-31-jan-plus-3-months",
    ),
    # CL-CONTACT: left Fri 1 Mar 2024 + 8 weeks (56 days) = Fri 26 Apr 2024; Mon 22 Apr + 56 days = Mon 17 Jun.
    case(
        "CL-CONTACT",
        [*LEFT_AT_18, contact("2024-04-22")],
        "2024-06-24",
        [("2024-03-01", "2024-04-26", "met", "2024-04-22"), ("2024-04-22", "2024-06-17", "overdue")],
        "contact-met-then-overdue",
    ),
    # Mon 29 Apr + 56 days = Mon 24 Jun 2024.
    case(
        "CL-CONTACT",
        [*LEFT_AT_18, contact("2024-04-29")],
        "2024-05-01",
        [("2024-03-01", "2024-04-26", "late", "2024-04-29"), ("2024-04-29", "2024-06-24", "pending")],
        "contact-late",
    ),
    case(
        "CL-CONTACT",
        [*LEFT_AT_18, contact("2024-04-22", in_touch=False)],
        "2024-04-29",
        [("2024-03-01", "2024-04-26", "overdue")],
        "contact-not-in-touch-does-not-count",
    ),
    # Mon 22 Apr + 5 WD = Mon 29 Apr, past Fri 26 Apr.
    case(
        "CL-CONTACT", LEFT_AT_18, "2024-04-22", [("2024-03-01", "2024-04-26", "due_soon")], "contact-due-soon"
    ),
    case(
        "CL-CONTACT", LEFT_AT_18, "2024-03-04", [("2024-03-01", "2024-04-26", "pending")], "contact-pending"
    ),
    # 21 on Mon 1 Mar 2027: Mon 1 Feb 2027 + 56 days = Mon 29 Mar 2027, after it: closed.
    case(
        "CL-CONTACT",
        [*LEFT_AT_18, contact("2027-02-01")],
        "2027-04-01",
        [
            ("2024-03-01", "2024-04-26", "late", "2027-02-01"),
            ("2027-02-01", "2027-03-29", "closed", "reached 21"),
        ],
        "contact-closed-at-21",
    ),
    # A contact after the 21st birthday can meet the last clock but starts none.
    case(
        "CL-CONTACT",
        [*LEFT_AT_18, contact("2027-02-01"), contact("2027-03-15")],
        "2027-04-01",
        [
            ("2024-03-01", "2024-04-26", "late", "2027-02-01"),
            ("2027-02-01", "2027-03-29", "met", "2027-03-15"),
        ],
        "contact-no-clock-after-21",
    ),
    # Left at 17 on Fri 1 Sep 2023 (+ 56 days = Fri 27 Oct), back in care Mon 2 Oct 2023 (closes it),
    # left again at 18 on Fri 1 Mar 2024 (+ 56 days = Fri 26 Apr 2024).
    case(
        "CL-CONTACT",
        [
            born("2006-03-01"),
            entered("2020-05-01"),
            left("2023-09-01"),
            entered("2023-10-02"),
            left("2024-03-01", "E17"),
        ],
        "2024-03-04",
        [
            ("2023-09-01", "2023-10-27", "closed", "entered care again"),
            ("2024-03-01", "2024-04-26", "pending"),
        ],
        "contact-return-to-care-closes-and-leaving-again-restarts",
    ),
    # Left care at 15: never eligible, so not a former relevant child.
    case(
        "CL-CONTACT",
        [BORN_2008, entered("2022-02-01"), left("2023-06-01")],
        "2023-09-01",
        [],
        "contact-none-for-a-child-who-left-before-16",
    ),
    # Born Sun 29 Feb 2004: 18 on Mon 28 Feb 2022 (left care that day; + 56 days = Mon 25 Apr 2022),
    # 21 on Fri 28 Feb 2025. Fri 3 Jan 2025 + 56 days = Fri 28 Feb 2025: the 21st birthday, so closed
    # (it would be overdue if the birthday were taken as 1 Mar).
    case(
        "CL-CONTACT",
        [born("2004-02-29"), entered("2018-01-01"), left("2022-02-28", "E17"), contact("2025-01-03")],
        "2025-03-03",
        [
            ("2022-02-28", "2022-04-25", "late", "2025-01-03"),
            ("2025-01-03", "2025-02-28", "closed", "reached 21"),
        ],
        "contact-leap-day-child-reaches-21-on-28-february",
    ),
]


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_care_leaver_rule_table(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


def test_the_21st_birthday_is_the_reason_a_care_leaver_clock_closes():
    events = [born("2003-08-01"), ev("pathway_plan_recorded", "2024-04-09")]

    (got,) = run_rule("CL-PATH-REV", events, as_of="2024-11-01")

    assert (got.status, got.closed_reason) == ("closed", "reached 21")


def test_returning_to_care_is_the_reason_a_contact_clock_closes():
    events = [born("2006-03-01"), entered("2020-05-01"), left("2023-09-01"), entered("2023-10-02")]

    (got,) = run_rule("CL-CONTACT", events, as_of="2023-11-01")

    assert (got.status, got.closed_reason) == ("closed", "entered care again")


def test_an_overdue_assessment_is_missed_at_21_and_stops_counting_working_days_late():
    events = [BORN_2008, IN_2021]

    (before_21,) = run_rule("CL-ASSESS", events, as_of="2029-01-09")
    (at_21,) = run_rule("CL-ASSESS", events, as_of="2029-01-10")
    (later,) = run_rule("CL-ASSESS", events, as_of="2029-06-01")

    assert before_21.status == "overdue"
    assert (at_21.status, at_21.missed_on, at_21.closed_reason) == ("missed", date(2029, 1, 10), "reached 21")
    assert (later.status, later.days_late) == ("missed", at_21.days_late)
    assert later.days_late > before_21.days_late > 0


def test_the_assessment_timescale_set_from_february_2024_applies_to_children_eligible_from_then():
    settings = {("CL-ASSESS", "within"): [(date(2024, 2, 1), "2 months")]}

    before = run_rule("CL-ASSESS", [BORN_2008, IN_2021], as_of="2024-03-01", settings=settings)
    after = run_rule("CL-ASSESS", [born("2008-03-01"), IN_2021], as_of="2024-03-04", settings=settings)

    # Eligible Wed 10 Jan 2024: 3 months, Wed 10 Apr. Eligible Fri 1 Mar 2024: 2 months, Wed 1 May.
    assert statuses(before) == [("2024-01-10", "2024-04-10", "pending")]
    assert statuses(after) == [("2024-03-01", "2024-05-01", "pending")]


def test_the_pathway_plan_timescale_set_from_april_2024_applies_to_assessments_from_then():
    settings = {("CL-PATH", "within"): [(date(2024, 4, 1), "15 working days")]}
    events = [ev("needs_assessment_completed", "2024-03-22"), ev("needs_assessment_completed", "2024-04-02")]

    got = run_rule("CL-PATH", events, as_of="2024-04-03", settings=settings)

    # Fri 22 Mar: 10 WD, Tue 9 Apr. Tue 2 Apr + 15 WD: 3, 4, 5, 8-12, 15-19, 22, 23 Apr = Tue 23 Apr 2024.
    assert [(o.started_on.isoformat(), o.due.isoformat()) for o in got] == [
        ("2024-03-22", "2024-04-09"),
        ("2024-04-02", "2024-04-23"),
    ]


def test_the_pathway_review_interval_set_from_june_2024_applies_to_reviews_from_then():
    settings = {("CL-PATH-REV", "within"): [(date(2024, 6, 1), "4 months")]}
    events = [
        BORN_2008,
        ev("pathway_plan_recorded", "2024-04-09"),
        ev("review_held", "2024-07-01", kind="pathway_plan"),
    ]

    got = run_rule("CL-PATH-REV", events, as_of="2024-07-02", settings=settings)

    # Tue 9 Apr 2024 + 6 months = Wed 9 Oct; Mon 1 Jul 2024 + 4 months = Fri 1 Nov 2024.
    assert statuses(got) == [("2024-04-09", "2024-10-09", "met"), ("2024-07-01", "2024-11-01", "pending")]


def test_the_personal_adviser_allowance_set_from_march_2024_applies_to_children_eligible_from_then():
    settings = {("CL-PA", "after_sixteenth"): [(date(2024, 3, 1), "6 months")]}

    before = run_rule("CL-PA", [BORN_2008, IN_2021], as_of="2024-03-01", settings=settings)
    after = run_rule("CL-PA", [born("2008-03-15"), IN_2021], as_of="2024-03-18", settings=settings)

    # Eligible Wed 10 Jan 2024: 3 months, Wed 10 Apr. Eligible Fri 15 Mar 2024: 6 months, Sun 15 Sep.
    assert statuses(before) == [("2024-01-10", "2024-04-10", "pending")]
    assert statuses(after) == [("2024-03-15", "2024-09-15", "pending")]


def test_the_contact_interval_set_from_april_2024_applies_to_contacts_from_then():
    settings = {("CL-CONTACT", "within"): [(date(2024, 4, 1), "4 weeks")]}

    got = run_rule("CL-CONTACT", [*LEFT_AT_18, contact("2024-04-22")], as_of="2024-04-23", settings=settings)

    # Fri 1 Mar 2024 + 8 weeks = Fri 26 Apr; Mon 22 Apr 2024 + 4 weeks (28 days) = Mon 20 May 2024.
    assert statuses(got) == [("2024-03-01", "2024-04-26", "met"), ("2024-04-22", "2024-05-20", "pending")]


def test_the_explanation_says_when_and_why_the_young_person_became_eligible():
    events = [BORN_2008, entered("2024-03-04")]

    (got,) = run_rule("CL-ASSESS", events, as_of="2024-07-01")

    assert "Eligible child (CPPCR reg 40) from Mon 3 Jun 2024" in " ".join(got.explanation)
