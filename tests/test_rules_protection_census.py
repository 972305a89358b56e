"""Child protection from the CIN census's shapes: plans that start on their own date
(`cp_plan_started`) and section 47 enquiries that needed no initial conference.

Holidays used below: Christmas Day Mon 25 Dec 2023, Boxing Day Tue 26 Dec 2023, New Year's
Day Mon 1 Jan 2024, Good Friday Fri 29 Mar 2024, Easter Monday Mon 1 Apr 2024.
"""

import pytest

import rules.catalogue  # noqa: F401
from tests.builders import ev, run_rule, statuses, timeline


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def s47(at, **fields):
    return ev("strategy_discussion", at, s47=True, **fields)


def plan_started(at):
    return ev("cp_plan_started", at, category="neglect")


def rcpc(at, outcome="continue"):
    return ev("rcpc_held", at, outcome=outcome)


NOT_REQUIRED = s47("2023-12-20", icpc_not_required=True)

TABLE = [
    # Wed 20 Dec 2023 + 15 WD, skipping 25, 26 Dec and 1 Jan = Mon 15 Jan 2024: no conference
    # was needed, so the clock is closed, not overdue.
    case(
        "CP-ICPC", [NOT_REQUIRED], "2024-02-01", [("2023-12-20", "2024-01-15", "closed")], "icpc-not-required"
    ),
    # The flag false is an ordinary enquiry: overdue without a conference.
    case(
        "CP-ICPC",
        [s47("2023-12-20", icpc_not_required=False)],
        "2024-02-01",
        [("2023-12-20", "2024-01-15", "overdue")],
        "icpc-required-flag-false",
    ),
    # A later enquiry's conference answers only that enquiry: Fri 5 Jan 2024 + 15 WD = Fri 26 Jan 2024.
    case(
        "CP-ICPC",
        [NOT_REQUIRED, s47("2024-01-05"), ev("icpc_held", "2024-01-26", outcome="no_plan")],
        "2024-02-01",
        [("2023-12-20", "2024-01-15", "closed"), ("2024-01-05", "2024-01-26", "met")],
        "icpc-not-required-then-a-new-enquiry",
    ),
    # A plan started on its own date Tue 31 Oct 2023: first review conference due Wed 31 Jan 2024.
    case(
        "CP-RCPC-1",
        [plan_started("2023-10-31"), rcpc("2024-01-30")],
        "2024-03-01",
        [("2023-10-31", "2024-01-31", "met")],
        "rcpc1-met-from-plan-start",
    ),
    case(
        "CP-RCPC-1",
        [plan_started("2023-10-31"), rcpc("2024-02-01")],
        "2024-03-01",
        [("2023-10-31", "2024-01-31", "late")],
        "rcpc1-late-from-plan-start",
    ),
    case(
        "CP-RCPC-1",
        [plan_started("2023-10-31")],
        "2024-02-05",
        [("2023-10-31", "2024-01-31", "overdue")],
        "rcpc1-overdue-from-plan-start",
    ),
    case(
        "CP-RCPC-1",
        [plan_started("2023-10-31"), ev("cp_plan_ended", "2023-12-01")],
        "2024-02-05",
        [("2023-10-31", "2024-01-31", "closed")],
        "rcpc1-closed-when-the-plan-ended",
    ),
    # RCPC Tue 30 Jan 2024 (continue): next due Tue 30 Jul 2024.
    case(
        "CP-RCPC-N",
        [plan_started("2023-10-31"), rcpc("2024-01-30"), rcpc("2024-07-22", "end")],
        "2024-08-01",
        [("2024-01-30", "2024-07-30", "met")],
        "rcpcn-met-on-a-plan-started-on-its-own-date",
    ),
    case(
        "CP-RCPC-N",
        [plan_started("2023-10-31"), rcpc("2024-01-30")],
        "2024-07-31",
        [("2024-01-30", "2024-07-30", "overdue")],
        "rcpcn-overdue-on-a-plan-started-on-its-own-date",
    ),
    # Plan from Tue 31 Jan 2023: 9 months is Tue 31 Oct 2023.
    case(
        "CP-DUR",
        [plan_started("2023-01-31"), ev("cp_plan_ended", "2023-10-09")],
        "2023-11-01",
        [("2023-01-31", "2023-10-31", "met")],
        "dur-met-plan-started-on-its-own-date",
    ),
    case(
        "CP-DUR",
        [plan_started("2023-01-31")],
        "2023-11-01",
        [("2023-01-31", "2023-10-31", "overdue")],
        "dur-overdue-plan-started-on-its-own-date",
    ),
    # Mon 4 Dec 2023 + 45 WD, skipping 25, 26 Dec and 1 Jan = Thu 8 Feb 2024. A referral the
    # census records as no further action needs no assessment.
    case(
        "CP-ASMT",
        [ev("referral_received", "2023-12-04", nfa=True)],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "closed")],
        "asmt-closed-for-a-referral-with-no-further-action",
    ),
    case(
        "CP-ASMT",
        [ev("referral_received", "2023-12-04", nfa=False)],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "overdue")],
        "asmt-overdue-when-further-action-followed",
    ),
    # Wed 20 Mar 2024 + 10 WD, skipping Good Friday and Easter Monday = Fri 5 Apr 2024.
    case(
        "CP-CG",
        [plan_started("2024-03-20"), ev("core_group_held", "2024-04-05")],
        "2024-05-01",
        [("2024-03-20", "2024-04-05", "met")],
        "cg-met-from-plan-start",
    ),
]


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_census_shaped_child_protection_table(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert statuses(got) == expected


def test_an_enquiry_that_needed_no_conference_says_so():
    (got,) = run_rule("CP-ICPC", [NOT_REQUIRED], as_of="2024-02-01")

    assert got.closed_reason == "ICPC not required"


def test_a_plan_start_opens_a_plan_that_a_review_conference_ends():
    tl = timeline([plan_started("2023-10-31"), rcpc("2024-01-30", "end")])

    (plan,) = tl.protection_plans

    assert (str(plan.started_on), str(plan.ended_on)) == ("2023-10-31", "2024-01-30")
    assert plan.start.type == "cp_plan_started"


def test_a_plan_start_while_a_plan_is_open_is_a_finding():
    tl = timeline([ev("icpc_held", "2023-10-31", outcome="plan"), plan_started("2023-11-15")])

    assert [f.code for f in tl.findings] == ["DQ-PLAN-ALREADY-OPEN"]
    assert len(tl.protection_plans) == 1
