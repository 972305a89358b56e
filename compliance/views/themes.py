"""The themes alerts are raised and counted under, as `casecheck themes` lists them."""

from __future__ import annotations

from rules.themes import GOOD_PRACTICE_THEMES, PRACTICE_ALERT_THEMES


def themes_json() -> dict[str, list[str]]:
    return {"practice_alert": list(PRACTICE_ALERT_THEMES), "good_practice": list(GOOD_PRACTICE_THEMES)}


def themes_lines() -> list[tuple[str, str | None]]:
    """A bold heading per kind of theme (and the command that takes it), then its themes."""
    lines: list[tuple[str, str | None]] = []
    for title, listed in (
        ("Practice-alert themes (alert raise)", PRACTICE_ALERT_THEMES),
        ("Good-practice themes (alert praise)", GOOD_PRACTICE_THEMES),
    ):
        lines.append((title, "bold"))
        lines.extend((f"  {theme}", None) for theme in listed)
    return lines
