"""The check use case: the obligations and data-quality findings of every child (or of the
chosen children), filtered by rule and status, as rows.

Rows stream out as children are evaluated, so memory does not grow with the size of the
store whatever the output (`casecheck check --json` over a whole council writes rows as
they come). The arithmetic behind each status is written only when asked for
(`explain`): it costs as much as the evaluation itself. With `jobs` above 1 the children
are evaluated in worker processes (`Engine.map_children`) that send back the rows already
encoded, so the parent only writes them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from compliance.choices import rule_matches
from compliance.engine import Engine, Evaluation
from compliance.output import safe_cell
from events.timeline import Finding

#: The columns of `check --csv` (DESIGN.md's machine-readable fields).
CHECK_COLUMNS = (
    "child",
    "rule",
    "title",
    "basis",
    "started_on",
    "due",
    "status",
    "met_on",
    "days_late",
    "key",
)

#: A row as the caller wants it: the row itself, or a line of JSON or CSV.
Encode = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class CheckQuery:
    """What to check: at `as_of`, as known at `known_at`; `children` None for everyone;
    `rules` ids or prefixes (`LAC`, `VIS-*`, `DQ`), empty for all; `statuses` (including
    "finding"), empty for all."""

    as_of: date
    known_at: datetime | None = None
    children: tuple[str, ...] | None = None
    rules: tuple[str, ...] = ()
    statuses: frozenset[str] = frozenset()
    explain: bool = False

    def wants(self, rule: str, status: str) -> bool:
        return matches_rule(rule, self.rules) and (not self.statuses or status in self.statuses)


def check_query(
    store: Any,
    *,
    as_of: date,
    known_at: datetime | None = None,
    children: Sequence[str] = (),
    rules: Sequence[str] = (),
    statuses: Iterable[str] = (),
    explain: bool = False,
) -> CheckQuery:
    """The query for `casecheck check`, refusing a rule id or prefix that matches no rule
    (naming the closest) and a child the store has no record of."""
    from compliance.choices import check_rule_patterns
    from rules.catalogue import REGISTRY  # every rule module registered

    check_rule_patterns(rules, REGISTRY, families=("DQ",))
    if children:
        missing = store.unknown_children(children)
        if missing:
            from compliance.errors import ChildNotFound

            raise ChildNotFound(f"no child with id {missing[0]!r} in the store")
    return CheckQuery(
        as_of=as_of,
        known_at=known_at,
        children=tuple(children) or None,
        rules=tuple(rules),
        statuses=frozenset(statuses),
        explain=explain,
    )


def matches_rule(rule_id: str, patterns: Sequence[str]) -> bool:
    """A rule id against ids or prefixes (`LAC-REV-1`, `LAC`, `VIS-*`; any case)."""
    return not patterns or any(rule_matches(rule_id, p) for p in patterns)


def finding_row(f: Finding) -> dict[str, Any]:
    """A data-quality finding in the shape of an obligation row (status "finding")."""
    return {
        "child": f.fact.child,
        "rule": f.code,
        "title": f.message,
        "basis": "data_quality",
        "started_on": f.fact.on.isoformat(),
        "due": None,
        "status": "finding",
        "met_on": None,
        "days_late": 0,
        "key": f"{f.fact.child}|{f.code}|{f.fact.on.isoformat()}|{f.fact.seq}",
        "event": f.fact.id,
    }


def rows_of(evaluation: Evaluation, query: CheckQuery) -> Iterator[dict[str, Any]]:
    """One child's rows: its obligations in order, then its findings."""
    for o in evaluation.obligations:
        if query.wants(o.rule, str(o.status)):
            yield o.to_json(explain=query.explain)
    for f in evaluation.findings:
        if query.wants(f.code, "finding"):
            yield finding_row(f)


def check_rows(
    engine: Engine, query: CheckQuery, *, jobs: int = 1, encode: Encode | None = None
) -> Iterator[tuple[str, Any]]:
    """(status, row) for every row, child by child, as they are computed; `encode` turns
    each row into what the caller writes (`json_line`, `csv_line`), in the workers when
    there are several."""
    task = partial(_check_children, query=query, encode=encode)
    for chunk in engine.map_children(task, query.children, jobs=jobs):
        yield from chunk


def _check_children(
    engine: Engine, children: Iterable[str] | None, *, query: CheckQuery, encode: Encode | None
) -> Iterator[tuple[str, Any]]:
    for evaluation in engine.evaluate_all(as_of=query.as_of, known_at=query.known_at, children=children):
        for row in rows_of(evaluation, query):
            yield row["status"], (encode(row) if encode is not None else row)


def json_line(row: dict[str, Any]) -> str:
    return json.dumps(row, default=str, ensure_ascii=False)


def csv_header() -> str:
    return _csv([{c: c for c in CHECK_COLUMNS}])


def csv_line(row: dict[str, Any]) -> str:
    """One CSV record of the check columns, every cell spreadsheet-safe."""
    return _csv([row])


def _csv(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(CHECK_COLUMNS), extrasaction="ignore", lineterminator="\n"
    )
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items() if k in CHECK_COLUMNS})
    return buffer.getvalue()


__all__ = [
    "CHECK_COLUMNS",
    "CheckQuery",
    "check_rows",
    "csv_header",
    "csv_line",
    "finding_row",
    "json_line",
    "matches_rule",
    "rows_of",
]
