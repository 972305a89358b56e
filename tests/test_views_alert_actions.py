from datetime import date

from compliance.views.alert import action_line, escalated_line


def test_an_alert_action_prints_the_alert_id_in_capitals_and_what_was_done():
    assert action_line("pa-1b2c", "acknowledged") == "PA-1B2C acknowledged"


def test_an_assignment_to_a_name_with_a_control_character_cannot_drive_the_terminal():
    assert action_line("PA-1B2C", "assigned to Sam\x1b[2J") == "PA-1B2C assigned to Sam\ufffd[2J"


def test_an_escalation_says_when_the_stage_response_is_due():
    # Stage 1 raised Thu 29 Jun 2023: its response is due five working days later.
    assert (
        escalated_line("pa-1b2c", "1", date(2023, 7, 6))
        == "PA-1B2C escalated to stage 1; response due Thu 6 Jul 2023"
    )


def test_an_escalation_to_cafcass_has_no_response_due_date():
    assert escalated_line("PA-1B2C", "cafcass", None) == "PA-1B2C escalated to stage cafcass"
