"""The judge's deadlines: worked out once per timescale and clock start, and shared by the
rules that use the same timescale, without one rule's council setting reaching another's."""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401  (registers every rule)
from rules.registry import REGISTRY, Judge
from rules.timescales import Timescale
from tests.builders import CALENDAR, Settings

AS_OF = date(2024, 6, 28)
# Thu 21 Mar 2024: 20 working days later, Good Friday and Easter Monday skipped, is Mon 22 Apr.
START = date(2024, 3, 21)


def test_rules_with_the_same_timescale_share_one_deadline_for_the_same_start():
    judge = Judge(as_of=AS_OF, calendar=CALENDAR)

    first_year, other = (judge.for_rule(REGISTRY[rule]) for rule in ("VIS-2", "VIS-4"))

    assert first_year.deadline(START).due == date(2024, 5, 2)  # 42 days
    assert other.deadline(START) is first_year.deadline(START)
    assert judge.deadline(Timescale(42, "days"), START) is first_year.deadline(START)


@pytest.mark.parametrize("asked_first", ["VIS-2", "VIS-4"])
def test_a_council_timescale_for_one_rule_leaves_the_other_rules_of_that_timescale_alone(asked_first):
    judge = Judge(
        as_of=AS_OF, calendar=CALENDAR, settings=Settings({("VIS-2", "within"): Timescale(35, "days")})
    )
    contexts = {rule: judge.for_rule(REGISTRY[rule]) for rule in ("VIS-2", "VIS-4")}
    contexts[asked_first].deadline(START)

    assert contexts["VIS-2"].deadline(START).due == date(2024, 4, 25)  # 35 days
    assert contexts["VIS-4"].deadline(START).due == date(2024, 5, 2)  # 42 days


def test_a_timescale_set_from_a_date_is_looked_up_for_each_clock_start():
    judge = Judge(
        as_of=AS_OF,
        calendar=CALENDAR,
        settings=Settings({("LAC-REV-1", "within"): [(date(2024, 4, 1), Timescale(15, "working_days"))]}),
    )
    first_review = judge.for_rule(REGISTRY["LAC-REV-1"])

    assert first_review.deadline(START).due == date(2024, 4, 22)  # 20 working days, Easter skipped
    assert first_review.deadline(date(2024, 4, 2)).due == date(2024, 4, 23)  # 15 working days
    # The rule's own setting is not the catalogue's: a rule with the default keeps 20.
    assert judge.deadline(Timescale(20, "working_days"), date(2024, 4, 2)).due == date(2024, 4, 30)
