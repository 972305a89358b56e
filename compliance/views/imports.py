"""What an import prints: its summary, the data-quality findings it stored, a partial import."""

from __future__ import annotations

from typing import Any

from compliance.output import terminal_text

#: Findings listed after an import; the rest are counted (all are in `check --rule DQ`).
SHOWN_FINDINGS = 20


def import_lines(result: Any) -> list[str]:
    """The summary, then up to twenty findings, one line each (stored text made safe)."""
    lines = [result.summary()]
    findings = result.findings
    if findings:
        plural = "s" if len(findings) != 1 else ""
        lines.append(
            f"{len(findings)} data-quality finding{plural} (stored as recorded; see `casecheck check --rule DQ`):"
        )
        lines.extend(
            terminal_text(f"  {f.fact.child}  {f.code}  {f.message}") for f in findings[:SHOWN_FINDINGS]
        )
        if len(findings) > SHOWN_FINDINGS:
            lines.append(f"  ... and {len(findings) - SHOWN_FINDINGS} more")
    return lines


def partial_import_line(done: Any) -> str | None:
    """What was stored from the files before the one rejected (None when nothing was)."""
    if done is None or not done.files:
        return None
    return f"{done.summary()} from the {done.files} file(s) before the one rejected"


def census_import_lines(result: Any) -> list[str]:
    """A CIN census import: its summary, then up to twenty of its findings (the census's
    own contradictions and the facts'), one line each."""
    shown = [(f.child or "(header)", f.code, f.message) for f in result.census_findings] + [
        (f.fact.child, f.code, f.message) for f in result.findings
    ]
    lines = [result.summary()]
    if shown:
        lines.append(
            f"{len(shown)} data-quality finding{'s' if len(shown) != 1 else ''} (stored as recorded):"
        )
        lines.extend(f"  {child}  {code}  {message}" for child, code, message in shown[:SHOWN_FINDINGS])
        if len(shown) > SHOWN_FINDINGS:
            lines.append(f"  ... and {len(shown) - SHOWN_FINDINGS} more (--json lists them all)")
    return lines
