"""Key rotation: copy a store into a new, empty one under a new key, and prove the copy.

Records are re-encrypted and re-sealed under the new key (or stored plain, when there
is none); children's and alerts' aggregate ids are derived again from the new key, so the new store
holds exactly the same history under new ids. Checkpoints of the old store are not
copied (their heads are made with the old key: check them against the old store, which
is kept); the new store gets one checkpoint of its own, recorded after the copy was
verified record by record. The index of event ids is not copied either: its ids are
hashed under the old key, and the new store rebuilds it from the facts on its first write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from compliance.alerts import Alert
from compliance.errors import StoreError
from compliance.integrity import CHECKPOINT_TOPIC, Checkpoint, Head
from compliance.store import INDEX_TOPICS, OPENED_TOPIC, CaseStore, import_stored_classes

ALERT_RAISED_TOPIC = Alert.Raised.TOPIC
#: Made with the old key, so not copied: checkpoints (below) and the index of event ids
#: (hashed under the old key; the new store builds its own from the facts on its first write).
NOT_COPIED = frozenset((CHECKPOINT_TOPIC, *INDEX_TOPICS))


@dataclass(frozen=True)
class Rekeyed:
    records: int
    aggregates: int
    head: Head
    checkpoint_run: str


def rekey_store(source: CaseStore, target: CaseStore, *, batch: int = 1000) -> Rekeyed:
    """Copy every record of `source` into the empty `target`, then verify the target
    and that each record reads back as it was. The source is only read."""
    import_stored_classes()
    verified = source.verify()
    if not verified.ok:
        raise StoreError(f"rekey refused: the store fails verification at {verified.first()}")
    if target.position() != 0:
        raise StoreError("rekey needs a new, empty store to copy into; the one given already holds records")
    ids: dict[Any, Any] = {}  # old aggregate id -> new
    positions: list[tuple[int, int]] = []  # (old notification id, new) of every record copied
    copied = 0
    start = 1
    while True:
        page = source.recorder.select_notifications(start, batch)
        events = []
        for n in page:
            if n.topic in NOT_COPIED:
                continue
            event = source.mapper.to_domain_event(n)
            if n.topic == OPENED_TOPIC:
                ids[n.originator_id] = target.child_id(event.child)
            elif n.topic == ALERT_RAISED_TOPIC:
                ids[n.originator_id] = target.alert_id(event.ref)
            state = vars(event)
            state["originator_id"] = ids.get(n.originator_id, n.originator_id)
            if isinstance(state.get("position"), int):  # a position in the log (the nightly's ledger)
                state["position"] = _new_position(positions, state["position"])
            copied += 1
            positions.append((n.id, copied))
            events.append(event)
        if events:
            recordings = target.events.put(events)
            got = [r.notification.id for r in recordings]
            if got != [p[1] for p in positions[-len(events) :]]:
                raise StoreError("rekey stopped: the new store did not number the records from 1 in order")
        if len(page) < batch:
            break
        start = page[-1].id + 1
    check = target.verify()
    if not check.ok or check.records != copied:
        raise StoreError(f"rekey copy fails verification: {check.first()}")
    _compare(source, target, ids, positions)
    run = f"rekey-{uuid4()}"
    target.save(Checkpoint.record(run, check.head))
    return Rekeyed(copied, check.aggregates, check.head, run)


def _new_position(positions: list[tuple[int, int]], old: int) -> int:
    """The new position of the last record at or before an old position."""
    new = 0
    for old_id, new_id in reversed(positions):
        if old_id <= old:
            new = new_id
            break
    return new


def _log(store: CaseStore) -> Any:
    start = 1
    while True:
        page = store.recorder.select_notifications(start, 1000)
        yield from (n for n in page if n.topic not in NOT_COPIED)
        if len(page) < 1000:
            return
        start = page[-1].id + 1


def _compare(
    source: CaseStore, target: CaseStore, ids: dict[Any, Any], positions: list[tuple[int, int]]
) -> None:
    """Every copied record reads back from the new store as it read from the old."""
    from itertools import zip_longest

    for old, new in zip_longest(_log(source), _log(target)):
        if old is None or new is None:
            raise StoreError("rekey copy does not hold the same number of records as the original")
        before = dict(vars(source.mapper.to_domain_event(old)))
        after = dict(vars(target.mapper.to_domain_event(new)))
        before["originator_id"] = ids.get(old.originator_id, old.originator_id)
        if isinstance(before.get("position"), int):
            before["position"] = _new_position(positions, before["position"])
        if before != after or old.topic != new.topic or old.originator_version != new.originator_version:
            raise StoreError(f"rekey copy differs from the original at log position {old.id}")
