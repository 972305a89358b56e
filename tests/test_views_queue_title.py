"""The queue table's title and footer, as `casecheck alerts` prints them."""

from compliance.views.queue import queue_footer, queue_table_title


def test_the_open_queue_on_1_december_2022_is_titled_with_its_status_day_and_order():
    title = queue_table_title("open", baseline=False, day_text="Thu 1 Dec 2022", order="URGENCY")

    assert title == "Alerts (open) as of Thu 1 Dec 2022, by urgency"


def test_the_baseline_is_titled_as_the_breaches_due_before_the_go_live_line():
    title = queue_table_title("open", baseline=True, day_text="Thu 1 Dec 2022", order="due")

    assert title == "Alerts (baseline: due before the go-live line) as of Thu 1 Dec 2022, by due"


def test_the_footer_counts_one_alert_in_the_singular_and_none_in_the_plural():
    assert queue_footer([object()]).startswith("1 alert. WD over:")
    assert queue_footer([]).startswith("0 alerts. WD over:")
