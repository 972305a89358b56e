"""The case-event vocabulary: one pydantic model per event type of the import contract.

`../shared/EVENTS.md` (v1) is the public contract that councils' exports and other tools
write to, so every type and field name here is exactly as written there. Some types and
fields are additions the contract allows ("adding optional fields or new types is fine"),
each documented in `docs/events.md` with the source it serves: `cp_plan_ended` (a
child-protection plan ended other than at a review conference), `iro_informed` (the IRO
was told of something, e.g. a missing episode); for the CIN census `cp_plan_started`,
`assessment_started`, `cin_plan_started`, `cin_plan_ended`, `cin_closed`, `child_died`, `finding_recorded`
and the optional fields on `child_registered`, `referral_received`,
`assessment_completed`, `strategy_discussion` and `icpc_held`; for the SSDA903 return
`already_in_care`, `care_leaver_outcome`, `annual_outcomes`, `adoption_decision`,
`adoption_decision_reversed` and the placement's `provider_type`, `home_postcode` and
`same_carers`; for the scorecard, from the virtual school and the advocacy service,
`school_attendance_recorded`, `school_excluded`, `advocacy_started`, `advocacy_ended`,
`early_years_place_started`, `early_years_place_ended`, `education_status_recorded`,
`pregnancy_recorded`, `pregnancy_ended`, `cse_plan_started`, `cse_plan_ended`,
`offence_recorded`, `review_held.child_chaired`, `placement_started.provider_ofsted` and
`school_attendance_recorded.school_ofsted`.

Times: `at` is a date, or a moment. A local date-time is Europe/London and is stored
timezone-aware, so the machine's own timezone never changes what an event means.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    model_validator,
)

from events.codes import (
    NEET_ACTIVITIES,
    CareLeaverAccommodation,
    CareLeaverActivity,
    CareLeaverInTouch,
    CategoryOfNeed,
    LegalStatus,
    Participation,
    PlacementProvider,
    PlacementType,
    PrimaryNeed,
    ReasonEpisodeCeased,
    ReasonForClosure,
    ReasonPlaceChange,
    ReferralSource,
)
from events.contract import LAST_YEAR

LONDON = ZoneInfo("Europe/London")

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_EXPECTED_AT = "a date YYYY-MM-DD, a local date-time YYYY-MM-DDTHH:MM[:SS], or one with an offset"


def _in_range(value: date) -> date:
    if value.year >= LAST_YEAR:
        raise ValueError(f"expected a date before the year {LAST_YEAR}")
    return value


def _parse_day(value: Any) -> date:
    return _in_range(_parse_day_any(value))


def _parse_day_any(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError("expected a date YYYY-MM-DD, not a date-time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE_RE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    # The value is not echoed: a date of birth is personal data.
    raise ValueError("expected a real date YYYY-MM-DD")


def _aware(moment: datetime) -> datetime:
    # A local date-time is Europe/London wall-clock time (contract); fold=0 picks the
    # first of the two 01:xx hours on the October change.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LONDON)


def _parse_at(value: Any) -> date | datetime:
    parsed = _parse_at_any(value)
    _in_range(parsed)
    return parsed


def _parse_at_any(value: Any) -> date | datetime:
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _DATE_RE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"expected {_EXPECTED_AT}; this is not a real date") from None
        if _MOMENT_RE.fullmatch(text):
            try:
                return _aware(datetime.fromisoformat(text))
            except ValueError:
                raise ValueError(f"expected {_EXPECTED_AT}; this is not a real time") from None
    # The value is not echoed: a name typed into `at` must not come back in a message.
    raise ValueError(f"expected {_EXPECTED_AT}")


def _parse_moment(value: Any) -> datetime:
    parsed = _parse_at(value)
    if isinstance(parsed, datetime):
        return parsed
    # A date-only recording time means the start of that day in London.
    return datetime.combine(parsed, time.min, tzinfo=LONDON)


def _iso(value: date) -> str:
    return value.isoformat()


Day = Annotated[date, PlainValidator(_parse_day), PlainSerializer(_iso, return_type=str)]
At = Annotated[date | datetime, PlainValidator(_parse_at), PlainSerializer(_iso, return_type=str)]
Moment = Annotated[datetime, PlainValidator(_parse_moment), PlainSerializer(_iso, return_type=str)]
ChildId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_./-]{1,64}$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


def _as_text(value: Any) -> Any:
    # CSV cells and JSON numbers both name stages and levels ("1" or 1).
    return str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else value


def _as_number(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.strip().isdigit() else value


Stage = Annotated[Literal["informal", "1", "2", "3", "4", "cafcass"], BeforeValidator(_as_text)]
EscalationStage = Annotated[Literal["1", "2", "3", "4", "cafcass"], BeforeValidator(_as_text)]
ReviewKind = Literal["looked_after", "pathway_plan", "adoption"]
OfstedJudgement = Literal["outstanding", "good", "requires_improvement", "inadequate", "not_inspected"]
CpCategory = Literal["neglect", "emotional", "physical", "sexual", "multiple"]


def _as_codes(value: Any) -> Any:
    # A CSV cell holds a list of codes separated by spaces or commas ("2A 2B").
    return [part for part in re.split(r"[\s,]+", value.strip()) if part] if isinstance(value, str) else value


#: A list of short codes (e.g. the CIN census's factors identified at assessment).
Codes = Annotated[
    list[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,8}$")]],
    BeforeValidator(_as_codes),
    Field(max_length=60),
]
HealthKind = Literal["initial", "review"]


class CaseEvent(BaseModel):
    """Fields common to every event (EVENTS.md, "Common fields")."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    TYPE: ClassVar[str] = ""

    child: ChildId
    type: str
    at: At
    id: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    recorded_at: Moment | None = None
    source: Text | None = None
    by: Text | None = None
    team: Text | None = None
    note: Annotated[str, Field(max_length=10_000)] | None = None

    @property
    def on(self) -> date:
        """The day it happened, in England."""
        at = self.at
        return at.astimezone(LONDON).date() if isinstance(at, datetime) else at

    def to_record(self) -> dict[str, Any]:
        """The JSON-native form that is stored (absent fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)


EVENT_TYPES: dict[str, type[CaseEvent]] = {}


def _event(type_name: str):  # type: ignore[no-untyped-def]
    def register(cls: type[CaseEvent]) -> type[CaseEvent]:
        if type_name in EVENT_TYPES:
            raise RuntimeError(f"event type {type_name!r} declared twice")
        cls.TYPE = type_name
        EVENT_TYPES[type_name] = cls
        return cls

    return register


# --- Child and allocation -------------------------------------------------------------


@_event("child_registered")
class ChildRegistered(CaseEvent):
    type: Literal["child_registered"]
    dob: Day
    sex: Literal["M", "F", "U"] | None = None
    uasc: bool | None = None
    #: Addition (CIN census): `dob` is the expected date of birth of an unborn child.
    dob_expected: bool | None = None


@_event("worker_allocated")
class WorkerAllocated(CaseEvent):
    type: Literal["worker_allocated"]
    worker: Text
    role: Literal["social_worker", "personal_adviser"] = "social_worker"


@_event("iro_allocated")
class IroAllocated(CaseEvent):
    type: Literal["iro_allocated"]
    iro: Text


# --- Looked after ---------------------------------------------------------------------


@_event("entered_care")
class EnteredCare(CaseEvent):
    type: Literal["entered_care"]
    legal_status: LegalStatus
    category_of_need: CategoryOfNeed | None = None


@_event("already_in_care")
class AlreadyInCare(CaseEvent):
    """Addition to the contract: the child was already looked after when the data begins
    (a statutory return's first year shows a period of care under way). `at` is the first
    day the data shows; the day the child entered care is unknown, so clocks that run from
    entering care are not assessed for this period."""

    type: Literal["already_in_care"]
    legal_status: LegalStatus
    category_of_need: CategoryOfNeed | None = None
    # 903 RNE of the first episode the data shows (it is not S: the start is earlier).
    episode_reason: Literal["P", "L", "T", "B", "U"] | None = None


@_event("legal_status_changed")
class LegalStatusChanged(CaseEvent):
    type: Literal["legal_status_changed"]
    legal_status: LegalStatus


@_event("placement_started")
class PlacementStarted(CaseEvent):
    type: Literal["placement_started"]
    placement_type: PlacementType
    provider: Text | None = None
    postcode: Annotated[str, Field(max_length=10)] | None = None
    distance_miles: Annotated[float, Field(ge=0)] | None = None
    long_term: bool | None = None
    # Additions (SSDA903): who provides the placement (PLACE_PROVIDER), the child's home
    # postcode (HOME_POST), and whether the carers stay the same as in the previous
    # placement, only the placement type changing (903 RNE T or U).
    provider_type: PlacementProvider | None = None
    home_postcode: Annotated[str, Field(max_length=10)] | None = None
    same_carers: bool | None = None
    # Addition (scorecard P2.8): the provider's latest Ofsted judgement when the child was placed.
    provider_ofsted: OfstedJudgement | None = None


@_event("placement_ended")
class PlacementEnded(CaseEvent):
    type: Literal["placement_ended"]
    reason: ReasonPlaceChange | None = None


@_event("left_care")
class LeftCare(CaseEvent):
    type: Literal["left_care"]
    reason: ReasonEpisodeCeased


@_event("care_plan_recorded")
class CarePlanRecorded(CaseEvent):
    type: Literal["care_plan_recorded"]


@_event("placement_plan_recorded")
class PlacementPlanRecorded(CaseEvent):
    type: Literal["placement_plan_recorded"]


@_event("permanence_plan_recorded")
class PermanencePlanRecorded(CaseEvent):
    type: Literal["permanence_plan_recorded"]
    plan: Literal[
        "adoption",
        "sgo",
        "long_term_fostering",
        "return_home",
        "kinship",
        "residential",
        "independence",
        "other",
    ]


@_event("review_held")
class ReviewHeld(CaseEvent):
    type: Literal["review_held"]
    kind: ReviewKind = "looked_after"
    participation: Participation | None = None
    chair: Text | None = None
    child_chaired: bool | None = None  # addition: the child chaired or co-chaired it (scorecard P1.3)


@_event("review_stood_down")
class ReviewStoodDown(CaseEvent):
    type: Literal["review_stood_down"]
    kind: ReviewKind = "looked_after"
    reason: Text | None = None


@_event("review_decisions_circulated")
class ReviewDecisionsCirculated(CaseEvent):
    type: Literal["review_decisions_circulated"]
    kind: ReviewKind = "looked_after"


@_event("statutory_visit")
class StatutoryVisit(CaseEvent):
    type: Literal["statutory_visit"]
    seen: bool = True
    seen_alone: bool | None = None


# --- Health and education -------------------------------------------------------------


@_event("health_assessment_requested")
class HealthAssessmentRequested(CaseEvent):
    type: Literal["health_assessment_requested"]
    kind: HealthKind


@_event("health_appointment")
class HealthAppointment(CaseEvent):
    type: Literal["health_appointment"]
    kind: HealthKind
    outcome: Literal["attended", "cancelled_by_carer", "cancelled_by_provider", "not_brought"]


@_event("health_assessment_completed")
class HealthAssessmentCompleted(CaseEvent):
    type: Literal["health_assessment_completed"]
    kind: HealthKind


@_event("dental_check")
class DentalCheck(CaseEvent):
    type: Literal["dental_check"]


@_event("sdq_completed")
class SdqCompleted(CaseEvent):
    type: Literal["sdq_completed"]
    score: Annotated[int, Field(ge=0, le=40)] | None = None


@_event("pep_initiated")
class PepInitiated(CaseEvent):
    type: Literal["pep_initiated"]


@_event("pep_reviewed")
class PepReviewed(CaseEvent):
    type: Literal["pep_reviewed"]


# --- Virtual school and advocacy (scorecard additions) ----------------------------------

SchoolPhase = Literal["primary", "secondary"]


@_event("school_attendance_recorded")
class SchoolAttendanceRecorded(CaseEvent):
    """Addition to the contract (the virtual school's attendance return, scorecard
    P4.3-P4.6): a child's school sessions over a span that ends on `at`."""

    type: Literal["school_attendance_recorded"]
    period_start: Day
    sessions_possible: Annotated[int, Field(ge=0, le=1000), BeforeValidator(_as_number)]
    sessions_absent: Annotated[int, Field(ge=0, le=1000), BeforeValidator(_as_number)]
    phase: SchoolPhase | None = None
    school: Text | None = None
    school_ofsted: OfstedJudgement | None = None  # the school's latest judgement (scorecard P4.9)

    @model_validator(mode="after")
    def _absent_within_possible(self) -> SchoolAttendanceRecorded:
        if self.sessions_absent > self.sessions_possible:
            raise ValueError("sessions_absent cannot be more than sessions_possible")
        if self.period_start > self.on:
            raise ValueError("period_start must be on or before at")
        return self


@_event("school_excluded")
class SchoolExcluded(CaseEvent):
    """Addition to the contract (the virtual school's exclusion records, scorecard P4.7,
    P4.8): a permanent exclusion or a suspension (fixed-term exclusion), dated when it
    took effect."""

    type: Literal["school_excluded"]
    kind: Literal["permanent", "suspension"]
    phase: SchoolPhase | None = None
    school: Text | None = None


@_event("advocacy_started")
class AdvocacyStarted(CaseEvent):
    """Addition to the contract (the advocacy service's case records, scorecard P1.1):
    an advocacy case opened for the child."""

    type: Literal["advocacy_started"]
    issue: Text | None = None


@_event("advocacy_ended")
class AdvocacyEnded(CaseEvent):
    """Addition to the contract: the child's open advocacy case closed."""

    type: Literal["advocacy_ended"]


@_event("early_years_place_started")
class EarlyYearsPlaceStarted(CaseEvent):
    """Addition to the contract (the virtual school, scorecard P4.1): a child aged 2 to 4
    started attending a funded early years place (nursery, pre-school, childminder)."""

    type: Literal["early_years_place_started"]
    setting: Text | None = None


@_event("early_years_place_ended")
class EarlyYearsPlaceEnded(CaseEvent):
    """Addition to the contract: the child's early years place ended."""

    type: Literal["early_years_place_ended"]


@_event("education_status_recorded")
class EducationStatusRecorded(CaseEvent):
    """Addition to the contract (the virtual school's tracking of 16-17 year olds in care,
    scorecard P4.12): the young person's main activity from `at`, in the 903's OC3 codes."""

    type: Literal["education_status_recorded"]
    activity: CareLeaverActivity


# --- Health and safety of older children (scorecard additions) ----------------------------


@_event("pregnancy_recorded")
class PregnancyRecorded(CaseEvent):
    """Addition to the contract (the leaving care service, scorecard P3.3): the young
    person is known to be pregnant from `at`."""

    type: Literal["pregnancy_recorded"]
    due: Day | None = None


@_event("pregnancy_ended")
class PregnancyEnded(CaseEvent):
    """Addition to the contract: the pregnancy recorded before ended (birth or otherwise)."""

    type: Literal["pregnancy_ended"]


@_event("cse_plan_started")
class CsePlanStarted(CaseEvent):
    """Addition to the contract (scorecard P5.3): a child sexual exploitation plan began."""

    type: Literal["cse_plan_started"]


@_event("cse_plan_ended")
class CsePlanEnded(CaseEvent):
    """Addition to the contract: the child's CSE plan ended."""

    type: Literal["cse_plan_ended"]


@_event("offence_recorded")
class OffenceRecorded(CaseEvent):
    """Addition to the contract (the youth justice service, scorecard P5.4): an offence the
    child committed on `at` (one event per offence)."""

    type: Literal["offence_recorded"]
    outcome: (
        Literal["conviction", "caution", "youth_conditional_caution", "community_resolution", "other"] | None
    ) = None


# --- Missing --------------------------------------------------------------------------


@_event("went_missing")
class WentMissing(CaseEvent):
    type: Literal["went_missing"]
    kind: Literal["missing", "away"] = "missing"


@_event("returned")
class Returned(CaseEvent):
    type: Literal["returned"]


@_event("return_interview_completed")
class ReturnInterviewCompleted(CaseEvent):
    type: Literal["return_interview_completed"]


@_event("return_interview_declined")
class ReturnInterviewDeclined(CaseEvent):
    type: Literal["return_interview_declined"]


@_event("missing_trigger_meeting")
class MissingTriggerMeeting(CaseEvent):
    type: Literal["missing_trigger_meeting"]
    level: Annotated[Literal[1, 2], BeforeValidator(_as_number)] | None = None


@_event("iro_informed")
class IroInformed(CaseEvent):
    """Addition to the contract: the child's IRO was told (MIS-IRO)."""

    type: Literal["iro_informed"]
    about: Literal["missing", "placement_change", "other"] = "missing"


# --- Care leavers ---------------------------------------------------------------------


@_event("needs_assessment_completed")
class NeedsAssessmentCompleted(CaseEvent):
    type: Literal["needs_assessment_completed"]


@_event("pathway_plan_recorded")
class PathwayPlanRecorded(CaseEvent):
    type: Literal["pathway_plan_recorded"]


@_event("personal_adviser_allocated")
class PersonalAdviserAllocated(CaseEvent):
    type: Literal["personal_adviser_allocated"]
    adviser: Text | None = None


@_event("care_leaver_contact")
class CareLeaverContact(CaseEvent):
    type: Literal["care_leaver_contact"]
    in_touch: bool = True


@_event("care_leaver_outcome")
class CareLeaverOutcome(CaseEvent):
    """Addition to the contract (SSDA903 OC3): a care leaver's situation around a birthday
    (17th to 21st): whether the council is in touch, their main activity, and their
    accommodation with whether it is suitable. `at` is the birthday."""

    type: Literal["care_leaver_outcome"]
    in_touch: CareLeaverInTouch | None = None
    activity: CareLeaverActivity | None = None
    accommodation: CareLeaverAccommodation | None = None

    @property
    def suitable_accommodation(self) -> bool | None:
        """903 ACCOM codes end in 1 (suitable) or 2 (not suitable); Z, X and 0 say neither."""
        code = self.accommodation
        if code is None or len(code) != 2 or code[1] not in "12":
            return None
        return code[1] == "1"

    @property
    def neet(self) -> bool | None:
        """Not in education, employment or training (903 ACTIV G4, G5 and G6 are NEET)."""
        return None if self.activity is None else self.activity in NEET_ACTIVITIES


@_event("annual_outcomes")
class AnnualOutcomes(CaseEvent):
    """Addition to the contract (SSDA903 OC2): a child looked after for a year at the end of
    the collection year, and what that year held. `at` is 31 March."""

    type: Literal["annual_outcomes"]
    sdq_score: Annotated[int, Field(ge=0, le=40)] | None = None
    sdq_reason: Literal["SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"] | None = None
    convicted: bool | None = None
    health_check: bool | None = None
    immunisations: bool | None = None
    teeth_check: bool | None = None
    health_assessment: bool | None = None
    substance_misuse: bool | None = None
    intervention_received: bool | None = None
    intervention_offered: bool | None = None


# --- Child protection and children in need --------------------------------------------


@_event("referral_received")
class ReferralReceived(CaseEvent):
    """Additions (CIN census): who referred, the primary need, and whether the referral
    was one with no further action (the census's ReferralNFA)."""

    type: Literal["referral_received"]
    referral_source: ReferralSource | None = None
    primary_need: PrimaryNeed | None = None
    nfa: bool | None = None


@_event("referral_decision")
class ReferralDecision(CaseEvent):
    type: Literal["referral_decision"]
    outcome: Literal["nfa", "assessment", "strategy", "early_help"] | None = None


@_event("assessment_completed")
class AssessmentCompleted(CaseEvent):
    """Addition (CIN census): `factors`, the factors identified at assessment (census
    codes, e.g. 2A). The census's AssessmentAuthorisationDate is this event's date."""

    type: Literal["assessment_completed"]
    factors: Codes | None = None


@_event("assessment_started")
class AssessmentStarted(CaseEvent):
    """Addition (CIN census): a child and family assessment started."""

    type: Literal["assessment_started"]


@_event("strategy_discussion")
class StrategyDiscussion(CaseEvent):
    """Addition (CIN census): `icpc_not_required`, the section 47 enquiry this discussion
    started concluded that no initial conference was needed (ICPCnotRequired)."""

    type: Literal["strategy_discussion"]
    s47: bool | None = None
    icpc_not_required: bool | None = None


@_event("icpc_held")
class IcpcHeld(CaseEvent):
    type: Literal["icpc_held"]
    outcome: Literal["plan", "no_plan"]
    category: CpCategory | None = None
    #: Addition (CIN census): the plan's latest category of abuse.
    latest_category: CpCategory | None = None


@_event("core_group_held")
class CoreGroupHeld(CaseEvent):
    type: Literal["core_group_held"]


@_event("rcpc_held")
class RcpcHeld(CaseEvent):
    type: Literal["rcpc_held"]
    outcome: Literal["continue", "end"]


@_event("cp_visit")
class CpVisit(CaseEvent):
    type: Literal["cp_visit"]
    seen: bool = True
    seen_alone: bool | None = None


@_event("cp_plan_ended")
class CpPlanEnded(CaseEvent):
    """Addition to the contract: a plan ended other than at a review conference
    (e.g. the child moved to another authority, or became looked after)."""

    type: Literal["cp_plan_ended"]
    reason: Text | None = None


@_event("cp_plan_started")
class CpPlanStarted(CaseEvent):
    """Addition to the contract (CIN census): a child-protection plan started on its own
    date, not at an `icpc_held` on record (the census records plans whose initial
    conference is not in the return). It opens a plan as an ICPC with outcome plan does."""

    type: Literal["cp_plan_started"]
    category: CpCategory | None = None
    latest_category: CpCategory | None = None


@_event("cin_plan_started")
class CinPlanStarted(CaseEvent):
    """Addition (CIN census): a child-in-need plan started."""

    type: Literal["cin_plan_started"]


@_event("cin_plan_ended")
class CinPlanEnded(CaseEvent):
    """Addition (CIN census): a child-in-need plan ended."""

    type: Literal["cin_plan_ended"]


@_event("cin_closed")
class CinClosed(CaseEvent):
    """Addition (CIN census): the children-in-need episode closed, with the census reason."""

    type: Literal["cin_closed"]
    reason: ReasonForClosure | None = None


@_event("child_died")
class ChildDied(CaseEvent):
    """Addition (CIN census): the child died."""

    type: Literal["child_died"]


# --- Court and adoption ---------------------------------------------------------------


@_event("proceedings_issued")
class ProceedingsIssued(CaseEvent):
    type: Literal["proceedings_issued"]


@_event("final_care_plan_filed")
class FinalCarePlanFiled(CaseEvent):
    type: Literal["final_care_plan_filed"]


@_event("care_plan_endorsed")
class CarePlanEndorsed(CaseEvent):
    type: Literal["care_plan_endorsed"]


@_event("placement_order_granted")
class PlacementOrderGranted(CaseEvent):
    type: Literal["placement_order_granted"]


@_event("adoption_decision")
class AdoptionDecision(CaseEvent):
    """Addition to the contract (SSDA903 PlacedAdoption DATE_PLACED): the council decided
    that the child should be placed for adoption."""

    type: Literal["adoption_decision"]


@_event("adoption_decision_reversed")
class AdoptionDecisionReversed(CaseEvent):
    """Addition to the contract (SSDA903 PlacedAdoption DATE_PLACED_CEASED): the decision
    that the child should be placed for adoption no longer stands (REASON_PLACED_CEASED)."""

    type: Literal["adoption_decision_reversed"]
    reason: Literal["RD1", "RD2", "RD3", "RD4"] | None = None


@_event("adoption_match_approved")
class AdoptionMatchApproved(CaseEvent):
    type: Literal["adoption_match_approved"]


@_event("placed_for_adoption")
class PlacedForAdoption(CaseEvent):
    type: Literal["placed_for_adoption"]


@_event("adoption_order_granted")
class AdoptionOrderGranted(CaseEvent):
    type: Literal["adoption_order_granted"]


# --- IRO challenge and recognition ----------------------------------------------------


@_event("practice_alert_raised")
class PracticeAlertRaised(CaseEvent):
    type: Literal["practice_alert_raised"]
    alert: Text
    theme: Text
    stage: Stage = "informal"
    raised_to: Text | None = None


@_event("practice_alert_escalated")
class PracticeAlertEscalated(CaseEvent):
    type: Literal["practice_alert_escalated"]
    alert: Text
    stage: EscalationStage


@_event("practice_alert_responded")
class PracticeAlertResponded(CaseEvent):
    type: Literal["practice_alert_responded"]
    alert: Text


@_event("practice_alert_resolved")
class PracticeAlertResolved(CaseEvent):
    type: Literal["practice_alert_resolved"]
    alert: Text
    outcome: Text | None = None


@_event("good_practice_notified")
class GoodPracticeNotified(CaseEvent):
    type: Literal["good_practice_notified"]
    theme: Text


# --- Corrections ----------------------------------------------------------------------


@_event("retracted")
class Retracted(CaseEvent):
    type: Literal["retracted"]
    target: Annotated[str, Field(min_length=1, max_length=128)]
    reason: Text


@_event("finding_recorded")
class FindingRecorded(CaseEvent):
    """Addition to the contract (statutory returns): a contradiction a return holds about
    the child, under the DfE validator's rule code where one matches (`DQ-CIN-8831`), kept
    so it is listed with the other data-quality findings long after the import. It is
    not a fact about the child's journey: no rule reads it. `at` is the return's
    reference date; `line` the line or row of the return it was found at; `table` the
    table of a return made of several (an SSDA903 file)."""

    type: Literal["finding_recorded"]
    code: Annotated[str, Field(pattern=r"^DQ-[A-Z0-9][A-Za-z0-9_-]{0,60}$")]
    message: Text
    line: Annotated[int, Field(ge=1), BeforeValidator(_as_number)] | None = None
    table: Annotated[str, Field(min_length=1, max_length=64)] | None = None


# --- Parsing ----------------------------------------------------------------------------


class InvalidEvent(ValueError):
    """An event that breaks the contract. `problems` are (field, what was expected) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in problems))


def closest_type(name: str) -> str | None:
    """The valid event type nearest to a misspelt one (`review_hled` -> `review_held`)."""
    from difflib import get_close_matches

    matches = get_close_matches(name, list(EVENT_TYPES), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _describe(error: Mapping[str, Any], cls: type[CaseEvent]) -> tuple[str, str]:
    field = ".".join(str(part) for part in error["loc"]) or "(event)"
    kind = error["type"]
    if kind == "missing":
        return field, "required field is missing"
    if field == "child" and kind == "string_pattern_mismatch":
        return field, "expected 1-64 letters, digits, '-', '_', '.' or '/'"
    if kind == "extra_forbidden":
        allowed = ", ".join(name for name in cls.model_fields if name != "type")
        return field, f"unknown field for {cls.TYPE} (expected one of: {allowed})"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "enum" or kind == "literal_error":
        return field, f"{message}; got {vocabulary_echo(error.get('input'))}"
    return field, message


_VOCABULARY_SHAPE = re.compile(r"[A-Za-z0-9_]{1,32}")


def vocabulary_echo(value: Any) -> str:
    """A value quoted back in a message only when it has the shape of a code or an
    event type (letters, digits, underscores, at most 32): anything else may be personal
    data typed into the wrong field, and is described, not echoed."""
    if isinstance(value, str) and _VOCABULARY_SHAPE.fullmatch(value):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**6:
        return repr(value)
    return "a value that is not one of them"


def parse_event(data: dict[str, Any]) -> CaseEvent:
    """Validate one event against the contract; raise `InvalidEvent` naming each bad field."""
    type_name = data.get("type")
    if not isinstance(type_name, str) or not type_name:
        raise InvalidEvent([("type", "required field is missing")])
    cls = EVENT_TYPES.get(type_name)
    if cls is None:
        if not _VOCABULARY_SHAPE.fullmatch(type_name):
            raise InvalidEvent([("type", "unknown event type: expected a name like review_held")])
        suggestion = closest_type(type_name)
        hint = f"; did you mean {suggestion!r}?" if suggestion else ""
        raise InvalidEvent([("type", f"unknown event type {type_name!r}{hint}")])
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise InvalidEvent([_describe(e, cls) for e in exc.errors()]) from None
