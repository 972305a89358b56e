from datetime import date

import pytest

from compliance.reports.periods import financial_year, report_period, trailing_year


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (None, date(2018, 3, 15), (date(2017, 3, 1), date(2018, 3, 15))),
        (None, date(2020, 2, 29), (date(2019, 2, 1), date(2020, 2, 29))),
        (None, date(2018, 1, 1), (date(2017, 1, 1), date(2018, 1, 1))),
        (date(2017, 12, 25), date(2018, 3, 15), (date(2017, 12, 25), date(2018, 3, 15))),
    ],
)
def test_a_report_without_a_start_covers_from_the_first_of_the_month_a_year_earlier(start, end, expected):
    assert trailing_year(start, end) == expected


def test_a_financial_year_overrides_the_from_and_to_days():
    period = report_period(financial_year("2017-18"), date(2016, 1, 1), date(2020, 5, 4))
    assert period == (date(2017, 4, 1), date(2018, 3, 31))


def test_without_a_financial_year_the_report_covers_the_trailing_year():
    assert report_period(None, None, date(2018, 8, 27)) == (date(2017, 8, 1), date(2018, 8, 27))
