"""Safe output: spreadsheet cells, terminal text, private files."""

from __future__ import annotations

import csv
import io
import os
import stat

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.output import OutputError, SafeConsole, csv_text, safe_cell, terminal_text, write_private

GOOD = '{"child": "C1", "type": "entered_care", "at": "2024-01-08", "id": "e1", "legal_status": "C2"}\n'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://example.org")', '\'=HYPERLINK("http://example.org")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("North team", "North team"),
        (None, ""),
        (-3, -3),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return", "plain-text", "none", "a-number"],
)
def test_a_cell_that_a_spreadsheet_would_run_starts_with_a_quote(value, cell):
    assert safe_cell(value) == cell


def test_csv_text_neutralises_every_cell_and_keeps_the_header():
    text = csv_text([{"team": "=1+1", "n": 2}], ["team", "n"])

    assert list(csv.reader(io.StringIO(text))) == [["team", "n"], ["'=1+1", "2"]]


def test_terminal_text_replaces_escape_sequences_and_bidirectional_overrides():
    assert terminal_text("\x1b[2Jteam\u202eX\x07") == "\ufffd[2Jteam\ufffdX\ufffd"
    assert terminal_text("two\nlines") == "two\nlines"


def test_a_team_name_with_rich_markup_is_printed_as_it_is():
    out = SafeConsole(file=io.StringIO(), width=80)

    out.print("North [/b] team [bold]x")

    assert out.file.getvalue().strip() == "North [/b] team [bold]x"


def _store_with_alert(tmp_path, team):
    db = str(tmp_path / "s.db")
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", db, "import", str(good)]).exit_code == 0
    raised = runner.invoke(
        cli, ["--db", db, "alert", "raise", "C1", "--theme", "Placement issues", "--team", team]
    )
    assert raised.exit_code == 0, raised.output
    return runner, db


def test_alerts_csv_writes_a_formula_team_name_as_text(tmp_path):
    runner, db = _store_with_alert(tmp_path, '=HYPERLINK("http://example.org","x")')

    result = runner.invoke(cli, ["--db", db, "alerts", "--csv"])

    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["team"] == '\'=HYPERLINK("http://example.org","x")'


def test_the_alert_queue_shows_a_team_with_markup_and_an_escape_code_without_crashing(tmp_path):
    runner, db = _store_with_alert(tmp_path, "\x1b[2JNorth[/b]")

    result = runner.invoke(cli, ["--db", db, "alerts"])

    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert "North[/b]" in result.output


def test_a_private_file_is_the_owners_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        write_private(tmp_path / "page.html", "<p>x</p>")
    finally:
        os.umask(old)

    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o600


def test_writing_into_a_missing_folder_is_one_line(tmp_path):
    with pytest.raises(OutputError, match=r"folder .*missing does not exist"):
        write_private(tmp_path / "missing" / "page.html", "x")


def test_a_sqlite_store_and_its_wal_files_are_the_owners_only_whatever_the_umask(tmp_path):
    from compliance.store import open_store

    old = os.umask(0)
    try:
        store = open_store(str(tmp_path / "s.db"))
        store.record({"C1": [{"child": "C1", "type": "entered_care", "at": "2024-01-08"}]})
    finally:
        os.umask(old)

    created = [p for p in tmp_path.iterdir() if p.name.startswith("s.db")]
    assert created
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in created), created


def test_timeline_html_into_a_missing_folder_is_one_line_and_exit_2(tmp_path):
    db = str(tmp_path / "s.db")
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    runner.invoke(cli, ["--db", db, "import", str(good)])

    result = runner.invoke(cli, ["--db", db, "timeline", "C1", "--html", str(tmp_path / "no" / "t.html")])

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr


def test_an_as_of_date_in_the_year_9999_is_a_clear_error_not_an_overflow(tmp_path):
    db = str(tmp_path / "s.db")
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    runner.invoke(cli, ["--db", db, "import", str(good)])

    result = runner.invoke(cli, ["--db", db, "check", "--as-of", "9999-12-31"])

    assert result.exit_code == 2
    assert "expected a date before the year 9000" in result.stderr
    assert "Traceback" not in result.output + result.stderr
