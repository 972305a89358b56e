"""Exports and alert actions made with the command line go to the access log under the
operating-system account that ran them, as the workspace's do under the account's name."""

import getpass
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.access_log import read_access_log, record_export
from compliance.store import open_store

ME = f"{getpass.getuser()} (command line)"


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "casecheck.db")
    events = tmp_path / "c1.jsonl"
    events.write_text(
        json.dumps(
            {"child": "C1", "id": "e1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"}
        )
        + "\n",
        encoding="utf-8",
    )
    run(path, "import", str(events))
    return path


def run(db, *args):
    result = CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


def entries(db):
    return [(e.user, e.action, e.child, e.target) for e in read_access_log(open_store(db))]


def test_a_check_written_as_csv_or_json_is_logged_as_an_export_of_that_child(db):
    run(db, "check", "--child", "C1", "--as-of", "2022-12-01", "--csv")
    run(db, "check", "--child", "C1", "--as-of", "2022-12-01", "--json")

    assert entries(db) == [
        (ME, "exported", "C1", "check, csv"),
        (ME, "exported", "C1", "check, json"),
    ]


def test_a_check_of_every_child_as_csv_is_one_export_across_children(db):
    run(db, "check", "--as-of", "2022-12-01", "--csv")

    assert entries(db) == [(ME, "exported", None, "check, csv")]


def test_a_check_read_as_a_table_on_the_screen_is_not_an_export(db):
    run(db, "check", "--child", "C1", "--as-of", "2022-12-01")

    assert [e for e in entries(db) if e[1] == "exported"] == []


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_report_written_as_csv_or_json_is_logged_as_an_export(db, fmt):
    run(db, "report", "iha", "--year", "2022", "--as-of", "2023-06-01", "--format", fmt)

    assert entries(db) == [(ME, "exported", None, f"iha report, 2022, {fmt}")]


def test_a_report_written_as_xlsx_is_logged_as_an_export(db, tmp_path):
    out = tmp_path / "iro.xlsx"
    run(
        db,
        "report",
        "iro",
        "--from",
        "2022-04-01",
        "--to",
        "2023-03-31",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )

    assert entries(db) == [(ME, "exported", None, "iro report, 2022-04-01 to 2023-03-31, xlsx")]


def test_every_alert_action_from_the_command_line_is_logged_with_its_child(db):
    ref = run(db, "alert", "raise", "C1", "--theme", "Placement issues", "--by", "IRO01").output.split()[-1]
    run(db, "alert", "assign", ref, "sw1", "--by", "IRO01")
    run(db, "alert", "acknowledge", ref, "--by", "sw1")
    run(db, "alert", "respond", ref, "--by", "sw1")
    run(db, "alert", "escalate", ref, "--by", "IRO01")
    run(db, "alert", "resolve", ref, "--outcome", "plan agreed", "--by", "IRO01")
    run(db, "alert", "reopen", ref, "--by", "IRO01")
    praise = run(
        db, "alert", "praise", "C1", "--theme", "Consistently good practice", "--by", "IRO01"
    ).output.split()[-1]

    actions = [(user, action, child, target) for user, action, child, target in entries(db)]
    assert actions == [
        (ME, "alert_action", "C1", f"{ref} {what}")
        for what in ("raise", "assign", "acknowledge", "respond", "escalate", "resolve", "reopen")
    ] + [(ME, "alert_action", "C1", f"{praise} praise")]


def test_an_export_read_as_text_records_nothing_and_one_of_named_children_an_entry_each(tmp_path):
    store = open_store(str(tmp_path / "s.db"))
    now = datetime(2026, 10, 31, 12, tzinfo=UTC)

    record_export(store, user="jo", what="check", fmt="text", now=now)
    record_export(store, user="jo", what="check", fmt="csv", now=now, children=["C1", "C2"])

    assert [(e.child, e.target) for e in read_access_log(store)] == [
        ("C1", "check, csv"),
        ("C2", "check, csv"),
    ]
