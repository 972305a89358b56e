"""Every view of a child's record, every export and every alert action writes one access-log
entry, from the workspace and from the command line alike, in the same words."""

from __future__ import annotations

import getpass
import re

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.access_log import ACTIONS, read_access_log
from compliance.alerts import AlertQueue
from compliance.web import WebSettings, create_app
from tests.web_fixtures import AS_OF, PASSWORD, Clock, build_council, csrf_token

ME = f"{getpass.getuser()} (command line)"


@pytest.fixture
def db(tmp_path):
    url = str(tmp_path / "casecheck.db")
    build_council(url).close()
    return url


@pytest.fixture
def store(db):
    from compliance.store import open_store

    return open_store(db)


@pytest.fixture
def app(store):
    return create_app(WebSettings(store=store, clock=Clock(), as_of=AS_OF, secret_key="test-secret"))


def signed_in(app, name="sm"):
    client = app.test_client()
    token = csrf_token(client.get("/").text)
    assert client.post("/", data={"name": name, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client


def c1_alert(store):
    return next(a for a in AlertQueue(store).all() if a.child == "C1" and a.kind == "breach").ref


def entries(store, since=0):
    return [(e.user, e.action, e.child, e.target) for e in read_access_log(store)][since:]


def cli_run(db, *args):
    result = CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.mark.parametrize(
    ("url", "entry"),
    [
        ("/children/C1", ("viewed_child", "C1", None)),
        ("/children/C1?as_of=2022-11-01", ("viewed_child", "C1", None)),
        ("/children/C1/summary", ("printed_child", "C1", None)),
        ("/children/C1/calendar.ics", ("calendar_feed", "C1", None)),
        ("/calendar.ics", ("calendar_feed", None, "caseload")),
        (
            "/audit/children/C1?as_of=2022-12-01&known_at=2022-11-01",
            ("viewed_audit", "C1", "as of 2022-12-01, known at 2022-11-01T23:59:59+00:00"),
        ),
        ("/queue.csv", ("exported", None, "alert queue, csv")),
        ("/queue.csv?child=C1", ("exported", "C1", "alert queue (child=C1), csv")),
        ("/reports/iha.csv?year=2022", ("exported", None, None)),
        ("/reports/iro.xlsx", ("exported", None, None)),
    ],
)
def test_each_child_view_and_export_in_the_workspace_writes_one_entry(app, store, url, entry):
    client = signed_in(app)
    before = len(entries(store))

    assert client.get(url).status_code == 200
    written = entries(store, before)

    assert len(written) == 1
    user, action, child, target = written[0]
    assert (user, action, child) == ("sm", *entry[:2])
    if entry[2] is not None:
        assert target == entry[2]
    if action == "exported":
        assert target.endswith(", " + url.split(".")[-1].split("?")[0])


def test_an_alert_page_and_each_action_on_it_write_an_entry_against_the_alert_s_child(app, store):
    client = signed_in(app, "tm-north")
    ref = c1_alert(store)
    before = len(entries(store))
    forms = {
        "assign": {"to": "sw1"},
        "acknowledge": {},
        "respond": {},
        "escalate": {"to_stage": "1"},
        "resolve": {"outcome": "plan agreed"},
        "reopen": {},
    }

    page = client.get(f"/alerts/{ref}")
    for action, data in forms.items():
        token = csrf_token(client.get(f"/alerts/{ref}").text)
        assert client.post(f"/alerts/{ref}/{action}", data={**data, "csrf_token": token}).status_code == 302

    assert page.status_code == 200
    written = [e for e in entries(store, before) if e[1] == "alert_action"]
    assert written == [("tm-north", "alert_action", "C1", f"{ref} {action}") for action in forms]
    viewed = [e for e in entries(store, before) if e[1] == "viewed_alert"]
    assert viewed and all(e == ("tm-north", "viewed_alert", "C1", ref) for e in viewed)


def test_a_feed_read_at_its_secret_url_is_logged_under_the_feed_s_owner(app, store):
    client = signed_in(app, "iro1")
    url = re.search(r"http://localhost(/feeds/[^\s<\"]+/caseload\.ics)", client.get("/account").text).group(1)
    before = len(entries(store))

    assert app.test_client().get(url).status_code == 200

    assert entries(store, before) == [("iro1", "calendar_feed", None, "caseload (feed URL)")]


@pytest.mark.parametrize(
    ("args", "entry"),
    [
        (("timeline", "C1", "--as-of", "2022-12-01"), ("viewed_child", "C1", None)),
        (("timeline", "C1", "--as-of", "2022-12-01", "--json"), ("viewed_child", "C1", None)),
        (("audit", "C1", "--as-of", "2022-12-01", "--known-at", "2022-11-01"), ("viewed_audit", "C1", None)),
        (("alerts", "--as-of", "2022-12-01", "--csv"), ("exported", None, "alert queue, csv")),
        (
            ("alerts", "--as-of", "2022-12-01", "--child", "c1", "--json"),
            ("exported", "C1", "alert queue (child=c1), json"),
        ),
        (("check", "--child", "C1", "--as-of", "2022-12-01", "--json"), ("exported", "C1", "check, json")),
        (
            ("report", "iha", "--year", "2022", "--as-of", "2023-06-01", "--format", "csv"),
            ("exported", None, "iha report, 2022, csv"),
        ),
    ],
)
def test_each_child_view_and_export_from_the_command_line_writes_one_entry(db, store, args, entry):
    cli_run(db, *args)

    assert entries(store) == [(ME, *entry[:2], entry[2] if entry[2] is not None else entries(store)[0][3])]


def test_the_timeline_printed_to_html_from_the_command_line_is_logged_as_printed(db, store, tmp_path):
    cli_run(db, "timeline", "C1", "--as-of", "2022-12-01", "--html", str(tmp_path / "c1.html"))

    assert entries(store) == [(ME, "printed_child", "C1", None)]


def test_an_alert_shown_from_the_command_line_is_logged_as_the_workspace_logs_its_page(db, store, app):
    ref = c1_alert(store)

    cli_run(db, "alert", "show", ref, "--as-of", "2022-12-01")
    signed_in(app).get(f"/alerts/{ref}")

    (cli_entry, web_entry) = entries(store)
    assert cli_entry[1:] == web_entry[1:] == ("viewed_alert", "C1", ref)


def test_the_same_alert_action_reads_the_same_from_the_workspace_and_the_command_line(db, store, app):
    ref = c1_alert(store)
    client = signed_in(app, "tm-north")

    client.post(
        f"/alerts/{ref}/acknowledge", data={"csrf_token": csrf_token(client.get(f"/alerts/{ref}").text)}
    )
    cli_run(db, "alert", "respond", ref, "--by", "sw1")

    actions = [e for e in entries(store) if e[1] == "alert_action"]
    assert actions == [
        ("tm-north", "alert_action", "C1", f"{ref} acknowledge"),
        (ME, "alert_action", "C1", f"{ref} respond"),
    ]


def test_the_same_report_export_reads_the_same_from_the_workspace_and_the_command_line(db, store, app):
    cli_run(db, "report", "iro", "--from", "2022-04-01", "--to", "2023-03-31", "--format", "csv")
    signed_in(app).get("/reports/iro.csv?from=2022-04-01&to=2023-03-31")

    (cli_entry, web_entry) = entries(store)
    assert cli_entry[1:] == web_entry[1:] == ("exported", None, "iro report, 2022-04-01 to 2023-03-31, csv")


def test_every_entry_written_uses_the_one_vocabulary(db, store, app):
    client = signed_in(app)
    for url in ("/children/C1", "/children/C1/summary", "/queue.csv", "/calendar.ics"):
        client.get(url)
    cli_run(db, "timeline", "C2", "--as-of", "2022-12-01")

    assert {e[1] for e in entries(store)} <= set(ACTIONS)
