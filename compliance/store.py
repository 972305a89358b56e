"""The event store: one `eventsourcing` aggregate per child holding its recorded facts.

Each import appends, for each child it touches, one `FactsRecorded` event holding that
import's facts for the child, every child of a file saved in one transaction. The facts
are JSON-native dicts exactly as the importer gives them; the stored event's own
timestamp (aware UTC, set by the library) is the store's record time. Nothing is updated
in place or deleted.

Persistence is chosen by URL (`open_store`): an embedded SQLite file by default,
PostgreSQL when several people and the nightly batch share one store, in-memory for unit
tests. With `CASECHECK_CIPHER_KEY` set, stored state is encrypted (AES-GCM) as well as
compressed (zlib).

Reading goes around the aggregate repository, whose default projector replays events
one aggregate at a time: one child is one `select_events`; every child is one ordered,
streamed query over the events table. Each stored event is decoded by the application's
own mapper, so encryption, compression and event upcasting (`class_version`) still apply.

Stable topics. Every stored class has an explicit topic, so moving or renaming a class
never orphans stored history. In eventsourcing 9.5 this is the `TOPIC` class attribute:
an aggregate class that sets `TOPIC` in its body must give every nested event class its
own `TOPIC` (the library refuses the class at import time otherwise) and the library
registers them, so a stored event resolves by that name wherever the class now lives.
Other aggregates (alerts, nightly runs) follow the same pattern::

    class Alert(Aggregate):
        TOPIC = "casecheck:Alert"

        class Event(Aggregate.Event):
            TOPIC = "casecheck:Alert.Event"

        class Raised(Event, Aggregate.Created):
            TOPIC = "casecheck:Alert.Raised"

Keep the `TOPIC` string when a class moves or is renamed. Any other stored class (not
nested in such an aggregate) gets one with `stable_topic(cls, "Name")`.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlparse
from uuid import UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    MapperDeserialisationError,
    OperationalError,
    PersistenceError,
    StoredEvent,
    Transcoding,
)
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore
from eventsourcing.utils import TopicError, register_topic, resolve_topic

from compliance.errors import ChildNotFound, ConcurrentChange, ImportConflict, StoreError
from compliance.integrity import (
    CHECKPOINT_TOPIC,
    CLOSING_SUFFIX,
    FLAG_KEYED_ALERTS,
    FLAG_KEYED_IDS,
    FittedZlib,
    Head,
    Keys,
    SealedMapper,
    SealingEventStore,
    Verification,
    check_key,
    checkpoint_id,
    head_of,
    is_sealed,
    keyed_id,
    verify_log,
)
from compliance.output import create_private

#: Namespace of every deterministic id in the store (children, alerts, runs).
CASECHECK_NAMESPACE = UUID("6d1f3c2a-0b5e-4c4e-9a55-2f1c0c0ac5e1")
TOPIC_PREFIX = "casecheck:"
CIPHER_KEY_ENV = "CASECHECK_CIPHER_KEY"
DB_ENV = "CASECHECK_DB"
DEFAULT_DB = "casecheck.db"

T = TypeVar("T", bound=type)


def stable_topic(cls: T, name: str) -> T:
    """Give a stored class that is not nested in an aggregate with its own `TOPIC` the
    explicit topic "casecheck:<name>", so its stored history resolves wherever it moves.
    Aggregates and their events set `TOPIC` in the class body instead (module docstring)."""
    topic = TOPIC_PREFIX + name
    try:
        register_topic(topic, cls)
    except TopicError:
        raise ValueError(f"topic {topic!r} is already taken by {resolve_topic(topic)!r}") from None
    cls.TOPIC = topic  # type: ignore[attr-defined]
    return cls


def replay(events: Iterable[Any]) -> Any:
    """The aggregate its events make, applied in turn (the library's `project_aggregate`
    without its runtime Protocol check of each event, which costs more than applying it)."""
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def child_aggregate_id(child: str) -> UUID:
    """A child's aggregate id in a store without keyed ids. Inside the store use
    `CaseStore.child_id`, which is keyed when the store is encrypted."""
    return uuid5(CASECHECK_NAMESPACE, "child:" + child)


class DateAsISO(Transcoding):
    """`datetime.date` as an ISO string (alerts and runs hold dates; facts are JSON-native).
    `datetime` values keep the library's own DatetimeAsISO: the transcoder matches exact types."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ChildCase(Aggregate):
    """A child's record: every fact recorded about the child, in recording order.

    The state kept is only what writing needs (digests for de-duplication, a count); the
    facts themselves are read straight from the stored events (`CaseStore.read_child`).
    """

    TOPIC = "casecheck:ChildCase"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:ChildCase.Event"

    class Opened(Event, Aggregate.Created):
        TOPIC = "casecheck:ChildCase.Opened"
        child: str

    class FactsRecorded(Event):
        """One import's facts for this child (JSON-native dicts, as given). `child` is kept
        in every event too, so a bulk read can name the child without another lookup."""

        TOPIC = "casecheck:ChildCase.FactsRecorded"
        child: str
        facts: list[dict[str, Any]]
        digests: dict[str, str]

        def apply(self, aggregate: ChildCase) -> None:  # type: ignore[override]
            aggregate.digests.update(self.digests)
            aggregate.fact_count += len(self.facts)

    def __init__(self, child: str) -> None:
        self.child = child
        self.digests: dict[str, str] = {}
        self.fact_count = 0

    @classmethod
    def open(cls, child: str, aggregate_id: UUID | None = None) -> ChildCase:
        return cls._create(cls.Opened, id=aggregate_id or child_aggregate_id(child), child=child)

    def record(self, facts: list[dict[str, Any]], digests: dict[str, str]) -> None:
        self.trigger_event(self.FactsRecorded, child=self.child, facts=facts, digests=digests)


OPENED_TOPIC = ChildCase.Opened.TOPIC
FACTS_TOPIC = ChildCase.FactsRecorded.TOPIC
CHILD_TOPICS = (OPENED_TOPIC, FACTS_TOPIC)


# --- the store-wide index of event ids -----------------------------------------------
#
# An event `id` belongs to one child across the whole store (EVENTS.md). The index says
# which child owns each id: 256 shard aggregates, an id's shard given by its hash, each
# shard's events listing the hashed ids claimed for each child (by the child's aggregate
# id). Ids are hashed by keyed BLAKE2b (a MAC) with a key derived from the cipher key when the store is
# encrypted (so the index does not let anyone test for an id), with a fixed,
# domain-separated key otherwise. The index is written in the same transaction as the
# facts it covers, by `CaseStore.record`, which refuses (stores nothing) when a new
# fact's id is already another child's. A marker aggregate says the index is complete:
# a store made before the index gets it from its stored facts on its first write, in
# that write's transaction.

EVENT_ID_SHARDS = 256
#: Ids claimed in one event of a shard, at most (`EventIdShard.claim`).
CLAIMS_PER_EVENT = 1000
_HASHED_ID_BYTES = 10  # 80 bits (keyed BLAKE2b): no accidental collision among billions of ids


class EventIdShard(Aggregate):
    """One shard of the index of event ids: hashed id -> owning child's aggregate id."""

    TOPIC = "casecheck:EventIdShard"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:EventIdShard.Event"

    class Created(Event, Aggregate.Created):
        TOPIC = "casecheck:EventIdShard.Created"
        shard: int

    class Claimed(Event):
        """Ids claimed in one write: child aggregate id (hex) -> hashed event ids."""

        TOPIC = "casecheck:EventIdShard.Claimed"
        owners: dict[str, list[str]]

        def apply(self, aggregate: EventIdShard) -> None:  # type: ignore[override]
            aggregate.count += sum(len(ids) for ids in self.owners.values())

    def __init__(self, shard: int) -> None:
        self.shard = shard
        self.count = 0

    @classmethod
    def open(cls, shard: int) -> EventIdShard:
        return cls._create(cls.Created, id=event_id_shard_id(shard), shard=shard)

    def claim(self, owners: dict[str, list[str]]) -> None:
        """Claim the ids for their owners, in events of about `CLAIMS_PER_EVENT` ids at
        most (a child's ids are never split): a later write's record links to this
        shard's last one, which the nightly's verification then reads and checks, and
        a large import's claims in one event made that record hundreds of kilobytes."""
        part: dict[str, list[str]] = {}
        size = 0
        for owner, hashed_ids in owners.items():
            if part and size + len(hashed_ids) > CLAIMS_PER_EVENT:
                self.trigger_event(self.Claimed, owners=part)
                part, size = {}, 0
            part[owner] = hashed_ids
            size += len(hashed_ids)
        if part:
            self.trigger_event(self.Claimed, owners=part)


class EventIdIndex(Aggregate):
    """The marker that the index of event ids covers every fact of the store."""

    TOPIC = "casecheck:EventIdIndex"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:EventIdIndex.Event"

    class Completed(Event, Aggregate.Created):
        TOPIC = "casecheck:EventIdIndex.Completed"
        shards: int
        backfilled: int  # ids taken from facts stored before the index existed

    def __init__(self, shards: int, backfilled: int) -> None:
        self.shards, self.backfilled = shards, backfilled


EVENT_ID_INDEX_ID = uuid5(CASECHECK_NAMESPACE, "event-id-index")
SHARD_TOPICS = (EventIdShard.Created.TOPIC, EventIdShard.Claimed.TOPIC)
INDEX_TOPICS = (*SHARD_TOPICS, EventIdIndex.Completed.TOPIC)


def event_id_shard_id(shard: int) -> UUID:
    return uuid5(CASECHECK_NAMESPACE, f"event-id-shard:{shard}")


class IdTaken(ImportConflict):
    """New facts whose ids are already another child's (nothing was stored). `taken`
    lists (child, event id) of each; the message names neither the id nor the other child."""

    def __init__(self, taken: list[tuple[str, str]]) -> None:
        self.taken = taken
        n = len(taken)
        super().__init__(
            f"{n} event id{'s' if n != 1 else ''} already recorded for another child; ids are unique "
            "across children: send such an event with a new id"
        )


@dataclass(frozen=True, slots=True)
class StoredFact:
    fact: dict[str, Any]  # the JSON-native fact as recorded
    stored_at: datetime  # the store's record time (aware UTC): its FactsRecorded timestamp
    position: int  # order of recording within the child: 0, 1, 2, ... over all its events


@dataclass(frozen=True, slots=True)
class CheckpointView:
    run: str
    head: Head
    recorded_at_position: int


# A stored event as read in bulk: (originator_id, originator_version, topic, state).
Row = tuple[UUID, int, str, bytes]


class CaseStore(Application[UUID]):
    """The application holding children's records (and, via other modules, alerts and runs)."""

    # Also the prefix of the PostgreSQL tables (casecheck_events) and of settings read from
    # the environment (CASECHECK_CIPHER_KEY is the library's CIPHER_KEY): never change it.
    name = "casecheck"
    is_snapshotting_enabled = False

    def __init__(self, env: Mapping[str, str] | None = None, *, url: str = "memory:") -> None:
        self.keys = Keys.from_text((env or {}).get("CIPHER_KEY"))
        super().__init__(env=dict(env or {}))
        self.url = url
        self._opened_with = dict(env or {})
        # A store's first record says how its children's and alerts' ids are made: keyed
        # (HMAC under a key derived from the cipher key) or the uuid5 of earlier versions.
        first = self.recorder.select_notifications(1, 2)
        check_key(self.mapper, first)
        flags = first[0].state[4] if first and is_sealed(first[0].state) else 0
        self._id_key = self.keys.id_key if not first or flags & FLAG_KEYED_IDS else None
        self._alert_key = self.keys.id_key if not first or flags & FLAG_KEYED_ALERTS else None
        self._index_key = self.keys.index_key
        self._alert_ids: dict[str, UUID] = {}  # ref -> aggregate id, worked out once

    # --- integrity -------------------------------------------------------------------

    def construct_mapper(self) -> SealedMapper:  # type: ignore[override]
        return SealedMapper(self.construct_transcoder(), FittedZlib(), self.keys)

    def construct_event_store(self) -> SealingEventStore:  # type: ignore[override]
        return SealingEventStore(self.mapper, self.recorder)  # type: ignore[arg-type]

    def construct_snapshot_store(self) -> SealingEventStore:  # type: ignore[override]
        recorder = self.factory.aggregate_recorder(purpose="snapshots")
        mapper = SealedMapper(self.construct_transcoder(), FittedZlib(), self.keys, chained=False)
        return SealingEventStore(mapper, recorder, chained=False)

    def verify(self, since_run: str | None = None, *, since: Head | None = None) -> Verification:
        """Check the whole store (or what was recorded after the checkpoint of run
        `since_run`, or after the head `since`): every record's seal, every aggregate's
        chain, and the head against every checkpoint. Reads only; see compliance.integrity."""
        if since_run:
            since = self.checkpoint(since_run).head
        sqlite = isinstance(self.recorder, SQLiteApplicationRecorder)
        with self._reading():
            return verify_log(
                self.mapper,
                self.recorder,
                since=since,
                name_of=self._child_named,
                count_upto=self._count_upto,
                rows=self._log_rows if sqlite else None,
                records_before=self._records_before if sqlite else None,
            )

    def _log_rows(self, start: int, limit: int) -> list[tuple[int, UUID, int, str, bytes]]:
        """(position, aggregate id, version, topic, state) of the log from `start` on, as
        plain tuples (SQLite: what `verify` reads, without a `Notification` each)."""
        recorder = self.recorder
        assert isinstance(recorder, SQLiteApplicationRecorder)
        with recorder.datastore.transaction(commit=False) as cursor:
            raw = cursor.sqlite_cursor
            raw.row_factory = None  # plain tuples
            raw.execute(
                "SELECT rowid, originator_id, originator_version, topic, state FROM "
                f"{recorder.events_table_name} WHERE rowid>=? ORDER BY rowid LIMIT ?",
                (start, limit),
            )
            return [(n, UUID(i), v, t, st) for n, i, v, t, st in raw.fetchall()]

    def _records_before(self, pairs: Sequence[tuple[UUID, int]]) -> dict[UUID, tuple[int, str, bytes]]:
        """(version, topic, state) of each aggregate's newest record before the version
        given (SQLite: what `verify` reads since a checkpoint, in a query for many
        aggregates, each found by the primary key)."""
        recorder = self.recorder
        assert isinstance(recorder, SQLiteApplicationRecorder)
        table = recorder.events_table_name
        found: dict[UUID, tuple[int, str, bytes]] = {}
        with recorder.datastore.transaction(commit=False) as cursor:
            raw = cursor.sqlite_cursor
            raw.row_factory = None  # plain tuples
            for chunk in _chunks(pairs, 400):
                wanted = ",".join("(?,?)" for _ in chunk)
                raw.execute(
                    f"WITH wanted(id, v) AS (VALUES {wanted}) "
                    f"SELECT e.originator_id, e.originator_version, e.topic, e.state FROM wanted JOIN {table} e "
                    "ON e.originator_id = wanted.id AND e.originator_version = ("
                    f"SELECT MAX(originator_version) FROM {table} "
                    "WHERE originator_id = wanted.id AND originator_version < wanted.v)",
                    [value for aggregate, version in chunk for value in (aggregate.hex, version)],
                )
                for i, v, t, st in raw.fetchall():
                    found[UUID(i)] = (v, t, st)
        return found

    def checkpoint_head(self, run: str) -> Head | None:
        """The head recorded by the checkpoint of run `run` (its full id), read by its
        aggregate id and its seal checked; None when there is no such checkpoint."""
        with self._reading():
            rows = self.recorder.select_events(checkpoint_id(run), limit=1)
            return head_of(self.mapper.to_domain_event(rows[0])) if rows else None

    def _count_upto(self, position: int) -> int:
        """How many records the log holds up to `position` (an index count, no record read)."""
        recorder = self.recorder
        if isinstance(recorder, POPOApplicationRecorder):
            return min(position, len(recorder._stored_events))
        if isinstance(recorder, SQLiteApplicationRecorder):
            table = recorder.events_table_name
            with recorder.datastore.transaction(commit=False) as cursor:
                raw = cursor.sqlite_cursor
                try:  # over the primary key's index, which holds every rowid: far fewer pages
                    raw.execute(
                        f"SELECT COUNT(*) FROM {table} INDEXED BY sqlite_autoindex_{table}_1 WHERE rowid <= ?",
                        (position,),
                    )
                except sqlite3.OperationalError:  # a table made without that index
                    raw.execute(f"SELECT COUNT(*) FROM {table} WHERE rowid <= ?", (position,))
                return int(raw.fetchone()[0])
        from psycopg.rows import tuple_row
        from psycopg.sql import SQL, Identifier

        datastore = recorder.datastore
        query = SQL("SELECT COUNT(*) FROM {}.{} WHERE notification_id <= %s").format(
            Identifier(datastore.schema),
            Identifier(recorder.events_table_name),  # type: ignore[attr-defined]
        )
        with (
            datastore.get_connection() as conn,
            conn.transaction(force_rollback=True),
            conn.cursor(row_factory=tuple_row) as cursor,
        ):
            row = cursor.execute(query, (position,)).fetchone()
            return int(row[0]) if row else 0

    def checkpoint(self, run: str) -> CheckpointView:
        """The checkpoint a nightly run recorded (`run`: its id, or a unique prefix of it)."""
        wanted = run.strip().lower()
        found: list[CheckpointView] = []
        with self._reading():
            start = 1
            while True:
                page = self.recorder.select_notifications(start, 1000, topics=[CHECKPOINT_TOPIC])
                for n in page:
                    event = self.mapper.to_domain_event(n)
                    if event.run.endswith(CLOSING_SUFFIX) and event.run.lower() != wanted:
                        continue  # a run's closing checkpoint, named only in full
                    if event.run.lower().startswith(wanted) and len(wanted) >= 8:
                        found.append(CheckpointView(event.run, head_of(event), n.id))
                if len(page) < 1000:
                    break
                start = page[-1].id + 1
        if len(found) != 1:
            raise StoreError(
                f"no checkpoint of a run {'named' if not found else 'uniquely named'} {run[:40]!r}: "
                "give a run id from `casecheck runs --json`"
            )
        return found[0]

    def _child_named(self, aggregate_id: Any) -> str | None:
        """The child an aggregate belongs to, when it is a child's record and readable."""
        try:
            rows = self.recorder.select_events(aggregate_id, limit=1)
            return getattr(self.mapper.to_domain_event(rows[0]), "child", None) if rows else None
        except Exception:  # a damaged record: the problem is reported by id instead
            return None

    def child_id(self, child: str) -> UUID:
        """A child's aggregate id: keyed when the store is, else the uuid5 of old."""
        return keyed_id(self._id_key, "child", child)

    def alert_id(self, ref: str) -> UUID:
        """An alert's aggregate id (by its reference, "PA-..."): keyed when the store was
        created encrypted by a version that keys alerts, else the uuid5 of old, so the
        alerts of an older encrypted store are still found (`rekey` moves them to keyed ids)."""
        found = self._alert_ids.get(ref)
        if found is None:
            if len(self._alert_ids) >= 500_000:  # bounded: a miss only works the id out again
                self._alert_ids.clear()
            found = self._alert_ids[ref] = keyed_id(self._alert_key, "alert", ref)
        return found

    def opening(self) -> tuple[dict[str, str], str] | None:
        """What another process needs to open this same store (`CaseStore(env, url=url)`),
        or None for a store in memory, which no other process can see."""
        if isinstance(self.recorder, POPOApplicationRecorder):
            return None
        return dict(self._opened_with), self.url

    def forkable(self) -> bool:
        """Whether a copy of this process made by fork may open this store afresh: an
        SQLite file with none of this process's connections in use (no transaction or read
        open, so the copy inherits no lock), since SQLite's locks belong to the process."""
        datastore = getattr(self.recorder, "datastore", None)
        return isinstance(datastore, SQLiteDatastore) and datastore.pool.num_in_use == 0

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Save aggregates in one transaction. Another writer having changed one of them
        since it was read (the library's optimistic concurrency check) is reported as a
        project error: nothing of this save was stored, and doing it again is safe."""
        try:
            aggregates = [obj for obj in objs if obj is not None]
            if (
                kwargs
                or self.repository.cache is not None
                or type(self).snapshotting_intervals
                or not all(isinstance(obj, Aggregate) for obj in aggregates)
            ):
                return super().save(*objs, **kwargs)
            # The library's save, without its per-object runtime Protocol checks (costly
            # isinstance calls, thousands of them a nightly batch) and the recordings
            # nothing here reads. Decided before any events are collected: collecting
            # takes an aggregate's pending events, so they could not be collected twice.
            self.events.append([event for obj in aggregates for event in obj.collect_events()])  # type: ignore[attr-defined]
            return None
        except IntegrityError:
            raise ConcurrentChange(
                "another user or process changed the same records at the same time; "
                "nothing was stored: run the command again"
            ) from None
        except OperationalError:  # a deadlock, serialisation failure or lock wait, already retried
            raise ConcurrentChange(
                "the store was busy with another process (retried, still in conflict); "
                "nothing was stored: run the command again"
            ) from None
        except PersistenceError as exc:
            raise StoreError(f"the store could not be written: {_one_line(exc)}") from None

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # --- writing ---------------------------------------------------------------------

    def record(
        self,
        batches: Mapping[str, Sequence[dict[str, Any]]],
        digests: Mapping[str, Mapping[str, str]] | None = None,
    ) -> int:
        """Append each child's facts as one `FactsRecorded`, opening the child's case if
        new; every child in ONE transaction, so either all are stored or none. `digests`
        gives, per child, the content digest of each new fact by its id (for de-duplicating
        later imports). Returns the number of facts stored."""
        wanted = {child: list(facts) for child, facts in batches.items() if facts}
        for child, facts in wanted.items():  # guards first: an exception stores nothing
            if not isinstance(child, str) or not child:
                raise StoreError(f"a child id must be a non-empty string, not {child!r}")
            if not all(isinstance(f, dict) for f in facts):
                raise StoreError(f"facts for child {child} must be dicts")
        if not wanted:
            return 0
        index = self._claims(wanted)  # raises IdTaken before anything is saved
        existing = self._load_cases(wanted)
        cases: list[ChildCase] = []
        for child, facts in wanted.items():
            case = existing.get(child) or ChildCase.open(child, self.child_id(child))
            case.record(facts, dict((digests or {}).get(child, {})))
            cases.append(case)
        self.save(*cases, *index)
        return sum(len(facts) for facts in wanted.values())

    def hashed_event_id(self, event_id: str) -> str:
        """An event id as the index of ids holds it (keyed when the store is encrypted)."""
        return hashlib.blake2b(
            event_id.encode(), digest_size=_HASHED_ID_BYTES, key=self._index_key, person=b"casecheck:evid"
        ).hexdigest()

    def _claims(self, wanted: Mapping[str, Sequence[dict[str, Any]]]) -> list[Aggregate]:
        """The index records to save with `wanted`'s facts (the shards they add to, and
        the marker with the backfill when the store predates the index). Raises `IdTaken`
        when an id is already another child's, in the store or among `wanted`."""
        new: dict[str, tuple[str, str, str]] = {}  # hashed id -> (owner hex, child, event id)
        taken: list[tuple[str, str]] = []
        for child, facts in wanted.items():
            owner = self.child_id(child).hex
            for fact in facts:
                event_id = fact.get("id")
                if not isinstance(event_id, str) or not event_id:
                    continue
                claim = new.setdefault(self.hashed_event_id(event_id), (owner, child, event_id))
                if claim[0] != owner:
                    taken.append((child, event_id))
        with self._reading():
            complete = bool(self.recorder.select_events(EVENT_ID_INDEX_ID, limit=1))
            backfill = {} if complete else self._index_from_facts()
        by_shard: dict[int, dict[str, str]] = {}
        for hashed, (owner, _child, _event_id) in new.items():
            by_shard.setdefault(int(hashed[:2], 16), {})[hashed] = owner
        for hashed, owner in backfill.items():
            claim = new.get(hashed)
            if claim is not None and claim[0] != owner:
                taken.append(claim[1:])
            by_shard.setdefault(int(hashed[:2], 16), {})[hashed] = owner
        wanted_shards = sorted(by_shard)
        stored, shards = self._stored_owners(wanted_shards, None, 0)
        for claims in by_shard.values():
            for hashed in [h for h in claims if h in stored]:
                if claims[hashed] != stored[hashed] and hashed in new:
                    taken.append(new[hashed][1:])
                del claims[hashed]  # already in the index: nothing to add
        if taken:
            raise IdTaken(sorted(set(taken)))
        out: list[Aggregate] = []
        for n in wanted_shards:
            claims = by_shard[n]
            if not claims and n in shards:
                continue
            shard = shards.get(n) or EventIdShard.open(n)
            owners: dict[str, list[str]] = {}
            for hashed, owner in claims.items():
                owners.setdefault(owner, []).append(hashed)
            if owners:
                shard.claim(owners)
            out.append(shard)
        if not complete:
            out.append(
                EventIdIndex._create(
                    EventIdIndex.Completed,
                    id=EVENT_ID_INDEX_ID,
                    shards=EVENT_ID_SHARDS,
                    backfilled=len(backfill),
                )
            )
        return out

    def _index_from_facts(self) -> dict[str, str]:
        """hashed id -> owner hex for every fact stored (a store made before the index).
        An id stored for two children before the index existed keeps its first owner."""
        found: dict[str, str] = {}
        for event_id, owner in self._stored_fact_ids():
            found.setdefault(self.hashed_event_id(event_id), owner)
        return found

    def _stored_fact_ids(self) -> Iterator[tuple[str, str]]:
        """(event id, owning child's aggregate id as hex) of every fact stored."""
        for aggregate_id, rows in _grouped(self._rows((FACTS_TOPIC,), None)):
            owner = aggregate_id.hex
            for row in rows:
                for fact in self._to_event(row).facts:
                    event_id = fact.get("id")
                    if isinstance(event_id, str) and event_id:
                        yield event_id, owner

    def _load_cases(self, children: Iterable[str]) -> dict[str, ChildCase]:
        """The existing cases among `children`, rebuilt from their stored events in bulk
        (a few queries in all, rather than one repository round trip per child)."""
        cases: dict[str, ChildCase] = {}
        for chunk in _chunks(sorted(set(children)), 500):
            ids = {self.child_id(c): c for c in chunk}
            for aggregate_id, rows in _grouped(self._rows(CHILD_TOPICS, list(ids))):
                case = replay(self._to_event(row) for row in rows)
                assert isinstance(case, ChildCase)
                cases[ids[aggregate_id]] = case
        return cases

    # --- writing a large import in parts, in one transaction ---------------------------

    def id_claims(self) -> IdClaims:
        """A spool for the ids of a large import, checked with `check_claims` and written
        with `write_claims` (the streamed import's way to the index of ids)."""
        return IdClaims(self)

    def index_complete(self) -> bool:
        with self._reading():
            return bool(self.recorder.select_events(EVENT_ID_INDEX_ID, limit=1))

    def backfill_claims(self) -> IdClaims:
        """The ids of every fact stored, as claims (tag -1): for a store made before the
        index, which gets its index from them in its next write."""
        claims = IdClaims(self)
        with self._reading():
            for event_id, owner in self._stored_fact_ids():
                claims.add_owned(event_id, owner, -1)
        return claims

    def _stored_owners(
        self, shards: Sequence[int], backfill: IdClaims | None, part: int
    ) -> tuple[dict[str, str], dict[int, EventIdShard]]:
        """hashed id -> owner hex of the ids the store holds in `shards`, and those shards."""
        owners: dict[str, str] = {}
        found: dict[int, EventIdShard] = {}
        if backfill is not None:
            for hashed, owner, _tag in backfill.part(part):
                owners.setdefault(hashed, owner)
            return owners, found
        ids = {event_id_shard_id(n): n for n in shards}
        with self._reading():
            for aggregate_id, group in _grouped(self._rows(SHARD_TOPICS, list(ids))):
                events = [self._to_event(row) for row in group]
                shard = replay(events)
                assert isinstance(shard, EventIdShard)
                found[ids[aggregate_id]] = shard
                for event in events[1:]:
                    for owner, hashed_ids in event.owners.items():
                        for hashed in hashed_ids:
                            owners.setdefault(hashed, owner)
        return owners, found

    def check_claims(
        self, claims: IdClaims, backfill: IdClaims | None
    ) -> tuple[list[tuple[int, int]], list[int]]:
        """The conflicts among `claims` (read only): (tag, tag of the earlier claim) of each
        id claimed for two children within them, and the tags of ids already another
        child's in the store. `backfill`: the store's own ids when it predates the index."""
        within: list[tuple[int, int]] = []
        elsewhere: list[int] = []
        for part in range(IdClaims.PARTS):
            entries = sorted(claims.part(part), key=lambda e: e[2])
            if not entries:
                continue
            stored, _ = self._stored_owners(_shards_hit(entries), backfill, part)
            first: dict[str, tuple[str, int]] = {}
            for hashed, owner, tag in entries:
                earlier = first.setdefault(hashed, (owner, tag))
                if earlier[0] != owner:
                    within.append((tag, earlier[1]))
                    continue
                held = stored.get(hashed)
                if held is not None and held != owner:
                    elsewhere.append(tag)
        return sorted(within), sorted(set(elsewhere))

    def write_claims(self, writer: PartWriter, claims: IdClaims, backfill: IdClaims | None) -> None:
        """Add `claims` (already checked) to the index, in `writer`'s transaction; with
        `backfill`, build the index from it too and mark it complete."""
        for part in range(IdClaims.PARTS):
            entries = list(claims.part(part))
            if backfill is None and not entries:
                continue  # no id of this import falls in these shards: nothing to read
            hit = IdClaims.shards_of(part) if backfill is not None else _shards_hit(entries)
            stored, shards = self._stored_owners(hit, backfill, part)
            new: dict[int, dict[str, list[str]]] = {}
            if backfill is not None:  # the stored ids become the index's first claims
                for hashed, owner in stored.items():
                    new.setdefault(int(hashed[:2], 16), {}).setdefault(owner, []).append(hashed)
            for hashed, owner, _tag in entries:
                if hashed not in stored:
                    stored[hashed] = owner
                    new.setdefault(int(hashed[:2], 16), {}).setdefault(owner, []).append(hashed)
            changed: list[EventIdShard] = []
            for n, owners in sorted(new.items()):
                shard = shards.get(n) or EventIdShard.open(n)
                shard.claim(owners)
                changed.append(shard)
            if changed:
                writer.save(*changed)
        if backfill is not None:
            writer.save(
                EventIdIndex._create(
                    EventIdIndex.Completed,
                    id=EVENT_ID_INDEX_ID,
                    shards=EVENT_ID_SHARDS,
                    backfilled=backfill.count if backfill is not None else 0,
                )
            )

    def load_cases(self, children: Iterable[str]) -> dict[str, ChildCase]:
        """The existing cases among `children` (to append to with a `PartWriter`)."""
        with self._reading():
            return self._load_cases(children)

    def new_case(self, child: str) -> ChildCase:
        return ChildCase.open(child, self.child_id(child))

    @contextmanager
    def writing_in_parts(self) -> Iterator[PartWriter]:
        """One transaction whose records are written part by part (`writer.save(...)`),
        so a large import need not hold all of them at once. Committed when the block
        ends; on any exception, Ctrl-C included, rolled back whole: nothing is stored.
        On PostgreSQL the events table is locked (EXCLUSIVE, as for every write) from
        the first part to the commit, so notification ids follow commit order."""
        writer = PartWriter(self)
        recorder = self.recorder
        try:
            if isinstance(recorder, POPOApplicationRecorder):  # in memory: one insert at the end
                pending: list[StoredEvent] = []
                writer.insert = pending.extend
                yield writer
                if pending:
                    recorder.insert_events(pending)
            elif isinstance(recorder, SQLiteApplicationRecorder):
                with recorder.datastore.transaction(commit=True) as cursor:
                    writer.insert = lambda stored: recorder._insert_events(cursor, stored)
                    yield writer
            else:  # PostgreSQL: one binary COPY under the table lock (compliance/postgres.py)
                with recorder.copying_in() as add:  # type: ignore[attr-defined]
                    writer.insert = add
                    yield writer
        except IntegrityError:
            raise ConcurrentChange(
                "another user or process changed the same records at the same time; "
                "nothing was stored: run the command again"
            ) from None
        except OperationalError:
            raise ConcurrentChange(
                "the store was busy with another process; nothing was stored: run the command again"
            ) from None
        except PersistenceError as exc:
            raise StoreError(f"the store could not be written: {_one_line(exc)}") from None
        writer.committed()

    # --- reading ---------------------------------------------------------------------

    def read_child(self, child: str) -> list[StoredFact]:
        """Every fact recorded about a child, in recording order."""
        with self._reading():
            stored = self.recorder.select_events(self.child_id(child))
            facts = _facts_of(self.mapper.to_domain_event(s) for s in stored if s.topic == FACTS_TOPIC)
        if not facts:
            raise ChildNotFound(f"no child with id {child!r} in the store")
        return facts

    def unknown_children(self, children: Iterable[str]) -> list[str]:
        """Those of `children` that have no record in the store, sorted. Looked up by
        aggregate id, so the cost does not grow with the size of the store."""
        wanted = sorted(set(children))
        found: set[UUID] = set()
        with self._reading():
            for chunk in _chunks(wanted, 500):
                ids = [self.child_id(c) for c in chunk]
                found.update(row[0] for row in self._rows((OPENED_TOPIC,), ids))
        return [c for c in wanted if self.child_id(c) not in found]

    def children(self) -> list[str]:
        """Every child with recorded facts, sorted."""
        with self._reading():
            return sorted(self._opened_child(row) for row in self._rows((OPENED_TOPIC,), None))

    def _opened_child(self, row: Row) -> str:
        """The child of an `Opened` record: its state as the mapper reads it (seal checked,
        decrypted, decompressed), without building the event (the topic is known)."""
        originator_id, version, topic, state = row
        mapper: SealedMapper = self.mapper  # type: ignore[assignment]
        return mapper.transcoder.decode(mapper.plaintext(StoredEvent(originator_id, version, topic, state)))[
            "child"
        ]

    def iter_children(
        self, children: Iterable[str] | None = None, *, batch: int = 500
    ) -> Iterator[tuple[str, list[StoredFact]]]:
        """Every child's facts (or only the given children's), one child at a time, with
        memory bounded whatever the size of the store.

        Every child: one query ordered by aggregate id, fetched `batch` rows at a time
        (a server-side cursor on PostgreSQL), so children come in aggregate-id order, not
        sorted by child id. Given children: sorted by child id, `batch` children a query.
        Children without recorded facts are left out.
        """
        with self._reading():
            if children is None:
                for _aggregate_id, rows in _grouped(self._rows((FACTS_TOPIC,), None, fetch=batch)):
                    events = [self._to_event(row) for row in rows]
                    yield events[0].child, _facts_of(events)
                return
            for chunk in _chunks(sorted(set(children)), batch):
                ids = {self.child_id(c): c for c in chunk}
                found = dict(_grouped(self._rows((FACTS_TOPIC,), list(ids))))
                for child in chunk:
                    rows = found.get(self.child_id(child))
                    if rows:
                        yield child, _facts_of(self._to_event(row) for row in rows)

    def known_digests(self, children: Iterable[str]) -> dict[str, dict[str, str]]:
        """child -> {fact id -> content digest} for those of `children` in the store."""
        out: dict[str, dict[str, str]] = {}
        with self._reading():
            for chunk in _chunks(sorted(set(children)), 500):
                ids = {self.child_id(c): c for c in chunk}
                for row in self._rows((FACTS_TOPIC,), list(ids)):
                    out.setdefault(ids[row[0]], {}).update(self._to_event(row).digests)  # type: ignore[attr-defined]
        return out

    def position(self) -> int:
        """The store's current position: the last notification id (0 when empty)."""
        with self._reading():
            return self.recorder.max_notification_id() or 0

    def children_changed_since(self, position: int, upto: int | None = None) -> set[str]:
        """Children with facts recorded after a position (and up to `upto`, if given)."""
        changed: set[UUID] = set()
        start, page_size = position + 1, 1000
        with self._reading():
            while upto is None or start <= upto:
                page = self.recorder.select_notifications(start, page_size, stop=upto, topics=[FACTS_TOPIC])
                changed.update(n.originator_id for n in page)  # type: ignore[misc]
                if len(page) < page_size:
                    break
                start = page[-1].id + 1
            # Names from the (small) Opened events, not the notifications' facts.
            names: set[str] = set()
            for chunk in _chunks(sorted(changed), 500):
                names.update(self._to_event(row).child for row in self._rows((OPENED_TOPIC,), chunk))  # type: ignore[attr-defined]
        return names

    # --- decoding --------------------------------------------------------------------

    def _to_event(self, row: Row) -> Any:
        """A stored event as a domain event, by the application's mapper (cipher,
        compression, transcodings and upcasters all apply)."""
        originator_id, version, topic, state = row
        return self.mapper.to_domain_event(StoredEvent(originator_id, version, topic, state))

    @contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except PersistenceError as exc:
            raise StoreError(f"the store could not be read: {_one_line(exc)}") from None
        except MapperDeserialisationError as exc:  # a wrong key, or a key for a plain store
            raise StoreError(
                f"stored events could not be decoded (is {CIPHER_KEY_ENV} the store's key?): {_one_line(exc)}"
            ) from None

    # --- bulk access to the recorder's table -----------------------------------------

    def _rows(self, topics: Sequence[str], ids: Sequence[UUID] | None, *, fetch: int = 1000) -> Iterator[Row]:
        """Stored events with one of `topics` (of the aggregates `ids`, or all), ordered by
        (originator_id, originator_version), streamed `fetch` rows at a time."""
        recorder = self.recorder
        if isinstance(recorder, POPOApplicationRecorder):
            yield from _popo_rows(recorder, topics, ids)
        elif isinstance(recorder, SQLiteApplicationRecorder):
            yield from _sqlite_rows(recorder, topics, ids, fetch)
        else:
            yield from _postgres_rows(recorder, topics, ids, fetch)


def _popo_rows(
    recorder: POPOApplicationRecorder, topics: Sequence[str], ids: Sequence[UUID] | None
) -> Iterator[Row]:
    if ids is None:  # every aggregate with such events: found from the log, in memory anyway
        found: set[UUID] = set()
        start = 1
        while True:
            page = recorder.select_notifications(start, 5000, topics=topics)
            found.update(n.originator_id for n in page)  # type: ignore[misc]
            if len(page) < 5000:
                break
            start = page[-1].id + 1
        ids = list(found)
    for aggregate_id in sorted(ids):
        for s in recorder.select_events(aggregate_id):
            if s.topic in topics:
                yield s.originator_id, s.originator_version, s.topic, s.state  # type: ignore[misc]


def _sqlite_rows(
    recorder: SQLiteApplicationRecorder, topics: Sequence[str], ids: Sequence[UUID] | None, fetch: int
) -> Iterator[Row]:
    sql = (
        f"SELECT originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
        f"WHERE topic IN ({','.join('?' * len(topics))})"
    )
    params: list[Any] = list(topics)
    if ids is not None:
        if not ids:
            return
        sql += f" AND originator_id IN ({','.join('?' * len(ids))})"
        params += [i.hex for i in ids]
    sql += " ORDER BY originator_id, originator_version"
    with recorder.datastore.transaction(commit=False) as cursor:
        raw = cursor.sqlite_cursor
        raw.row_factory = None  # plain tuples
        raw.execute(sql, params)
        while rows := raw.fetchmany(fetch):
            for originator_id, version, topic, state in rows:
                yield UUID(originator_id), version, topic, state


def _postgres_rows(
    recorder: Any, topics: Sequence[str], ids: Sequence[UUID] | None, fetch: int
) -> Iterator[Row]:
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    datastore = recorder.datastore
    sql = SQL(
        "SELECT originator_id, originator_version, topic, state FROM {}.{} WHERE topic = ANY(%s)"
    ).format(Identifier(datastore.schema), Identifier(recorder.events_table_name))
    params: list[Any] = [list(topics)]
    if ids is not None:
        if not ids:
            return
        sql += SQL(" AND originator_id = ANY(%s)")
        params.append(list(ids))
    sql += SQL(" ORDER BY originator_id, originator_version")
    # A named (server-side) cursor: the server keeps the result and we fetch it in parts.
    with (
        datastore.get_connection() as conn,
        conn.transaction(force_rollback=True),
        conn.cursor(name="casecheck_rows", row_factory=tuple_row) as cursor,
    ):
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(fetch):
            for originator_id, version, topic, state in rows:
                yield originator_id, version, topic, bytes(state)


def _facts_of(events: Iterable[Any]) -> list[StoredFact]:
    """The facts of a child's FactsRecorded events, numbered in recording order."""
    out: list[StoredFact] = []
    for event in events:
        stored_at = event.timestamp
        for fact in event.facts:
            out.append(StoredFact(fact, stored_at, len(out)))
    return out


def _grouped(rows: Iterable[Row]) -> Iterator[tuple[UUID, list[Row]]]:
    """Consecutive rows of the same aggregate, as (aggregate id, rows)."""
    current: UUID | None = None
    group: list[Row] = []
    for row in rows:
        if row[0] != current:
            if group:
                yield current, group  # type: ignore[misc]
            current, group = row[0], []
        group.append(row)
    if group:
        yield current, group  # type: ignore[misc]


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), max(size, 1)):
        yield items[start : start + size]


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def _shards_hit(entries: Iterable[tuple[str, str, int]]) -> list[int]:
    """The index shards that hold the hashed ids of `entries` (only those need reading)."""
    return sorted({int(hashed[:2], 16) for hashed, _owner, _tag in entries})


class IdClaims:
    """Ids claimed for children by an import, spooled to unnamed temporary files (created
    readable by the owner only, gone when closed or when the process ends) in `PARTS`
    groups of shards, so a large import's ids are checked a group at a time."""

    PARTS = 16

    def __init__(self, store: CaseStore) -> None:
        self._store = store
        self._spools = [Spool() for _ in range(self.PARTS)]
        self._owners: dict[str, str] = {}
        self.count = 0

    @staticmethod
    def shards_of(part: int) -> list[int]:
        per = EVENT_ID_SHARDS // IdClaims.PARTS
        return list(range(part * per, (part + 1) * per))

    def add(self, event_id: str, child: str, tag: int) -> None:
        owner = self._owners.get(child)
        if owner is None:
            owner = self._owners[child] = self._store.child_id(child).hex
        self.add_owned(event_id, owner, tag)

    def add_owned(self, event_id: str, owner: str, tag: int) -> None:
        hashed = self._store.hashed_event_id(event_id)
        self._spools[int(hashed[:2], 16) * self.PARTS // EVENT_ID_SHARDS].add((hashed, owner, tag))
        self.count += 1

    def part(self, part: int) -> Iterator[tuple[str, str, int]]:
        return self._spools[part].items()

    def close(self) -> None:
        for spool in self._spools:
            spool.close()


class Spool:
    """Items written to an unnamed temporary file (mode 0600, no name in any folder) in
    pickled chunks, read back in order as often as needed. Only this process writes and
    reads it: nothing from outside is ever unpickled."""

    CHUNK = 512

    def __init__(self) -> None:
        import tempfile

        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._pending: list[Any] = []

    def add(self, item: Any) -> None:
        self._pending.append(item)
        if len(self._pending) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            pickle.dump(self._pending, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []

    def items(self) -> Iterator[Any]:
        import io

        self._flush()
        self._file.seek(0)
        data = self._file.read()
        self._file.seek(0, io.SEEK_END)
        reader = io.BytesIO(data)
        del data
        while reader.tell() < len(reader.getbuffer()):
            yield from pickle.load(reader)

    def clear(self) -> None:
        self._pending = []
        self._file.seek(0)
        self._file.truncate()

    def close(self) -> None:
        self._file.close()


class PartWriter:
    """Saves aggregates into the open transaction of `CaseStore.writing_in_parts`."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store
        self.insert: Callable[[list[StoredEvent]], Any] = lambda stored: None
        self._links: dict[Any, tuple[int, bytes]] = {}
        self.records = 0

    def save(self, *aggregates: Aggregate) -> None:
        mapper: SealedMapper = self._store.mapper  # type: ignore[assignment]
        stored: list[StoredEvent] = []
        for aggregate in aggregates:
            for event in aggregate.collect_events():
                key, version = event.originator_id, event.originator_version
                known = self._links.get(key)
                if known is not None and known[0] == version - 1:
                    prev = known[1]
                else:
                    prev = mapper.link_before(self._store.recorder, key, version)
                record = mapper.seal(event, prev)
                self._links[key] = (version, record.state[37:69])
                stored.append(record)
        if stored:
            self.insert(stored)
            self.records += len(stored)

    def committed(self) -> None:
        mapper: SealedMapper = self._store.mapper  # type: ignore[assignment]
        for key, (version, link) in self._links.items():
            mapper._remember(key, version, link)


# --- opening a store --------------------------------------------------------------


def new_cipher_key() -> str:
    """A new AES-256 key for CASECHECK_CIPHER_KEY (base64 text). Keep it safe: the
    store cannot be read without it."""
    from eventsourcing.cipher import AESCipher

    return AESCipher.create_key(32)


def store_env(url: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The eventsourcing settings for a store URL (see `open_store` for the forms)."""
    settings: dict[str, str] = {
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        "CIPHER_TOPIC": "",  # not one from the process environment
        "IS_SNAPSHOTTING_ENABLED": "y",  # the nightly ledger is snapshotted after each run
    }
    # A key named in `env` (even empty) wins over the process environment's.
    key = env[CIPHER_KEY_ENV] if env is not None and CIPHER_KEY_ENV in env else os.environ.get(CIPHER_KEY_ENV)
    if key:  # used by the store's own sealing mapper (compliance.integrity), not the library's cipher
        settings["CIPHER_KEY"] = key
    if url in ("memory:", ":memory:"):
        settings["PERSISTENCE_MODULE"] = "eventsourcing.popo"
        return settings
    parsed = urlparse(url)
    if parsed.scheme in ("postgresql", "postgres"):
        query = parse_qs(parsed.query)
        settings.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_DBNAME=unquote(parsed.path.lstrip("/")) or "postgres",
            POSTGRES_HOST=parsed.hostname or "127.0.0.1",
            POSTGRES_PORT=str(parsed.port or 5432),
            POSTGRES_USER=unquote(parsed.username or "postgres"),
            POSTGRES_PASSWORD=unquote(parsed.password or ""),
            POSTGRES_CONNECT_TIMEOUT="5",
            CREATE_TABLE="y",
            # The library's recorder, inserting without psycopg's pipeline mode (which
            # can hang on a large import): see compliance/postgres.py.
            APPLICATION_RECORDER_TOPIC="compliance.postgres:PostgresRecorder",
        )
        if "schema" in query:
            settings["POSTGRES_SCHEMA"] = query["schema"][0]
        return settings
    if parsed.scheme == "sqlite":
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else unquote(parsed.path)
    elif parsed.scheme in ("", "file") or (len(parsed.scheme) == 1 and os.name == "nt"):
        path = url
    else:
        raise StoreError(
            f"unsupported database URL {_redact(url)}: expected a file path, "
            "sqlite:///path or postgresql://user@host:port/db"
        )
    # The library puts a file database in WAL mode itself (readers never block the writer).
    settings.update(
        PERSISTENCE_MODULE="eventsourcing.sqlite",
        SQLITE_DBNAME=path,
        CREATE_TABLE="y",
        SQLITE_LOCK_TIMEOUT="30",
    )
    return settings


def open_store(url: str | None = None, *, env: Mapping[str, str] | None = None) -> CaseStore:
    """Open (creating if needed) the store at a URL:

    - None: `CASECHECK_DB` (from `env`, else the process environment), else casecheck.db
    - "memory:": in memory, for tests
    - a file path, or sqlite:///path: an embedded SQLite file
    - postgresql://user[:password]@host[:port]/dbname[?schema=NAME]: PostgreSQL (the
      schema and the tables are created if missing)

    With `CASECHECK_CIPHER_KEY` set (in `env` or the process environment), stored state
    is encrypted; see `new_cipher_key`.
    """
    url = url or (env or {}).get(DB_ENV) or os.environ.get(DB_ENV) or DEFAULT_DB
    settings = store_env(url, env)
    if settings["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        parent = Path(settings["SQLITE_DBNAME"]).expanduser().resolve().parent
        if not parent.is_dir():
            raise StoreError(f"cannot open the store {url}: folder {parent} does not exist")
        # SQLite gives the -wal and -shm files the database file's mode: the owner's only.
        try:
            create_private(settings["SQLITE_DBNAME"])
        except OSError as exc:
            raise StoreError(f"cannot open the store {url}: {exc.strerror or type(exc).__name__}") from None
    if settings["PERSISTENCE_MODULE"] == "eventsourcing.postgres":
        return _open_postgres(settings, url)
    return _construct(settings, url)


def _construct(settings: Mapping[str, str], url: str) -> CaseStore:
    try:
        return CaseStore(settings, url=url)
    except StoreError:
        raise
    except Exception as exc:  # the library raises several kinds; the user needs one line
        raise StoreError(
            f"cannot open the store {_redact(url)}: {type(exc).__name__}: {_one_line(exc)}"
        ) from None


#: The advisory lock under which a PostgreSQL store's schema and tables are created
#: (any fixed 64-bit number; the schema's name is the second key).
_CREATE_LOCK = 0x63617365


def _open_postgres(settings: dict[str, str], url: str) -> CaseStore:
    """Open a PostgreSQL store without writing when its tables exist; otherwise create
    the schema and the tables under an advisory lock, so several processes opening a new
    store at once wait for one another instead of colliding in the catalogue."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        raise StoreError("PostgreSQL needs the 'postgres' extra: pip install 'casecheck[postgres]'") from None
    schema = settings.get("POSTGRES_SCHEMA") or "public"
    tables = [f"{schema}.{CaseStore.name}_events", f"{schema}.{CaseStore.name}_snapshots"]
    try:
        with psycopg.connect(
            dbname=settings["POSTGRES_DBNAME"],
            host=settings["POSTGRES_HOST"],
            port=int(settings["POSTGRES_PORT"]),
            user=settings["POSTGRES_USER"],
            password=settings["POSTGRES_PASSWORD"] or None,
            connect_timeout=5,
            autocommit=True,
        ) as conn:

            def present() -> bool:
                found = conn.execute(
                    "SELECT count(to_regclass(t)) FROM unnest(%s::text[]) AS t",
                    [[_quoted(t) for t in tables]],
                ).fetchone()
                return bool(found and found[0] == len(tables))

            if present():
                return _construct({**settings, "CREATE_TABLE": "n"}, url)
            conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", [_CREATE_LOCK, schema])
            try:
                if not present():
                    conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
                    return _construct({**settings, "CREATE_TABLE": "y"}, url)
                return _construct({**settings, "CREATE_TABLE": "n"}, url)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))", [_CREATE_LOCK, schema])
    except psycopg.Error as exc:
        raise StoreError(f"cannot open the PostgreSQL store: {_one_line(exc)}") from None


def _quoted(qualified: str) -> str:
    schema, table = qualified.split(".", 1)
    return '"' + schema.replace('"', '""') + '"."' + table.replace('"', '""') + '"'


NEW_CIPHER_KEY_ENV = "CASECHECK_NEW_CIPHER_KEY"

#: Modules that define stored classes (their topics are registered on import). A copy
#: of the whole store (`casecheck rekey`) imports them all: add a new module here.
STORED_CLASS_MODULES = [
    "compliance.store",
    "compliance.integrity",
    "compliance.alerts",
    "compliance.nightly",
    "compliance.accounts",
    "compliance.access_log",
    "compliance.sign_in",
]


def import_stored_classes() -> None:
    import importlib

    for name in STORED_CLASS_MODULES:
        importlib.import_module(name)


def new_store_for_rekey(url: str) -> CaseStore:
    """The store a rekey copies into, under CASECHECK_NEW_CIPHER_KEY (plain when unset)."""
    return open_store(url, env={CIPHER_KEY_ENV: os.environ.get(NEW_CIPHER_KEY_ENV, "")})


def require_store(url: str | None = None, *, env: Mapping[str, str] | None = None) -> None:
    """Refuse, with one line, a file store that does not exist yet: a command that only
    reads must not create an empty store and answer as if the council had no children."""
    url = url or (env or {}).get(DB_ENV) or os.environ.get(DB_ENV) or DEFAULT_DB
    settings = store_env(url, env)
    if settings["PERSISTENCE_MODULE"] != "eventsourcing.sqlite":
        return
    path = Path(settings["SQLITE_DBNAME"]).expanduser()
    if not path.is_file():
        shown = f"./{path}" if not path.is_absolute() and path.parent == Path(".") else str(path)
        raise StoreError(f"no store at {shown}: import first or give --db")


def _redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


__all__ = [
    "CASECHECK_NAMESPACE",
    "CaseStore",
    "ChildCase",
    "DateAsISO",
    "EventIdIndex",
    "EventIdShard",
    "IdTaken",
    "StoredFact",
    "child_aggregate_id",
    "new_cipher_key",
    "open_store",
    "stable_topic",
    "store_env",
]
