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
    from = 2026-04-01                  # go-live: breaches due before this are a baseline, not alerts

    [integrity]
    full_verify_every_days = 7         # the nightly verifies the whole store at least this often

    [rules.LAC-REV-REC]
    within = "5 working days"

    [[rules.LAC-REV-REC.changes]]
    effective_from = 2024-04-01
    within = "10 working days"

    [rules.HLT-DENTAL]
    enabled = false

    [rules.LAC-REV-1]                  # a regulation's timescale made longer, or a reg rule
    within = "25 working days"         # switched off, is refused unless the setting says why
    weaker_than_law = "interim: agreed with the DCS while the IRO service is rebuilt"

    [drp.stages.2]
    raised_to = "Head of Service"
    respond_within = "5 working days"
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from compliance.errors import CasecheckError
from rules.calendar import WorkingDayCalendar
from rules.obligation import Basis
from rules.registry import REGISTRY
from rules.timescales import Timescale

CONFIG_FILE = "casecheck.toml"
WEAKER_KEY = "weaker_than_law"

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
class WeakerThanLaw:
    """A setting that makes a regulation's duty weaker, with the reason the council gave."""

    rule: str
    name: str  # the parameter, or "enabled"
    effective_from: date | None
    value: Any
    statute: Any  # the catalogue's value, which is the regulation's
    why: str

    def describe(self) -> str:
        since = f" from {self.effective_from:%-d %b %Y}" if self.effective_from else ""
        if self.name == "enabled":
            what = f"{self.rule} switched off{since}"
        else:
            what = f"{self.rule} {self.name} = {self.value}{since} (the regulation says {self.statute})"
        return f"{what}: {self.why}"


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
    alerts_from: date | None = None  # go-live line: breaches due before it are a baseline
    # The nightly verifies what was recorded since its last checkpoint, and the whole
    # store when its last whole verification is this many days old (0: every run).
    full_verify_every_days: int = 7
    # rule id -> parameter -> [(effective_from or None, value)], in date order
    overrides: Mapping[str, Mapping[str, list[tuple[date | None, Any]]]] = field(default_factory=dict)
    drp_stages: Mapping[str, DrpStage] = field(
        default_factory=lambda: {
            name: DrpStage(name, to, Timescale.parse(within))
            for name, (to, within) in DEFAULT_DRP_STAGES.items()
        }
    )
    drp_total: Timescale = Timescale(20, "working_days")
    # settings that make a `reg` rule weaker than the regulation, each with its reason
    weaker_than_law: tuple[WeakerThanLaw, ...] = ()
    # [report]: targets, tolerances, child population and measure parameters of the
    # published reports, kept as written; compliance/reports/targets.py validates them.
    report: Mapping[str, Any] = field(default_factory=dict)

    def value(self, rule_id: str, name: str, on: date, default: Any) -> Any:
        current = default
        for effective_from, value in self.overrides.get(rule_id, {}).get(name, ()):
            if effective_from is None or effective_from <= on:
                current = value
        return current

    def dated(self, rule_id: str, name: str) -> bool:
        return any(
            effective_from is not None for effective_from, _ in self.overrides.get(rule_id, {}).get(name, ())
        )

    def enabled(self, rule_id: str, on: date) -> bool:
        return bool(self.value(rule_id, "enabled", on, True))

    def calendar(self) -> WorkingDayCalendar:
        return WorkingDayCalendar(extra_holidays=self.extra_holidays)

    def has_overrides(self, rule_id: str) -> bool:
        return rule_id in self.overrides

    def history(self, rule_id: str, name: str) -> list[tuple[date | None, Any]]:
        """A parameter's settings in date order: (effective_from or None for "always", value)."""
        return list(self.overrides.get(rule_id, {}).get(name, ()))

    def weaker_notice(self, on: date) -> list[str]:
        """What every report and timeline says while the council runs weaker than the law."""
        return [weak.describe() for weak in self.weaker_in_force(on)]

    def weaker_in_force(self, on: date, rule_id: str | None = None) -> list[WeakerThanLaw]:
        """The settings that make a regulation weaker and are in force on `on`."""
        found = []
        for weak in self.weaker_than_law:
            if rule_id is not None and weak.rule != rule_id:
                continue
            in_force = [when for when, _ in self.history(weak.rule, weak.name) if when is None or when <= on]
            if in_force and in_force[-1] == weak.effective_from:
                found.append(weak)
        return found


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
    import tomllib

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

    _only(data, {"council", "calendar", "alerts", "integrity", "rules", "drp", "report"}, "", fail)
    council = _table(data, "council", fail)
    _only(council, {"name", "terminology"}, "council.", fail)
    calendar = _table(data, "calendar", fail)
    _only(calendar, {"count_start_as_day_one", "extra_holidays"}, "calendar.", fail)
    alerts = _table(data, "alerts", fail)
    _only(alerts, {"warning", "raise_due_soon", "from"}, "alerts.", fail)
    alerts_from = alerts.get("from")
    integrity = _table(data, "integrity", fail)
    _only(integrity, {"full_verify_every_days"}, "integrity.", fail)
    every = integrity.get("full_verify_every_days", 7)
    if not isinstance(every, int) or isinstance(every, bool) or not 0 <= every <= 366:
        raise fail("integrity.full_verify_every_days", "expected a whole number of days from 0 to 366")
    if alerts_from is not None and (not isinstance(alerts_from, date) or isinstance(alerts_from, datetime)):
        raise fail("alerts.from", "expected a date, e.g. from = 2026-04-01")

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
    weaker: list[WeakerThanLaw] = []
    for rule_id, table in _table(data, "rules", fail).items():
        key = f"rules.{rule_id}"
        spec = REGISTRY.get(rule_id)
        if spec is None:
            raise fail(key, "no such rule (see `casecheck rules`)")
        if not isinstance(table, Mapping):
            raise fail(key, "expected a table of parameters")
        allowed = set(spec.params) | {"enabled", WEAKER_KEY}
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
            why = values.get(WEAKER_KEY)
            if why is not None and (not isinstance(why, str) or not why.strip()):
                raise fail(f"{where}.{WEAKER_KEY}", "expected the reason, as text")
            for name, raw in values.items():
                if name == WEAKER_KEY:
                    continue
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
                statute = spec.params.get(name, True)
                if spec.basis is Basis.REG and _weaker(name, value, statute):
                    if why is None:
                        raise fail(
                            f"{where}.{name}",
                            (
                                "switching off a regulation's rule"
                                if name == "enabled"
                                else f"{value} is longer than the regulation's {statute}"
                            )
                            + ", which is weaker than the law: refused unless the setting also "
                            f'says {WEAKER_KEY} = "why"',
                        )
                    weaker.append(WeakerThanLaw(rule_id, name, effective_from, value, statute, why.strip()))
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
        alerts_from=alerts_from,
        full_verify_every_days=every,
        drp_stages=stages,
        weaker_than_law=tuple(weaker),
        drp_total=_coerce(
            drp.get("total", "20 working days"), Timescale(20, "working_days"), "drp.total", fail
        ),
        report=_table(data, "report", fail),
    )


#: Days a timescale spans on average, to compare timescales in different units.
_SPAN_DAYS = {"working_days": 7 / 5, "days": 1, "weeks": 7, "months": 30.4, "hours": 1 / 24}


def _weaker(name: str, value: Any, statute: Any) -> bool:
    """A setting weaker than the regulation: the rule off, or a timescale longer than its."""
    if name == "enabled":
        return value is False
    if isinstance(value, Timescale) and isinstance(statute, Timescale):
        if value.unit == statute.unit:
            return value.n > statute.n
        return value.n * _SPAN_DAYS[value.unit] > statute.n * _SPAN_DAYS[statute.unit]
    return False


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
