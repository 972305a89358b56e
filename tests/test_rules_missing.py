"""Missing rules (MIS-RHI, MIS-IRO, MIS-REPEAT): tables of cases with real dates.

Every expected due date is worked out by hand; the reasoning is in the case id or the
comment above it. Hour-based due dates are London moments with their offset (BST +01:00,
GMT +00:00). None of these rules can be `closed`: the duty does not end with the episode.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import rules.catalogue  # noqa: F401  (registers every rule)
from rules.missing import repeat_triggers
from tests.builders import assert_rows, ev, facts, run_rule, statuses

IN_CARE = ev("entered_care", "2023-01-03", legal_status="C2")


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def episode(out, back, kind="missing"):
    return [ev("went_missing", out, kind=kind), ev("returned", back)]


def episodes(*days, kind="missing"):
    """A missing episode each day, out at 21:00 and back at 08:00 the next morning."""
    out = []
    for day in days:
        back = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        out += episode(f"{day}T21:00", f"{back}T08:00", kind=kind)
    return out


def interview(at):
    return ev("return_interview_completed", at)


# --- MIS-RHI: 72 elapsed hours from the return --------------------------------------------
# Sat 25 Mar 2023 12:00 GMT (12:00 UTC) + 72 h = Tue 28 Mar 12:00 UTC = 13:00 BST (clocks
# went forward at 01:00 on Sun 26 Mar).
MARCH = episode("2023-03-24T20:00", "2023-03-25T12:00")
MARCH_DUE = "2023-03-28T13:00:00+01:00"
# Sat 28 Oct 2023 12:00 BST (11:00 UTC) + 72 h = Tue 31 Oct 11:00 UTC = 11:00 GMT (clocks
# went back at 02:00 on Sun 29 Oct).
OCTOBER = episode("2023-10-27T20:00", "2023-10-28T12:00")
OCTOBER_DUE = "2023-10-31T11:00:00+00:00"

RHI = [
    case(
        "MIS-RHI",
        [*MARCH, interview("2023-03-28T12:30")],
        "2023-04-01",
        [("2023-03-25", MARCH_DUE, "met", "2023-03-28")],
        "met-march-clock-change-due-tue-13h00-bst",
    ),
    case(
        "MIS-RHI",
        [*MARCH, interview("2023-03-28T13:00")],
        "2023-04-01",
        [("2023-03-25", MARCH_DUE, "met", "2023-03-28")],
        "met-at-exactly-72-hours",
    ),
    case(
        "MIS-RHI",
        [*MARCH, interview("2023-03-28T13:01")],
        "2023-04-01",
        [("2023-03-25", MARCH_DUE, "late", "2023-03-28")],
        "late-by-one-minute",
    ),
    case(
        "MIS-RHI",
        [*MARCH, ev("return_interview_declined", "2023-03-26T10:00")],
        "2023-04-01",
        [("2023-03-25", MARCH_DUE, "met", "2023-03-26")],
        "declined-counts",
    ),
    case(
        "MIS-RHI",
        [*OCTOBER, interview("2023-10-31T11:00")],
        "2023-11-01",
        [("2023-10-28", OCTOBER_DUE, "met", "2023-10-31")],
        "met-october-clock-change-due-tue-11h00-gmt",
    ),
    case(
        "MIS-RHI",
        [*OCTOBER, interview("2023-10-31T11:30")],
        "2023-11-01",
        [("2023-10-28", OCTOBER_DUE, "late", "2023-10-31")],
        "late-october-12h00-would-be-wrong-by-an-hour",
    ),
    case("MIS-RHI", MARCH, "2023-03-29", [("2023-03-25", MARCH_DUE, "overdue")], "overdue"),
    # 72 hours always fall inside the 5-working-day warning window: never `pending` at the default.
    case("MIS-RHI", MARCH, "2023-03-26", [("2023-03-25", MARCH_DUE, "due_soon")], "due-soon"),
    # Date only: Mon 3 Jul 2023 + ceil(72/24) = 3 days: end of Thu 6 Jul 2023 (approximate).
    case(
        "MIS-RHI",
        [*episode("2023-07-02", "2023-07-03"), interview("2023-07-06T23:00")],
        "2023-07-10",
        [("2023-07-03", "2023-07-06", "met", "2023-07-06")],
        "date-only-return-end-of-thu-6-jul",
    ),
    case(
        "MIS-RHI",
        [*episode("2023-07-02", "2023-07-03"), interview("2023-07-07T09:00")],
        "2023-07-10",
        [("2023-07-03", "2023-07-06", "late", "2023-07-07")],
        "date-only-return-friday-interview-late",
    ),
    case(
        "MIS-RHI",
        [*MARCH, interview("2023-03-25T11:00")],
        "2023-03-29",
        [("2023-03-25", MARCH_DUE, "overdue")],
        "an-interview-before-the-return-does-not-count",
    ),
    case("MIS-RHI", [ev("went_missing", "2023-03-24T20:00")], "2023-04-01", [], "still-missing-no-clock"),
    case(
        "MIS-RHI",
        episode("2023-07-02T20:00", "2023-07-03T08:00", kind="away"),
        "2023-08-01",
        [],
        "away-needs-no-interview-by-default",
    ),
    # A looked-after child; leaving care does not close it (children at home are the other cases).
    case(
        "MIS-RHI",
        [IN_CARE, *MARCH, ev("left_care", "2023-03-26", reason="E13")],
        "2023-03-29",
        [("2023-03-25", MARCH_DUE, "overdue")],
        "looked-after-child-leaving-care-does-not-close-it",
    ),
    # Two episodes, one interview: returned Tue 4 Jul 08:00 BST (due Fri 7 Jul 08:00) and
    # Fri 7 Jul 09:00 (due Mon 10 Jul 09:00); the interview on Sat 8 Jul answers both.
    case(
        "MIS-RHI",
        [
            *episode("2023-07-03T20:00", "2023-07-04T08:00"),
            *episode("2023-07-06T20:00", "2023-07-07T09:00"),
            interview("2023-07-08T11:00"),
        ],
        "2023-07-12",
        [
            ("2023-07-04", "2023-07-07T08:00:00+01:00", "late", "2023-07-08"),
            ("2023-07-07", "2023-07-10T09:00:00+01:00", "met", "2023-07-08"),
        ],
        "one-interview-after-two-episodes",
    ),
]

# --- MIS-IRO: 1 working day from going missing, looked-after children only -----------------
# Fri 25 Aug 2023 + 1 WD: Mon 28 Aug is the summer bank holiday, so Tue 29 Aug 2023.
AUG = [IN_CARE, ev("went_missing", "2023-08-25T22:00")]

IRO = [
    case(
        "MIS-IRO",
        [*AUG, ev("iro_informed", "2023-08-29")],
        "2023-09-01",
        [("2023-08-25", "2023-08-29", "met", "2023-08-29")],
        "met-tuesday-after-the-august-bank-holiday",
    ),
    case(
        "MIS-IRO",
        [*AUG, ev("iro_informed", "2023-08-25T23:00", about="missing")],
        "2023-09-01",
        [("2023-08-25", "2023-08-29", "met", "2023-08-25")],
        "met-the-same-night",
    ),
    case(
        "MIS-IRO",
        [*AUG, ev("iro_informed", "2023-08-30")],
        "2023-09-01",
        [("2023-08-25", "2023-08-29", "late", "2023-08-30")],
        "late-wednesday",
    ),
    case("MIS-IRO", AUG, "2023-08-30", [("2023-08-25", "2023-08-29", "overdue")], "overdue"),
    # 1 WD always falls inside the 5-working-day warning window: never `pending` at the default.
    case("MIS-IRO", AUG, "2023-08-26", [("2023-08-25", "2023-08-29", "due_soon")], "due-soon"),
    case(
        "MIS-IRO",
        [*AUG, ev("iro_informed", "2023-08-29", about="placement_change")],
        "2023-09-01",
        [("2023-08-25", "2023-08-29", "overdue")],
        "informed-about-something-else-does-not-count",
    ),
    case(
        "MIS-IRO",
        [*AUG, ev("left_care", "2023-08-26", reason="E16")],
        "2023-08-30",
        [("2023-08-25", "2023-08-29", "overdue")],
        "leaving-care-during-the-episode-does-not-close-it",
    ),
    case("MIS-IRO", [ev("went_missing", "2023-08-25T22:00")], "2023-09-01", [], "child-at-home-has-no-iro"),
    case(
        "MIS-IRO",
        [IN_CARE, ev("left_care", "2023-06-01", reason="E13"), ev("went_missing", "2023-08-25T22:00")],
        "2023-09-01",
        [],
        "after-leaving-care-no-iro",
    ),
    case(
        "MIS-IRO",
        [IN_CARE, ev("went_missing", "2023-08-25T22:00", kind="away")],
        "2023-09-01",
        [],
        "away-is-not-a-missing-episode-by-default",
    ),
]

# --- MIS-REPEAT: a trigger meeting within 5 WD of the 3rd episode in 30 days --------------
# Mon 2, Fri 13 and Sun 29 Oct 2023: 27 days from first to last. The clock starts on Sun
# 29 Oct (not a working day), so Mon 30 Oct is day 1: 30, 31 Oct, 1, 2, 3 Nov = Fri 3 Nov.
THREE_IN_OCTOBER = episodes("2023-10-02", "2023-10-13", "2023-10-29")
OCT_TRIGGER = ("2023-10-29", "2023-11-03")


def meeting(at, level=1):
    return ev("missing_trigger_meeting", at, level=level)


REPEAT = [
    case(
        "MIS-REPEAT",
        [*THREE_IN_OCTOBER, meeting("2023-11-03")],
        "2023-12-01",
        [(*OCT_TRIGGER, "met", "2023-11-03")],
        "met-fri-3-nov",
    ),
    case(
        "MIS-REPEAT",
        [*THREE_IN_OCTOBER, meeting("2023-11-06")],
        "2023-12-01",
        [(*OCT_TRIGGER, "late", "2023-11-06")],
        "late-mon-6-nov",
    ),
    case("MIS-REPEAT", THREE_IN_OCTOBER, "2023-11-06", [(*OCT_TRIGGER, "overdue")], "overdue"),
    case("MIS-REPEAT", THREE_IN_OCTOBER, "2023-10-30", [(*OCT_TRIGGER, "due_soon")], "due-soon"),
    case(
        "MIS-REPEAT",
        [*THREE_IN_OCTOBER, meeting("2023-11-02", level=2)],
        "2023-12-01",
        [(*OCT_TRIGGER, "met", "2023-11-02")],
        "a-level-2-meeting-covers-level-1",
    ),
    case(
        "MIS-REPEAT",
        [*THREE_IN_OCTOBER, ev("missing_trigger_meeting", "2023-11-02")],
        "2023-12-01",
        [(*OCT_TRIGGER, "met", "2023-11-02")],
        "a-meeting-with-no-level-recorded-counts",
    ),
    # Sun 1, Sun 15 and Mon 30 Oct 2023: 29 days apart, so within 30 days. Trigger Mon 30 Oct:
    # 31 Oct, 1, 2, 3, 6 Nov = Mon 6 Nov.
    case(
        "MIS-REPEAT",
        episodes("2023-10-01", "2023-10-15", "2023-10-30"),
        "2023-11-07",
        [("2023-10-30", "2023-11-06", "overdue")],
        "first-and-third-29-days-apart-is-within-30",
    ),
    case(
        "MIS-REPEAT",
        episodes("2023-10-01", "2023-10-15", "2023-10-31"),
        "2023-11-07",
        [],
        "first-and-third-30-days-apart-is-not",
    ),
    case(
        "MIS-REPEAT",
        episodes("2023-09-01", "2023-10-13", "2023-10-29"),
        "2023-11-06",
        [],
        "three-in-59-days-is-not-a-trigger",
    ),
    # No meeting: the later episodes (31 Oct, 5 and 10 Nov) start no new clock.
    case(
        "MIS-REPEAT",
        [*THREE_IN_OCTOBER, *episodes("2023-10-31", "2023-11-05", "2023-11-10")],
        "2023-11-15",
        [(*OCT_TRIGGER, "overdue")],
        "while-no-meeting-is-held-later-episodes-start-no-new-clock",
    ),
    # Met on Fri 3 Nov; the 31 Oct episode is covered by it; after it the count restarts:
    # Sun 5, Fri 10 and Mon 20 Nov make 3, so Mon 20 Nov starts a clock: 21, 22, 23, 24,
    # 27 Nov = Mon 27 Nov.
    case(
        "MIS-REPEAT",
        [
            *THREE_IN_OCTOBER,
            *episodes("2023-10-31"),
            meeting("2023-11-03"),
            *episodes("2023-11-05", "2023-11-10", "2023-11-20"),
        ],
        "2023-12-01",
        [(*OCT_TRIGGER, "met", "2023-11-03"), ("2023-11-20", "2023-11-27", "overdue")],
        "after-a-meeting-the-count-starts-again",
    ),
    case(
        "MIS-REPEAT",
        [
            *THREE_IN_OCTOBER,
            *episodes("2023-10-31"),
            meeting("2023-11-03"),
            *episodes("2023-11-05", "2023-11-10"),
        ],
        "2023-12-01",
        [(*OCT_TRIGGER, "met", "2023-11-03")],
        "episodes-before-the-meeting-do-not-count-again",
    ),
    case(
        "MIS-REPEAT",
        [*episodes("2023-10-02", "2023-10-13"), meeting("2023-10-16"), *episodes("2023-10-29")],
        "2023-11-06",
        [],
        "a-meeting-held-before-the-third-episode-restarts-the-count",
    ),
    case(
        "MIS-REPEAT",
        [*episodes("2023-10-02", kind="away"), *episodes("2023-10-13", "2023-10-29")],
        "2023-11-06",
        [],
        "away-episodes-do-not-count-by-default",
    ),
    case(
        "MIS-REPEAT",
        [IN_CARE, *THREE_IN_OCTOBER, ev("left_care", "2023-10-30", reason="E13")],
        "2023-11-06",
        [(*OCT_TRIGGER, "overdue")],
        "looked-after-child-leaving-care-does-not-close-it",
    ),
]

TABLE = RHI + IRO + REPEAT


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), RHI)
def test_return_interview_cases(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), IRO)
def test_iro_informed_cases(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), REPEAT)
def test_repeat_missing_cases(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


# --- explanations and details ------------------------------------------------------------


def test_an_interview_one_minute_late_is_late_by_no_whole_working_day():
    (rhi,) = run_rule("MIS-RHI", [*MARCH, interview("2023-03-28T13:01")], as_of="2023-04-01")

    assert (rhi.status, rhi.days_late) == ("late", 0)
    assert rhi.explanation[2].endswith("after the deadline, within the same working day")


def test_the_rhi_explanation_shows_the_clock_change_and_the_weekend():
    (rhi,) = run_rule("MIS-RHI", MARCH, as_of="2023-03-26")

    assert "72 hours from Sat 25 Mar 2023 12:00 GMT is Tue 28 Mar 2023 13:00 BST (clocks changed)" in (
        rhi.explanation
    )
    assert (
        "72 hours are clock hours, not working hours: Sat 25 Mar 2023, Sun 26 Mar 2023 count in full"
        in rhi.explanation
    )


def test_a_return_with_no_time_gives_an_approximate_deadline():
    (rhi,) = run_rule("MIS-RHI", episode("2023-07-02", "2023-07-03"), as_of="2023-07-04")

    assert rhi.approximate
    assert "(no time recorded) is taken as the end of Thu 6 Jul 2023" in rhi.explanation[1]


def test_going_missing_again_before_the_interview_is_noted():
    events = [
        *episode("2023-07-03T20:00", "2023-07-04T08:00"),
        *episode("2023-07-06T20:00", "2023-07-07T09:00"),
        interview("2023-07-08T11:00"),
    ]

    first, second = run_rule("MIS-RHI", events, as_of="2023-07-12")

    assert "Went missing again on Thu 6 Jul 2023, before an interview was recorded" in first.explanation
    assert not any("Went missing again" in line for line in second.explanation)


def test_two_returns_on_one_day_are_two_obligations_with_different_keys():
    events = [
        *episode("2023-07-03T09:00", "2023-07-03T12:00"),
        *episode("2023-07-03T15:00", "2023-07-03T18:00"),
    ]

    got = run_rule("MIS-RHI", events, as_of="2023-07-04")

    assert len(got) == 2
    assert got[0].key != got[1].key


def test_a_council_can_ask_for_return_interviews_after_absences_too():
    events = episode("2023-07-02T20:00", "2023-07-03T08:00", kind="away")

    got = run_rule(
        "MIS-RHI", events, as_of="2023-08-01", settings={("MIS-RHI", "kinds"): ("missing", "away")}
    )

    # Mon 3 Jul 08:00 BST + 72 h = Thu 6 Jul 08:00 BST.
    assert statuses(got) == [("2023-07-03", "2023-07-06T08:00:00+01:00", "overdue")]


def test_an_unmet_trigger_lists_the_episodes_counted_and_the_later_ones():
    events = [*THREE_IN_OCTOBER, *episodes("2023-10-31", "2023-11-05")]

    (repeat,) = run_rule("MIS-REPEAT", events, as_of="2023-11-15")

    assert "Episodes counted (3 within 30 days): Mon 2 Oct 2023, Fri 13 Oct 2023, Sun 29 Oct 2023" in (
        repeat.explanation
    )
    assert "Later episodes, no new clock until a meeting is held: Tue 31 Oct 2023, Sun 5 Nov 2023" in (
        repeat.explanation
    )


def test_repeat_triggers_reads_the_threshold_in_force_on_each_day():
    starts = [
        f for f in facts(episodes("2023-10-02", "2023-10-13", "2023-10-29")) if f.type == "went_missing"
    ]

    def threshold(day):
        return (2, 30) if day >= date(2023, 10, 10) else (3, 30)

    triggers = list(repeat_triggers(starts, [], threshold))

    # On Fri 13 Oct two episodes are enough; with no meeting, nothing after it triggers again.
    assert [(t.on, [s.on for s in counted], met) for t, counted, met in triggers] == [
        (date(2023, 10, 13), [date(2023, 10, 2), date(2023, 10, 13)], None)
    ]


# --- council settings: only clocks starting on or after effective_from move ----------------


def test_a_shorter_rhi_window_applies_only_to_returns_from_its_effective_date():
    settings = {("MIS-RHI", "within"): [(date(2023, 3, 26), "48 hours")]}
    later = episode("2023-03-26T20:00", "2023-03-27T09:00")  # Mon 27 Mar 2023 09:00 BST

    before = run_rule("MIS-RHI", MARCH, as_of="2023-03-26", settings=settings)
    after = run_rule("MIS-RHI", later, as_of="2023-03-27", settings=settings)

    assert statuses(before) == [("2023-03-25", MARCH_DUE, "due_soon")]
    # Mon 27 Mar 09:00 + 48 h = Wed 29 Mar 2023 09:00 BST.
    assert statuses(after) == [("2023-03-27", "2023-03-29T09:00:00+01:00", "due_soon")]


def test_a_longer_iro_timescale_applies_only_to_episodes_from_its_effective_date():
    settings = {("MIS-IRO", "within"): [(date(2023, 8, 26), "2 working days")]}
    events = [*AUG, ev("returned", "2023-08-26T10:00"), ev("went_missing", "2023-09-01T22:00")]

    got = run_rule("MIS-IRO", events, as_of="2023-09-02", settings=settings)

    # Fri 25 Aug keeps 1 WD (Tue 29 Aug); Fri 1 Sep gets 2 WD: Mon 4, Tue 5 Sep.
    assert statuses(got) == [
        ("2023-08-25", "2023-08-29", "overdue"),
        ("2023-09-01", "2023-09-05", "due_soon"),
    ]


def test_a_longer_meeting_timescale_applies_only_to_triggers_from_its_effective_date():
    before = {("MIS-REPEAT", "within"): [(date(2023, 11, 1), "10 working days")]}
    after = {("MIS-REPEAT", "within"): [(date(2023, 10, 20), "10 working days")]}

    unchanged = run_rule("MIS-REPEAT", THREE_IN_OCTOBER, as_of="2023-10-30", settings=before)
    changed = run_rule("MIS-REPEAT", THREE_IN_OCTOBER, as_of="2023-10-30", settings=after)

    assert statuses(unchanged) == [(*OCT_TRIGGER, "due_soon")]
    # Sun 29 Oct + 10 WD: 30, 31 Oct, 1, 2, 3, 6, 7, 8, 9, 10 Nov = Fri 10 Nov; 30 Oct + 5 WD = 6 Nov.
    assert statuses(changed) == [("2023-10-29", "2023-11-10", "pending")]


def test_a_council_can_trigger_on_two_episodes_from_a_date():
    settings = {("MIS-REPEAT", "episodes"): [(date(2023, 10, 10), 2)]}

    got = run_rule("MIS-REPEAT", THREE_IN_OCTOBER, as_of="2023-11-06", settings=settings)

    # Fri 13 Oct is the 2nd in 30 days: 16-20 Oct = Fri 20 Oct.
    assert statuses(got) == [("2023-10-13", "2023-10-20", "overdue")]
