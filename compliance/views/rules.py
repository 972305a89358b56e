"""The rule catalogue as both renderings show it: each rule with its parameters as the
council's settings give them on a day, and one rule in full with its parameter history."""

from __future__ import annotations

from datetime import date
from difflib import get_close_matches
from typing import Any

from compliance.errors import CasecheckError
from compliance.settings import Settings
from compliance.views.format import fmt_day


def _registry() -> dict[str, Any]:
    import rules.catalogue  # noqa: F401
    from rules.registry import REGISTRY

    return REGISTRY


def rule_params(settings: Settings, spec: Any, day: date) -> dict[str, str]:
    """The rule's parameters as the council runs them on `day`."""
    return {name: str(settings.value(spec.id, name, day, default)) for name, default in spec.params.items()}


def rule_json(spec: Any, params: dict[str, str], enabled: bool) -> dict[str, Any]:
    return {
        "id": spec.id,
        "title": spec.title,
        "basis": str(spec.basis),
        "citation": spec.citation,
        "theme": spec.theme,
        "parameters": params,
        "enabled": enabled,
        "in_force_from": spec.in_force_from.isoformat() if spec.in_force_from else None,
        "in_force_to": spec.in_force_to.isoformat() if spec.in_force_to else None,
        "doc": spec.doc,
    }


def parameter_history(settings: Settings, spec: Any) -> dict[str, list[dict[str, Any]]]:
    """Each parameter's values in date order, from the catalogue default on."""
    history: dict[str, list[dict[str, Any]]] = {}
    for name, default in [*spec.params.items(), ("enabled", True)]:
        changes = [{"from": None, "value": str(default), "when": "(catalogue default)"}]
        for when, value in settings.history(spec.id, name):
            entry = {"from": when.isoformat() if when else None, "value": str(value)}
            entry["when"] = f"from {fmt_day(when)}" if when else f"(set in {settings.source})"
            changes.append(entry)
        if name != "enabled" or len(changes) > 1:
            history[name] = changes
    return history


def find_rule(rule_id: str) -> Any:
    """The rule with this id (case ignored); an unknown id is refused with the closest."""
    registry = _registry()
    spec = registry.get(rule_id.upper())
    if spec is None:
        close = get_close_matches(rule_id.upper(), list(registry), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise CasecheckError(f"no rule {rule_id!r}{hint} (see `casecheck rules`)")
    return spec


def catalogue_json(settings: Settings, day: date) -> list[dict[str, Any]]:
    """Every rule in id order, as `casecheck rules --json` gives it."""
    specs = sorted(_registry().values(), key=lambda s: s.id)
    return [rule_json(s, rule_params(settings, s, day), settings.enabled(s.id, day)) for s in specs]


def rule_detail_json(settings: Settings, spec: Any, day: date) -> dict[str, Any]:
    """One rule in full: its catalogue entry, parameter history and weaker-than-law notices."""
    data = rule_json(spec, rule_params(settings, spec, day), settings.enabled(spec.id, day))
    weaker = [w.describe() for w in settings.weaker_in_force(day, spec.id)]
    return {**data, "history": parameter_history(settings, spec), "weaker_than_law": weaker}


def rule_detail_lines(settings: Settings, spec: Any, day: date) -> list[tuple[str, str | None]]:
    """One rule in full as lines of text with their emphasis (None: plain), doc last."""
    detail = rule_detail_json(settings, spec, day)
    lines: list[tuple[str, str | None]] = [(f"{spec.id}  {spec.title}", "bold")]
    lines.append((f"basis: {spec.basis}    citation: {spec.citation}", None))
    for line in detail["weaker_than_law"]:
        lines.append((f"the council runs weaker than the regulation: {line}", "bold red"))
    if spec.params:
        overridden = f"  (overridden in {settings.source})" if settings.has_overrides(spec.id) else ""
        params = ", ".join(f"{k} = {v}" for k, v in detail["parameters"].items())
        lines.append(("parameters: " + params + overridden, None))
    for name, changes in detail["history"].items():
        if len(changes) > 1:
            lines.append((f"  {name}: " + "; ".join(f"{c['value']} {c['when']}" for c in changes), None))
    if spec.theme:
        lines.append((f"practice-alert theme: {spec.theme}", None))
    if spec.in_force_from:
        lines.append((f"in force from {fmt_day(spec.in_force_from)}", None))
    if not detail["enabled"]:
        lines.append(("disabled by the council's settings", None))
    lines.append(("", None))
    lines.append((spec.doc, None))
    return lines


def catalogue_rows(settings: Settings, day: date) -> list[tuple[str, str, str, str, str]]:
    """The catalogue table: id, title (marked when disabled), basis, citation, parameters."""
    return [
        (
            r["id"],
            r["title"] + ("" if r["enabled"] else " (disabled)"),
            r["basis"],
            r["citation"],
            ", ".join(f"{k}={v}" for k, v in r["parameters"].items()),
        )
        for r in catalogue_json(settings, day)
    ]
