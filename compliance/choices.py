"""The fixed sets of values the commands accept, and the closest known value to a typo.

A value that matches nothing known is refused with one line naming the closest known
values, so a typo in a filter never answers "0 alerts" as if the queue were empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

from compliance.errors import CasecheckError
from rules.obligation import URGENCY

#: Every obligation status, most urgent first, then the data-quality findings `check` lists.
STATUSES: tuple[str, ...] = (*(str(s) for s in URGENCY), "finding")
ALERT_STATUSES = ("open", "resolved", "all")
ALERT_SORTS = ("urgency", "due", "overdue", "age", "child", "team")
#: IRO Handbook ch. 6: the DRP stages, in order (Cafcass at any time).
STAGES = ("informal", "1", "2", "3", "4", "cafcass")
ALERT_KINDS = ("breach", "due_soon", "stage_overdue", "manual", "imported", "praise", "baseline")


class UnknownValue(CasecheckError):
    """A value that matches nothing known; the message names the closest known ones."""


def closest(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known values nearest to `value`, ignoring case (best first)."""
    by_folded: dict[str, str] = {}
    for item in known:
        by_folded.setdefault(item.casefold(), item)
    folded = value.casefold()
    near = get_close_matches(folded, list(by_folded), n=n, cutoff=0.5)
    starting = [k for k in sorted(by_folded) if k.startswith(folded) and k not in near]
    return [by_folded[k] for k in (near + starting)[:n]]


def unknown(what: str, value: str, known: Iterable[str], where: str = "") -> UnknownValue:
    """ "no team 'Tema A' in the store; closest: Team A, Team B" as an error to raise."""
    known = list(known)
    near = closest(value, known)
    if near:
        hint = "; closest: " + ", ".join(near)
    elif known:
        hint = "; known: " + ", ".join(sorted(known)[:5]) + (", ..." if len(known) > 5 else "")
    else:
        hint = "; there are none yet"
    return UnknownValue(f"no {what} {value!r}{where}{hint}")


def match_known(what: str, value: str | None, known: Iterable[str], where: str = "") -> str | None:
    """The known value equal to `value` ignoring case, or an UnknownValue error."""
    if value is None:
        return None
    known = list(known)
    for item in known:
        if item.casefold() == value.strip().casefold():
            return item
    raise unknown(what, value, known, where)


def rule_matches(rule_id: str, pattern: str) -> bool:
    """`LAC-REV-1` exactly, `LAC` for every `LAC-...` rule, or `VIS-*` as a prefix."""
    rule_id, pattern = rule_id.upper(), pattern.upper()
    return (
        rule_id == pattern
        or (pattern.endswith("*") and rule_id.startswith(pattern[:-1]))
        or rule_id.startswith(pattern + "-")
    )


def check_rule_patterns(patterns: Iterable[str], known: Iterable[str], families: Iterable[str] = ()) -> None:
    """Refuse a rule id or prefix that matches no known rule, naming the closest id.
    `families` are prefixes accepted whole (`DQ`: the data-quality findings' codes)."""
    known = list(known)
    families = tuple(f.upper() for f in families)
    for pattern in patterns:
        if pattern.upper().startswith(families) and families:
            continue
        if not any(rule_matches(rule_id, pattern) for rule_id in known):
            raise unknown("rule", pattern, known, " (see `casecheck rules`)")
