"""Timescales, deadlines and their explanations (RULES.md "Time arithmetic"), with real dates."""

import os
import time
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import WorkingDayCalendar
from rules.timescales import LONDON, Deadline, Timescale, fmt_date, fmt_moment

CAL = WorkingDayCalendar()
D = date.fromisoformat


@pytest.fixture
def new_york_clock():
    """Run the test on a machine whose local zone is New York.

    The answers must not depend on where the checker runs; a naive date-time read in the
    machine's zone would move a late-evening start to the next day in London.
    """
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


# --- parsing and printing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n", "unit", "canonical"),
    [
        pytest.param("20 working days", 20, "working_days", "20 working days", id="working-days"),
        pytest.param("20 WD", 20, "working_days", "20 working days", id="WD"),
        pytest.param("20wd", 20, "working_days", "20 working days", id="wd-no-space"),
        pytest.param("1 working day", 1, "working_days", "1 working day", id="one-working-day"),
        pytest.param("20 Working-Days", 20, "working_days", "20 working days", id="hyphen-and-capitals"),
        pytest.param("  20   working  days ", 20, "working_days", "20 working days", id="extra-spaces"),
        pytest.param("5 days", 5, "days", "5 days", id="days"),
        pytest.param("1 day", 1, "days", "1 day", id="one-day"),
        pytest.param("0 days", 0, "days", "0 days", id="zero-days"),
        pytest.param("6 weeks", 6, "weeks", "6 weeks", id="weeks"),
        pytest.param("1 week", 1, "weeks", "1 week", id="one-week"),
        pytest.param("3 Months", 3, "months", "3 months", id="months"),
        pytest.param("1 month", 1, "months", "1 month", id="one-month"),
        pytest.param("12 months", 12, "months", "12 months", id="twelve-months"),
        pytest.param("72 hours", 72, "hours", "72 hours", id="hours"),
        pytest.param("1 HOUR", 1, "hours", "1 hour", id="one-hour"),
    ],
)
def test_timescales_parse_and_print_canonically(text, n, unit, canonical):
    timescale = Timescale.parse(text)

    assert (timescale.n, timescale.unit, str(timescale)) == (n, unit, canonical)


@pytest.mark.parametrize(
    "text",
    ["twenty days", "20", "3 fortnights", "", "-5 days", "5.5 days", "days 5", "20 working", "6 weeks 2"],
)
def test_a_bad_timescale_says_what_is_expected(text):
    with pytest.raises(
        ValueError, match="expected e.g. '20 working days', '6 weeks', '3 months', '72 hours'"
    ):
        Timescale.parse(text)


@pytest.mark.parametrize(
    ("n", "unit"),
    [pytest.param(-1, "days", id="negative"), pytest.param(3, "fortnights", id="unknown-unit")],
)
def test_an_impossible_timescale_cannot_be_made(n, unit):
    with pytest.raises(ValueError):
        Timescale(n, unit)


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=1000),
    unit=st.sampled_from(["working_days", "days", "weeks", "months", "hours"]),
)
def test_a_printed_timescale_parses_back_to_itself(n, unit):
    timescale = Timescale(n, unit)

    assert Timescale.parse(str(timescale)) == timescale


# --- calendar units --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timescale", "start", "due"),
    [
        pytest.param("1 month", "2023-01-31", "2023-02-28", id="31-jan-plus-1-month"),
        pytest.param("1 month", "2024-01-31", "2024-02-29", id="31-jan-plus-1-month-leap-year"),
        pytest.param("6 months", "2022-08-31", "2023-02-28", id="31-aug-plus-6-months"),
        pytest.param("6 months", "2023-08-31", "2024-02-29", id="31-aug-plus-6-months-leap-year"),
        pytest.param("12 months", "2024-02-29", "2025-02-28", id="29-feb-plus-12-months"),
        pytest.param("3 months", "2023-01-31", "2023-04-30", id="31-jan-plus-3-months"),
        pytest.param("3 months", "2023-03-15", "2023-06-15", id="mid-month-unclamped"),
        pytest.param("6 months", "2023-10-31", "2024-04-30", id="across-a-year-end"),
        pytest.param("6 weeks", "2023-12-04", "2024-01-15", id="6-weeks-is-42-days"),
        pytest.param("1 week", "2023-07-03", "2023-07-10", id="1-week"),
        pytest.param("7 days", "2024-02-28", "2024-03-06", id="7-days-over-29-feb"),
        pytest.param("42 days", "2022-12-19", "2023-01-30", id="calendar-days-ignore-bank-holidays"),
    ],
)
def test_calendar_timescales_count_calendar_days_and_clamp_to_the_month_end(timescale, start, due):
    deadline = Timescale.parse(timescale).deadline(D(start), CAL)

    assert deadline.due == D(due)
    assert not deadline.approximate


def test_a_date_time_start_counts_from_its_day_in_england():
    # 23:30 UTC on Sun 11 Sep 2022 was 00:30 BST on Mon 12 Sep 2022.
    start = datetime(2022, 9, 11, 23, 30, tzinfo=UTC)

    working = Timescale(20, "working_days").deadline(start, CAL)
    months = Timescale(1, "months").deadline(start, CAL)

    assert working.due == date(2022, 10, 11)
    assert months.due == date(2022, 10, 12)


def test_a_naive_date_time_start_is_a_london_time_wherever_the_checker_runs(new_york_clock):
    start = datetime(2023, 7, 3, 23, 30)  # late on Mon 3 Jul in London; early Tue in New York terms

    deadline = Timescale(5, "working_days").deadline(start, CAL)

    assert deadline.due == date(2023, 7, 10)


# --- working days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "day_one", "due"),
    [
        pytest.param("2022-09-12", False, "2022-10-11", id="rules-md-example"),
        pytest.param("2022-09-12", True, "2022-10-10", id="counting-the-start-as-day-1"),
    ],
)
def test_working_day_timescales_use_the_calendar_and_the_day_one_switch(start, day_one, due):
    deadline = Timescale(20, "working_days").deadline(D(start), CAL, count_start_as_day_one=day_one)

    assert deadline.due == D(due)


# --- hours -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "due_utc", "zone"),
    [
        pytest.param(
            datetime(2023, 3, 25, 12, 0, tzinfo=LONDON),
            72,
            datetime(2023, 3, 28, 12, 0, tzinfo=UTC),
            "BST",
            id="march-2023-clocks-forward-1300-bst",
        ),
        pytest.param(
            datetime(2023, 10, 28, 12, 0, tzinfo=LONDON),
            72,
            datetime(2023, 10, 31, 11, 0, tzinfo=UTC),
            "GMT",
            id="october-2023-clocks-back-1100-gmt",
        ),
        pytest.param(
            datetime(2023, 7, 1, 9, 30, tzinfo=LONDON),
            72,
            datetime(2023, 7, 4, 8, 30, tzinfo=UTC),
            "BST",
            id="summer-no-change",
        ),
        pytest.param(
            datetime(2023, 7, 1, 8, 30, tzinfo=UTC),
            48,
            datetime(2023, 7, 3, 8, 30, tzinfo=UTC),
            "BST",
            id="a-utc-start-is-shown-in-london",
        ),
        pytest.param(
            datetime(2023, 3, 25, 12, 0),
            72,
            datetime(2023, 3, 28, 12, 0, tzinfo=UTC),
            "BST",
            id="a-naive-start-is-london-time",
        ),
        # 01:30 on Sun 29 Oct 2023 happened twice. A naive time is the first (fold=0,
        # BST, 00:30 UTC): the earlier moment, so the stricter deadline.
        pytest.param(
            datetime(2023, 10, 29, 1, 30),
            24,
            datetime(2023, 10, 30, 0, 30, tzinfo=UTC),
            "GMT",
            id="ambiguous-0130-naive-is-the-first-bst",
        ),
        pytest.param(
            datetime(2023, 10, 29, 1, 30, fold=1, tzinfo=LONDON),
            24,
            datetime(2023, 10, 30, 1, 30, tzinfo=UTC),
            "GMT",
            id="ambiguous-0130-fold-1-is-the-second-gmt",
        ),
        # 01:30 on Sun 26 Mar 2023 never happened; zoneinfo reads it with the old offset
        # (GMT), which is 02:30 BST.
        pytest.param(
            datetime(2023, 3, 26, 1, 30),
            1,
            datetime(2023, 3, 26, 2, 30, tzinfo=UTC),
            "BST",
            id="skipped-0130-read-as-gmt",
        ),
    ],
)
def test_hours_are_elapsed_hours_across_clock_changes(start, hours, due_utc, zone):
    deadline = Timescale(hours, "hours").deadline(start, CAL)

    # Aware datetimes sharing a tzinfo compare by wall time alone, so compare in UTC.
    assert deadline.due.astimezone(UTC) == due_utc
    assert deadline.due.tzinfo is LONDON
    assert deadline.due.tzname() == zone
    assert not deadline.approximate


@pytest.mark.parametrize(
    ("hours", "start", "due"),
    [
        pytest.param(72, "2023-03-25", "2023-03-28", id="72-hours-is-3-days"),
        pytest.param(48, "2022-09-12", "2022-09-14", id="48-hours-is-2-days"),
        pytest.param(25, "2022-09-12", "2022-09-14", id="25-hours-rounds-up-to-2-days"),
        pytest.param(1, "2022-09-12", "2022-09-13", id="1-hour-is-the-end-of-the-next-day"),
        pytest.param(0, "2022-09-12", "2022-09-12", id="0-hours-is-the-end-of-the-day"),
    ],
)
def test_hours_from_a_date_only_start_end_at_the_end_of_a_day_and_are_approximate(hours, start, due):
    deadline = Timescale(hours, "hours").deadline(D(start), CAL)

    assert deadline.due == D(due)
    assert not isinstance(deadline.due, datetime)
    assert deadline.approximate


# --- explanations ------------------------------------------------------------------------------

COUNCIL = WorkingDayCalendar({date(2026, 6, 15): "Council closure day"})


@pytest.mark.parametrize(
    ("timescale", "start", "options", "sentence"),
    [
        pytest.param(
            "20 working days",
            date(2022, 9, 12),
            {},
            "20 working days from Mon 12 Sep 2022, skipping the bank holiday on Mon 19 Sep 2022, is Tue 11 Oct 2022",
            id="one-bank-holiday",
        ),
        pytest.param(
            "20 working days",
            date(2022, 12, 19),
            {},
            "20 working days from Mon 19 Dec 2022, skipping the bank holidays on Mon 26 Dec 2022, Tue 27 Dec 2022 and "
            "Mon 2 Jan 2023, is Thu 19 Jan 2023",
            id="three-bank-holidays",
        ),
        pytest.param(
            "20 working days",
            date(2023, 5, 2),
            {},
            "20 working days from Tue 2 May 2023, skipping the bank holidays on Mon 8 May 2023 and Mon 29 May 2023, "
            "is Thu 1 Jun 2023",
            id="two-bank-holidays",
        ),
        pytest.param(
            "5 working days",
            date(2023, 7, 3),
            {},
            "5 working days from Mon 3 Jul 2023 is Mon 10 Jul 2023",
            id="no-bank-holidays",
        ),
        pytest.param(
            "5 working days",
            date(2023, 7, 1),
            {},
            "5 working days from Sat 1 Jul 2023 (not a working day; day 1 is Mon 3 Jul 2023) is Fri 7 Jul 2023",
            id="weekend-start",
        ),
        pytest.param(
            "20 working days",
            date(2022, 9, 12),
            {"count_start_as_day_one": True},
            "20 working days from Mon 12 Sep 2022, skipping the bank holiday on Mon 19 Sep 2022, is Mon 10 Oct 2022 "
            "(counting the start as day 1)",
            id="counting-the-start-as-day-1",
        ),
        pytest.param(
            "3 months",
            date(2023, 1, 31),
            {},
            "3 months from Tue 31 Jan 2023 is Sun 30 Apr 2023 (month end)",
            id="months-clamped-to-30-apr",
        ),
        pytest.param(
            "3 months",
            date(2023, 3, 15),
            {},
            "3 months from Wed 15 Mar 2023 is Thu 15 Jun 2023",
            id="months",
        ),
        pytest.param(
            "1 month",
            date(2023, 1, 31),
            {},
            "1 month from Tue 31 Jan 2023 is Tue 28 Feb 2023 (month end)",
            id="month-clamped-to-28-feb",
        ),
        pytest.param(
            "6 weeks",
            date(2023, 7, 3),
            {},
            "6 weeks (42 days) from Mon 3 Jul 2023 is Mon 14 Aug 2023",
            id="weeks",
        ),
        pytest.param(
            "7 days", date(2023, 7, 3), {}, "7 days from Mon 3 Jul 2023 is Mon 10 Jul 2023", id="days"
        ),
        pytest.param(
            "72 hours",
            datetime(2023, 3, 25, 12, 0, tzinfo=LONDON),
            {},
            "72 hours from Sat 25 Mar 2023 12:00 GMT is Tue 28 Mar 2023 13:00 BST (clocks changed)",
            id="hours-clocks-forward",
        ),
        pytest.param(
            "72 hours",
            datetime(2023, 10, 28, 12, 0, tzinfo=LONDON),
            {},
            "72 hours from Sat 28 Oct 2023 12:00 BST is Tue 31 Oct 2023 11:00 GMT (clocks changed)",
            id="hours-clocks-back",
        ),
        pytest.param(
            "72 hours",
            datetime(2023, 7, 1, 9, 30, tzinfo=LONDON),
            {},
            "72 hours from Sat 1 Jul 2023 09:30 BST is Tue 4 Jul 2023 09:30 BST",
            id="hours-no-change",
        ),
        pytest.param(
            "72 hours",
            date(2023, 3, 25),
            {},
            "72 hours from Sat 25 Mar 2023 (no time recorded) is taken as the end of Tue 28 Mar 2023",
            id="hours-from-a-date",
        ),
    ],
)
def test_each_deadline_explains_its_arithmetic_in_one_sentence(timescale, start, options, sentence):
    deadline = Timescale.parse(timescale).deadline(start, CAL, **options)

    assert deadline.explanation == sentence


def test_a_councils_closure_day_is_named_in_the_explanation_not_called_a_bank_holiday():
    deadline = Timescale(5, "working_days").deadline(date(2026, 6, 12), COUNCIL)

    assert deadline.explanation == (
        "5 working days from Fri 12 Jun 2026, skipping the holiday on Mon 15 Jun 2026 (Council closure day), "
        "is Mon 22 Jun 2026"
    )


def test_explanations_do_not_depend_on_the_machines_time_zone(new_york_clock):
    start = datetime(2023, 3, 25, 12, 0)  # naive: London wall-clock time

    deadline = Timescale(72, "hours").deadline(start, CAL)

    assert (
        deadline.explanation
        == "72 hours from Sat 25 Mar 2023 12:00 GMT is Tue 28 Mar 2023 13:00 BST (clocks changed)"
    )
    assert fmt_moment(datetime(2023, 7, 1, 9, 30)) == "Sat 1 Jul 2023 09:30 BST"


def test_a_deadline_can_carry_its_sentence_or_a_way_to_write_it():
    written = Deadline(date(2023, 7, 10), "due on Mon 10 Jul 2023")
    deferred = Deadline(date(2023, 7, 10), lambda: "due on Mon 10 Jul 2023")

    assert written.explanation == deferred.explanation == "due on Mon 10 Jul 2023"
    assert not written.approximate


# --- formatting --------------------------------------------------------------------------------


def test_dates_and_moments_are_formatted_as_iros_read_them():
    assert fmt_date(date(2022, 9, 12)) == "Mon 12 Sep 2022"
    assert fmt_moment(datetime(2023, 3, 25, 12, 0, tzinfo=LONDON)) == "Sat 25 Mar 2023 12:00 GMT"
    assert fmt_moment(datetime(2023, 7, 1, 8, 30, tzinfo=UTC)) == "Sat 1 Jul 2023 09:30 BST"


@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    n=st.integers(min_value=0, max_value=240),
)
def test_adding_months_clamps_to_the_month_end_exactly_as_dateutil_does(day, n):
    from dateutil.relativedelta import relativedelta

    from rules.timescales import add_months

    assert add_months(day, n) == day + relativedelta(months=n)
