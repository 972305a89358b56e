"""Child protection and children in need: a table of cases per CP-* rule, dates worked out by hand.

Holidays used below: Christmas Day Mon 25 Dec 2023, Boxing Day Tue 26 Dec 2023, New Year's
Day Mon 1 Jan 2024, Good Friday Fri 29 Mar 2024, Easter Monday Mon 1 Apr 2024, the spring bank
holiday Mon 27 May 2024. The warning window is 5 working days: due_soon when as_of + 5 WD
reaches the due date.
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from rules.registry import REGISTRY
from tests.builders import assert_rows, ev, run_rule, statuses


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def referral(at):
    return ev("referral_received", at)


def decision(at, outcome="assessment"):
    return ev("referral_decision", at, outcome=outcome)


def s47(at):
    return ev("strategy_discussion", at, s47=True)


def icpc(at, outcome="plan"):
    return ev("icpc_held", at, outcome=outcome)


def rcpc(at, outcome="continue"):
    return ev("rcpc_held", at, outcome=outcome)


def seen(at, seen=True):
    return ev("cp_visit", at, seen=seen)


# Wed 20 Dec 2023 + 15 WD: 21, 22, (25, 26 Dec), 27, 28, 29 Dec, (1 Jan), 2-5, 8-12, 15 Jan = Mon 15 Jan 2024.
S47_DEC = s47("2023-12-20")
# ICPC Wed 20 Mar 2024 + 10 WD: 21, 22, 25-28 Mar, (29 Mar, 1 Apr), 2-5 Apr = Fri 5 Apr 2024.
PLAN_MAR = icpc("2024-03-20")
# ICPC Tue 31 Oct 2023: first review conference due Wed 31 Jan 2024.
PLAN_OCT = icpc("2023-10-31")
# ICPC Mon 18 Dec 2023 + 10 WD: 19-22 Dec, (25, 26 Dec), 27-29 Dec, (1 Jan), 2-4 Jan = Thu 4 Jan 2024.
PLAN_DEC = icpc("2023-12-18")
# ICPC Tue 31 Jan 2023: 9 months is Tue 31 Oct 2023.
PLAN_JAN = icpc("2023-01-31")

TABLE = [
    # CP-REF: Fri 24 May 2024 + 1 WD, skipping Mon 27 May (spring bank holiday) = Tue 28 May 2024.
    case(
        "CP-REF",
        [referral("2024-05-24"), decision("2024-05-28")],
        "2024-06-01",
        [("2024-05-24", "2024-05-28", "met", "2024-05-28")],
        "ref-met-across-a-bank-holiday",
    ),
    case(
        "CP-REF",
        [referral("2024-05-24"), decision("2024-05-29")],
        "2024-06-01",
        [("2024-05-24", "2024-05-28", "late", "2024-05-29")],
        "ref-late",
    ),
    case(
        "CP-REF",
        [referral("2024-05-24")],
        "2024-05-29",
        [("2024-05-24", "2024-05-28", "overdue")],
        "ref-overdue",
    ),
    # A one-working-day clock is always inside the 5-day warning window: never pending.
    case(
        "CP-REF",
        [referral("2024-05-24")],
        "2024-05-24",
        [("2024-05-24", "2024-05-28", "due_soon")],
        "ref-due-soon",
    ),
    # Fri 22 Dec 2023 + 1 WD, skipping 25 and 26 Dec = Wed 27 Dec 2023.
    case(
        "CP-REF",
        [referral("2023-12-22"), decision("2023-12-27")],
        "2024-01-02",
        [("2023-12-22", "2023-12-27", "met", "2023-12-27")],
        "ref-met-across-christmas",
    ),
    # Two referrals: the decision after the second does not answer the first, which was
    # missed when the second arrived. Mon 3 Jun + 1 WD = Tue 4 Jun; Wed 5 Jun + 1 WD = Thu 6 Jun.
    case(
        "CP-REF",
        [referral("2024-06-03"), referral("2024-06-05"), decision("2024-06-06")],
        "2024-06-10",
        [
            ("2024-06-03", "2024-06-04", "missed", ("2024-06-05", "new referral received")),
            ("2024-06-05", "2024-06-06", "met", "2024-06-06"),
        ],
        "ref-each-referral-its-own-decision",
    ),
    # CP-ASMT: Mon 4 Dec 2023 + 45 WD: 5-8 Dec (4), 11-15 (9), 18-22 (14), 27-29 (17), 2-5 Jan (21),
    # 8-12 (26), 15-19 (31), 22-26 (36), 29 Jan-2 Feb (41), 5-8 Feb (45) = Thu 8 Feb 2024.
    case(
        "CP-ASMT",
        [referral("2023-12-04"), ev("assessment_completed", "2024-02-08")],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "met", "2024-02-08")],
        "asmt-met",
    ),
    case(
        "CP-ASMT",
        [referral("2023-12-04"), ev("assessment_completed", "2024-02-09")],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "late", "2024-02-09")],
        "asmt-late",
    ),
    case(
        "CP-ASMT",
        [referral("2023-12-04")],
        "2024-02-09",
        [("2023-12-04", "2024-02-08", "overdue")],
        "asmt-overdue",
    ),
    # Thu 1 Feb + 5 WD = Thu 8 Feb: due soon. Tue 2 Jan + 5 WD = Tue 9 Jan: pending.
    case(
        "CP-ASMT",
        [referral("2023-12-04")],
        "2024-02-01",
        [("2023-12-04", "2024-02-08", "due_soon")],
        "asmt-due-soon",
    ),
    case(
        "CP-ASMT",
        [referral("2023-12-04")],
        "2024-01-02",
        [("2023-12-04", "2024-02-08", "pending")],
        "asmt-pending",
    ),
    case(
        "CP-ASMT",
        [referral("2023-12-04"), decision("2023-12-05", "nfa")],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "closed", "no assessment needed")],
        "asmt-closed-no-further-action",
    ),
    case(
        "CP-ASMT",
        [referral("2023-12-04"), decision("2023-12-05", "early_help")],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "closed", "no assessment needed")],
        "asmt-closed-early-help",
    ),
    case(
        "CP-ASMT",
        [referral("2023-12-04"), decision("2023-12-05", "strategy")],
        "2024-02-09",
        [("2023-12-04", "2024-02-08", "overdue")],
        "asmt-strategy-decision-still-needs-one",
    ),
    # CP-ICPC (S47_DEC: due Mon 15 Jan 2024).
    case(
        "CP-ICPC",
        [S47_DEC, icpc("2024-01-15")],
        "2024-02-01",
        [("2023-12-20", "2024-01-15", "met", "2024-01-15")],
        "icpc-met-across-christmas",
    ),
    case(
        "CP-ICPC",
        [S47_DEC, icpc("2024-01-16", "no_plan")],
        "2024-02-01",
        [("2023-12-20", "2024-01-15", "late", "2024-01-16")],
        "icpc-late-by-a-day",
    ),
    case("CP-ICPC", [S47_DEC], "2024-01-16", [("2023-12-20", "2024-01-15", "overdue")], "icpc-overdue"),
    # Mon 8 Jan + 5 WD = Mon 15 Jan: due soon. Thu 21 Dec + 5 WD = Tue 2 Jan: pending.
    case("CP-ICPC", [S47_DEC], "2024-01-08", [("2023-12-20", "2024-01-15", "due_soon")], "icpc-due-soon"),
    case("CP-ICPC", [S47_DEC], "2023-12-21", [("2023-12-20", "2024-01-15", "pending")], "icpc-pending"),
    # Default: the clock runs from the first of two s47 discussions.
    case(
        "CP-ICPC",
        [S47_DEC, s47("2024-01-05"), icpc("2024-01-17")],
        "2024-02-01",
        [("2023-12-20", "2024-01-15", "late", "2024-01-17")],
        "icpc-first-strategy-discussion-starts-the-clock",
    ),
    case(
        "CP-ICPC",
        [ev("strategy_discussion", "2023-12-20", s47=False)],
        "2024-02-01",
        [],
        "icpc-no-clock-without-s47",
    ),
    # The conference recorded before the discussion held the same day: Mon 15 Jan + 15 WD = Mon 5 Feb 2024.
    case(
        "CP-ICPC",
        [icpc("2024-01-15"), s47("2024-01-15")],
        "2024-02-01",
        [("2024-01-15", "2024-02-05", "met", "2024-01-15")],
        "icpc-same-day-discussion-and-conference",
    ),
    # A discussion while the child is on a plan needs no initial conference.
    case(
        "CP-ICPC",
        [S47_DEC, icpc("2024-01-15"), s47("2024-03-01")],
        "2024-04-01",
        [("2023-12-20", "2024-01-15", "met", "2024-01-15")],
        "icpc-none-while-on-a-plan",
    ),
    # After a conference without a plan, a new s47 discussion Thu 1 Feb 2024 starts a new clock:
    # + 15 WD = 2, 5-9, 12-16, 19-22 Feb = Thu 22 Feb 2024.
    case(
        "CP-ICPC",
        [S47_DEC, icpc("2024-01-15", "no_plan"), s47("2024-02-01")],
        "2024-02-26",
        [("2023-12-20", "2024-01-15", "met", "2024-01-15"), ("2024-02-01", "2024-02-22", "overdue")],
        "icpc-new-enquiry-after-no-plan",
    ),
    # CP-CG (PLAN_MAR: due Fri 5 Apr 2024).
    case(
        "CP-CG",
        [PLAN_MAR, ev("core_group_held", "2024-04-05")],
        "2024-05-01",
        [("2024-03-20", "2024-04-05", "met", "2024-04-05")],
        "cg-met-across-easter",
    ),
    case(
        "CP-CG",
        [PLAN_MAR, ev("core_group_held", "2024-04-08")],
        "2024-05-01",
        [("2024-03-20", "2024-04-05", "late", "2024-04-08")],
        "cg-late",
    ),
    case("CP-CG", [PLAN_MAR], "2024-04-08", [("2024-03-20", "2024-04-05", "overdue")], "cg-overdue"),
    # Thu 28 Mar + 5 WD, skipping Easter = 2, 3, 4, 5, 8 Apr: due soon. Thu 21 Mar + 5 WD = Thu 28 Mar: pending.
    case(
        "CP-CG",
        [PLAN_MAR],
        "2024-03-28",
        [("2024-03-20", "2024-04-05", "due_soon")],
        "cg-due-soon-across-easter",
    ),
    case("CP-CG", [PLAN_MAR], "2024-03-21", [("2024-03-20", "2024-04-05", "pending")], "cg-pending"),
    case(
        "CP-CG",
        [PLAN_MAR, ev("cp_plan_ended", "2024-03-27")],
        "2024-05-01",
        [("2024-03-20", "2024-04-05", "closed", "plan ended")],
        "cg-closed-plan-ended",
    ),
    case("CP-CG", [icpc("2024-03-20", "no_plan")], "2024-05-01", [], "cg-none-without-a-plan"),
    # A second plan, Tue 1 Oct 2024 + 10 WD = 2-4, 7-11, 14, 15 Oct = Tue 15 Oct 2024; the earlier
    # plan's core group does not count for it.
    case(
        "CP-CG",
        [PLAN_MAR, ev("core_group_held", "2024-04-05"), rcpc("2024-07-01", "end"), icpc("2024-10-01")],
        "2024-10-16",
        [("2024-03-20", "2024-04-05", "met", "2024-04-05"), ("2024-10-01", "2024-10-15", "overdue")],
        "cg-each-plan-its-own-core-group",
    ),
    # CP-RCPC-1 (PLAN_OCT: Tue 31 Oct 2023 + 3 months = Wed 31 Jan 2024).
    case(
        "CP-RCPC-1",
        [PLAN_OCT, rcpc("2024-01-30")],
        "2024-02-01",
        [("2023-10-31", "2024-01-31", "met", "2024-01-30")],
        "rcpc1-met",
    ),
    case(
        "CP-RCPC-1",
        [PLAN_OCT, rcpc("2024-01-15", "end")],
        "2024-02-01",
        [("2023-10-31", "2024-01-31", "met", "2024-01-15")],
        "rcpc1-met-by-a-conference-that-ends-the-plan",
    ),
    case(
        "CP-RCPC-1",
        [PLAN_OCT, rcpc("2024-02-01")],
        "2024-02-05",
        [("2023-10-31", "2024-01-31", "late", "2024-02-01")],
        "rcpc1-late",
    ),
    case("CP-RCPC-1", [PLAN_OCT], "2024-02-01", [("2023-10-31", "2024-01-31", "overdue")], "rcpc1-overdue"),
    # Thu 25 Jan + 5 WD = Thu 1 Feb: due soon.
    case("CP-RCPC-1", [PLAN_OCT], "2024-01-25", [("2023-10-31", "2024-01-31", "due_soon")], "rcpc1-due-soon"),
    case("CP-RCPC-1", [PLAN_OCT], "2023-11-01", [("2023-10-31", "2024-01-31", "pending")], "rcpc1-pending"),
    # The plan ended Fri 1 Dec 2023, before the first review conference was due.
    case(
        "CP-RCPC-1",
        [PLAN_OCT, ev("cp_plan_ended", "2023-12-01")],
        "2024-02-05",
        [("2023-10-31", "2024-01-31", "closed", "plan ended")],
        "rcpc1-closed-plan-ended-before-the-first-review",
    ),
    # The plan ended after the due date with no review conference: the breach stands and
    # can no longer be put right. Due Wed 31 Jan; 1-2, 5-9, 12-15 Feb: 11 working days late.
    case(
        "CP-RCPC-1",
        [PLAN_OCT, ev("cp_plan_ended", "2024-02-15")],
        "2024-03-01",
        [("2023-10-31", "2024-01-31", "missed", ("2024-02-15", "plan ended"))],
        "rcpc1-plan-ended-too-late-to-close",
    ),
    # Thu 30 Nov 2023 + 3 months = Thu 29 Feb 2024 (leap year, clamped).
    case(
        "CP-RCPC-1",
        [icpc("2023-11-30")],
        "2024-03-01",
        [("2023-11-30", "2024-02-29", "overdue")],
        "rcpc1-leap-year",
    ),
    # Tue 31 Jan 2023 + 3 months = Sun 30 Apr 2023 (clamped).
    case(
        "CP-RCPC-1",
        [PLAN_JAN],
        "2023-05-02",
        [("2023-01-31", "2023-04-30", "overdue")],
        "rcpc1-31-jan-plus-3-months",
    ),
    # CP-RCPC-N: Tue 30 Jan 2024 + 6 months = Tue 30 Jul 2024.
    case(
        "CP-RCPC-N",
        [PLAN_OCT, rcpc("2024-01-30"), rcpc("2024-07-22", "end")],
        "2024-08-01",
        [("2024-01-30", "2024-07-30", "met", "2024-07-22")],
        "rcpcn-met-and-plan-ended",
    ),
    # Wed 31 Jul 2024 + 6 months = Fri 31 Jan 2025.
    case(
        "CP-RCPC-N",
        [PLAN_OCT, rcpc("2024-01-30"), rcpc("2024-07-31")],
        "2024-08-01",
        [("2024-01-30", "2024-07-30", "late", "2024-07-31"), ("2024-07-31", "2025-01-31", "pending")],
        "rcpcn-late-next-from-the-actual-conference",
    ),
    case(
        "CP-RCPC-N",
        [PLAN_OCT, rcpc("2024-01-30")],
        "2024-07-31",
        [("2024-01-30", "2024-07-30", "overdue")],
        "rcpcn-overdue",
    ),
    # Wed 24 Jul + 5 WD = Wed 31 Jul: due soon.
    case(
        "CP-RCPC-N",
        [PLAN_OCT, rcpc("2024-01-30")],
        "2024-07-24",
        [("2024-01-30", "2024-07-30", "due_soon")],
        "rcpcn-due-soon",
    ),
    case(
        "CP-RCPC-N",
        [PLAN_OCT, rcpc("2024-01-30"), ev("cp_plan_ended", "2024-05-01")],
        "2024-08-01",
        [("2024-01-30", "2024-07-30", "closed", "plan ended")],
        "rcpcn-closed-plan-ended",
    ),
    case(
        "CP-RCPC-N",
        [PLAN_OCT, rcpc("2024-01-30", "end")],
        "2024-08-01",
        [],
        "rcpcn-none-after-the-plan-ended",
    ),
    # Fri 30 Aug 2024 + 6 months = Fri 28 Feb 2025 (clamped).
    case(
        "CP-RCPC-N",
        [PLAN_OCT, rcpc("2024-01-30"), rcpc("2024-07-22"), rcpc("2024-08-30")],
        "2024-09-02",
        [
            ("2024-01-30", "2024-07-30", "met", "2024-07-22"),
            ("2024-07-22", "2025-01-22", "met", "2024-08-30"),
            ("2024-08-30", "2025-02-28", "pending"),
        ],
        "rcpcn-month-end",
    ),
    # CP-VIS (PLAN_DEC: due Thu 4 Jan 2024). Wed 3 Jan + 10 WD = 4, 5, 8-12, 15-17 Jan = Wed 17 Jan 2024.
    case(
        "CP-VIS",
        [PLAN_DEC, seen("2024-01-03")],
        "2024-01-05",
        [("2023-12-18", "2024-01-04", "met", "2024-01-03"), ("2024-01-03", "2024-01-17", "pending")],
        "cpvis-met-across-christmas",
    ),
    # Fri 5 Jan + 10 WD = Fri 19 Jan 2024.
    case(
        "CP-VIS",
        [PLAN_DEC, seen("2024-01-05")],
        "2024-01-06",
        [("2023-12-18", "2024-01-04", "late", "2024-01-05"), ("2024-01-05", "2024-01-19", "pending")],
        "cpvis-late",
    ),
    case("CP-VIS", [PLAN_DEC], "2024-01-05", [("2023-12-18", "2024-01-04", "overdue")], "cpvis-overdue"),
    # Thu 28 Dec + 5 WD = 29 Dec, 2, 3, 4, 5 Jan: due soon.
    case("CP-VIS", [PLAN_DEC], "2023-12-28", [("2023-12-18", "2024-01-04", "due_soon")], "cpvis-due-soon"),
    case(
        "CP-VIS",
        [PLAN_DEC, seen("2023-12-20", seen=False)],
        "2024-01-05",
        [("2023-12-18", "2024-01-04", "overdue")],
        "cpvis-child-not-seen-does-not-count",
    ),
    case(
        "CP-VIS",
        [PLAN_DEC, ev("cp_plan_ended", "2024-01-02"), seen("2024-01-03")],
        "2024-01-05",
        [("2023-12-18", "2024-01-04", "closed", "plan ended")],
        "cpvis-closed-and-no-clock-after-the-plan",
    ),
    # CP-DUR (PLAN_JAN: due Tue 31 Oct 2023).
    case(
        "CP-DUR",
        [PLAN_JAN, rcpc("2023-10-09", "end")],
        "2023-12-01",
        [("2023-01-31", "2023-10-31", "met", "2023-10-09")],
        "dur-plan-ended-within-9-months",
    ),
    case(
        "CP-DUR",
        [PLAN_JAN, ev("cp_plan_ended", "2023-09-01")],
        "2023-12-01",
        [("2023-01-31", "2023-10-31", "met", "2023-09-01")],
        "dur-plan-ended-by-cp-plan-ended",
    ),
    case(
        "CP-DUR",
        [PLAN_JAN, rcpc("2023-11-15", "end")],
        "2023-12-01",
        [("2023-01-31", "2023-10-31", "late", "2023-11-15")],
        "dur-plan-ran-over-9-months",
    ),
    case(
        "CP-DUR",
        [PLAN_JAN],
        "2023-11-01",
        [("2023-01-31", "2023-10-31", "overdue")],
        "dur-open-over-9-months",
    ),
    # Wed 25 Oct + 5 WD = 26, 27, 30, 31 Oct, 1 Nov: due soon.
    case("CP-DUR", [PLAN_JAN], "2023-10-25", [("2023-01-31", "2023-10-31", "due_soon")], "dur-due-soon"),
    case("CP-DUR", [PLAN_JAN], "2023-06-01", [("2023-01-31", "2023-10-31", "pending")], "dur-pending"),
]


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_child_protection_rule_table(rule, events, as_of, expected):
    got = run_rule(rule, events, as_of=as_of)

    assert_rows(got, expected, as_of=as_of)


def test_an_assessment_is_closed_as_not_needed_after_a_decision_of_no_further_action():
    events = [referral("2023-12-04"), decision("2023-12-05", "nfa")]

    (got,) = run_rule("CP-ASMT", events, as_of="2024-03-01")

    assert got.closed_reason == "no assessment needed"
    assert any("nfa" in line for line in got.explanation)


def test_plan_end_is_the_reason_a_plan_clock_closes():
    (got,) = run_rule("CP-CG", [PLAN_MAR, ev("cp_plan_ended", "2024-03-27")], as_of="2024-05-01")

    assert got.closed_reason == "plan ended"


def test_the_icpc_explanation_names_the_bank_holidays_skipped():
    (got,) = run_rule("CP-ICPC", [S47_DEC], as_of="2024-01-16")

    assert got.explanation[1] == (
        "15 working days from Wed 20 Dec 2023, skipping the bank holidays on Mon 25 Dec 2023, "
        "Tue 26 Dec 2023 and Mon 1 Jan 2024, is Mon 15 Jan 2024"
    )


def test_the_last_strategy_discussion_setting_moves_the_icpc_clock():
    events = [S47_DEC, s47("2024-01-05"), icpc("2024-01-17")]

    got = run_rule("CP-ICPC", events, as_of="2024-02-01", settings={("CP-ICPC", "clock_start"): "last"})

    # Fri 5 Jan 2024 + 15 WD = 8-12, 15-19, 22-26 Jan = Fri 26 Jan 2024.
    assert statuses(got) == [("2024-01-05", "2024-01-26", "met")]


def test_the_clock_start_setting_applies_to_enquiries_that_began_on_or_after_its_effective_date():
    settings = {("CP-ICPC", "clock_start"): [(date(2024, 2, 1), "last")]}
    events = [S47_DEC, s47("2024-01-05"), icpc("2024-01-17", "no_plan"), s47("2024-02-01"), s47("2024-02-05")]

    got = run_rule("CP-ICPC", events, as_of="2024-02-06", settings=settings)

    # First enquiry (from Wed 20 Dec 2023): first discussion, due Mon 15 Jan. Second (from Thu 1 Feb
    # 2024): last discussion, Mon 5 Feb + 15 WD = 6-9, 12-16, 19-23, 26 Feb = Mon 26 Feb 2024.
    assert statuses(got) == [("2023-12-20", "2024-01-15", "late"), ("2024-02-05", "2024-02-26", "pending")]


@pytest.mark.parametrize(
    ("rule", "name", "value", "events", "as_of", "expected"),
    [
        # Fri 24 May 2024: 1 WD, Tue 28 May. Mon 3 Jun 2024 + 2 WD = Wed 5 Jun 2024.
        (
            "CP-REF",
            "within",
            "2 working days",
            [referral("2024-05-24"), decision("2024-05-28"), referral("2024-06-03")],
            "2024-06-03",
            [("2024-05-24", "2024-05-28"), ("2024-06-03", "2024-06-05")],
        ),
        # Mon 4 Dec 2023: 45 WD, Thu 8 Feb. Mon 8 Jan 2024 + 20 WD = 9-12, 15-19, 22-26 Jan, 29 Jan-2 Feb, 5 Feb.
        (
            "CP-ASMT",
            "within",
            "20 working days",
            [referral("2023-12-04"), referral("2024-01-08")],
            "2024-01-08",
            [("2023-12-04", "2024-02-08"), ("2024-01-08", "2024-02-05")],
        ),
        # Wed 20 Dec 2023: 15 WD, Mon 15 Jan. Thu 1 Feb 2024 + 10 WD = 2, 5-9, 12-15 Feb = Thu 15 Feb.
        (
            "CP-ICPC",
            "within",
            "10 working days",
            [S47_DEC, icpc("2024-01-15", "no_plan"), s47("2024-02-01")],
            "2024-02-01",
            [("2023-12-20", "2024-01-15"), ("2024-02-01", "2024-02-15")],
        ),
        # Wed 20 Mar 2024: 10 WD, Fri 5 Apr. Tue 1 Oct 2024 + 15 WD = 2-4, 7-11, 14-18, 21, 22 Oct.
        (
            "CP-CG",
            "within",
            "15 working days",
            [PLAN_MAR, ev("core_group_held", "2024-04-05"), rcpc("2024-07-01", "end"), icpc("2024-10-01")],
            "2024-10-01",
            [("2024-03-20", "2024-04-05"), ("2024-10-01", "2024-10-22")],
        ),
        # Tue 31 Oct 2023: 3 months, Wed 31 Jan 2024. Tue 16 Jan 2024 + 2 months = Sat 16 Mar 2024.
        (
            "CP-RCPC-1",
            "within",
            "2 months",
            [PLAN_OCT, rcpc("2024-01-15", "end"), icpc("2024-01-16")],
            "2024-01-16",
            [("2023-10-31", "2024-01-31"), ("2024-01-16", "2024-03-16")],
        ),
        # Tue 30 Jan 2024: 6 months, Tue 30 Jul. Mon 22 Jul 2024 + 3 months = Tue 22 Oct 2024.
        (
            "CP-RCPC-N",
            "within",
            "3 months",
            [PLAN_OCT, rcpc("2024-01-30"), rcpc("2024-07-22")],
            "2024-07-22",
            [("2024-01-30", "2024-07-30"), ("2024-07-22", "2024-10-22")],
        ),
        # Mon 18 Dec 2023: 10 WD, Thu 4 Jan. Wed 3 Jan 2024 + 4 weeks = Wed 31 Jan 2024.
        (
            "CP-VIS",
            "within",
            "4 weeks",
            [PLAN_DEC, seen("2024-01-03")],
            "2024-01-05",
            [("2023-12-18", "2024-01-04"), ("2024-01-03", "2024-01-31")],
        ),
        # Tue 31 Jan 2023: 9 months, Tue 31 Oct. Thu 1 Jun 2023 + 6 months = Fri 1 Dec 2023.
        (
            "CP-DUR",
            "within",
            "6 months",
            [PLAN_JAN, ev("cp_plan_ended", "2023-05-30"), icpc("2023-06-01")],
            "2023-06-02",
            [("2023-01-31", "2023-10-31"), ("2023-06-01", "2023-12-01")],
        ),
    ],
    ids=["CP-REF", "CP-ASMT", "CP-ICPC", "CP-CG", "CP-RCPC-1", "CP-RCPC-N", "CP-VIS", "CP-DUR"],
)
def test_a_council_timescale_applies_only_to_clocks_starting_on_or_after_its_effective_date(
    rule, name, value, events, as_of, expected
):
    # Each case: the first clock starts before the new timescale's effective date, the second on/after it.
    effective = date.fromisoformat(expected[1][0])
    settings = {(rule, name): [(effective, value)]}

    got = run_rule(rule, events, as_of=as_of, settings=settings)

    assert [(o.started_on.isoformat(), o.due.isoformat()) for o in got] == expected


def test_the_nine_month_rule_is_a_local_standard_titled_for_senior_oversight():
    spec = REGISTRY["CP-DUR"]

    assert (spec.title, str(spec.basis)) == (
        "Child protection plan open over 9 months: senior oversight",
        "local",
    )
