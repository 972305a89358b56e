"""A small council for the web tests: three children in two teams with two IROs, a
nightly run that raised their alerts, and one account per role."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from argon2 import PasswordHasher

from compliance.accounts import Accounts
from compliance.engine import Engine
from compliance.nightly import run_nightly
from compliance.settings import Settings
from compliance.store import CaseStore, open_store
from events.models import parse_event

AS_OF = date(2022, 12, 1)
NOW = datetime(2022, 12, 1, 9, 30, tzinfo=UTC)
PASSWORD = "a long demo passphrase"

# Entered care Mon 12 Sep 2022: the first review was due Tue 11 Oct 2022 (20 working days,
# skipping the bank holiday for the Queen's funeral on Mon 19 Sep); none is recorded, so by
# 1 Dec 2022 it is overdue and the nightly run raises a breach alert for each child.
CHILDREN = {
    "C1": ("North", "IRO01"),
    "C2": ("South", "IRO02"),
    "C3": ("North", "IRO02"),
}

ACCOUNTS = {
    "iro1": {"roles": ["iro"], "iro": "IRO01"},
    "iro2": {"roles": ["iro"], "iro": "IRO02"},
    "tm-north": {"roles": ["team_manager"], "teams": ["North"]},
    "sm": {"roles": ["service_manager"]},
    "auditor": {"roles": ["auditor"]},
    "admin": {"roles": ["admin"]},
}


def council_facts(child: str, team: str, iro: str) -> list[dict[str, object]]:
    return [
        {
            "child": child,
            "type": "entered_care",
            "at": "2022-09-12",
            "recorded_at": "2022-09-12T16:00:00+00:00",
            "id": f"{child}-e",
            "legal_status": "C2",
            "team": team,
        },
        {
            "child": child,
            "type": "iro_allocated",
            "at": "2022-09-13",
            "recorded_at": "2022-09-13T16:00:00+00:00",
            "id": f"{child}-i",
            "iro": iro,
            "team": team,
        },
    ]


# C1's first review, held on Mon 10 Oct 2022, was recorded only on 20 Nov 2022: as known at
# 1 Nov 2022 the review was overdue, as known now it was met. A review entered by mistake
# on 3 Oct 2022 was retracted the next day.
C1_MORE = [
    {
        "child": "C1",
        "type": "review_held",
        "at": "2022-10-10",
        "id": "C1-r1",
        "team": "North",
        "recorded_at": "2022-11-20T10:00:00+00:00",
    },
    {
        "child": "C1",
        "type": "review_held",
        "at": "2022-10-03",
        "id": "C1-wrong",
        "recorded_at": "2022-10-03T12:00:00+00:00",
    },
    {
        "child": "C1",
        "type": "retracted",
        "at": "2022-10-04",
        "id": "C1-x",
        "target": "C1-wrong",
        "reason": "entered on the wrong child",
        "recorded_at": "2022-10-04T09:00:00+00:00",
    },
]


def build_council(url: str = "memory:") -> CaseStore:
    store = open_store(url)
    facts = {c: council_facts(c, team, iro) for c, (team, iro) in CHILDREN.items()}
    facts["C1"] += C1_MORE
    # Through the contract, as an import would store them.
    store.record({c: [parse_event(f).to_record() for f in fs] for c, fs in facts.items()})
    run_nightly(store, Engine(store, Settings()), as_of=AS_OF, now=NOW)
    # Cheap hashing parameters keep the tests quick; a hash carries its own parameters.
    accounts = Accounts(store, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    for name, spec in ACCOUNTS.items():
        accounts.add(name, password=PASSWORD, now=NOW, by="test", **spec)  # type: ignore[arg-type]
    return store


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert found, "the page has no CSRF token"
    return found.group(1)
