"""One example of every event type in EVENTS.md, with every field the contract lists."""

from __future__ import annotations

from typing import Any

EVERY_TYPE: list[dict[str, Any]] = [
    {
        "type": "child_registered",
        "at": "2020-01-02",
        "dob": "2012-02-29",
        "sex": "F",
        "uasc": False,
        "dob_expected": False,
    },
    {
        "type": "worker_allocated",
        "at": "2020-01-03",
        "worker": "SW014",
        "role": "social_worker",
        "team": "CiN/CP North",
    },
    {"type": "iro_allocated", "at": "2020-01-06", "iro": "IRO03"},
    {"type": "entered_care", "at": "2020-01-06", "legal_status": "C1", "category_of_need": "N1"},
    {"type": "legal_status_changed", "at": "2020-06-01", "legal_status": "C2"},
    {
        "type": "placement_started",
        "at": "2020-01-06",
        "placement_type": "U4",
        "provider": "P0123",
        "postcode": "CW1 2AB",
        "distance_miles": 12.5,
        "long_term": True,
    },
    {"type": "placement_ended", "at": "2021-03-01", "reason": "CARPL"},
    {"type": "care_plan_recorded", "at": "2020-01-10"},
    {"type": "placement_plan_recorded", "at": "2020-01-09"},
    {"type": "permanence_plan_recorded", "at": "2020-04-01", "plan": "long_term_fostering"},
    {
        "type": "review_held",
        "at": "2020-01-31",
        "kind": "looked_after",
        "participation": "PN1",
        "chair": "IRO03",
    },
    {
        "type": "review_stood_down",
        "at": "2020-07-20",
        "kind": "looked_after",
        "reason": "no updated care plan",
    },
    {"type": "review_decisions_circulated", "at": "2020-02-05", "kind": "looked_after"},
    {"type": "statutory_visit", "at": "2020-01-10", "seen": True, "seen_alone": False},
    {"type": "health_assessment_requested", "at": "2020-01-07T10:30", "kind": "initial"},
    {
        "type": "health_appointment",
        "at": "2020-01-20T09:00:00+00:00",
        "kind": "initial",
        "outcome": "not_brought",
    },
    {"type": "health_assessment_completed", "at": "2020-01-28", "kind": "initial"},
    {"type": "dental_check", "at": "2020-03-01"},
    {"type": "sdq_completed", "at": "2020-03-02", "score": 17},
    {"type": "pep_initiated", "at": "2020-01-15"},
    {"type": "pep_reviewed", "at": "2020-05-15"},
    {"type": "went_missing", "at": "2020-08-01T22:15", "kind": "missing"},
    {"type": "returned", "at": "2020-08-02T07:40"},
    {"type": "return_interview_completed", "at": "2020-08-04T15:00"},
    {"type": "return_interview_declined", "at": "2020-08-04T16:00"},
    {"type": "missing_trigger_meeting", "at": "2020-08-10", "level": 1},
    {"type": "iro_informed", "at": "2020-08-03", "about": "missing"},
    {"type": "needs_assessment_completed", "at": "2028-03-01"},
    {"type": "pathway_plan_recorded", "at": "2028-03-10"},
    {"type": "personal_adviser_allocated", "at": "2028-03-11", "adviser": "PA07"},
    {"type": "care_leaver_contact", "at": "2030-05-01", "in_touch": True},
    {
        "type": "referral_received",
        "at": "2019-10-01",
        "referral_source": "2A",
        "primary_need": "N1",
        "nfa": False,
    },
    {"type": "referral_decision", "at": "2019-10-02", "outcome": "strategy"},
    {"type": "assessment_started", "at": "2019-10-02"},
    {"type": "assessment_completed", "at": "2019-11-20", "factors": ["2A", "4B"]},
    {"type": "strategy_discussion", "at": "2019-10-03", "s47": True, "icpc_not_required": False},
    {
        "type": "icpc_held",
        "at": "2019-10-21",
        "outcome": "plan",
        "category": "neglect",
        "latest_category": "emotional",
    },
    {"type": "core_group_held", "at": "2019-10-30"},
    {"type": "rcpc_held", "at": "2020-01-20", "outcome": "end"},
    {"type": "cp_visit", "at": "2019-10-25", "seen": True, "seen_alone": True},
    {"type": "cp_plan_ended", "at": "2020-01-21", "reason": "child became looked after"},
    {"type": "cin_plan_started", "at": "2021-07-01"},
    {"type": "cin_plan_ended", "at": "2021-09-01"},
    {"type": "cin_closed", "at": "2021-09-02", "reason": "RC7"},
    {"type": "cp_plan_started", "at": "2021-07-01", "category": "physical", "latest_category": "multiple"},
    {"type": "child_died", "at": "2030-06-01"},
    {"type": "proceedings_issued", "at": "2020-01-08"},
    {"type": "final_care_plan_filed", "at": "2020-05-01"},
    {"type": "care_plan_endorsed", "at": "2020-05-02"},
    {"type": "placement_order_granted", "at": "2020-06-01"},
    {"type": "adoption_match_approved", "at": "2020-09-01"},
    {"type": "placed_for_adoption", "at": "2020-10-01"},
    {"type": "adoption_order_granted", "at": "2021-06-01"},
    {
        "type": "practice_alert_raised",
        "at": "2020-07-21",
        "alert": "PA-0001",
        "theme": "Drift / legal issues",
        "stage": "informal",
        "raised_to": "TM02",
    },
    {"type": "practice_alert_escalated", "at": "2020-07-28", "alert": "PA-0001", "stage": "2"},
    {"type": "practice_alert_responded", "at": "2020-07-30", "alert": "PA-0001"},
    {"type": "practice_alert_resolved", "at": "2020-08-03", "alert": "PA-0001", "outcome": "plan updated"},
    {
        "type": "good_practice_notified",
        "at": "2020-08-05",
        "theme": "Good working relationship with the child",
    },
    {"type": "retracted", "at": "2020-09-01", "target": "X-0007", "reason": "entered in error"},
]


def every_type_for(child: str = "C1") -> list[dict[str, Any]]:
    """The examples as import lines for one child, each with an id and common fields."""
    out = []
    for n, event in enumerate(EVERY_TYPE, start=1):
        out.append(
            {
                "child": child,
                "id": f"{child}-{n:03d}",
                "source": "LCS",
                "by": "SW014",
                "note": "free text, never interpreted",
                "recorded_at": "2021-07-01T09:00:00+01:00",
                **event,
            }
        )
    return out
