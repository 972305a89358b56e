"""The census's own contradictions stay on record: listed by `check --rule DQ`, the
timeline and the web page long after the import, and never twice.

The expected findings are read from the samples' own README and from the elements of the
small sample, not from the importer's output.
"""

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.engine import Engine
from compliance.sources.findings import ReturnFinding, finding_records
from compliance.store import open_store
from compliance.views.timeline import timeline_page

FAKE = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cin-validator-fake"
MAIN = FAKE / "fake_CIN_data.xml"
SMALL = FAKE / "CIN_Census_2021.xml"  # Year 2023: the 2022-23 census, one child
CHILD = "DfEX0000001"
LATER = "2024-01-15"


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "casecheck.db")


def run(db, *args):
    result = CliRunner().invoke(cli, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.output


def dq_rows(db, *more):
    out = run(db, "check", "--rule", "DQ-CIN", "--as-of", LATER, "--json", *more)
    return json.loads(out)


def test_the_censuss_findings_are_listed_by_check_after_the_import(db):
    run(db, "cin-census", "import", str(MAIN), "--year", "2021-22")

    rows = dq_rows(db)

    codes = [r["rule"] for r in rows]
    # The folder README's counts (the importer reports the same at import time).
    assert codes.count("DQ-CIN-8831") == 350
    assert codes.count("DQ-CIN-8875") == 91
    assert codes.count("DQ-CIN-8600") == 46
    assert codes.count("DQ-CIN-8585Q") == 35
    assert codes.count("DQ-CIN-8555Q") == 30
    assert {r["status"] for r in rows} == {"finding"}
    assert {r["basis"] for r in rows} == {"data_quality"}


def test_check_lists_the_findings_import_reported_one_for_one(db):
    reported = json.loads(run(db, "cin-census", "import", str(MAIN), "--year", "2021-22", "--json"))

    rows = dq_rows(db)

    at_import = sorted((f["child"], f["code"], f["message"]) for f in reported["findings"] if f["child"])
    census_codes = [f for f in at_import if f[1].startswith("DQ-CIN-")]
    assert sorted((r["child"], r["rule"], r["title"]) for r in rows) == census_codes


def test_importing_the_census_again_records_no_finding_twice(db):
    run(db, "cin-census", "import", str(MAIN), "--year", "2021-22")
    before = dq_rows(db)

    again = json.loads(run(db, "cin-census", "import", str(MAIN), "--year", "2021-22", "--json"))

    assert again["imported"] == again["findings_recorded"] == again["retracted"] == 0
    assert dq_rows(db) == before


def test_the_small_samples_findings_are_in_text_csv_and_the_timeline(db):
    run(db, "cin-census", "import", str(SMALL))

    text = run(db, "check", "--rule", "DQ", "--as-of", LATER)
    table = list(csv.DictReader(io.StringIO(run(db, "check", "--rule", "DQ", "--as-of", LATER, "--csv"))))
    timeline = run(db, "timeline", CHILD, "--as-of", LATER)

    # CINdetails holds an ICPC on Sun 6 Dec 1970 and the Section47 one on 17 Jun 1970.
    assert "DQ-CIN-ICPC-TWO-LEVELS" in text and "DQ-CIN-8875" in text
    assert {"DQ-CIN-ICPC-TWO-LEVELS", "DQ-CIN-8875"} <= {r["rule"] for r in table}
    assert {r["status"] for r in table if r["rule"].startswith("DQ-CIN-")} == {"finding"}
    findings = timeline.split("Data-quality findings", 1)[1]
    assert "DQ-CIN-8875  the initial conference on 1970-12-06 is on a weekend" in findings


def test_the_findings_are_not_facts_of_the_childs_journey(db):
    run(db, "cin-census", "import", str(SMALL))

    page = json.loads(run(db, "timeline", CHILD, "--as-of", LATER, "--json"))

    assert page["events"] and "finding_recorded" not in {e["type"] for e in page["events"]}
    assert any(f["rule"] == "DQ-CIN-8875" for f in page["findings"])


def test_the_findings_as_known_before_the_import_are_not_there(db):
    run(db, "cin-census", "import", str(SMALL), "--recorded-at", "2023-05-23T12:00:00+00:00")

    before = dq_rows(db, "--known-at", "2023-05-23T11:00:00+00:00")
    after = dq_rows(db, "--known-at", "2023-05-23T13:00:00+00:00")

    assert before == []
    assert "DQ-CIN-8875" in {r["rule"] for r in after}


def test_the_web_child_page_lists_the_censuss_findings(tmp_path):
    store = open_store("memory:")
    from compliance.sources.cin_census.importer import import_census

    import_census(store, SMALL, now=datetime(2023, 5, 23, tzinfo=UTC))

    page = timeline_page(Engine(store).evaluate(CHILD, as_of=date(2024, 1, 15)), "looked after")

    assert {"code": "DQ-CIN-8875", "message": "the initial conference on 1970-12-06 is on a weekend"} in page[
        "findings"
    ]


def test_a_retracted_finding_no_longer_counts(db, tmp_path):
    run(db, "cin-census", "import", str(SMALL))
    target = next(r for r in dq_rows(db) if r["rule"] == "DQ-CIN-8875")["event"]
    correction = tmp_path / "fix.jsonl"
    correction.write_text(
        json.dumps(
            {"child": CHILD, "type": "retracted", "at": "2023-06-01", "target": target, "reason": "checked"}
        )
        + "\n"
    )

    run(db, "import", str(correction))

    assert "DQ-CIN-8875" not in {r["rule"] for r in dq_rows(db)}


def test_the_same_words_twice_for_a_child_are_two_findings_and_another_child_has_its_own():
    said = [
        ReturnFinding("DQ-CIN-1103", "A", "the assessment starts before the referral", 40),
        ReturnFinding("DQ-CIN-1103", "A", "the assessment starts before the referral", 52),
        ReturnFinding("DQ-CIN-1103", "B", "the assessment starts before the referral", 40),
    ]

    records = finding_records(said, prefix="cin", year="2021-22", at=date(2022, 3, 31), source="cin_census")
    moved = finding_records(
        [ReturnFinding(f.code, f.child, f.message, f.line + 7) for f in said],  # type: ignore[operator]
        prefix="cin",
        year="2021-22",
        at=date(2022, 3, 31),
        source="cin_census",
    )

    assert len({r["id"] for r in records}) == 3
    assert [r["id"] for r in moved] == [r["id"] for r in records]
    assert [r["line"] for r in records] == [40, 52, 40]
    assert {r["type"] for r in records} == {"finding_recorded"}


def test_the_findings_are_listed_as_of_a_day_inside_the_census_year(db):
    run(db, "cin-census", "import", str(SMALL))

    rows = json.loads(run(db, "check", "--rule", "DQ-CIN", "--as-of", "2022-06-01", "--json"))

    # The census year 2022-23 ends on 31 March 2023; what it says is known from its import.
    assert "DQ-CIN-8875" in {r["rule"] for r in rows}
