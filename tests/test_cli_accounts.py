"""`casecheck user ...` and `casecheck access-log` with a temporary SQLite store."""

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.access_log import record_access
from compliance.accounts import Accounts
from compliance.store import open_store


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "casecheck.db")


def run(db, *args, input=None):
    return CliRunner().invoke(cli, ["--db", db, *args], input=input, catch_exceptions=False)


def test_a_user_added_with_a_password_from_stdin_can_sign_in_with_it(db):
    result = run(
        db,
        "user",
        "add",
        "jo",
        "--role",
        "iro",
        "--iro",
        "IRO03",
        "--password-stdin",
        input="a long enough secret\n",
    )

    assert result.exit_code == 0, result.output
    assert Accounts(open_store(db)).authenticate("jo", "a long enough secret").iro == "IRO03"
    assert Accounts(open_store(db)).authenticate("jo", "a long enough secret\n") is None


def test_a_password_is_prompted_for_twice_when_not_read_from_stdin(db):
    result = run(
        db,
        "user",
        "add",
        "sam",
        "--role",
        "service_manager",
        input="a long enough secret\na long enough secret\n",
    )

    assert result.exit_code == 0, result.output
    assert "a long enough secret" not in result.output
    assert Accounts(open_store(db)).authenticate("sam", "a long enough secret") is not None


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--role", "team_manager"], "needs at least one --team"),
        (["--role", "iro"], "needs --iro"),
        (["--role", "auditor"], "at least 12 characters"),
    ],
    ids=["manager-without-team", "iro-without-id", "short-password"],
)
def test_a_bad_account_is_refused_with_one_line_and_status_2(db, args, says):
    password = "short\n" if "auditor" in args else "a long enough secret\n"

    result = CliRunner().invoke(
        cli, ["--db", db, "user", "add", "x", *args, "--password-stdin"], input=password
    )

    assert result.exit_code == 2
    assert says in result.output


def test_user_list_shows_roles_and_teams_and_never_a_hash(db):
    run(
        db,
        "user",
        "add",
        "tm",
        "--role",
        "team_manager",
        "--team",
        "North",
        "--team",
        "South",
        "--password-stdin",
        input="a long enough secret\n",
    )

    listed = json.loads(run(db, "user", "list", "--json").output)

    assert [(a["name"], a["roles"], a["teams"]) for a in listed] == [
        ("tm", ["team_manager"], ["North", "South"])
    ]
    assert "argon2" not in run(db, "user", "list").output


def test_a_disabled_user_can_no_longer_sign_in_and_a_new_password_replaces_the_old(db):
    run(db, "user", "add", "al", "--role", "auditor", "--password-stdin", input="a long enough secret\n")
    run(db, "user", "set-password", "al", "--password-stdin", input="another long secret\n")
    accounts = Accounts(open_store(db))
    assert accounts.authenticate("al", "a long enough secret") is None
    assert accounts.authenticate("al", "another long secret") is not None

    run(db, "user", "disable", "al")

    assert Accounts(open_store(db)).authenticate("al", "another long secret") is None
    assert json.loads(run(db, "user", "list", "--json").output)[0]["disabled"] is True


def test_the_access_log_filters_by_child_user_and_day_in_england(db):
    store = open_store(db)
    record_access(
        store, user="jo", action="viewed_child", child="C1", now=datetime(2024, 6, 30, 23, 30, tzinfo=UTC)
    )
    record_access(
        store, user="jo", action="viewed_child", child="C2", now=datetime(2024, 7, 2, 9, tzinfo=UTC)
    )
    record_access(store, user="sam", action="exported", now=datetime(2024, 7, 2, 10, tzinfo=UTC))

    # 23:30 UTC on 30 June is 00:30 on 1 July in England (BST).
    july = json.loads(run(db, "access-log", "--from", "2024-07-01", "--json").output)
    by_child = json.loads(run(db, "access-log", "--child", "C1", "--json").output)
    by_user = json.loads(run(db, "access-log", "--user", "sam", "--json").output)

    assert [e["child"] for e in july] == ["C1", "C2", None]
    assert [e["at"] for e in by_child] == ["2024-06-30T23:30:00+00:00"]
    assert [e["action"] for e in by_user] == ["exported"]
    assert "2 entries" not in run(db, "access-log").output
    assert "3 entries" in run(db, "access-log").output


def test_serve_answers_the_sign_in_page_on_the_store_it_was_given(db):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    run(
        db,
        "user",
        "add",
        "sam",
        "--role",
        "service_manager",
        "--password-stdin",
        input="a long enough secret\n",
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", "from cli import main; main()", "--db", db, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    page = response.read().decode()
                    headers = response.headers
                break
            except OSError:
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert "<h1>Sign in</h1>" in page
    assert headers["Server"] == "casecheck"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_a_timeline_read_from_the_command_line_is_in_the_access_log(db, tmp_path):
    import getpass

    events = tmp_path / "c1.jsonl"
    events.write_text(
        json.dumps(
            {"child": "C1", "id": "e1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"}
        )
        + "\n",
        encoding="utf-8",
    )
    run(db, "import", str(events))

    run(db, "timeline", "C1", "--as-of", "2022-12-01", "--json")
    run(db, "audit", "C1", "--as-of", "2022-12-01", "--known-at", "2022-12-01")

    log = json.loads(run(db, "access-log", "--child", "C1", "--json").output)
    assert [(e["user"], e["action"]) for e in log] == [
        (f"{getpass.getuser()} (command line)", "viewed_child"),
        (f"{getpass.getuser()} (command line)", "viewed_audit"),
    ]
