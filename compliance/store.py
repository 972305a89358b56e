"""The event store: one `eventsourcing` aggregate per child holding its recorded facts.

Each import appends, for each child it touches, one `FactsRecorded` event holding that
import's facts for the child, all children of a file saved in one transaction. The facts
are JSON-native dicts exactly as validated by `events.models`; the stored event's own
timestamp is the store's record time. Nothing is updated in place or deleted.

Persistence is chosen by URL (`open_store`): an embedded SQLite file by default,
PostgreSQL when several people and the nightly batch share one store, in-memory for unit
tests. Stored classes have explicit, stable topics, so moving a class never orphans the
history. With `CASECHECK_CIPHER_KEY` set, stored state is encrypted (AES-GCM).

Reading every child (the nightly batch, `check`) goes around the aggregate repository:
one ordered query per batch of children, decoding each stored event's state directly,
which is several times faster than replaying aggregates one by one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from uuid import UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Transcoding
from eventsourcing.popo import POPOApplicationRecorder

from compliance.errors import ChildNotFound, ConcurrentChange, StoreError

#: Namespace of every deterministic id in the store (children, alerts, runs).
CASECHECK_NAMESPACE = UUID("6d1f3c2a-0b5e-4c4e-9a55-2f1c0c0ac5e1")
CIPHER_KEY_ENV = "CASECHECK_CIPHER_KEY"
DEFAULT_DB = "casecheck.db"


def child_aggregate_id(child: str) -> UUID:
    return uuid5(CASECHECK_NAMESPACE, "child:" + child)


class DateAsISO(Transcoding):
    """`datetime.date` as an ISO string (alerts and runs hold dates)."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ChildCase(Aggregate):
    """A child's record: every fact recorded about the child, in recording order."""

    TOPIC = "casecheck:ChildCase"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:ChildCase.Event"

    class Created(Event, Aggregate.Created):
        TOPIC = "casecheck:ChildCase.Opened"
        child: str

    class FactsRecorded(Event):
        """One import's facts for this child (JSON-native dicts, as validated)."""

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
    def open(cls, child: str) -> ChildCase:
        return cls._create(cls.Created, id=child_aggregate_id(child), child=child)

    def record(self, facts: list[dict[str, Any]], digests: dict[str, str]) -> None:
        self.trigger_event(self.FactsRecorded, child=self.child, facts=facts, digests=digests)


FACTS_TOPIC = ChildCase.FactsRecorded.TOPIC
OPENED_TOPIC = ChildCase.Created.TOPIC


@dataclass(frozen=True, slots=True)
class StoredFact:
    fact: dict[str, Any]  # the JSON-native fact as recorded
    stored_at: datetime  # the store's record time (aware UTC)
    position: int  # order of recording within the child


class CaseStore(Application[UUID]):
    """The application holding children's records (and, via other modules, alerts and runs)."""

    name = "casecheck"
    is_snapshotting_enabled = False

    def __init__(self, env: Mapping[str, str] | None = None, *, url: str = "memory:") -> None:
        super().__init__(env=dict(env or {}))
        self.url = url
        self._child_ids: dict[UUID, str] | None = None

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Save aggregates in one transaction. Another writer having changed one of them
        since it was read (the library's optimistic concurrency check) is reported as a
        project error: nothing of this save was stored, and doing it again is safe."""
        try:
            return super().save(*objs, **kwargs)
        except IntegrityError:
            self._child_ids = None
            raise ConcurrentChange(
                "another user or process changed the same records at the same time; "
                "nothing was stored: run the command again"
            ) from None

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # --- writing -------------------------------------------------------------------------

    def record(
        self,
        batches: Mapping[str, Sequence[dict[str, Any]]],
        digests: Mapping[str, Mapping[str, str]] | None = None,
    ) -> int:
        """Append each child's facts; every child in ONE transaction. Returns facts stored."""
        known = self._children_map()
        aggregates: list[ChildCase] = []
        for child, facts in batches.items():
            if not facts:
                continue
            aggregate_id = child_aggregate_id(child)
            aggregate = self.repository.get(aggregate_id) if aggregate_id in known else ChildCase.open(child)
            aggregate.record(list(facts), dict((digests or {}).get(child, {})))
            aggregates.append(aggregate)
        if aggregates:
            try:
                self.save(*aggregates)
            finally:
                self._child_ids = None
        return sum(len(f) for f in batches.values())

    # --- reading -------------------------------------------------------------------------

    def _decode(self, state: bytes) -> dict[str, Any]:
        mapper = self.mapper
        if mapper.cipher is not None:
            state = mapper.cipher.decrypt(state)
        if mapper.compressor is not None:
            state = mapper.compressor.decompress(state)
        return mapper.transcoder.decode(state)  # type: ignore[no-any-return]

    def _children_map(self) -> dict[UUID, str]:
        if self._child_ids is None:
            ids: dict[UUID, str] = {}
            for originator_id, _version, state in self._select_rows(OPENED_TOPIC, None):
                ids[originator_id] = self._decode(state)["child"]
            self._child_ids = ids
        return self._child_ids

    def children(self) -> list[str]:
        return sorted(self._children_map().values())

    def read_child(self, child: str) -> list[StoredFact]:
        for found, facts in self.iter_children([child]):
            if found == child:
                return facts
        raise ChildNotFound(f"no child with id {child!r} in the store")

    def iter_children(
        self, children: Iterable[str] | None = None, *, batch: int = 500
    ) -> Iterator[tuple[str, list[StoredFact]]]:
        """Every child's facts (or the given children's), in child order, streamed in batches."""
        known = self._children_map()
        by_child = {child: aggregate_id for aggregate_id, child in known.items()}
        wanted = sorted(by_child) if children is None else sorted({c for c in children if c in by_child})
        for start in range(0, len(wanted), batch):
            chunk = wanted[start : start + batch]
            rows: dict[UUID, list[tuple[int, bytes]]] = {}
            for originator_id, version, state in self._select_rows(FACTS_TOPIC, [by_child[c] for c in chunk]):
                rows.setdefault(originator_id, []).append((version, state))
            for child in chunk:
                out: list[StoredFact] = []
                for _version, state in sorted(rows.get(by_child[child], ())):
                    data = self._decode(state)
                    stored_at = data["timestamp"]
                    for fact in data["facts"]:
                        out.append(StoredFact(fact, stored_at, len(out)))
                if out:
                    yield child, out

    def known_digests(self, children: Iterable[str]) -> dict[str, dict[str, str]]:
        """child -> {fact identity -> content digest} for children already in the store."""
        known = self._children_map()
        by_child = {child: aggregate_id for aggregate_id, child in known.items()}
        wanted = sorted({c for c in children if c in by_child})
        out: dict[str, dict[str, str]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for originator_id, _version, state in self._select_rows(
                FACTS_TOPIC, [by_child[c] for c in chunk]
            ):
                out.setdefault(known[originator_id], {}).update(self._decode(state)["digests"])
        return out

    def position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def children_changed_since(self, position: int, upto: int | None = None) -> set[str]:
        """Children with facts recorded after a notification position (up to `upto`)."""
        known = self._children_map()
        changed: set[str] = set()
        start = position + 1
        while True:
            page = self.recorder.select_notifications(start, 1000, stop=upto, topics=[FACTS_TOPIC])
            for notification in page:
                child = known.get(notification.originator_id)  # type: ignore[arg-type]
                if child is None:  # recorded since the map was read
                    self._child_ids = None
                    known = self._children_map()
                    child = known[notification.originator_id]  # type: ignore[index]
                changed.add(child)
            if len(page) < 1000:
                return changed
            start = page[-1].id + 1

    # --- bulk access to the recorder's table ------------------------------------------

    def _select_rows(
        self, topic: str, originator_ids: list[UUID] | None
    ) -> Iterator[tuple[UUID, int, bytes]]:
        """(originator_id, version, state) of stored events with a topic, ordered."""
        recorder = self.recorder
        if isinstance(recorder, POPOApplicationRecorder):
            wanted = None if originator_ids is None else set(originator_ids)
            for notification in _all_notifications(recorder):
                if notification.topic == topic and (wanted is None or notification.originator_id in wanted):
                    yield notification.originator_id, notification.originator_version, notification.state  # type: ignore[misc]
            return
        table = recorder.events_table_name  # type: ignore[attr-defined]
        if type(recorder).__module__.startswith("eventsourcing.sqlite"):
            sql = f"SELECT originator_id, originator_version, state FROM {table} WHERE topic = ?"
            params: list[Any] = [topic]
            if originator_ids is not None:
                sql += f" AND originator_id IN ({','.join('?' * len(originator_ids))})"
                params += [u.hex for u in originator_ids]
            sql += " ORDER BY originator_id, originator_version"
            with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
                cursor.execute(sql, params)
                for row in cursor.fetchall():
                    yield UUID(row[0]), row[1], row[2]
            return
        schema = getattr(recorder.datastore, "schema", "")  # type: ignore[attr-defined]
        qualified = f'"{schema}"."{table}"' if schema else f'"{table}"'
        sql = f"SELECT originator_id, originator_version, state FROM {qualified} WHERE topic = %s"
        params = [topic]
        if originator_ids is not None:
            sql += " AND originator_id = ANY(%s)"
            params.append(originator_ids)
        sql += " ORDER BY originator_id, originator_version"
        with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
            cursor.execute(sql, params)
            for row in cursor.fetchall():
                originator_id = row["originator_id"]
                yield (
                    (originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))),
                    row["originator_version"],
                    bytes(row["state"]),
                )


def _all_notifications(recorder: POPOApplicationRecorder) -> Iterator[Any]:
    start = 1
    while True:
        page = recorder.select_notifications(start, 1000)
        yield from page
        if len(page) < 1000:
            return
        start = page[-1].id + 1


# --- opening a store ------------------------------------------------------------------


def new_cipher_key() -> str:
    """A new AES-256 key for CASECHECK_CIPHER_KEY."""
    from eventsourcing.cipher import AESCipher

    return AESCipher.create_key(32)


def store_env(url: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The eventsourcing settings for a store URL."""
    settings: dict[str, str] = {
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        "IS_SNAPSHOTTING_ENABLED": "y",  # the nightly ledger is snapshotted after each run
    }
    key = (env or {}).get(CIPHER_KEY_ENV) or os.environ.get(CIPHER_KEY_ENV)
    if key:
        settings.update(CIPHER_TOPIC="eventsourcing.cipher:AESCipher", CIPHER_KEY=key)
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
            f"unsupported database URL scheme {parsed.scheme!r}: expected a file path, "
            "sqlite:///path or postgresql://user@host:port/db"
        )
    settings.update(
        PERSISTENCE_MODULE="eventsourcing.sqlite",
        SQLITE_DBNAME=path,
        CREATE_TABLE="y",
        SQLITE_LOCK_TIMEOUT="30",
    )
    return settings


def open_store(url: str | None = None, *, env: Mapping[str, str] | None = None) -> CaseStore:
    """Open (creating if needed) the store at a URL; see `store_env` for the forms."""
    url = url or os.environ.get("CASECHECK_DB") or DEFAULT_DB
    settings = store_env(url, env)
    if settings["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        parent = Path(settings["SQLITE_DBNAME"]).expanduser().resolve().parent
        if not parent.is_dir():
            raise StoreError(f"cannot open the store {url}: folder {parent} does not exist")
    if settings["PERSISTENCE_MODULE"] == "eventsourcing.postgres" and "POSTGRES_SCHEMA" in settings:
        _create_schema(settings)
    try:
        return CaseStore(settings, url=url)
    except StoreError:
        raise
    except Exception as exc:  # the library raises several kinds; the user needs one line
        raise StoreError(
            f"cannot open the store {_redact(url)}: {type(exc).__name__}: {exc}".splitlines()[0]
        ) from None


def _create_schema(settings: Mapping[str, str]) -> None:
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        raise StoreError("PostgreSQL needs the 'postgres' extra: pip install 'casecheck[postgres]'") from None
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
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(settings["POSTGRES_SCHEMA"]))
            )
    except psycopg.Error as exc:
        raise StoreError(f"cannot open the PostgreSQL store: {str(exc).strip().splitlines()[0]}") from None


def _redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url
