"""The nightly runs as both renderings list them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

RUN_COLUMNS = (
    "as of",
    "started (UTC)",
    "children",
    "raised",
    "closed",
    "of them missed",
    "baseline",
    "stage",
    "secs",
    "done",
    "verified",
)


def run_rows(runs: Iterable[dict[str, Any]]) -> list[tuple[str, ...]]:
    """One row a run (from each run's to_json()), in the columns of RUN_COLUMNS."""
    return [
        (
            r["as_of"],
            r["started"][:16].replace("T", " "),
            str(r["children_evaluated"]),
            str(r["alerts_raised"]),
            str(r["alerts_closed"]),
            str(r["alerts_missed"]),
            str(r["baseline_recorded"]),
            str(r["stage_overdue_raised"]),
            f"{r['duration_s']:.1f}",
            "yes" if r["completed"] else "interrupted",
            _verified(r),
        )
        for r in runs
    ]


def _verified(run: dict[str, Any]) -> str:
    """What the run verified before acting: the whole store, or the records added since
    the last run's checkpoint; blank for runs recorded before this was kept."""
    kind, records = run.get("verification"), run.get("verified_records")
    if kind is None or records is None:
        return ""
    return f"{'whole store' if kind == 'whole' else 'new'}: {records:,}"
