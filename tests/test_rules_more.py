"""More rule cases, so that every rule's table has a met, late, overdue and closed case, and a
test that keeps it so: a new rule without its table fails here."""

import importlib
from datetime import date, timedelta

import pytest

import rules.catalogue  # noqa: F401
from rules.registry import REGISTRY
from tests.builders import assert_rows, ev, run_rule, statuses


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def placed(at, kind="U6", **kw):
    return [ev("entered_care", at, legal_status="C1"), ev("placement_started", at, placement_type=kind, **kw)]


def visit(at):
    return ev("statutory_visit", at)


BORN_2008 = ev("child_registered", "2008-01-10", dob="2008-01-10")
IN_2021 = ev("entered_care", "2021-06-01", legal_status="C2")
PLACED_JUL = ev("placed_for_adoption", "2023-07-17")  # Mon 17 Jul 2023: first review due Mon 14 Aug
ADOPTION_REVIEW = "adoption"
ICPC = ev("icpc_held", "2023-10-31", outcome="plan")  # first RCPC due Wed 31 Jan 2024
PLAN_DEC = ev("icpc_held", "2023-12-18", outcome="plan")  # first CP visit due Thu 4 Jan 2024


def episodes(*days):
    """A missing episode each day, out at 21:00 and back at 08:00 the next morning."""
    out = []
    for day in days:
        back = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        out += [ev("went_missing", f"{day}T21:00"), ev("returned", f"{back}T08:00")]
    return out


THREE_IN_OCTOBER = episodes("2023-10-02", "2023-10-13", "2023-10-29")  # 3 in 28 days

TABLE = [
    # Short breaks (V3/V4, CPPCR reg 48): first review within 3 months, then every 6 months.
    case(
        "LAC-REV-1",
        [ev("entered_care", "2023-01-31", legal_status="V3")],
        "2023-05-01",
        [("2023-01-31", "2023-04-30", "overdue")],
        "rev1-short-breaks-three-months",
    ),
    case(
        "LAC-REV-2",
        [ev("entered_care", "2023-01-31", legal_status="V4"), ev("review_held", "2023-04-20")],
        "2023-05-01",
        [("2023-04-20", "2023-10-20", "pending")],
        "rev2-short-breaks-six-months",
    ),
    case(
        "ADP-REV-1",
        [ev("placement_order_granted", "2023-05-31"), ev("review_held", "2023-09-01", kind=ADOPTION_REVIEW)],
        "2023-10-01",
        [("2023-05-31", "2023-08-31", "late", "2023-09-01")],
        "adp1-late",
    ),
    case(
        "ADP-REV-1",
        [ev("placement_order_granted", "2023-05-31")],
        "2023-09-01",
        [("2023-05-31", "2023-08-31", "overdue")],
        "adp1-overdue",
    ),
    case(
        "ADP-REV-P1",
        [PLACED_JUL, ev("review_held", "2023-08-11", kind=ADOPTION_REVIEW)],
        "2023-09-01",
        [("2023-07-17", "2023-08-14", "met", "2023-08-11")],
        "adp-p1-met",
    ),
    case(
        "ADP-REV-P1", [PLACED_JUL], "2023-08-15", [("2023-07-17", "2023-08-14", "overdue")], "adp-p1-overdue"
    ),
    case(
        "ADP-REV-P1",
        [PLACED_JUL, ev("adoption_order_granted", "2023-08-01")],
        "2023-09-01",
        [("2023-07-17", "2023-08-14", "closed", "adoption order granted")],
        "adp-p1-closed-by-adoption-order",
    ),
    # Fri 11 Aug 2023 + 3 months = Sat 11 Nov 2023.
    case(
        "ADP-REV-P2",
        [
            PLACED_JUL,
            ev("review_held", "2023-08-11", kind=ADOPTION_REVIEW),
            ev("review_held", "2023-11-13", kind=ADOPTION_REVIEW),
        ],
        "2023-12-01",
        [("2023-08-11", "2023-11-11", "late", "2023-11-13")],
        "adp-p2-late",
    ),
    case(
        "ADP-REV-P2",
        [PLACED_JUL, ev("review_held", "2023-08-11", kind=ADOPTION_REVIEW)],
        "2023-11-13",
        [("2023-08-11", "2023-11-11", "overdue")],
        "adp-p2-overdue",
    ),
    case(
        "ADP-REV-P2",
        [
            PLACED_JUL,
            ev("review_held", "2023-08-11", kind=ADOPTION_REVIEW),
            ev("adoption_order_granted", "2023-11-01"),
        ],
        "2023-12-01",
        [("2023-08-11", "2023-11-11", "closed", "adoption order granted")],
        "adp-p2-closed",
    ),
    case(
        "ADP-REV-PN",
        [
            PLACED_JUL,
            ev("review_held", "2023-08-11", kind=ADOPTION_REVIEW),
            ev("review_held", "2023-11-09", kind=ADOPTION_REVIEW),
            ev("review_held", "2024-05-03", kind=ADOPTION_REVIEW),
        ],
        "2024-05-06",
        [("2023-11-09", "2024-05-09", "met", "2024-05-03"), ("2024-05-03", "2024-11-03", "pending")],
        "adp-pn-met",
    ),
    case(
        "ADP-REV-PN",
        [
            PLACED_JUL,
            ev("review_held", "2023-08-11", kind=ADOPTION_REVIEW),
            ev("review_held", "2023-11-09", kind=ADOPTION_REVIEW),
            ev("review_held", "2024-05-10", kind=ADOPTION_REVIEW),
        ],
        "2024-05-13",
        [("2023-11-09", "2024-05-09", "late", "2024-05-10"), ("2024-05-10", "2024-11-10", "pending")],
        "adp-pn-late",
    ),
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021, ev("needs_assessment_completed", "2024-04-11")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "late", "2024-04-11")],
        "assess-late",
    ),
    case(
        "CL-PA",
        [BORN_2008, IN_2021, ev("personal_adviser_allocated", "2024-04-11")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "late", "2024-04-11")],
        "pa-late",
    ),
    case(
        "CL-PATH",
        [ev("needs_assessment_completed", "2024-03-22")],
        "2024-04-10",
        [("2024-03-22", "2024-04-09", "overdue")],
        "path-overdue",
    ),
    # Turns 21 on Mon 1 Apr 2024, before the plan falls due on Tue 9 Apr 2024.
    case(
        "CL-PATH",
        [
            ev("child_registered", "2003-04-01", dob="2003-04-01"),
            ev("needs_assessment_completed", "2024-03-22"),
        ],
        "2024-05-01",
        [("2024-03-22", "2024-04-09", "closed", "reached 21")],
        "path-closed-at-21",
    ),
    # Tue 9 Apr 2024 + 6 months = Wed 9 Oct 2024.
    case(
        "CL-PATH-REV",
        [
            BORN_2008,
            ev("pathway_plan_recorded", "2024-04-09"),
            ev("review_held", "2024-09-30", kind="pathway_plan"),
        ],
        "2024-10-01",
        [("2024-04-09", "2024-10-09", "met", "2024-09-30"), ("2024-09-30", "2025-03-30", "pending")],
        "path-rev-met",
    ),
    case(
        "CL-PATH-REV",
        [
            BORN_2008,
            ev("pathway_plan_recorded", "2024-04-09"),
            ev("review_held", "2024-10-10", kind="pathway_plan"),
        ],
        "2024-10-11",
        [("2024-04-09", "2024-10-09", "late", "2024-10-10"), ("2024-10-10", "2025-04-10", "pending")],
        "path-rev-late",
    ),
    case(
        "CL-PATH-REV",
        [ev("child_registered", "2003-08-01", dob="2003-08-01"), ev("pathway_plan_recorded", "2024-04-09")],
        "2024-11-01",
        [("2024-04-09", "2024-10-09", "closed", "reached 21")],
        "path-rev-closed-at-21",
    ),
    # Left care at 18 on Fri 1 Mar 2024; 8 weeks = Fri 26 Apr 2024; next contact only in Feb 2027; 21 on 1 Mar 2027.
    case(
        "CL-CONTACT",
        [
            ev("child_registered", "2006-03-01", dob="2006-03-01"),
            ev("entered_care", "2020-05-01", legal_status="C2"),
            ev("left_care", "2024-03-01", reason="E17"),
            ev("care_leaver_contact", "2027-02-01"),
        ],
        "2027-04-01",
        [
            ("2024-03-01", "2024-04-26", "late", "2027-02-01"),
            ("2027-02-01", "2027-03-29", "closed", "reached 21"),
        ],
        "contact-late-then-closed-at-21",
    ),
    case(
        "CP-ASMT",
        [ev("referral_received", "2023-12-04"), ev("assessment_completed", "2024-02-09")],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "late", "2024-02-09")],
        "asmt-late",
    ),
    case(
        "CP-CG",
        [ev("icpc_held", "2024-03-20", outcome="plan"), ev("core_group_held", "2024-04-08")],
        "2024-05-01",
        [("2024-03-20", "2024-04-05", "late", "2024-04-08")],
        "cg-late",
    ),
    case(
        "CP-CG",
        [ev("icpc_held", "2024-03-20", outcome="plan")],
        "2024-04-08",
        [("2024-03-20", "2024-04-05", "overdue")],
        "cg-overdue",
    ),
    case(
        "CP-DUR",
        [ev("icpc_held", "2023-01-31", outcome="plan"), ev("rcpc_held", "2023-11-15", outcome="end")],
        "2023-12-01",
        [("2023-01-31", "2023-10-31", "late", "2023-11-15")],
        "dur-ended-after-9-months",
    ),
    case(
        "CP-RCPC-1",
        [ICPC, ev("rcpc_held", "2024-02-01", outcome="continue")],
        "2024-02-05",
        [("2023-10-31", "2024-01-31", "late", "2024-02-01")],
        "rcpc1-late",
    ),
    case(
        "CP-RCPC-1",
        [ICPC, ev("cp_plan_ended", "2023-12-01")],
        "2024-02-05",
        [("2023-10-31", "2024-01-31", "closed", "plan ended")],
        "rcpc1-closed",
    ),
    case(
        "CP-RCPC-N",
        [
            ICPC,
            ev("rcpc_held", "2024-01-30", outcome="continue"),
            ev("rcpc_held", "2024-07-31", outcome="continue"),
        ],
        "2024-08-01",
        [("2024-01-30", "2024-07-30", "late", "2024-07-31"), ("2024-07-31", "2025-01-31", "pending")],
        "rcpcn-late",
    ),
    case(
        "CP-RCPC-N",
        [ICPC, ev("rcpc_held", "2024-01-30", outcome="continue")],
        "2024-07-31",
        [("2024-01-30", "2024-07-30", "overdue")],
        "rcpcn-overdue",
    ),
    case(
        "CP-RCPC-N",
        [ICPC, ev("rcpc_held", "2024-01-30", outcome="continue"), ev("cp_plan_ended", "2024-05-01")],
        "2024-08-01",
        [("2024-01-30", "2024-07-30", "closed", "plan ended")],
        "rcpcn-closed",
    ),
    case(
        "CP-REF",
        [ev("referral_received", "2024-05-24")],
        "2024-05-29",
        [("2024-05-24", "2024-05-28", "overdue")],
        "ref-overdue",
    ),
    case(
        "CP-VIS",
        [PLAN_DEC, ev("cp_visit", "2024-01-05")],
        "2024-01-06",
        [("2023-12-18", "2024-01-04", "late", "2024-01-05"), ("2024-01-05", "2024-01-19", "pending")],
        "cpvis-late",
    ),
    case("CP-VIS", [PLAN_DEC], "2024-01-05", [("2023-12-18", "2024-01-04", "overdue")], "cpvis-overdue"),
    case(
        "CP-VIS",
        [PLAN_DEC, ev("cp_plan_ended", "2024-01-02")],
        "2024-01-05",
        [("2023-12-18", "2024-01-04", "closed", "plan ended")],
        "cpvis-closed",
    ),
    case(
        "CP-VIS",
        [PLAN_DEC, ev("cp_visit", "2023-12-20", seen=False)],
        "2024-01-05",
        [("2023-12-18", "2024-01-04", "overdue")],
        "cpvis-child-not-seen",
    ),
    case(
        "HLT-DENTAL",
        [ev("entered_care", "2023-01-16", legal_status="C1"), ev("left_care", "2023-06-01", reason="E13")],
        "2024-02-01",
        [("2023-01-16", "2024-01-16", "closed", "left care")],
        "dental-closed",
    ),
    case(
        "HLT-RHA",
        [
            ev("child_registered", "2014-01-01", dob="2014-01-01"),
            ev("entered_care", "2023-03-01", legal_status="C1"),
            ev("health_assessment_completed", "2023-03-15", kind="initial"),
            ev("health_assessment_completed", "2024-03-18", kind="review"),
        ],
        "2024-03-19",
        [("2023-03-15", "2024-03-15", "late", "2024-03-18"), ("2024-03-18", "2025-03-18", "pending")],
        "rha-late",
    ),
    case(
        "LAC-IRO",
        [ev("entered_care", "2022-09-12", legal_status="C2"), ev("left_care", "2022-09-13", reason="E13")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "closed", "left care")],
        "iro-closed",
    ),
    case(
        "MIS-REPEAT",
        [
            *THREE_IN_OCTOBER,
            ev("missing_trigger_meeting", "2023-11-06", level=1),
        ],
        "2023-12-01",
        [("2023-10-29", "2023-11-03", "late", "2023-11-06")],
        "repeat-late",
    ),
    # Visits: a placement from Mon 27 Nov 2023 ending Fri 5 Jan 2024, before the next visit was due (Mon 15 Jan).
    case(
        "VIS-2",
        placed("2023-11-27") + [visit("2023-12-04"), ev("placement_ended", "2024-01-05", reason="CARPL")],
        "2024-01-20",
        [("2023-12-04", "2024-01-15", "closed", "placement ended")],
        "vis2-closed",
    ),
    case(
        "VIS-3",
        placed("2022-01-03", "U4", long_term=True)
        + [visit("2022-12-20"), visit("2023-01-11"), visit("2023-04-12")],
        "2023-04-20",
        [("2023-01-11", "2023-04-11", "late", "2023-04-12"), ("2023-04-12", "2023-07-12", "pending")],
        "vis3-late",
    ),
    case(
        "VIS-3",
        placed("2022-01-03", "U4", long_term=True) + [visit("2022-12-20"), visit("2023-01-11")],
        "2023-04-12",
        [("2023-01-11", "2023-04-11", "overdue")],
        "vis3-overdue",
    ),
    case(
        "VIS-3",
        placed("2022-01-03", "U4", long_term=True)
        + [visit("2022-12-20"), visit("2023-01-11"), ev("placement_ended", "2023-03-01", reason="CARPL")],
        "2023-04-12",
        [("2023-01-11", "2023-04-11", "closed", "placement ended")],
        "vis3-closed",
    ),
    case(
        "VIS-4",
        placed("2022-01-03") + [visit("2022-12-20"), visit("2023-01-11"), visit("2023-02-20")],
        "2023-02-21",
        [("2023-01-11", "2023-02-22", "met", "2023-02-20"), ("2023-02-20", "2023-04-03", "pending")],
        "vis4-met",
    ),
    case(
        "VIS-4",
        placed("2022-01-03") + [visit("2022-12-20"), visit("2023-01-11"), visit("2023-02-23")],
        "2023-02-24",
        [("2023-01-11", "2023-02-22", "late", "2023-02-23"), ("2023-02-23", "2023-04-06", "pending")],
        "vis4-late",
    ),
    case(
        "VIS-4",
        placed("2022-01-03")
        + [visit("2022-12-20"), visit("2023-01-11"), ev("placement_ended", "2023-02-01", reason="CARPL")],
        "2023-02-24",
        [("2023-01-11", "2023-02-22", "closed", "placement ended")],
        "vis4-closed",
    ),
    case(
        "VIS-PWP",
        placed("2023-03-06", "P1"),
        "2023-03-14",
        [("2023-03-06", "2023-03-13", "overdue")],
        "pwp-overdue",
    ),
    case(
        "VIS-PWP",
        placed("2023-03-06", "P1") + [ev("placement_ended", "2023-03-10", reason="CARPL")],
        "2023-03-14",
        [("2023-03-06", "2023-03-13", "closed", "placement ended")],
        "pwp-closed",
    ),
]


def stop(type_, at, **fields):
    return ev(type_, at, **fields)


def left(at):
    return ev("left_care", at, reason="E13")


def review(at, kind="looked_after"):
    return ev("review_held", at, kind=kind)


def ended(at):
    return ev("placement_ended", at)


IN_SEP = ev("entered_care", "2022-09-12", legal_status="C2")  # Mon 12 Sep 2022
PLACED_SEP = ev("placement_started", "2022-09-12", placement_type="U6")
REVIEWS_SEP = [review("2022-10-11"), review("2023-01-10")]  # first and second reviews, both on time
ENTRY_FRI = ev("entered_care", "2023-10-06T15:00:00+01:00", legal_status="C1")  # + 48 h: Sun 8 Oct 15:00
BORN_2014 = ev("child_registered", "2014-01-10", dob="2014-01-10")
IN_MAR_2023 = ev("entered_care", "2023-03-01", legal_status="C2")
IHA_MAR = ev(
    "health_assessment_completed", "2023-03-15", kind="initial"
)  # aged 9: review due Fri 15 Mar 2024
LONG_TERM_2022 = [
    ev("entered_care", "2022-01-03", legal_status="C2"),
    ev("placement_started", "2022-01-03", placement_type="U4", long_term=True),
]
OTHER_2022 = [
    ev("entered_care", "2022-01-03", legal_status="C2"),
    ev("placement_started", "2022-01-03", placement_type="U4"),
]
ASSESSED = ev("needs_assessment_completed", "2024-03-22")  # pathway plan due Tue 9 Apr 2024
PLAN_MAR = ev("icpc_held", "2024-03-20", outcome="plan")  # core group due Fri 5 Apr 2024
S47 = ev("strategy_discussion", "2023-12-20", s47=True)  # ICPC due Mon 15 Jan 2024
REFERRAL_DEC = ev("referral_received", "2023-12-04")  # assessment due Thu 8 Feb 2024
ORDER_MAY = ev("placement_order_granted", "2023-05-31")  # first review due Thu 31 Aug 2023
ADOPTION_REVIEWS = [review("2023-08-11", "adoption"), review("2023-11-09", "adoption")]

#: For every rule: a breach whose chance then went is `missed` (days late frozen on the
#: day it went, with the reason), and on its own due day an undone duty is due soon, never
#: overdue. Due dates are those worked out in each rule's own table and docstring.
MISSED_AND_DUE_DAY = [
    # LAC: leaving care, the end of the placement or the next review takes the chance away.
    case("LAC-REV-1", [IN_SEP], "2022-10-11", [("2022-09-12", "2022-10-11", "due_soon")], "rev1-due-day"),
    case("LAC-REV-2", [IN_SEP, review("2022-10-11"), left("2023-01-20")], "2023-02-01",
         [("2022-10-11", "2023-01-11", "missed", ("2023-01-20", "left care"))], "rev2-missed-on-leaving-care"),
    case("LAC-REV-2", [IN_SEP, review("2022-10-11")], "2023-01-11",
         [("2022-10-11", "2023-01-11", "due_soon")], "rev2-due-day"),
    case("LAC-REV-N", [IN_SEP, *REVIEWS_SEP, left("2023-07-20")], "2023-08-01",
         [("2023-01-10", "2023-07-10", "missed", ("2023-07-20", "left care"))], "revn-missed-on-leaving-care"),
    case("LAC-REV-N", [IN_SEP, *REVIEWS_SEP], "2023-07-10",
         [("2023-01-10", "2023-07-10", "due_soon")], "revn-due-day"),
    # Review Mon 3 Jul 2023: decisions due Mon 10 Jul; the next review, Thu 20 Jul, ends the chance.
    case("LAC-REV-REC", [ev("entered_care", "2023-06-05", legal_status="C2"), review("2023-07-03"),
                         review("2023-07-20")], "2023-07-21",
         [("2023-07-03", "2023-07-10", "missed", ("2023-07-20", "next review held")),
          ("2023-07-20", "2023-07-27", "due_soon")], "rec-missed-when-the-next-review-is-held"),
    case("LAC-REV-REC", [ev("entered_care", "2023-06-05", legal_status="C2"), review("2023-07-03")],
         "2023-07-10", [("2023-07-03", "2023-07-10", "due_soon")], "rec-due-day"),
    # First placement Mon 3 Apr 2023: care plan due Wed 19 Apr 2023.
    case("LAC-CPLAN", [*placed("2023-04-03"), left("2023-04-28")], "2023-05-02",
         [("2023-04-03", "2023-04-19", "missed", ("2023-04-28", "left care"))], "cplan-missed-on-leaving-care"),
    case("LAC-CPLAN", placed("2023-04-03"), "2023-04-19", [("2023-04-03", "2023-04-19", "due_soon")], "cplan-due-day"),
    # Placement Mon 12 Sep 2022: plan due Tue 20 Sep 2022 (State Funeral on Mon 19 Sep).
    case("LAC-PPLAN", [IN_SEP, PLACED_SEP, ended("2022-09-30")], "2022-10-03",
         [("2022-09-12", "2022-09-20", "missed", ("2022-09-30", "placement ended"))], "pplan-missed-when-the-placement-ends"),
    case("LAC-PPLAN", [IN_SEP, PLACED_SEP], "2022-09-20", [("2022-09-12", "2022-09-20", "due_soon")], "pplan-due-day"),
    case("LAC-IRO", [IN_SEP, left("2022-09-28")], "2022-10-03",
         [("2022-09-12", "2022-09-20", "missed", ("2022-09-28", "left care"))], "iro-missed-on-leaving-care"),
    case("LAC-IRO", [IN_SEP], "2022-09-20", [("2022-09-12", "2022-09-20", "due_soon")], "iro-due-day"),
    # First review Tue 11 Oct 2022: the second, and so the permanence plan, due Wed 11 Jan 2023.
    case("LAC-PERM", [IN_SEP, review("2022-10-11"), left("2023-01-20")], "2023-02-01",
         [("2022-09-12", "2023-01-11", "missed", ("2023-01-20", "left care"))], "perm-missed-on-leaving-care"),
    case("LAC-PERM", [IN_SEP, review("2022-10-11")], "2023-01-11",
         [("2022-09-12", "2023-01-11", "due_soon")], "perm-due-day"),
    # Visits: the end of the placement takes the chance away.
    case("VIS-1", [*placed("2023-02-28"), ended("2023-03-10")], "2023-03-13",
         [("2023-02-28", "2023-03-07", "missed", ("2023-03-10", "placement ended"))], "vis1-missed-when-the-placement-ends"),
    case("VIS-1", placed("2023-02-28"), "2023-03-07", [("2023-02-28", "2023-03-07", "due_soon")], "vis1-due-day"),
    # Visit Mon 4 Dec 2023 + 42 days = Mon 15 Jan 2024.
    case("VIS-2", [*placed("2023-12-04"), visit("2023-12-04"), ended("2024-01-19")], "2024-01-22",
         [("2023-12-04", "2024-01-15", "missed", ("2024-01-19", "placement ended"))], "vis2-missed-when-the-placement-ends"),
    case("VIS-2", [*placed("2023-12-04"), visit("2023-12-04")], "2024-01-15",
         [("2023-12-04", "2024-01-15", "due_soon")], "vis2-due-day"),
    # Visit Wed 11 Jan 2023, after the first anniversary: long-term + 3 months = Tue 11 Apr 2023.
    case("VIS-3", [*LONG_TERM_2022, visit("2023-01-11"), ended("2023-04-20")], "2023-04-24",
         [("2023-01-11", "2023-04-11", "missed", ("2023-04-20", "placement ended"))], "vis3-missed-when-the-placement-ends"),
    case("VIS-3", [*LONG_TERM_2022, visit("2023-01-11")], "2023-04-11",
         [("2023-01-11", "2023-04-11", "due_soon")], "vis3-due-day"),
    # Other placement: + 42 days = Wed 22 Feb 2023.
    case("VIS-4", [*OTHER_2022, visit("2023-01-11"), ended("2023-03-01")], "2023-03-02",
         [("2023-01-11", "2023-02-22", "missed", ("2023-03-01", "placement ended"))], "vis4-missed-when-the-placement-ends"),
    case("VIS-4", [*OTHER_2022, visit("2023-01-11")], "2023-02-22",
         [("2023-01-11", "2023-02-22", "due_soon")], "vis4-due-day"),
    case("VIS-PWP", placed("2023-03-06", "P1"), "2023-03-13", [("2023-03-06", "2023-03-13", "due_soon")], "pwp-due-day"),
    # Health: leaving care takes the chance away.
    case("HLT-IHA-REQ", [ENTRY_FRI, left("2023-10-09")], "2023-10-10",
         [("2023-10-06", "2023-10-08T15:00:00+01:00", "missed", ("2023-10-09", "left care"))], "ihareq-missed-on-leaving-care"),
    # The assessment done without a recorded request: nothing is left to request.
    case("HLT-IHA-REQ", [ENTRY_FRI, ev("health_assessment_completed", "2023-10-13", kind="initial")], "2023-10-20",
         [("2023-10-06", "2023-10-08T15:00:00+01:00", "missed", ("2023-10-13", "initial health assessment completed"))],
         "ihareq-missed-when-the-iha-is-done-without-a-request"),
    case("HLT-IHA-REQ", [ENTRY_FRI, ev("health_assessment_completed", "2023-10-07", kind="initial")], "2023-10-20",
         [("2023-10-06", "2023-10-08T15:00:00+01:00", "closed", "initial health assessment completed")],
         "ihareq-closed-when-the-iha-is-done-before-the-request-is-due"),
    case("HLT-IHA-REQ", [ENTRY_FRI], "2023-10-08",
         [("2023-10-06", "2023-10-08T15:00:00+01:00", "due_soon")], "ihareq-due-day"),
    # Entered Tue 2 May 2023: IHA due Thu 1 Jun 2023.
    case("HLT-IHA", [ev("entered_care", "2023-05-02", legal_status="C2"), left("2023-06-09")], "2023-06-12",
         [("2023-05-02", "2023-06-01", "missed", ("2023-06-09", "left care"))], "iha-missed-on-leaving-care"),
    case("HLT-IHA", [ev("entered_care", "2023-05-02", legal_status="C2")], "2023-06-01",
         [("2023-05-02", "2023-06-01", "due_soon")], "iha-due-day"),
    case("HLT-RHA", [BORN_2014, IN_MAR_2023, IHA_MAR, left("2024-03-22")], "2024-03-25",
         [("2023-03-15", "2024-03-15", "missed", ("2024-03-22", "left care"))], "rha-missed-on-leaving-care"),
    case("HLT-RHA", [BORN_2014, IN_MAR_2023, IHA_MAR], "2024-03-15",
         [("2023-03-15", "2024-03-15", "due_soon")], "rha-due-day"),
    # Entered Mon 16 Jan 2023: dental check due Tue 16 Jan 2024.
    case("HLT-DENTAL", [ev("entered_care", "2023-01-16", legal_status="C2"), left("2024-01-25")], "2024-01-26",
         [("2023-01-16", "2024-01-16", "missed", ("2024-01-25", "left care"))], "dental-missed-on-leaving-care"),
    case("HLT-DENTAL", [ev("entered_care", "2023-01-16", legal_status="C2")], "2024-01-16",
         [("2023-01-16", "2024-01-16", "due_soon")], "dental-due-day"),
    # A 9-year-old entered care Mon 3 Apr 2023: PEP due Wed 19 Apr 2023.
    case("EDU-PEP", [BORN_2014, ev("entered_care", "2023-04-03", legal_status="C2")], "2023-04-19",
         [("2023-04-03", "2023-04-19", "due_soon")], "pep-due-day"),
    # Care leavers (born 10 Jan 2008, eligible on the 16th birthday Wed 10 Jan 2024): the
    # 21st birthday, Wed 10 Jan 2029, takes the chance away.
    case("CL-ASSESS", [BORN_2008, IN_2021], "2029-01-15",
         [("2024-01-10", "2024-04-10", "missed", ("2029-01-10", "reached 21"))], "assess-missed-at-21"),
    case("CL-ASSESS", [BORN_2008, IN_2021], "2024-04-10", [("2024-01-10", "2024-04-10", "due_soon")], "assess-due-day"),
    case("CL-PATH", [BORN_2008, IN_2021, ASSESSED], "2029-02-01",
         [("2024-03-22", "2024-04-09", "missed", ("2029-01-10", "reached 21"))], "path-missed-at-21"),
    case("CL-PATH", [BORN_2008, IN_2021, ASSESSED], "2024-04-09",
         [("2024-03-22", "2024-04-09", "due_soon")], "path-due-day"),
    # Plan Thu 1 Jun 2028: review due Fri 1 Dec 2028, none before the 21st birthday.
    case("CL-PATH-REV", [BORN_2008, IN_2021, ev("pathway_plan_recorded", "2028-06-01")], "2029-02-01",
         [("2028-06-01", "2028-12-01", "missed", ("2029-01-10", "reached 21"))], "pathrev-missed-at-21"),
    case("CL-PATH-REV", [BORN_2008, IN_2021, ev("pathway_plan_recorded", "2024-04-09")], "2024-10-09",
         [("2024-04-09", "2024-10-09", "due_soon")], "pathrev-due-day"),
    case("CL-PA", [BORN_2008, IN_2021], "2029-02-01",
         [("2024-01-10", "2024-04-10", "missed", ("2029-01-10", "reached 21"))], "pa-missed-at-21"),
    case("CL-PA", [BORN_2008, IN_2021], "2024-04-10", [("2024-01-10", "2024-04-10", "due_soon")], "pa-due-day"),
    # Left care Fri 1 Mar 2024 aged 16: contact due Fri 26 Apr 2024; back in care Mon 6 May.
    case("CL-CONTACT", [BORN_2008, IN_2021, left("2024-03-01"), ev("entered_care", "2024-05-06", legal_status="C2")],
         "2024-05-07",
         [("2024-03-01", "2024-04-26", "missed", ("2024-05-06", "entered care again"))], "contact-missed-on-return-to-care"),
    case("CL-CONTACT", [BORN_2008, IN_2021, left("2024-03-01")], "2024-04-26",
         [("2024-03-01", "2024-04-26", "due_soon")], "contact-due-day"),
    # Child protection: the end of the plan, or a new referral, takes the chance away.
    case("CP-REF", [ev("referral_received", "2024-05-24")], "2024-05-28",
         [("2024-05-24", "2024-05-28", "due_soon")], "ref-due-day"),
    # Second referral Thu 15 Feb 2024: its own assessment due Mon 22 Apr 2024 (Easter skipped).
    case("CP-ASMT", [REFERRAL_DEC, ev("referral_received", "2024-02-15")], "2024-02-16",
         [("2023-12-04", "2024-02-08", "missed", ("2024-02-15", "new referral received")),
          ("2024-02-15", "2024-04-22", "pending")], "asmt-missed-when-a-new-referral-arrives"),
    case("CP-ASMT", [REFERRAL_DEC], "2024-02-08", [("2023-12-04", "2024-02-08", "due_soon")], "asmt-due-day"),
    case("CP-ICPC", [S47], "2024-01-15", [("2023-12-20", "2024-01-15", "due_soon")], "icpc-due-day"),
    case("CP-CG", [PLAN_MAR, ev("cp_plan_ended", "2024-04-12")], "2024-04-15",
         [("2024-03-20", "2024-04-05", "missed", ("2024-04-12", "plan ended"))], "cg-missed-when-the-plan-ends"),
    case("CP-CG", [PLAN_MAR], "2024-04-05", [("2024-03-20", "2024-04-05", "due_soon")], "cg-due-day"),
    case("CP-RCPC-1", [ICPC], "2024-01-31", [("2023-10-31", "2024-01-31", "due_soon")], "rcpc1-due-day"),
    # RCPC Tue 30 Jan 2024 (plan continues): the next due Tue 30 Jul 2024.
    case("CP-RCPC-N", [ICPC, ev("rcpc_held", "2024-01-30", outcome="continue"), ev("cp_plan_ended", "2024-08-05")],
         "2024-08-06",
         [("2024-01-30", "2024-07-30", "missed", ("2024-08-05", "plan ended"))], "rcpcn-missed-when-the-plan-ends"),
    case("CP-RCPC-N", [ICPC, ev("rcpc_held", "2024-01-30", outcome="continue")], "2024-07-30",
         [("2024-01-30", "2024-07-30", "due_soon")], "rcpcn-due-day"),
    case("CP-VIS", [PLAN_DEC, ev("cp_plan_ended", "2024-01-10")], "2024-01-11",
         [("2023-12-18", "2024-01-04", "missed", ("2024-01-10", "plan ended"))], "cpvis-missed-when-the-plan-ends"),
    case("CP-VIS", [PLAN_DEC], "2024-01-04", [("2023-12-18", "2024-01-04", "due_soon")], "cpvis-due-day"),
    case("CP-DUR", [ev("icpc_held", "2023-01-31", outcome="plan")], "2023-10-31",
         [("2023-01-31", "2023-10-31", "due_soon")], "dur-due-day"),
    # Missing: nothing stops these clocks, but on the due day they are not yet overdue.
    case("MIS-RHI", [ev("went_missing", "2023-03-24T20:00"), ev("returned", "2023-03-25T12:00")], "2023-03-28",
         [("2023-03-25", "2023-03-28T13:00:00+01:00", "due_soon")], "rhi-due-day"),
    case("MIS-IRO", [ev("entered_care", "2023-08-01", legal_status="C2"), ev("went_missing", "2023-08-25T22:00")],
         "2023-08-29", [("2023-08-25", "2023-08-29", "due_soon")], "mis-iro-due-day"),
    case("MIS-REPEAT", THREE_IN_OCTOBER, "2023-11-03", [("2023-10-29", "2023-11-03", "due_soon")], "repeat-due-day"),
    # Adoption: an adoption order takes the chance away.
    case("ADP-REV-1", [ORDER_MAY, ev("adoption_order_granted", "2023-09-08")], "2023-09-11",
         [("2023-05-31", "2023-08-31", "missed", ("2023-09-08", "adoption order granted"))], "adp1-missed-on-the-adoption-order"),
    case("ADP-REV-1", [ORDER_MAY], "2023-08-31", [("2023-05-31", "2023-08-31", "due_soon")], "adp1-due-day"),
    case("ADP-REV-P1", [PLACED_JUL, ev("adoption_order_granted", "2023-08-21")], "2023-08-22",
         [("2023-07-17", "2023-08-14", "missed", ("2023-08-21", "adoption order granted"))], "adpp1-missed-on-the-adoption-order"),
    case("ADP-REV-P1", [PLACED_JUL], "2023-08-14", [("2023-07-17", "2023-08-14", "due_soon")], "adpp1-due-day"),
    # First review Fri 11 Aug 2023: the second due Sat 11 Nov 2023.
    case("ADP-REV-P2", [PLACED_JUL, ADOPTION_REVIEWS[0], ev("adoption_order_granted", "2023-11-20")], "2023-11-21",
         [("2023-08-11", "2023-11-11", "missed", ("2023-11-20", "adoption order granted"))], "adpp2-missed-on-the-adoption-order"),
    case("ADP-REV-P2", [PLACED_JUL, ADOPTION_REVIEWS[0]], "2023-11-11",
         [("2023-08-11", "2023-11-11", "due_soon")], "adpp2-due-day"),
    # Second review Thu 9 Nov 2023: the next due Thu 9 May 2024.
    case("ADP-REV-PN", [PLACED_JUL, *ADOPTION_REVIEWS, ev("adoption_order_granted", "2024-05-20")], "2024-05-21",
         [("2023-11-09", "2024-05-09", "missed", ("2024-05-20", "adoption order granted"))], "adppn-missed-on-the-adoption-order"),
    case("ADP-REV-PN", [PLACED_JUL, *ADOPTION_REVIEWS], "2024-05-09",
         [("2023-11-09", "2024-05-09", "due_soon")], "adppn-due-day"),
]  # fmt: skip

TABLE += MISSED_AND_DUE_DAY


#: Which recorded event satisfies which clock: cases where a wrong match would hide a
#: breach (a later period's fact making an earlier period's breach look "late") or
#: invent one.
EVENT_MATCHING = [
    # The review held on the day the child leaves care counts for that period.
    case("LAC-REV-1", [IN_SEP, review("2022-10-11"), left("2022-10-11")], "2022-11-01",
         [("2022-09-12", "2022-10-11", "met", "2022-10-11")], "a-review-on-the-day-of-leaving-care-counts"),
    # A later period's IHA does not satisfy the earlier period's: that one was missed when
    # the child left care. Period 2 from Mon 3 Jul 2023: 20 WD is Mon 31 Jul 2023.
    case("HLT-IHA",
         [ev("entered_care", "2023-05-02", legal_status="C2"), left("2023-06-09"),
          ev("entered_care", "2023-07-03", legal_status="C2"),
          ev("health_assessment_completed", "2023-07-10", kind="initial")],
         "2023-08-01",
         [("2023-05-02", "2023-06-01", "missed", ("2023-06-09", "left care")),
          ("2023-07-03", "2023-07-31", "met", "2023-07-10")],
         "a-later-periods-iha-does-not-satisfy-the-earlier-periods"),
    # Nor a later period's IHA request. Period 2 from Mon 6 Nov 2023 10:00 GMT: + 48 h is
    # Wed 8 Nov 2023 10:00 GMT.
    case("HLT-IHA-REQ",
         [ENTRY_FRI, left("2023-10-13"), ev("entered_care", "2023-11-06T10:00", legal_status="C2"),
          ev("health_assessment_requested", "2023-11-07T09:00", kind="initial")],
         "2023-11-10",
         [("2023-10-06", "2023-10-08T15:00:00+01:00", "missed", ("2023-10-13", "left care")),
          ("2023-11-06", "2023-11-08T10:00:00+00:00", "met", "2023-11-07")],
         "a-later-periods-iha-request-does-not-satisfy-the-earlier-periods"),
    # Decisions circulated after the next review are the next review's: the earlier
    # review's were missed when the next was held. Review Wed 3 Jan 2024: due Wed 10 Jan.
    case("LAC-REV-REC",
         [ev("entered_care", "2023-06-05", legal_status="C2"), review("2023-07-03"), review("2024-01-03"),
          ev("review_decisions_circulated", "2024-01-05", kind="looked_after")],
         "2024-01-15",
         [("2023-07-03", "2023-07-10", "missed", ("2024-01-03", "next review held")),
          ("2024-01-03", "2024-01-10", "met", "2024-01-05")],
         "decisions-circulated-after-the-next-review-do-not-count-for-the-earlier-one"),
    # A late trigger meeting (Fri 10 Nov 2023, due Fri 3 Nov) accounts for every episode up
    # to its day: the count starts again after it, so 5, 7, 8 Nov (three in four days, but
    # before it) and 12, 20 Nov (after it) start no new clock.
    case("MIS-REPEAT",
         [*THREE_IN_OCTOBER, *episodes("2023-11-05", "2023-11-07", "2023-11-08"),
          ev("missing_trigger_meeting", "2023-11-10"),
          *episodes("2023-11-12", "2023-11-20")],
         "2023-11-30",
         [("2023-10-29", "2023-11-03", "late", "2023-11-10")],
         "after-a-late-trigger-meeting-the-count-restarts-from-the-meeting"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), EVENT_MATCHING)
def test_a_clock_is_satisfied_only_by_the_event_the_rule_allows(rule, events, as_of, expected):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


TABLE += EVENT_MATCHING


def care_plan(at):
    return ev("care_plan_recorded", at)


def placement_plan(at):
    return ev("placement_plan_recorded", at)


def permanence(at):
    return ev("permanence_plan_recorded", at, plan="adoption")


JAN_2023 = [
    ev("entered_care", "2023-01-09", legal_status="C2"),
    ev("placement_started", "2023-01-09", placement_type="U6"),
]
APR_2023 = [
    ev("entered_care", "2023-04-03", legal_status="C2"),
    ev("placement_started", "2023-04-03", placement_type="U6"),
]

#: RULES.md "before X or, if not practicable, within N": duties that may be done before
#: the clock starts, met by a fact after the end of the previous period of care and never
#: by one from that period. Care plan: first placement Mon 9 Jan 2023 + 10 WD is Mon 23
#: Jan; Mon 3 Apr 2023 + 10 WD (Easter skipped) is Wed 19 Apr. Placement plan: Mon 9 Jan
#: + 5 WD is Mon 16 Jan; Mon 3 Apr + 5 WD is Wed 12 Apr 2023.
IN_ADVANCE = [
    case("LAC-CPLAN", [care_plan("2023-03-28"), *APR_2023], "2023-04-20",
         [("2023-04-03", "2023-04-19", "met", "2023-03-28")], "care-plan-made-before-a-planned-admission-counts"),
    case("LAC-CPLAN", [*JAN_2023, care_plan("2023-01-12"), care_plan("2023-03-31"), left("2023-03-31"), *APR_2023],
         "2023-04-20",
         [("2023-01-09", "2023-01-23", "met", "2023-01-12"), ("2023-04-03", "2023-04-19", "overdue")],
         "re-entry-does-not-reuse-the-previous-periods-care-plan"),
    case("LAC-CPLAN", [*JAN_2023, care_plan("2023-01-12"), left("2023-03-17"), care_plan("2023-03-31"), *APR_2023],
         "2023-04-20",
         [("2023-01-09", "2023-01-23", "met", "2023-01-12"), ("2023-04-03", "2023-04-19", "met", "2023-03-31")],
         "re-entry-counts-a-care-plan-made-after-the-previous-period-ended"),
    case("LAC-PPLAN", [placement_plan("2023-03-30"), *APR_2023], "2023-04-20",
         [("2023-04-03", "2023-04-12", "met", "2023-03-30")], "placement-plan-made-before-a-planned-admission-counts"),
    case("LAC-PPLAN", [*JAN_2023, placement_plan("2023-01-10"), left("2023-03-31"), *APR_2023], "2023-04-20",
         [("2023-01-09", "2023-01-16", "met", "2023-01-10"), ("2023-04-03", "2023-04-12", "overdue")],
         "re-entry-does-not-reuse-the-previous-periods-placement-plan"),
    # A planned move: placement from Mon 21 Aug 2023 (plan due Tue 29 Aug, 28 Aug a bank
    # holiday) has its plan on Tue 22 Aug; the next placement's, from Mon 4 Sep (due Mon 11
    # Sep), is made on Thu 31 Aug, before the move.
    case("LAC-PPLAN",
         [ev("entered_care", "2023-08-21", legal_status="C2"), ev("placement_started", "2023-08-21", placement_type="U6"),
          placement_plan("2023-08-22"), placement_plan("2023-08-31"), ended("2023-09-04"),
          ev("placement_started", "2023-09-04", placement_type="U4")],
         "2023-09-12",
         [("2023-08-21", "2023-08-29", "met", "2023-08-22"), ("2023-09-04", "2023-09-11", "met", "2023-08-31")],
         "a-planned-moves-placement-plan-made-before-the-move-counts"),
    # No review yet: the permanence plan is due with the second review, Wed 11 Jan 2023.
    case("LAC-PERM", [permanence("2022-09-05"), IN_SEP], "2022-10-12",
         [("2022-09-12", "2023-01-11", "met", "2022-09-05")], "permanence-plan-made-before-entering-care-counts"),
    case("LAC-PERM",
         [ev("entered_care", "2022-03-01", legal_status="C2"), permanence("2022-03-20"), left("2022-06-30"), IN_SEP],
         "2022-10-12",
         [("2022-03-01", "2022-06-29", "met", "2022-03-20"), ("2022-09-12", "2023-01-11", "pending")],
         "re-entry-does-not-reuse-the-previous-periods-permanence-plan"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), IN_ADVANCE)
def test_a_duty_the_law_allows_in_advance_is_met_before_its_clock_but_not_from_a_previous_period(
    rule, events, as_of, expected
):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


TABLE += IN_ADVANCE


def born(dob):
    return ev("child_registered", dob, dob=dob)


#: A child stops being looked after at 18, whether or not leaving care is recorded: the
#: clocks of the period stop on the 18th birthday ("reached 18").
AT_18 = [
    # Entered Mon 4 Sep 2023 aged 17; first review due Mon 2 Oct 2023; 18 on Sun 1 Oct.
    case("LAC-REV-1", [born("2005-10-01"), ev("entered_care", "2023-09-04", legal_status="V2")], "2023-10-10",
         [("2023-09-04", "2023-10-02", "closed", "reached 18")], "rev1-closed-at-18-before-it-falls-due"),
    # IHA Wed 15 Mar 2023 aged 16: review due Fri 15 Mar 2024; 18 on Mon 25 Mar 2024.
    case("HLT-RHA", [born("2006-03-25"), IN_MAR_2023, IHA_MAR], "2024-04-02",
         [("2023-03-15", "2024-03-15", "missed", ("2024-03-25", "reached 18"))], "rha-missed-at-18"),
    # Visit Mon 4 Dec 2023: next due Mon 15 Jan 2024; 18 on Sat 20 Jan 2024.
    case("VIS-2", [born("2006-01-20"), *placed("2023-12-04"), visit("2023-12-04")], "2024-01-25",
         [("2023-12-04", "2024-01-15", "missed", ("2024-01-20", "reached 18"))], "vis2-missed-at-18"),
    # Leaving care on the 18th birthday is leaving care.
    case("VIS-2", [born("2006-01-20"), *placed("2023-12-04"), visit("2023-12-04"), left("2024-01-20")], "2024-01-25",
         [("2023-12-04", "2024-01-15", "missed", ("2024-01-20", "left care"))], "vis2-left-care-on-the-18th-birthday"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), AT_18)
def test_a_periods_clocks_stop_on_the_18th_birthday(rule, events, as_of, expected):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


TABLE += AT_18

RULE_TABLES = (
    "tests.test_rules_lac",
    "tests.test_rules_health",
    "tests.test_rules_missing",
    "tests.test_rules_visits",
    "tests.test_rules_education",
    "tests.test_rules_leavers",
    "tests.test_rules_protection",
    "tests.test_rules_adoption",
    "tests.test_rules_care",
    "tests.test_rules_more",
)

#: Statuses a rule cannot reach, and why (checked below so the reasons stay true).
#: `missed` needs a clock that something stops after the due date.
CANNOT = {
    "CP-REF": {"closed": "a referral always needs a decision"},
    "CP-ICPC": {
        "closed": "nothing stops the clock once s47 enquiries have started",
        "missed": "nothing stops the clock once s47 enquiries have started",
    },
    "CP-DUR": {
        "closed": "the end of the plan is what meets it",
        "missed": "the end of the plan is what meets it (late, once the plan ran past 9 months)",
    },
    "CL-ASSESS": {"closed": "the duty continues for a relevant child after leaving care"},
    "CL-PA": {"closed": "the duty continues for a relevant child after leaving care"},
    "EDU-PEP-TERM": {
        "late": "a review after the term belongs to the next term",
        "overdue": "a term's review can only be done in the term: once it is over it is missed",
    },
    "MIS-RHI": {"closed": "the duty does not end with the episode", "missed": "nothing ends the duty"},
    "MIS-IRO": {"closed": "the duty does not end with the episode", "missed": "nothing ends the duty"},
    "MIS-REPEAT": {"closed": "the duty does not end with the episode", "missed": "nothing ends the duty"},
}


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_more_rule_cases(rule, events, as_of, expected):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_every_rule_has_a_met_late_overdue_missed_and_closed_case_unless_it_cannot():
    covered: dict[str, set[str]] = {}
    for module in RULE_TABLES:
        for param in importlib.import_module(module).TABLE:
            rule, _events, _as_of, expected = param.values
            covered.setdefault(rule, set()).update(row[2] for row in expected)

    gaps = {
        rule: sorted(
            {"met", "late", "overdue", "missed", "closed"}
            - covered.get(rule, set())
            - set(CANNOT.get(rule, {}))
        )
        for rule in REGISTRY
    }

    assert {rule: missing for rule, missing in gaps.items() if missing} == {}


def test_every_rule_has_a_row_where_the_duty_is_undone_on_its_due_day_and_not_overdue():
    on_the_due_day: dict[str, set[str]] = {}
    for module in RULE_TABLES:
        for param in importlib.import_module(module).TABLE:
            rule, _events, as_of, expected = param.values
            for row in expected:
                if row[1][:10] == as_of:
                    on_the_due_day.setdefault(rule, set()).add(row[2])

    lacking = sorted(
        rule for rule in REGISTRY if not on_the_due_day.get(rule, set()) & {"due_soon", "pending"}
    )

    assert lacking == []
    assert all("overdue" not in found for found in on_the_due_day.values())


def test_every_rule_cites_its_source_and_has_worked_examples_with_real_dates():
    for spec in REGISTRY.values():
        assert spec.citation, spec.id
        assert "Worked example" in spec.doc, spec.id
        assert any(str(year) in spec.doc for year in range(2011, 2030)), spec.id


def test_a_duplicate_rule_id_fails_at_import():
    from rules.registry import DuplicateRule, rule

    with pytest.raises(DuplicateRule, match="LAC-REV-1"):

        @rule("LAC-REV-1", title="again", basis="reg", citation="x")
        def again(tl, ctx):
            """Doc."""
            return []


def test_a_rule_applies_only_while_its_regulation_is_in_force():
    from compliance.engine import Engine
    from compliance.store import open_store

    engine = Engine(open_store("memory:"))

    before = {spec.id for spec in engine.rules_in_force(date(2011, 3, 31))}
    after = {spec.id for spec in engine.rules_in_force(date(2011, 4, 1))}

    # CPPCR 2010 came into force on 1 April 2011.
    assert "LAC-REV-1" not in before and "LAC-REV-1" in after
    assert "ADP-REV-1" in before  # AAR 2005 was already in force


def test_the_iro_is_due_by_the_first_review_when_that_comes_sooner_than_the_local_standard():
    events = [ev("entered_care", "2022-09-12", legal_status="C2")]

    got = run_rule("LAC-IRO", events, as_of="2022-09-13", settings={("LAC-IRO", "within"): "30 working days"})

    # 30 WD would be Tue 25 Oct 2022, but the first review is due Tue 11 Oct 2022.
    assert statuses(got) == [("2022-09-12", "2022-10-11", "pending")]
    assert "before the first review is due on Tue 11 Oct 2022" in got[0].explanation[1]


def test_the_permanence_plan_follows_the_review_timescales_the_council_set():
    events = [ev("entered_care", "2022-09-12", legal_status="C2"), ev("review_held", "2022-10-11")]

    got = run_rule("LAC-PERM", events, as_of="2022-10-12", settings={("LAC-REV-2", "within"): "2 months"})

    # Second review due 2 months after Tue 11 Oct 2022: Sun 11 Dec 2022.
    assert statuses(got) == [("2022-09-12", "2022-12-11", "pending")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        ("TRUE", True),
        ("on", True),
        ("", False),
        ("0", False),
        ("false", False),
        ("no", False),
    ],
)
def test_any_true_value_of_ci_makes_postgresql_required(value, expected):
    from tests.conftest import in_ci

    assert in_ci({"CI": value}) is expected


def test_without_ci_set_postgresql_is_optional():
    from tests.conftest import in_ci

    assert in_ci({}) is False
