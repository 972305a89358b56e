"""`casecheck check` as shown: the most urgent rows first, every status counted, and the
overdue that fell due before the go-live line told apart."""

from datetime import date

import pytest

from compliance.check import check_query
from compliance.errors import CasecheckError
from compliance.store import open_store
from compliance.views.check import SHOWN_ROWS, check_summary


def row(child, status, due, days_late=0, rule="LAC-REV-1"):
    return status, {
        "child": child,
        "rule": rule,
        "title": "First review",
        "started_on": "2022-09-12",
        "due": due,
        "status": status,
        "met_on": None,
        "days_late": days_late,
    }


def test_overdue_rows_come_first_the_latest_of_them_first_and_every_status_is_counted():
    rows = [
        row("C1", "met", "2022-10-11"),
        row("C2", "overdue", "2022-10-11", days_late=36),
        row("C3", "due_soon", "2022-12-05"),
        row("C4", "overdue", "2022-11-14", days_late=13),
    ]

    summary = check_summary(rows, date(2022, 12, 1))

    assert [r["child"] for r in summary.shown] == ["C2", "C4", "C3", "C1"]
    assert summary.counts_line == "2 overdue, 1 due_soon, 1 met"
    assert summary.more_line is None
    assert summary.title == "Obligations as of Thu 1 Dec 2022"


def test_only_the_most_urgent_rows_are_shown_and_the_rest_are_counted_in_one_line():
    rows = [row(f"C{n:04}", "pending", "2023-01-03") for n in range(SHOWN_ROWS + 7)]

    summary = check_summary(rows, date(2022, 12, 1))

    assert len(summary.shown) == SHOWN_ROWS
    assert summary.more_line == "... 7 more rows (use --json or --csv for all)"


def test_overdue_that_fell_due_before_the_go_live_line_on_1_november_2022_is_the_baseline():
    rows = [
        row("C1", "overdue", "2022-10-11", days_late=36),
        row("C2", "overdue", "2022-11-14", days_late=13),
    ]

    summary = check_summary(rows, date(2022, 12, 1), go_live=date(2022, 11, 1))

    assert summary.before_go_live == 1
    assert summary.go_live_line == (
        "1 of the overdue fell due before the go-live line Tue 1 Nov 2022: "
        "the baseline (`casecheck alerts --baseline`), not in the queue"
    )


def test_nothing_to_show_reads_no_obligations():
    assert check_summary([], date(2022, 12, 1)).counts_line == "no obligations"


def test_a_rule_prefix_that_matches_no_rule_is_refused():
    with pytest.raises(CasecheckError, match="rule"):
        check_query(open_store("memory:"), as_of=date(2022, 12, 1), rules=["NOPE"])


def test_a_child_the_store_has_no_record_of_is_refused_by_id():
    store = open_store("memory:")
    store.record({"C1": [{"child": "C1", "type": "entered_care", "at": "2022-09-12", "id": "e1"}]})

    with pytest.raises(CasecheckError, match="no child with id 'C9' in the store"):
        check_query(store, as_of=date(2022, 12, 1), children=["C1", "C9"])

    query = check_query(store, as_of=date(2022, 12, 1), children=["C1"], rules=["lac"], statuses=["overdue"])
    assert query.children == ("C1",) and query.rules == ("lac",) and query.statuses == {"overdue"}
