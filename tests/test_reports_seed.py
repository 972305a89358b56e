"""Acceptance: the figures Cheshire East published for 2017-18 (seed 004), reproduced from
events built for them, in the manner of the IHA quarter test: for each measure a cohort
whose events give the seed's numbers, quarter by quarter where the seed prints quarters,
year to date where it says so.

Seed 004, Corporate Parenting Scorecard Qtr 4 2017-18 and the IRO Annual Report 2017/18.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from compliance.engine import Engine
from compliance.reports import financial_year, iro_report, scorecard
from compliance.settings import parse_settings
from compliance.store import open_store
from events.models import parse_event
from tests.builders import ev

YEAR = financial_year("2017-18")
AS_OF = date(2018, 6, 30)


def council(children, settings=None):
    store = open_store("memory:")
    store.record(
        {c: [parse_event({"child": c, **e}).to_record() for e in events] for c, events in children.items()}
    )
    return Engine(store, parse_settings(settings or {}))


def cells(sc, measure_id):
    row = sc.row(measure_id)
    return {key: figure.value for key, figure in row.cells.items()}


def looked_after_from(day, placement="U4", dob="2008-05-01"):
    return [
        ev("child_registered", "2000-01-01" if dob is None else dob, dob=dob or "2000-01-01"),
        ev("entered_care", day, legal_status="C2"),
        ev("placement_started", day, placement_type=placement),
    ]


@pytest.fixture(scope="module")
def population_council():
    """G1 422 at 31 Mar 2017, then 438, 466, 470, 477 at the quarter ends; 42 in children's
    homes until Q4, when 6 more of Q4's entrants are, so P2.4 is 9% (42/470) and 10% (48/477)."""
    children = {}
    entries = [
        ("2016-06-06", 422),
        ("2017-05-08", 16),
        ("2017-08-07", 28),
        ("2017-11-06", 4),
        ("2018-02-05", 7),
    ]
    n = 0
    for day, how_many in entries:
        for i in range(how_many):
            n += 1
            residential = (n <= 42) or (day == "2018-02-05" and i < 6)
            children[f"G{n:03d}"] = looked_after_from(day, "K2" if residential else "U4")
    # Entered and left within Q2: in no quarter-end count.
    children["G900"] = looked_after_from("2017-07-03") + [ev("left_care", "2017-09-01", reason="E13")]
    # A short break (V3) on 31 Mar 2018 is not a child looked after in the 903 count.
    children["G901"] = [
        ev("child_registered", "2010-01-01", dob="2010-01-01"),
        ev("entered_care", "2018-03-29", legal_status="V3"),
        ev("placement_started", "2018-03-29", placement_type="K2"),
    ]
    engine = council(children, {"report": {"population": {"2017-18": 76074}}})
    return scorecard(engine, year=YEAR, as_of=AS_OF, only=["G1", "G2", "P2.4"])


def test_g1_gives_the_seed_quarter_ends_and_the_year_before(population_council):
    values = cells(population_council, "G1")

    assert values == {"previous_year": 422, "Q1": 438, "Q2": 466, "Q3": 470, "Q4": 477, "year": 477}
    assert population_council.row("G1").direction == "up"


def test_g2_is_the_rate_per_10000_children_at_the_year_end(population_council):
    assert cells(population_council, "G2")["Q4"] == 62.7  # 477 x 10,000 / 76,074


def test_p2_4_residential_share_matches_q3_and_q4(population_council):
    values = cells(population_council, "P2.4")

    assert (values["Q3"], values["Q4"]) == (9, 10)
    row = population_council.row("P2.4")
    assert (row.target.shown, row.rag, row.trend) == ("10", "green", "worse")  # low is good, 9 -> 10


def _review_child(entered, held, left):
    return [
        ev("child_registered", "2008-01-01", dob="2008-01-01"),
        ev("entered_care", entered, legal_status="C2"),
        ev("review_held", held),
        ev("left_care", left, reason="E13"),
    ]


def test_p1_2_reviews_in_timescale_by_quarter_95_96_99_96():
    # First reviews due in each quarter: entered on these days, 20 WD later is the due date.
    quarters = [
        ("2017-04-03", date(2017, 5, 3), 20, 19),  # Good Friday 14 Apr and Easter Monday 17 Apr skipped
        ("2017-07-03", date(2017, 7, 31), 25, 24),
        ("2017-10-02", date(2017, 10, 30), 100, 99),
        ("2018-01-02", date(2018, 1, 30), 25, 24),
    ]
    children = {}
    for q, (entered, due, reviews, on_time) in enumerate(quarters):
        for i in range(reviews):
            held = due if i < on_time else due + timedelta(days=3)
            children[f"R{q}{i:03d}"] = _review_child(
                entered, held.isoformat(), (held + timedelta(days=1)).isoformat()
            )

    sc = scorecard(council(children), year=YEAR, as_of=AS_OF, only=["P1.2"])

    values = cells(sc, "P1.2")
    assert (values["Q1"], values["Q2"], values["Q3"], values["Q4"]) == (95, 96, 99, 96)
    q4 = sc.row("P1.2").cells["Q4"]
    assert (q4.numerator, q4.denominator) == (24, 25)
    assert sc.row("P1.2").direction == "down"


def test_p2_9_to_p2_11_year_to_date_sgo_and_adoption():
    # Periods of care ended per quarter: (adopted, SGO, other).
    ended = {
        "2017-05-15": (8, 9, 27),
        "2017-08-14": (5, 5, 27),
        "2017-11-13": (0, 16, 33),
        "2018-02-12": (2, 8, 9),
    }
    children = {}
    for day, (adopted, sgo, other) in ended.items():
        for reason, how_many in (("E11", adopted), ("E45", sgo), ("E13", other)):
            for i in range(how_many):
                children[f"L{day}-{reason}-{i}"] = looked_after_from("2016-01-04") + [
                    ev("left_care", day, reason=reason)
                ]

    sc = scorecard(council(children), year=YEAR, as_of=AS_OF, only=["P2.9", "P2.10", "P2.11"])

    # Seed: SGO 20%, 17%, 23%, 26.0% ("38 out of 149"); adoption 18%, 16%, 10.0%, 10.0%
    # ("15 out of 149"); adopted in the year to date 8, 13, 13, 15.
    assert [cells(sc, "P2.9")[q] for q in ("Q1", "Q2", "Q3", "Q4")] == [20, 17, 23, 26]
    assert [cells(sc, "P2.10")[q] for q in ("Q1", "Q2", "Q3", "Q4")] == [18, 16, 10, 10]
    assert [cells(sc, "P2.11")[q] for q in ("Q1", "Q2", "Q3", "Q4")] == [8, 13, 13, 15]
    q4 = sc.row("P2.9").cells["Q4"]
    assert (q4.numerator, q4.denominator) == (38, 149)
    assert sc.row("P2.10").rag == "red"  # target 20%


def _missing_five_times(month_start, kind="missing"):
    out = []
    for d in range(5):
        day = (month_start + timedelta(days=3 * d)).isoformat()
        out += [ev("went_missing", f"{day}T20:00", kind=kind), ev("returned", f"{day}T23:00")]
    return out


def test_p2_7_missing_five_times_in_a_month_by_quarter_and_27_in_the_year():
    children = {}
    for i in range(5):
        children[f"A{i}"] = looked_after_from("2016-01-04") + _missing_five_times(date(2017, 5, 1))
    for i in range(13):
        children[f"B{i}"] = looked_after_from("2016-01-04") + _missing_five_times(date(2017, 8, 1))
        if i < 7:  # the same children again in Q3
            children[f"B{i}"] += _missing_five_times(date(2017, 11, 1))
    for i in range(9):
        children[f"C{i}"] = looked_after_from("2016-01-04") + _missing_five_times(date(2018, 2, 1))
    # Absent without authorisation five times: not missing, not counted.
    children["D0"] = looked_after_from("2016-01-04") + _missing_five_times(date(2018, 2, 1), kind="away")

    sc = scorecard(council(children), year=YEAR, as_of=AS_OF, only=["P2.7"])

    assert cells(sc, "P2.7") == {"previous_year": 0, "Q1": 5, "Q2": 13, "Q3": 7, "Q4": 9, "year": 27}


def test_p3_1_and_p3_2_q4_24_of_28_requested_and_21_of_27_completed():
    children = {}
    for i in range(28):
        events = [
            ev("child_registered", "2012-01-01", dob="2012-01-01"),
            ev("entered_care", "2018-01-08T10:00", legal_status="C1"),
            ev(
                "health_assessment_requested",
                "2018-01-09T09:00" if i < 24 else "2018-01-12T09:00",
                kind="initial",
            ),
        ]
        if i == 27:
            events.append(ev("left_care", "2018-01-19", reason="E13"))  # before the IHA fell due (Mon 5 Feb)
        else:
            events.append(
                ev("health_assessment_completed", "2018-02-01" if i < 21 else "2018-02-20", kind="initial")
            )
        children[f"H{i:02d}"] = events

    sc = scorecard(council(children), year=YEAR, as_of=AS_OF, only=["P3.1", "P3.2"])

    p31, p32 = sc.row("P3.1").cells["Q4"], sc.row("P3.2").cells["Q4"]
    assert (p31.numerator, p31.denominator, p31.value) == (24, 28, 86)
    assert (p32.numerator, p32.denominator, p32.value, p32.excluded) == (21, 27, 78, 1)


# --- the IRO annual report 2017/18 -------------------------------------------------------

ALERT_THEMES = [
    # (theme, {team: count}) from "PRACTICE ALERTS - THEMES": 147 in all.
    (
        "No Plan/ plan not updated: review stood down",
        {"CiN/ CP Macc": 9, "CiN/ CP Crewe": 7, "PTCT inc. L/ Care": 27},
    ),
    (
        "Statutory visits out of timescales or not recorded",
        {"CiN/ CP Macc": 5, "CiN/ CP Crewe": 13, "PTCT inc. L/ Care": 2},
    ),
    (
        "Drift/ legal issues",
        {"CiN/ CP Macc": 4, "CiN/ CP Crewe": 15, "PTCT inc. L/ Care": 10, "Fostering": 3},
    ),
    ("Deficiencies in care planning", {"CiN/ CP Macc": 15, "CiN/ CP Crewe": 21, "PTCT inc. L/ Care": 9}),
    ("No permanence plan by 2nd review", {"CiN/ CP Macc": 4, "CiN/ CP Crewe": 3}),
]
PRAISE_THEMES = [
    ("Consistently good practice", {"CiN/ CP Macc": 6, "CiN/ CP Crewe": 3, "Perm inc. L/ Care": 16}),
    ("Lived experience well evidenced", {"CiN/ CP Macc": 3, "CiN/ CP Crewe": 1, "Perm inc. L/ Care": 2}),
    (
        "Good quality assessment or plan",
        {"CiN/ CP Macc": 1, "CiN/ CP Crewe": 7, "Perm inc. L/ Care": 11, "CwD": 2},
    ),
    ("Good relationship with others", {"Perm inc. L/ Care": 2}),
]


def _iro_council():
    children = {}
    review_no = 0
    # 200 children entering care in the year, each with 3 reviews (the first an initial review).
    for i in range(200):
        events = looked_after_from("2017-06-05", dob="2008-03-01")
        if i < 51:  # 3 placements in the year: 51 of the 477 looked after at 31 Mar 2018
            events += [
                ev("placement_started", "2017-08-01", placement_type="U4"),
                ev("placement_started", "2017-12-01", placement_type="U4"),
            ]
        for held in ("2017-06-30", "2017-09-25", "2018-03-12"):
            review_no += 1
            events.append(ev("review_held", held, participation="PN1" if review_no > 9 else "PN7"))
            circulated = date.fromisoformat(held) + timedelta(days=1 if review_no > 94 else 21)
            events.append(ev("review_decisions_circulated", circulated.isoformat()))
        children[f"N{i:03d}"] = events
    # 171 children in care since 2015, two reviews each in the year.
    for i in range(171):
        events = looked_after_from("2015-01-05", dob="2007-03-01") + [
            ev("iro_allocated", "2015-01-06", iro=f"IRO {i % 9 + 1}"),
            ev("review_held", "2015-01-30"),  # their initial review, before the year
        ]
        for held in ("2017-05-10", "2017-11-08"):
            events += [
                ev("review_held", held, participation="PN2"),
                ev("review_decisions_circulated", (date.fromisoformat(held) + timedelta(days=1)).isoformat()),
            ]
        if i < 54:
            events.append(ev("review_stood_down", "2017-10-20", reason="care plan not ready"))
        children[f"O{i:03d}"] = events
    # 106 more looked after at the year end, without reviews in the year: 477 in all.
    for i in range(106):
        children[f"P{i:03d}"] = looked_after_from("2018-03-26")
    # 271 pathway plan reviews of care leavers, 168 of them with the young person taking part.
    for i in range(271):
        children[f"Q{i:03d}"] = [
            ev("child_registered", "1999-01-01", dob="1999-01-01"),
            ev("review_held", "2017-09-12", kind="pathway_plan", participation="PN1" if i < 168 else "PN7"),
        ]
    # Practice alerts: 147, of which 30 went to the formal DRP (18 stage 1, 9 stage 2, 3 stage 3).
    alert_no = 0
    for theme, teams in ALERT_THEMES:
        for team, how_many in teams.items():
            for _ in range(how_many):
                alert_no += 1
                child = f"O{alert_no % 171:03d}"
                alert = f"ALERT-{alert_no}"
                children[child].append(
                    ev("practice_alert_raised", "2017-07-03", alert=alert, theme=theme, team=team)
                )
                if alert_no <= 30:
                    children[child].append(
                        ev("practice_alert_escalated", "2017-07-17", alert=alert, stage="1")
                    )
                if alert_no <= 12:
                    children[child].append(
                        ev("practice_alert_escalated", "2017-07-31", alert=alert, stage="2")
                    )
                if alert_no <= 3:
                    children[child].append(
                        ev("practice_alert_escalated", "2017-08-14", alert=alert, stage="3")
                    )
    praise_no = 0
    for theme, teams in PRAISE_THEMES:
        for team, how_many in teams.items():
            for _ in range(how_many):
                praise_no += 1
                children[f"N{praise_no:03d}"].append(
                    ev("good_practice_notified", "2018-01-15", theme=theme, team=team)
                )
    return council(children)


@pytest.fixture(scope="module")
def iro_engine():
    return _iro_council()


@pytest.fixture(scope="module")
def iro(iro_engine):
    return iro_report(iro_engine, [], start=YEAR.start, end=YEAR.end, as_of=AS_OF)


def value(report, key):
    return report.line(key).figure.value


def test_iro_report_reviews_chaired_942_and_271_of_which_200_initial(iro):
    assert (
        value(iro, "reviews_looked_after"),
        value(iro, "reviews_pathway_plan"),
        value(iro, "reviews_total"),
    ) == (942, 271, 1213)
    assert iro.line("initial_reviews").figure.numerator == 200


def test_iro_report_participation_99_and_care_leavers_62(iro):
    assert value(iro, "participation_4_plus") == 99  # 933 of 942 children aged 4+
    assert value(iro, "care_leaver_participation") == 62  # 168 of 271


def test_iro_report_stood_down_outcomes_in_5_days_and_placements(iro):
    assert value(iro, "reviews_stood_down") == 54
    assert value(iro, "review_outcomes_in_5wd") == 90  # 848 of 942
    placements = iro.line("three_or_more_placements").figure
    assert (placements.numerator, placements.denominator, placements.value) == (51, 477, 10.7)


def test_iro_report_practice_alerts_147_with_117_informal_and_dispute_stages(iro):
    assert value(iro, "practice_alerts") == 147
    informal = iro.line("practice_alerts_informal").figure
    assert (informal.numerator, informal.value) == (
        117,
        80,
    )  # "147 practice alerts raised - 117 (80%) resolved informally"
    assert value(iro, "practice_alerts_formal") == 30
    by_stage = {row[0]: row[1] for row in iro.table("practice_alerts_by_stage").rows}
    assert (by_stage["informal"], by_stage["stage 1"], by_stage["stage 2"], by_stage["stage 3"]) == (
        117,
        18,
        9,
        3,
    )
    assert value(iro, "good_practice") == 54


def test_iro_report_themes_by_team_as_the_seed_tables(iro):
    themes = iro.table("practice_alert_themes")
    rows = {row[0]: dict(zip(themes.columns[1:], row[1:], strict=True)) for row in themes.rows}
    assert rows["No Plan/ plan not updated: review stood down"]["no. of times"] == 43
    assert rows["Drift/ legal issues"]["Fostering"] == 3
    assert rows["Deficiencies in care planning"]["CiN/ CP Crewe"] == 21
    praise = iro.table("good_practice_themes")
    good = {row[0]: dict(zip(praise.columns[1:], row[1:], strict=True)) for row in praise.rows}
    assert good["Consistently good practice"] == {
        "no. of times": 25,
        "CiN/ CP Crewe": 3,
        "CiN/ CP Macc": 6,
        "CwD": 0,
        "Perm inc. L/ Care": 16,
    }
    assert good["Good quality assessment or plan"]["no. of times"] == 21


def test_iro_report_gives_the_same_alert_figures_after_a_nightly_run(iro_engine, iro):
    from compliance.alerts import AlertQueue
    from compliance.nightly import run_nightly

    run_nightly(
        iro_engine.store, iro_engine, as_of=date(2018, 3, 30), now=datetime(2018, 3, 30, 2, 0, tzinfo=UTC)
    )
    queue = list(AlertQueue(iro_engine.store, iro_engine.settings).all())

    after = iro_report(iro_engine, queue, start=YEAR.start, end=YEAR.end, as_of=AS_OF)

    for key in ("practice_alerts", "practice_alerts_informal", "practice_alerts_formal", "good_practice"):
        assert value(after, key) == value(iro, key), key
    assert value(after, "breach_alerts") > 0  # the nightly's own breaches are counted apart
