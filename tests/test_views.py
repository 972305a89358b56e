"""View models: what the CLI and the web both show is computed once."""

from datetime import UTC, date, datetime

from compliance.alerts import AlertQueue, Filters
from compliance.engine import Engine
from compliance.store import open_store
from compliance.views.alert import alert_detail
from compliance.views.queue import queue_counts, queue_rows
from compliance.views.timeline import obligation_summary, timeline_page, timeline_view

ENTERED_MON_12_SEP_2022 = [
    {"child": "C1", "type": "entered_care", "at": "2022-09-12", "id": "e1", "legal_status": "C2"},
]


def store_with_child():
    store = open_store("memory:")
    store.record({"C1": ENTERED_MON_12_SEP_2022})
    return store


def test_the_first_review_overdue_on_1_december_2022_needs_attention_with_its_lateness_in_words():
    evaluation = Engine(store_with_child()).evaluate("C1", as_of=date(2022, 12, 1))

    view = timeline_view(evaluation, "looked after")
    review = next(o for o in view.attention if o.rule == "LAC-REV-1")
    shown = obligation_summary(review)

    # Due Tue 11 Oct 2022 (20 WD from Mon 12 Sep, skipping the bank holiday on Mon 19 Sep).
    assert shown["due"] == "Tue 11 Oct 2022"
    assert shown["status"] == "overdue"
    # 12 Oct to 1 Dec 2022: 14 working days in October, 22 in November, 1 in December.
    assert shown["lateness"] == "37 working days overdue"


def test_the_page_puts_the_entry_to_care_under_its_period_of_care():
    evaluation = Engine(store_with_child()).evaluate("C1", as_of=date(2022, 12, 1))

    page = timeline_page(evaluation, "looked after")

    assert page["sections"][0]["title"] == "Period of care 1 (looked after): Mon 12 Sep 2022 (open)"
    assert page["sections"][0]["rows"][0]["type"] == "entered_care"


def test_a_queue_row_names_an_unanswered_stage_and_counts_are_by_theme_team_and_stage():
    queue = AlertQueue(store_with_child())
    ref = queue.raise_alert(
        "C1", theme="Placement issues", by="IRO1", now=datetime(2024, 8, 19, 9, tzinfo=UTC), team="North"
    )
    views = queue.list(Filters(), today=date(2024, 9, 30))

    (row,) = queue_rows(views)
    counts = queue_counts(views)

    assert row.id == ref
    assert row.subject == "Placement issues"
    assert row.stage_warning.startswith("no reply by 2024-")
    assert "history" not in row.data
    assert (counts.by_theme, counts.by_team, counts.by_stage) == (
        [("Placement issues", 1)],
        [("North", 1)],
        [("informal", 1)],
    )


def test_an_alert_detail_lists_each_change_with_who_made_it():
    queue = AlertQueue(store_with_child())
    ref = queue.raise_alert(
        "C1", theme="Placement issues", by="IRO1", now=datetime(2024, 8, 19, 9, tzinfo=UTC)
    )
    queue.assign(ref, "TM1", by="IRO1", now=datetime(2024, 8, 20, 9, tzinfo=UTC))

    detail = alert_detail(queue.show(ref, today=date(2024, 8, 21)), drp_total="20 WD")

    assert [(h.what, h.by) for h in detail.history] == [("raised", "IRO1"), ("assigned", "IRO1")]
    assert detail.history[1].details_text == "to=TM1"
    assert detail.people.endswith("assigned to TM1")
