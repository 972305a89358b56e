"""A council's settings (`casecheck.toml`): rule parameters, DRP stages, calendar, wording.

Every rule parameter can be overridden, and each override can carry an `effective_from`
date, because councils change their standards: a replay of 2018 must use 2018's settings.
The engine asks for a parameter "as in force on" the date that matters (a clock's start),
so changing a timescale moves due dates only for clocks that start on or after the change.

    [council]
    name = "Anytown"
    terminology = "cared for"          # or "looked after"

    [calendar]
    count_start_as_day_one = false     # DfE CIN-census convention when true
    extra_holidays = [{ date = 2026-06-15, name = "Council closure day" }]

    [alerts]
    warning = "5 working days"         # the due_soon window
    raise_due_soon = false             # also raise an alert when an obligation is due soon

    [rules.LAC-REV-REC]
    within = "5 working days"

    [[rules.LAC-REV-REC.changes]]
    effective_from = 2024-04-01
    within = "10 working days"

    [rules.HLT-DENTAL]
    enabled = false

    [drp.stages.2]
    raised_to = "Head of Service"
    respond_within = "5 working days"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from compliance.errors import CasecheckError
from rules.calendar import WorkingDayCalendar
from rules.registry import REGISTRY
from rules.timescales import Timescale

CONFIG_FILE = "casecheck.toml"

#: IRO Handbook ch. 6 and RULES.md "IRO dispute resolution process": stage -> (raised to, response time)
DEFAULT_DRP_STAGES: dict[str, tuple[str, str]] = {
    "informal": ("social worker / team manager", "5 working days"),
    "1": ("team manager", "5 working days"),
    "2": ("head of service", "5 working days"),
    "3": ("assistant director", "5 working days"),
    "4": ("director of children's services", "5 working days"),
    "cafcass": ("Cafcass", "5 working days"),
}


class SettingsError(CasecheckError):
    """An invalid setting; the message names the file and the key."""


@dataclass(frozen=True)
class DrpStage:
    name: str
    raised_to: str
    respond_within: Timescale


@dataclass(frozen=True)
class Settings:
    """Validated settings. Implements `rules.registry.ParamSource`."""

    source: str = "(defaults)"
    council: str = "Council"
    terminology: str = "looked after"
    count_start_as_day_one: bool = False
    extra_holidays: Mapping[date, str] = field(default_factory=dict)
    warning: Timescale = Timescale(5, "working_days")
    raise_due_soon: bool = False
    # rule id -> parameter -> [(effective_from or None, value)], in date order
    overrides: Mapping[str, Mapping[str, list[tuple[date | None, Any]]]] = field(default_factory=dict)
    drp_stages: Mapping[str, DrpStage] = field(
        default_factory=lambda: {
            name: DrpStage(name, to, Timescale.parse(within))
            for name, (to, within) in DEFAULT_DRP_STAGES.items()
        }
    )
    drp_total: Timescale = Timescale(20, "working_days")
    # [report]: targets, tolerances, child population and measure parameters of the
    # published reports, kept as written; compliance/reports/targets.py validates them.
    report: Mapping[str, Any] = field(default_factory=dict)

    def value(self, rule_id: str, name: str, on: date, default: Any) -> Any:
        current = default
        for effective_from, value in self.overrides.get(rule_id, {}).get(name, ()):
            if effective_from is None or effective_from <= on:
                current = value
        return current

    def enabled(self, rule_id: str, on: date) -> bool:
        return bool(self.value(rule_id, "enabled", on, True))

    def calendar(self) -> WorkingDayCalendar:
        return WorkingDayCalendar(extra_holidays=self.extra_holidays)

    def has_overrides(self, rule_id: str) -> bool:
        return rule_id in self.overrides


def find_config(explicit: str | Path | None) -> Path | None:
    """`--config`, else `CASECHECK_CONFIG`, else `casecheck.toml` in the working directory."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CASECHECK_CONFIG")
    if env:
        return Path(env)
    local = Path(CONFIG_FILE)
    return local if local.is_file() else None


def load_settings(path: str | Path | None) -> Settings:
    if path is None:
        return Settings()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"{p}: no such settings file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{p}: not valid TOML: {exc}") from None
    return parse_settings(data, source=str(p))


def parse_settings(data: Mapping[str, Any], *, source: str = "casecheck.toml") -> Settings:
    def fail(key: str, problem: str) -> SettingsError:
        return SettingsError(f"{source}: {key}: {problem}")

    _only(data, {"council", "calendar", "alerts", "rules", "drp", "report"}, "", fail)
    council = _table(data, "council", fail)
    _only(council, {"name", "terminology"}, "council.", fail)
    calendar = _table(data, "calendar", fail)
    _only(calendar, {"count_start_as_day_one", "extra_holidays"}, "calendar.", fail)
    alerts = _table(data, "alerts", fail)
    _only(alerts, {"warning", "raise_due_soon"}, "alerts.", fail)

    terminology = council.get("terminology", "looked after")
    if terminology not in ("looked after", "cared for"):
        raise fail("council.terminology", "expected 'looked after' or 'cared for'")

    holidays: dict[date, str] = {}
    for i, item in enumerate(calendar.get("extra_holidays", [])):
        key = f"calendar.extra_holidays[{i}]"
        if isinstance(item, date):
            holidays[item] = "Council holiday"
        elif isinstance(item, Mapping) and isinstance(item.get("date"), date):
            holidays[item["date"]] = str(item.get("name", "Council holiday"))
        else:
            raise fail(key, 'expected a date (2026-06-15) or { date = 2026-06-15, name = "..." }')

    overrides: dict[str, dict[str, list[tuple[date | None, Any]]]] = {}
    for rule_id, table in _table(data, "rules", fail).items():
        key = f"rules.{rule_id}"
        spec = REGISTRY.get(rule_id)
        if spec is None:
            raise fail(key, "no such rule (see `casecheck rules`)")
        if not isinstance(table, Mapping):
            raise fail(key, "expected a table of parameters")
        allowed = set(spec.params) | {"enabled"}
        params: dict[str, list[tuple[date | None, Any]]] = {}
        entries = [(None, {k: v for k, v in table.items() if k != "changes"}, key)]
        changes = table.get("changes", [])
        if not isinstance(changes, list):
            raise fail(f"{key}.changes", "expected a list of tables with effective_from")
        for i, change in enumerate(changes):
            ckey = f"{key}.changes[{i}]"
            if not isinstance(change, Mapping) or not isinstance(change.get("effective_from"), date):
                raise fail(f"{ckey}.effective_from", "expected a date, e.g. effective_from = 2024-04-01")
            entries.append(
                (change["effective_from"], {k: v for k, v in change.items() if k != "effective_from"}, ckey)
            )
        for effective_from, values, where in entries:
            for name, raw in values.items():
                if name not in allowed:
                    raise fail(
                        f"{where}.{name}",
                        f"unknown parameter (expected one of: {', '.join(sorted(allowed))})",
                    )
                default = True if name == "enabled" else spec.params[name]
                value = _coerce(raw, default, f"{where}.{name}", fail)
                allowed_values = spec.choices.get(name)
                if allowed_values is not None:
                    given = value if isinstance(value, tuple | frozenset) else (value,)
                    wrong = [v for v in given if v not in allowed_values]
                    if wrong:
                        raise fail(
                            f"{where}.{name}", f"{wrong[0]!r} is not one of: {', '.join(allowed_values)}"
                        )
                params.setdefault(name, []).append((effective_from, value))
        for values_list in params.values():
            values_list.sort(key=lambda item: item[0] or date.min)
        overrides[rule_id] = params

    drp = _table(data, "drp", fail)
    _only(drp, {"stages", "total"}, "drp.", fail)
    stages = dict(Settings().drp_stages)
    for name, table in _table(drp, "stages", fail).items():
        key = f"drp.stages.{name}"
        if name not in DEFAULT_DRP_STAGES:
            raise fail(key, f"unknown stage (expected one of: {', '.join(DEFAULT_DRP_STAGES)})")
        _only(table, {"raised_to", "respond_within"}, key + ".", fail)
        within = _coerce(
            table.get("respond_within", str(stages[name].respond_within)),
            Timescale(5, "working_days"),
            key + ".respond_within",
            fail,
        )
        stages[name] = DrpStage(name, str(table.get("raised_to", stages[name].raised_to)), within)

    return Settings(
        source=source,
        council=str(council.get("name", "Council")),
        terminology=terminology,
        count_start_as_day_one=bool(
            _coerce(
                calendar.get("count_start_as_day_one", False), False, "calendar.count_start_as_day_one", fail
            )
        ),
        extra_holidays=holidays,
        warning=_coerce(
            alerts.get("warning", "5 working days"), Timescale(5, "working_days"), "alerts.warning", fail
        ),
        raise_due_soon=bool(
            _coerce(alerts.get("raise_due_soon", False), False, "alerts.raise_due_soon", fail)
        ),
        overrides=overrides,
        drp_stages=stages,
        drp_total=_coerce(
            drp.get("total", "20 working days"), Timescale(20, "working_days"), "drp.total", fail
        ),
        report=_table(data, "report", fail),
    )


def _table(data: Mapping[str, Any], name: str, fail: Any) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise fail(name, "expected a table")
    return value


def _only(table: Mapping[str, Any], allowed: set[str], prefix: str, fail: Any) -> None:
    for key in table:
        if key not in allowed:
            raise fail(prefix + key, f"unknown setting (expected one of: {', '.join(sorted(allowed))})")


def _coerce(raw: Any, default: Any, key: str, fail: Any) -> Any:
    if isinstance(default, Timescale):
        if not isinstance(raw, str):
            raise fail(
                key, 'expected a timescale such as "20 working days", "6 weeks", "3 months", "72 hours"'
            )
        try:
            return Timescale.parse(raw)
        except ValueError as exc:
            raise fail(key, str(exc)) from None
    if isinstance(default, bool):
        if not isinstance(raw, bool):
            raise fail(key, "expected true or false")
        return raw
    if isinstance(default, int | float) and not isinstance(raw, int | float):
        raise fail(key, f"expected a number like {default}")
    if isinstance(default, str) and not isinstance(raw, str):
        raise fail(key, f"expected text like {default!r}")
    if isinstance(default, list | tuple | frozenset | set) and not isinstance(raw, list):
        raise fail(key, "expected a list")
    if isinstance(default, frozenset | set):
        return frozenset(raw)
    if isinstance(default, tuple):
        return tuple(raw)
    return raw
