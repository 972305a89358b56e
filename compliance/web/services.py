"""What the routes share: the store and use cases, who is signed in, and their scope."""

from __future__ import annotations

import bisect
import hashlib
import hmac
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
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


#: What the queue page counts and offers to filter by.
FACETS = ("theme", "team", "stage", "iro")

#: More alerts changed than this since a list was made: it is made again whole.
PATCH_LIMIT = 2000


@dataclass(frozen=True)
class QueueSnapshot:
    """A filtered, sorted queue at a date and its counts by theme, team, stage and IRO:
    the caller's own copy."""

    views: list[AlertView]
    by: dict[str, Counter[str | None]]


@dataclass
class _KeptQueue:
    """One filtered, sorted queue at a date as kept (and patched), as of the store
    position `position`."""

    filters: Filters  # as spelt in the store
    order: str
    views: list[AlertView]
    members: dict[UUID, tuple[AlertView, tuple[str | None, ...]]]  # each view and its facets
    by: dict[str, Counter[str | None]]
    position: int


def _facets(alert: Alert) -> tuple[str | None, ...]:
    return tuple(getattr(alert, name) for name in FACETS)


class CachedAlertQueue(AlertQueue):
    """The alert queue's own use cases over alerts kept in memory and brought up to date
    from the store's notification log before each read (only what is new is decoded), so
    a queue of 50,000 alerts is not replayed on every page.

    A filtered, sorted list (`snapshot`) is kept with its counts; when alerts change, only
    they are taken out and, if they still pass the filters, put back in their place, so
    the first page after a change does not filter and sort every alert again."""

    def __init__(self, store: CaseStore, settings: Settings) -> None:
        super().__init__(store, settings)
        self._alerts: dict[UUID, Alert] = {}
        self._position = 0
        self._lock = threading.RLock()
        # An alert's view at a date depends only on the alert (its version) and the date.
        self._views: dict[tuple[UUID, int, date], AlertView] = {}
        self._changes: list[tuple[int, UUID]] = []  # (position, alert) of every change read
        self._snapshots: dict[tuple[Filters, date], _KeptQueue] = {}
        self._only: list[Alert] | None = None  # while patching: the alerts to list
        self._spelt: Filters | None = None

    def refresh(self) -> None:
        with self._lock:
            mapper = self.store.mapper
            while True:
                page = self.store.recorder.select_notifications(self._position + 1, 5000, topics=ALERT_TOPICS)
                for notification in page:
                    event = mapper.to_domain_event(notification)
                    self._alerts[event.originator_id] = event.mutate(self._alerts.get(event.originator_id))  # type: ignore[attr-defined]
                    self._changes.append((notification.id, event.originator_id))
                if page:
                    self._position = page[-1].id
                if len(page) < 5000:
                    break
            if len(self._changes) > 100_000:  # every list is made again whole from here
                self._changes.clear()
                self._snapshots.clear()

    def all(self) -> Iterator[Alert]:
        if self._only is not None:
            return iter(self._only)
        self.refresh()
        return iter(list(self._alerts.values()))

    def known_filters(self, filters: Filters, alerts: Iterable[Alert]) -> Filters:
        if self._only is not None:  # spelt already, against every alert
            return filters
        self._spelt = super().known_filters(filters, alerts)
        return self._spelt

    def view(self, alert: Alert, today: date) -> AlertView:
        key = (alert.id, alert.version, today)
        found = self._views.get(key)
        if found is None:
            if len(self._views) > 500_000:
                self._views.clear()
            found = self._views[key] = super().view(alert, today)
        return found

    def list(self, filters: Filters, *, today: date) -> list[AlertView]:
        """The queue's own `list`, kept up to date alert by alert (`snapshot`)."""
        return list(self.snapshot(filters, today=today).views)

    def snapshot(self, filters: Filters, *, today: date) -> QueueSnapshot:
        with self._lock:
            kept = self._kept(filters, today)
            return QueueSnapshot(list(kept.views), {name: Counter(c) for name, c in kept.by.items()})

    def _kept(self, filters: Filters, today: date) -> _KeptQueue:
        with self._lock:
            self.refresh()
            key = (filters, today)
            found = self._snapshots.get(key)
            if found is not None and found.position == self._position:
                return found
            if found is not None:
                start = bisect.bisect_right(self._changes, found.position, key=lambda c: c[0])
                changed = {alert for _, alert in self._changes[start:]}
                if len(changed) <= PATCH_LIMIT and self._patch(found, changed, today):
                    return found
            made = self._whole(filters, today)
            if len(self._snapshots) > 256:
                self._snapshots.clear()
            self._snapshots[key] = made
            return made

    def _whole(self, filters: Filters, today: date) -> _KeptQueue:
        views = super().list(filters, today=today)
        spelt = self._spelt or filters
        members = {v.alert.id: (v, _facets(v.alert)) for v in views}
        by: dict[str, Counter[str | None]] = {name: Counter() for name in FACETS}
        for _view, facets in members.values():
            for name, value in zip(FACETS, facets, strict=True):
                by[name][value] += 1
        return _KeptQueue(spelt, spelt.sort, views, members, by, self._position)

    def _patch(self, snap: _KeptQueue, changed: set[UUID], today: date) -> bool:
        """Take the changed alerts out of `snap` and put back those that still pass
        (False, and `snap` is spoilt, if it was not in the queue's order)."""

        def key(view: AlertView) -> tuple[Any, ...]:
            return view.sort_key(snap.order)

        for alert_id in changed:
            member = snap.members.pop(alert_id, None)
            if member is None:
                continue
            old, facets = member
            at = bisect.bisect_left(snap.views, key(old), key=key)
            if at >= len(snap.views) or snap.views[at] is not old:
                return False
            del snap.views[at]
            for name, value in zip(FACETS, facets, strict=True):
                snap.by[name][value] -= 1
        self._only = [self._alerts[a] for a in changed if a in self._alerts]
        try:
            again = AlertQueue.list(self, snap.filters, today=today)
        finally:
            self._only = None
        for view in again:
            bisect.insort(snap.views, view, key=key)
            facets = _facets(view.alert)
            snap.members[view.alert.id] = (view, facets)
            for name, value in zip(FACETS, facets, strict=True):
                snap.by[name][value] += 1
        for counts in snap.by.values():
            for value in [v for v, n in counts.items() if n <= 0]:
                del counts[value]
        snap.position = self._position
        return True


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
