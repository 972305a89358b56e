"""The working-day calendar and the time arithmetic of RULES.md, with real dates."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import WorkingDayCalendar
from rules.timescales import Timescale

LONDON = ZoneInfo("Europe/London")
CAL = WorkingDayCalendar()


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2022-09-12", 20, "2022-10-11"),  # RULES.md: the State Funeral on Mon 19 Sep 2022
        ("2023-05-02", 20, "2023-06-01"),  # RULES.md: coronation Mon 8 May and Mon 29 May 2023
        ("2022-12-19", 20, "2023-01-19"),  # RULES.md: 26 Dec, 27 Dec (substitute) and 2 Jan 2023
        ("2024-03-28", 1, "2024-04-02"),  # Good Friday 29 Mar and Easter Monday 1 Apr 2024
        ("2024-08-23", 5, "2024-09-02"),  # summer bank holiday Mon 26 Aug 2024
        ("2023-07-01", 5, "2023-07-07"),  # a Saturday start: Mon 3 Jul is day 1
        ("2023-07-02", 1, "2023-07-03"),  # a Sunday start
        ("2023-07-03", 0, "2023-07-03"),  # zero days is the start itself
        ("2020-05-01", 5, "2020-05-11"),  # VE Day moved the May bank holiday to Fri 8 May 2020
    ],
    ids=[
        "state-funeral",
        "coronation",
        "christmas",
        "easter",
        "august",
        "saturday-start",
        "sunday-start",
        "zero",
        "ve-day-2020",
    ],
)
def test_adding_working_days(start, n, due):
    assert CAL.add_working_days(date.fromisoformat(start), n) == date.fromisoformat(due)


def test_without_the_england_subdivision_easter_monday_would_be_lost():
    assert not CAL.is_working_day(date(2024, 4, 1))
    assert not CAL.is_working_day(date(2024, 8, 26))
    assert CAL.holiday_name(date(2022, 9, 19)) is not None


def test_a_councils_extra_holiday_is_not_a_working_day():
    calendar = WorkingDayCalendar({date(2026, 6, 15): "Closure day"})

    assert calendar.add_working_days(date(2026, 6, 12), 1) == date(2026, 6, 16)
    assert calendar.holiday_name(date(2026, 6, 15)) == "Closure day"


def test_counting_the_start_as_day_one_is_a_working_day_earlier():
    assert CAL.add_working_days(date(2022, 9, 12), 20, count_start_as_day_one=True) == date(2022, 10, 10)
    # A non-working start is not day 1 under either convention.
    assert CAL.add_working_days(date(2023, 7, 1), 5, count_start_as_day_one=True) == date(2023, 7, 7)


def test_working_days_between_counts_days_after_the_first_up_to_the_second():
    assert CAL.working_days_between(date(2022, 10, 11), date(2022, 10, 12)) == 1
    assert CAL.working_days_between(date(2022, 9, 12), date(2022, 10, 11)) == 20
    assert CAL.working_days_between(date(2022, 10, 12), date(2022, 10, 11)) == 0


def test_arithmetic_far_beyond_the_years_first_used_extends_the_calendar():
    calendar = WorkingDayCalendar()
    calendar.add_working_days(date(2024, 1, 2), 1)

    assert calendar.add_working_days(date(2024, 12, 20), 500) > date(2026, 11, 1)
    assert calendar.add_working_days(date(2011, 4, 21), 1) == date(
        2011, 4, 26
    )  # royal wedding period, Easter 2011


DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2035, 12, 31))


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=300))
def test_a_working_day_deadline_never_falls_on_a_weekend_or_bank_holiday(start, n):
    due = CAL.add_working_days(start, n)

    assert due.weekday() < 5
    assert CAL.holiday_name(due) is None


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=0, max_value=200), m=st.integers(min_value=0, max_value=200))
def test_adding_n_then_m_working_days_equals_adding_n_plus_m_from_a_working_day(start, n, m):
    start = CAL.add_working_days(start, 1) if not CAL.is_working_day(start) else start

    assert CAL.add_working_days(CAL.add_working_days(start, n), m) == CAL.add_working_days(start, n + m)


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=0, max_value=300))
def test_the_working_days_between_a_start_and_its_deadline_are_n(start, n):
    assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@settings(max_examples=100, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=60))
def test_the_deadline_is_the_first_day_with_n_working_days_after_the_start(start, n):
    due = CAL.add_working_days(start, n)

    assert CAL.working_days_between(start, due - timedelta(days=1)) == n - 1


# --- timescales ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n", "unit", "canonical"),
    [
        ("20 working days", 20, "working_days", "20 working days"),
        ("20 WD", 20, "working_days", "20 working days"),
        ("1wd", 1, "working_days", "1 working day"),
        ("6 weeks", 6, "weeks", "6 weeks"),
        ("3 Months", 3, "months", "3 months"),
        ("72 hours", 72, "hours", "72 hours"),
        ("42 days", 42, "days", "42 days"),
    ],
)
def test_timescales_parse_and_print(text, n, unit, canonical):
    timescale = Timescale.parse(text)

    assert (timescale.n, timescale.unit, str(timescale)) == (n, unit, canonical)


@pytest.mark.parametrize("text", ["twenty days", "20", "3 fortnights", ""])
def test_a_bad_timescale_says_what_is_expected(text):
    with pytest.raises(ValueError, match="expected e.g."):
        Timescale.parse(text)


@pytest.mark.parametrize(
    ("timescale", "start", "due"),
    [
        ("1 month", "2023-01-31", "2023-02-28"),
        ("1 month", "2024-01-31", "2024-02-29"),
        ("6 months", "2023-08-31", "2024-02-29"),
        ("6 months", "2022-08-31", "2023-02-28"),
        ("12 months", "2024-02-29", "2025-02-28"),
        ("3 months", "2023-01-31", "2023-04-30"),
        ("6 weeks", "2023-12-04", "2024-01-15"),
        ("7 days", "2024-02-28", "2024-03-06"),
    ],
)
def test_calendar_timescales_clamp_to_the_month_end(timescale, start, due):
    assert Timescale.parse(timescale).deadline(date.fromisoformat(start), CAL).due == date.fromisoformat(due)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (
            datetime(2023, 3, 25, 12, 0, tzinfo=LONDON),
            datetime(2023, 3, 28, 13, 0, tzinfo=LONDON),
        ),  # clocks forward
        (
            datetime(2023, 10, 28, 12, 0, tzinfo=LONDON),
            datetime(2023, 10, 31, 11, 0, tzinfo=LONDON),
        ),  # clocks back
        (datetime(2023, 7, 1, 9, 30, tzinfo=LONDON), datetime(2023, 7, 4, 9, 30, tzinfo=LONDON)),
    ],
    ids=["march-change", "october-change", "summer"],
)
def test_hours_are_elapsed_hours_across_clock_changes(start, due):
    deadline = Timescale(72, "hours").deadline(start, CAL)

    assert deadline.due == due
    assert deadline.due.utcoffset() == due.utcoffset()
    assert not deadline.approximate


def test_hours_from_a_date_only_start_end_that_many_days_later_and_are_approximate():
    deadline = Timescale(48, "hours").deadline(date(2022, 9, 12), CAL)

    assert (deadline.due, deadline.approximate) == (date(2022, 9, 14), True)


@pytest.mark.parametrize(
    ("timescale", "start", "sentence"),
    [
        (
            "20 working days",
            date(2022, 9, 12),
            "20 working days from Mon 12 Sep 2022, skipping the bank holiday on Mon 19 Sep 2022, is Tue 11 Oct 2022",
        ),
        (
            "20 working days",
            date(2022, 12, 19),
            "20 working days from Mon 19 Dec 2022, skipping the bank holidays on Mon 26 Dec 2022, Tue 27 Dec 2022 and "
            "Mon 2 Jan 2023, is Thu 19 Jan 2023",
        ),
        (
            "5 working days",
            date(2023, 7, 1),
            "5 working days from Sat 1 Jul 2023 (not a working day; day 1 is Mon 3 Jul 2023) is Fri 7 Jul 2023",
        ),
        ("1 month", date(2023, 1, 31), "1 month from Tue 31 Jan 2023 is Tue 28 Feb 2023 (month end)"),
        ("6 weeks", date(2023, 7, 3), "6 weeks (42 days) from Mon 3 Jul 2023 is Mon 14 Aug 2023"),
        (
            "72 hours",
            datetime(2023, 3, 25, 12, 0, tzinfo=LONDON),
            "72 hours from Sat 25 Mar 2023 12:00 GMT is Tue 28 Mar 2023 13:00 BST (clocks changed)",
        ),
    ],
    ids=["one-holiday", "three-holidays", "weekend-start", "month-end", "weeks", "hours"],
)
def test_each_deadline_explains_its_arithmetic(timescale, start, sentence):
    assert Timescale.parse(timescale).deadline(start, CAL).explanation == sentence
