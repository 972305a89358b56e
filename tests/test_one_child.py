"""One-child commands look the child up directly, and the command line starts without
loading what only an import needs."""

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from compliance.store import open_store


def fact(child, type_, at):
    return {"child": child, "type": type_, "at": at}


def test_unknown_children_are_those_without_a_record_sorted(store_url):
    store = open_store(store_url)
    store.record(
        {"C1": [fact("C1", "dental_check", "2022-01-01")], "C3": [fact("C3", "dental_check", "2022-01-01")]}
    )

    assert store.unknown_children(["C3", "C9", "C1", "C2", "C9"]) == ["C2", "C9"]
    assert store.unknown_children(["C1"]) == []
    assert store.unknown_children([]) == []


def test_check_for_an_unknown_child_names_it_and_exits_2(tmp_path):
    db = str(tmp_path / "casecheck.db")
    open_store(db).record({"C1": [fact("C1", "dental_check", "2022-01-01")]})

    result = CliRunner().invoke(cli, ["--db", db, "check", "--child", "C1", "--child", "C7", "--json"])

    assert result.exit_code == 2
    assert "'C7'" in result.stderr


def test_check_for_one_child_lists_only_that_childs_obligations(tmp_path):
    db = str(tmp_path / "casecheck.db")
    open_store(db).record(
        {
            c: [
                {"child": c, "type": "child_registered", "at": "2022-09-12", "dob": "2012-05-01"},
                {"child": c, "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"},
            ]
            for c in ("C1", "C2")
        }
    )

    result = CliRunner().invoke(
        cli, ["--db", db, "check", "--child", "C2", "--as-of", "2022-12-01", "--json"]
    )

    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {r["child"] for r in rows} == {"C2"}


def test_the_command_line_starts_without_the_event_models_or_pydantic():
    code = "import sys, cli; print(sorted(m for m in sys.modules if m == 'events.models' or m.startswith('pydantic')))"

    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )

    assert done.stdout.strip() == "[]"
