"""Signing in holds across a restart and across server processes on one store: the secret
that signs the cookies, the sessions and the failed sign-ins are kept in the store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from compliance.sign_in import SIGN_IN_TOPICS, SignInAttempt, WorkspaceSecret, workspace_secret
from compliance.store import new_cipher_key, open_store
from compliance.web import WebSettings, create_app
from tests.web_fixtures import AS_OF, NOW, PASSWORD, Clock, build_council, csrf_token


@pytest.fixture
def db(tmp_path):
    url = str(tmp_path / "casecheck.db")
    build_council(url).close()
    return url


@pytest.fixture
def clock():
    return Clock()


def server(db, clock):
    """A server process of its own: its own connection to the store, its own memory."""
    return create_app(WebSettings(store=open_store(db), clock=clock, as_of=AS_OF))


def sign_in(app, name, password=PASSWORD):
    client = app.test_client()
    token = csrf_token(client.get("/").text)
    return client, client.post("/", data={"name": name, "password": password, "csrf_token": token})


def topics(store, topic):
    return [n for n in store.recorder.select_notifications(1, 10_000, topics=[topic])]


def test_a_session_begun_before_a_restart_is_still_signed_in_after_it(db, clock):
    before = server(db, clock)
    client, response = sign_in(before, "sm")
    assert response.status_code == 302
    cookie = client.get_cookie("session").value

    after = server(db, clock)  # the server restarted: nothing of `before` is left in memory
    same_person = after.test_client()
    same_person.set_cookie("session", cookie)

    assert same_person.get("/queue").status_code == 200


def test_a_sign_out_on_one_server_process_ends_the_session_on_the_other(db, clock):
    one, other = server(db, clock), server(db, clock)
    client, _ = sign_in(one, "sm")
    cookie = client.get_cookie("session").value
    elsewhere = other.test_client()
    elsewhere.set_cookie("session", cookie)
    assert elsewhere.get("/queue").status_code == 200

    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/queue").text)})

    assert elsewhere.get("/queue").status_code == 302


def test_a_session_idle_past_the_limit_stays_ended_on_every_server(db, clock):
    one, other = server(db, clock), server(db, clock)
    client, _ = sign_in(one, "sm")
    cookie = client.get_cookie("session").value
    clock.now += timedelta(minutes=31)

    assert client.get("/queue").status_code == 302
    clock.now -= timedelta(minutes=30)  # even a copy of the cookie made in time no longer works
    elsewhere = other.test_client()
    elsewhere.set_cookie("session", cookie)
    assert elsewhere.get("/queue").status_code == 302


def test_failed_sign_ins_on_two_server_processes_are_counted_together(db, clock):
    one, other = server(db, clock), server(db, clock)
    for app in (one, other, one, other, one):  # five failures, split between the two
        assert sign_in(app, "sm", "wrong wrong wrong")[1].status_code == 401

    _client, response = sign_in(other, "sm")

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text


def test_the_throttle_holds_across_a_restart_and_lifts_after_its_window(db, clock):
    for _ in range(5):
        sign_in(server(db, clock), "sm", "wrong wrong wrong")

    assert sign_in(server(db, clock), "sm")[1].status_code == 429
    clock.now += timedelta(minutes=16)
    assert sign_in(server(db, clock), "sm")[1].status_code == 302


def test_a_right_password_clears_the_count_for_every_process(db, clock):
    one, other = server(db, clock), server(db, clock)
    for _ in range(4):
        sign_in(one, "sm", "wrong wrong wrong")
    assert sign_in(other, "sm")[1].status_code == 302

    for _ in range(4):
        sign_in(one, "sm", "wrong wrong wrong")

    assert sign_in(other, "sm")[1].status_code == 302  # 4 since the success: not yet throttled


def test_failed_sign_ins_are_appended_to_the_store_without_the_name_or_address(db, clock):
    app = server(db, clock)
    for _ in range(3):
        sign_in(app, "tm-north", "wrong wrong wrong")

    store = open_store(db)
    failed = topics(store, SignInAttempt.Failed.TOPIC)
    assert len(failed) == 3
    for n in failed:
        assert b"tm-north" not in n.state and b"127.0.0.1" not in n.state


def test_the_store_keeps_one_workspace_secret_made_the_first_time(db):
    first = workspace_secret(open_store(db), now=NOW)
    again = workspace_secret(open_store(db), now=NOW)

    assert first == again and len(first) >= 32
    assert len(topics(open_store(db), WorkspaceSecret.Made.TOPIC)) == 1
    assert workspace_secret(open_store("memory:"), now=NOW) != first


def test_an_encrypted_store_derives_its_secret_from_its_key_and_stores_none(tmp_path):
    key, other_key = new_cipher_key(), new_cipher_key()
    url = str(tmp_path / "encrypted.db")
    store = open_store(url, env={"CASECHECK_CIPHER_KEY": key})

    secret = workspace_secret(store, now=NOW)

    assert secret == workspace_secret(open_store(url, env={"CASECHECK_CIPHER_KEY": key}), now=NOW)
    assert secret != workspace_secret(open_store("memory:", env={"CASECHECK_CIPHER_KEY": other_key}), now=NOW)
    assert all(topics(store, t) == [] for t in SIGN_IN_TOPICS)


def test_a_secret_given_in_the_settings_is_used_instead_of_the_store_s(db, clock):
    app = create_app(WebSettings(store=open_store(db), clock=clock, as_of=AS_OF, secret_key="given"))

    assert app.config["SECRET_KEY"] == "given"
    assert topics(open_store(db), WorkspaceSecret.Made.TOPIC) == []


@pytest.mark.postgres
def test_on_a_shared_postgresql_store_two_servers_share_sessions_and_the_throttle(postgres_url, clock):
    build_council(postgres_url).close()
    one, other = server(postgres_url, clock), server(postgres_url, clock)
    client, response = sign_in(one, "sm")
    assert response.status_code == 302
    elsewhere = other.test_client()
    elsewhere.set_cookie("session", client.get_cookie("session").value)
    assert elsewhere.get("/queue").status_code == 200

    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/queue").text)})
    for app in (one, other, one, other, one):
        sign_in(app, "auditor", "wrong wrong wrong")

    assert elsewhere.get("/queue").status_code == 302
    assert sign_in(other, "auditor")[1].status_code == 429
