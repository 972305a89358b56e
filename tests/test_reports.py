"""Published figures reproduced from events, with their cohorts: small councils worked by hand."""

from datetime import date
from fractions import Fraction

import pytest

from compliance.engine import Engine
from compliance.reports import (
    MEASURES,
    SEED_MEASURES,
    Rounding,
    financial_year,
    iha_table,
    iro_report,
    scorecard,
    truncated_percent,
)
from compliance.reports.council import CouncilFacts
from compliance.reports.periods import Period
from compliance.reports.scorecard import build_period_scorecard
from compliance.reports.targets import ReportSettings, report_settings
from compliance.settings import SettingsError, parse_settings
from compliance.store import open_store
from events.models import parse_event
from tests.builders import ev


def council(children, settings=None):
    store = open_store("memory:")
    batches = {}
    for child, events in children.items():
        batches[child] = [parse_event({"child": child, **e}).to_record() for e in events]
    store.record(batches)
    return Engine(store, parse_settings(settings or {}))


@pytest.mark.parametrize(
    ("n", "d", "pct"), [(17, 26, 65.3), (2, 3, 66.6), (1, 1, 100.0), (0, 4, 0.0), (1, 0, None)]
)
def test_percentages_are_truncated_as_the_iha_table_prints_them(n, d, pct):
    assert truncated_percent(n, d) == pct


@pytest.mark.parametrize(
    ("rounding", "exact", "shown"),
    [
        (Rounding.ROUND_WHOLE, Fraction(2400, 28), 86),  # seed 004 P3.1: 24 of 28
        (Rounding.ROUND_WHOLE, Fraction(3800, 149), 26),  # seed 004 P2.9: "26.0%"
        (Rounding.ROUND_WHOLE, Fraction(1, 2), 1),  # half up
        (Rounding.ROUND_1DP, Fraction(5100, 477), 10.7),  # seed 004 IRO report: 51 children
        (Rounding.TRUNCATE_1DP, Fraction(1700, 26), 65.3),  # seed 000 IHA table
        (Rounding.NONE, Fraction(477), 477),
    ],
)
def test_each_paper_rounds_as_it_prints(rounding, exact, shown):
    assert rounding.apply(exact) == shown


def entered(at, **kw):
    return [
        ev("child_registered", "2015-01-01", dob="2015-01-01"),
        ev("entered_care", at, legal_status="C1", **kw),
    ]


def test_the_iha_table_counts_children_whose_iha_fell_due_in_each_quarter():
    engine = council(
        {
            # Entered Mon 3 Apr 2023 10:00; requested within 48 h; IHA due Wed 3 May 2023 (Q1), done on time.
            "A": entered("2023-04-03T10:00")
            + [
                ev("health_assessment_requested", "2023-04-04T09:00", kind="initial"),
                ev("health_assessment_completed", "2023-04-28", kind="initial"),
            ],
            # Entered Mon 5 Jun 2023; IHA due Mon 3 Jul 2023 (Q2); requested late, done late.
            "B": entered("2023-06-05")
            + [
                ev("health_assessment_requested", "2023-06-12T09:00", kind="initial"),
                ev("health_assessment_completed", "2023-07-10", kind="initial"),
            ],
            # Entered Mon 3 Jul 2023 (IHA due Mon 31 Jul, Q2); left care before it fell due: counted apart.
            "C": entered("2023-07-03") + [ev("left_care", "2023-07-10", reason="E13")],
            # Entered Fri 1 Sep 2023; IHA due Fri 29 Sep 2023 (Q2): requested in time, done on time.
            "D": entered("2023-09-01")
            + [
                ev("health_assessment_requested", "2023-09-02T09:00", kind="initial"),
                ev("health_assessment_completed", "2023-09-29", kind="initial"),
            ],
        }
    )

    rows = {r.quarter: r for r in iha_table(engine, year=2023, as_of=date(2024, 4, 30))}

    assert (rows["Q1"].requiring, rows["Q1"].requested_48h, rows["Q1"].completed_20wd) == (1, 1, 1)
    assert (rows["Q2"].requiring, rows["Q2"].requested_48h, rows["Q2"].completed_20wd) == (2, 1, 1)
    assert (rows["Q2"].left_before_due, rows["Q3"].requiring, rows["Q4"].requiring) == (1, 0, 0)


def test_a_period_scorecard_states_its_cohorts_and_excludes_clocks_closed_by_leaving_care():
    engine = council(
        {
            # First review due Tue 11 Oct 2022: held on time.
            "A": entered("2022-09-12") + [ev("review_held", "2022-10-11")],
            # First review due Tue 11 Oct 2022: held late.
            "B": entered("2022-09-12") + [ev("review_held", "2022-10-20")],
            # Left care before the first review fell due: excluded and counted apart.
            "C": entered("2022-09-12") + [ev("left_care", "2022-09-30", reason="E45")],
        }
    )

    sc = scorecard(engine, start=date(2022, 10, 1), end=date(2022, 10, 31), as_of=date(2022, 10, 31))

    reviews = sc.row("P1.2").cells["period"]
    assert (reviews.numerator, reviews.denominator, reviews.value, reviews.excluded) == (1, 2, 50, 1)
    assert [i.child for i in reviews.numerator_items] == ["A"]
    assert sorted(i.child for i in reviews.denominator_items) == ["A", "B"]
    sgo = sc.row("P2.9").cells["period"]
    assert (sgo.numerator, sgo.denominator) == (0, 0)  # C left in September, outside the period


def test_every_seed_measure_is_computed_or_says_which_event_it_needs():
    engine = council({"A": entered("2017-05-02") + [ev("review_held", "2017-05-26")]})

    sc = scorecard(engine, year=financial_year("2017-18"), as_of=date(2018, 6, 30))

    assert [r.measure.id for r in sc.rows] == list(SEED_MEASURES)
    assert len(SEED_MEASURES) == 43
    for row in sc.rows:
        for key, figure in row.cells.items():
            if figure.no_data is not None:
                assert figure.no_data.startswith("needs "), (row.measure.id, key)
                assert figure.value is None
            else:
                assert (
                    figure.not_reported is not None or figure.value is not None or figure.denominator == 0
                ), (
                    row.measure.id,
                    key,
                )
    lacking = {r.measure.id: r.cells["Q4"].no_data for r in sc.rows if r.cells["Q4"].no_data}
    assert lacking["P4.3"] == "needs school_attendance_recorded"
    assert lacking["P1.1"] == "needs advocacy_started"
    assert "foster_household_approved" in lacking["P2.5"]
    assert "G1" not in lacking and sc.row("G1").cells["Q4"].value == 1


def test_every_measure_is_declared_with_definition_cohort_polarity_source_and_rounding():
    for measure_id in SEED_MEASURES:
        spec = MEASURES[measure_id]
        assert spec.title and spec.definition and spec.source and spec.unit, measure_id
        if spec.func is not None:
            assert spec.cohort and spec.numerator, measure_id
            assert "Example" in spec.doc, f"{measure_id} has no worked example"


def _facts(children, as_of):
    engine = council(children)
    from compliance.reports.council import load_council

    return load_council(engine, as_of=as_of), engine


def _figure(measure_id, children, start, end, settings=None):
    engine = council(children, settings)
    facts = CouncilFacts.of(engine.evaluate_all(as_of=end), as_of=end, settings_keys=())
    rs = report_settings(engine.settings) if settings else ReportSettings()
    sc = build_period_scorecard(
        facts, Period(start, end), settings=rs, calendar=engine.calendar, only=[measure_id]
    )
    return sc.row(measure_id).cells["period"]


def placed(day, placement="U4", **fields):
    return [
        ev(
            "child_registered",
            "2008-01-01",
            dob="2008-01-01",
            **({"uasc": fields.pop("uasc")} if "uasc" in fields else {}),
        ),
        ev("entered_care", day, legal_status="C2"),
        ev("placement_started", day, placement_type=placement, **fields),
    ]


@pytest.mark.parametrize(
    ("children", "expected"),
    [
        pytest.param({"A": placed("2017-10-02", distance_miles=25.0)}, (1, 1), id="over-20-miles"),
        pytest.param({"A": placed("2017-10-02", distance_miles=20.0)}, (0, 1), id="exactly-20-is-not-over"),
        pytest.param(
            {
                "A": placed("2017-10-02", distance_miles=60.0, uasc=True),
                "B": placed("2017-10-02", distance_miles=5.0),
            },
            (0, 1),
            id="uasc-excluded-as-the-seed-does",
        ),
        pytest.param({"A": placed("2017-10-02")}, (None, None), id="no-distance-anywhere-is-no-data"),
    ],
)
def test_p2_3_placed_over_20_miles_on_sun_31_dec_2017(children, expected):
    figure = _figure("P2.3", children, date(2017, 10, 1), date(2017, 12, 31))

    assert (figure.numerator, figure.denominator) == expected
    assert (figure.no_data is None) == (expected != (None, None))


def _missing(days, kind="missing"):
    out = []
    for d in days:
        out += [ev("went_missing", f"{d}T21:00", kind=kind), ev("returned", f"{d}T23:30")]
    return out


OCTOBER = ["2017-10-02", "2017-10-05", "2017-10-09", "2017-10-16", "2017-10-30"]
ACROSS = ["2017-10-27", "2017-10-28", "2017-10-29", "2017-11-01", "2017-11-02"]


@pytest.mark.parametrize(
    ("events", "settings", "expected"),
    [
        pytest.param(_missing(OCTOBER), None, 1, id="five-in-october"),
        pytest.param(_missing(ACROSS), None, 0, id="three-and-two-across-two-months"),
        pytest.param(_missing(OCTOBER, kind="away"), None, 0, id="away-is-not-missing"),
        pytest.param(
            _missing(OCTOBER, kind="away"),
            {"report": {"measures": {"P2.7": {"kinds": ["missing", "away"]}}}},
            1,
            id="away-counts-when-the-council-says-so",
        ),
    ],
)
def test_p2_7_counts_missing_episodes_in_any_month_of_q3_2017_18(events, settings, expected):
    figure = _figure(
        "P2.7", {"A": placed("2017-01-09") + events}, date(2017, 10, 1), date(2017, 12, 31), settings
    )

    assert figure.value == expected


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # Entered Mon 3 Oct 2016; moved in Mon 27 Nov 2017: 13 months 24 days.
        pytest.param(
            [ev("placement_started", "2017-11-27", placement_type="A6")], (1, 1), id="within-14-months"
        ),
        # Moved in Tue 5 Dec 2017: 14 months 2 days.
        pytest.param(
            [ev("placement_started", "2017-12-05", placement_type="A6")], (0, 1), id="over-14-months"
        ),
        # Adopted by the foster carers (A5): counted from moving in with them, Mon 3 Oct 2016.
        pytest.param(
            [ev("placement_started", "2017-12-05", placement_type="A5")], (1, 1), id="foster-carer-adoption"
        ),
    ],
)
def test_p2_12_adopted_within_14_months_of_entering_care(events, expected):
    child = placed("2016-10-03", "U6") + events + [ev("left_care", "2018-02-05", reason="E11")]

    figure = _figure("P2.12", {"A": child}, date(2017, 4, 1), date(2018, 3, 31))

    assert (figure.numerator, figure.denominator) == expected


def test_p2_13_and_p2_15_differ_for_an_adoption_by_the_foster_carers():
    child = placed("2016-10-03", "U6") + [
        ev("placement_started", "2017-12-04", placement_type="A5"),
        ev("left_care", "2018-02-05", reason="E11"),
    ]

    a1 = _figure("P2.13", {"A": child}, date(2017, 4, 1), date(2018, 3, 31))
    a10 = _figure("P2.15", {"A": child}, date(2017, 4, 1), date(2018, 3, 31))

    assert (a1.value, a10.value) == (427, 0)


@pytest.mark.parametrize(
    ("attendance", "expected_rate", "expected_pa"),
    [
        pytest.param([(120, 0), (120, 10)], 95.8, (0, 2), id="both-above-90"),
        pytest.param([(120, 12)], 90.0, (1, 1), id="exactly-10-percent-is-persistent"),
        pytest.param([(120, 11)], 90.8, (0, 1), id="just-under"),
    ],
)
def test_p4_3_and_p4_5_primary_attendance_in_q4_2017_18(attendance, expected_rate, expected_pa):
    children = {}
    for i, (possible, absent) in enumerate(attendance):
        children[f"S{i}"] = placed("2016-09-05") + [
            ev(
                "school_attendance_recorded",
                "2018-03-29",  # the day before Good Friday
                period_start="2018-01-03",
                sessions_possible=possible,
                sessions_absent=absent,
            )
        ]
    # Born 1 Jan 2008: 9 on 31 Aug 2017, a primary pupil; the phase may also be recorded.
    rate = _figure("P4.3", children, date(2018, 1, 1), date(2018, 3, 31))
    persistent = _figure("P4.5", children, date(2018, 1, 1), date(2018, 3, 31))

    assert Rounding.TRUNCATE_1DP.apply(rate.exact) == expected_rate
    assert (persistent.numerator, persistent.denominator) == expected_pa


def test_p2_6_long_term_stability_counts_two_years_in_one_placement():
    children = {
        # In care since Thu 1 Jan 2015 (2.5 years by 31 Mar 2018), placed Thu 31 Mar 2016: 2 years.
        "A": placed("2015-01-01") + [ev("placement_started", "2016-03-31", placement_type="U4")],
        # Placed Fri 1 Apr 2016: a day short.
        "B": placed("2015-01-01") + [ev("placement_started", "2016-04-01", placement_type="U4")],
        # In care since Fri 2 Oct 2015: not yet 2.5 years, not in the cohort.
        "C": placed("2015-10-02"),
    }

    figure = _figure("P2.6", children, date(2017, 4, 1), date(2018, 3, 31))

    assert (figure.numerator, figure.denominator) == (1, 2)
    assert [i.child for i in figure.numerator_items] == ["A"]


def test_p5_5_suitable_accommodation_reads_the_care_leavers_oc3_outcomes():
    leaver = [ev("child_registered", "2000-02-10", dob="2000-02-10")]
    children = {
        "A": leaver
        + [ev("care_leaver_outcome", "2018-02-10", in_touch="YES", activity="F1", accommodation="U1")],
        "B": leaver
        + [ev("care_leaver_outcome", "2018-02-10", in_touch="YES", activity="G5", accommodation="S2")],
        "C": leaver
        + [ev("care_leaver_outcome", "2018-02-10", in_touch="NO", activity="0", accommodation="0")],
    }

    suitable = _figure("P5.5", children, date(2018, 1, 1), date(2018, 3, 31))
    neet = _figure("P4.13", children, date(2018, 1, 1), date(2018, 3, 31))

    assert (suitable.numerator, suitable.denominator) == (1, 2)  # unknown (0) is left out
    assert (neet.numerator, neet.denominator) == (1, 3)


def test_targets_ranges_and_tolerances_come_from_the_report_settings():
    settings = parse_settings(
        {
            "report": {
                "tolerance_pct": 2,
                "targets": {"P1.2": 98, "G1": "380-430", "P2.4": {"target": 10, "tolerance": 1}},
            }
        }
    )

    targets = report_settings(settings).targets

    assert targets["P1.2"].rag(97, MEASURES["P1.2"].polarity) == "amber"
    assert targets["P1.2"].rag(95, MEASURES["P1.2"].polarity) == "red"
    assert targets["G1"].rag(477, MEASURES["G1"].polarity) == "red"
    assert targets["G1"].rag(400, MEASURES["G1"].polarity) == "green"
    assert targets["P2.4"].rag(11, MEASURES["P2.4"].polarity) == "amber"
    assert targets["P2.4"].rag(9, MEASURES["P2.4"].polarity) == "green"


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ({"targets": {"P9.9": 5}}, 'report.targets."P9.9": no such measure'),
        ({"targets": {"P1.2": "high"}}, 'report.targets."P1.2": expected a number'),
        ({"population": {"2017": "lots"}}, 'report.population."2017": expected a whole number'),
        ({"measures": {"P2.7": {"kinds": ["gone"]}}}, "expected kinds among: missing, away"),
        ({"colour": "red"}, "report.colour: unknown setting"),
    ],
)
def test_a_bad_report_setting_is_one_line_naming_the_key(report, message):
    settings = parse_settings({"report": report}, source="casecheck.toml")

    with pytest.raises(SettingsError, match=None) as caught:
        report_settings(settings)

    assert message in str(caught.value)
    assert str(caught.value).startswith("casecheck.toml: ")


def test_the_iro_report_counts_reviews_participation_and_alerts():
    engine = council(
        {
            "A": [
                ev("child_registered", "2010-01-01", dob="2010-01-01"),
                ev("entered_care", "2023-01-09", legal_status="C2"),
                ev("review_held", "2023-02-03", participation="PN1"),
                ev("review_held", "2023-05-02", participation="PN7"),
                ev("review_stood_down", "2023-04-28", reason="no updated care plan"),
            ],
            "B": [
                ev("child_registered", "2021-01-01", dob="2021-01-01"),
                ev("entered_care", "2023-01-09", legal_status="C2"),
                ev("review_held", "2023-02-03", participation="PN0"),
            ],
        }
    )

    report = iro_report(engine, [], start=date(2023, 1, 1), end=date(2023, 12, 31))

    assert report.line("reviews_looked_after").figure.value == 3
    initial = report.line("initial_reviews").figure
    assert (initial.numerator, initial.denominator) == (2, 3)
    part = report.line("participation_4_plus").figure
    assert (part.numerator, part.denominator, part.value) == (1, 2, 50)
    assert report.line("reviews_stood_down").figure.value == 1


def test_practice_alerts_are_those_an_iro_raised_or_escalated_and_breaches_are_counted_apart():
    from datetime import UTC, datetime

    from compliance.alerts import AlertQueue

    engine = council({"A": entered("2023-01-09") + [ev("review_held", "2023-02-03")]})
    queue = AlertQueue(engine.store, engine.settings)
    moment = datetime(2023, 3, 1, 10, tzinfo=UTC)
    queue.raise_alert("A", theme="Drift / legal issues", by="iro1", now=moment, team="Permanence")
    breach = queue.new_alert(
        ref="PA-B1", child="A", kind="breach", theme="Statutory visits", by="nightly", now=moment
    )
    engine.store.save(breach)
    escalated = queue.new_alert(
        ref="PA-B2", child="A", kind="breach", theme="Statutory visits", by="nightly", now=moment
    )
    engine.store.save(escalated)
    queue.escalate("PA-B2", to_stage="1", by="iro1", now=moment)

    report = iro_report(engine, list(queue.all()), start=date(2023, 1, 1), end=date(2023, 12, 31))

    assert report.line("practice_alerts").figure.value == 2  # by hand, and the escalated breach
    assert report.line("breach_alerts").figure.value == 1
    stages = {row[0]: row[1] for row in report.table("practice_alerts_by_stage").rows}
    assert (stages["informal"], stages["stage 1"]) == (1, 1)


def test_docs_reports_describes_every_measure_with_its_definition_and_cohort():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "reports.md").read_text(encoding="utf-8")

    for measure_id in SEED_MEASURES:
        spec = MEASURES[measure_id]
        assert f"#### {spec.id} {spec.title}" in text, measure_id
        assert spec.definition in text, measure_id
        assert spec.cohort in text, measure_id


Q3 = (date(2017, 10, 1), date(2017, 12, 31))
Q4 = (date(2018, 1, 1), date(2018, 3, 31))


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # Opened Thu 28 Dec 2017, closed Tue 2 Jan 2018 (after the New Year bank holiday): open in Q4.
        pytest.param(
            [ev("advocacy_started", "2017-12-28"), ev("advocacy_ended", "2018-01-02")],
            1,
            id="open-across-new-year",
        ),
        pytest.param(
            [ev("advocacy_started", "2017-11-01"), ev("advocacy_ended", "2017-12-15")], 0, id="closed-in-q3"
        ),
        pytest.param([ev("advocacy_started", "2018-03-29")], 1, id="opened-before-good-friday-still-open"),
    ],
)
def test_p1_1_advocacy_cases_open_in_q4_2017_18(events, expected):
    figure = _figure("P1.1", {"A": placed("2017-01-09") + events}, *Q4)

    assert figure.value == expected


def test_p1_3_counts_reviews_the_child_chaired():
    child = placed("2017-01-09") + [
        ev("review_held", "2018-01-15", child_chaired=True),
        ev("review_held", "2018-02-12", child_chaired=False),
        ev("review_held", "2018-03-12"),
        ev("review_held", "2018-03-28", kind="pathway_plan", child_chaired=True),  # not a looked-after review
    ]

    figure = _figure("P1.3", {"A": child}, *Q4)

    assert (figure.numerator, figure.denominator) == (1, 3)


@pytest.mark.parametrize(
    ("provider", "internal", "external"),
    [
        pytest.param("PR1", 1, 0, id="own-provision"),
        pytest.param("PR4", 0, 1, id="independent-fostering-agency"),
        pytest.param("PR2", 0, 1, id="another-council"),
    ],
)
def test_p2_1_and_p2_2_foster_care_by_provider_on_sat_31_mar_2018(provider, internal, external):
    children = {
        "A": placed("2017-10-02", "U6", provider_type=provider),
        "B": placed("2017-10-02", "K2", provider_type="PR1"),
    }

    assert _figure("P2.1", children, *Q4).value == internal
    assert _figure("P2.2", children, *Q4).value == external


def test_g3_counts_eligible_relevant_and_former_relevant_young_people():
    children = {
        # Born Thu 10 Jan 2002; in care from Mon 3 Oct 2016: eligible on the 16th birthday, Wed 10 Jan 2018.
        "E": [
            ev("child_registered", "2002-01-10", dob="2002-01-10"),
            ev("entered_care", "2016-10-03", legal_status="C2"),
        ],
        # Born Thu 1 Jun 2000, in care from 14, left at 17 on Fri 1 Sep 2017 having been eligible: relevant (under 18).
        "R": [
            ev("child_registered", "2000-06-01", dob="2000-06-01"),
            ev("entered_care", "2014-09-01", legal_status="C2"),
            ev("left_care", "2017-09-01", reason="E13"),
        ],
        # In care only from the 17th birthday for 4 weeks: never eligible.
        "N": [
            ev("child_registered", "2000-11-06", dob="2000-11-06"),
            ev("entered_care", "2017-11-06", legal_status="V2"),
            ev("left_care", "2017-12-04", reason="E13"),
        ],
    }

    figure = _figure("G3", children, *Q4)

    assert [(i.child, i.what) for i in figure.numerator_items] == [("E", "eligible"), ("R", "relevant")]


@pytest.mark.parametrize(
    ("kind", "phase", "expected_primary", "expected_secondary"),
    [
        pytest.param("permanent", None, 1, 0, id="permanent-primary-by-age"),
        pytest.param("permanent", "secondary", 0, 1, id="phase-recorded"),
        pytest.param("suspension", None, 0, 0, id="a-suspension-is-not-counted"),
    ],
)
def test_p4_7_and_p4_8_permanent_exclusions_on_mon_12_mar_2018(
    kind, phase, expected_primary, expected_secondary
):
    exclusion = ev("school_excluded", "2018-03-12", kind=kind, **({"phase": phase} if phase else {}))
    children = {"A": placed("2016-09-05") + [exclusion]}  # born 1 Jan 2008: Year 5

    assert _figure("P4.7", children, *Q4).value == expected_primary
    assert _figure("P4.8", children, *Q4).value == expected_secondary


def test_p3_4_takes_the_latest_score_in_the_year_from_either_source():
    children = {
        # 10 years old; 14 on Mon 5 Jun 2017, then 22 on Tue 2 Jan 2018: of concern.
        "A": placed("2016-01-04")
        + [ev("sdq_completed", "2017-06-05", score=14), ev("sdq_completed", "2018-01-02", score=22)],
        # The 903's OC2 score at Sat 31 Mar 2018.
        "B": placed("2016-01-04") + [ev("annual_outcomes", "2018-03-31", sdq_score=12)],
        # A score from Fri 31 Mar 2017 is over a year old on Sat 31 Mar 2018.
        "C": placed("2016-01-04") + [ev("sdq_completed", "2017-03-31", score=30)],
    }

    figure = _figure("P3.4", children, *Q4)

    assert (figure.numerator, figure.denominator) == (1, 2)


def test_p5_6_is_reported_for_the_year_only_from_oc2():
    children = {"A": placed("2016-01-04") + [ev("annual_outcomes", "2018-03-31", convicted=True)]}
    engine = council(children)

    sc = scorecard(engine, year=financial_year("2017-18"), as_of=date(2018, 6, 30), only=["P5.6"])

    row = sc.row("P5.6")
    assert row.cells["Q4"].not_reported == "year figure only"
    assert row.cells["year"].value == 1


def test_p2_8_and_p4_9_read_the_ofsted_judgements_recorded():
    children = {
        "A": placed("2017-10-02", provider_ofsted="good")
        + [
            ev(
                "school_attendance_recorded",
                "2018-03-29",
                period_start="2018-01-03",
                sessions_possible=110,
                sessions_absent=0,
                school_ofsted="inadequate",
            )
        ],
        "B": placed("2017-10-02", provider_ofsted="requires_improvement"),
        "C": placed("2017-10-02", provider_ofsted="not_inspected"),
    }

    providers = _figure("P2.8", children, *Q4)
    schools = _figure("P4.9", children, *Q4)

    assert (providers.numerator, providers.denominator) == (1, 2)
    assert (schools.numerator, schools.denominator) == (0, 1)


def test_p4_1_early_years_places_of_children_aged_2_to_4_not_yet_at_school():
    def toddler(dob, *events):
        return [
            ev("child_registered", dob, dob=dob),
            ev("entered_care", "2017-10-02", legal_status="C2"),
            ev("placement_started", "2017-10-02", placement_type="U4"),
            *events,
        ]

    children = {
        # Born Thu 1 Oct 2015: 2 on Sat 31 Mar 2018, place started Mon 8 Jan 2018.
        "A": toddler("2015-10-01", ev("early_years_place_started", "2018-01-08")),
        # Born Thu 1 Aug 2013: 4 on 31 Aug 2017, so in reception from September: not in the cohort.
        "B": toddler("2013-08-01", ev("early_years_place_started", "2017-09-04")),
        # Born Wed 1 Jan 2014: 3 on 31 Aug 2017; the place ended on Fri 16 Feb 2018.
        "C": toddler(
            "2014-01-01",
            ev("early_years_place_started", "2017-10-09"),
            ev("early_years_place_ended", "2018-02-16"),
        ),
    }

    figure = _figure("P4.1", children, *Q4)

    assert [i.child for i in figure.numerator_items] == ["A"]
    assert [i.child for i in figure.denominator_items] == ["A", "C"]


def test_p4_12_p3_3_p5_3_and_p5_4_from_their_own_events():
    def young(dob, *events):
        return [
            ev("child_registered", dob, dob=dob),
            ev("entered_care", "2015-09-07", legal_status="C2"),
            ev("placement_started", "2015-09-07", placement_type="U4"),
            *events,
        ]

    children = {
        # 16 on 31 Mar 2018: F2 from Mon 4 Sep 2017, G5 from Mon 5 Mar 2018: NEET.
        "A": young(
            "2001-11-01",
            ev("education_status_recorded", "2017-09-04", activity="F2"),
            ev("education_status_recorded", "2018-03-05", activity="G5"),
        ),
        # 17, in training; eligible (in care from 13) and pregnant since Mon 8 Jan 2018.
        "B": young(
            "2000-12-01",
            ev("education_status_recorded", "2017-09-04", activity="F4"),
            ev("pregnancy_recorded", "2018-01-08"),
        ),
        # CSE plan ended on Good Friday (Fri 30 Mar 2018); two offences on Sat 6 Jan 2018.
        "C": young(
            "2004-02-01",
            ev("cse_plan_started", "2018-01-02"),
            ev("cse_plan_ended", "2018-03-30"),
            ev("offence_recorded", "2018-01-06"),
            ev("offence_recorded", "2018-01-06"),
        ),
        "D": young("2004-02-01", ev("cse_plan_started", "2018-01-02")),
    }

    neet = _figure("P4.12", children, *Q4)

    assert (neet.numerator, neet.denominator) == (1, 2)
    assert [i.child for i in _figure("P3.3", children, *Q4).numerator_items] == ["B"]
    assert [i.child for i in _figure("P5.3", children, *Q4).numerator_items] == ["D"]
    assert _figure("P5.4", children, *Q4).value == 2


def test_the_drill_down_defaults_to_the_latest_quarter_reported():
    engine = council({"A": entered("2017-10-02") + [ev("review_held", "2017-10-30")]})

    sc = scorecard(engine, year=financial_year("2017-18"), as_of=date(2017, 12, 31), only=["P1.2"])

    drill = sc.drill_down("P1.2")
    assert drill.column.key == "Q3"
    assert [i.child for i in drill.figure.numerator_items] == ["A"]
    assert sc.drill_down("P1.2", "q4").figure.not_reported == "not yet"
    assert sc.drill_down("P1.2", "YEAR").to_json()["column"]["label"] == "2017-18"
