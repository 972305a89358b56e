"""What signing in to the web workspace keeps in the store, so that it holds across a
restart and across every server process on the same store.

- The **workspace secret** signs session cookies and calendar-feed URLs. It is made once
  per store and kept in it; an encrypted store derives it from its cipher key instead, so
  it is never stored at all. `CASECHECK_SECRET_KEY`, when set, is used instead of either.
- **Sessions**: their beginning (account, password version) and end (sign-out, or idle
  past the limit), keyed by a hash of the session id so the store never holds one that
  could be replayed. The moment of a session's last request travels in its signed cookie.
- **Sign-in attempts**: each failure, and each success that clears the count, keyed by a
  keyed hash of the account name and of the address (neither is stored in clear), so a
  throttle counted in one process holds in all of them.

Every record is appended once and never changed, like everything else in the store.
Use cases take `now`: nothing here reads a clock.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from compliance.errors import ConcurrentChange
from compliance.store import CASECHECK_NAMESPACE, CaseStore

SECRET_ID = uuid5(CASECHECK_NAMESPACE, "workspace:secret")


class WorkspaceSecret(Aggregate):
    """The store's own secret for signing the workspace's cookies: made once."""

    TOPIC = "casecheck:WorkspaceSecret"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:WorkspaceSecret.Event"

    class Made(Event, Aggregate.Created):
        TOPIC = "casecheck:WorkspaceSecret.Made"
        secret: str
        at: datetime

    def __init__(self, secret: str, at: datetime) -> None:
        self.secret, self.at = secret, at


class WorkspaceSession(Aggregate):
    """One signed-in session: begun, and perhaps ended. Its id is made from the session's hash."""

    TOPIC = "casecheck:WorkspaceSession"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:WorkspaceSession.Event"
        at: datetime

    class Started(Event, Aggregate.Created):
        TOPIC = "casecheck:WorkspaceSession.Started"
        session: str
        account: str
        password_version: int

    class Ended(Event):
        TOPIC = "casecheck:WorkspaceSession.Ended"
        session: str
        why: str

        def apply(self, aggregate: WorkspaceSession) -> None:  # type: ignore[override]
            aggregate.ended = True

    def __init__(self, session: str, account: str, password_version: int, at: datetime) -> None:
        self.session, self.account, self.password_version, self.at = session, account, password_version, at
        self.ended = False


class SignInAttempt(Aggregate):
    """One failed sign-in, or one success that clears the failures counted against its keys."""

    TOPIC = "casecheck:SignInAttempt"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:SignInAttempt.Event"
        keys: list[str]
        at: datetime

    class Failed(Event, Aggregate.Created):
        TOPIC = "casecheck:SignInAttempt.Failed"

    class Succeeded(Event, Aggregate.Created):
        TOPIC = "casecheck:SignInAttempt.Succeeded"

    def __init__(self, keys: list[str], at: datetime) -> None:
        self.keys, self.at = keys, at


#: Stored events of signing in: bookkeeping, not case records.
SIGN_IN_TOPICS = (
    WorkspaceSecret.Made.TOPIC,
    WorkspaceSession.Started.TOPIC,
    WorkspaceSession.Ended.TOPIC,
    SignInAttempt.Failed.TOPIC,
    SignInAttempt.Succeeded.TOPIC,
)
_READ_TOPICS = SIGN_IN_TOPICS[1:]


def workspace_secret(store: CaseStore, *, now: datetime) -> str:
    """The store's secret for the workspace: derived from the cipher key of an encrypted
    store, else the one kept in the store (made and kept the first time it is asked for;
    two servers starting at once agree on the one that was stored first)."""
    if store.keys.cipher_key is not None:
        return hmac.new(store.keys.cipher_key, b"casecheck workspace secret", hashlib.sha256).hexdigest()
    try:
        return str(store.repository.get(SECRET_ID).secret)
    except AggregateNotFoundError:
        pass
    made = WorkspaceSecret._create(
        WorkspaceSecret.Made, id=SECRET_ID, secret=secrets.token_urlsafe(32), at=now
    )
    try:
        store.save(made)
    except ConcurrentChange:  # another server made it first: use theirs
        return str(store.repository.get(SECRET_ID).secret)
    return made.secret


def session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    account: str
    password_version: int
    started: datetime


@dataclass
class _State:
    position: int = 0
    sessions: dict[str, Session] = field(default_factory=dict)
    failures: dict[str, list[datetime]] = field(default_factory=dict)
    cleared: dict[str, datetime] = field(default_factory=dict)


class SignInLedger:
    """Sessions and sign-in attempts as the store holds them, read by each process and
    brought up to date before each question (only what was stored since is read)."""

    def __init__(self, store: CaseStore, secret: str) -> None:
        self.store = store
        self._key = hashlib.sha256(b"sign-in keys:" + secret.encode()).digest()
        self._state = _State()
        self._lock = threading.Lock()

    def refresh(self) -> None:
        with self._lock:
            head = self.store.position()
            state = self._state
            start = state.position + 1
            while start <= head:
                page = self.store.recorder.select_notifications(start, 5000, stop=head, topics=_READ_TOPICS)
                for notification in page:
                    self._apply(self.store.mapper.to_domain_event(notification))
                if len(page) < 5000:
                    break
                start = page[-1].id + 1
            state.position = max(state.position, head)

    def _apply(self, event: object) -> None:
        state = self._state
        if isinstance(event, WorkspaceSession.Started):
            state.sessions[event.session] = Session(event.account, event.password_version, event.at)
        elif isinstance(event, WorkspaceSession.Ended):
            state.sessions.pop(event.session, None)  # an ended session is simply gone
        elif isinstance(event, SignInAttempt.Failed):
            for key in event.keys:
                state.failures.setdefault(key, []).append(event.at)
        elif isinstance(event, SignInAttempt.Succeeded):
            for key in event.keys:
                state.failures.pop(key, None)
                state.cleared[key] = event.at

    # --- sessions ------------------------------------------------------------------

    def start_session(self, account: str, password_version: int, *, now: datetime) -> str:
        """A new session for `account`: its id (for the cookie only; the store keeps its hash)."""
        session_id = secrets.token_urlsafe(32)
        hashed = session_hash(session_id)
        self.store.save(
            WorkspaceSession._create(
                WorkspaceSession.Started,
                id=_session_id(hashed),
                session=hashed,
                account=account,
                password_version=password_version,
                at=now,
            )
        )
        return session_id

    def session(self, session_id: str) -> Session | None:
        """The session, unless it never began or has ended."""
        self.refresh()
        hashed = session_hash(session_id)
        with self._lock:
            return self._state.sessions.get(hashed)

    def end_session(self, session_id: str, *, now: datetime, why: str) -> None:
        """End a session, for every process and every copy of its cookie (`why`: signed
        out, idle, ...). Ending one already ended changes nothing."""
        try:
            session: WorkspaceSession = self.store.repository.get(_session_id(session_hash(session_id)))
        except AggregateNotFoundError:
            return
        if session.ended:
            return
        session.trigger_event(WorkspaceSession.Ended, at=now, session=session.session, why=why)
        with contextlib.suppress(ConcurrentChange):  # ended at the same moment elsewhere
            self.store.save(session)

    # --- throttling ----------------------------------------------------------------

    def keys(self, raw: Iterable[str]) -> list[str]:
        """What a name or an address is counted under: a keyed hash, never the text."""
        return [hmac.new(self._key, r.encode(), hashlib.sha256).hexdigest()[:32] for r in raw]

    def wait(self, keys: list[str], *, now: datetime, limit: int, window: timedelta) -> timedelta | None:
        """How long until a sign-in under `keys` is allowed again, or None: refused after
        `limit` failures within `window`, until the window has passed since the first."""
        self.refresh()
        with self._lock:
            for key in keys:
                recent = [t for t in self._state.failures.get(key, []) if timedelta(0) <= now - t < window]
                if len(recent) >= limit:
                    return window - (now - min(recent))
        return None

    def failed(self, keys: list[str], *, now: datetime) -> None:
        self.store.save(SignInAttempt._create(SignInAttempt.Failed, id=uuid4(), keys=keys, at=now))

    def succeeded(self, keys: list[str], *, now: datetime) -> None:
        self.store.save(SignInAttempt._create(SignInAttempt.Succeeded, id=uuid4(), keys=keys, at=now))


def _session_id(hashed: str) -> UUID:
    return uuid5(CASECHECK_NAMESPACE, "workspace-session:" + hashed)
