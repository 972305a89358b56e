"""The nightly batch's wake-up date from a child's obligations (`next_change`): the first
day after `as_of` on which one of them can change status by itself. Christmas 2025 and
New Year's Day 2026 are bank holidays in England."""

from datetime import date

import pytest

from compliance.engine import next_change
from compliance.settings import Settings
from rules.obligation import Basis, Obligation, Status
from rules.timescales import Timescale

AS_OF = date(2025, 12, 15)  # Mon 15 Dec 2025
CALENDAR = Settings().calendar()
FIVE_WORKING_DAYS = Timescale(5, "working_days")


def obligation(status, due, stops_on=None):
    return Obligation(
        child="C1",
        rule="LAC-REV-1",
        title="first review",
        basis=Basis.REG,
        key=f"C1|LAC-REV-1|{due}",
        started_on=date(2025, 11, 1),
        due=due,
        status=status,
        stops_on=stops_on,
    )


PENDING_5_JAN = obligation(Status.PENDING, date(2026, 1, 5))


@pytest.mark.parametrize(
    ("obligations", "warning", "wakes_on"),
    [
        # due Mon 5 Jan 2026: overdue from Tue 6 Jan
        ([PENDING_5_JAN], None, date(2026, 1, 6)),
        # its warning window of 5 working days opens Wed 24 Dec 2025: from there, 5 working
        # days (Mon 29, Tue 30, Wed 31 Dec, Fri 2 Jan, Mon 5 Jan) reach the due date
        ([PENDING_5_JAN], FIVE_WORKING_DAYS, date(2025, 12, 24)),
        # due soon, Fri 19 Dec: overdue from Sat 20 Dec
        ([obligation(Status.DUE_SOON, date(2025, 12, 19))], FIVE_WORKING_DAYS, date(2025, 12, 20)),
        # an open breach is missed when its clock stop comes (the 18th birthday, Thu 18 Dec)
        (
            [obligation(Status.OVERDUE, date(2025, 12, 1), stops_on=date(2025, 12, 18))],
            None,
            date(2025, 12, 18),
        ),
        # an open breach with no stop to come, or one already passed, wakes nobody
        ([obligation(Status.OVERDUE, date(2025, 12, 1))], None, None),
        ([obligation(Status.OVERDUE, date(2025, 12, 1), stops_on=date(2025, 12, 15))], None, None),
        # met, late, missed and closed obligations change no more
        (
            [
                obligation(Status.MET, date(2026, 2, 1)),
                obligation(Status.LATE, date(2025, 12, 1)),
                obligation(Status.MISSED, date(2025, 11, 20)),
                obligation(Status.CLOSED, date(2026, 1, 9)),
            ],
            FIVE_WORKING_DAYS,
            None,
        ),
        # the first of them all
        (
            [
                PENDING_5_JAN,
                obligation(Status.OVERDUE, date(2025, 12, 1), stops_on=date(2025, 12, 18)),
                obligation(Status.MET, date(2025, 12, 16)),
            ],
            None,
            date(2025, 12, 18),
        ),
        ([], FIVE_WORKING_DAYS, None),
    ],
)
def test_a_child_wakes_on_the_first_day_an_obligation_can_change_by_itself(obligations, warning, wakes_on):
    assert next_change(obligations, AS_OF, warning, CALENDAR) == wakes_on
