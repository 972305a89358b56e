"""Import: validate whole files, de-duplicate, append each file in one transaction.

A file is read twice (`import_file`): once to validate every line and check its ids,
keeping only a spool on disk, and once to store it, child group by child group, in one
transaction; so memory stays bounded whatever the size of the file.

EVENTS.md: a file with any invalid line is rejected whole; importing the same `id` with
the same content is a no-op; the same `id` with different content is a conflict; events
that are impossible together are stored as they are and reported as data-quality findings.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from compliance.engine import facts_of
from compliance.errors import ImportConflict
from compliance.store import CaseStore, IdTaken, Spool, StoredFact
from events.parse import BadInput, ParsedEvent, scan_file
from events.timeline import Finding, build_timeline

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    files: int = 0
    imported: int = 0
    already_present: int = 0
    children: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"imported {self.imported} event{'s' if self.imported != 1 else ''} for "
            f"{len(self.children)} child{'ren' if len(self.children) != 1 else ''} "
            f"({self.already_present} already present)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "imported": self.imported,
            "children": len(self.children),
            "already_present": self.already_present,
            "findings": [
                {"child": f.fact.child, "code": f.code, "event": f.fact.id, "message": f.message}
                for f in self.findings
            ],
        }


def import_files(
    store: CaseStore,
    paths: Iterable[str | Path],
    *,
    now: datetime | None = None,
    stdin: BinaryIO | None = None,
    progress: Callable[[str, int], Progress | None] | None = None,
) -> ImportResult:
    """Import each file in turn, each in its own transaction. Raises `BadInput` or
    `ImportConflict` for the first bad file; the files before it stay imported, and the
    error carries what they added (`partial`), so the user can be told."""
    result = ImportResult()
    for path in paths:
        name = "<stdin>" if str(path) == "-" else str(path)
        try:
            import_file(
                store,
                path,
                stream=stdin if str(path) == "-" else None,
                name=name,
                now=now,
                result=result,
                progress=progress,
            )
        except (BadInput, ImportConflict) as exc:
            exc.partial = result  # type: ignore[union-attr]
            raise
        result.files += 1
    return result


#: About how much of a file one group of children holds while it is stored.
_GROUP_BYTES = 4 << 20


def import_file(
    store: CaseStore,
    path: str | Path,
    *,
    stream: BinaryIO | None = None,
    name: str | None = None,
    now: datetime | None = None,
    result: ImportResult | None = None,
    progress: Callable[[str, int], Progress | None] | None = None,
) -> ImportResult:
    """Import one file in two passes, with memory bounded whatever its size.

    Pass 1 reads the file line by line and validates every line; the valid events go to
    unnamed temporary files (readable by the owner only, gone when closed), grouped by
    child, and their ids to the store's spool of id claims. Nothing is stored if any
    line is bad, or an id is given to two children (in the file, or already in the store).
    Pass 2 stores the groups one after another in ONE transaction (`writing_in_parts`),
    de-duplicating each child's events against what the store holds; any error, Ctrl-C
    included, rolls it all back."""
    result = result if result is not None else ImportResult()
    source = name or str(path)
    recorded = (now or datetime.now(UTC)).isoformat()
    scan = scan_file(path, stream=stream, name=source)
    groups = _Groups(max(1, min(256, (scan.size or 64 * _GROUP_BYTES) // _GROUP_BYTES)))
    claims = store.id_claims()
    backfill = None
    try:
        for event in scan:
            groups.add(event)
            if event.id is not None:
                claims.add(event.id, event.child, event.line)
        scan.finish()
        backfill = None if store.index_complete() else store.backfill_claims()
        within, elsewhere = store.check_claims(claims, backfill)
        if within:
            line, earlier = within[0]
            raise BadInput(
                source,
                line,
                "id",
                f"the same id is given to another child on line {earlier}: ids are unique across children",
                more=len(within) - 1,
            )
        if elsewhere:
            more = len(elsewhere) - 1
            raise ImportConflict(
                f"{source}:{elsewhere[0]}: id: already recorded for another child; ids are unique across "
                "children: send this event with a new id"
                + (f" ({more} more line{'s' if more != 1 else ''} like it)" if more > 0 else "")
            )
        total = scan.events
        tick = progress(source, total) if progress else None
        findings: list[Finding] = []
        imported = skipped = done = 0
        with store.writing_in_parts() as writer:
            for group in groups:
                by_child: dict[str, list[tuple[int, str, str, dict[str, Any]]]] = {}
                for line, child, identity, digest, record in group:
                    by_child.setdefault(child, []).append((line, identity, digest, record))
                known = store.known_digests(by_child)
                batches: dict[str, list[dict[str, Any]]] = {}
                new_digests: dict[str, dict[str, str]] = {}
                for child, items in by_child.items():
                    result.children.add(child)
                    on_record = known.get(child, {})
                    mine = new_digests.setdefault(child, {})
                    for line, identity, digest, record in items:
                        seen = mine.get(identity) or on_record.get(identity)
                        if seen is not None:
                            if seen != digest:
                                # The id itself is not repeated: an id can be anything a
                                # council's system makes, names and dates of birth among them.
                                raise ImportConflict(
                                    f"{source}:{line}: id: already recorded for child {child} with "
                                    "different content; send a `retracted` event and a new id instead"
                                )
                            skipped += 1
                            continue
                        record.setdefault("recorded_at", recorded)
                        batches.setdefault(child, []).append(record)
                        mine[identity] = digest
                    done += len(items)
                if batches:
                    cases = store.load_cases(batches)
                    # Data-quality findings from the facts at hand: the group's children's
                    # stored facts (read before this transaction) and the new ones, so
                    # nothing written needs to be read back.
                    earlier = dict(store.iter_children([c for c in batches if c in cases]))
                    for child, facts in batches.items():
                        case = cases.get(child) or store.new_case(child)
                        case.record(facts, new_digests[child])
                        stored = earlier.get(child, [])
                        stamp, base = case.pending_events[-1].timestamp, len(stored)
                        stored.extend(StoredFact(f, stamp, base + i) for i, f in enumerate(facts))
                        findings.extend(build_timeline(child, facts_of(stored)).findings)
                        writer.save(case)
                        imported += len(facts)
                if tick is not None:
                    tick(done, total)
            store.write_claims(writer, claims, backfill)
    finally:
        groups.close()
        claims.close()
        if backfill is not None:
            backfill.close()
    result.imported += imported
    result.already_present += skipped
    result.findings.extend(sorted(findings, key=lambda f: f.fact.child))  # by child, as before
    return result


class _Groups:
    """Validated events spooled to unnamed temporary files, `count` groups of children
    (a child's events all in one group, in file order)."""

    def __init__(self, count: int) -> None:
        self._spools = [Spool() for _ in range(count)]

    def add(self, event: ParsedEvent) -> None:
        self._spools[zlib.crc32(event.child.encode()) % len(self._spools)].add(
            (event.line, event.child, event.identity, event.digest, event.record)
        )

    def __iter__(self) -> Iterator[list[tuple[int, str, str, str, dict[str, Any]]]]:
        for spool in self._spools:
            group = list(spool.items())
            spool.clear()
            yield group

    def close(self) -> None:
        for spool in self._spools:
            spool.close()


def import_events(
    store: CaseStore,
    parsed: Sequence[ParsedEvent],
    *,
    source: str,
    now: datetime | None = None,
    result: ImportResult | None = None,
    tick: Progress | None = None,
    check_quality: bool = True,
) -> ImportResult:
    """Append one file's validated events: all of them in one transaction, or none."""
    result = result if result is not None else ImportResult()
    recorded = (now or datetime.now(UTC)).isoformat()
    children = sorted({p.child for p in parsed})
    known = store.known_digests(children)
    batches: dict[str, list[dict[str, Any]]] = {}
    new_digests: dict[str, dict[str, str]] = {}
    skipped = 0
    for i, item in enumerate(parsed):
        key = item.identity
        seen = new_digests.get(item.child, {}).get(key) or known.get(item.child, {}).get(key)
        if seen is not None:
            if seen != item.digest:
                # The id itself is not repeated: an id can be anything a council's system
                # makes, a name or a date of birth among them (the line names the event).
                raise ImportConflict(
                    f"{source}:{item.line}: id: already recorded for child {item.child} with "
                    "different content; send a `retracted` event and a new id instead"
                )
            skipped += 1
            continue
        record = dict(item.record)
        record.setdefault("recorded_at", recorded)
        batches.setdefault(item.child, []).append(record)
        new_digests.setdefault(item.child, {})[key] = item.digest
        if tick is not None and i % 1000 == 0:
            tick(i, len(parsed))
    if batches:
        try:
            store.record(batches, new_digests)
        except IdTaken as exc:  # checked against the store's index of ids: nothing was stored
            raise _taken_elsewhere(source, parsed, exc) from None
    if tick is not None:
        tick(len(parsed), len(parsed))
    result.imported += sum(len(b) for b in batches.values())
    result.already_present += skipped
    result.children.update(children)
    if check_quality and batches:
        result.findings.extend(_findings(store, batches))
    return result


def _taken_elsewhere(source: str, parsed: Sequence[ParsedEvent], exc: IdTaken) -> ImportConflict:
    """The refusal of ids that other children already have, at the first such line."""
    taken = set(exc.taken)
    lines = [p.line for p in parsed if p.id is not None and (p.child, p.id) in taken]
    more = len(lines) - 1
    return ImportConflict(
        f"{source}:{min(lines)}: id: already recorded for another child; ids are unique across "
        "children: send this event with a new id"
        + (f" ({more} more line{'s' if more != 1 else ''} like it)" if more > 0 else "")
    )


def _findings(store: CaseStore, children: Iterable[str]) -> list[Finding]:
    """Data-quality findings of the children an import touched, as they now stand."""
    found: list[Finding] = []
    for child, stored in store.iter_children(sorted(children)):
        timeline = build_timeline(child, facts_of(stored))
        found.extend(timeline.findings)
    return found


__all__ = ["BadInput", "ImportConflict", "ImportResult", "import_events", "import_file", "import_files"]
