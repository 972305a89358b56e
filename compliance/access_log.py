"""The access log: who looked at which child's record, exported what, acted on which alert.

Children's records are sensitive, and the first thing a Caldicott guardian asks is who
has seen a child's record. Every view of a child's record, every export and every alert
action, made through the web workspace or the command line, is recorded here, in the same store, append-only
like everything else: one stored event per access, never updated or deleted.

An entry holds who (the account name), when (aware UTC), which child (or none, for an
export across children), what (`action`) and what it was about (`target`: an alert id, a
report name). It never holds the content that was seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from eventsourcing.domain import Aggregate

from compliance.store import CaseStore
from events.timeline import LONDON

if TYPE_CHECKING:
    from compliance.alerts import Alert

#: What an entry may say was done.
ACTIONS = (
    "viewed_child",
    "printed_child",
    "viewed_alert",
    "alert_action",
    "viewed_audit",
    "exported",
    "calendar_feed",
    "viewed_access_log",
)

#: The formats an export is taken away in; a table read on the screen is not an export.
EXPORT_FORMATS = ("csv", "json", "xlsx")


class AccessRecord(Aggregate):
    """One access: created once and never changed."""

    TOPIC = "casecheck:AccessRecord"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:AccessRecord.Event"

    class Recorded(Event, Aggregate.Created):
        TOPIC = "casecheck:AccessRecord.Recorded"
        user: str
        at: datetime
        action: str
        child: str | None
        target: str | None

    def __init__(self, user: str, at: datetime, action: str, child: str | None, target: str | None) -> None:
        self.user, self.at, self.action, self.child, self.target = user, at, action, child, target


@dataclass(frozen=True)
class Access:
    user: str
    at: datetime
    action: str
    child: str | None
    target: str | None

    def to_json(self) -> dict[str, str | None]:
        return {
            "at": self.at.isoformat(),
            "user": self.user,
            "action": self.action,
            "child": self.child,
            "target": self.target,
        }


def record_access(
    store: CaseStore,
    *,
    user: str,
    action: str,
    now: datetime,
    child: str | None = None,
    target: str | None = None,
) -> None:
    """Append one entry. `now` must be timezone-aware."""
    if action not in ACTIONS:
        raise ValueError(f"unknown access action {action!r}")
    if now.tzinfo is None:
        raise ValueError("an access time must be timezone-aware")
    store.save(
        AccessRecord._create(
            AccessRecord.Recorded, id=uuid4(), user=user, at=now, action=action, child=child, target=target
        )
    )


def command_line_user() -> str:
    """Who the access log names for a command run at a terminal: the operating-system account."""
    import getpass

    return f"{getpass.getuser()} (command line)"


def record_export(
    store: CaseStore,
    *,
    user: str,
    what: str,
    fmt: str,
    now: datetime,
    children: Iterable[str] = (),
) -> None:
    """An export of `what` written as `fmt`: an entry for each child named, or one entry
    across children when none is. Nothing for `text`, which is read, not taken away."""
    if fmt not in EXPORT_FORMATS:
        return
    named: list[str | None] = list(children)
    for child in named or [None]:
        record_access(store, user=user, action="exported", child=child, target=f"{what}, {fmt}", now=now)


def record_alert_action(store: CaseStore, alert: Alert, *, user: str, action: str, now: datetime) -> None:
    """An action on `alert` (raise, praise, assign, acknowledge, respond, escalate, resolve,
    reopen), logged against its child."""
    record_access(
        store, user=user, action="alert_action", child=alert.child, target=f"{alert.ref} {action}", now=now
    )


@dataclass(frozen=True)
class AccessLog:
    """The one way an access is recorded, from the workspace and the command line alike:
    who (`user`) and when (`now`, aware) are bound once, and each method names one kind
    of access, so both say the same thing for the same act."""

    store: CaseStore
    user: str
    now: datetime

    def child_viewed(self, child: str, *, printed: bool = False) -> None:
        """A child's record read (page, timeline, JSON) or printed (summary, HTML page)."""
        action = "printed_child" if printed else "viewed_child"
        record_access(self.store, user=self.user, action=action, child=child, now=self.now)

    def audit_viewed(
        self, child: str, *, as_of: date, known_at: datetime, later: datetime | None = None
    ) -> None:
        target = f"as of {as_of}, known at {known_at.isoformat()}" + (
            f", then {later.isoformat()}" if later else ""
        )
        record_access(
            self.store, user=self.user, action="viewed_audit", child=child, target=target, now=self.now
        )

    def alert_viewed(self, alert: Alert) -> None:
        record_access(
            self.store,
            user=self.user,
            action="viewed_alert",
            child=alert.child,
            target=alert.ref,
            now=self.now,
        )

    def alert_action(self, alert: Alert, action: str) -> None:
        record_alert_action(self.store, alert, user=self.user, action=action, now=self.now)

    def exported(self, what: str, fmt: str, children: Iterable[str] = ()) -> None:
        record_export(self.store, user=self.user, what=what, fmt=fmt, now=self.now, children=children)

    def report_exported(
        self,
        report: str,
        fmt: str,
        *,
        year: object = None,
        start: date | None = None,
        end: date | None = None,
        measure: str | None = None,
    ) -> None:
        """A report (`scorecard`, `iha`, `iro`) taken away as `fmt`, named by its period:
        the financial year as given (2022-23, or 2022 for the IHA table), or its days."""
        self.exported(report_name(report, year=year, start=start, end=end, measure=measure), fmt)

    def calendar_feed(self, child: str | None = None, *, by_url: bool = False) -> None:
        """A calendar feed read: one child's, or (no child) a whole caseload's; `by_url`:
        through the person's secret feed URL rather than signed in."""
        if child is None:
            target: str | None = "caseload (feed URL)" if by_url else "caseload"
        else:
            target = "feed URL" if by_url else None
        record_access(
            self.store, user=self.user, action="calendar_feed", child=child, target=target, now=self.now
        )

    def access_log_viewed(self, *, child: str | None = None, of_user: str | None = None) -> None:
        target = f"user={of_user}" if of_user else None
        record_access(
            self.store, user=self.user, action="viewed_access_log", child=child, target=target, now=self.now
        )


def report_name(
    report: str,
    *,
    year: object = None,
    start: date | None = None,
    end: date | None = None,
    measure: str | None = None,
) -> str:
    """How the access log names a report: `iro report, 2022-04-01 to 2023-03-31`."""
    period = str(year) if year is not None else f"{start} to {end}" if start or end else None
    return ", ".join(part for part in (f"{report} report", period, measure) if part)


def _all(store: CaseStore) -> Iterator[Access]:
    mapper = store.mapper
    start = 1
    while True:
        page = store.recorder.select_notifications(start, 5000, topics=[AccessRecord.Recorded.TOPIC])
        for notification in page:
            e = mapper.to_domain_event(notification)
            yield Access(e.user, e.at, e.action, e.child, e.target)  # type: ignore[attr-defined]
        if len(page) < 5000:
            break
        start = page[-1].id + 1


def read_access_log(
    store: CaseStore,
    *,
    child: str | None = None,
    user: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Access]:
    """Entries in the order recorded, filtered; `start` and `end` are days in England, inclusive."""
    out = []
    for entry in _all(store):
        day = entry.at.astimezone(LONDON).date()
        if child is not None and entry.child != child:
            continue
        if user is not None and entry.user.lower() != user.lower():
            continue
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        out.append(entry)
    return out
