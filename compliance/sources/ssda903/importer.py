"""Import SSDA903 returns, year by year, append-only.

`import_returns` is the use case: for each directory (one collection year's tables), find
the tables, work out the year (given, or taken from the data and said so), map the rows to
contract events with stable ids, retract what an earlier return said differently, and store
the year in one transaction: the whole year or nothing. Years are loaded oldest first, so
a period of care open at the end of one year continues in the next.

Each child's data-quality findings of the return (rows readable one by one that contradict
each other: `DQ-903-<validator rule>`) are stored with the year's facts as
`finding_recorded` facts (`sources.findings`), so `casecheck findings`, the timeline and the
reports list them long after the import; their ids come from the return and what they say,
so importing the same return again adds nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from compliance.engine import facts_of
from compliance.sources.event_files import import_events
from compliance.sources.findings import ReturnFinding, finding_records
from compliance.sources.ssda903.codes import parse_year, year_end, year_label, year_of
from compliance.sources.ssda903.mapping import (
    SOURCE,
    Finding903,
    Prior,
    day,
    first_episodes,
    map_return,
    natural_key,
)
from compliance.sources.ssda903.tables import Return, load_return
from compliance.store import CaseStore
from events.models import parse_event
from events.parse import BadInput, ParsedEvent
from events.timeline import Finding, build_timeline

#: progress(table, rows) -> tick(done, total), or None for no bar.
Progress = Callable[[str, int], Callable[[int, int], None] | None]


@dataclass
class YearImported:
    directory: str
    year: int
    assumed: bool  # the year was taken from the data, not given
    imported: int = 0
    already_present: int = 0
    retracted: int = 0
    findings_recorded: int = 0  # the return's findings newly stored as `finding_recorded`
    children: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    ignored: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return year_label(self.year)


@dataclass
class Ssda903Result:
    years: list[YearImported] = field(default_factory=list)
    findings: list[Finding903] = field(default_factory=list)  # of the returns themselves
    timeline_findings: list[Finding] = field(default_factory=list)  # of the children as now stored
    children: set[str] = field(default_factory=set)

    @property
    def imported(self) -> int:
        return sum(y.imported for y in self.years)

    def by_type(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for y in self.years:
            total.update(y.by_type)
        return total

    def findings_by_code(self) -> Counter[str]:
        return Counter([f.code for f in self.findings] + [f.code for f in self.timeline_findings])

    def summary(self) -> list[str]:
        lines = []
        for y in self.years:
            said = " (assumed from the data; give --year to set it)" if y.assumed else ""
            lines.append(
                f"{y.directory}: SSDA903 {y.label}{said}: imported {y.imported} events for {y.children} "
                f"children ({y.already_present} already present, {y.retracted} retracted as changed); "
                f"{y.findings_recorded} data-quality finding{'s' if y.findings_recorded != 1 else ''} stored"
            )
            if y.ignored:
                lines.append(
                    f"  files holding no 903 table, or a second copy of one, left alone: {', '.join(y.ignored)}"
                )
        by_type = self.by_type()
        if by_type:
            lines.append("events by type: " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())))
        codes = self.findings_by_code()
        if codes:
            lines.append("findings by code: " + ", ".join(f"{c} {n}" for c, n in sorted(codes.items())))
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "years": [
                {
                    "directory": y.directory,
                    "year": y.label,
                    "assumed": y.assumed,
                    "imported": y.imported,
                    "already_present": y.already_present,
                    "retracted": y.retracted,
                    "findings_recorded": y.findings_recorded,
                    "children": y.children,
                    "by_type": dict(sorted(y.by_type.items())),
                    "ignored_files": list(y.ignored),
                }
                for y in self.years
            ],
            "children": len(self.children),
            "imported": self.imported,
            "by_type": dict(sorted(self.by_type().items())),
            "findings_by_code": dict(sorted(self.findings_by_code().items())),
            "findings": [f.to_json() for f in self.findings]
            + [
                {"code": f.code, "child": f.fact.child, "event": f.fact.id, "message": f.message}
                for f in self.timeline_findings
            ],
        }


def guess_year(ret: Return) -> int:
    """The collection year most of a return's dated rows fall in (episode ends, reviews,
    missing episodes; episode starts if nothing else)."""
    counts: Counter[int] = Counter()
    for table, column in (("Episodes", "DEC"), ("Reviews", "REVIEW"), ("Missing", "MIS_START")):
        for row, cells in ret.rows(table):
            if cells.get(column):
                counts[year_of(day(cells[column], ret.file(table), row, column))] += 1
    if not counts:
        for row, cells in ret.rows("Episodes"):
            if cells.get("DECOM"):
                counts[year_of(day(cells["DECOM"], ret.file("Episodes"), row, "DECOM"))] += 1
    if not counts:
        raise BadInput(
            str(ret.directory), None, None, "no dated rows to take the collection year from: give --year"
        )
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _prior(store: CaseStore, ret: Return, children: Iterable[str]) -> Prior:
    known = store.known_digests(children)
    ids = {child: set(digests) for child, digests in known.items()}
    # Periods of care on record matter only where the return's first episode is not a start.
    needed = [c for c, (_, rne) in first_episodes(ret).items() if rne != "S" and c in known]
    periods: dict[str, list[tuple[date, date | None]]] = {}
    for child, stored in store.iter_children(needed):
        tl = build_timeline(child, facts_of(stored))
        periods[child] = [(p.started_on, p.ended_on) for p in tl.periods]
    return Prior(ids=ids, periods=periods)


def _retractions(mapped: Sequence[ParsedEvent], prior: Prior, year: int, on: date) -> list[ParsedEvent]:
    """A `retracted` for each stored 903 fact whose row this return gives with other content."""
    new_ids = {e.id for e in mapped if e.id is not None}
    keys = {natural_key(i) for e in mapped if (i := e.id) is not None and i not in prior.ids.get(e.child, ())}
    out: list[ParsedEvent] = []
    for e in mapped:
        if e.id is None or e.id in prior.ids.get(e.child, ()):
            continue
        key = natural_key(e.id)
        if key not in keys:
            continue
        keys.discard(key)
        stored = prior.ids.get(e.child, set())
        for old in sorted(stored):
            if old.startswith(key + ":") and old not in new_ids and f"{old}:retracted" not in stored:
                event = parse_event(
                    {
                        "child": e.child,
                        "type": "retracted",
                        "at": on.isoformat(),
                        "id": f"{old}:retracted",
                        "source": SOURCE,
                        "target": old,
                        "reason": f"the SSDA903 {year_label(year)} return gives this row differently",
                    }
                )
                out.append(ParsedEvent.of(e.line, event))
    return out


def _finding_events(findings: Iterable[Finding903], year: int) -> list[ParsedEvent]:
    """Each child's findings in the return as `finding_recorded` facts, to store with its own."""
    rows = [f.row for f in findings]
    records = finding_records(
        (ReturnFinding(f"DQ-903-{f.code}", f.child, f.message, f.row, f.table or None) for f in findings),
        prefix="903",
        year=year_label(year),
        at=year_end(year),
        source=SOURCE,
    )
    return [ParsedEvent.of(row, parse_event(record)) for row, record in zip(rows, records, strict=True)]


def import_returns(
    store: CaseStore,
    directories: Sequence[str | Path],
    *,
    year: str | None = None,
    recorded_at: datetime | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> Ssda903Result:
    """Import each year's return, oldest first, each in one transaction. Raises `BadInput`
    for the first bad return; the years before it stay imported."""
    if year is not None and len(directories) != 1:
        raise BadInput("--year", None, None, "give --year with one directory (each return's year is its own)")
    given = None
    if year is not None:
        try:
            given = parse_year(year)
        except ValueError as exc:
            raise BadInput("--year", None, None, str(exc)) from None
    returns = []
    for directory in directories:
        ret = load_return(Path(directory))
        returns.append((given or guess_year(ret), given is None, ret))
    returns.sort(key=lambda r: r[0])
    moment = recorded_at or now or datetime.now(UTC)
    result = Ssda903Result()
    for y, assumed, ret in returns:
        done = YearImported(str(ret.directory), y, assumed, ignored=ret.ignored)
        children = sorted(
            {cells.get("CHILD", "").strip() for t in ret.tables.values() for _, cells in t.rows} - {""}
        )
        prior = _prior(store, ret, children)

        def bar(table: str, rows: int, label: str = year_label(y)) -> Callable[[int, int], None] | None:
            return progress(f"{table} ({label})", rows) if progress is not None else None

        mapped = map_return(ret, y, prior, progress=bar)
        retractions = _retractions(mapped.events, prior, y, moment.date())
        found = _finding_events(mapped.findings, y)
        parsed = [*mapped.events, *retractions, *found]
        fresh = [p for p in parsed if p.id not in prior.ids.get(p.child, ())]
        tick = progress(f"storing {year_label(y)}", len(parsed)) if progress is not None else None
        stored = import_events(store, parsed, source=str(ret.directory), now=moment, tick=tick)
        seen: set[tuple[str, str | None]] = set()
        for p in fresh:
            if (p.child, p.id) not in seen:
                seen.add((p.child, p.id))
                if p.record["type"] == "finding_recorded":
                    done.findings_recorded += 1
                else:
                    done.by_type[p.record["type"]] += 1
        done.imported = stored.imported - done.findings_recorded
        done.already_present = stored.already_present - (len(found) - done.findings_recorded)
        done.retracted = len(retractions)
        done.children = len(children)
        result.years.append(done)
        result.findings.extend(mapped.findings)
        # The return's own findings, just stored, are already in `findings`.
        result.timeline_findings.extend(f for f in stored.findings if f.fact.type != "finding_recorded")
        result.children.update(children)
    return result


__all__ = ["Ssda903Result", "import_returns", "guess_year"]
