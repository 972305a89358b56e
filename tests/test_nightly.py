from datetime import UTC, date, datetime, timedelta

import pytest

from compliance.alerts import AlertQueue, Filters, ref_for_obligation
from compliance.engine import Engine
from compliance.nightly import SimulatedCrash, list_runs, load_ledger, run_nightly
from compliance.sources.event_files import import_events
from compliance.store import open_store
from events.models import parse_event
from events.parse import ParsedEvent
from rules.obligation import Status

D = date(2024, 3, 1)
NOW = datetime(2024, 3, 2, 1, 0, tzinfo=UTC)


def add(store, events, recorded="2024-01-01T00:00:00+00:00"):
    parsed = [
        ParsedEvent.of(i + 1, parse_event({"recorded_at": recorded, **e})) for i, e in enumerate(events)
    ]
    import_events(store, parsed, source="test", now=NOW, check_quality=False)


def council(n=300):
    """n children entering care on different days of 2023, some with their reviews held late or not at all."""
    events = []
    for i in range(n):
        child = f"C{i:04d}"
        entered = date(2023, 1, 2) + timedelta(days=i)
        events += [
            {
                "child": child,
                "id": f"{child}-1",
                "type": "child_registered",
                "at": "2015-06-01",
                "dob": "2015-06-01",
            },
            {
                "child": child,
                "id": f"{child}-2",
                "type": "entered_care",
                "at": entered.isoformat(),
                "legal_status": "C2",
                "team": f"Team {i % 3}",
            },
            {
                "child": child,
                "id": f"{child}-3",
                "type": "worker_allocated",
                "at": entered.isoformat(),
                "worker": f"SW{i % 7:02d}",
            },
        ]
        if i % 4 != 0:  # three in four have their first review on day 20
            events.append(
                {
                    "child": child,
                    "id": f"{child}-4",
                    "type": "review_held",
                    "at": (entered + timedelta(days=25)).isoformat(),
                }
            )
    return events


def alert_state(store):
    return sorted((a.ref, a.kind, a.status, a.stage) for a in AlertQueue(store).all())


@pytest.fixture
def store():
    s = open_store("memory:")
    add(s, council())
    return s


def test_running_twice_for_the_same_date_changes_nothing(store):
    engine = Engine(store)
    first = run_nightly(store, engine, as_of=D, now=NOW)
    position = store.position()
    before = alert_state(store)

    second = run_nightly(store, engine, as_of=D, now=NOW + timedelta(hours=1))

    assert first.alerts_raised > 0
    assert (second.alerts_raised, second.alerts_closed, second.stage_overdue_raised) == (0, 0, 0)
    assert alert_state(store) == before
    assert store.position() > position  # only the run record and ledger were written


def test_open_breach_alerts_are_exactly_the_overdue_obligations(store):
    engine = Engine(store)

    run_nightly(store, engine, as_of=D, now=NOW)

    overdue = {
        o.key for e in engine.evaluate_all(as_of=D) for o in e.obligations if o.status is Status.OVERDUE
    }
    open_breaches = {a.key for a in AlertQueue(store).all() if a.kind == "breach" and a.status == "open"}
    assert open_breaches == overdue


def test_ninety_days_later_new_breaches_are_raised_and_met_ones_closed(store):
    engine = Engine(store)
    run_nightly(store, engine, as_of=D, now=NOW)
    # Reviews finally held for some children whose first review was missed.
    late_reviews = [
        {"child": f"C{i:04d}", "id": f"C{i:04d}-late", "type": "review_held", "at": "2024-03-20"}
        for i in range(0, 300, 8)
    ]
    add(store, late_reviews, recorded="2024-03-20T12:00:00+00:00")
    later = D + timedelta(days=90)

    summary = run_nightly(store, engine, as_of=later, now=NOW + timedelta(days=90))

    obligations = [o for e in engine.evaluate_all(as_of=later) for o in e.obligations]
    overdue = {o.key for o in obligations if o.status is Status.OVERDUE}
    alerts = {a.key: a for a in AlertQueue(store).all() if a.kind == "breach"}
    assert {k for k, a in alerts.items() if a.status == "open"} == overdue
    first_reviews_put_right = {
        o.key
        for o in obligations
        if o.rule == "LAC-REV-1" and o.status is Status.LATE and o.met_on == date(2024, 3, 20)
    }
    assert len(first_reviews_put_right) == len(late_reviews)
    assert all(alerts[k].status == "resolved" for k in first_reviews_put_right)
    assert summary.alerts_closed >= len(late_reviews)
    assert summary.alerts_raised > 0


def test_an_incremental_run_evaluates_only_changed_and_due_children(store):
    engine = Engine(store)
    run_nightly(store, engine, as_of=D, now=NOW)
    add(
        store,
        [{"child": "C0007", "id": "C0007-x", "type": "dental_check", "at": "2024-03-01"}],
        recorded="2024-03-01T12:00:00+00:00",
    )

    summary = run_nightly(store, engine, as_of=D, now=NOW + timedelta(hours=2))

    assert summary.children_evaluated == 1


def test_a_run_killed_half_way_is_completed_by_the_next_with_exactly_the_same_alerts():
    interrupted = open_store("memory:")
    reference = open_store("memory:")
    for s in (interrupted, reference):
        add(s, council())

    with pytest.raises(SimulatedCrash):
        run_nightly(interrupted, Engine(interrupted), as_of=D, now=NOW, batch=50, _fail_after=120)
    run_nightly(interrupted, Engine(interrupted), as_of=D, now=NOW + timedelta(minutes=5), batch=50)
    run_nightly(reference, Engine(reference), as_of=D, now=NOW, batch=50)

    assert alert_state(interrupted) == alert_state(reference)
    assert [r.finished is not None for r in list_runs(interrupted)] == [False, True]


def test_the_same_breach_is_never_raised_twice_even_with_a_full_run(store):
    engine = Engine(store)
    run_nightly(store, engine, as_of=D, now=NOW)

    again = run_nightly(store, engine, as_of=D, now=NOW + timedelta(hours=3), full=True)

    assert again.alerts_raised == 0


def test_breach_alerts_carry_rule_theme_team_worker_and_due_date(store):
    run_nightly(store, Engine(store), as_of=D, now=NOW)

    alert = AlertQueue(store).get(ref_for_obligation("C0000|LAC-REV-1|2023-01-02"))

    assert (alert.rule, alert.kind, alert.status) == ("LAC-REV-1", "breach", "open")
    # Mon 2 Jan 2023 was a bank holiday, so Tue 3 Jan is day 1 and day 20 is Mon 30 Jan 2023.
    assert alert.due == date(2023, 1, 30)
    assert (alert.team, alert.worker) == ("Team 0", "SW00")
    assert alert.theme.startswith("No plan")


def test_a_stage_left_unanswered_past_its_date_is_raised_once():
    store = open_store("memory:")
    add(store, council(2))
    engine = Engine(store)
    queue = AlertQueue(store)
    ref = queue.raise_alert(
        "C0001", theme="Drift / legal issues", stage="2", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC)
    )

    run_nightly(store, engine, as_of=date(2024, 9, 2), now=datetime(2024, 9, 3, 1, tzinfo=UTC))
    before = queue.list(Filters(kind="stage_overdue"), today=date(2024, 9, 3))
    run_nightly(store, engine, as_of=date(2024, 9, 3), now=datetime(2024, 9, 4, 1, tzinfo=UTC))
    first = queue.list(Filters(kind="stage_overdue"), today=date(2024, 9, 4))
    run_nightly(store, engine, as_of=date(2024, 9, 4), now=datetime(2024, 9, 5, 1, tzinfo=UTC))
    second = queue.list(Filters(kind="stage_overdue"), today=date(2024, 9, 5))

    assert before == []  # due Mon 2 Sep 2024: not overdue on the day itself
    assert len(first) == 1 and first[0].alert.child == "C0001"
    assert ref in first[0].alert.history[0]["note"]
    assert len(second) == 1


def test_imported_practice_alerts_become_alerts_once():
    store = open_store("memory:")
    add(
        store,
        council(1)
        + [
            {
                "child": "C0000",
                "id": "pa1",
                "type": "practice_alert_raised",
                "at": "2024-01-10",
                "alert": "PA-0001",
                "theme": "Placement issues",
            },
            {
                "child": "C0000",
                "id": "pa2",
                "type": "practice_alert_escalated",
                "at": "2024-01-20",
                "alert": "PA-0001",
                "stage": "1",
            },
            {
                "child": "C0000",
                "id": "gp1",
                "type": "good_practice_notified",
                "at": "2024-01-21",
                "theme": "Consistently good practice",
            },
        ],
    )
    engine = Engine(store)

    run_nightly(store, engine, as_of=D, now=NOW)
    run_nightly(store, engine, as_of=D, now=NOW, full=True)

    imported = [a for a in AlertQueue(store).all() if a.kind in ("imported", "praise")]
    assert sorted((a.kind, a.stage) for a in imported) == [("imported", "1"), ("praise", "informal")]
    assert [h["what"] for h in next(a for a in imported if a.kind == "imported").history] == [
        "raised",
        "escalated",
    ]


def test_a_due_soon_alert_becomes_the_breach_alert_rather_than_a_second_one():
    from compliance.settings import Settings

    store = open_store("memory:")
    add(
        store, [{"child": "C1", "id": "e1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"}]
    )
    engine = Engine(store, Settings(raise_due_soon=True))
    key = "C1|LAC-REV-1|2022-09-12"  # first review due Tue 11 Oct 2022

    run_nightly(store, engine, as_of=date(2022, 10, 5), now=NOW)  # within 5 WD of the due date
    soon = AlertQueue(store).get(ref_for_obligation(key))
    run_nightly(store, engine, as_of=date(2022, 10, 12), now=NOW + timedelta(days=7))
    breach = AlertQueue(store).get(ref_for_obligation(key))

    assert (soon.kind, soon.status) == ("due_soon", "open")
    assert (breach.kind, breach.status, breach.days_overdue) == ("breach", "open", 1)
    assert [a.key for a in AlertQueue(store).all() if a.rule == "LAC-REV-1"] == [key]


def test_without_the_setting_nothing_is_raised_for_obligations_merely_due_soon():
    store = open_store("memory:")
    add(
        store, [{"child": "C1", "id": "e1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"}]
    )

    run_nightly(store, Engine(store), as_of=date(2022, 10, 5), now=NOW)

    alerts = list(AlertQueue(store).all())
    assert alerts  # the breaches already overdue (IRO, IHA request, ...) are raised
    assert all(a.kind == "breach" for a in alerts)
    assert not AlertQueue(store).exists(ref_for_obligation("C1|LAC-REV-1|2022-09-12"))


def test_a_fact_recorded_ahead_of_its_date_wakes_the_child_when_that_date_comes():
    store = open_store("memory:")
    add(
        store,
        [
            {"child": "C1", "id": "e1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"},
            {"child": "C1", "id": "e2", "type": "iro_allocated", "at": "2022-09-13", "iro": "IRO1"},
            {
                "child": "C1",
                "id": "e3",
                "type": "review_held",
                "at": "2022-10-20",
            },  # on record before it happens
        ],
    )
    engine = Engine(store)
    run_nightly(store, engine, as_of=date(2022, 10, 12), now=NOW)
    key = "C1|LAC-REV-1|2022-09-12"

    later = run_nightly(store, engine, as_of=date(2022, 10, 20), now=NOW + timedelta(days=8))

    assert later.children_evaluated == 1
    assert AlertQueue(store).get(ref_for_obligation(key)).status == "resolved"


def test_becoming_an_eligible_care_leaver_wakes_the_child_on_the_day():
    store = open_store("memory:")
    add(
        store,
        [
            {"child": "C1", "id": "e0", "type": "child_registered", "at": "2021-06-01", "dob": "2008-01-10"},
            {"child": "C1", "id": "e1", "type": "entered_care", "at": "2021-06-01", "legal_status": "C2"},
        ],
    )
    engine = Engine(store)
    run_nightly(store, engine, as_of=date(2023, 12, 1), now=NOW)
    before = {o.rule for e in engine.evaluate_all(as_of=date(2023, 12, 1)) for o in e.obligations}

    on_the_day = run_nightly(store, engine, as_of=date(2024, 1, 10), now=NOW + timedelta(days=40))
    after = {o.rule for e in engine.evaluate_all(as_of=date(2024, 1, 10)) for o in e.obligations}

    assert "CL-ASSESS" not in before  # not yet 16: not yet an eligible child
    assert on_the_day.children_evaluated == 1
    assert {"CL-ASSESS", "CL-PA"} <= after


def test_an_open_breach_is_closed_as_missed_on_the_18th_birthday_though_nothing_is_recorded():
    # Born Sat 15 Jun 2006; in care from Fri 1 Mar 2024 with no review: the first review
    # was due Tue 2 Apr 2024 (20 working days, skipping Good Friday 29 Mar and Easter
    # Monday 1 Apr). The 18th birthday, Sat 15 Jun 2024, ends the chance to hold it: the
    # child is woken that day and the alert closed as missed.
    store = open_store("memory:")
    add(
        store,
        [
            {"child": "C1", "id": "e0", "type": "child_registered", "at": "2024-03-01", "dob": "2006-06-15"},
            {"child": "C1", "id": "e1", "type": "entered_care", "at": "2024-03-01", "legal_status": "C2"},
        ],
    )
    engine = Engine(store)
    key = "C1|LAC-REV-1|2024-03-01"
    run_nightly(store, engine, as_of=date(2024, 4, 5), now=NOW)
    assert AlertQueue(store).get(ref_for_obligation(key)).status == "open"
    ledger = load_ledger(store)
    assert ledger.wakeups["C1"] <= date(2024, 6, 15)

    day = ledger.wakeups["C1"]
    while day < date(2024, 6, 15):  # whatever wakes the child before: not yet missed
        run_nightly(store, engine, as_of=day, now=NOW + timedelta(days=(day - date(2024, 4, 5)).days))
        assert AlertQueue(store).get(ref_for_obligation(key)).status == "open"
        day = load_ledger(store).wakeups["C1"]
    birthday = run_nightly(store, engine, as_of=date(2024, 6, 15), now=NOW + timedelta(days=71))

    alert = AlertQueue(store).get(ref_for_obligation(key))
    assert birthday.children_evaluated == 1
    assert (alert.status, alert.outcome) == ("resolved", "missed")


def test_a_new_school_term_is_a_calendar_trigger_for_a_child_in_care():
    from rules.registry import next_calendar_trigger
    from tests.builders import ev, timeline

    in_care = timeline([ev("entered_care", "2023-09-04", legal_status="C2")], as_of=date(2023, 12, 20))
    left = timeline(
        [ev("entered_care", "2023-09-04", legal_status="C2"), ev("left_care", "2023-11-01", reason="E13")],
        as_of=date(2023, 12, 20),
    )

    assert next_calendar_trigger(in_care, date(2023, 12, 20)) == date(2024, 1, 1)
    assert next_calendar_trigger(left, date(2023, 12, 20)) is None


def full_state(store):
    """Every alert with what the queue shows of it and the steps of its history."""
    return sorted(
        (a.ref, a.kind, a.status, a.stage, a.key, a.due, a.outcome, tuple(h["what"] for h in a.history))
        for a in AlertQueue(store).all()
    )


@pytest.mark.parametrize("k", [1, 49, 50, 51, 120, 299])
def test_a_first_run_killed_after_any_number_of_children_ends_with_the_alerts_of_an_unbroken_run(k):
    interrupted, reference = open_store("memory:"), open_store("memory:")
    for s in (interrupted, reference):
        add(s, council())

    with pytest.raises(SimulatedCrash):
        run_nightly(interrupted, Engine(interrupted), as_of=D, now=NOW, batch=50, _fail_after=k)
    run_nightly(interrupted, Engine(interrupted), as_of=D, now=NOW + timedelta(minutes=5), batch=50)
    run_nightly(reference, Engine(reference), as_of=D, now=NOW, batch=50)

    assert full_state(interrupted) == full_state(reference)


def test_an_incremental_run_killed_twice_is_completed_by_the_third_without_a_duplicate():
    interrupted, reference = open_store("memory:"), open_store("memory:")
    late_reviews = [
        {"child": f"C{i:04d}", "id": f"C{i:04d}-late", "type": "review_held", "at": "2024-03-20"}
        for i in range(0, 300, 8)
    ]
    later = D + timedelta(days=90)
    for s in (interrupted, reference):
        add(s, council())
        run_nightly(s, Engine(s), as_of=D, now=NOW)
        add(s, late_reviews, recorded="2024-03-20T12:00:00+00:00")

    unbroken = run_nightly(reference, Engine(reference), as_of=later, now=NOW + timedelta(days=90), batch=10)
    for k in (15, 31):  # the second crash comes later in the (same) list of children
        with pytest.raises(SimulatedCrash):
            run_nightly(
                interrupted,
                Engine(interrupted),
                as_of=later,
                now=NOW + timedelta(days=90),
                batch=10,
                _fail_after=k,
            )
    finishing = run_nightly(
        interrupted, Engine(interrupted), as_of=later, now=NOW + timedelta(days=90, hours=1), batch=10
    )

    assert unbroken.children_evaluated > 31
    # Batches the dead runs finished are not redone, except for children with new facts.
    assert finishing.children_evaluated < unbroken.children_evaluated
    assert full_state(interrupted) == full_state(reference)
    assert [r.finished is not None for r in list_runs(interrupted)] == [True, False, False, True]


def test_a_killed_run_is_completed_after_the_store_is_closed_and_opened_again(store_url):
    def reopen():
        return interrupted if store_url == "memory:" else open_store(store_url)

    interrupted, reference = open_store(store_url), open_store("memory:")
    for s in (interrupted, reference):
        add(s, council(120))

    with pytest.raises(SimulatedCrash):
        run_nightly(interrupted, Engine(interrupted), as_of=D, now=NOW, batch=25, _fail_after=70)
    interrupted = reopen()
    finishing = run_nightly(
        interrupted, Engine(interrupted), as_of=D, now=NOW + timedelta(minutes=5), batch=25
    )
    interrupted = reopen()
    again = run_nightly(interrupted, Engine(interrupted), as_of=D, now=NOW + timedelta(minutes=10))
    run_nightly(reference, Engine(reference), as_of=D, now=NOW, batch=25)

    assert finishing.children_evaluated == 120  # the first run died: the next one is full again
    assert (again.children_evaluated, again.alerts_raised, again.alerts_closed) == (0, 0, 0)
    assert full_state(reopen()) == full_state(reference)
    runs = list_runs(reopen())
    assert [(r.as_of, r.finished is not None) for r in runs] == [(D, False), (D, True), (D, True)]
    assert runs[1].to_json()["alerts_raised"] == finishing.alerts_raised


def one_child_in_care(store, *extra):
    add(
        store,
        [
            {"child": "C1", "id": "e1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"},
            {"child": "C1", "id": "e2", "type": "iro_allocated", "at": "2022-09-13", "iro": "IRO7"},
            *extra,
        ],
    )


FIRST_REVIEW = "C1|LAC-REV-1|2022-09-12"  # due Tue 11 Oct 2022


def test_a_breach_closed_as_done_is_reopened_when_the_fact_that_closed_it_is_retracted():
    store = open_store("memory:")
    one_child_in_care(store)
    engine = Engine(store)
    ref = ref_for_obligation(FIRST_REVIEW)
    run_nightly(store, engine, as_of=date(2022, 10, 20), now=datetime(2022, 10, 20, 23, tzinfo=UTC))
    add(
        store,
        [{"child": "C1", "id": "r1", "type": "review_held", "at": "2022-10-24"}],
        recorded="2022-10-24T12:00:00+00:00",
    )
    closing = run_nightly(store, engine, as_of=date(2022, 10, 24), now=datetime(2022, 10, 24, 23, tzinfo=UTC))
    closed = AlertQueue(store).get(ref)
    add(
        store,
        [
            {
                "child": "C1",
                "id": "x1",
                "type": "retracted",
                "at": "2022-10-25",
                "target": "r1",
                "reason": "wrong child",
            }
        ],
        recorded="2022-10-25T12:00:00+00:00",
    )

    reopening = run_nightly(
        store, engine, as_of=date(2022, 10, 25), now=datetime(2022, 10, 25, 23, tzinfo=UTC)
    )
    again = run_nightly(store, engine, as_of=date(2022, 10, 25), now=datetime(2022, 10, 26, 1, tzinfo=UTC))

    alert = AlertQueue(store).get(ref)
    assert (closed.status, closed.outcome) == ("resolved", "done late on Mon 24 Oct 2022")
    assert closing.alerts_closed == 1
    assert (reopening.alerts_raised, reopening.alerts_reopened) == (0, 1)
    assert (alert.status, alert.kind, alert.iro) == ("open", "breach", "IRO7")
    assert [h["what"] for h in alert.history] == ["raised", "resolved", "reopened"]
    assert alert.history[-1]["note"] == "overdue: due Tue 11 Oct 2022, not done by Tue 25 Oct 2022"
    assert (again.alerts_raised, again.alerts_closed, again.alerts_reopened) == (0, 0, 0)
    assert [a.ref for a in AlertQueue(store).all() if a.key == FIRST_REVIEW] == [ref]


def test_a_breach_a_manager_resolved_stays_resolved_though_still_overdue():
    store = open_store("memory:")
    one_child_in_care(store)
    engine = Engine(store)
    ref = ref_for_obligation(FIRST_REVIEW)
    run_nightly(store, engine, as_of=date(2022, 10, 20), now=datetime(2022, 10, 20, 23, tzinfo=UTC))
    AlertQueue(store).resolve(
        ref, outcome="review date agreed with the IRO", by="TM1", now=datetime(2022, 10, 21, 9, tzinfo=UTC)
    )

    rerun = run_nightly(
        store, engine, as_of=date(2022, 10, 21), now=datetime(2022, 10, 21, 23, tzinfo=UTC), full=True
    )

    assert (rerun.alerts_raised, rerun.alerts_reopened) == (0, 0)
    assert AlertQueue(store).get(ref).outcome == "review date agreed with the IRO"


def test_breaches_found_by_the_batch_enter_the_drp_only_when_an_iro_escalates_them():
    store = open_store("memory:")
    add(store, council(40))
    engine = Engine(store)
    queue = AlertQueue(store)
    run_nightly(store, engine, as_of=date(2024, 8, 1), now=datetime(2024, 8, 1, 23, tzinfo=UTC))
    breach = queue.get(ref_for_obligation("C0000|LAC-REV-1|2023-01-02"))
    queue.escalate(breach.ref, to_stage="1", by="IRO1", now=datetime(2024, 8, 23, 14, tzinfo=UTC))

    on_the_day = run_nightly(store, engine, as_of=date(2024, 9, 2), now=datetime(2024, 9, 2, 23, tzinfo=UTC))
    day_after = run_nightly(store, engine, as_of=date(2024, 9, 3), now=datetime(2024, 9, 3, 23, tzinfo=UTC))

    assert breach.stage_response_due is None  # five weeks unanswered at "informal" flags nothing
    assert on_the_day.stage_overdue_raised == 0  # stage 1 response due Mon 2 Sep 2024 (26 Aug skipped)
    assert day_after.stage_overdue_raised == 1
    (flag,) = queue.list(Filters(kind="stage_overdue"), today=date(2024, 9, 3))
    assert (flag.alert.parent, flag.alert.due, flag.alert.stage_response_due) == (
        breach.ref,
        date(2024, 9, 2),
        None,
    )


def test_a_stage_overdue_alert_is_closed_when_its_stage_is_answered():
    store = open_store("memory:")
    add(store, council(2))
    engine = Engine(store)
    queue = AlertQueue(store)
    ref = queue.raise_alert(
        "C0001", theme="Drift / legal issues", stage="2", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC)
    )
    run_nightly(store, engine, as_of=date(2024, 9, 3), now=datetime(2024, 9, 4, 1, tzinfo=UTC))
    (flag,) = queue.list(Filters(kind="stage_overdue"), today=date(2024, 9, 4))
    queue.respond(ref, by="HoS", now=datetime(2024, 9, 4, 11, tzinfo=UTC), note="plan to court by Friday")

    closing = run_nightly(store, engine, as_of=date(2024, 9, 4), now=datetime(2024, 9, 5, 1, tzinfo=UTC))
    after = run_nightly(store, engine, as_of=date(2024, 9, 5), now=datetime(2024, 9, 6, 1, tzinfo=UTC))

    closed = queue.get(flag.alert.ref)
    assert (closed.status, closed.outcome) == ("resolved", f"{ref} was answered at stage 2")
    assert closing.alerts_closed == 1
    assert (after.stage_overdue_raised, after.alerts_closed) == (0, 0)


def test_a_stage_answered_while_the_run_is_going_is_not_flagged():
    store = open_store("memory:")
    add(store, council(3))
    queue = AlertQueue(store)
    ref = queue.raise_alert(
        "C0002", theme="Placement issues", stage="1", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC)
    )

    def manager_answers_mid_run(done, total):
        if done == 1:
            queue.respond(ref, by="TM1", now=datetime(2024, 9, 10, 1, 5, tzinfo=UTC))

    summary = run_nightly(
        store,
        Engine(store),
        as_of=date(2024, 9, 10),
        now=datetime(2024, 9, 10, 1, tzinfo=UTC),
        batch=1,
        progress=manager_answers_mid_run,
    )

    assert summary.stage_overdue_raised == 0
    assert queue.list(Filters(kind="stage_overdue"), today=date(2024, 9, 10)) == []


def test_night_after_night_the_open_alerts_are_exactly_the_overdue_and_due_soon_obligations(store):
    from compliance.settings import Settings
    from rules.registry import REGISTRY

    engine = Engine(store, Settings(raise_due_soon=True))
    nights = [D + timedelta(days=n) for n in (0, 1, 3, 7, 14, 30, 31, 60, 90)]
    for night in nights:
        run_nightly(store, engine, as_of=night, now=datetime.combine(night, datetime.min.time(), tzinfo=UTC))

        wanted = {
            (o.key, "breach" if o.status is Status.OVERDUE else "due_soon")
            for e in engine.evaluate_all(as_of=night)
            for o in e.obligations
            if o.status in (Status.OVERDUE, Status.DUE_SOON) and str(REGISTRY[o.rule].basis) != "kpi"
        }
        open_alerts = {(a.key, a.kind) for a in AlertQueue(store).all() if a.status == "open" and a.key}
        assert open_alerts == wanted, night


def test_a_warning_a_manager_closed_comes_back_as_the_breach_when_the_date_passes():
    from compliance.settings import Settings

    store = open_store("memory:")
    one_child_in_care(store)
    engine = Engine(store, Settings(raise_due_soon=True))
    ref = ref_for_obligation(FIRST_REVIEW)
    run_nightly(store, engine, as_of=date(2022, 10, 5), now=datetime(2022, 10, 5, 23, tzinfo=UTC))
    AlertQueue(store).resolve(
        ref, outcome="review booked for Mon 10 Oct", by="TM1", now=datetime(2022, 10, 6, 9, tzinfo=UTC)
    )

    overdue = run_nightly(store, engine, as_of=date(2022, 10, 12), now=datetime(2022, 10, 12, 23, tzinfo=UTC))

    alert = AlertQueue(store).get(ref)
    assert overdue.alerts_reopened == 1
    assert (alert.kind, alert.status, alert.days_overdue) == ("breach", "open", 1)
    assert [h["what"] for h in alert.history] == ["raised", "resolved", "reopened", "breached"]


class MarkedEngine(Engine):
    """An engine whose obligations for chosen keys are given a status by the test, as the
    rules do when the chance to put a breach right has gone or no source holds the fact."""

    def __init__(self, store, settings=None):
        super().__init__(store, settings)
        self.marked = {}  # key -> (status, reason, days_late)

    def evaluate_facts(self, child, facts, **kwargs):
        from dataclasses import replace

        evaluation = super().evaluate_facts(child, facts, **kwargs)
        obligations = tuple(
            replace(
                o,
                status=self.marked[o.key][0],
                closed_reason=self.marked[o.key][1],
                days_late=self.marked[o.key][2],
            )
            if o.key in self.marked
            else o
            for o in evaluation.obligations
        )
        return replace(evaluation, obligations=obligations)


def test_an_open_breach_whose_obligation_is_missed_is_closed_as_missed_and_kept_in_its_history(store):
    engine = MarkedEngine(store)
    run_nightly(store, engine, as_of=D, now=NOW)
    gone = ["C0000|LAC-REV-1|2023-01-02", "C0004|LAC-REV-1|2023-01-06"]
    engine.marked = {key: (Status.MISSED, "left care on Fri 3 Mar 2023", 23) for key in gone}

    summary = run_nightly(store, engine, as_of=D, now=NOW + timedelta(hours=1), full=True)

    queue = AlertQueue(store)
    closed = [queue.get(ref_for_obligation(key)) for key in gone]
    assert [(a.status, a.outcome, a.resolved_automatically) for a in closed] == [
        ("resolved", "missed", True)
    ] * 2
    assert (
        closed[0].history[-1]["note"]
        == "can no longer be met: left care on Fri 3 Mar 2023 (23 working days late)"
    )
    assert (summary.alerts_missed, summary.alerts_closed) == (2, 2)
    open_breaches = {a.key for a in queue.all() if a.kind == "breach" and a.status == "open"}
    overdue = {
        o.key for e in engine.evaluate_all(as_of=D) for o in e.obligations if o.status is Status.OVERDUE
    }
    assert open_breaches == overdue and not open_breaches & set(gone)


def test_a_missed_obligation_never_raised_before_is_not_raised_now(store):
    engine = MarkedEngine(store)
    engine.marked = {"C0000|LAC-REV-1|2023-01-02": (Status.MISSED, "a later review superseded it", 40)}

    run_nightly(store, engine, as_of=D, now=NOW)

    assert not AlertQueue(store).exists(ref_for_obligation("C0000|LAC-REV-1|2023-01-02"))


def test_an_open_breach_whose_obligation_has_no_source_of_data_is_closed():
    store = open_store("memory:")
    add(store, council(8))
    engine = MarkedEngine(store)
    run_nightly(store, engine, as_of=D, now=NOW)
    engine.marked = {"C0004|LAC-REV-1|2023-01-06": (Status.NO_DATA, "the SSDA903 return holds no reviews", 0)}

    run_nightly(store, engine, as_of=D, now=NOW + timedelta(hours=1), full=True)

    alert = AlertQueue(store).get(ref_for_obligation("C0004|LAC-REV-1|2023-01-06"))
    assert (alert.status, alert.outcome) == ("resolved", "no data: the SSDA903 return holds no reviews")


def test_with_a_go_live_line_only_breaches_due_on_or_after_it_are_raised_and_the_rest_are_the_baseline(store):
    from compliance.settings import parse_settings

    line = date(2023, 6, 1)
    engine = Engine(store, parse_settings({"alerts": {"from": line}}))

    first = run_nightly(store, engine, as_of=D, now=NOW)
    state = alert_state(store)
    second = run_nightly(store, engine, as_of=D, now=NOW + timedelta(hours=1), full=True)

    overdue = [o for e in engine.evaluate_all(as_of=D) for o in e.obligations if o.status is Status.OVERDUE]
    alerts = list(AlertQueue(store).all())
    assert {a.key for a in alerts if a.kind == "breach" and a.status == "open"} == {
        o.key for o in overdue if o.due_on >= line
    }
    assert {a.key for a in alerts if a.kind == "baseline" and a.status == "baseline"} == {
        o.key for o in overdue if o.due_on < line
    }
    assert first.alerts_raised > 0 and first.baseline_recorded > 0
    assert (second.alerts_raised, second.baseline_recorded, second.alerts_closed) == (0, 0, 0)
    assert alert_state(store) == state


def test_baseline_breaches_are_listed_apart_from_the_queue(store):
    from compliance.settings import parse_settings

    engine = Engine(store, parse_settings({"alerts": {"from": date(2023, 6, 1)}}))
    run_nightly(store, engine, as_of=D, now=NOW)
    queue = AlertQueue(store, engine.settings)

    working = queue.list(Filters(), today=D)
    baseline = queue.list(Filters(baseline=True), today=D)
    by_kind = queue.list(Filters(kind="baseline"), today=D)

    assert working and baseline
    assert all(v.alert.kind != "baseline" for v in working)
    assert all(v.alert.due < date(2023, 6, 1) and v.alert.status == "baseline" for v in baseline)
    assert [v.alert.ref for v in by_kind] == [v.alert.ref for v in baseline]


def test_the_first_run_with_baseline_draws_the_line_at_its_date_and_later_runs_keep_it(store):
    engine = Engine(store)

    first = run_nightly(store, engine, as_of=D, now=NOW, baseline=True)
    add(
        store,
        [
            {
                "child": "C9999",
                "id": "C9999-1",
                "type": "entered_care",
                "at": "2024-03-01",
                "legal_status": "C2",
            }
        ],
        recorded="2024-03-01T12:00:00+00:00",
    )
    later = run_nightly(store, engine, as_of=D + timedelta(days=60), now=NOW + timedelta(days=60))

    breaches = [a for a in AlertQueue(store).all() if a.kind == "breach"]
    assert first.alerts_raised == 0 and first.baseline_recorded > 0
    assert later.go_live == D
    assert breaches and all(a.due >= D for a in breaches)
    assert "C9999" in {a.child for a in breaches}


def test_a_baseline_breach_put_right_leaves_the_baseline(store):
    from compliance.settings import parse_settings

    engine = Engine(store, parse_settings({"alerts": {"from": date(2023, 6, 1)}}))
    run_nightly(store, engine, as_of=D, now=NOW)
    add(
        store,
        [{"child": "C0000", "id": "C0000-late", "type": "review_held", "at": "2024-03-04"}],
        recorded="2024-03-04T12:00:00+00:00",
    )

    run_nightly(store, engine, as_of=date(2024, 3, 5), now=NOW + timedelta(days=4))

    alert = AlertQueue(store).get(ref_for_obligation("C0000|LAC-REV-1|2023-01-02"))
    assert (alert.kind, alert.status, alert.outcome) == (
        "baseline",
        "resolved",
        "done late on Mon 4 Mar 2024",
    )


def test_a_baseline_breach_reopened_by_a_manager_joins_the_queue_as_a_breach(store):
    from compliance.alerts import IllegalTransition
    from compliance.settings import parse_settings

    engine = Engine(store, parse_settings({"alerts": {"from": date(2023, 6, 1)}}))
    run_nightly(store, engine, as_of=D, now=NOW)
    queue = AlertQueue(store, engine.settings)
    ref = ref_for_obligation("C0000|LAC-REV-1|2023-01-02")

    with pytest.raises(IllegalTransition, match="baseline"):
        queue.assign(ref, "TM1", by="HoS", now=NOW + timedelta(hours=9))
    queue.reopen(ref, by="HoS", now=NOW + timedelta(hours=9), note="still wrong; work it")

    assert ref in {v.alert.ref for v in queue.list(Filters(), today=D)}
    assert queue.get(ref).kind == "breach"


def test_a_drp_stage_left_unanswered_before_the_go_live_line_is_not_flagged():
    from compliance.settings import parse_settings

    store = open_store("memory:")
    add(store, council(2))
    queue = AlertQueue(store)
    before = queue.raise_alert(
        "C0001", theme="Drift / legal issues", stage="2", by="IRO1", now=datetime(2024, 8, 23, 10, tzinfo=UTC)
    )
    after = queue.raise_alert(
        "C0000", theme="Placement issues", stage="1", by="IRO1", now=datetime(2024, 9, 2, 10, tzinfo=UTC)
    )
    engine = Engine(store, parse_settings({"alerts": {"from": date(2024, 9, 3)}}))

    summary = run_nightly(store, engine, as_of=date(2024, 9, 20), now=datetime(2024, 9, 21, 1, tzinfo=UTC))

    flags = {v.alert.parent for v in queue.list(Filters(kind="stage_overdue"), today=date(2024, 9, 21))}
    # Stage 2 raised Fri 23 Aug 2024 was due Mon 2 Sep (Mon 26 Aug a bank holiday): before
    # the line. Stage 1 raised Mon 2 Sep was due Mon 9 Sep: after it.
    assert flags == {after} and before not in flags
    assert summary.stage_overdue_raised == 1


@pytest.mark.parametrize(("line", "kind"), [(date(2023, 1, 30), "breach"), (date(2023, 1, 31), "baseline")])
def test_a_breach_due_on_the_go_live_day_is_raised_and_one_due_the_day_before_is_the_baseline(line, kind):
    from compliance.settings import parse_settings

    store = open_store("memory:")
    add(store, council(1))  # C0000: first review due Mon 30 Jan 2023, never held
    engine = Engine(store, parse_settings({"alerts": {"from": line}}))

    run_nightly(store, engine, as_of=D, now=NOW)

    assert AlertQueue(store).get(ref_for_obligation("C0000|LAC-REV-1|2023-01-02")).kind == kind


def test_the_whole_store_is_verified_on_the_first_run_on_full_and_once_a_week_between(store_url):
    """Between whole-store verifications a run verifies only what was recorded after the
    last run's closing checkpoint; `[integrity] full_verify_every_days` (7) after the last
    whole one, and on `full`, the whole store again."""
    store = open_store(store_url)
    add(store, council(12))
    engine = Engine(store)
    first = run_nightly(store, engine, as_of=D, now=NOW)
    kinds = []
    for day in (1, 6, 7, 8, 9):
        add(store, [{"child": "C0003", "id": f"visit-{day}", "type": "statutory_visit", "at": D.isoformat()}])
        started = NOW + timedelta(days=day, seconds=-30 if day == 7 else 0)  # a week, a little early
        summary = run_nightly(store, engine, as_of=D, now=started, full=day == 9)
        kinds.append((summary.verification, summary.verified_records))

    assert first.verification == "whole"
    assert [kind for kind, _records in kinds] == ["since", "since", "whole", "since", "whole"]
    whole = [records for kind, records in kinds if kind == "whole"]
    since = [records for kind, records in kinds if kind == "since"]
    assert max(since) < min(whole)
    assert [r.to_json()["verification"] for r in list_runs(store)] == ["whole", *(k for k, _ in kinds)]


def test_with_a_cadence_of_zero_days_every_run_verifies_the_whole_store(store):
    from compliance.settings import parse_settings

    engine = Engine(store, parse_settings({"integrity": {"full_verify_every_days": 0}}))
    run_nightly(store, engine, as_of=D, now=NOW)

    again = run_nightly(store, engine, as_of=D, now=NOW + timedelta(hours=1))

    assert again.verification == "whole"
    assert "verified the whole store" in again.text()


# --- wake-ups: a child is looked at again only when an alert can change by the calendar alone


def _entered_care_12_september_2022():
    """C1's first review and health assessment are due on Tue 11 Oct 2022: 20 working days
    from Mon 12 Sep, Mon 19 Sep (the Queen's state funeral) a bank holiday; the warning
    window (5 working days) would start on Tue 4 Oct."""
    store = open_store("memory:")
    add(
        store, [{"child": "C1", "id": "e1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"}]
    )
    return store


def _nights(store, engine, first, last):
    """Run the nightly batch each day from `first` to `last`: the children it evaluated each day."""
    evaluated = {}
    day = first
    while day <= last:
        evaluated[day] = run_nightly(store, engine, as_of=day, now=NOW).children_evaluated
        day += timedelta(days=1)
    return evaluated


def test_without_due_soon_alerts_a_child_is_woken_the_day_its_review_falls_overdue_not_when_the_warning_starts():
    store = _entered_care_12_september_2022()
    engine = Engine(store)
    run_nightly(store, engine, as_of=date(2022, 9, 30), now=NOW)
    review = ref_for_obligation("C1|LAC-REV-1|2022-09-12")

    assert load_ledger(store).wakeups["C1"] == date(2022, 10, 12)
    evaluated = _nights(store, engine, date(2022, 10, 1), date(2022, 10, 11))
    assert set(evaluated.values()) == {0}  # the warning window (from 4 Oct) raises nothing here
    assert not AlertQueue(store).exists(review)
    assert run_nightly(store, engine, as_of=date(2022, 10, 12), now=NOW).children_evaluated == 1
    assert AlertQueue(store).get(review).kind == "breach"


def test_with_due_soon_alerts_the_child_is_woken_when_the_warning_window_starts():
    from compliance.settings import parse_settings

    store = _entered_care_12_september_2022()
    engine = Engine(store, parse_settings({"alerts": {"raise_due_soon": True}}))
    run_nightly(store, engine, as_of=date(2022, 9, 30), now=NOW)
    review = ref_for_obligation("C1|LAC-REV-1|2022-09-12")

    evaluated = _nights(store, engine, date(2022, 10, 1), date(2022, 10, 3))
    assert set(evaluated.values()) == {0}
    assert not AlertQueue(store).exists(review)
    assert run_nightly(store, engine, as_of=date(2022, 10, 4), now=NOW).children_evaluated == 1
    assert AlertQueue(store).get(review).kind == "due_soon"


@pytest.mark.parametrize("raise_due_soon", [False, True])
def test_night_by_night_the_woken_children_give_the_same_alerts_as_evaluating_everyone(raise_due_soon):
    """Over Easter and the May bank holidays of 2023 (7 and 10 April, 1 and 8 May), each
    night's alerts from the incremental runs are those of a full run that evaluates
    every child: no alert rises on another day for want of a wake-up."""
    from compliance.settings import parse_settings

    settings = parse_settings({"alerts": {"raise_due_soon": raise_due_soon}})
    woken, everyone = open_store("memory:"), open_store("memory:")
    for s in (woken, everyone):
        add(s, council(40))
    day, evaluated = date(2023, 3, 27), 0
    while day <= date(2023, 5, 12):
        evaluated += run_nightly(woken, Engine(woken, settings), as_of=day, now=NOW).children_evaluated
        run_nightly(everyone, Engine(everyone, settings), as_of=day, now=NOW, full=True)
        assert alert_state(woken) == alert_state(everyone), day
        day += timedelta(days=1)
    assert evaluated < 40 * 47 / 4  # most children, most nights, are not looked at


def test_the_ledger_loaded_between_snapshots_is_the_ledger_the_runs_left(store_url):
    """Incremental runs snapshot the ledger only every so often; loaded in between, from
    its snapshot and the events after it, it holds every run's wake-ups and position."""
    from compliance.nightly import SNAPSHOT_AFTER

    store = open_store(store_url)
    add(store, council(30))
    engine = Engine(store)
    run_nightly(store, engine, as_of=D, now=NOW)
    snapshotted = load_ledger(store).snapshot_version
    ledgers = []
    for day in range(1, 12):
        add(store, [{"child": "C0005", "id": f"visit-{day}", "type": "statutory_visit", "at": D.isoformat()}])
        run_nightly(store, engine, as_of=D + timedelta(days=day), now=NOW + timedelta(days=day))
        ledgers.append(load_ledger(store))

    later = [ledger.snapshot_version for ledger in ledgers]
    assert snapshotted > 0 and later[0] == snapshotted  # not taken again after one incremental run
    assert any(version > snapshotted for version in later)  # taken again after SNAPSHOT_AFTER events
    assert all(ledger.version - ledger.snapshot_version < SNAPSHOT_AFTER for ledger in ledgers)
    reopened = open_store(store_url) if store_url != "memory:" else store
    fresh = load_ledger(reopened)
    assert (fresh.position, fresh.wakeups, fresh.runs) == (
        ledgers[-1].position,
        ledgers[-1].wakeups,
        ledgers[-1].runs,
    )
    expected = {s.child: engine.wake_up(s) for s in engine.evaluate_all(as_of=D + timedelta(days=11))}
    assert fresh.wakeups == {c: d for c, d in expected.items() if d is not None}
