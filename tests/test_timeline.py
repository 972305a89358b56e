from datetime import UTC, date, datetime

import pytest

from events.models import parse_event
from events.timeline import Fact, build_timeline

UTC = UTC


def make(events, child="C1"):
    return [Fact(parse_event({"child": child, **e}).to_record(), seq=i) for i, e in enumerate(events)]


def test_facts_are_ordered_by_when_they_happened_then_by_recording_order():
    facts = make(
        [
            {"type": "review_held", "at": "2022-10-11"},
            {"type": "entered_care", "at": "2022-09-12", "legal_status": "C2"},
            {"type": "statutory_visit", "at": "2022-10-11"},
        ]
    )

    tl = build_timeline("C1", facts)

    assert [f.type for f in tl.facts] == ["entered_care", "review_held", "statutory_visit"]


def test_periods_of_care_hold_their_placements_and_legal_statuses():
    facts = make(
        [
            {"type": "entered_care", "at": "2022-09-12", "legal_status": "V2"},
            {"type": "placement_started", "at": "2022-09-12", "placement_type": "U6"},
            {"type": "legal_status_changed", "at": "2022-11-01", "legal_status": "C1"},
            {"type": "placement_ended", "at": "2023-01-10", "reason": "CARPL"},
            {"type": "placement_started", "at": "2023-01-10", "placement_type": "K2"},
            {"type": "left_care", "at": "2023-06-30", "reason": "E4A"},
            {"type": "entered_care", "at": "2024-02-01", "legal_status": "C2"},
        ]
    )

    tl = build_timeline("C1", facts)

    first, second = tl.periods
    assert (first.started_on, first.ended_on) == (date(2022, 9, 12), date(2023, 6, 30))
    assert [(p.placement_type, p.started_on, p.ended_on) for p in first.placements] == [
        ("U6", date(2022, 9, 12), date(2023, 1, 10)),
        ("K2", date(2023, 1, 10), date(2023, 6, 30)),
    ]
    assert first.legal_status_on(date(2022, 10, 1)) == "V2"
    assert first.legal_status_on(date(2022, 11, 1)) == "C1"
    assert (second.number, second.ended_on) == (2, None)
    assert tl.period_on(date(2023, 7, 1)) is None
    assert tl.period_on(date(2024, 2, 1)) is second


def test_a_return_with_no_open_missing_episode_is_a_finding_not_a_repair():
    facts = make(
        [
            {"type": "went_missing", "at": "2023-03-01T20:00"},
            {"type": "returned", "at": "2023-03-02T08:00"},
            {"type": "returned", "at": "2023-03-05T08:00"},
        ]
    )

    tl = build_timeline("C1", facts)

    assert len(tl.missing_episodes) == 1
    assert [f.code for f in tl.findings] == ["DQ-RETURN-WITHOUT-MISSING"]
    assert len(tl.of_type("returned")) == 2


def test_a_review_before_the_child_entered_care_is_a_finding():
    facts = make(
        [
            {"type": "review_held", "at": "2022-09-01"},
            {"type": "entered_care", "at": "2022-09-12", "legal_status": "C2"},
        ]
    )

    tl = build_timeline("C1", facts)

    assert [f.code for f in tl.findings] == ["DQ-REVIEW-NOT-IN-CARE"]


def test_entering_care_twice_without_leaving_is_a_finding_and_keeps_one_period():
    facts = make(
        [
            {"type": "entered_care", "at": "2022-09-12", "legal_status": "C2"},
            {"type": "entered_care", "at": "2022-10-01", "legal_status": "C2"},
        ]
    )

    tl = build_timeline("C1", facts)

    assert len(tl.periods) == 1
    assert [f.code for f in tl.findings] == ["DQ-TWO-PERIODS"]


def test_a_child_protection_plan_runs_from_the_icpc_to_the_conference_that_ends_it():
    facts = make(
        [
            {"type": "icpc_held", "at": "2023-01-10", "outcome": "plan"},
            {"type": "rcpc_held", "at": "2023-04-10", "outcome": "continue"},
            {"type": "rcpc_held", "at": "2023-10-10", "outcome": "end"},
            {"type": "icpc_held", "at": "2024-01-10", "outcome": "plan"},
            {"type": "cp_plan_ended", "at": "2024-03-01"},
        ]
    )

    tl = build_timeline("C1", facts)

    assert [(p.started_on, p.ended_on) for p in tl.protection_plans] == [
        (date(2023, 1, 10), date(2023, 10, 10)),
        (date(2024, 1, 10), date(2024, 3, 1)),
    ]


def retraction_story():
    return [
        Fact(
            parse_event(
                {
                    "child": "C1",
                    "type": "review_held",
                    "at": "2022-10-11",
                    "id": "R1",
                    "recorded_at": "2022-10-12T10:00:00+01:00",
                }
            ).to_record(),
            seq=0,
        ),
        Fact(
            parse_event(
                {
                    "child": "C1",
                    "type": "retracted",
                    "at": "2022-11-01",
                    "id": "X1",
                    "target": "R1",
                    "reason": "entered in error",
                    "recorded_at": "2022-11-01T09:00:00+00:00",
                }
            ).to_record(),
            seq=1,
        ),
    ]


def test_before_a_retraction_was_recorded_the_target_still_counts():
    tl = build_timeline("C1", retraction_story(), known_at=datetime(2022, 10, 31, 12, tzinfo=UTC))

    assert [f.id for f in tl.of_type("review_held")] == ["R1"]
    assert tl.retracted == ()


def test_after_a_retraction_was_recorded_the_target_no_longer_counts():
    tl = build_timeline("C1", retraction_story(), known_at=datetime(2022, 11, 1, 10, tzinfo=UTC))

    assert tl.of_type("review_held") == ()
    assert [f.id for f in tl.retracted] == ["R1"]


def test_a_retraction_recorded_later_removes_its_target_from_an_earlier_as_of_replay():
    tl = build_timeline("C1", retraction_story(), as_of=date(2022, 10, 20))

    assert tl.of_type("review_held") == ()


def test_events_after_as_of_have_not_happened_yet():
    facts = make(
        [
            {"type": "entered_care", "at": "2022-09-12", "legal_status": "C2"},
            {"type": "left_care", "at": "2022-12-01", "reason": "E4A"},
        ]
    )

    tl = build_timeline("C1", facts, as_of=date(2022, 11, 30))

    assert tl.periods[0].ended_on is None


def test_age_and_birthdays_handle_a_leap_day_birth():
    facts = make([{"type": "child_registered", "at": "2012-03-01", "dob": "2012-02-29"}])

    tl = build_timeline("C1", facts)

    assert tl.birthday(16) == date(2028, 2, 29)
    assert tl.birthday(5) == date(2017, 2, 28)
    assert tl.age_on(date(2017, 2, 27)) == 4
    assert tl.age_on(date(2017, 2, 28)) == 5
    assert tl.age_on(date(2028, 2, 28)) == 15
    assert tl.age_on(date(2028, 2, 29)) == 16


def test_a_date_before_1900_is_a_finding_and_the_fact_is_kept():
    facts = make(
        [{"type": "entered_care", "at": "1899-12-31", "legal_status": "C2", "recorded_at": "2024-01-08"}]
    )

    tl = build_timeline("C1", facts)

    assert [f.code for f in tl.findings] == ["DQ-DATE-BEFORE-1900"]
    assert len(tl.facts) == 1


def test_a_date_more_than_a_year_after_its_recording_is_a_finding():
    facts = make(
        [
            {
                "type": "entered_care",
                "at": "2025-01-09",
                "legal_status": "C2",
                "recorded_at": "2024-01-08T10:00",
            },
            {"type": "left_care", "at": "2025-01-08", "reason": "E11", "recorded_at": "2024-01-08T10:00"},
        ]
    )

    tl = build_timeline("C1", facts)

    assert ("DQ-DATE-AFTER-RECORDING", "entered_care") in [(f.code, f.fact.type) for f in tl.findings]
    assert ("DQ-DATE-AFTER-RECORDING", "left_care") not in [(f.code, f.fact.type) for f in tl.findings]


BORN_2006 = {"type": "child_registered", "at": "2006-01-17", "dob": "2006-01-17"}  # 18 on Tue 17 Jan 2024


def codes(tl):
    return [f.code for f in tl.findings]


def test_entering_care_at_18_is_a_finding_and_starts_no_period_of_care():
    tl = build_timeline(
        "C1", make([BORN_2006, {"type": "entered_care", "at": "2024-01-17", "legal_status": "V2"}])
    )

    assert codes(tl) == ["DQ-ENTERED-CARE-ADULT"]
    assert tl.periods == ()


def test_entering_care_the_day_before_the_18th_birthday_is_a_period_of_care():
    tl = build_timeline(
        "C1", make([BORN_2006, {"type": "entered_care", "at": "2024-01-16", "legal_status": "V2"}])
    )

    assert codes(tl) == []
    assert len(tl.periods) == 1


def test_a_remand_status_at_18_is_a_finding():
    tl = build_timeline(
        "C1",
        make(
            [
                BORN_2006,
                {"type": "entered_care", "at": "2023-06-01", "legal_status": "J1"},
                {"type": "legal_status_changed", "at": "2024-01-17", "legal_status": "J2"},
            ]
        ),
    )

    assert codes(tl) == ["DQ-REMAND-ADULT"]
    assert "J2" in tl.findings[0].message and "2006" not in tl.findings[0].message


def test_leaving_care_twice_on_one_day_is_a_finding_of_its_own():
    tl = build_timeline(
        "C1",
        make(
            [
                BORN_2006,
                {"type": "entered_care", "at": "2023-06-01", "legal_status": "V2"},
                {"type": "left_care", "at": "2023-09-01", "reason": "E13"},
                {"type": "left_care", "at": "2023-09-01", "reason": "E8"},
            ]
        ),
    )

    assert codes(tl) == ["DQ-LEFT-CARE-TWICE"]
    assert len(tl.periods) == 1


def test_the_impossible_history_of_a_re_entry_at_18_under_remand_is_three_findings_and_no_new_clocks():
    # Left care on the 18th birthday, Tue 17 Jan 2024, re-entered the same day under J2 and
    # left again: the shape the demo council once produced.
    import rules.catalogue  # noqa: F401
    from tests.builders import run_rule

    events = [
        BORN_2006,
        {"type": "entered_care", "at": "2023-06-01", "legal_status": "V2"},
        {"type": "left_care", "at": "2024-01-17", "reason": "E8"},
        {"type": "entered_care", "at": "2024-01-18", "legal_status": "J2"},
        {"type": "left_care", "at": "2024-01-18", "reason": "E8"},
        {"type": "left_care", "at": "2024-01-18", "reason": "E8"},
    ]

    tl = build_timeline("C1", make(events))

    assert sorted(codes(tl)) == ["DQ-ENTERED-CARE-ADULT", "DQ-LEFT-CARE-TWICE", "DQ-REMAND-ADULT"]
    assert [p.started_on for p in tl.periods] == [date(2023, 6, 1)]
    for rule in ("LAC-REV-1", "HLT-IHA", "HLT-IHA-REQ"):
        started = [o.started_on for o in run_rule(rule, events, as_of="2024-03-01")]
        assert started == [date(2023, 6, 1)], rule


# A child in care since Mon 3 Apr 2023 whose remand ends on Mon 27 May 2024 (the spring bank
# holiday) and who is accommodated under section 20 the same day: two periods, no finding,
# whatever order the source gives the day's facts in.
_IN_CARE = [
    {"type": "entered_care", "at": "2023-04-03", "legal_status": "J1"},
    {"type": "placement_started", "at": "2023-04-03", "placement_type": "K2"},
]
_LEAVES = [
    {"type": "placement_ended", "at": "2024-05-27", "reason": "CARPL"},
    {"type": "left_care", "at": "2024-05-27", "reason": "E14"},
]
_COMES_BACK = [
    {"type": "entered_care", "at": "2024-05-27", "legal_status": "V2"},
    {"type": "placement_started", "at": "2024-05-27", "placement_type": "U6"},
]
MAY_27 = date(2024, 5, 27)
BORN_2010 = {"type": "child_registered", "at": "2010-03-01", "dob": "2010-03-01"}


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(_LEAVES + _COMES_BACK, id="leaving-listed-first"),
        pytest.param(_COMES_BACK + _LEAVES, id="coming-back-listed-first"),
        pytest.param(_COMES_BACK[::-1] + _LEAVES[::-1], id="each-reversed"),
        pytest.param([_LEAVES[1], _COMES_BACK[0], _COMES_BACK[1], _LEAVES[0]], id="interleaved"),
    ],
)
def test_leaving_care_and_entering_again_the_same_day_ends_one_period_and_starts_the_next(day):
    tl = build_timeline("C1", make([BORN_2010, *_IN_CARE, *day]))

    assert codes(tl) == []
    first, second = tl.periods
    assert (first.started_on, first.ended_on, first.end["reason"]) == (date(2023, 4, 3), MAY_27, "E14")
    assert [(p.placement_type, p.started_on, p.ended_on) for p in first.placements] == [
        ("K2", date(2023, 4, 3), MAY_27)
    ]
    assert (second.started_on, second.ended_on, second.legal_status_on(MAY_27)) == (MAY_27, None, "V2")
    assert [(p.placement_type, p.started_on) for p in second.placements] == [("U6", MAY_27)]


@pytest.mark.parametrize(
    "events, periods, found",
    [
        # Not in care that morning: entered and left on Tue 26 Dec 2023 (Boxing Day) is one
        # period of a day, as before.
        (
            [
                {"type": "left_care", "at": "2023-12-26", "reason": "E8"},
                {"type": "entered_care", "at": "2023-12-26", "legal_status": "V2"},
            ],
            [(date(2023, 12, 26), date(2023, 12, 26))],
            [],
        ),
        # In care, and entered again on Mon 27 May 2024 without leaving: still a finding.
        (
            [*_IN_CARE, _COMES_BACK[0]],
            [(date(2023, 4, 3), None)],
            ["DQ-TWO-PERIODS"],
        ),
    ],
    ids=["in-and-out-the-same-day", "entered-again-without-leaving"],
)
def test_the_order_within_a_day_changes_only_when_a_period_ends_and_the_next_begins(events, periods, found):
    tl = build_timeline("C1", make([BORN_2010, *events]))

    assert [(p.started_on, p.ended_on) for p in tl.periods] == periods
    assert codes(tl) == found
