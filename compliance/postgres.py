"""PostgreSQL persistence: the library's application recorder, inserting without pipeline
mode, and a large transaction's records copied in rather than inserted part by part.

eventsourcing 9.5's `PostgresApplicationRecorder.insert_events` sends the table lock, the
NOTIFY and the INSERT in one psycopg pipeline and waits in `Pipeline.sync()`. With a few MB
of state in one INSERT (an import of a few thousand children's facts in one transaction)
the client and the server can each wait for the other to read, and the call never returns
(psycopg issue 685: a deadlock of pipeline mode with large data). Here the same statements
run one after another on the connection, in the same transaction and under the same
EXCLUSIVE table lock, so notification ids are still issued in commit order (the nightly's
change detection reads the log by notification id and relies on that).

A transaction written in parts (`CaseStore.writing_in_parts`, a large import) takes the
lock and notifies once, at its first part, then streams every part's records into the
table through one `COPY ... FROM STDIN` in binary format: a few round trips for the whole
import instead of four statements a part, and no quoting of the records' bytes.

The store selects this class with the library's `APPLICATION_RECORDER_TOPIC` setting
(`compliance.store.store_env`); this module imports psycopg, so it is loaded only for a
PostgreSQL store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import Copy, Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier


class PostgresRecorder(PostgresApplicationRecorder):
    """The library's recorder with `insert_events` run without pipeline mode."""

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if self.datastore.enable_db_functions:
            return super().insert_events(stored_events, **kwargs)
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None
            # Takes the EXCLUSIVE table lock, notifies listeners, then inserts every row in
            # one statement; a uniqueness violation raises here (IntegrityError, via the
            # datastore) and the transaction rolls back whole.
            self._insert_stored_events(curs, stored_events, **kwargs)
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)

    @contextmanager
    def copying_in(self) -> Iterator[Callable[[Sequence[StoredEvent]], None]]:
        """One transaction into which records are added part by part (`add(records)`),
        committed when the block ends and rolled back whole on any exception.

        The first part takes the EXCLUSIVE table lock and notifies listeners, as every
        write does, and opens a binary COPY into the events table that the later parts
        write on: the rows get their notification ids in the order they are added, and
        the lock, held to the commit, keeps those ids in commit order. A uniqueness
        violation is reported when the COPY ends (IntegrityError, via the datastore)."""
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
            ExitStack() as open_copy,
        ):
            copy: Copy | None = None

            def add(records: Sequence[StoredEvent]) -> None:
                nonlocal copy
                if not records:
                    return
                if copy is None:
                    self._lock_table(curs)
                    self._notify_channel(curs)
                    copy = open_copy.enter_context(self._copy(curs))
                for record in records:
                    copy.write_row(
                        (record.originator_id, record.originator_version, record.topic, record.state)
                    )

            yield add

    @contextmanager
    def _copy(self, curs: Cursor[DictRow]) -> Iterator[Copy]:
        """A binary COPY of records into the events table (their ids by its default)."""
        statement = SQL(
            "COPY {schema}.{table} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        with curs.copy(statement) as copy:
            copy.set_types([self.datastore.originator_id_type, "int8", "text", "bytea"])
            yield copy


__all__ = ["PostgresRecorder"]
