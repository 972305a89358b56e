"""Accounts of the people who use the web workspace, event-sourced like everything else.

An account has a name, one or more roles, the teams a team manager manages and the IRO
id an IRO is known by in the case records (`iro_allocated`). Passwords are kept only as
argon2 hashes. Accounts are never deleted: a leaver's account is disabled, so the access
log and alert histories still name who did what.

Roles and what they see:

| role | children | may act on alerts |
|---|---|---|
| `iro` | the children allocated to that IRO | yes |
| `team_manager` | the children of their teams | yes |
| `service_manager` | every child | yes |
| `auditor` | every child, read-only, and the audit pages | no |
| `admin` | none (accounts only) unless also given a case role | no |
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from compliance.errors import CasecheckError
from compliance.store import CASECHECK_NAMESPACE, CaseStore

ROLES = ("iro", "team_manager", "service_manager", "auditor", "admin")
CASE_ROLES = ("iro", "team_manager", "service_manager", "auditor")
ACTING_ROLES = ("iro", "team_manager", "service_manager")
MIN_PASSWORD = 12

_HASHER = PasswordHasher()


class AccountError(CasecheckError):
    pass


class AccountNotFound(AccountError):
    pass


def account_aggregate_id(name: str) -> UUID:
    return uuid5(CASECHECK_NAMESPACE, "account:" + name.strip().lower())


class Account(Aggregate):
    TOPIC = "casecheck:Account"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:Account.Event"
        at: datetime
        by: str

    class Added(Event, Aggregate.Created):
        TOPIC = "casecheck:Account.Added"
        name: str
        roles: list[str]
        teams: list[str]
        iro: str | None
        password_hash: str

    class PasswordSet(Event):
        TOPIC = "casecheck:Account.PasswordSet"
        password_hash: str

        def apply(self, account: Account) -> None:  # type: ignore[override]
            account.password_hash = self.password_hash
            account.password_version += 1

    class Disabled(Event):
        TOPIC = "casecheck:Account.Disabled"

        def apply(self, account: Account) -> None:  # type: ignore[override]
            account.disabled = True

    class Enabled(Event):
        TOPIC = "casecheck:Account.Enabled"

        def apply(self, account: Account) -> None:  # type: ignore[override]
            account.disabled = False

    def __init__(
        self,
        name: str,
        roles: list[str],
        teams: list[str],
        iro: str | None,
        password_hash: str,
        at: datetime,
        by: str,
    ) -> None:
        self.name = name
        self.roles = list(roles)
        self.teams = list(teams)
        self.iro = iro
        self.password_hash = password_hash
        self.password_version = 1
        self.disabled = False
        self.added_at = at
        self.added_by = by


ACCOUNT_TOPICS = [
    Account.Added.TOPIC,
    Account.PasswordSet.TOPIC,
    Account.Disabled.TOPIC,
    Account.Enabled.TOPIC,
]


@dataclass(frozen=True)
class AccountView:
    """An account as listed and as the web app holds the signed-in user (no hash)."""

    name: str
    roles: tuple[str, ...]
    teams: tuple[str, ...]
    iro: str | None
    disabled: bool
    password_version: int
    added_at: datetime

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def sees_cases(self) -> bool:
        return self.has(*CASE_ROLES)

    @property
    def may_act(self) -> bool:
        return self.has(*ACTING_ROLES)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "roles": list(self.roles),
            "teams": list(self.teams),
            "iro": self.iro,
            "disabled": self.disabled,
            "added_at": self.added_at.isoformat(),
        }


def _view(account: Account) -> AccountView:
    return AccountView(
        account.name,
        tuple(account.roles),
        tuple(account.teams),
        account.iro,
        account.disabled,
        account.password_version,
        account.added_at,
    )


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if password.strip() != password or "\n" in password:
        raise AccountError("a password may not start or end with spaces or hold a line break")


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise AccountError("an account name is 1-64 letters, digits or . _ - @")
    return name


class Accounts:
    """Use cases on accounts. `now` and `by` are passed in: no clock reads here."""

    def __init__(self, store: CaseStore, hasher: PasswordHasher | None = None) -> None:
        self.store = store
        self.hasher = hasher or _HASHER

    def _get(self, name: str) -> Account:
        try:
            return self.store.repository.get(account_aggregate_id(name))  # type: ignore[no-any-return]
        except AggregateNotFoundError:
            raise AccountNotFound(f"no account named {name.strip()!r} (see `casecheck user list`)") from None

    def get(self, name: str) -> AccountView:
        return _view(self._get(name))

    def find(self, name: str) -> AccountView | None:
        try:
            return self.get(name)
        except AccountNotFound:
            return None

    def add(
        self,
        name: str,
        *,
        roles: Sequence[str],
        password: str,
        now: datetime,
        by: str,
        teams: Iterable[str] = (),
        iro: str | None = None,
    ) -> AccountView:
        name = _check_name(name)
        roles = list(dict.fromkeys(roles))
        unknown = [r for r in roles if r not in ROLES]
        if not roles or unknown:
            raise AccountError(
                f"unknown role {unknown[0]!r}: expected one of {', '.join(ROLES)}"
                if unknown
                else "an account needs a role"
            )
        teams = [t.strip() for t in teams if t.strip()]
        if "team_manager" in roles and not teams:
            raise AccountError("a team manager needs at least one --team")
        if "iro" in roles and not (iro or "").strip():
            raise AccountError("an IRO account needs --iro, the IRO id used in the case records")
        check_password_strength(password)
        if account_aggregate_id(name) in self.store.repository:
            raise AccountError(f"an account named {name!r} already exists")
        account = Account._create(
            Account.Added,
            id=account_aggregate_id(name),
            name=name,
            roles=roles,
            teams=teams,
            iro=(iro or "").strip() or None,
            password_hash=self.hasher.hash(password),
            at=now,
            by=by,
        )
        self.store.save(account)
        return _view(account)

    def set_password(self, name: str, password: str, *, now: datetime, by: str) -> None:
        check_password_strength(password)
        account = self._get(name)
        account.trigger_event(Account.PasswordSet, password_hash=self.hasher.hash(password), at=now, by=by)
        self.store.save(account)

    def disable(self, name: str, *, now: datetime, by: str) -> None:
        account = self._get(name)
        if account.disabled:
            raise AccountError(f"account {account.name!r} is already disabled")
        account.trigger_event(Account.Disabled, at=now, by=by)
        self.store.save(account)

    def enable(self, name: str, *, now: datetime, by: str) -> None:
        account = self._get(name)
        if not account.disabled:
            raise AccountError(f"account {account.name!r} is not disabled")
        account.trigger_event(Account.Enabled, at=now, by=by)
        self.store.save(account)

    def authenticate(self, name: str, password: str) -> AccountView | None:
        """The account if the password is right and the account is enabled, else None.
        An unknown name costs the same hashing work as a wrong password."""
        try:
            account = self._get(_check_name(name))
        except AccountError:
            self.hasher.hash(password)
            return None
        try:
            self.hasher.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return None if account.disabled else _view(account)

    def all(self) -> list[AccountView]:
        mapper = self.store.mapper
        accounts: dict[UUID, Account] = {}
        start = 1
        while True:
            page = self.store.recorder.select_notifications(start, 1000, topics=ACCOUNT_TOPICS)
            for notification in page:
                event = mapper.to_domain_event(notification)
                accounts[event.originator_id] = event.mutate(accounts.get(event.originator_id))  # type: ignore[attr-defined]
            if len(page) < 1000:
                break
            start = page[-1].id + 1
        return sorted((_view(a) for a in accounts.values()), key=lambda a: a.name.lower())
