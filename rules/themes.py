"""Practice-alert and good-practice themes, as an IRO service counts them.

Taken from the IRO annual report 2017/18 (seed 004, "PRACTICE ALERTS - THEMES" and "GOOD
PRACTICE NOTIFICATION THEMES"). Rules name the theme a breach is raised under, so alerts
raised by the nightly batch are counted in the same table as those raised by hand.
"""

from __future__ import annotations

NO_PLAN = "No plan / plan not updated: review stood down"
VISITS = "Statutory visits out of timescales or not recorded"
DOCUMENTS_NOT_PRODUCED = "Required documents not produced or shared with IRO"
DOCUMENTS_NOT_SHARED = "Documents not shared and/or poor consultation"
NO_PERMANENCE_PLAN = "No permanence plan by 2nd review"
DRIFT_LEGAL = "Drift / legal issues"
CARE_PLANNING = "Deficiencies in care planning"
PLACEMENT = "Placement issues"
COMMUNICATION = "Poor or no communication and/or direct work with child"
WISHES_AND_FEELINGS = "Child's wishes/feelings or lived experience not captured"
DECISIONS_NOT_IMPLEMENTED = "Decisions from reviews not implemented - drift"
SAFEGUARDING = "Safeguarding issues"
FUNDING = "Funding/resource related issues"

PRACTICE_ALERT_THEMES: tuple[str, ...] = (
    NO_PLAN,
    VISITS,
    DOCUMENTS_NOT_PRODUCED,
    DOCUMENTS_NOT_SHARED,
    NO_PERMANENCE_PLAN,
    DRIFT_LEGAL,
    CARE_PLANNING,
    PLACEMENT,
    COMMUNICATION,
    WISHES_AND_FEELINGS,
    DECISIONS_NOT_IMPLEMENTED,
    SAFEGUARDING,
    FUNDING,
)

GOOD_PRACTICE_THEMES: tuple[str, ...] = (
    "Consistently good practice",
    "Exemplary practice in advocating for or supporting the child",
    "Lived experience well evidenced",
    "Good quality assessment or plan",
    "Good working relationship with the child",
    "Good relationship with others",
)
