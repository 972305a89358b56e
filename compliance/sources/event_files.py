"""Import: validate whole files, de-duplicate, append each file in one transaction.

EVENTS.md: a file with any invalid line is rejected whole; importing the same `id` with
the same content is a no-op; the same `id` with different content is a conflict; events
that are impossible together are stored as they are and reported as data-quality findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from compliance.engine import facts_of
from compliance.errors import ImportConflict
from compliance.store import CaseStore, IdTaken
from events.parse import BadInput, ParsedEvent, read_file
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
            parsed = read_file(path, stream=stdin if str(path) == "-" else None, name=name)
            tick = progress(name, len(parsed)) if progress else None
            import_events(store, parsed, source=name, now=now, result=result, tick=tick)
        except (BadInput, ImportConflict) as exc:
            exc.partial = result  # type: ignore[union-attr]
            raise
        result.files += 1
    return result


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


__all__ = ["BadInput", "ImportConflict", "ImportResult", "import_events", "import_files"]
