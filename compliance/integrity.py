"""Tamper evidence and keys: every stored record sealed, chained and, with a key, encrypted
to its owner.

A stored record (one row of the events or snapshots table) is, from this version on::

    b"CCS1" | flags (1 byte) | prev (32 bytes) | seal (32 bytes) | payload

- payload: the event's state as the library encodes it, compressed (zlib) and, with a
  cipher key, encrypted with AES-256-GCM whose associated data is the record's owner and
  place (aggregate id, version, topic): a ciphertext copied onto another child's row, or
  onto another position of the same child, fails to decrypt.
- seal: HMAC-SHA256 over the owner, version, topic, flags, prev and payload. With a cipher
  key the HMAC key is derived from it (HKDF), so nobody without the key can make a seal;
  on a plain store the HMAC key is a public constant and the seal is a checksum that
  anyone can recompute (docs/security.md says what that does and does not prove).
- prev: the seal of the same aggregate's record one version before (zeros for the
  first): each aggregate (a child, an alert, a nightly run, anything added later) is a
  hash chain, so an edited, deleted, inserted or reordered record breaks it.
- Over all records in notification (log) order the store keeps a running head,
  `head = HMAC(head | notification id | seal)`. The nightly batch records the head it has
  verified as a `Checkpoint` in each run; `verify` recomputes the head and compares it
  with every checkpoint, which catches what chains alone cannot: a record removed from
  the end of a chain, a whole aggregate removed, two aggregates' records swapped in the
  log.

Records written before sealing existed ("unsealed": no `CCS1` prefix) are still read;
their link value is computed from their bytes, so records appended later chain to them.

Aggregate ids: with a cipher key, a child's and an alert's aggregate ids are HMACs of the
child id or alert reference under a key derived from the cipher key, so someone holding
the file cannot confirm that a given child id (or an alert about it) is there; without a
key they are the uuid5 of earlier versions. Which ids a store uses is fixed when it is
created and read from the flags of its first record: `FLAG_KEYED_IDS` (children keyed)
and `FLAG_KEYED_ALERTS` (alerts keyed too; an encrypted store created before that keeps
its alerts' uuid5 ids until it is copied with `casecheck rekey`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any, cast
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    AggregateRecorder,
    EventStore,
    Mapper,
    Notification,
    Recording,
    StoredEvent,
    Transcoder,
    find_id_convertor,
)
from eventsourcing.utils import TopicError, resolve_topic

from compliance.errors import StoreError

MAGIC = b"CCS1"
FLAG_ENCRYPTED = 0x01
FLAG_KEYED_IDS = 0x02
FLAG_KEYED_ALERTS = 0x04
ZERO = bytes(32)
_HEADER = len(MAGIC) + 1 + 32 + 32
#: The namespace of the ids of earlier versions (kept: stored history uses them).
NAMESPACE = UUID("6d1f3c2a-0b5e-4c4e-9a55-2f1c0c0ac5e1")
#: The HMAC key of a plain store's seals: public, so a seal there is a checksum.
PLAIN_SEAL_KEY = b"casecheck plain store seal v1"
#: The key that hashes event ids in a plain store's index of ids (public, domain-separated).
PLAIN_INDEX_KEY = b"casecheck plain event id index v1"
CIPHER_KEY_ENV = "CASECHECK_CIPHER_KEY"


class KeyProblem(StoreError):
    """A wrong, missing or unneeded cipher key: one line, exit status 2."""


class TamperedStore(StoreError):
    """A stored record that is not what was written (or not where it was written)."""


# --- keys --------------------------------------------------------------------------------


def _hkdf(key: bytes, purpose: bytes) -> bytes:
    from Crypto.Hash import SHA256
    from Crypto.Protocol.KDF import HKDF

    return cast(bytes, HKDF(key, 32, salt=b"casecheck", hashmod=SHA256, context=purpose))


@dataclass(frozen=True)
class Keys:
    """The keys of a store: none (plain), or the cipher key and the keys derived from it."""

    cipher_key: bytes | None = None

    @classmethod
    def from_text(cls, text: str | None) -> Keys:
        if not text:
            return cls()
        try:
            key = base64.b64decode(text.strip().encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            key = b""
        if len(key) not in (16, 24, 32):
            raise KeyProblem(
                f"{CIPHER_KEY_ENV} is not a key: expected 16, 24 or 32 bytes as base64 (make one with `casecheck new-key`)"
            )
        return cls(key)

    @property
    def encrypted(self) -> bool:
        return self.cipher_key is not None

    @property
    def seal_key(self) -> bytes:
        return PLAIN_SEAL_KEY if self.cipher_key is None else _hkdf(self.cipher_key, b"record seals")

    @property
    def index_key(self) -> bytes:
        """The key hashing event ids in the store's index of ids (compliance.store)."""
        return PLAIN_INDEX_KEY if self.cipher_key is None else _hkdf(self.cipher_key, b"event id index")

    @property
    def id_key(self) -> bytes | None:
        return None if self.cipher_key is None else _hkdf(self.cipher_key, b"aggregate ids")

    def fingerprint(self) -> str:
        """A short, non-secret name of the key (to tell keys apart, never to rebuild one)."""
        return hmac.new(self.seal_key, b"fingerprint", hashlib.sha256).hexdigest()[:16]


@lru_cache(maxsize=8)
def _mac_under(key: bytes) -> hmac.HMAC:
    """HMAC-SHA256 under `key`, nothing hashed yet, to be copied (`_mac`): a copy starts
    from the key's inner and outer hashes already worked out, where a new HMAC pads the
    key and hashes it twice first; a store works out a few MACs under each of its keys
    for every record it seals, verifies or names."""
    return hmac.new(key, digestmod=hashlib.sha256)


def _mac(key: bytes, message: bytes) -> hmac.HMAC:
    """`hmac.new(key, message, hashlib.sha256)`, from a copy of `_mac_under(key)`."""
    mac = _mac_under(key).copy()
    mac.update(message)
    return mac


def keyed_id(id_key: bytes | None, kind: str, name: str) -> UUID:
    """The aggregate id of `kind:name`: an HMAC under the id key, or the uuid5 of earlier
    versions when the store has no key (or was made before keyed ids)."""
    if id_key is None:
        return uuid5(NAMESPACE, f"{kind}:{name}")
    digest = bytearray(_mac(id_key, f"{kind}:{name}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x80  # version 8 (custom), RFC 9562
    digest[8] = (digest[8] & 0x3F) | 0x80
    return UUID(bytes=bytes(digest))


# --- sealing -----------------------------------------------------------------------------


def _owner(originator_id: Any, version: int, topic: str) -> bytes:
    ident = originator_id.bytes if isinstance(originator_id, UUID) else str(originator_id).encode()
    return len(ident).to_bytes(2, "big") + ident + version.to_bytes(8, "big") + topic.encode()


def seal_of(
    seal_key: bytes,
    originator_id: Any,
    version: int,
    topic: str,
    flags: int,
    prev: bytes,
    payload: bytes | memoryview,
) -> bytes:
    mac = _mac(seal_key, _owner(originator_id, version, topic))
    mac.update(bytes([flags]) + prev)
    mac.update(payload)
    return mac.digest()


def is_sealed(state: bytes) -> bool:
    return state[:4] == MAGIC and len(state) >= _HEADER


@dataclass(frozen=True, slots=True)
class Opened:
    """A stored record taken apart."""

    sealed: bool
    flags: int
    prev: bytes
    seal: bytes
    payload: bytes
    link: bytes  # what the next record of the aggregate must hold as `prev`
    intact: bool  # the seal matches (always True for an unsealed record)


def _unsealed_link(seal_key: bytes, originator_id: Any, version: int, topic: str, state: bytes) -> bytes:
    """What the record after an unsealed one must hold as `prev`."""
    return _mac(seal_key, b"unsealed" + _owner(originator_id, version, topic) + state).digest()


def open_record(seal_key: bytes, originator_id: Any, version: int, topic: str, state: bytes) -> Opened:
    """Take a stored record apart and check its seal (no decryption)."""
    if not is_sealed(state):
        return Opened(
            False, 0, ZERO, ZERO, state, _unsealed_link(seal_key, originator_id, version, topic, state), True
        )
    flags, prev, seal, payload = state[4], state[5:37], state[37:69], state[69:]
    expected = seal_of(seal_key, originator_id, version, topic, flags, prev, payload)
    return Opened(True, flags, prev, seal, payload, seal, hmac.compare_digest(seal, expected))


def _checked(
    seal_key: bytes, originator_id: Any, version: int, topic: str, state: bytes
) -> tuple[bool, bytes, bytes, bool]:
    """(sealed, prev, link, intact) of a stored record: `open_record` without copying the
    payload out (the seal is worked out over a view of it) or building an `Opened`, for
    `verify_log`."""
    if not is_sealed(state):
        return False, ZERO, _unsealed_link(seal_key, originator_id, version, topic, state), True
    prev, seal = state[5:37], state[37:69]
    expected = seal_of(seal_key, originator_id, version, topic, state[4], prev, memoryview(state)[69:])
    return True, prev, seal, hmac.compare_digest(seal, expected)


def next_head(seal_key: bytes, head: bytes, notification_id: int, link: bytes) -> bytes:
    return _mac(seal_key, head + notification_id.to_bytes(8, "big") + link).digest()


# --- the mapper and the event store -----------------------------------------------------


class FittedZlib:
    """zlib with its window and memory fitted to the data (the library's compressor sets
    up the largest, some 256 KiB, whatever the size): setting that up costs more than
    compressing a record of a few hundred bytes, and most records (alert and index
    events) are that small. The output is ordinary zlib data, which any zlib
    decompresses with the default window, so stores written either way read the same;
    a record no larger than the window compresses as well with the smaller one."""

    def compress(self, data: bytes) -> bytes:
        wbits = min(zlib.MAX_WBITS, max(9, (len(data) - 1).bit_length()))
        if wbits == zlib.MAX_WBITS:
            return zlib.compress(data)
        compressor = zlib.compressobj(6, zlib.DEFLATED, wbits, wbits - 7)
        return compressor.compress(data) + compressor.flush()

    def decompress(self, data: bytes) -> bytes:
        return zlib.decompress(data)


class SealedMapper(Mapper[UUID]):
    """The library's mapper with sealing and owner-bound encryption (module docstring).

    Decoding checks each record's seal, so every command refuses an edited record it
    reads (one line), and remembers the link of the newest record of each aggregate it
    has read, so that appending to it needs no extra query."""

    def __init__(self, transcoder: Transcoder, compressor: Any, keys: Keys, *, chained: bool = True) -> None:
        super().__init__(transcoder, compressor=compressor, cipher=None)
        self.chained = chained  # False for snapshots: their seals are no links of a chain
        self.keys = keys
        self.seal_key = keys.seal_key
        self.flags = FLAG_ENCRYPTED | FLAG_KEYED_IDS | FLAG_KEYED_ALERTS if keys.encrypted else 0
        self.links: dict[Any, tuple[int, bytes]] = {}
        self._aes: Any = None
        if keys.cipher_key is not None:
            from Crypto.Cipher import AES

            self._aes = AES

    # encoding

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        return self.seal(domain_event, ZERO)

    def seal(self, domain_event: Any, prev: bytes) -> StoredEvent:
        from eventsourcing.utils import get_topic

        topic = get_topic(domain_event.__class__)
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        payload = self.transcoder.encode(state)
        if self.compressor:
            payload = self.compressor.compress(payload)
        if self._aes is not None:
            payload = self._encrypt(payload, _owner(originator_id, version, topic))
        seal = seal_of(self.seal_key, originator_id, version, topic, self.flags, prev, payload)
        return StoredEvent(
            originator_id=originator_id,
            originator_version=version,
            topic=topic,
            state=MAGIC + bytes([self.flags]) + prev + seal + payload,
        )

    def _encrypt(self, plaintext: bytes, owner: bytes) -> bytes:
        import os

        nonce = os.urandom(12)
        cipher = self._aes.new(self.keys.cipher_key, self._aes.MODE_GCM, nonce=nonce)
        cipher.update(owner)
        encrypted, tag = cipher.encrypt_and_digest(plaintext)
        return nonce + tag + encrypted

    # decoding

    def plaintext(self, stored: StoredEvent) -> bytes:
        """The decrypted, decompressed state of a stored record, its seal checked."""
        where = f"record {stored.originator_id} version {stored.originator_version}"
        opened = open_record(
            self.seal_key, stored.originator_id, stored.originator_version, stored.topic, stored.state
        )
        if opened.sealed and bool(opened.flags & FLAG_ENCRYPTED) != self.keys.encrypted:
            _key_mismatch(bool(opened.flags & FLAG_ENCRYPTED))
        if not opened.intact:
            raise TamperedStore(
                f"{where} is not what was stored (its seal does not match): the store has been altered; run `casecheck verify`"
            )
        self._remember(stored.originator_id, stored.originator_version, opened.link)
        encrypted = bool(opened.flags & FLAG_ENCRYPTED) if opened.sealed else _looks_encrypted(opened.payload)
        if encrypted != self.keys.encrypted:
            _key_mismatch(encrypted)
        payload = opened.payload
        if encrypted:
            owner = (
                _owner(stored.originator_id, stored.originator_version, stored.topic)
                if opened.sealed
                else None
            )
            payload = self._decrypt(payload, owner, where)
        if self.compressor:
            payload = self.compressor.decompress(payload)
        return payload

    def _decrypt(self, data: bytes, owner: bytes | None, where: str) -> bytes:
        nonce, tag, encrypted = data[:12], data[12:28], data[28:]
        cipher = self._aes.new(self.keys.cipher_key, self._aes.MODE_GCM, nonce=nonce)
        if owner is not None:
            cipher.update(owner)
        try:
            return cast(bytes, cipher.decrypt_and_verify(encrypted, tag))
        except ValueError:
            if owner is None:  # an unsealed record has no owner binding: the key is wrong
                raise KeyProblem(f"{CIPHER_KEY_ENV} is not this store's key") from None
            raise TamperedStore(
                f"{where} does not decrypt as its owner's record: it was moved or altered; run `casecheck verify`"
            ) from None

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        try:
            cls = resolve_topic(stored_event.topic)
        except TopicError:
            raise StoreError(
                f"record {stored_event.originator_id} version {stored_event.originator_version} has a kind "
                "this version of casecheck does not know (written by a newer version, or altered)"
            ) from None
        state: dict[str, Any] = self.transcoder.decode(self.plaintext(stored_event))
        convert = find_id_convertor(cls, type(stored_event.originator_id))
        state["originator_id"] = convert(stored_event.originator_id)
        state["originator_version"] = stored_event.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event

    # links

    def _remember(self, originator_id: Any, version: int, link: bytes) -> None:
        if not self.chained:
            return
        known = self.links.get(originator_id)
        if known is None or known[0] < version:
            if len(self.links) > 200_000:  # bounded: a miss costs one query, not a wrong link
                self.links.clear()
            self.links[originator_id] = (version, link)

    def link_before(self, recorder: AggregateRecorder, originator_id: Any, version: int) -> bytes:
        """The link a new record at `version` must hold: the seal of the record before."""
        if version <= 1:
            return ZERO
        known = self.links.get(originator_id)
        if known is not None and known[0] == version - 1:
            return known[1]
        rows = recorder.select_events(originator_id, lte=version - 1, desc=True, limit=1)
        if not rows or rows[0].originator_version != version - 1:
            raise TamperedStore(
                f"record {originator_id} version {version - 1} is missing: the store has been altered; run `casecheck verify`"
            )
        row = rows[0]
        opened = open_record(self.seal_key, row.originator_id, row.originator_version, row.topic, row.state)
        if not opened.intact:
            raise TamperedStore(
                f"record {originator_id} version {version - 1} is not what was stored: run `casecheck verify`"
            )
        return opened.link


def _key_mismatch(encrypted: bool) -> None:
    if encrypted:
        raise KeyProblem(f"the store is encrypted: set {CIPHER_KEY_ENV} to its key")
    raise KeyProblem(f"{CIPHER_KEY_ENV} is set but this store is not encrypted: unset it for this store")


def check_key(mapper: SealedMapper, first: Sequence[StoredEvent]) -> None:
    """Refuse a wrong, missing or unneeded key in one line, from the first records of the
    log (opening a store reads them; nothing is written)."""
    if not first:
        return
    for record in first:
        opened = open_record(
            mapper.seal_key, record.originator_id, record.originator_version, record.topic, record.state
        )
        encrypted = bool(opened.flags & FLAG_ENCRYPTED) if opened.sealed else _looks_encrypted(opened.payload)
        if encrypted != mapper.keys.encrypted:
            _key_mismatch(encrypted)
        if opened.sealed and opened.intact:
            return
    if is_sealed(first[0].state):
        # None of the first records carries a seal made with this key: the key is wrong
        # (a tampered record would leave the others intact).
        raise KeyProblem(f"{CIPHER_KEY_ENV} is not this store's key")
    if mapper.keys.encrypted:
        mapper.plaintext(first[0])  # an unsealed record: decrypting it tells


def _looks_encrypted(payload: bytes) -> bool:
    """Whether an unsealed (older) record is encrypted: a plain one is zlib data."""
    try:
        zlib.decompressobj().decompress(payload[:64])
    except zlib.error:
        return True
    return False


class SealingEventStore(EventStore[UUID]):
    """Stores domain events sealed and chained (each aggregate's records link to the one
    before). Snapshots are sealed but not chained: they are a cache of the events."""

    def __init__(self, mapper: SealedMapper, recorder: AggregateRecorder, *, chained: bool = True) -> None:
        super().__init__(mapper, recorder)
        self.sealer = mapper
        self.chained = chained

    def put(self, domain_events: Sequence[Any], **kwargs: Any) -> list[Recording[UUID]]:
        stored, notification_ids = self._insert(domain_events, **kwargs)
        recordings: list[Recording[UUID]] = []
        if notification_ids:
            for event, record, n_id in zip(domain_events, stored, notification_ids, strict=True):
                recordings.append(
                    Recording(
                        event,
                        Notification(
                            originator_id=record.originator_id,
                            originator_version=record.originator_version,
                            topic=record.topic,
                            state=record.state,
                            id=n_id,
                        ),
                    )
                )
        return recordings

    def append(self, domain_events: Sequence[Any]) -> None:
        """`put` without the recordings (what `CaseStore.save` needs)."""
        if domain_events:
            self._insert(domain_events)

    def _insert(self, domain_events: Sequence[Any], **kwargs: Any) -> tuple[list[StoredEvent], Any]:
        links: dict[Any, bytes] = {}
        stored: list[StoredEvent] = []
        for event in domain_events:
            key = event.originator_id
            if not self.chained:
                prev = ZERO
            elif key in links:
                prev = links[key]
            else:
                prev = self.sealer.link_before(self.recorder, key, event.originator_version)
            record = self.sealer.seal(event, prev)
            links[key] = record.state[37:69]
            stored.append(record)
        notification_ids = self.recorder.insert_events(stored, **kwargs)
        if self.chained:
            for record in stored:
                self.sealer._remember(record.originator_id, record.originator_version, record.state[37:69])
        return stored, notification_ids


# --- checkpoints --------------------------------------------------------------------------


class Checkpoint(Aggregate):
    """The store's head as verified at one moment (by a nightly run, or after a rekey):
    every record up to `position` in the log, `count` of them, chained into `head`."""

    TOPIC = "casecheck:Checkpoint"

    class Event(Aggregate.Event):
        TOPIC = "casecheck:Checkpoint.Event"

    class Recorded(Event, Aggregate.Created):
        TOPIC = "casecheck:Checkpoint.Recorded"
        run: str
        position: int
        count: int
        head: str

    def __init__(self, run: str, position: int, count: int, head: str) -> None:
        self.run, self.position, self.count, self.head = run, position, count, head

    @classmethod
    def record(cls, run: str, head: Head) -> Checkpoint:
        return cast(
            Checkpoint,
            cls._create(
                cls.Recorded,
                id=checkpoint_id(run),
                run=run,
                position=head.position,
                count=head.count,
                head=head.hex,
            ),
        )


CHECKPOINT_TOPIC = Checkpoint.Recorded.TOPIC
#: A nightly run records a checkpoint before it acts (named by the run's id) and, once it
#: has finished, one of what it wrote (the run's id and this suffix).
CLOSING_SUFFIX = ":end"


def closing_checkpoint_name(run: str) -> str:
    return run + CLOSING_SUFFIX


def checkpoint_id(run: str) -> UUID:
    return uuid5(NAMESPACE, "checkpoint:" + run)


@dataclass(frozen=True)
class Head:
    position: int  # the last notification id covered (0: none)
    count: int  # how many records are covered
    value: bytes

    @property
    def hex(self) -> str:
        return self.value.hex()

    def to_json(self) -> dict[str, Any]:
        return {"position": self.position, "count": self.count, "head": self.hex}


# --- verification -------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    notification: int | None  # the record's position in the log
    aggregate: str
    version: int | None
    what: str
    child: str | None = None

    def text(self) -> str:
        owner = f"child {self.child}" if self.child else f"aggregate {self.aggregate}"
        place = f", version {self.version}" if self.version is not None else ""
        at = f" (log position {self.notification})" if self.notification is not None else ""
        return f"{owner}{place}{at}: {self.what}"

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.notification,
            "aggregate": self.aggregate,
            "version": self.version,
            "child": self.child,
            "problem": self.what,
        }


@dataclass
class Verification:
    records: int = 0
    aggregates: int = 0
    unsealed: int = 0
    checkpoints: int = 0
    since: Head | None = None
    head: Head = field(default_factory=lambda: Head(0, 0, ZERO))
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def first(self) -> str:
        return self.problems[0].text() if self.problems else "intact"

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "aggregates": self.aggregates,
            "unsealed": self.unsealed,
            "checkpoints_checked": self.checkpoints,
            "since": self.since.to_json() if self.since else None,
            "head": self.head.to_json(),
            "problems": [p.to_json() for p in self.problems],
        }


def verify_log(
    mapper: SealedMapper,
    recorder: Any,
    *,
    since: Head | None = None,
    max_problems: int = 20,
    page: int = 2000,
    name_of: Callable[[Any], str | None] = lambda _id: None,
    count_upto: Callable[[int], int] | None = None,
    rows: Callable[[int, int], Sequence[tuple[int, Any, int, str, bytes]]] | None = None,
    records_before: Callable[[Sequence[tuple[Any, int]]], dict[Any, tuple[int, str, bytes]]] | None = None,
) -> Verification:
    """Check every record of the log after `since` (or all): its seal, its place in its
    aggregate's chain, and the store head against every checkpoint recorded.

    From `since` (a checkpoint's head), the head runs on from the checkpoint's value, and
    each aggregate's first record after it must chain to the record before it, which is
    checked too. With `count_upto` (how many records the log holds up to a position),
    the log up to the checkpoint must still hold the records it counted: one removed or
    slipped in there is caught without reading them, though an edit is not (only the
    whole-store verification re-reads every record).

    `rows(start, limit)` reads the log as (position, aggregate id, version, topic, state)
    from position `start` on (default: the recorder's notifications).
    `records_before(pairs)` reads, for each (aggregate id, version), the aggregate's newest
    record before that version as (version, topic, state), leaving out aggregates with
    none: one query for a page of the log rather than one an aggregate (default: the
    recorder's `select_events`, once an aggregate)."""
    seal_key = mapper.seal_key
    if rows is None:
        rows = partial(_notification_rows, recorder)
    if records_before is None:
        records_before = partial(_records_before, recorder)
    result = Verification(since=since)
    tails: dict[Any, tuple[int, bytes, bool, bool]] = {}  # aggregate -> (version, link, sealed, intact)
    head, count = (since.value, since.count) if since else (ZERO, 0)
    start = (since.position + 1) if since else 1

    checkpoints = sorted(_checkpoints(mapper, recorder, start), key=lambda c: c[0])
    pending = iter(checkpoints)
    waiting = next(pending, None)

    def problem(position: int | None, aggregate: Any, version: int | None, what: str) -> None:
        if len(result.problems) < max_problems:
            result.problems.append(Problem(position, str(aggregate), version, what, name_of(aggregate)))

    def check_waiting(position: int) -> None:
        nonlocal waiting
        while waiting is not None and waiting[0] < position:
            cp_position, cp_count, cp_head, cp_n = waiting
            result.checkpoints += 1
            if cp_count != count or cp_head != head.hex():
                problem(
                    None,
                    "log",
                    None,
                    f"the store no longer matches the checkpoint at log position {cp_position} "
                    f"(recorded at position {cp_n}): {cp_count} records then, {count} now up to there; "
                    "a record was removed, added or reordered",
                )
            waiting = next(pending, None)

    if since is not None and count_upto is not None:
        held = count_upto(since.position)
        if held != since.count:
            problem(
                None,
                "log",
                None,
                f"the log holds {held} records up to log position {since.position}, the checkpoint "
                f"verification continues from covered {since.count}: a record was removed or added",
            )
    last_id = since.position if since else 0
    while True:
        batch = rows(start, page)
        # The record before each aggregate's first one here, which it must chain to.
        earlier: dict[Any, tuple[int, str, bytes]] = {}
        if since is not None:
            firsts: dict[Any, int] = {}  # aggregate -> version of its first record here
            for _n, originator_id, version, _topic, _state in batch:
                if originator_id not in tails:
                    firsts.setdefault(originator_id, version)
            wanted = [(aggregate, version) for aggregate, version in firsts.items() if version > 1]
            if wanted:
                earlier = records_before(wanted)
        for n_id, originator_id, version, topic, state in batch:
            check_waiting(n_id)
            sealed, prev, link, intact = _checked(seal_key, originator_id, version, topic, state)
            result.records += 1
            if not sealed:
                result.unsealed += 1
            if not intact:
                problem(n_id, originator_id, version, "its content is not what was stored (seal mismatch)")
            tail = tails.get(originator_id)
            if tail is None and originator_id in earlier:
                tail = _tail(seal_key, originator_id, *earlier[originator_id])
                if not tail[3]:
                    problem(
                        None,
                        originator_id,
                        tail[0],
                        "its content is not what was stored (seal mismatch), "
                        "found as the record before a newer one",
                    )
            if tail is None:
                result.aggregates += 1
                if version != 1:
                    problem(n_id, originator_id, version, "the aggregate's first record is missing")
            else:
                before, before_link, was_sealed = tail[:3]
                if version != before + 1:
                    problem(
                        n_id,
                        originator_id,
                        version,
                        f"follows version {before}: a record is missing or out of order",
                    )
                elif sealed and prev != before_link:
                    problem(
                        n_id, originator_id, version, "does not follow the record before it (chain broken)"
                    )
                elif was_sealed and not sealed:
                    problem(n_id, originator_id, version, "an unsealed record after sealed ones")
            if sealed and version == 1 and prev != ZERO:
                problem(n_id, originator_id, 1, "a first record that links to an earlier one")
            tails[originator_id] = (version, link, sealed, True)
            head = next_head(seal_key, head, n_id, link)
            count += 1
            last_id = n_id
        if len(batch) < page:
            break
        start = batch[-1][0] + 1
    check_waiting(2**62)
    result.head = Head(last_id, count, head)
    return result


def _notification_rows(recorder: Any, start: int, limit: int) -> list[tuple[int, Any, int, str, bytes]]:
    return [
        (n.id, n.originator_id, n.originator_version, n.topic, n.state)
        for n in recorder.select_notifications(start, limit)
    ]


def _records_before(recorder: Any, pairs: Sequence[tuple[Any, int]]) -> dict[Any, tuple[int, str, bytes]]:
    """(version, topic, state) of each aggregate's newest record before the version given."""
    found = {}
    for originator_id, version in pairs:
        rows = recorder.select_events(originator_id, lte=version - 1, desc=True, limit=1)
        if rows:
            found[originator_id] = (rows[0].originator_version, rows[0].topic, rows[0].state)
    return found


def _tail(
    seal_key: bytes, originator_id: Any, version: int, topic: str, state: bytes
) -> tuple[int, bytes, bool, bool]:
    """(version, link, sealed, intact) of the record before an aggregate's first record
    verified since a checkpoint: the new record must chain to it, and it is checked
    itself, since it is what the new record vouches for."""
    opened = open_record(seal_key, originator_id, version, topic, state)
    return version, opened.link, opened.sealed, opened.intact


def _checkpoints(mapper: SealedMapper, recorder: Any, start: int) -> Iterator[tuple[int, int, str, int]]:
    """(position, count, head, where recorded) of each checkpoint covering records from `start` on
    (each is recorded after the records it covers, so the search starts there)."""
    begin = start
    while True:
        rows = recorder.select_notifications(begin, 1000, topics=[CHECKPOINT_TOPIC])
        for n in rows:
            try:
                event = mapper.to_domain_event(n)
            except StoreError:
                continue  # an altered checkpoint is itself reported by the seal check
            if event.position >= start:
                yield event.position, event.count, event.head, n.id
        if len(rows) < 1000:
            return
        begin = rows[-1].id + 1


def head_of(checkpoint_event: Any) -> Head:
    return Head(checkpoint_event.position, checkpoint_event.count, bytes.fromhex(checkpoint_event.head))


__all__ = [
    "CHECKPOINT_TOPIC",
    "Checkpoint",
    "FittedZlib",
    "Head",
    "KeyProblem",
    "Keys",
    "Problem",
    "SealedMapper",
    "SealingEventStore",
    "TamperedStore",
    "Verification",
    "checkpoint_id",
    "closing_checkpoint_name",
    "keyed_id",
    "open_record",
    "verify_log",
]
