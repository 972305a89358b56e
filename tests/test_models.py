from datetime import date, datetime, timedelta

import pytest

from events.models import EVENT_TYPES, InvalidEvent, parse_event
from tests.samples import EVERY_TYPE, every_type_for

CONTRACT_TYPES = {
    "child_registered",
    "worker_allocated",
    "iro_allocated",
    "entered_care",
    "legal_status_changed",
    "placement_started",
    "placement_ended",
    "left_care",
    "care_plan_recorded",
    "placement_plan_recorded",
    "permanence_plan_recorded",
    "review_held",
    "review_stood_down",
    "review_decisions_circulated",
    "statutory_visit",
    "health_assessment_requested",
    "health_appointment",
    "health_assessment_completed",
    "dental_check",
    "sdq_completed",
    "pep_initiated",
    "pep_reviewed",
    "went_missing",
    "returned",
    "return_interview_completed",
    "return_interview_declined",
    "missing_trigger_meeting",
    "needs_assessment_completed",
    "pathway_plan_recorded",
    "personal_adviser_allocated",
    "care_leaver_contact",
    "referral_received",
    "referral_decision",
    "assessment_completed",
    "strategy_discussion",
    "icpc_held",
    "core_group_held",
    "rcpc_held",
    "cp_visit",
    "proceedings_issued",
    "final_care_plan_filed",
    "care_plan_endorsed",
    "placement_order_granted",
    "adoption_match_approved",
    "placed_for_adoption",
    "adoption_order_granted",
    "practice_alert_raised",
    "practice_alert_escalated",
    "practice_alert_responded",
    "practice_alert_resolved",
    "good_practice_notified",
    "retracted",
}


def test_every_contract_type_has_a_model():
    assert set(EVENT_TYPES) >= CONTRACT_TYPES


def test_the_samples_cover_every_model_but_left_care_which_the_round_trip_adds():
    assert set(EVENT_TYPES) - {e["type"] for e in EVERY_TYPE} == {"left_care"}


@pytest.mark.parametrize("data", every_type_for(), ids=lambda d: d["type"])
def test_every_field_survives_validation_and_the_stored_form(data):
    event = parse_event(data)

    record = event.to_record()

    for name, value in data.items():
        if name in ("at", "recorded_at"):
            continue
        assert record[name] == value, name


def test_a_local_date_time_is_taken_as_london_time_in_summer():
    event = parse_event({"child": "C1", "type": "returned", "at": "2023-07-01T12:00"})

    assert event.at.utcoffset() == timedelta(hours=1)
    assert event.to_record()["at"] == "2023-07-01T12:00:00+01:00"


def test_a_local_date_time_is_taken_as_london_time_in_winter():
    event = parse_event({"child": "C1", "type": "returned", "at": "2023-12-01T12:00"})

    assert event.to_record()["at"] == "2023-12-01T12:00:00+00:00"


def test_a_date_time_with_an_offset_keeps_its_instant():
    event = parse_event({"child": "C1", "type": "returned", "at": "2023-12-01T12:00:00-05:00"})

    assert event.at == datetime.fromisoformat("2023-12-01T17:00:00+00:00")
    assert event.on == date(2023, 12, 1)


def test_the_day_of_a_late_evening_moment_is_the_day_in_england():
    event = parse_event({"child": "C1", "type": "went_missing", "at": "2023-07-01T23:30:00+00:00"})

    assert event.on == date(2023, 7, 2)


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({"type": "review_hled", "at": "2022-01-01"}, "type", "did you mean 'review_held'"),
        ({"type": "entered_care", "at": "2022-02-30", "legal_status": "C2"}, "at", "not a real date"),
        (
            {"type": "entered_care", "at": "12/01/2022", "legal_status": "C2"},
            "at",
            "expected a date YYYY-MM-DD",
        ),
        ({"type": "entered_care", "at": "2022-02-03"}, "legal_status", "required field is missing"),
        ({"type": "entered_care", "at": "2022-02-03", "legal_status": "X9"}, "legal_status", "'C1'"),
        ({"type": "dental_check", "at": "2022-02-03", "colour": "red"}, "colour", "unknown field"),
        ({"type": "sdq_completed", "at": "2022-02-03", "score": 41}, "score", "less than or equal to 40"),
        ({"type": "missing_trigger_meeting", "at": "2022-02-03", "level": 3}, "level", "1 or 2"),
        (
            {"type": "practice_alert_escalated", "at": "2022-02-03", "alert": "A1", "stage": "informal"},
            "stage",
            "'1'",
        ),
        ({"at": "2022-02-03"}, "type", "required field is missing"),
    ],
    ids=[
        "misspelt-type",
        "30-february",
        "uk-date-format",
        "missing-legal-status",
        "bad-ls-code",
        "unknown-field",
        "sdq-over-40",
        "trigger-level-3",
        "escalate-to-informal",
        "no-type",
    ],
)
def test_a_bad_event_names_the_field_and_what_was_expected(data, field, expected):
    with pytest.raises(InvalidEvent) as caught:
        parse_event({"child": "C1", **data})

    found_field, problem = caught.value.problems[0]
    assert found_field == field
    assert expected in problem


def test_a_child_id_with_a_space_is_rejected_without_echoing_it():
    with pytest.raises(InvalidEvent) as caught:
        parse_event({"child": "Jane Smith", "type": "dental_check", "at": "2022-01-01"})

    assert caught.value.problems[0][0] == "child"
    assert "Jane" not in str(caught.value)


def test_a_bad_date_of_birth_is_not_echoed_in_the_message():
    with pytest.raises(InvalidEvent) as caught:
        parse_event({"child": "C1", "type": "child_registered", "at": "2022-01-01", "dob": "2011-13-45"})

    assert "2011-13-45" not in str(caught.value)


def test_csv_style_text_values_are_accepted_for_numbers_and_flags():
    event = parse_event(
        {
            "child": "C1",
            "type": "placement_started",
            "at": "2022-01-01",
            "placement_type": "U4",
            "distance_miles": "21.5",
            "long_term": "true",
        }
    )

    assert event.distance_miles == 21.5
    assert event.long_term is True


def test_assessment_factors_in_a_csv_cell_are_a_list_of_codes():
    event = parse_event(
        {"child": "C1", "type": "assessment_completed", "at": "2024-02-08", "factors": "2A 4B,21"}
    )

    assert event.to_record()["factors"] == ["2A", "4B", "21"]


def test_an_assessment_factor_that_is_not_a_code_is_refused():
    with pytest.raises(InvalidEvent) as caught:
        parse_event(
            {"child": "C1", "type": "assessment_completed", "at": "2024-02-08", "factors": ["2A", "a b!"]}
        )

    assert caught.value.problems[0][0].startswith("factors")
