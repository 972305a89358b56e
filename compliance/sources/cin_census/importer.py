"""Import a year's CIN census: the whole return in one transaction, or nothing.

Year by year and append-only, like every return casecheck reads:

- every fact has a stable id from the census's natural keys (`mapping`), so importing the
  same census again adds nothing, and next year's census, which repeats the episodes still
  open, adds only what is new;
- a fact whose content changed since an earlier census (a referral's source corrected, a
  review conference that now ends the plan) becomes a `retracted` of the version on record
  and the new version, with the next revision id (`<id>~r2`, `~r3`, ...): nothing is
  updated in place;
- a fact on record that a later census no longer mentions stays: the census only lists
  episodes open during its year, so absence says nothing;
- contradictions are findings (`mapping`); the facts are stored as recorded, and each
  child's findings are stored with them as `finding_recorded` facts (`sources.findings`),
  so they are listed wherever data-quality findings are, long after the import. The
  findings of the header, about no child, are only reported.

Bad input (see `parse`) raises `BadInput` before anything is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from compliance.engine import facts_of
from compliance.sources.cin_census.codes import SOURCE
from compliance.sources.cin_census.mapping import (
    CensusFact,
    CensusFinding,
    census_year,
    map_census,
    year_label,
)
from compliance.sources.cin_census.parse import Census, parse_census
from compliance.sources.findings import ReturnFinding, finding_records
from compliance.store import CaseStore
from events.models import LONDON, InvalidEvent, parse_event
from events.parse import BadInput, content_digest
from events.timeline import Finding, build_timeline

_YEAR_LABEL = re.compile(r"(\d{4})-(\d{2})")
_REVISION = re.compile(r"~r(\d+)$")


@dataclass
class CensusImportResult:
    source: str
    year: int
    imported: int = 0
    findings_recorded: int = 0
    already_present: int = 0
    retracted: int = 0
    children: int = 0
    census_findings: list[CensusFinding] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{year_label(self.year)} CIN census: imported {self.imported} fact"
            f"{'s' if self.imported != 1 else ''} for {self.children} "
            f"child{'ren' if self.children != 1 else ''} ({self.already_present} already present, "
            f"{self.retracted} changed and retracted)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "year": year_label(self.year),
            "imported": self.imported,
            "findings_recorded": self.findings_recorded,
            "already_present": self.already_present,
            "retracted": self.retracted,
            "children": self.children,
            "findings": [f.to_json() for f in self.census_findings]
            + [
                {"child": f.fact.child, "code": f.code, "event": f.fact.id, "message": f.message}
                for f in self.findings
            ],
        }


def parse_year(label: str) -> int:
    """ "2021-22" -> 2022, the census's own Year for it."""
    match = _YEAR_LABEL.fullmatch(label.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise BadInput("--year", None, None, f"expected a census year such as 2021-22, not {label!r}")
    return int(match[1]) + 1


def read_census(path: str | Path) -> Census:
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise BadInput(source, None, None, "no such file") from None
    except IsADirectoryError:
        raise BadInput(source, None, None, "is a directory, expected a CIN census XML file") from None
    return parse_census(data, source)


def import_census(
    store: CaseStore,
    path: str | Path,
    *,
    year: str | None = None,
    recorded_at: datetime | None = None,
    now: datetime | None = None,
) -> CensusImportResult:
    """Import one census return. `year` ("2021-22"), when given, must be the year the
    return's header names. `recorded_at`: when its facts were recorded, by default when
    the return was produced (its header's DateTime), else now."""
    wanted = parse_year(year) if year is not None else None
    census = read_census(path)
    if wanted is not None and census.header.year != wanted:
        raise BadInput(
            census.source,
            census.header.line,
            "Year",
            f"the return is the {year_label(census.header.year)} census (Year {census.header.year}), "
            f"not {year_label(wanted)}",
        )
    return import_parsed(store, census, recorded_at=recorded_at, now=now)


def import_parsed(
    store: CaseStore,
    census: Census,
    *,
    recorded_at: datetime | None = None,
    now: datetime | None = None,
) -> CensusImportResult:
    facts, census_findings = map_census(census)
    result = CensusImportResult(census.source, census.header.year, census_findings=census_findings)
    moment = recorded_at or census.header.produced_at or now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    stamp = moment.isoformat()

    checked = _checked(census.source, facts, result)
    checked += _findings_checked(census, result.census_findings)
    children = sorted({f.child for f, _, _ in checked})
    known = store.known_digests(children)
    batches: dict[str, list[dict[str, Any]]] = {}
    digests: dict[str, dict[str, str]] = {}

    def add(child: str, record: dict[str, Any], digest: str) -> None:
        batches.setdefault(child, []).append({**record, "recorded_at": stamp})
        digests.setdefault(child, {})[record["id"]] = digest

    changed: list[tuple[CensusFact, dict[str, Any], str, str]] = []
    for fact, record, digest in checked:
        on_record = known.get(fact.child, {})
        current = _current_version(on_record, fact.id)
        if current is None:
            add(fact.child, record, digest)
        elif on_record[current] == digest:
            if record["type"] != "finding_recorded":
                result.already_present += 1
        else:
            changed.append((fact, record, digest, current))
    _check_order(store, census, changed, moment)
    for fact, record, digest, current in changed:
        retraction = _validated(
            census.source,
            fact.line,
            {
                "child": fact.child,
                "type": "retracted",
                "at": census.header.reference_date.isoformat(),
                "id": f"{current}:retracted",
                "source": record["source"],
                "target": current,
                "reason": f"changed in the {year_label(census.header.year)} CIN census",
            },
        )
        add(fact.child, *retraction)
        revised, _ = _validated(
            census.source, fact.line, dict(record, id=f"{fact.id}~r{_revision(current) + 1}")
        )
        # Kept under the digest of the content as the census gives it (its natural id),
        # so the next import of the same census finds it unchanged.
        add(fact.child, revised, digest)
        result.retracted += 1
    if batches:
        store.record(batches, digests)
    result.findings_recorded = sum(1 for b in batches.values() for r in b if r["type"] == "finding_recorded")
    result.imported = sum(len(b) for b in batches.values()) - result.findings_recorded
    result.children = len(children)
    result.findings = _timeline_findings(store, batches)
    return result


def _check_order(
    store: CaseStore,
    census: Census,
    changed: list[tuple[CensusFact, dict[str, Any], str, str]],
    moment: datetime,
) -> None:
    """A census may only revise what an earlier one said: a fact on record from a return
    made after this one means the years are being imported out of order (the older
    return would retract the newer facts), and the whole return is refused."""
    if not changed:
        return
    wanted = {(fact.child, current) for fact, _r, _d, current in changed}
    for child, stored in store.iter_children(sorted({child for child, _ in wanted})):
        for item in stored:
            fact_id = item.fact.get("id")
            if (child, fact_id) not in wanted:
                continue
            recorded = datetime.fromisoformat(item.fact.get("recorded_at") or item.stored_at.isoformat())
            if recorded > moment:
                line = next(f.line for f, _r, _d, c in changed if (f.child, c) == (child, fact_id))
                raise BadInput(
                    census.source,
                    line,
                    None,
                    f"child {child}: the store holds a version of this recorded {recorded.date().isoformat()}, "
                    f"after this return was made ({moment.date().isoformat()}): import census years in order",
                )


def _checked(
    source: str, facts: Iterable[CensusFact], result: CensusImportResult
) -> list[tuple[CensusFact, dict[str, Any], str]]:
    """Each fact validated against the contract, once per id (a module repeated word for
    word in the file is one fact; repeated with other content, the first is kept and the
    repeat is a finding)."""
    out: list[tuple[CensusFact, dict[str, Any], str]] = []
    seen: dict[str, str] = {}
    for fact in facts:
        record, digest = _validated(source, fact.line, fact.record)
        earlier = seen.get(fact.id)
        if earlier is not None:
            if earlier != digest:
                result.census_findings.append(
                    CensusFinding(
                        "DQ-CIN-REPEATED",
                        fact.child,
                        fact.line,
                        f"{record['type']} on {record['at']} is recorded twice with different details; the first is kept",
                    )
                )
            continue
        seen[fact.id] = digest
        out.append((fact, record, digest))
    return out


def _findings_checked(
    census: Census, findings: Iterable[CensusFinding]
) -> list[tuple[CensusFact, dict[str, Any], str]]:
    """Each child's findings as facts to store with the census's own."""
    records = finding_records(
        (ReturnFinding(f.code, f.child, f.message, f.line) for f in findings if f.child is not None),
        prefix="cin",
        year=year_label(census.header.year),
        # The end of the census year rather than the header's ReferenceDate, which may be
        # wrong (DQ-CIN-100): a corrected header then leaves the findings as they were.
        at=census_year(census.header.year)[1],
        source=SOURCE,
    )
    out = []
    for record in records:
        line = record.get("line", census.header.line)
        checked, digest = _validated(census.source, line, record)
        out.append((CensusFact(line, checked), checked, digest))
    return out


def _validated(source: str, line: int, record: dict[str, Any]) -> tuple[dict[str, Any], str]:
    try:
        event = parse_event(record)
    except InvalidEvent as exc:
        name, problem = exc.problems[0]
        raise BadInput(source, line, name, problem) from None
    return event.to_record(), content_digest(event)


def _current_version(on_record: dict[str, str], base: str) -> str | None:
    """The latest revision of a fact on record (`base`, `base~r2`, ...), if any."""
    if base not in on_record:
        return None
    latest, n = base, 1
    while f"{base}~r{n + 1}" in on_record:
        n += 1
        latest = f"{base}~r{n}"
    return latest


def _revision(fact_id: str) -> int:
    match = _REVISION.search(fact_id)
    return int(match[1]) if match else 1


def _timeline_findings(store: CaseStore, children: Iterable[str]) -> list[Finding]:
    found: list[Finding] = []
    for child, stored in store.iter_children(sorted(children)):
        # The census's own findings, just stored, are already in `census_findings`.
        found.extend(
            f for f in build_timeline(child, facts_of(stored)).findings if f.fact.type != "finding_recorded"
        )
    return found
