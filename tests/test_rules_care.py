"""Visits, education, care leavers, child protection and adoption: tables of cases with real dates."""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from rules.leavers import eligibility
from tests.builders import assert_rows, ev, run_rule, statuses, timeline


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def placed(at, kind="U6", **kw):
    return [ev("entered_care", at, legal_status="C1"), ev("placement_started", at, placement_type=kind, **kw)]


def visit(at, seen=True):
    return ev("statutory_visit", at, seen=seen)


BORN_2014 = ev("child_registered", "2014-01-01", dob="2014-01-01")
BORN_2008 = ev("child_registered", "2008-01-10", dob="2008-01-10")

TABLE = [
    # VIS-1: 7 calendar days from the placement start.
    case(
        "VIS-1",
        placed("2023-02-28") + [visit("2023-03-07")],
        "2023-04-01",
        [("2023-02-28", "2023-03-07", "met", "2023-03-07")],
        "vis1-met",
    ),
    case(
        "VIS-1",
        placed("2023-02-28") + [visit("2023-03-08")],
        "2023-04-01",
        [("2023-02-28", "2023-03-07", "late", "2023-03-08")],
        "vis1-late",
    ),
    case(
        "VIS-1",
        placed("2024-02-28"),
        "2024-03-07",
        [("2024-02-28", "2024-03-06", "overdue")],
        "vis1-leap-year",
    ),
    case(
        "VIS-1",
        placed("2023-02-28") + [ev("placement_ended", "2023-03-03", reason="CARPL")],
        "2023-04-01",
        [("2023-02-28", "2023-03-07", "closed", "placement ended")],
        "vis1-closed-by-placement-end",
    ),
    case(
        "VIS-1",
        placed("2023-02-28") + [visit("2023-03-05", seen=False), visit("2023-03-08")],
        "2023-04-01",
        [("2023-02-28", "2023-03-07", "late", "2023-03-08")],
        "vis1-child-not-seen-does-not-count",
    ),
    case(
        "VIS-1",
        placed("2023-02-28"),
        "2023-03-01",
        [("2023-02-28", "2023-03-07", "due_soon")],
        "vis1-due-soon",
    ),
    # VIS-2: Mon 4 Dec 2023 + 42 calendar days (Christmas counts) = Mon 15 Jan 2024.
    case(
        "VIS-2",
        placed("2023-11-27") + [visit("2023-12-04"), visit("2024-01-12")],
        "2024-01-20",
        [("2023-12-04", "2024-01-15", "met", "2024-01-12"), ("2024-01-12", "2024-02-23", "pending")],
        "vis2-met-across-christmas",
    ),
    case(
        "VIS-2",
        placed("2023-11-27") + [visit("2023-12-04"), visit("2024-01-16")],
        "2024-01-20",
        [("2023-12-04", "2024-01-15", "late", "2024-01-16"), ("2024-01-16", "2024-02-27", "pending")],
        "vis2-late",
    ),
    case(
        "VIS-2",
        placed("2023-11-27") + [visit("2023-12-04")],
        "2024-01-16",
        [("2023-12-04", "2024-01-15", "overdue")],
        "vis2-overdue",
    ),
    # After the first anniversary (Tue 3 Jan 2023) of a placement from Mon 3 Jan 2022.
    case(
        "VIS-3",
        placed("2022-01-03", "U4", long_term=True)
        + [visit("2022-12-20"), visit("2023-01-11"), visit("2023-04-03")],
        "2023-04-20",
        [("2023-01-11", "2023-04-11", "met", "2023-04-03"), ("2023-04-03", "2023-07-03", "pending")],
        "vis3-long-term-three-months",
    ),
    case(
        "VIS-4",
        placed("2022-01-03") + [visit("2022-12-20"), visit("2023-01-11")],
        "2023-02-27",
        [("2023-01-11", "2023-02-22", "overdue")],
        "vis4-other-placements-42-days",
    ),
    case(
        "VIS-2",
        placed("2022-01-03") + [visit("2022-12-20"), visit("2023-01-11")],
        "2023-02-27",
        [("2022-12-20", "2023-01-31", "met", "2023-01-11")],
        "vis2-visit-before-the-anniversary-is-first-year",
    ),
    # VIS-PWP: placed with parents Mon 6 Mar 2023: weekly until the first review, then 42 days.
    case(
        "VIS-PWP",
        placed("2023-03-06", "P1")
        + [visit("2023-03-10"), ev("review_held", "2023-03-31"), visit("2023-04-03")],
        "2023-04-05",
        [
            ("2023-03-06", "2023-03-13", "met", "2023-03-10"),
            ("2023-03-10", "2023-03-17", "late", "2023-04-03"),
            ("2023-04-03", "2023-05-15", "pending"),
        ],
        "pwp-weekly-then-six-weekly",
    ),
    case("VIS-1", placed("2023-03-06", "P1"), "2023-04-05", [], "vis1-not-for-placements-with-parents"),
    # EDU-PEP: Mon 3 Apr 2023 + 10 WD skipping Good Friday and Easter Monday = Wed 19 Apr 2023.
    case(
        "EDU-PEP",
        [BORN_2014, ev("entered_care", "2023-04-03", legal_status="C1"), ev("pep_initiated", "2023-04-18")],
        "2023-05-01",
        [("2023-04-03", "2023-04-19", "met", "2023-04-18")],
        "pep-met",
    ),
    case(
        "EDU-PEP",
        [BORN_2014, ev("entered_care", "2023-04-03", legal_status="C1"), ev("pep_initiated", "2023-04-20")],
        "2023-05-01",
        [("2023-04-03", "2023-04-19", "late", "2023-04-20")],
        "pep-late",
    ),
    case(
        "EDU-PEP",
        [BORN_2014, ev("entered_care", "2023-04-03", legal_status="C1")],
        "2023-04-20",
        [("2023-04-03", "2023-04-19", "overdue")],
        "pep-overdue",
    ),
    case(
        "EDU-PEP",
        [
            ev("child_registered", "2021-01-01", dob="2021-01-01"),
            ev("entered_care", "2023-04-03", legal_status="C1"),
        ],
        "2023-05-01",
        [],
        "pep-not-for-a-two-year-old",
    ),
    case(
        "EDU-PEP",
        [
            BORN_2014,
            ev("entered_care", "2023-04-03", legal_status="C1"),
            ev("left_care", "2023-04-12", reason="E13"),
        ],
        "2023-05-01",
        [("2023-04-03", "2023-04-19", "closed", "left care")],
        "pep-closed",
    ),
    # EDU-PEP-TERM: terms 1 Sep-31 Dec, 1 Jan-31 Mar, 1 Apr-31 Aug.
    case(
        "EDU-PEP-TERM",
        [BORN_2014, ev("entered_care", "2023-11-01", legal_status="C1"), ev("pep_reviewed", "2023-12-05")],
        "2024-04-02",
        [
            ("2023-11-01", "2023-12-31", "met", "2023-12-05"),
            ("2024-01-01", "2024-03-31", "missed", ("2024-04-01", "the term ended")),
            ("2024-04-01", "2024-08-31", "pending"),
        ],
        "pep-term-met-missed-pending",
    ),
    case(
        "EDU-PEP-TERM",
        [
            BORN_2014,
            ev("entered_care", "2023-11-01", legal_status="C1"),
            ev("pep_reviewed", "2023-12-05"),
            ev("left_care", "2024-03-15", reason="E13"),
        ],
        "2024-04-02",
        [
            ("2023-11-01", "2023-12-31", "met", "2023-12-05"),
            ("2024-01-01", "2024-03-31", "closed", "left care"),
        ],
        "pep-term-closed-by-leaving",
    ),
    # CL-ASSESS: eligible on the 16th birthday Wed 10 Jan 2024 -> due Wed 10 Apr 2024.
    case(
        "CL-ASSESS",
        [
            BORN_2008,
            ev("entered_care", "2021-06-01", legal_status="C2"),
            ev("needs_assessment_completed", "2024-04-02"),
        ],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "met", "2024-04-02")],
        "assess-met",
    ),
    case(
        "CL-ASSESS",
        [BORN_2008, ev("entered_care", "2021-06-01", legal_status="C2")],
        "2024-04-11",
        [("2024-01-10", "2024-04-10", "overdue")],
        "assess-overdue",
    ),
    # Entered at 16 on Mon 4 Mar 2024: 13 weeks (91 days) reached Mon 3 Jun 2024 -> due Tue 3 Sep 2024.
    case(
        "CL-ASSESS",
        [BORN_2008, ev("entered_care", "2024-03-04", legal_status="V2")],
        "2024-07-01",
        [("2024-06-03", "2024-09-03", "pending")],
        "assess-later-eligibility",
    ),
    # CL-PATH: Fri 22 Mar 2024 + 10 WD skipping Good Friday and Easter Monday = Tue 9 Apr 2024.
    case(
        "CL-PATH",
        [ev("needs_assessment_completed", "2024-03-22"), ev("pathway_plan_recorded", "2024-04-09")],
        "2024-05-01",
        [("2024-03-22", "2024-04-09", "met", "2024-04-09")],
        "path-met-easter",
    ),
    case(
        "CL-PATH",
        [ev("needs_assessment_completed", "2024-03-22"), ev("pathway_plan_recorded", "2024-04-10")],
        "2024-05-01",
        [("2024-03-22", "2024-04-09", "late", "2024-04-10")],
        "path-late",
    ),
    case(
        "CL-PATH-REV",
        [BORN_2008, ev("pathway_plan_recorded", "2024-08-31")],
        "2025-03-01",
        [("2024-08-31", "2025-02-28", "overdue")],
        "path-rev-month-end",
    ),
    case(
        "CL-PA",
        [
            BORN_2008,
            ev("entered_care", "2021-06-01", legal_status="C2"),
            ev("personal_adviser_allocated", "2024-04-08"),
        ],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "met", "2024-04-08")],
        "pa-met",
    ),
    case(
        "CL-PA",
        [BORN_2008, ev("entered_care", "2021-06-01", legal_status="C2")],
        "2024-04-15",
        [("2024-01-10", "2024-04-10", "overdue")],
        "pa-overdue",
    ),
    # CL-CONTACT: left care Fri 1 Mar 2024 at 18; 8 weeks = Fri 26 Apr 2024; then from each contact.
    case(
        "CL-CONTACT",
        [
            ev("child_registered", "2006-03-01", dob="2006-03-01"),
            ev("entered_care", "2020-05-01", legal_status="C2"),
            ev("left_care", "2024-03-01", reason="E17"),
            ev("care_leaver_contact", "2024-04-22"),
        ],
        "2024-06-24",
        [("2024-03-01", "2024-04-26", "met", "2024-04-22"), ("2024-04-22", "2024-06-17", "overdue")],
        "contact-met-then-overdue",
    ),
    # CP-REF: Fri 24 May 2024 + 1 WD skipping Mon 27 May = Tue 28 May 2024.
    case(
        "CP-REF",
        [ev("referral_received", "2024-05-24"), ev("referral_decision", "2024-05-28", outcome="assessment")],
        "2024-06-01",
        [("2024-05-24", "2024-05-28", "met", "2024-05-28")],
        "ref-met-bank-holiday",
    ),
    case(
        "CP-REF",
        [ev("referral_received", "2024-05-24"), ev("referral_decision", "2024-05-29", outcome="assessment")],
        "2024-06-01",
        [("2024-05-24", "2024-05-28", "late", "2024-05-29")],
        "ref-late",
    ),
    # CP-ASMT: Mon 4 Dec 2023 + 45 WD skipping 25, 26 Dec and 1 Jan = Thu 8 Feb 2024.
    case(
        "CP-ASMT",
        [ev("referral_received", "2023-12-04"), ev("assessment_completed", "2024-02-08")],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "met", "2024-02-08")],
        "asmt-met",
    ),
    case(
        "CP-ASMT",
        [ev("referral_received", "2023-12-04")],
        "2024-02-09",
        [("2023-12-04", "2024-02-08", "overdue")],
        "asmt-overdue",
    ),
    case(
        "CP-ASMT",
        [ev("referral_received", "2023-12-04"), ev("referral_decision", "2023-12-05", outcome="nfa")],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "closed", "no assessment needed")],
        "asmt-closed-nfa",
    ),
    # CP-ICPC: Thu 21 Dec 2023 + 15 WD skipping 25, 26 Dec and 1 Jan = Tue 16 Jan 2024.
    case(
        "CP-ICPC",
        [ev("strategy_discussion", "2023-12-21", s47=True), ev("icpc_held", "2024-01-16", outcome="plan")],
        "2024-02-01",
        [("2023-12-21", "2024-01-16", "met", "2024-01-16")],
        "icpc-met-christmas",
    ),
    case(
        "CP-ICPC",
        [ev("strategy_discussion", "2023-12-21", s47=True), ev("icpc_held", "2024-01-17", outcome="plan")],
        "2024-02-01",
        [("2023-12-21", "2024-01-16", "late", "2024-01-17")],
        "icpc-late",
    ),
    case(
        "CP-ICPC",
        [
            ev("strategy_discussion", "2023-12-21", s47=True),
            ev("strategy_discussion", "2024-01-05", s47=True),
        ],
        "2024-01-17",
        [("2023-12-21", "2024-01-16", "overdue")],
        "icpc-first-strategy-discussion-starts-the-clock",
    ),
    # CP-CG: Wed 20 Mar 2024 + 10 WD skipping Good Friday and Easter Monday = Fri 5 Apr 2024.
    case(
        "CP-CG",
        [ev("icpc_held", "2024-03-20", outcome="plan"), ev("core_group_held", "2024-04-05")],
        "2024-05-01",
        [("2024-03-20", "2024-04-05", "met", "2024-04-05")],
        "cg-met-easter",
    ),
    case(
        "CP-CG",
        [ev("icpc_held", "2024-03-20", outcome="plan"), ev("cp_plan_ended", "2024-03-27")],
        "2024-05-01",
        [("2024-03-20", "2024-04-05", "closed", "plan ended")],
        "cg-closed-plan-ended",
    ),
    case(
        "CP-RCPC-1",
        [ev("icpc_held", "2023-10-31", outcome="plan"), ev("rcpc_held", "2024-01-30", outcome="continue")],
        "2024-02-01",
        [("2023-10-31", "2024-01-31", "met", "2024-01-30")],
        "rcpc1-met",
    ),
    case(
        "CP-RCPC-1",
        [ev("icpc_held", "2023-11-30", outcome="plan")],
        "2024-03-01",
        [("2023-11-30", "2024-02-29", "overdue")],
        "rcpc1-leap",
    ),
    case(
        "CP-RCPC-N",
        [
            ev("icpc_held", "2023-10-31", outcome="plan"),
            ev("rcpc_held", "2024-01-30", outcome="continue"),
            ev("rcpc_held", "2024-07-22", outcome="end"),
        ],
        "2024-08-01",
        [("2024-01-30", "2024-07-30", "met", "2024-07-22")],
        "rcpcn-met",
    ),
    # CP-VIS: Mon 18 Dec 2023 + 10 WD skipping 25, 26 Dec and 1 Jan = Thu 4 Jan 2024.
    case(
        "CP-VIS",
        [ev("icpc_held", "2023-12-18", outcome="plan"), ev("cp_visit", "2024-01-03")],
        "2024-01-05",
        [("2023-12-18", "2024-01-04", "met", "2024-01-03"), ("2024-01-03", "2024-01-17", "pending")],
        "cpvis-met-christmas",
    ),
    case(
        "CP-DUR",
        [ev("icpc_held", "2023-01-31", outcome="plan"), ev("rcpc_held", "2023-10-09", outcome="end")],
        "2023-12-01",
        [("2023-01-31", "2023-10-31", "met", "2023-10-09")],
        "dur-ended-in-time",
    ),
    case(
        "CP-DUR",
        [ev("icpc_held", "2023-01-31", outcome="plan")],
        "2023-11-01",
        [("2023-01-31", "2023-10-31", "overdue")],
        "dur-open-over-9-months",
    ),
    # Adoption reviews (AAR reg 36).
    case(
        "ADP-REV-1",
        [ev("placement_order_granted", "2023-05-31"), ev("review_held", "2023-08-29", kind="adoption")],
        "2023-09-01",
        [("2023-05-31", "2023-08-31", "met", "2023-08-29")],
        "adp1-met",
    ),
    case(
        "ADP-REV-1",
        [ev("placement_order_granted", "2023-05-31"), ev("placed_for_adoption", "2023-07-17")],
        "2023-09-01",
        [("2023-05-31", "2023-08-31", "closed", "placed for adoption")],
        "adp1-closed-when-placed",
    ),
    case(
        "ADP-REV-P1",
        [ev("placed_for_adoption", "2023-07-17"), ev("review_held", "2023-08-15", kind="adoption")],
        "2023-09-01",
        [("2023-07-17", "2023-08-14", "late", "2023-08-15")],
        "adp-p1-four-weeks-late",
    ),
    case(
        "ADP-REV-P2",
        [
            ev("placed_for_adoption", "2023-07-17"),
            ev("review_held", "2023-08-11", kind="adoption"),
            ev("review_held", "2023-11-09", kind="adoption"),
        ],
        "2023-12-01",
        [("2023-08-11", "2023-11-11", "met", "2023-11-09")],
        "adp-p2-met",
    ),
    case(
        "ADP-REV-PN",
        [
            ev("placed_for_adoption", "2023-07-17"),
            ev("review_held", "2023-08-11", kind="adoption"),
            ev("review_held", "2023-11-09", kind="adoption"),
        ],
        "2024-05-13",
        [("2023-11-09", "2024-05-09", "overdue")],
        "adp-pn-overdue",
    ),
    case(
        "ADP-REV-PN",
        [
            ev("placed_for_adoption", "2023-07-17"),
            ev("review_held", "2023-08-11", kind="adoption"),
            ev("review_held", "2023-11-09", kind="adoption"),
            ev("adoption_order_granted", "2024-02-01"),
        ],
        "2024-05-13",
        [("2023-11-09", "2024-05-09", "closed", "adoption order granted")],
        "adp-pn-closed-by-adoption-order",
    ),
]


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_rule_table(rule, events, as_of, expected):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


@pytest.mark.parametrize(
    ("entered", "expected"),
    [
        ("2023-10-11", date(2024, 1, 10)),  # exactly 91 days by the 16th birthday
        ("2023-10-12", date(2024, 1, 11)),  # one day short at 16: eligible the next day
        ("2021-06-01", date(2024, 1, 10)),  # long in care: on the 16th birthday
    ],
    ids=["13-weeks-exactly-at-16", "one-day-short-at-16", "long-term-in-care"],
)
def test_eligibility_needs_13_weeks_since_14_and_being_looked_after_at_16(entered, expected):
    tl = timeline([BORN_2008, ev("entered_care", entered, legal_status="C2")])

    assert eligibility(tl) == expected


def test_a_child_who_left_care_before_16_is_not_eligible():
    tl = timeline(
        [
            BORN_2008,
            ev("entered_care", "2022-02-01", legal_status="C2"),
            ev("left_care", "2023-06-01", reason="E13"),
        ]
    )

    assert eligibility(tl) is None


def test_a_leap_day_child_becomes_eligible_on_the_16th_birthday_in_a_leap_year():
    tl = timeline(
        [
            ev("child_registered", "2008-02-29", dob="2008-02-29"),
            ev("entered_care", "2022-01-04", legal_status="C2"),
        ]
    )

    assert eligibility(tl) == date(2024, 2, 29)


def test_the_last_strategy_discussion_setting_moves_the_icpc_clock():
    events = [
        ev("strategy_discussion", "2023-12-21", s47=True),
        ev("strategy_discussion", "2024-01-05", s47=True),
    ]

    got = run_rule("CP-ICPC", events, as_of="2024-01-17", settings={("CP-ICPC", "clock_start"): "last"})

    # Fri 5 Jan 2024 + 15 WD = Fri 26 Jan 2024.
    assert statuses(got) == [("2024-01-05", "2024-01-26", "pending")]
