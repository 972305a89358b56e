"""Statutory visits (VIS-1, VIS-2, VIS-3, VIS-4, VIS-PWP): a table of cases per rule, with
real dates worked out by hand.

All visit timescales are calendar days (or months): weekends, Christmas and bank holidays
count like any other day. Bank holidays in England used below (only for the due_soon
warning window, which is in working days): 2023: Fri 7 and Mon 10 Apr (Easter);
2024: Mon 1 Jan.

`TABLE` (all the rule tables together) has the shape of the other rule test modules'
tables, so the catalogue-wide coverage check can read it.
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from rules.obligation import Status
from rules.visits import first_anniversary
from tests.builders import assert_rows, ev, run_rule, statuses, timeline


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def entered(at):
    return ev("entered_care", at, legal_status="C1")


def placement(at, kind="U6", **kw):
    return ev("placement_started", at, placement_type=kind, **kw)


def placed(at, kind="U6", **kw):
    """Entered care and placed the same day."""
    return [entered(at), placement(at, kind, **kw)]


def visit(at, seen=True):
    return ev("statutory_visit", at, seen=seen)


def ended(at):
    return ev("placement_ended", at, reason="CARPL")


def left(at):
    return ev("left_care", at, reason="E13")


def review(at):
    return ev("review_held", at)


# --- VIS-1: within 7 days of each placement start --------------------------------------

FIRST_VISIT = [
    # Tue 28 Feb 2023 + 7 days: 1 Mar is day 1, so Tue 7 Mar 2023.
    case("VIS-1", [*placed("2023-02-28"), visit("2023-03-07")], "2023-03-10",
         [("2023-02-28", "2023-03-07", "met", "2023-03-07")], "met-on-day-7-from-28-feb-2023"),
    case("VIS-1", [*placed("2023-02-28"), visit("2023-03-08")], "2023-03-10",
         [("2023-02-28", "2023-03-07", "late", "2023-03-08")], "late-on-day-8"),
    case("VIS-1", placed("2023-02-28"), "2023-03-08",
         [("2023-02-28", "2023-03-07", "overdue")], "overdue-the-day-after"),
    # Leap year: Wed 28 Feb 2024 + 7 days: 29 Feb is day 1, 1 Mar day 2, so Wed 6 Mar 2024
    # (a day earlier in the month than from 28 Feb 2023).
    case("VIS-1", [*placed("2024-02-28"), visit("2024-03-06")], "2024-03-10",
         [("2024-02-28", "2024-03-06", "met", "2024-03-06")], "leap-year-28-feb-2024-due-6-mar"),
    case("VIS-1", [*placed("2024-02-28"), visit("2024-03-07")], "2024-03-10",
         [("2024-02-28", "2024-03-06", "late", "2024-03-07")], "leap-year-7-mar-2024-is-late"),
    # Placed on 29 Feb 2024 itself: + 7 days is Thu 7 Mar 2024.
    case("VIS-1", placed("2024-02-29"), "2024-03-08",
         [("2024-02-29", "2024-03-07", "overdue")], "placed-on-29-feb"),
    # Christmas counts: Fri 22 Dec 2023 + 7 days is Fri 29 Dec 2023.
    case("VIS-1", [*placed("2023-12-22"), visit("2023-12-29")], "2024-01-05",
         [("2023-12-22", "2023-12-29", "met", "2023-12-29")], "christmas-days-count"),
    case("VIS-1", [*placed("2023-02-28"), ended("2023-03-03")], "2023-03-10",
         [("2023-02-28", "2023-03-07", "closed", "placement ended")], "closed-placement-ended-before-due"),
    case("VIS-1", [*placed("2023-02-28"), left("2023-03-03")], "2023-03-10",
         [("2023-02-28", "2023-03-07", "closed", "left care")], "closed-left-care-before-due"),
    # Wed 1 Mar 2023 + 5 working days is Wed 8 Mar, after the due date Tue 7 Mar.
    case("VIS-1", placed("2023-02-28"), "2023-03-01",
         [("2023-02-28", "2023-03-07", "due_soon")], "due-soon"),
    case("VIS-1", [*placed("2023-02-28"), visit("2023-03-05", seen=False), visit("2023-03-08")], "2023-03-10",
         [("2023-02-28", "2023-03-07", "late", "2023-03-08")], "a-visit-where-the-child-was-not-seen-does-not-count"),
    # Each placement: a move on Mon 10 Apr 2023 starts a new clock, due Mon 17 Apr 2023.
    case("VIS-1", [*placed("2023-02-28"), visit("2023-03-02"), ended("2023-04-10"), placement("2023-04-10", "U4")],
         "2023-04-18",
         [("2023-02-28", "2023-03-07", "met", "2023-03-02"), ("2023-04-10", "2023-04-17", "overdue")],
         "each-placement-starts-a-clock"),
    # Re-entry: left care Fri 3 Mar 2023, back Thu 1 Jun 2023 (+ 7 days: Thu 8 Jun 2023).
    case("VIS-1", [*placed("2023-02-28"), left("2023-03-03"), *placed("2023-06-01"), visit("2023-06-05")],
         "2023-06-10",
         [("2023-02-28", "2023-03-07", "closed", "left care"), ("2023-06-01", "2023-06-08", "met", "2023-06-05")],
         "re-entry-restarts-the-clock"),
    # A visit while in care but before the placement started is not a visit to the placement.
    case("VIS-1", [entered("2023-02-27"), visit("2023-02-27"), placement("2023-02-28")], "2023-03-10",
         [("2023-02-28", "2023-03-07", "overdue")], "a-visit-before-the-placement-does-not-count"),
    case("VIS-1", placed("2023-03-06", "P1"), "2023-04-05", [], "not-for-placements-with-parents"),
    # Not connected by default: a U3 placement has the ordinary first visit.
    case("VIS-1", placed("2023-03-06", "U3"), "2023-03-14",
         [("2023-03-06", "2023-03-13", "overdue")], "u3-is-ordinary-unless-configured"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), FIRST_VISIT)
def test_the_first_visit_is_due_seven_calendar_days_after_each_placement_starts(
    rule, events, as_of, expected
):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_a_placement_type_configured_as_connected_has_no_ordinary_first_visit():
    events = placed("2023-03-06", "U3")

    found = run_rule(
        "VIS-1", events, as_of="2023-03-14", settings={("VIS-PWP", "connected_types"): ("U1", "U3")}
    )

    assert found == []


def test_the_explanation_names_the_visit_where_the_child_was_not_seen():
    events = [*placed("2023-02-28"), visit("2023-03-05", seen=False), visit("2023-03-08")]

    [found] = run_rule("VIS-1", events, as_of="2023-03-10")

    assert found.status is Status.LATE
    assert (
        "statutory_visit on Sun 5 Mar 2023: the child was not seen, so it does not count as a statutory visit"
        in found.explanation
    )
    assert "7 days from Tue 28 Feb 2023 is Tue 7 Mar 2023" in found.explanation


def test_leaving_care_closes_the_first_visit_with_the_reason_left_care():
    [by_leaving] = run_rule("VIS-1", [*placed("2023-02-28"), left("2023-03-03")], as_of="2023-03-10")
    [by_move] = run_rule("VIS-1", [*placed("2023-02-28"), ended("2023-03-03")], as_of="2023-03-10")

    assert by_leaving.closed_reason == "left care"
    assert by_move.closed_reason == "placement ended"


def test_two_placements_starting_the_same_day_have_different_keys():
    # A one-day placement on Tue 28 Feb 2023, then another from the same day.
    events = [*placed("2023-02-28"), ended("2023-02-28"), placement("2023-02-28", "U4")]

    found = run_rule("VIS-1", events, as_of="2023-03-01")

    assert statuses(found) == [
        ("2023-02-28", "2023-03-07", "closed"),
        ("2023-02-28", "2023-03-07", "due_soon"),
    ]
    assert len({o.key for o in found}) == 2


def test_a_council_setting_for_the_first_visit_applies_to_placements_starting_from_its_date():
    # 10 days from Wed 1 Mar 2023; the placement from Tue 28 Feb 2023 keeps 7 days.
    events = [*placed("2023-02-28"), ended("2023-03-01"), placement("2023-03-01", "U4")]
    settings = {("VIS-1", "within"): [(date(2023, 3, 1), "10 days")]}

    found = run_rule("VIS-1", events, as_of="2023-03-01", settings=settings)

    # Wed 1 Mar + 5 working days is Wed 8 Mar, before Sat 11 Mar: pending.
    assert statuses(found) == [
        ("2023-02-28", "2023-03-07", "closed"),
        ("2023-03-01", "2023-03-11", "pending"),
    ]


# --- VIS-2: 42 days from each visit in the first year ---------------------------------

FIRST_YEAR = [
    # Mon 4 Dec 2023 + 42 calendar days: 27 days to Sun 31 Dec, 15 more to Mon 15 Jan 2024.
    # Christmas Day, Boxing Day and New Year's Day count (42 working days would run to
    # early February). Fri 12 Jan 2024 + 42 days: 19 to 31 Jan, 23 more to Fri 23 Feb 2024;
    # as of Sat 20 Jan + 5 working days is Fri 26 Jan: pending.
    case("VIS-2", [*placed("2023-11-27"), visit("2023-12-04"), visit("2024-01-12")], "2024-01-20",
         [("2023-12-04", "2024-01-15", "met", "2024-01-12"), ("2024-01-12", "2024-02-23", "pending")],
         "met-across-christmas-calendar-days"),
    case("VIS-2", [*placed("2023-11-27"), visit("2023-12-04"), visit("2024-01-15")], "2024-01-20",
         [("2023-12-04", "2024-01-15", "met", "2024-01-15"), ("2024-01-15", "2024-02-26", "pending")],
         "met-on-the-42nd-day"),
    # Tue 16 Jan + 42 days: 15 to 31 Jan, 27 more to Tue 27 Feb 2024.
    case("VIS-2", [*placed("2023-11-27"), visit("2023-12-04"), visit("2024-01-16")], "2024-01-20",
         [("2023-12-04", "2024-01-15", "late", "2024-01-16"), ("2024-01-16", "2024-02-27", "pending")],
         "late-on-the-43rd-day"),
    case("VIS-2", [*placed("2023-11-27"), visit("2023-12-04")], "2024-01-16",
         [("2023-12-04", "2024-01-15", "overdue")], "overdue"),
    # Wed 10 Jan 2024 + 5 working days is Wed 17 Jan, on or after Mon 15 Jan.
    case("VIS-2", [*placed("2023-11-27"), visit("2023-12-04")], "2024-01-10",
         [("2023-12-04", "2024-01-15", "due_soon")], "due-soon"),
    case("VIS-2", [*placed("2023-11-27"), visit("2023-12-04"), ended("2024-01-05")], "2024-01-20",
         [("2023-12-04", "2024-01-15", "closed", "placement ended")], "closed-by-placement-end"),
    case("VIS-2", [*placed("2023-11-27"), visit("2023-12-04"), left("2024-01-05")], "2024-01-20",
         [("2023-12-04", "2024-01-15", "closed", "left care")], "closed-by-leaving-care"),
    # A visit on Wed 10 Jan 2024 where the child was not seen neither meets the clock nor
    # starts a new one.
    case("VIS-2",
         [*placed("2023-11-27"), visit("2023-12-04"), visit("2024-01-10", seen=False), visit("2024-01-16")],
         "2024-01-20",
         [("2023-12-04", "2024-01-15", "late", "2024-01-16"), ("2024-01-16", "2024-02-27", "pending")],
         "child-not-seen-does-not-count"),
    # The first visit is VIS-1's; VIS-2 runs from each visit, not from the placement start.
    case("VIS-2", placed("2023-11-27"), "2024-01-20", [], "no-visit-yet-no-interval-clock"),
    # Placement from Mon 3 Jan 2022: first anniversary Tue 3 Jan 2023, so the first year
    # ends Mon 2 Jan 2023. Mon 21 Nov 2022 + 42: 9 to 30 Nov, 31 in Dec, 2 more: Mon 2 Jan
    # 2023. A visit on Mon 2 Jan 2023 is still in the first year: + 42: 29 to 31 Jan, 13
    # more: Mon 13 Feb 2023 (VIS-2), even though that date is in the second year.
    case("VIS-2", [*placed("2022-01-03"), visit("2022-11-21"), visit("2023-01-02"), visit("2023-02-10")],
         "2023-02-20",
         [("2022-11-21", "2023-01-02", "met", "2023-01-02"), ("2023-01-02", "2023-02-13", "met", "2023-02-10")],
         "visit-on-the-day-before-the-first-anniversary-is-first-year"),
    # The visit on the anniversary itself (Tue 3 Jan 2023) starts a VIS-4 clock instead.
    case("VIS-2", [*placed("2022-01-03"), visit("2022-11-21"), visit("2023-01-03")], "2023-02-20",
         [("2022-11-21", "2023-01-02", "late", "2023-01-03")], "visit-on-the-anniversary-is-not-first-year"),
    # Placement from Thu 29 Feb 2024: first anniversary Fri 28 Feb 2025. Mon 20 Jan 2025 +
    # 42: 11 to 31 Jan, 28 in Feb, 3 more: Mon 3 Mar 2025. Thu 27 Feb 2025 (last day of
    # the first year) + 42: 1 to 28 Feb, 31 in Mar, 10 more: Thu 10 Apr 2025.
    case("VIS-2",
         [*placed("2024-02-29", long_term=True), visit("2025-01-20"), visit("2025-02-27"), visit("2025-02-28")],
         "2025-03-01",
         [("2025-01-20", "2025-03-03", "met", "2025-02-27"), ("2025-02-27", "2025-04-10", "met", "2025-02-28")],
         "placement-from-29-feb-first-year-ends-27-feb"),
    # A move on Tue 14 Mar 2023 with a visit that day (recorded before the move): the visit
    # is to the new placement. Fri 3 Mar + 42: 28 to 31 Mar, 14 more: Fri 14 Apr 2023, and
    # the old placement's clock is closed by the move. Tue 14 Mar + 42: 17 to 31 Mar, 25
    # more: Tue 25 Apr 2023.
    case("VIS-2",
         [*placed("2023-02-28"), visit("2023-03-03"), visit("2023-03-14"), ended("2023-03-14"),
          placement("2023-03-14", "U4")],
         "2023-03-20",
         [("2023-03-03", "2023-04-14", "closed", "placement ended"), ("2023-03-14", "2023-04-25", "pending")],
         "a-visit-on-the-day-of-a-move-is-to-the-new-placement"),
    case("VIS-2", [*placed("2023-03-06", "P1"), visit("2023-03-10")], "2023-03-20", [],
         "placements-with-parents-use-vis-pwp-instead"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), FIRST_YEAR)
def test_visits_in_the_first_year_are_due_42_days_after_the_previous_visit(rule, events, as_of, expected):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_a_late_visit_is_late_by_working_days_and_says_which_interval_applied():
    events = [*placed("2023-11-27"), visit("2023-12-04"), visit("2024-01-16")]

    first, _ = run_rule("VIS-2", events, as_of="2024-01-20")

    assert first.days_late == 1  # due Mon 15 Jan 2024, visited Tue 16 Jan 2024
    assert (
        "Previous visit Mon 4 Dec 2023 was in the first year of the placement (first anniversary Wed 27 Nov 2024)"
        in first.explanation
    )
    assert "42 days from Mon 4 Dec 2023 is Mon 15 Jan 2024" in first.explanation


def test_the_move_day_visit_meets_the_new_placements_first_visit_and_not_the_old_one():
    events = [*placed("2023-02-28"), visit("2023-03-03"), visit("2023-03-14"), ended("2023-03-14")]
    events += [placement("2023-03-14", "U4")]

    found = run_rule("VIS-1", events, as_of="2023-03-20")

    assert statuses(found) == [("2023-02-28", "2023-03-07", "met"), ("2023-03-14", "2023-03-21", "met")]
    assert found[1].met_on == date(2023, 3, 14)


def test_a_visit_on_the_last_day_of_care_belongs_to_the_placement():
    # Left care Fri 14 Apr 2023 (the due date of the clock from Fri 3 Mar 2023), visited that day.
    events = [*placed("2023-02-28"), visit("2023-03-03"), visit("2023-04-14"), left("2023-04-14")]

    found = run_rule("VIS-2", events, as_of="2023-04-20")

    assert statuses(found) == [("2023-03-03", "2023-04-14", "met"), ("2023-04-14", "2023-05-26", "closed")]
    assert found[1].closed_reason == "left care"


def test_a_council_setting_for_first_year_visits_applies_to_clocks_starting_from_its_date():
    # From Mon 1 Jan 2024 the council visits every 28 days: the clock from Mon 4 Dec 2023
    # keeps 42 days (Mon 15 Jan 2024); the one from Fri 12 Jan 2024 is due Fri 9 Feb 2024.
    events = [*placed("2023-11-27"), visit("2023-12-04"), visit("2024-01-12")]
    settings = {("VIS-2", "within"): [(date(2024, 1, 1), "4 weeks")]}

    found = run_rule("VIS-2", events, as_of="2024-01-20", settings=settings)

    assert statuses(found) == [("2023-12-04", "2024-01-15", "met"), ("2024-01-12", "2024-02-09", "pending")]


# --- VIS-3: 3 months after the first year, long-term placements ---------------------

LONG_TERM = [
    # Long-term placement from Mon 3 Jan 2022; first anniversary Tue 3 Jan 2023. Wed 11 Jan
    # 2023 + 3 months: Tue 11 Apr 2023. Mon 3 Apr 2023 + 3 months: Mon 3 Jul 2023.
    case("VIS-3",
         [*placed("2022-01-03", "U4", long_term=True), visit("2022-12-20"), visit("2023-01-11"), visit("2023-04-03")],
         "2023-04-20",
         [("2023-01-11", "2023-04-11", "met", "2023-04-03"), ("2023-04-03", "2023-07-03", "pending")], "met"),
    # Wed 12 Apr 2023 + 3 months: Wed 12 Jul 2023.
    case("VIS-3",
         [*placed("2022-01-03", "U4", long_term=True), visit("2022-12-20"), visit("2023-01-11"), visit("2023-04-12")],
         "2023-04-20",
         [("2023-01-11", "2023-04-11", "late", "2023-04-12"), ("2023-04-12", "2023-07-12", "pending")], "late"),
    case("VIS-3", [*placed("2022-01-03", "U4", long_term=True), visit("2022-12-20"), visit("2023-01-11")],
         "2023-04-12", [("2023-01-11", "2023-04-11", "overdue")], "overdue"),
    case("VIS-3",
         [*placed("2022-01-03", "U4", long_term=True), visit("2022-12-20"), visit("2023-01-11"), ended("2023-03-01")],
         "2023-04-12", [("2023-01-11", "2023-04-11", "closed", "placement ended")], "closed-by-placement-end"),
    # Long-term from Tue 1 Nov 2022 (anniversary Wed 1 Nov 2023). Thu 30 Nov 2023 + 3
    # months is Thu 29 Feb 2024 (month end, leap year). As of Mon 26 Feb 2024 + 5 working
    # days is Mon 4 Mar: due soon.
    case("VIS-3",
         [*placed("2022-11-01", "U4", long_term=True), visit("2023-10-20"), visit("2023-11-30")],
         "2024-02-26", [("2023-11-30", "2024-02-29", "due_soon")], "month-end-30-nov-plus-3-months-is-29-feb"),
    # The switch: the visit on Mon 2 Jan 2023 (first year) is VIS-2's; the one on the
    # anniversary Tue 3 Jan 2023 starts the first 3-month clock: Mon 3 Apr 2023.
    case("VIS-3",
         [*placed("2022-01-03", "U4", long_term=True), visit("2023-01-02"), visit("2023-01-03")],
         "2023-01-10", [("2023-01-03", "2023-04-03", "pending")], "starts-at-the-first-anniversary"),
    # Placement from Thu 29 Feb 2024: the anniversary is Fri 28 Feb 2025; + 3 months: Wed 28 May 2025.
    case("VIS-3",
         [*placed("2024-02-29", long_term=True), visit("2025-01-20"), visit("2025-02-27"), visit("2025-02-28")],
         "2025-03-01", [("2025-02-28", "2025-05-28", "pending")], "placement-from-29-feb"),
    case("VIS-3", [*placed("2022-01-03", "U4"), visit("2022-12-20"), visit("2023-01-11")], "2023-04-12", [],
         "not-for-placements-not-intended-to-last-to-18"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), LONG_TERM)
def test_after_the_first_year_of_a_long_term_placement_visits_are_due_every_three_months(
    rule, events, as_of, expected
):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_a_long_term_visit_explains_the_switch_at_the_anniversary():
    events = [*placed("2022-01-03", "U4", long_term=True), visit("2023-01-03")]

    [found] = run_rule("VIS-3", events, as_of="2023-01-10")

    assert (
        "Previous visit Tue 3 Jan 2023 was after the first year of the placement (first anniversary "
        "Tue 3 Jan 2023); the placement is intended to last until 18" in found.explanation
    )


def test_a_council_setting_for_long_term_visits_applies_to_clocks_starting_from_its_date():
    # From Sat 1 Apr 2023: 12 weeks. Wed 11 Jan 2023 keeps 3 months (Tue 11 Apr 2023);
    # Mon 3 Apr 2023 + 84 days: 27 to 30 Apr, 31 in May, 26 more: Mon 26 Jun 2023.
    events = [*placed("2022-01-03", "U4", long_term=True), visit("2023-01-11"), visit("2023-04-03")]
    settings = {("VIS-3", "within"): [(date(2023, 4, 1), "12 weeks")]}

    found = run_rule("VIS-3", events, as_of="2023-04-20", settings=settings)

    assert statuses(found) == [("2023-01-11", "2023-04-11", "met"), ("2023-04-03", "2023-06-26", "pending")]


# --- VIS-4: 42 days after the first year, other placements ------------------------

OTHER = [
    # Placement from Mon 3 Jan 2022, not long-term. Wed 11 Jan 2023 + 42: 20 to 31 Jan, 22
    # more: Wed 22 Feb 2023. Mon 20 Feb 2023 + 42: 8 to 28 Feb, 31 in Mar, 3 more: Mon 3 Apr.
    case("VIS-4", [*placed("2022-01-03"), visit("2022-12-20"), visit("2023-01-11"), visit("2023-02-20")],
         "2023-02-21", [("2023-01-11", "2023-02-22", "met", "2023-02-20"), ("2023-02-20", "2023-04-03", "pending")], "met"),
    # Thu 23 Feb 2023 + 42: 5 to 28 Feb, 31 in Mar, 6 more: Thu 6 Apr 2023.
    case("VIS-4", [*placed("2022-01-03"), visit("2022-12-20"), visit("2023-01-11"), visit("2023-02-23")],
         "2023-02-24", [("2023-01-11", "2023-02-22", "late", "2023-02-23"), ("2023-02-23", "2023-04-06", "pending")], "late"),
    case("VIS-4", [*placed("2022-01-03"), visit("2022-12-20"), visit("2023-01-11")], "2023-02-27",
         [("2023-01-11", "2023-02-22", "overdue")], "overdue"),
    # Fri 17 Feb 2023 + 5 working days is Fri 24 Feb: due soon.
    case("VIS-4", [*placed("2022-01-03"), visit("2022-12-20"), visit("2023-01-11")], "2023-02-17",
         [("2023-01-11", "2023-02-22", "due_soon")], "due-soon"),
    case("VIS-4", [*placed("2022-01-03"), visit("2022-12-20"), visit("2023-01-11"), ended("2023-02-01")],
         "2023-02-24", [("2023-01-11", "2023-02-22", "closed", "placement ended")], "closed-by-placement-end"),
    case("VIS-4", [*placed("2022-01-03"), visit("2022-12-20"), visit("2023-01-11"), left("2023-02-01")],
         "2023-02-24", [("2023-01-11", "2023-02-22", "closed", "left care")], "closed-by-leaving-care"),
    # Christmas in the second year: Mon 4 Dec 2023 + 42 days is Mon 15 Jan 2024.
    case("VIS-4", [*placed("2022-01-03"), visit("2023-12-04"), visit("2024-01-15")], "2024-01-16",
         [("2023-12-04", "2024-01-15", "met", "2024-01-15"), ("2024-01-15", "2024-02-26", "pending")], "christmas-counts"),
    # The anniversary (Tue 3 Jan 2023) visit starts VIS-4; the day before (Mon 2 Jan) was
    # VIS-2. Tue 3 Jan 2023 + 42: 28 to 31 Jan, 14 more: Tue 14 Feb 2023.
    case("VIS-4", [*placed("2022-01-03"), visit("2023-01-02"), visit("2023-01-03")], "2023-01-10",
         [("2023-01-03", "2023-02-14", "pending")], "starts-at-the-first-anniversary"),
    # Re-entry: the second period's placement (Mon 2 Jan 2023) has a year of its own, so a
    # visit on Tue 3 Jan 2023 is in its first year (VIS-2, not VIS-4).
    case("VIS-4",
         [*placed("2022-01-03"), left("2022-12-01"), *placed("2023-01-02"), visit("2023-01-03")],
         "2023-01-10", [], "re-entry-starts-a-new-first-year"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), OTHER)
def test_after_the_first_year_of_other_placements_visits_stay_at_42_days(rule, events, as_of, expected):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_a_council_setting_for_later_visits_applies_to_clocks_starting_from_its_date():
    # From Wed 1 Feb 2023: 28 days. Wed 11 Jan 2023 keeps 42 days (Wed 22 Feb 2023); Mon 20
    # Feb 2023 + 28 days is Mon 20 Mar 2023.
    events = [*placed("2022-01-03"), visit("2023-01-11"), visit("2023-02-20")]
    settings = {("VIS-4", "within"): [(date(2023, 2, 1), "28 days")]}

    found = run_rule("VIS-4", events, as_of="2023-02-21", settings=settings)

    assert statuses(found) == [("2023-01-11", "2023-02-22", "met"), ("2023-02-20", "2023-03-20", "pending")]


# --- VIS-PWP: placed with parents or a connected person ------------------------------

# A tuple: the test settings read a list as dated changes.
CONNECTED = {("VIS-PWP", "connected_types"): ("U1", "U2", "U3")}

WITH_PARENTS = [
    # Placed with parents Mon 6 Mar 2023: first visit within a week, Mon 13 Mar; then
    # weekly until the first review (Fri 31 Mar 2023): Fri 10 Mar + 7 = Fri 17 Mar, met
    # only on Mon 3 Apr (late). After the review, 42 days: Mon 3 Apr + 42: 27 to 30 Apr,
    # 15 more: Mon 15 May 2023. As of Wed 5 Apr + 5 working days (skipping Good Friday and
    # Easter Monday) is Fri 14 Apr: pending.
    case("VIS-PWP", [*placed("2023-03-06", "P1"), visit("2023-03-10"), review("2023-03-31"), visit("2023-04-03")],
         "2023-04-05",
         [("2023-03-06", "2023-03-13", "met", "2023-03-10"), ("2023-03-10", "2023-03-17", "late", "2023-04-03"),
          ("2023-04-03", "2023-05-15", "pending")],
         "weekly-until-the-first-review-then-42-days"),
    # Weekly: Fri 10 Mar + 7 = Fri 17 Mar (met that day); Fri 17 Mar + 7 = Fri 24 Mar.
    case("VIS-PWP", [*placed("2023-03-06", "P1"), visit("2023-03-10"), visit("2023-03-17")], "2023-03-20",
         [("2023-03-06", "2023-03-13", "met", "2023-03-10"), ("2023-03-10", "2023-03-17", "met", "2023-03-17"),
          ("2023-03-17", "2023-03-24", "due_soon")],
         "weekly-met"),
    case("VIS-PWP", placed("2023-03-06", "P1"), "2023-03-14", [("2023-03-06", "2023-03-13", "overdue")],
         "overdue"),
    case("VIS-PWP", [*placed("2023-03-06", "P1"), ended("2023-03-10")], "2023-03-14",
         [("2023-03-06", "2023-03-13", "closed", "placement ended")], "closed-by-placement-end"),
    case("VIS-PWP", [*placed("2023-03-06", "P1"), visit("2023-03-10"), left("2023-03-15")], "2023-03-20",
         [("2023-03-06", "2023-03-13", "met", "2023-03-10"), ("2023-03-10", "2023-03-17", "closed", "left care")],
         "closed-by-leaving-care"),
    # A visit on the day of the review (Fri 31 Mar 2023) is after the weekly phase: 42
    # days: 0 left in Mar, 30 in Apr, 12 more: Fri 12 May 2023.
    case("VIS-PWP", [*placed("2023-03-06", "P1"), visit("2023-03-10"), review("2023-03-31"), visit("2023-03-31")],
         "2023-04-03",
         [("2023-03-06", "2023-03-13", "met", "2023-03-10"), ("2023-03-10", "2023-03-17", "late", "2023-03-31"),
          ("2023-03-31", "2023-05-12", "pending")],
         "a-visit-on-the-review-day-starts-the-42-days"),
    # Placed with parents on Mon 6 Mar 2023 after the child's first review (Fri 3 Feb 2023)
    # in foster care: the first visit is still due within a week (Mon 13 Mar); after that
    # 42 days, as the first review has been held: Fri 10 Mar + 42: 21 to 31 Mar, 21 more:
    # Fri 21 Apr 2023.
    case("VIS-PWP",
         [*placed("2023-01-09"), review("2023-02-03"), ended("2023-03-06"), placement("2023-03-06", "P1"),
          visit("2023-03-10")],
         "2023-03-14",
         [("2023-03-06", "2023-03-13", "met", "2023-03-10"), ("2023-03-10", "2023-04-21", "pending")],
         "placed-with-parents-after-the-first-review-first-visit-within-a-week-then-42-days"),
    # Re-entry: the review in the first period does not end the weekly visits of the second.
    # Mon 5 Jun 2023 + 7: Mon 12 Jun; Fri 9 Jun + 7: Fri 16 Jun.
    case("VIS-PWP",
         [*placed("2023-01-09", "P1"), review("2023-02-03"), left("2023-03-01"), *placed("2023-06-05", "P1"),
          visit("2023-06-09")],
         "2023-06-12",
         [("2023-01-09", "2023-01-16", "missed", ("2023-03-01", "left care")), ("2023-06-05", "2023-06-12", "met", "2023-06-09"),
          ("2023-06-09", "2023-06-16", "due_soon")],
         "re-entry-weekly-until-the-new-periods-first-review"),
    # A visit where the child was not seen (Thu 16 Mar) does not keep up the weekly visits.
    case("VIS-PWP",
         [*placed("2023-03-06", "P1"), visit("2023-03-10"), visit("2023-03-16", seen=False), visit("2023-03-20")],
         "2023-03-21",
         [("2023-03-06", "2023-03-13", "met", "2023-03-10"), ("2023-03-10", "2023-03-17", "late", "2023-03-20"),
          ("2023-03-20", "2023-03-27", "due_soon")],
         "child-not-seen-does-not-count"),
    case("VIS-PWP", placed("2023-03-06", "U3"), "2023-03-14", [], "connected-types-none-by-default"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), WITH_PARENTS)
def test_placed_with_parents_visits_are_weekly_until_the_first_review_then_six_weekly(
    rule, events, as_of, expected
):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_a_connected_person_placement_is_visited_every_28_days_after_the_first_review():
    # U3 configured as connected: Mon 3 Apr 2023 + 28 days: 27 to 30 Apr, 1 more: Mon 1 May 2023.
    events = [*placed("2023-03-06", "U3"), visit("2023-03-10"), review("2023-03-31"), visit("2023-04-03")]

    found = run_rule("VIS-PWP", events, as_of="2023-04-05", settings=CONNECTED)

    assert statuses(found) == [
        ("2023-03-06", "2023-03-13", "met"),
        ("2023-03-10", "2023-03-17", "late"),
        ("2023-04-03", "2023-05-01", "pending"),
    ]
    assert "connected person" in found[2].explanation[-2]


def test_a_connected_person_placement_has_no_ordinary_interval_visits():
    events = [*placed("2023-03-06", "U3"), visit("2023-03-10")]

    assert run_rule("VIS-2", events, as_of="2023-03-20", settings=CONNECTED) == []
    assert statuses(run_rule("VIS-2", events, as_of="2023-03-20")) == [
        ("2023-03-10", "2023-04-21", "pending")
    ]


def test_a_council_setting_for_connected_types_applies_to_placements_starting_from_its_date():
    # U3 is treated as connected from Sat 1 Apr 2023: the U3 placement from Mon 6 Mar 2023
    # keeps the ordinary visits; the one from Mon 3 Apr 2023 is weekly (due Mon 10 Apr).
    events = [*placed("2023-03-06", "U3"), ended("2023-04-03"), placement("2023-04-03", "U3")]
    settings = {("VIS-PWP", "connected_types"): [(date(2023, 4, 1), ("U3",))]}

    ordinary = run_rule("VIS-1", events, as_of="2023-04-04", settings=settings)
    connected = run_rule("VIS-PWP", events, as_of="2023-04-04", settings=settings)

    assert statuses(ordinary) == [("2023-03-06", "2023-03-13", "missed")]
    assert statuses(connected) == [("2023-04-03", "2023-04-10", "due_soon")]


def test_the_explanation_says_which_phase_of_placed_with_parents_visits_applies():
    events = [*placed("2023-03-06", "P1"), visit("2023-03-10"), review("2023-03-31"), visit("2023-04-03")]

    start, weekly, later = run_rule("VIS-PWP", events, as_of="2023-04-05")

    assert "First visit of the placement: within a week of its start" in start.explanation
    assert (
        "Weekly: before the first review of this period of care (review_held on Fri 31 Mar 2023)"
        in weekly.explanation
    )
    assert (
        "After the first review of this period of care (review_held on Fri 31 Mar 2023): placed with parents"
        in later.explanation
    )


def test_a_council_setting_for_visits_with_parents_applies_to_clocks_starting_from_its_date():
    # From Sat 1 Apr 2023, 4 weeks after the first review: Mon 3 Apr 2023 + 28 days is Mon 1 May 2023.
    events = [*placed("2023-03-06", "P1"), visit("2023-03-10"), review("2023-03-31"), visit("2023-04-03")]
    before = {("VIS-PWP", "parents"): [(date(2023, 4, 4), "4 weeks")]}
    after = {("VIS-PWP", "parents"): [(date(2023, 4, 1), "4 weeks")]}

    unchanged = run_rule("VIS-PWP", events, as_of="2023-04-05", settings=before)
    changed = run_rule("VIS-PWP", events, as_of="2023-04-05", settings=after)

    assert statuses(unchanged)[-1] == ("2023-04-03", "2023-05-15", "pending")
    assert statuses(changed)[-1] == ("2023-04-03", "2023-05-01", "pending")


# --- helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "anniversary"),
    [
        ("2022-01-03", date(2023, 1, 3)),
        ("2024-02-29", date(2025, 2, 28)),  # no 29 Feb 2025: 28 Feb, as relativedelta(years=1)
        ("2023-02-28", date(2024, 2, 28)),
    ],
    ids=["ordinary", "from-29-feb-is-28-feb", "to-a-leap-year"],
)
def test_the_first_anniversary_of_a_placement(start, anniversary):
    tl = timeline(placed(start), as_of=date(2030, 1, 1))

    assert first_anniversary(tl.placements[0]) == anniversary


TABLE = FIRST_VISIT + FIRST_YEAR + LONG_TERM + OTHER + WITH_PARENTS


def test_every_visit_rule_has_a_met_late_overdue_closed_and_open_case():
    covered: dict[str, set[str]] = {}
    for param in TABLE:
        rule, _events, _as_of, expected = param.values
        covered.setdefault(rule, set()).update(row[2] for row in expected)

    for rule in ("VIS-1", "VIS-2", "VIS-3", "VIS-4", "VIS-PWP"):
        assert {"met", "late", "overdue", "closed"} <= covered[rule], rule
        assert covered[rule] & {"due_soon", "pending"}, rule
