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
            "id": f"{child}-e",
            "legal_status": "C2",
            "team": team,
        },
        {
            "child": child,
            "type": "iro_allocated",
            "at": "2022-09-13",
            "id": f"{child}-i",
            "iro": iro,
            "team": team,
        },
    ]


def build_council(url: str = "memory:") -> CaseStore:
    store = open_store(url)
    store.record({c: council_facts(c, team, iro) for c, (team, iro) in CHILDREN.items()})
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
