"""The workspace keeps each filtered, sorted queue and patches it alert by alert when alerts
change: after any sequence of changes it must equal the queue worked out afresh."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bench.web import make_alerts
from compliance.alerts import AlertQueue, Filters, IllegalTransition
from compliance.settings import Settings
from compliance.store import open_store
from compliance.views.queue import queue_counts, queue_counts_from
from compliance.web.services import CachedAlertQueue

TODAY = date(2026, 10, 30)  # a Friday; the bank holiday on Mon 25 Aug 2025 is in the ages
NOW = datetime(2026, 10, 30, 12, tzinfo=UTC)

FILTERS = [
    Filters(status="open"),
    Filters(status="open", sort="overdue"),
    Filters(status="open", sort="team"),
    Filters(status="all", sort="age"),
    Filters(status="resolved", sort="due"),
    Filters(status="open", team="north", sort="child"),
    Filters(status="open", stage="1"),
    Filters(status="open", unassigned=True),
]


def act(queue: AlertQueue, ref: str, what: int, when: datetime) -> None:
    try:
        if what == 0:
            queue.assign(ref, f"worker {when.minute}", by="tm", now=when)
        elif what == 1:
            queue.acknowledge(ref, by="tm", now=when)
        elif what == 2:
            queue.escalate(ref, to_stage=None, by="IRO01", now=when)
        elif what == 3:
            queue.respond(ref, by="tm", now=when)
        elif what == 4:
            queue.resolve(ref, outcome="done", by="IRO01", now=when)
        else:
            queue.reopen(ref, by="IRO01", now=when)
    except IllegalTransition:
        pass


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_queue_after_changes_equals_the_queue_worked_out_afresh(seed):
    store = open_store("memory:")
    make_alerts(store, 400)
    kept = CachedAlertQueue(store, Settings())
    fresh = AlertQueue(store, Settings())
    refs = [a.ref for a in fresh.all()]
    for f in FILTERS:  # made whole once, then patched
        kept.snapshot(f, today=TODAY)
    rng = random.Random(seed)
    when = NOW

    for _round in range(12):
        for _ in range(rng.choice([1, 3, 15])):
            when += timedelta(minutes=7)
            act(fresh, rng.choice(refs), rng.randrange(6), when)
        for f in FILTERS:
            snap = kept.snapshot(f, today=TODAY)
            expected = fresh.list(f, today=TODAY)

            assert [v.alert.ref for v in snap.views] == [v.alert.ref for v in expected], f
            assert queue_counts_from(len(snap.views), snap.by) == queue_counts(expected), f
            assert [v.days_overdue_now for v in snap.views] == [v.days_overdue_now for v in expected]


def test_a_queue_is_patched_not_worked_out_again_after_a_few_changes(monkeypatch):
    store = open_store("memory:")
    make_alerts(store, 200)
    kept = CachedAlertQueue(store, Settings())
    queue = AlertQueue(store, Settings())
    kept.snapshot(Filters(status="open"), today=TODAY)
    whole = []
    monkeypatch.setattr(kept, "_whole", lambda *a: whole.append(a) or pytest.fail("worked out again"))

    queue.assign(next(iter(queue.all())).ref, "sw1", by="tm", now=NOW)
    snap = kept.snapshot(Filters(status="open"), today=TODAY)

    assert whole == []
    assert len(snap.views) == len(AlertQueue(store).list(Filters(status="open"), today=TODAY))


def test_a_child_page_kept_between_views_shows_a_fact_recorded_since(tmp_path):
    from compliance.web import WebSettings, create_app
    from events.models import parse_event
    from tests.web_fixtures import AS_OF, PASSWORD, Clock, build_council, csrf_token

    store = build_council()
    app = create_app(WebSettings(store=store, clock=Clock(), as_of=AS_OF, secret_key="test-secret"))
    client = app.test_client()
    token = csrf_token(client.get("/").text)
    client.post("/", data={"name": "sm", "password": PASSWORD, "csrf_token": token})
    before = client.get("/children/C2").text

    def unsigned(html: str) -> str:  # a form's CSRF token carries the second it was signed in
        return html.replace(csrf_token(html), "")

    assert unsigned(client.get("/children/C2").text) == unsigned(
        before
    )  # kept: the access log entry is not a record

    review = {"child": "C2", "type": "review_held", "at": "2022-11-14", "id": "C2-r1", "team": "South"}
    store.record({"C2": [parse_event(review).to_record()]})
    after = client.get("/children/C2").text

    assert "14 Nov 2022" not in before
    assert "14 Nov 2022" in after
