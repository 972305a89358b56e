"""The working-day calendar of RULES.md "Time arithmetic", checked against real bank holidays."""

from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar import WorkingDayCalendar

# One shared calendar, as in a batch: the tests also prove that its caches, built in
# whatever order the tests happen to ask, never change an answer.
CAL = WorkingDayCalendar()
D = date.fromisoformat


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        pytest.param("2022-09-12", 20, "2022-10-11", id="rules-md-state-funeral-mon-19-sep-2022"),
        pytest.param("2023-05-02", 20, "2023-06-01", id="rules-md-coronation-and-spring-bank-holiday-2023"),
        pytest.param("2022-12-19", 20, "2023-01-19", id="rules-md-christmas-2022-with-substitute-days"),
        pytest.param("2024-03-28", 1, "2024-04-02", id="good-friday-and-easter-monday-2024"),
        pytest.param("2024-08-23", 5, "2024-09-02", id="august-bank-holiday-2024"),
        pytest.param("2023-05-05", 1, "2023-05-09", id="coronation-mon-8-may-2023"),
        pytest.param("2022-12-23", 1, "2022-12-28", id="christmas-substitute-tue-27-dec-2022"),
        pytest.param("2021-12-24", 1, "2021-12-29", id="christmas-and-boxing-day-both-substituted-2021"),
        pytest.param("2023-12-22", 3, "2023-12-29", id="christmas-2023-on-weekdays"),
        pytest.param("2022-06-01", 1, "2022-06-06", id="platinum-jubilee-thu-fri-2022"),
        pytest.param("2020-05-01", 5, "2020-05-11", id="ve-day-moved-may-bank-holiday-2020"),
        pytest.param("2023-07-03", 5, "2023-07-10", id="an-ordinary-week"),
        pytest.param("2023-07-01", 5, "2023-07-07", id="saturday-start-monday-is-day-1"),
        pytest.param("2023-07-02", 1, "2023-07-03", id="sunday-start-monday-is-day-1"),
        pytest.param("2022-09-19", 1, "2022-09-20", id="bank-holiday-start-next-day-is-day-1"),
        pytest.param("2023-07-03", 0, "2023-07-03", id="zero-days-is-the-start"),
        pytest.param("2023-07-01", 0, "2023-07-01", id="zero-days-from-a-saturday-is-still-the-start"),
    ],
)
def test_adding_working_days_gives_the_nth_working_day_after_the_start(start, n, due):
    result = CAL.add_working_days(D(start), n)

    assert result == D(due)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        pytest.param("2022-09-12", 20, "2022-10-10", id="working-start-is-day-1-so-a-day-earlier"),
        pytest.param("2023-07-03", 1, "2023-07-03", id="one-day-from-a-working-day-is-that-day"),
        pytest.param("2023-07-01", 5, "2023-07-07", id="saturday-start-is-not-day-1-either-way"),
        pytest.param("2022-09-19", 1, "2022-09-20", id="bank-holiday-start-is-not-day-1-either-way"),
        pytest.param("2023-07-03", 0, "2023-07-03", id="zero-days-is-the-start"),
    ],
)
def test_counting_the_start_as_day_one_follows_the_cin_census_convention(start, n, due):
    result = CAL.add_working_days(D(start), n, count_start_as_day_one=True)

    assert result == D(due)


def test_a_negative_number_of_working_days_is_refused():
    with pytest.raises(ValueError, match="0 or more"):
        CAL.add_working_days(date(2023, 7, 3), -1)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        # Easter Monday and the August bank holiday are the days lost without subdiv="ENG".
        pytest.param("2024-03-29", "Good Friday", id="good-friday"),
        pytest.param("2024-04-01", "Easter Monday", id="easter-monday"),
        pytest.param("2024-08-26", "Summer Bank Holiday", id="august-bank-holiday"),
        pytest.param("2022-09-19", "State Funeral of Queen Elizabeth II", id="state-funeral"),
        pytest.param("2023-05-08", "Coronation", id="coronation"),
        pytest.param("2022-12-27", "Christmas Day", id="christmas-substitute"),
    ],
)
def test_bank_holidays_of_england_are_not_working_days_and_are_named(day, name):
    is_working = CAL.is_working_day(D(day))
    holiday = CAL.holiday_name(D(day))

    assert not is_working
    assert holiday is not None and name in holiday


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param("2023-07-03", True, id="monday"),
        pytest.param("2023-07-07", True, id="friday"),
        pytest.param("2023-07-08", False, id="saturday"),
        pytest.param("2023-07-09", False, id="sunday"),
        pytest.param("2022-12-25", False, id="christmas-on-a-sunday"),
        pytest.param("2023-03-17", True, id="st-patricks-day-is-northern-ireland-only"),
        pytest.param("2023-11-30", True, id="st-andrews-day-is-scotland-only"),
    ],
)
def test_ordinary_days_and_weekends(day, working):
    result = CAL.is_working_day(D(day))

    assert result is working


def test_an_ordinary_day_has_no_holiday_name():
    assert CAL.holiday_name(date(2023, 7, 4)) is None


def test_a_councils_extra_holiday_closes_the_day_and_keeps_its_name():
    calendar = WorkingDayCalendar({date(2026, 6, 15): "Council closure day"})

    due = calendar.add_working_days(date(2026, 6, 12), 1)

    assert due == date(2026, 6, 16)
    assert not calendar.is_working_day(date(2026, 6, 15))
    assert calendar.holiday_name(date(2026, 6, 15)) == "Council closure day"
    assert calendar.holidays_between(date(2026, 6, 12), due) == [(date(2026, 6, 15), "Council closure day")]


def test_extra_holidays_given_as_bare_dates_are_called_council_holidays():
    calendar = WorkingDayCalendar([date(2026, 6, 15)])

    name = calendar.holiday_name(date(2026, 6, 15))

    assert name == "Council holiday"
    assert not calendar.is_working_day(date(2026, 6, 15))


def test_one_councils_extra_holiday_does_not_leak_into_another_calendar():
    WorkingDayCalendar({date(2026, 6, 15): "Council closure day"}).is_working_day(date(2026, 6, 15))

    fresh = WorkingDayCalendar()

    assert fresh.is_working_day(date(2026, 6, 15))
    assert CAL.is_working_day(date(2026, 6, 15))


def test_an_extra_holiday_in_a_year_built_later_still_counts():
    # The years are built lazily: the override must be applied when its year is built,
    # not only to the years in use when the calendar was made.
    calendar = WorkingDayCalendar({date(2030, 6, 14): "Council closure day"})
    calendar.add_working_days(date(2023, 7, 3), 5)

    due = calendar.add_working_days(date(2030, 6, 13), 1)

    assert due == date(2030, 6, 17)


def test_a_date_time_as_an_extra_holiday_is_refused_rather_than_silently_ignored():
    with pytest.raises(TypeError, match="must be a date"):
        WorkingDayCalendar({datetime(2026, 6, 15, 9, 0): "Closure"})


def test_the_extra_holidays_can_be_read_but_not_changed():
    calendar = WorkingDayCalendar({date(2026, 6, 15): "Council closure day"})

    extra = calendar.extra_holidays

    assert dict(extra) == {date(2026, 6, 15): "Council closure day"}
    with pytest.raises(TypeError):
        extra[date(2026, 6, 16)] = "Another"  # type: ignore[index]


def test_prebuilding_years_gives_the_same_answers_as_building_lazily():
    prebuilt = WorkingDayCalendar(years=range(2022, 2025))

    due = prebuilt.add_working_days(date(2022, 12, 19), 20)

    assert due == date(2023, 1, 19)
    assert prebuilt.add_working_days(date(2026, 1, 2), 1) == date(2026, 1, 5)  # beyond the prebuilt years


def test_arithmetic_far_beyond_the_years_first_used_extends_the_calendar_both_ways():
    calendar = WorkingDayCalendar()
    calendar.add_working_days(date(2024, 1, 2), 1)

    later = calendar.add_working_days(date(2024, 12, 20), 500)
    earlier = calendar.add_working_days(date(2011, 4, 21), 1)  # Good Friday and Easter Monday 2011

    assert later == date(2026, 12, 14)
    assert earlier == date(2011, 4, 26)
    assert calendar.add_working_days(date(2022, 9, 12), 20) == date(2022, 10, 11)


@pytest.mark.parametrize(
    ("earlier", "later", "days"),
    [
        pytest.param("2022-09-12", "2022-10-11", 20, id="the-rules-md-example"),
        pytest.param("2022-10-11", "2022-10-12", 1, id="one-day-late"),
        pytest.param("2022-10-11", "2022-10-11", 0, id="same-day"),
        pytest.param("2022-10-12", "2022-10-11", 0, id="later-before-earlier"),
        pytest.param("2023-07-07", "2023-07-10", 1, id="over-a-weekend"),
        pytest.param("2023-07-01", "2023-07-03", 1, id="from-a-saturday"),
        pytest.param("2022-12-23", "2023-01-03", 4, id="over-christmas-and-new-year-2022"),
        pytest.param("2023-12-29", "2024-01-02", 1, id="across-a-year-end-with-new-years-day"),
    ],
)
def test_working_days_between_counts_days_after_the_first_up_to_and_including_the_second(
    earlier, later, days
):
    result = CAL.working_days_between(D(earlier), D(later))

    assert result == days


@pytest.mark.parametrize(
    ("earlier", "later", "expected"),
    [
        pytest.param(
            "2022-12-19",
            "2023-01-19",
            ["2022-12-26", "2022-12-27", "2023-01-02"],
            id="weekend-christmas-and-new-year-left-out-substitutes-kept",
        ),
        pytest.param("2022-09-12", "2022-09-19", ["2022-09-19"], id="the-later-day-is-included"),
        pytest.param("2022-09-19", "2022-09-30", [], id="the-earlier-day-is-excluded"),
        pytest.param("2024-03-28", "2024-04-02", ["2024-03-29", "2024-04-01"], id="easter-2024"),
        pytest.param("2024-04-02", "2024-03-28", [], id="backwards-is-empty"),
    ],
)
def test_holidays_between_lists_the_weekday_holidays_in_order(earlier, later, expected):
    result = CAL.holidays_between(D(earlier), D(later))

    assert [d for d, _ in result] == [D(e) for e in expected]
    assert all(name for _, name in result)


# --- properties ------------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2005, 1, 1), max_value=date(2035, 12, 31))
# An independent reading of the same rule, day by day from the package itself, to check
# the precomputed arrays against.
ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2005, 2038))


def _slowly(start: date, n: int) -> date:
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in ENGLAND:
            counted += 1
    return day


def _a_working_day(start: date) -> date:
    return start if CAL.is_working_day(start) else CAL.add_working_days(start, 1)


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=0, max_value=300))
def test_adding_working_days_agrees_with_counting_day_by_day(start, n):
    assert CAL.add_working_days(start, n) == _slowly(start, n)


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=300))
def test_a_working_day_deadline_never_falls_on_a_weekend_or_bank_holiday(start, n):
    due = CAL.add_working_days(start, n)

    assert due > start
    assert due.weekday() < 5
    assert due not in ENGLAND
    assert CAL.holiday_name(due) is None


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=0, max_value=200), m=st.integers(min_value=0, max_value=200))
def test_adding_n_then_m_working_days_equals_adding_n_plus_m_from_a_working_day(start, n, m):
    start = _a_working_day(start)

    twice = CAL.add_working_days(CAL.add_working_days(start, n), m)

    assert twice == CAL.add_working_days(start, n + m)


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=0, max_value=300))
def test_the_working_days_between_a_working_day_start_and_its_deadline_are_n(start, n):
    start = _a_working_day(start)

    due = CAL.add_working_days(start, n)

    assert CAL.working_days_between(start, due) == n


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=60))
def test_the_deadline_is_the_first_day_with_n_working_days_after_the_start(start, n):
    due = CAL.add_working_days(start, n)

    assert CAL.working_days_between(start, due) == n
    assert CAL.working_days_between(start, due - timedelta(days=1)) == n - 1


@settings(max_examples=200, deadline=None)
@given(start=DAYS, n=st.integers(min_value=1, max_value=60))
def test_counting_the_start_as_day_one_moves_a_working_day_start_one_day_earlier_only(start, n):
    day_one = CAL.add_working_days(start, n, count_start_as_day_one=True)

    if CAL.is_working_day(start):
        assert day_one == CAL.add_working_days(start, n - 1)
    else:
        assert day_one == CAL.add_working_days(start, n)
