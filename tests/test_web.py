"""The web workspace through Flask's test client: sign-in, roles, CSRF, the access log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from compliance.access_log import read_access_log
from compliance.alerts import AlertQueue
from compliance.web import WebSettings, create_app
from tests.web_fixtures import AS_OF, PASSWORD, Clock, build_council, csrf_token


@pytest.fixture
def council():
    return build_council()


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(council, clock):
    return create_app(WebSettings(store=council, clock=clock, as_of=AS_OF, secret_key="test-secret"))


def sign_in(app, name, password=PASSWORD):
    client = app.test_client()
    token = csrf_token(client.get("/").text)
    response = client.post("/", data={"name": name, "password": password, "csrf_token": token})
    return client, response


def alert_of(council, child):
    return next(a for a in AlertQueue(council).all() if a.child == child and a.kind == "breach")


def test_the_start_page_is_the_sign_in_form_for_someone_not_signed_in(app):
    response = app.test_client().get("/")

    assert response.status_code == 200
    assert "<h1>Sign in</h1>" in response.text
    assert 'name="password"' in response.text


@pytest.mark.parametrize(
    "url", ["/queue", "/children", "/children/C1", "/reports", "/audit", "/audit/access-log"]
)
def test_every_page_sends_someone_not_signed_in_to_sign_in(app, url):
    response = app.test_client().get(url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/?next=") or response.headers["Location"].startswith("/")


def test_a_wrong_password_is_refused_and_does_not_sign_in(app):
    client, response = sign_in(app, "sm", "not the password at all")

    assert response.status_code == 401
    assert client.get("/queue").status_code == 302


def test_repeated_failed_sign_ins_are_throttled_even_with_the_right_password(app):
    for _ in range(5):
        sign_in(app, "sm", "wrong wrong wrong")

    _client, response = sign_in(app, "sm")

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text


def test_the_throttle_lifts_after_its_window(app, clock):
    for _ in range(5):
        sign_in(app, "sm", "wrong wrong wrong")
    clock.now += timedelta(minutes=16)

    _client, response = sign_in(app, "sm")

    assert response.status_code == 302


def test_a_sign_in_without_the_csrf_token_is_refused(app):
    response = app.test_client().post("/", data={"name": "sm", "password": PASSWORD})

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("name", "children"),
    [
        ("iro1", {"C1"}),
        ("iro2", {"C2", "C3"}),
        ("tm-north", {"C1", "C3"}),
        ("sm", {"C1", "C2", "C3"}),
        ("auditor", {"C1", "C2", "C3"}),
    ],
)
def test_each_role_sees_exactly_its_children_in_the_queue_the_list_and_by_url(app, name, children):
    client, _ = sign_in(app, name)

    queue = client.get("/queue").text
    listed = client.get("/children").text
    statuses = {c: client.get(f"/children/{c}").status_code for c in ("C1", "C2", "C3")}

    assert {c for c in ("C1", "C2", "C3") if f'/children/{c}"' in queue} == children
    assert {c for c in ("C1", "C2", "C3") if f'/children/{c}"' in listed} == children
    assert {c for c, status in statuses.items() if status == 200} == children
    assert {status for c, status in statuses.items() if c not in children} <= {404}


def test_an_iro_asking_for_another_iros_child_or_alert_by_url_gets_404(app, council):
    client, _ = sign_in(app, "iro1")
    other = alert_of(council, "C2")

    assert client.get("/children/C2").status_code == 404
    assert client.get("/children/C2/summary").status_code == 404
    assert client.get("/children/C2/calendar.ics").status_code == 404
    assert client.get(f"/alerts/{other.ref}").status_code == 404
    assert client.get("/children/NOBODY").status_code == 404


def test_an_admin_sees_accounts_but_no_child(app):
    client, response = sign_in(app, "admin")

    assert response.headers["Location"] == "/accounts"
    assert "tm-north" in client.get("/accounts").text
    assert client.get("/children/C1").status_code == 404
    assert client.get("/queue").status_code == 403


def test_viewing_a_child_is_recorded_in_the_access_log_with_who_when_and_which_child(app, council, clock):
    client, _ = sign_in(app, "iro1")

    client.get("/children/C1")

    (entry,) = read_access_log(council, child="C1")
    assert (entry.user, entry.action, entry.at) == ("iro1", "viewed_child", clock.now)


def test_a_refused_child_page_is_not_recorded_as_a_view(app, council):
    client, _ = sign_in(app, "iro1")

    client.get("/children/C2")

    assert read_access_log(council, child="C2") == []


def test_escalating_an_alert_records_the_signed_in_user_and_the_access_log(app, council, clock):
    client, _ = sign_in(app, "tm-north")
    ref = alert_of(council, "C1").ref
    token = csrf_token(client.get(f"/alerts/{ref}").text)

    response = client.post(
        f"/alerts/{ref}/escalate", data={"to_stage": "1", "csrf_token": token}, follow_redirects=True
    )

    alert = AlertQueue(council).get(ref)
    assert alert.stage == "1"
    assert alert.history[-1]["by"] == "tm-north"
    assert alert.history[-1]["at"] == clock.now.isoformat()
    # 5 working days from Thu 1 Dec 2022 (the DRP default for stage 1) is Thu 8 Dec 2022.
    assert "Response due Thu 8 Dec 2022" in response.text
    log = [(e.action, e.target) for e in read_access_log(council, user="tm-north")]
    assert log == [("viewed_alert", ref), ("alert_action", f"{ref} escalate"), ("viewed_alert", ref)]


@pytest.mark.parametrize("action", ["assign", "acknowledge", "respond", "escalate", "resolve", "reopen"])
def test_every_alert_action_without_a_csrf_token_is_refused_and_stores_nothing(app, council, action):
    client, _ = sign_in(app, "sm")
    ref = alert_of(council, "C1").ref
    version = AlertQueue(council).get(ref).version

    response = client.post(f"/alerts/{ref}/{action}", data={"to": "X", "to_stage": "1", "outcome": "done"})

    assert response.status_code == 400
    assert AlertQueue(council).get(ref).version == version


@pytest.mark.parametrize("action", ["assign", "acknowledge", "escalate", "resolve"])
def test_every_alert_action_needs_a_signed_in_user(app, council, action):
    ref = alert_of(council, "C1").ref
    client = app.test_client()
    token = csrf_token(client.get("/").text)

    response = client.post(f"/alerts/{ref}/{action}", data={"csrf_token": token, "to": "X", "outcome": "x"})

    assert response.status_code == 302
    assert AlertQueue(council).get(ref).version == 1


def test_an_auditor_may_read_an_alert_but_not_act_on_it(app, council):
    client, _ = sign_in(app, "auditor")
    ref = alert_of(council, "C1").ref
    page = client.get(f"/alerts/{ref}").text
    token = csrf_token(page)

    response = client.post(f"/alerts/{ref}/acknowledge", data={"csrf_token": token})

    assert 'action="/alerts/' not in page
    assert response.status_code == 403
    assert AlertQueue(council).get(ref).acknowledged is False


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app):
    client, _ = sign_in(app, "sm")
    cookie = client.get_cookie("session").value
    token = csrf_token(client.get("/queue").text)

    client.post("/sign-out", data={"csrf_token": token})
    thief = app.test_client()
    thief.set_cookie("session", cookie)

    assert thief.get("/queue").status_code == 302


def test_a_session_expires_after_half_an_hour_without_a_request(app, clock):
    client, _ = sign_in(app, "sm")
    assert client.get("/queue").status_code == 200

    clock.now += timedelta(minutes=31)

    assert client.get("/queue").status_code == 302


def test_a_disabled_account_loses_its_session_at_once(app, council, clock):
    from compliance.accounts import Accounts

    client, _ = sign_in(app, "sm")

    Accounts(council).disable("sm", now=clock.now, by="admin")

    assert client.get("/queue").status_code == 302


def test_pages_carry_security_headers_and_the_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    token = csrf_token(client.get("/").text)

    response = client.post("/", data={"name": "sm", "password": PASSWORD, "csrf_token": token})

    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_when_served_over_tls(app):
    client = app.test_client()
    token = csrf_token(client.get("/", base_url="https://localhost").text)

    response = client.post(
        "/", data={"name": "sm", "password": PASSWORD, "csrf_token": token}, base_url="https://localhost"
    )

    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie


def test_no_page_has_inline_script_or_style(app):
    client, _ = sign_in(app, "sm")

    pages = [
        client.get(u).text for u in ("/queue", "/children/C1", "/children/C1/summary", "/reports", "/audit")
    ]

    for html in pages:
        assert "<script" not in html
        assert " style=" not in html


def test_the_queue_filters_by_team_from_the_url_and_counts_by_theme_team_and_stage(app):
    client, _ = sign_in(app, "sm")

    page = client.get("/queue?team=South").text

    assert '/children/C2"' in page and '/children/C1"' not in page
    assert "By theme" in page and "By team" in page and "By DRP stage" in page


def test_the_child_page_folds_explanations_and_shows_what_needs_attention(app):
    client, _ = sign_in(app, "iro1")

    page = client.get("/children/C1").text

    assert "Needs attention" in page
    assert '<details class="why">' in page
    assert "LAC-REV-1" in page


def test_the_caseload_feed_at_a_secret_url_works_without_sign_in_and_not_with_a_wrong_secret(app):
    client, _ = sign_in(app, "iro2")
    page = client.get("/account").text
    url = page.split("http://localhost", 1)[1].split("<", 1)[0]

    good = app.test_client().get(url)
    bad = app.test_client().get(url.replace("/feeds/iro2/", "/feeds/iro1/"))

    assert good.status_code == 200 and good.mimetype == "text/calendar"
    assert b"BEGIN:VCALENDAR" in good.data
    assert bad.status_code == 404


def test_a_report_download_is_recorded_as_an_export(app, council):
    client, _ = sign_in(app, "sm")

    response = client.get("/reports/iha.csv?year=2022")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert [e.action for e in read_access_log(council, user="sm")] == ["exported"]


def test_an_auditor_replays_a_child_as_known_at_a_moment(app, council):
    client, _ = sign_in(app, "auditor")

    page = client.get("/audit/children/C1?as_of=2022-12-01&known_at=2022-12-01").text

    assert "as known at" in page
    assert "Obligations that read differently" in page
    assert read_access_log(council, user="auditor")[-1].action == "viewed_audit"


def test_an_iro_may_not_open_the_audit_pages_or_the_access_log(app):
    client, _ = sign_in(app, "iro1")

    assert client.get("/audit").status_code == 403
    assert client.get("/audit/access-log").status_code == 403


def test_a_queue_filter_that_matches_nothing_says_so_without_naming_other_children(app):
    client, _ = sign_in(app, "iro1")

    page = client.get("/queue?child=C").text

    assert "matches nothing recorded" in page or "No alerts match" in page
    # whole words only: a random CSRF token may hold the letters "C2"
    assert not re.search(r"\bC[23]\b", page)


def test_the_queue_sorts_as_the_alert_queue_orders_it(app, council):
    from compliance.alerts import Filters

    client, _ = sign_in(app, "sm")
    expected = [v.alert.ref for v in AlertQueue(council).list(Filters(sort="child"), today=AS_OF)]

    page = client.get("/queue?sort=child").text

    shown = [ref for ref in expected if f'/alerts/{ref}"' in page]
    assert shown == expected
    assert sorted(expected, key=page.index) == expected


@pytest.mark.parametrize(
    "url",
    [
        "/reports",
        "/reports/scorecard?year=2022-23",
        "/reports/iha?year=2022-23",
        "/reports/iro?from=2022-04-01&to=2022-12-01",
        "/reports/iha/chart.svg?year=2022-23",
        "/reports/iro/chart.svg?from=2022-04-01&to=2022-12-01",
        "/reports/scorecard.xlsx?year=2022-23",
        "/reports/iro.csv?from=2022-04-01&to=2022-12-01",
    ],
)
def test_every_report_page_chart_and_download_answers(app, url):
    client, _ = sign_in(app, "sm")

    response = client.get(url)

    assert response.status_code == 200


def test_the_iha_table_counts_the_three_children_whose_iha_fell_due_in_the_third_quarter(app):
    client, _ = sign_in(app, "sm")

    body = client.get("/reports/iha.csv?year=2022-23").text

    # Entered care Mon 12 Sep 2022: the IHA was due Tue 11 Oct 2022 (20 working days), Q3.
    q3 = next(line for line in body.splitlines() if line.startswith("Q3"))
    assert q3.split(",")[1] == "3"


@pytest.mark.postgres
def test_every_page_works_on_a_postgresql_store(postgres_url, clock):
    store = build_council(postgres_url)
    app = create_app(WebSettings(store=store, clock=clock, as_of=AS_OF, secret_key="pg"))
    client, _ = sign_in(app, "sm")
    ref = alert_of(store, "C1").ref
    token = csrf_token(client.get(f"/alerts/{ref}").text)

    pages = [
        "/queue?team=North",
        f"/alerts/{ref}",
        "/children",
        "/children/C1",
        "/children/C1/summary",
        "/children/C1/calendar.ics",
        "/reports/iha?year=2022-23",
        "/reports/iro?from=2022-04-01&to=2022-12-01",
        "/audit/children/C1?as_of=2022-12-01&known_at=2022-11-01",
        "/audit/runs",
    ]
    statuses = {url: client.get(url).status_code for url in pages}
    escalated = client.post(f"/alerts/{ref}/escalate", data={"to_stage": "2", "csrf_token": token})

    assert set(statuses.values()) == {200}, statuses
    assert escalated.status_code == 302
    assert AlertQueue(store).get(ref).stage == "2"
    assert {e.action for e in read_access_log(store, user="sm")} >= {
        "viewed_child",
        "printed_child",
        "alert_action",
    }


def test_the_queue_page_shows_a_change_made_outside_the_workspace_at_once(app, council, clock):
    client, _ = sign_in(app, "sm")
    ref = alert_of(council, "C2").ref
    assert client.get("/queue?stage=3").text.count(f'/alerts/{ref}"') == 0

    AlertQueue(council).escalate(ref, to_stage="3", by="cli user", now=clock.now)

    assert client.get("/queue?stage=3").text.count(f'/alerts/{ref}"') == 1


def test_page_views_do_not_count_as_changes_to_the_records_but_an_alert_action_does(app, council, clock):
    services = app.extensions["casecheck"]
    client, _ = sign_in(app, "sm")
    before = services.records_position()

    client.get("/children/C1")
    unchanged = services.records_position()
    AlertQueue(council).acknowledge(alert_of(council, "C1").ref, by="x", now=clock.now)

    assert unchanged == before
    assert services.records_position() > before


def test_the_child_page_lists_the_census_findings_stored_at_its_import(council, clock):
    from pathlib import Path

    from compliance.sources.cin_census.importer import import_census

    census = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cin-validator-fake"
    import_census(council, census / "CIN_Census_2021.xml")
    app = create_app(WebSettings(store=council, clock=clock, as_of=AS_OF, secret_key="test-secret"))
    client, _ = sign_in(app, "sm")

    page = client.get("/children/DfEX0000001").text

    # CINdetails records an ICPC on Sun 6 Dec 1970, Section47 one on Wed 17 Jun 1970.
    assert "DQ-CIN-8875" in page and "the initial conference on 1970-12-06 is on a weekend" in page
    assert "DQ-CIN-ICPC-TWO-LEVELS" in page
