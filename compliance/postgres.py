"""PostgreSQL persistence: the library's application recorder, inserting without pipeline mode.

eventsourcing 9.5's `PostgresApplicationRecorder.insert_events` sends the table lock, the
NOTIFY and the INSERT in one psycopg pipeline and waits in `Pipeline.sync()`. With a few MB
of state in one INSERT (an import of a few thousand children's facts in one transaction)
the client and the server can each wait for the other to read, and the call never returns
(psycopg issue 685: a deadlock of pipeline mode with large data). Here the same statements
run one after another on the connection, in the same transaction and under the same
EXCLUSIVE table lock, so notification ids are still issued in commit order (the nightly's
change detection reads the log by notification id and relies on that).

The store selects this class with the library's `APPLICATION_RECORDER_TOPIC` setting
(`compliance.store.store_env`); this module imports psycopg, so it is loaded only for a
PostgreSQL store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry


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


__all__ = ["PostgresRecorder"]
