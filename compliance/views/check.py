"""`casecheck check` as it is shown: the most urgent rows, the count of every status, and
how many of the overdue fell due before the go-live line; and the streamed JSON and CSV.

Only the shown rows are held, however many rows there are.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from compliance.views.format import fmt_day

#: How many rows the table shows; --json and --csv give them all.
SHOWN_ROWS = 500

CHECK_TABLE_COLUMNS = ("child", "rule", "title", "started", "due", "status", "done", "WD late", "reason")


@dataclass(frozen=True)
class CheckSummary:
    as_of: date
    go_live: date | None
    shown: list[dict[str, Any]]  # the most urgent rows, most urgent first
    counts: dict[str, int]  # every status seen, in order of urgency
    before_go_live: int  # overdue rows that fell due before the go-live line

    @property
    def title(self) -> str:
        return f"Obligations as of {fmt_day(self.as_of)}"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def more_line(self) -> str | None:
        more = self.total - len(self.shown)
        return f"... {more} more rows (use --json or --csv for all)" if more > 0 else None

    @property
    def counts_line(self) -> str:
        return ", ".join(f"{n} {s}" for s, n in self.counts.items() if n) or "no obligations"

    @property
    def go_live_line(self) -> str | None:
        if self.go_live is None or not self.before_go_live:
            return None
        return (
            f"{self.before_go_live} of the overdue fell due before the go-live line {fmt_day(self.go_live)}: "
            "the baseline (`casecheck alerts --baseline`), not in the queue"
        )


def check_summary(
    rows: Iterable[tuple[str, dict[str, Any]]], as_of: date, go_live: date | None = None
) -> CheckSummary:
    """Count every (status, row) and keep the SHOWN_ROWS most urgent: by status urgency,
    then most working days late, earliest due, child and rule."""
    from rules.obligation import URGENCY

    order = {s: i for i, s in enumerate([*URGENCY, "finding"])}
    counts: Counter[str] = Counter()
    line = go_live.isoformat() if go_live is not None else ""
    before = 0

    def counted() -> Iterator[dict[str, Any]]:
        nonlocal before
        for status, row in rows:
            counts[status] += 1
            if status == "overdue" and (row["due"] or "")[:10] < line:
                before += 1
            yield row

    shown = heapq.nsmallest(
        SHOWN_ROWS,
        counted(),
        key=lambda r: (order[r["status"]], -r["days_late"], r["due"] or "", r["child"], r["rule"]),
    )
    ordered = {s: counts[s] for s in order if counts[s]}
    return CheckSummary(as_of, go_live, shown, ordered, before)


def check_table_row(r: dict[str, Any]) -> tuple[str, ...]:
    """A row as the table shows it (status last styled by the renderer, at index 5)."""
    return (
        r["child"],
        r["rule"],
        r["title"],
        r["started_on"],
        (r["due"] or "")[:16],
        r["status"],
        (r["met_on"] or "")[:16],
        str(r["days_late"] or ""),
        r.get("closed_reason") or "",
    )


def write_json_rows(out: TextIO, rows: Iterable[tuple[str, str]], seen: set[str]) -> None:
    """A JSON array written row by row as the rows come (one row a line), so memory stays
    flat whatever the size of the store; `seen` gathers the statuses written."""
    out.write("[")
    for status, line in rows:
        out.write(",\n" if seen else "\n")
        seen.add(status)
        out.write(line)
    out.write("\n]\n" if seen else "]\n")


def write_csv_rows(out: TextIO, header: str, rows: Iterable[tuple[str, str]], seen: set[str]) -> None:
    out.write(header)
    for status, line in rows:
        seen.add(status)
        out.write(line)
