"""Health and missing-from-care rules: tables of cases with real dates, worked out by hand."""

from datetime import date, timedelta

import pytest

import rules.catalogue  # noqa: F401
from tests.builders import ev, run_rule, statuses

BORN_2014 = ev("child_registered", "2014-01-01", dob="2014-01-01")


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


ENTRY_FRI = ev("entered_care", "2023-10-06T15:00", legal_status="C1")  # Fri 6 Oct 2023 15:00 BST
ENTRY_MAY = ev("entered_care", "2023-05-02", legal_status="C1")  # Tue 2 May 2023
IN_CARE = ev("entered_care", "2023-01-03", legal_status="C2")


def episodes(*days):
    """A missing episode each day, out at 21:00 and back at 08:00 the next morning."""
    out = []
    for day in days:
        back = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        out += [ev("went_missing", f"{day}T21:00"), ev("returned", f"{back}T08:00")]
    return out


THREE_IN_OCTOBER = episodes("2023-10-02", "2023-10-13", "2023-10-29")  # 3 in 28 days

TABLE = [
    # HLT-IHA-REQ: 48 clock hours, weekends included.
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, ev("health_assessment_requested", "2023-10-08T10:00", kind="initial")],
        "2023-10-20",
        [("2023-10-06", "2023-10-08T15:00:00+01:00", "met")],
        "iha-req-met-over-the-weekend",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI, ev("health_assessment_requested", "2023-10-09T09:00", kind="initial")],
        "2023-10-20",
        [("2023-10-06", "2023-10-08T15:00:00+01:00", "late")],
        "iha-req-monday-is-late",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI],
        "2023-10-09",
        [("2023-10-06", "2023-10-08T15:00:00+01:00", "overdue")],
        "iha-req-overdue",
    ),
    case(
        "HLT-IHA-REQ",
        [ENTRY_FRI],
        "2023-10-07",
        [("2023-10-06", "2023-10-08T15:00:00+01:00", "due_soon")],
        "iha-req-due-soon",
    ),
    # Date-only entry: end of Wed 14 Sep 2022 (approximate).
    case(
        "HLT-IHA-REQ",
        [
            ev("entered_care", "2022-09-12", legal_status="C1"),
            ev("health_assessment_requested", "2022-09-14T18:00", kind="initial"),
        ],
        "2022-10-01",
        [("2022-09-12", "2022-09-14", "met")],
        "iha-req-date-only-entry",
    ),
    case(
        "HLT-IHA-REQ",
        [ev("entered_care", "2022-09-12", legal_status="C1"), ev("left_care", "2022-09-13", reason="E13")],
        "2022-10-01",
        [("2022-09-12", "2022-09-14", "closed")],
        "iha-req-closed",
    ),
    # HLT-IHA: Tue 2 May 2023 + 20 WD skipping 8 May (coronation) and 29 May = Thu 1 Jun 2023.
    case(
        "HLT-IHA",
        [ENTRY_MAY, ev("health_assessment_completed", "2023-06-01", kind="initial")],
        "2023-07-01",
        [("2023-05-02", "2023-06-01", "met")],
        "iha-met-coronation",
    ),
    case(
        "HLT-IHA",
        [ENTRY_MAY, ev("health_assessment_completed", "2023-06-02", kind="initial")],
        "2023-07-01",
        [("2023-05-02", "2023-06-01", "late")],
        "iha-late",
    ),
    case("HLT-IHA", [ENTRY_MAY], "2023-06-02", [("2023-05-02", "2023-06-01", "overdue")], "iha-overdue"),
    case(
        "HLT-IHA",
        [ENTRY_MAY, ev("left_care", "2023-05-20", reason="E4A")],
        "2023-07-01",
        [("2023-05-02", "2023-06-01", "closed")],
        "iha-closed",
    ),
    case(
        "HLT-IHA",
        [ENTRY_MAY, ev("health_assessment_completed", "2023-05-30", kind="review")],
        "2023-06-02",
        [("2023-05-02", "2023-06-01", "overdue")],
        "iha-review-kind-does-not-count",
    ),
    # HLT-RHA: 6 months under 5, 12 months from the 5th birthday (age at the previous assessment).
    case(
        "HLT-RHA",
        [
            ev("child_registered", "2019-06-01", dob="2019-06-01"),
            ev("entered_care", "2023-03-01", legal_status="C1"),
            ev("health_assessment_completed", "2023-03-15", kind="initial"),
            ev("health_assessment_completed", "2023-09-14", kind="review"),
        ],
        "2023-10-01",
        [("2023-03-15", "2023-09-15", "met"), ("2023-09-14", "2024-03-14", "pending")],
        "rha-under-five-six-months",
    ),
    case(
        "HLT-RHA",
        [
            ev("child_registered", "2018-09-01", dob="2018-09-01"),
            ev("entered_care", "2023-03-01", legal_status="C1"),
            ev("health_assessment_completed", "2023-04-03", kind="initial"),
            ev("health_assessment_completed", "2023-10-03", kind="review"),
        ],
        "2024-11-01",
        [("2023-04-03", "2023-10-03", "met"), ("2023-10-03", "2024-10-03", "overdue")],
        "rha-turned-five-then-twelve-months",
    ),
    case(
        "HLT-RHA",
        [
            BORN_2014,
            ev("entered_care", "2024-02-01", legal_status="C1"),
            ev("health_assessment_completed", "2024-02-29", kind="initial"),
        ],
        "2025-03-03",
        [("2024-02-29", "2025-02-28", "overdue")],
        "rha-leap-day-plus-twelve-months",
    ),
    case(
        "HLT-RHA",
        [
            BORN_2014,
            ev("entered_care", "2024-02-01", legal_status="C1"),
            ev("health_assessment_completed", "2024-02-29", kind="initial"),
            ev("left_care", "2024-06-01", reason="E13"),
        ],
        "2025-03-03",
        [("2024-02-29", "2025-02-28", "closed")],
        "rha-closed",
    ),
    # HLT-DENTAL: 12 months from entering care, then from each check.
    case(
        "HLT-DENTAL",
        [ev("entered_care", "2023-01-16", legal_status="C1"), ev("dental_check", "2023-12-01")],
        "2025-01-06",
        [("2023-01-16", "2024-01-16", "met"), ("2023-12-01", "2024-12-01", "overdue")],
        "dental-met-then-overdue",
    ),
    case(
        "HLT-DENTAL",
        [ev("entered_care", "2023-01-16", legal_status="C1"), ev("dental_check", "2024-01-17")],
        "2024-02-01",
        [("2023-01-16", "2024-01-16", "late"), ("2024-01-17", "2025-01-17", "pending")],
        "dental-late",
    ),
    # MIS-RHI: 72 elapsed hours from the return.
    case(
        "MIS-RHI",
        [
            ev("went_missing", "2023-03-24T20:00"),
            ev("returned", "2023-03-25T12:00"),
            ev("return_interview_completed", "2023-03-28T12:30"),
        ],
        "2023-04-01",
        [("2023-03-25", "2023-03-28T13:00:00+01:00", "met")],
        "rhi-march-clock-change",
    ),
    case(
        "MIS-RHI",
        [
            ev("went_missing", "2023-10-27T20:00"),
            ev("returned", "2023-10-28T12:00"),
            ev("return_interview_completed", "2023-10-31T11:30"),
        ],
        "2023-11-01",
        [("2023-10-28", "2023-10-31T11:00:00+00:00", "late")],
        "rhi-october-clock-change-late-by-half-an-hour",
    ),
    case(
        "MIS-RHI",
        [
            ev("went_missing", "2023-03-24T20:00"),
            ev("returned", "2023-03-25T12:00"),
            ev("return_interview_declined", "2023-03-26T10:00"),
        ],
        "2023-04-01",
        [("2023-03-25", "2023-03-28T13:00:00+01:00", "met")],
        "rhi-declined-counts",
    ),
    case(
        "MIS-RHI",
        [ev("went_missing", "2023-03-24T20:00"), ev("returned", "2023-03-25T12:00")],
        "2023-03-29",
        [("2023-03-25", "2023-03-28T13:00:00+01:00", "overdue")],
        "rhi-overdue",
    ),
    case(
        "MIS-RHI",
        [ev("went_missing", "2023-07-02"), ev("returned", "2023-07-03")],
        "2023-07-04",
        [("2023-07-03", "2023-07-06", "due_soon")],
        "rhi-date-only-approximate",
    ),
    case(
        "MIS-RHI",
        [ev("went_missing", "2023-07-02T20:00", kind="away"), ev("returned", "2023-07-03T08:00")],
        "2023-08-01",
        [],
        "rhi-away-needs-no-interview",
    ),
    # MIS-IRO: 1 WD; Fri 25 Aug 2023 + 1 WD skipping Mon 28 Aug = Tue 29 Aug 2023.
    case(
        "MIS-IRO",
        [IN_CARE, ev("went_missing", "2023-08-25T22:00"), ev("iro_informed", "2023-08-29")],
        "2023-09-01",
        [("2023-08-25", "2023-08-29", "met")],
        "mis-iro-met-after-bank-holiday",
    ),
    case(
        "MIS-IRO",
        [IN_CARE, ev("went_missing", "2023-08-25T22:00"), ev("iro_informed", "2023-08-30")],
        "2023-09-01",
        [("2023-08-25", "2023-08-29", "late")],
        "mis-iro-late",
    ),
    case(
        "MIS-IRO",
        [IN_CARE, ev("went_missing", "2023-08-25T22:00")],
        "2023-08-30",
        [("2023-08-25", "2023-08-29", "overdue")],
        "mis-iro-overdue",
    ),
    case("MIS-IRO", [ev("went_missing", "2023-08-25T22:00")], "2023-09-01", [], "mis-iro-not-looked-after"),
    # MIS-REPEAT: 3 episodes within 30 days; Sun 29 Oct 2023 start, so Mon 30 Oct is day 1: due Fri 3 Nov 2023.
    case(
        "MIS-REPEAT",
        [
            *THREE_IN_OCTOBER,
            ev("missing_trigger_meeting", "2023-11-03", level=1),
        ],
        "2023-12-01",
        [("2023-10-29", "2023-11-03", "met")],
        "repeat-met",
    ),
    case(
        "MIS-REPEAT",
        [
            *THREE_IN_OCTOBER,
        ],
        "2023-11-06",
        [("2023-10-29", "2023-11-03", "overdue")],
        "repeat-overdue",
    ),
    case(
        "MIS-REPEAT",
        episodes("2023-09-01", "2023-10-13", "2023-10-29"),
        "2023-11-06",
        [],
        "repeat-three-in-59-days-is-not-a-trigger",
    ),
]


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_health_and_missing_rule_table(rule, events, as_of, expected):
    assert statuses(run_rule(rule, events, as_of=as_of)) == expected


def test_an_appointment_the_child_was_not_brought_to_is_in_the_explanation():
    events = [ENTRY_MAY, ev("health_appointment", "2023-05-20", kind="initial", outcome="not_brought")]

    (iha,) = run_rule("HLT-IHA", events, as_of="2023-06-02")

    assert "Appointment on Sat 20 May 2023: not brought" in iha.explanation


def test_a_return_with_no_time_gives_an_approximate_deadline():
    (rhi,) = run_rule(
        "MIS-RHI", [ev("went_missing", "2023-07-02"), ev("returned", "2023-07-03")], as_of="2023-07-04"
    )

    assert rhi.approximate
    assert "no time recorded" in rhi.explanation[1]


def test_a_council_can_ask_for_return_interviews_after_absences_too():
    events = [ev("went_missing", "2023-07-02T20:00", kind="away"), ev("returned", "2023-07-03T08:00")]

    got = run_rule(
        "MIS-RHI", events, as_of="2023-08-01", settings={("MIS-RHI", "kinds"): ("missing", "away")}
    )

    assert statuses(got) == [("2023-07-03", "2023-07-06T08:00:00+01:00", "overdue")]


def test_an_interview_half_an_hour_late_is_late_by_no_whole_working_day():
    events = [
        ev("went_missing", "2023-10-27T20:00"),
        ev("returned", "2023-10-28T12:00"),
        ev("return_interview_completed", "2023-10-31T11:30"),
    ]

    (rhi,) = run_rule("MIS-RHI", events, as_of="2023-11-01")

    assert (rhi.status, rhi.days_late) == ("late", 0)
    assert rhi.explanation[2].endswith("after the deadline, within the same working day")
