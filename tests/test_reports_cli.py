"""The reports from the command line: the paper's layout, formats, charts and drill-down."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from cli import cli


def run(db, *args, env=None):
    return CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False, env=env)


def child(cid, *events):
    return [{"child": cid, **e} for e in events]


@pytest.fixture
def db(tmp_path):
    """A council of four children over 2017-18."""
    events = []
    for i, (entered, held) in enumerate(
        [("2017-04-03", "2017-05-03"), ("2017-07-03", "2017-08-04"), ("2017-10-02", "2017-10-30")]
    ):
        events += child(
            f"C{i}",
            {"type": "child_registered", "at": "2008-01-01", "dob": "2008-01-01", "team": '=HYPERLINK("x")'},
            {"type": "entered_care", "at": entered, "legal_status": "C2"},
            {
                "type": "placement_started",
                "at": entered,
                "placement_type": "K2" if i == 0 else "U4",
                "distance_miles": 30,
            },
            {"type": "review_held", "at": held},
        )
    events += child(
        "L1",
        {"type": "child_registered", "at": "2008-01-01", "dob": "2008-01-01"},
        {"type": "entered_care", "at": "2016-01-04", "legal_status": "C2"},
        {"type": "left_care", "at": "2018-02-05", "reason": "E11"},
    )
    path = tmp_path / "council.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    store = str(tmp_path / "casecheck.db")
    assert run(store, "import", str(path)).exit_code == 0
    return store


def test_the_scorecard_for_a_year_gives_the_quarters_the_year_and_the_year_before(db):
    result = run(db, "report", "scorecard", "--year", "2017-18", "--as-of", "2018-06-30", "--json")

    data = json.loads(result.output)
    assert [c["key"] for c in data["columns"]] == ["previous_year", "Q1", "Q2", "Q3", "Q4", "year"]
    assert [c["label"] for c in data["columns"]][:2] == ["Yr. end 16-17", "Q1 17-18"]
    g1 = next(m for m in data["measures"] if m["id"] == "G1")
    assert [g1["cells"][k]["value"] for k in ("Q1", "Q2", "Q3", "Q4")] == [2, 3, 4, 3]
    assert (g1["direction"], g1["latest"]) == ("down", "Q4")
    p12 = next(m for m in data["measures"] if m["id"] == "P1.2")
    # Q2: C1's first review (due Mon 31 Jul) was held on 4 Aug; C0's second (due 3 Aug) never was.
    assert (p12["cells"]["Q1"]["value"], p12["cells"]["Q2"]["value"]) == (100, 0)
    assert len(data["measures"]) == 43


def test_the_text_scorecard_is_the_committee_table_with_rag_and_no_data_named(db):
    result = run(db, "report", "scorecard", "--year", "2017-18", "--as-of", "2018-06-30")

    assert result.exit_code == 0
    assert "Q4 17-18" in result.output and "Yr. end 16-17" in result.output
    assert "P4.3: needs school_attendance_recorded" in result.output


def test_the_drill_down_lists_the_numerator_and_denominator_children(db):
    result = run(
        db,
        "report",
        "scorecard",
        "--year",
        "2017-18",
        "--as-of",
        "2018-06-30",
        "--measure",
        "p1.2",
        "--quarter",
        "Q2",
        "--children",
        "--json",
    )

    data = json.loads(result.output)
    assert data["numerator"] == []
    # C0's second review fell due Thu 3 Aug 2017 and was never held; C1's first, due Mon 31 Jul, was late.
    assert [i["child"] for i in data["denominator"]] == ["C0", "C1"]
    assert "LAC-REV-2 due Thu 3 Aug 2017: overdue" in data["denominator"][0]["what"]
    assert data["column"]["key"] == "Q2"


def test_a_mistyped_measure_is_refused_with_the_closest(db):
    result = run(db, "report", "scorecard", "--year", "2017-18", "--measure", "P1.22")

    assert result.exit_code == 2
    assert "did you mean P1.2" in result.output


def test_a_bad_year_is_refused(db):
    result = run(db, "report", "scorecard", "--year", "2017-19")

    assert result.exit_code == 2
    assert "consecutive years" in result.output


def test_xlsx_read_back_has_the_same_numbers_as_json(db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "scorecard.xlsx"
    args = ["report", "scorecard", "--year", "2017-18", "--as-of", "2018-06-30"]
    data = json.loads(run(db, *args, "--format", "json").output)
    assert run(db, *args, "--format", "xlsx", "--out", str(out)).exit_code == 0

    sheet = load_workbook(out)["Scorecard"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header, body = rows[0], rows[1:]
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    labels = {c["key"]: c["label"] for c in data["columns"]}
    for measure in data["measures"]:
        row = by_id[measure["id"]]
        for key, cell in measure["cells"].items():
            expected = (
                cell["value"] if cell["no_data"] is None and cell["not_reported"] is None else cell["shown"]
            )
            assert row[labels[key]] == ("" if expected is None else expected) or (
                expected is None and row[labels[key]] is None
            ), (measure["id"], key)
        assert row["RAG"] == (measure["rag"] or "n/a")
    assert "Definitions" in load_workbook(out).sheetnames


def test_csv_and_xlsx_write_text_that_looks_like_a_formula_as_text(db, tmp_path):
    from openpyxl import load_workbook

    alerts = tmp_path / "alerts.jsonl"
    alerts.write_text(
        json.dumps(
            {
                "child": "C1",
                "type": "practice_alert_raised",
                "at": "2017-09-01",
                "alert": "A1",
                "theme": "=1+1",
                "team": "@SUM(A1)",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    run(db, "import", str(alerts))
    out = tmp_path / "iro.xlsx"

    assert run(db, "report", "iro", "--year", "2017-18", "--format", "xlsx", "--out", str(out)).exit_code == 0
    text = run(db, "report", "iro", "--year", "2017-18", "--format", "csv").output

    cells = [c.value for row in load_workbook(out)["IRO report"].iter_rows() for c in row]
    assert "'=1+1" in cells and "'@SUM(A1)" in cells
    assert not any(isinstance(v, str) and v.startswith(("=", "@")) for v in cells)
    rows = list(csv.reader(io.StringIO(text)))
    assert any("'=1+1" in row for row in rows)


def test_the_iro_report_prints_every_figure_and_the_stages_as_a_table(db):
    result = run(db, "report", "iro", "--year", "2017-18", "--as-of", "2018-06-30")

    assert result.exit_code == 0
    for label in (
        "Looked-after reviews chaired",
        "Pathway plan reviews chaired",
        "Initial reviews",
        "Reviews stood down",
        "Review outcomes circulated within 5 working days",
        "Average IRO caseload",
        "Missing trigger meetings",
        "Final care plans endorsed",
        "3 or more placements",
        "Issues resolved informally or at DRP stage 1",
        "Practice alerts by highest DRP stage reached",
        "Good practice notifications: themes by team",
    ):
        assert label in result.output, label
    assert "{" not in result.output  # no Python dict printed


def test_chart_writes_a_trend_chart_per_measure_with_figures(db, tmp_path):
    charts = tmp_path / "charts"

    result = run(
        db,
        "report",
        "scorecard",
        "--year",
        "2017-18",
        "--as-of",
        "2018-06-30",
        "--chart",
        str(charts),
        "--format",
        "json",
    )

    assert result.exit_code == 0
    files = sorted(p.name for p in charts.iterdir())
    assert "G1.svg" in files and "P1_2.svg" in files
    assert "P4_3.svg" not in files  # no data, no chart
    assert (charts / "G1.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_targets_from_the_settings_change_the_rag(db, tmp_path):
    config = tmp_path / "casecheck.toml"
    config.write_text(
        '[report.targets]\n"G1" = "1-3"\n[report.comparators."G1"]\nstatistical_neighbours = 5\nnational = 6.5\n',
        encoding="utf-8",
    )

    data = json.loads(
        run(
            db,
            "--config",
            str(config),
            "report",
            "scorecard",
            "--year",
            "2017-18",
            "--as-of",
            "2018-06-30",
            "--json",
        ).output
    )

    g1 = next(m for m in data["measures"] if m["id"] == "G1")
    assert (g1["target"]["target"], g1["rag"]) == ("1-3", "green")
    assert g1["comparators"] == {"statistical_neighbours": 5, "national": 6.5}


def test_a_bad_target_is_one_line_and_exit_2(db, tmp_path):
    config = tmp_path / "casecheck.toml"
    config.write_text('[report.targets]\n"G9" = 5\n', encoding="utf-8")

    result = run(db, "--config", str(config), "report", "scorecard", "--year", "2017-18")

    assert result.exit_code == 2
    assert 'report.targets."G9": no such measure' in result.output
    assert "Traceback" not in result.output


def test_a_progress_bar_is_shown_when_asked(db):
    result = run(
        db,
        "report",
        "scorecard",
        "--year",
        "2017-18",
        "--as-of",
        "2018-06-30",
        "--format",
        "csv",
        env={"CASECHECK_PROGRESS": "1"},
    )

    assert result.exit_code == 0
    assert "reading children" in result.output


def test_the_csv_scorecard_is_the_committee_table(db):
    text = run(
        db, "report", "scorecard", "--year", "2017-18", "--as-of", "2018-06-30", "--format", "csv"
    ).output

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:8] == [
        "Ref",
        "Measure",
        "Polarity",
        "Stat Neigh Av",
        "National Av",
        "Target",
        "Yr. end 16-17",
        "Q1 17-18",
    ]
    g1 = next(r for r in rows if r[0] == "G1")
    assert g1[6:12] == ["1", "2", "3", "4", "3", "3"]  # L1, in care from 2016, adopted in Feb 2018
    assert g1[13] == "↓"  # a population count has a direction but no better or worse
    assert "None" not in text
