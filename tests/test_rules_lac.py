"""LAC reviews and plans: a table of cases per rule, with real dates worked out by hand."""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from tests.builders import ev, run_rule, statuses

IN = ev("entered_care", "2022-09-12", legal_status="C2")  # Mon 12 Sep 2022
PLACED = ev("placement_started", "2022-09-12", placement_type="U6")


def review(at, **kw):
    return ev("review_held", at, **kw)


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


TABLE = [
    # LAC-REV-1: 20 WD from Mon 12 Sep 2022 skipping Mon 19 Sep (State Funeral) is Tue 11 Oct 2022.
    case(
        "LAC-REV-1",
        [IN, review("2022-10-11")],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "met")],
        "rev1-met-on-the-due-day",
    ),
    case(
        "LAC-REV-1",
        [IN, review("2022-10-12")],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "late")],
        "rev1-late-by-a-day",
    ),
    case("LAC-REV-1", [IN], "2022-10-12", [("2022-09-12", "2022-10-11", "overdue")], "rev1-overdue"),
    case(
        "LAC-REV-1",
        [IN],
        "2022-10-05",
        [("2022-09-12", "2022-10-11", "due_soon")],
        "rev1-due-soon-5wd-before",
    ),
    case("LAC-REV-1", [IN], "2022-09-20", [("2022-09-12", "2022-10-11", "pending")], "rev1-pending"),
    case(
        "LAC-REV-1",
        [IN, ev("left_care", "2022-10-01", reason="E4A")],
        "2022-11-01",
        [("2022-09-12", "2022-10-11", "closed")],
        "rev1-closed-by-leaving-care",
    ),
    # Mon 19 Dec 2022 skipping 26 Dec, 27 Dec, 2 Jan: Thu 19 Jan 2023 (RULES.md worked example).
    case(
        "LAC-REV-1",
        [ev("entered_care", "2022-12-19", legal_status="C1")],
        "2023-01-01",
        [("2022-12-19", "2023-01-19", "pending")],
        "rev1-across-christmas",
    ),
    # Tue 2 May 2023 skipping 8 May (coronation) and 29 May: Thu 1 Jun 2023 (RULES.md).
    case(
        "LAC-REV-1",
        [ev("entered_care", "2023-05-02", legal_status="C1"), review("2023-06-01")],
        "2023-07-01",
        [("2023-05-02", "2023-06-01", "met")],
        "rev1-coronation-and-spring-bank-holiday",
    ),
    # Re-entry: Mon 10 Jan 2022 (due Mon 7 Feb, closed on leaving 20 Jan); Tue 1 Mar 2022 -> Tue 29 Mar 2022.
    case(
        "LAC-REV-1",
        [
            ev("entered_care", "2022-01-10", legal_status="V2"),
            ev("left_care", "2022-01-20", reason="E13"),
            ev("entered_care", "2022-03-01", legal_status="C1"),
            review("2022-03-29"),
        ],
        "2022-05-01",
        [("2022-01-10", "2022-02-07", "closed"), ("2022-03-01", "2022-03-29", "met")],
        "rev1-re-entry-restarts-the-clock",
    ),
    # A review before entering care (a data-quality finding) does not satisfy the new period.
    case(
        "LAC-REV-1",
        [review("2022-09-01"), IN],
        "2022-10-12",
        [("2022-09-12", "2022-10-11", "overdue")],
        "rev1-earlier-review-ignored",
    ),
    # LAC-REV-2: 3 months from the first review actually held.
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11"), review("2023-01-10")],
        "2023-02-01",
        [("2022-10-11", "2023-01-11", "met")],
        "rev2-met",
    ),
    # 31 Jan 2023 + 3 months = Sun 30 Apr 2023 (clamped); Mon 1 May was a bank holiday; 2 May is 1 WD late.
    case(
        "LAC-REV-2",
        [ev("entered_care", "2023-01-03", legal_status="C1"), review("2023-01-31"), review("2023-05-02")],
        "2023-06-01",
        [("2023-01-31", "2023-04-30", "late")],
        "rev2-month-end-clamp-and-may-bank-holiday",
    ),
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11")],
        "2023-02-01",
        [("2022-10-11", "2023-01-11", "overdue")],
        "rev2-overdue",
    ),
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11"), ev("left_care", "2022-12-01", reason="E41")],
        "2023-02-01",
        [("2022-10-11", "2023-01-11", "closed")],
        "rev2-closed",
    ),
    case(
        "LAC-REV-2",
        [IN, review("2022-10-11")],
        "2022-11-01",
        [("2022-10-11", "2023-01-11", "pending")],
        "rev2-pending",
    ),
    # LAC-REV-N: 6 months from the previous review; any review resets the clock.
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), review("2023-07-06")],
        "2023-08-01",
        [("2023-01-10", "2023-07-10", "met"), ("2023-07-06", "2024-01-06", "pending")],
        "revn-met-then-pending",
    ),
    # 31 Aug 2023 + 6 months = Thu 29 Feb 2024 (leap year clamp).
    case(
        "LAC-REV-N",
        [ev("entered_care", "2023-05-02", legal_status="C1"), review("2023-05-31"), review("2023-08-31")],
        "2024-03-01",
        [("2023-08-31", "2024-02-29", "overdue")],
        "revn-leap-day-clamp",
    ),
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), review("2023-07-20")],
        "2023-08-01",
        [("2023-01-10", "2023-07-10", "late"), ("2023-07-20", "2024-01-20", "pending")],
        "revn-late-resets-from-actual-date",
    ),
    case(
        "LAC-REV-N",
        [IN, review("2022-10-11"), review("2023-01-10"), ev("left_care", "2023-03-01", reason="E13")],
        "2023-08-01",
        [("2023-01-10", "2023-07-10", "closed")],
        "revn-closed",
    ),
    # LAC-REV-REC: Fri 22 Dec 2023 + 5 WD skipping 25, 26 Dec and 1 Jan = Wed 3 Jan 2024.
    case(
        "LAC-REV-REC",
        [
            ev("entered_care", "2023-11-27", legal_status="C1"),
            review("2023-12-22"),
            ev("review_decisions_circulated", "2024-01-03"),
        ],
        "2024-02-01",
        [("2023-12-22", "2024-01-03", "met")],
        "rec-met-across-new-year",
    ),
    case(
        "LAC-REV-REC",
        [IN, review("2022-10-11"), ev("review_decisions_circulated", "2022-10-19")],
        "2022-11-01",
        [("2022-10-11", "2022-10-18", "late")],
        "rec-late",
    ),
    case(
        "LAC-REV-REC",
        [IN, review("2022-10-11")],
        "2022-10-19",
        [("2022-10-11", "2022-10-18", "overdue")],
        "rec-overdue",
    ),
    # LAC-CPLAN: Mon 3 Apr 2023 + 10 WD skipping Good Friday 7 Apr and Easter Monday 10 Apr = Wed 19 Apr 2023.
    case(
        "LAC-CPLAN",
        [
            ev("entered_care", "2023-04-03", legal_status="C1"),
            ev("placement_started", "2023-04-03", placement_type="U6"),
            ev("care_plan_recorded", "2023-04-19"),
        ],
        "2023-05-01",
        [("2023-04-03", "2023-04-19", "met")],
        "cplan-met-easter",
    ),
    case(
        "LAC-CPLAN",
        [
            ev("entered_care", "2023-04-03", legal_status="C1"),
            ev("placement_started", "2023-04-03", placement_type="U6"),
            ev("care_plan_recorded", "2023-04-20"),
        ],
        "2023-05-01",
        [("2023-04-03", "2023-04-19", "late")],
        "cplan-late",
    ),
    case(
        "LAC-CPLAN",
        [IN, PLACED],
        "2022-10-01",
        [("2022-09-12", "2022-09-27", "overdue")],
        "cplan-overdue-state-funeral",
    ),
    case(
        "LAC-CPLAN",
        [IN, PLACED, ev("left_care", "2022-09-20", reason="E4A")],
        "2022-10-01",
        [("2022-09-12", "2022-09-27", "closed")],
        "cplan-closed",
    ),
    # LAC-PPLAN: Fri 25 Aug 2023 + 5 WD skipping Mon 28 Aug = Mon 4 Sep 2023.
    case(
        "LAC-PPLAN",
        [
            ev("entered_care", "2023-08-25", legal_status="C1"),
            ev("placement_started", "2023-08-25", placement_type="U6"),
            ev("placement_plan_recorded", "2023-09-04"),
        ],
        "2023-10-01",
        [("2023-08-25", "2023-09-04", "met")],
        "pplan-met",
    ),
    case(
        "LAC-PPLAN",
        [
            ev("entered_care", "2023-08-25", legal_status="C1"),
            ev("placement_started", "2023-08-25", placement_type="U6"),
            ev("placement_ended", "2023-08-30", reason="CARPL"),
        ],
        "2023-10-01",
        [("2023-08-25", "2023-09-04", "closed")],
        "pplan-closed-by-placement-end",
    ),
    case(
        "LAC-PPLAN",
        [IN, PLACED, ev("placement_plan_recorded", "2022-09-21")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "late")],
        "pplan-late",
    ),
    case("LAC-PPLAN", [IN, PLACED], "2022-09-21", [("2022-09-12", "2022-09-20", "overdue")], "pplan-overdue"),
    # LAC-IRO: Mon 12 Sep 2022 + 5 WD skipping Mon 19 Sep = Tue 20 Sep 2022.
    case(
        "LAC-IRO",
        [IN, ev("iro_allocated", "2022-09-20", iro="IRO1")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "met")],
        "iro-met",
    ),
    case(
        "LAC-IRO",
        [IN, ev("iro_allocated", "2022-09-21", iro="IRO1")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "late")],
        "iro-late",
    ),
    case("LAC-IRO", [IN], "2022-09-21", [("2022-09-12", "2022-09-20", "overdue")], "iro-overdue"),
    case("LAC-IRO", [IN], "2022-09-14", [("2022-09-12", "2022-09-20", "due_soon")], "iro-due-soon"),
    # LAC-PERM: due when the second review is held, else when it falls due.
    case(
        "LAC-PERM",
        [
            IN,
            review("2022-10-11"),
            review("2023-01-10"),
            ev("permanence_plan_recorded", "2022-12-15", plan="adoption"),
        ],
        "2023-02-01",
        [("2022-09-12", "2023-01-10", "met")],
        "perm-met-before-second-review",
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
        [("2022-09-12", "2023-01-10", "late")],
        "perm-late",
    ),
    case(
        "LAC-PERM",
        [IN, review("2022-10-11")],
        "2023-01-12",
        [("2022-09-12", "2023-01-11", "overdue")],
        "perm-overdue-second-review-due",
    ),
    case(
        "LAC-PERM",
        [IN, review("2022-10-11"), ev("left_care", "2022-11-01", reason="E13")],
        "2023-02-01",
        [("2022-09-12", "2023-01-11", "closed")],
        "perm-closed",
    ),
]


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_lac_rule_table(rule, events, as_of, expected):
    obligations = run_rule(rule, events, as_of=as_of)

    assert statuses(obligations) == expected


def test_days_late_counts_working_days_past_due():
    (first,) = run_rule("LAC-REV-1", [IN, review("2022-10-14")], as_of="2022-11-01")

    assert (first.days_late, first.met_on) == (3, date(2022, 10, 14))


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


def test_a_decisions_timescale_changed_from_april_2024_applies_only_to_reviews_held_from_then():
    settings = {("LAC-REV-REC", "within"): [(date(2024, 4, 1), "10 working days")]}
    events = [ev("entered_care", "2024-03-01", legal_status="C1"), review("2024-03-28"), review("2024-04-02")]

    got = statuses(
        run_rule("LAC-REV-REC", events, as_of="2024-03-28", settings=settings)
        + run_rule("LAC-REV-REC", events, as_of="2024-04-02", settings=settings)[1:]
    )

    # Thu 28 Mar + 5 WD skipping Good Friday 29 Mar and Easter Monday 1 Apr: 2, 3, 4, 5, 8 Apr = Mon 8 Apr 2024;
    # Tue 2 Apr + 10 WD = Tue 16 Apr 2024 (new timescale).
    assert got == [("2024-03-28", "2024-04-08", "due_soon"), ("2024-04-02", "2024-04-16", "pending")]


def test_counting_the_start_as_day_one_gives_the_census_convention():
    (first,) = run_rule("LAC-REV-1", [IN], as_of="2022-09-20", count_start_as_day_one=True)

    assert first.due == date(2022, 10, 10)
