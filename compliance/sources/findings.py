"""A return's own contradictions, kept in the store with its facts.

A statutory return (the CIN census, an SSDA903 return) can say things that cannot all be
true: a referral flagged no further action that has conferences, an initial conference
on a Sunday. The importer stores what the return says and reports each contradiction as
a finding under the DfE validator's rule code. So that the findings can be listed, and
compared with the validator's own output, long after the import, each child's findings
become `finding_recorded` facts appended with that import's facts, in the same
transaction: the timeline turns them back into findings, and `casecheck check --rule DQ`,
`casecheck timeline` and the web page list them with the findings the timeline finds.

Each one's id comes from the return and what it says, never from the run: the same
return imported again gives the same ids and content, so it adds nothing; next year's
return, which the validator checks afresh, records its own.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = ["ReturnFinding", "finding_records"]


@dataclass(frozen=True, slots=True)
class ReturnFinding:
    """One contradiction about one child in a return: `code` as listed (`DQ-CIN-8831`),
    `line` the line or row it was found at, `table` the return's table when it has several."""

    code: str
    child: str
    message: str
    line: int | None = None
    table: str | None = None


def finding_records(
    findings: Iterable[ReturnFinding], *, prefix: str, year: str, at: date, source: str
) -> list[dict[str, Any]]:
    """The `finding_recorded` facts for `findings`, in order, one per distinct finding.

    `prefix` starts the ids of the source's facts (`cin`), `year` names the return
    (`2021-22`), `at` is its reference date and `source` the `source` of its facts.

    An id is the return, the child, and a digest of what the finding says and how many
    times the child's findings said it before in this return: not its line, so a
    corrected return whose lines moved gives the same ids for the same findings.
    """
    out: list[dict[str, Any]] = []
    times: Counter[tuple[str, str, str, str]] = Counter()
    for f in findings:
        said = (f.child, f.code, f.table or "", f.message)
        times[said] += 1
        digest = hashlib.sha256("\n".join([*said[1:], str(times[said])]).encode()).hexdigest()[:12]
        record: dict[str, Any] = {
            "child": f.child,
            "type": "finding_recorded",
            "at": at.isoformat(),
            "id": f"{prefix}:{f.child}:dq:{year}:{digest}",
            "source": source,
            "code": f.code,
            "message": f.message,
        }
        if f.line is not None:
            record["line"] = f.line
        if f.table is not None:
            record["table"] = f.table
        out.append(record)
    return out
