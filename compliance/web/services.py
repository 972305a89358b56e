"""What the routes share: the store and use cases, who is signed in, and their scope."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from flask import abort, current_app
from flask import session as flask_session
from flask_login import UserMixin, current_user

from compliance.access_log import AccessLog, AccessRecord
from compliance.accounts import ACCOUNT_TOPICS, Accounts, AccountView
from compliance.alerts import ALERT_TOPICS, Alert, AlertQueue, AlertView, Filters
from compliance.engine import Engine
from compliance.scope import Scope, scope_of
from compliance.settings import Settings
from compliance.sign_in import SIGN_IN_TOPICS, Session, SignInLedger
from compliance.store import CaseStore
from events.timeline import LONDON

if TYPE_CHECKING:
    from compliance.web import WebSettings


#: Stored events that are not records: what a page view or a sign-in change writes.
BOOKKEEPING_TOPICS = frozenset({AccessRecord.Recorded.TOPIC, *ACCOUNT_TOPICS, *SIGN_IN_TOPICS})


class SignedIn(UserMixin):  # type: ignore[misc]
    """The signed-in person for Flask-Login: a session id (its `get_id`) and the account."""

    def __init__(self, session_id: str, account: AccountView) -> None:
        self.session_id = session_id
        self.account = account

    def get_id(self) -> str:
        return self.session_id

    @property
    def name(self) -> str:
        return self.account.name


class SessionRegistry:
    """Signed-in sessions as the store records them (compliance.sign_in), so a restart
    signs nobody out and every server process on the store honours a sign-out. The cookie
    holds only the session id and the moment of its last request, signed with the
    workspace secret. A session ends on sign-out, after `idle` without a request, when the
    password changes or the account is disabled."""

    def __init__(self, ledger: SignInLedger, idle: timedelta) -> None:
        self.ledger = ledger
        self.idle = idle

    def start(self, account: AccountView, now: datetime) -> str:
        return self.ledger.start_session(account.name, account.password_version, now=now)

    def touch(self, session_id: str, now: datetime, last_seen: datetime | None) -> Session | None:
        """The session if it is live at `now`, its last request having been at `last_seen`
        (from its cookie; None: its start). One idle past the limit is ended for good."""
        found = self.ledger.session(session_id)
        if found is None:
            return None
        if now - (last_seen or found.started) > self.idle:
            self.ledger.end_session(session_id, now=now, why="idle")
            return None
        return found

    def end(self, session_id: str, now: datetime, why: str = "signed out") -> None:
        self.ledger.end_session(session_id, now=now, why=why)


class SignInThrottle:
    """Refuses sign-in for a name (or from an address) after `limit` failures within
    `window`, until the window has passed since the first of them. Failures are recorded
    in the store, so the count holds across restarts and server processes."""

    def __init__(self, ledger: SignInLedger, limit: int, window: timedelta) -> None:
        self.ledger = ledger
        self.limit = limit
        self.window = window

    def wait(self, keys: list[str], now: datetime) -> timedelta | None:
        return self.ledger.wait(self.ledger.keys(keys), now=now, limit=self.limit, window=self.window)

    def failed(self, keys: list[str], now: datetime) -> None:
        self.ledger.failed(self.ledger.keys(keys), now=now)

    def succeeded(self, keys: list[str], now: datetime) -> None:
        self.ledger.succeeded(self.ledger.keys(keys), now=now)


class CachedAlertQueue(AlertQueue):
    """The alert queue's own use cases over alerts kept in memory and brought up to date
    from the store's notification log before each read (only what is new is decoded), so
    a queue of 50,000 alerts is not replayed on every page."""

    def __init__(self, store: CaseStore, settings: Settings) -> None:
        super().__init__(store, settings)
        self._alerts: dict[UUID, Alert] = {}
        self._position = 0
        self._lock = threading.Lock()
        # An alert's view at a date depends only on the alert (its version) and the date.
        self._views: dict[tuple[UUID, int, date], AlertView] = {}
        self._lists: dict[tuple[Filters, date, int], list[AlertView]] = {}

    def refresh(self) -> None:
        with self._lock:
            mapper = self.store.mapper
            while True:
                page = self.store.recorder.select_notifications(self._position + 1, 5000, topics=ALERT_TOPICS)
                for notification in page:
                    event = mapper.to_domain_event(notification)
                    self._alerts[event.originator_id] = event.mutate(self._alerts.get(event.originator_id))  # type: ignore[attr-defined]
                if page:
                    self._position = page[-1].id
                if len(page) < 5000:
                    break

    def all(self) -> Iterator[Alert]:
        self.refresh()
        return iter(list(self._alerts.values()))

    def view(self, alert: Alert, today: date) -> AlertView:
        key = (alert.id, alert.version, today)
        found = self._views.get(key)
        if found is None:
            if len(self._views) > 500_000:
                self._views.clear()
            found = self._views[key] = super().view(alert, today)
        return found

    def list(self, filters: Filters, *, today: date) -> list[AlertView]:
        """The queue's own `list`, answered again without work while nothing was stored."""
        self.refresh()
        key = (filters, today, self._position)
        found = self._lists.get(key)
        if found is None:
            if len(self._lists) > 256:
                self._lists.clear()
            found = self._lists[key] = super().list(filters, today=today)
        return list(found)


@dataclass
class Services:
    store: CaseStore
    settings: Settings
    web: WebSettings
    accounts: Accounts
    sessions: SessionRegistry
    throttle: SignInThrottle
    _engine: Engine | None = field(default=None, repr=False)
    _queue: CachedAlertQueue | None = field(default=None, repr=False)
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _seen: int = field(default=0, repr=False)
    _records: int = field(default=0, repr=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(self.store, self.settings)
        return self._engine

    @property
    def queue(self) -> CachedAlertQueue:
        if self._queue is None:
            self._queue = CachedAlertQueue(self.store, self.settings)
        return self._queue

    def now(self) -> datetime:
        return self.web.clock()

    def records_position(self) -> int:
        """The store's position when a record last changed: facts, alerts, runs, anything
        but access-log entries and accounts (a page view must not make the next page work
        out the whole queue again)."""
        with self._memo_lock:
            now = self.store.position()
            if now != self._seen:
                found = self.store.recorder.select_notifications(self._seen + 1, 1000, stop=now)
                if len(found) == 1000 or any(n.topic not in BOOKKEEPING_TOPICS for n in found):
                    self._records = now
                self._seen = now
            return self._records

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """`compute()` once per key while the records are unchanged: the key is joined with
        `records_position`, so anything recorded (by this server, the nightly batch or the
        command line) makes the next request compute afresh."""
        full = (*key, self.records_position())
        with self._memo_lock:
            if full in self._memo:
                return self._memo[full]
        value = compute()
        with self._memo_lock:
            if len(self._memo) > 128:
                self._memo.clear()
            self._memo[full] = value
        return value

    def today(self) -> date:
        return self.web.as_of or self.now().astimezone(LONDON).date()

    def signed_in(self, session_id: str) -> SignedIn | None:
        """Who holds the session, if it is live; its cookie's last-request moment moves on."""
        now = self.now()
        try:
            seen = datetime.fromisoformat(str(flask_session["seen"])) if "seen" in flask_session else None
        except ValueError:
            seen = None
        found = self.sessions.touch(session_id, now, seen)
        if found is None:
            return None
        account = self.accounts.find(found.account)
        if account is None or account.disabled or account.password_version != found.password_version:
            self.sessions.end(session_id, now, "account changed")
            return None
        flask_session["seen"] = now.isoformat()
        return SignedIn(session_id, account)

    def feed_token(self, account: AccountView) -> str:
        """The secret in a person's calendar-feed URLs: it changes with their password."""
        key = str(current_app.config["SECRET_KEY"]).encode()
        message = f"feed:{account.name.lower()}:{account.password_version}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def services() -> Services:
    return current_app.extensions["casecheck"]  # type: ignore[no-any-return]


def me() -> AccountView:
    return current_user.account  # type: ignore[no-any-return]


def scope() -> Scope:
    return scope_of(me())


def require(*roles: str) -> None:
    """403 unless the signed-in account holds one of `roles`."""
    if not me().has(*roles):
        abort(403)


def access(user: str | None = None) -> AccessLog:
    """The access log for this request: the signed-in account (or `user`, for a feed URL), now."""
    return AccessLog(services().store, user or me().name, services().now())


def parse_day(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
