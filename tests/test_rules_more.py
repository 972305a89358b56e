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
        [("2023-05-31", "2023-08-31", "late")],
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
        [("2023-07-17", "2023-08-14", "met")],
        "adp-p1-met",
    ),
    case(
        "ADP-REV-P1", [PLACED_JUL], "2023-08-15", [("2023-07-17", "2023-08-14", "overdue")], "adp-p1-overdue"
    ),
    case(
        "ADP-REV-P1",
        [PLACED_JUL, ev("adoption_order_granted", "2023-08-01")],
        "2023-09-01",
        [("2023-07-17", "2023-08-14", "closed")],
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
        [("2023-08-11", "2023-11-11", "late")],
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
        [("2023-08-11", "2023-11-11", "closed")],
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
        [("2023-11-09", "2024-05-09", "met"), ("2024-05-03", "2024-11-03", "pending")],
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
        [("2023-11-09", "2024-05-09", "late"), ("2024-05-10", "2024-11-10", "pending")],
        "adp-pn-late",
    ),
    case(
        "CL-ASSESS",
        [BORN_2008, IN_2021, ev("needs_assessment_completed", "2024-04-11")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "late")],
        "assess-late",
    ),
    case(
        "CL-PA",
        [BORN_2008, IN_2021, ev("personal_adviser_allocated", "2024-04-11")],
        "2024-05-01",
        [("2024-01-10", "2024-04-10", "late")],
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
        [("2024-03-22", "2024-04-09", "closed")],
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
        [("2024-04-09", "2024-10-09", "met"), ("2024-09-30", "2025-03-30", "pending")],
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
        [("2024-04-09", "2024-10-09", "late"), ("2024-10-10", "2025-04-10", "pending")],
        "path-rev-late",
    ),
    case(
        "CL-PATH-REV",
        [ev("child_registered", "2003-08-01", dob="2003-08-01"), ev("pathway_plan_recorded", "2024-04-09")],
        "2024-11-01",
        [("2024-04-09", "2024-10-09", "closed")],
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
        [("2024-03-01", "2024-04-26", "late"), ("2027-02-01", "2027-03-29", "closed")],
        "contact-late-then-closed-at-21",
    ),
    case(
        "CP-ASMT",
        [ev("referral_received", "2023-12-04"), ev("assessment_completed", "2024-02-09")],
        "2024-03-01",
        [("2023-12-04", "2024-02-08", "late")],
        "asmt-late",
    ),
    case(
        "CP-CG",
        [ev("icpc_held", "2024-03-20", outcome="plan"), ev("core_group_held", "2024-04-08")],
        "2024-05-01",
        [("2024-03-20", "2024-04-05", "late")],
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
        [("2023-01-31", "2023-10-31", "late")],
        "dur-ended-after-9-months",
    ),
    case(
        "CP-RCPC-1",
        [ICPC, ev("rcpc_held", "2024-02-01", outcome="continue")],
        "2024-02-05",
        [("2023-10-31", "2024-01-31", "late")],
        "rcpc1-late",
    ),
    case(
        "CP-RCPC-1",
        [ICPC, ev("cp_plan_ended", "2023-12-01")],
        "2024-02-05",
        [("2023-10-31", "2024-01-31", "closed")],
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
        [("2024-01-30", "2024-07-30", "late"), ("2024-07-31", "2025-01-31", "pending")],
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
        [("2024-01-30", "2024-07-30", "closed")],
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
        [("2023-12-18", "2024-01-04", "late"), ("2024-01-05", "2024-01-19", "pending")],
        "cpvis-late",
    ),
    case("CP-VIS", [PLAN_DEC], "2024-01-05", [("2023-12-18", "2024-01-04", "overdue")], "cpvis-overdue"),
    case(
        "CP-VIS",
        [PLAN_DEC, ev("cp_plan_ended", "2024-01-02")],
        "2024-01-05",
        [("2023-12-18", "2024-01-04", "closed")],
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
        [("2023-01-16", "2024-01-16", "closed")],
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
        [("2023-03-15", "2024-03-15", "late"), ("2024-03-18", "2025-03-18", "pending")],
        "rha-late",
    ),
    case(
        "LAC-IRO",
        [ev("entered_care", "2022-09-12", legal_status="C2"), ev("left_care", "2022-09-13", reason="E13")],
        "2022-10-01",
        [("2022-09-12", "2022-09-20", "closed")],
        "iro-closed",
    ),
    case(
        "MIS-REPEAT",
        [
            *THREE_IN_OCTOBER,
            ev("missing_trigger_meeting", "2023-11-06", level=1),
        ],
        "2023-12-01",
        [("2023-10-29", "2023-11-03", "late")],
        "repeat-late",
    ),
    # Visits: a placement from Mon 27 Nov 2023 ending Fri 5 Jan 2024, before the next visit was due (Mon 15 Jan).
    case(
        "VIS-2",
        placed("2023-11-27") + [visit("2023-12-04"), ev("placement_ended", "2024-01-05", reason="CARPL")],
        "2024-01-20",
        [("2023-12-04", "2024-01-15", "closed")],
        "vis2-closed",
    ),
    case(
        "VIS-3",
        placed("2022-01-03", "U4", long_term=True)
        + [visit("2022-12-20"), visit("2023-01-11"), visit("2023-04-12")],
        "2023-04-20",
        [("2023-01-11", "2023-04-11", "late"), ("2023-04-12", "2023-07-12", "pending")],
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
        [("2023-01-11", "2023-04-11", "closed")],
        "vis3-closed",
    ),
    case(
        "VIS-4",
        placed("2022-01-03") + [visit("2022-12-20"), visit("2023-01-11"), visit("2023-02-20")],
        "2023-02-21",
        [("2023-01-11", "2023-02-22", "met"), ("2023-02-20", "2023-04-03", "pending")],
        "vis4-met",
    ),
    case(
        "VIS-4",
        placed("2022-01-03") + [visit("2022-12-20"), visit("2023-01-11"), visit("2023-02-23")],
        "2023-02-24",
        [("2023-01-11", "2023-02-22", "late"), ("2023-02-23", "2023-04-06", "pending")],
        "vis4-late",
    ),
    case(
        "VIS-4",
        placed("2022-01-03")
        + [visit("2022-12-20"), visit("2023-01-11"), ev("placement_ended", "2023-02-01", reason="CARPL")],
        "2023-02-24",
        [("2023-01-11", "2023-02-22", "closed")],
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
        [("2023-03-06", "2023-03-13", "closed")],
        "pwp-closed",
    ),
]

#: Statuses a rule cannot reach, and why (checked below so the reasons stay true).
CANNOT = {
    "CP-REF": {"closed": "a referral always needs a decision"},
    "CP-ICPC": {"closed": "nothing stops the clock once s47 enquiries have started"},
    "CP-DUR": {"closed": "the end of the plan is what meets it"},
    "CL-ASSESS": {"closed": "the duty continues for a relevant child after leaving care"},
    "CL-PA": {"closed": "the duty continues for a relevant child after leaving care"},
    "EDU-PEP-TERM": {"late": "a review after the term belongs to the next term"},
    "MIS-RHI": {"closed": "the duty does not end with the episode"},
    "MIS-IRO": {"closed": "the duty does not end with the episode"},
    "MIS-REPEAT": {"closed": "the duty does not end with the episode"},
}


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TABLE)
def test_more_rule_cases(rule, events, as_of, expected):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_every_rule_has_a_met_late_overdue_and_closed_case_unless_it_cannot():
    covered: dict[str, set[str]] = {}
    for module in (
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
    ):
        for param in importlib.import_module(module).TABLE:
            rule, _events, _as_of, expected = param.values
            covered.setdefault(rule, set()).update(row[2] for row in expected)

    gaps = {
        rule: sorted(
            {"met", "late", "overdue", "closed"} - covered.get(rule, set()) - set(CANNOT.get(rule, {}))
        )
        for rule in REGISTRY
    }

    assert {rule: missing for rule, missing in gaps.items() if missing} == {}


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
