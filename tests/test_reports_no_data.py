"""Reports count an obligation no source of the child can tell about (`no_data`) apart.

A child known only from an SSDA903 return has no IHA on record because the return holds
none, not because it was not done: its IHA clock is `no_data`. The IHA table leaves it out
of the children requiring an IHA, and the timeliness measures (P3.2 here) count it with the
clocks excluded, not in the denominator.

Dates: A entered care Mon 3 Apr 2023 10:00, IHA due 20 working days later, Thu 4 May 2023
(Good Friday 7 Apr, Easter Monday 10 Apr and the early May bank holiday, Mon 1 May, skipped),
in Q1, requested and done on time. Z entered care the same day, known only from the 903: IHA
due Thu 4 May 2023, no_data. C
entered Mon 3 Apr 2023 and left care Fri 14 Apr 2023, before the IHA fell due: closed.
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from compliance.engine import Engine
from compliance.reports import iha_table, scorecard
from compliance.store import open_store
from events.models import parse_event
from rules.obligation import Status
from tests.builders import ev

AS_OF = date(2023, 6, 30)


def _registered(child_dob="2015-01-01"):
    return ev("child_registered", child_dob, dob=child_dob)


A = [
    _registered(),
    ev("entered_care", "2023-04-03T10:00", legal_status="C1"),
    ev("health_assessment_requested", "2023-04-04T09:00", kind="initial"),
    ev("health_assessment_completed", "2023-04-28", kind="initial"),
]
Z = [
    {**e, "source": "ssda903"}
    for e in (
        _registered(),
        ev("entered_care", "2023-04-03", legal_status="C1"),
        ev("placement_started", "2023-04-03", placement_type="U6"),
    )
]
C = [
    _registered(),
    ev("entered_care", "2023-04-03", legal_status="C1"),
    ev("left_care", "2023-04-14", reason="E13"),
]


def engine(children):
    store = open_store("memory:")
    store.record(
        {c: [parse_event({"child": c, **e}).to_record() for e in events] for c, events in children.items()}
    )
    return Engine(store)


def test_the_903_childs_iha_is_no_data_and_falls_due_in_q1():
    e = engine({"Z": Z})

    iha = [o for o in e.evaluate("Z", as_of=AS_OF).obligations if o.rule == "HLT-IHA"]

    assert [(o.status, o.due) for o in iha] == [(Status.NO_DATA, date(2023, 5, 4))]


@pytest.mark.parametrize(
    ("children", "requiring", "completed", "left_before_due"),
    [
        ({"A": A}, 1, 1, 0),
        ({"A": A, "Z": Z}, 1, 1, 0),  # Z left out: neither requiring nor left before due
        ({"A": A, "Z": Z, "C": C}, 1, 1, 1),
    ],
    ids=["event-files-only", "with-a-903-child", "with-one-who-left-before-due"],
)
def test_the_iha_table_leaves_out_an_iha_no_source_can_tell_about(
    children, requiring, completed, left_before_due
):
    rows = {r.quarter: r for r in iha_table(engine(children), year=2023, as_of=AS_OF)}

    q1 = rows["Q1"]
    assert (q1.requiring, q1.completed_20wd, q1.left_before_due) == (requiring, completed, left_before_due)


@pytest.mark.parametrize(
    ("children", "judged", "excluded"),
    [
        ({"A": A}, 1, 0),
        ({"A": A, "Z": Z}, 1, 1),  # Z counted apart, with the clocks that stopped
        ({"A": A, "Z": Z, "C": C}, 1, 2),
    ],
    ids=["event-files-only", "with-a-903-child", "with-one-who-left-before-due"],
)
def test_timeliness_counts_no_data_apart_from_the_judged_clocks(children, judged, excluded):
    sc = scorecard(engine(children), start=date(2023, 4, 1), end=date(2023, 6, 30), as_of=AS_OF)

    p32 = sc.row("P3.2").cells["period"]
    assert (p32.numerator, p32.denominator, p32.value, p32.excluded) == (1, judged, 100, excluded)
    if excluded:
        assert "no_data" in p32.excluded_because
