"""Targets, tolerances, the child population and measure parameters: the `[report]` settings.

    [report]
    tolerance_pct = 5                  # amber band for % measures, in percentage points
    tolerance_share = 0.1              # amber band for other measures, as a share of the target

    [report.targets]
    "P1.2" = 100                       # a number: the target (polarity says which side is good)
    "G1" = "380-430"                   # a range: green inside it
    "P2.4" = { target = 10, tolerance = 1 }

    [report.population]                # children aged 0-17 living in the area (ONS mid-year)
    "2017-18" = 76074

    [report.measures."P2.7"]           # a measure's parameters
    kinds = ["missing", "away"]

    [report.comparators."G2"]          # the paper's comparator columns
    statistical_neighbours = 56
    national = 60

Without settings the targets are those the seed scorecard prints (seed 004); a measure
with neither has no RAG ("n/a"). RAG: green when the target is met, amber when within the
tolerance of it, red otherwise; for a range, green inside it, amber within the tolerance
outside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compliance.reports.measures import MEASURES, MeasureSpec, Polarity
from compliance.reports.periods import financial_year
from compliance.settings import Settings, SettingsError

GREEN, AMBER, RED = "green", "amber", "red"
#: The seed scorecard's comparator columns ("Stat Neigh Av", "National Av").
COMPARATORS = ("statistical_neighbours", "national")


@dataclass(frozen=True)
class Target:
    low: float
    high: float  # equal to low for a single figure
    tolerance: float
    source: str  # "seed 004" or the settings file

    @property
    def shown(self) -> str:
        return _num(self.low) if self.low == self.high else f"{_num(self.low)}-{_num(self.high)}"

    def rag(self, value: float | int | None, polarity: Polarity) -> str | None:
        if value is None:
            return None
        if self.low != self.high or polarity is Polarity.NONE:
            if self.low <= value <= self.high:
                return GREEN
            gap = self.low - value if value < self.low else value - self.high
            return AMBER if gap <= self.tolerance else RED
        if polarity is Polarity.HIGH:
            return GREEN if value >= self.low else (AMBER if value >= self.low - self.tolerance else RED)
        return GREEN if value <= self.low else (AMBER if value <= self.low + self.tolerance else RED)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.shown, "tolerance": self.tolerance, "source": self.source}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass(frozen=True)
class ReportSettings:
    targets: Mapping[str, Target] = field(default_factory=dict)
    population: Mapping[int, int] = field(
        default_factory=dict
    )  # first year of the financial year -> children
    measure_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    comparators: Mapping[str, Mapping[str, float]] = field(
        default_factory=dict
    )  # id -> {statistical_neighbours, national}

    def params(self, spec: MeasureSpec) -> dict[str, Any]:
        out = {**spec.params, **self.measure_params.get(spec.id, {})}
        if spec.id == "G2":
            out["population"] = self.population
        return out

    @property
    def settings_keys(self) -> frozenset[str]:
        return frozenset({"[report.population]"} if self.population else set())


def _tolerance(spec: MeasureSpec, target: float, pct: float, share: float) -> float:
    return pct if spec.unit == "%" else abs(target) * share


def _parse_target(raw: Any, key: str, fail: Any) -> tuple[float, float, float | None]:
    tolerance = None
    if isinstance(raw, Mapping):
        unknown = set(raw) - {"target", "tolerance"}
        if unknown:
            raise fail(f"{key}.{sorted(unknown)[0]}", "unknown setting (expected target or tolerance)")
        if "tolerance" in raw:
            if not isinstance(raw["tolerance"], int | float) or isinstance(raw["tolerance"], bool):
                raise fail(f"{key}.tolerance", "expected a number")
            tolerance = float(raw["tolerance"])
        raw = raw.get("target")
        key = f"{key}.target"
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw), float(raw), tolerance
    if isinstance(raw, str):
        parts = raw.replace(" ", "").split("-")
        try:
            if len(parts) == 2:
                low, high = float(parts[0]), float(parts[1])
                if low <= high:
                    return low, high, tolerance
            elif len(parts) == 1:
                return float(parts[0]), float(parts[0]), tolerance
        except ValueError:
            pass
    raise fail(key, 'expected a number (95), a range ("380-430") or { target = 95, tolerance = 2 }')


def report_settings(settings: Settings) -> ReportSettings:
    """Validate the `[report]` table; a bad key is one line naming the file and the key."""
    source = settings.source

    def fail(key: str, problem: str) -> SettingsError:
        return SettingsError(f"{source}: report.{key}: {problem}")

    raw = settings.report
    allowed = {"targets", "population", "measures", "comparators", "tolerance_pct", "tolerance_share"}
    for key in raw:
        if key not in allowed:
            raise fail(key, f"unknown setting (expected one of: {', '.join(sorted(allowed))})")
    pct = raw.get("tolerance_pct", 5)
    share = raw.get("tolerance_share", 0.1)
    for name, value in (("tolerance_pct", pct), ("tolerance_share", share)):
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise fail(name, "expected a number of 0 or more")

    targets: dict[str, Target] = {}
    for spec in MEASURES.values():
        if spec.seed_target is not None:
            low, high, _ = _parse_target(spec.seed_target, spec.id, fail)
            targets[spec.id] = Target(low, high, _tolerance(spec, low, pct, share), "seed 004")
    given = raw.get("targets", {})
    if not isinstance(given, Mapping):
        raise fail("targets", "expected a table of measure id = target")
    for measure_id, value in given.items():
        spec = MEASURES.get(measure_id)
        if spec is None:
            raise fail(f'targets."{measure_id}"', "no such measure (see `casecheck report measures`)")
        low, high, tolerance = _parse_target(value, f'targets."{measure_id}"', fail)
        targets[measure_id] = Target(
            low, high, tolerance if tolerance is not None else _tolerance(spec, low, pct, share), source
        )

    population: dict[int, int] = {}
    people = raw.get("population", {})
    if not isinstance(people, Mapping):
        raise fail("population", 'expected a table of financial year = children, e.g. "2017-18" = 76074')
    for year, value in people.items():
        try:
            first = financial_year(str(year)).first
        except ValueError:
            raise fail(f'population."{year}"', "expected a financial year like 2017-18") from None
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise fail(f'population."{year}"', "expected a whole number of children, more than 0")
        population[first] = value

    params: dict[str, dict[str, Any]] = {}
    measures = raw.get("measures", {})
    if not isinstance(measures, Mapping):
        raise fail("measures", "expected a table per measure id")
    for measure_id, table in measures.items():
        spec = MEASURES.get(measure_id)
        if spec is None:
            raise fail(f'measures."{measure_id}"', "no such measure")
        if not isinstance(table, Mapping):
            raise fail(f'measures."{measure_id}"', "expected a table of parameters")
        for name, value in table.items():
            if name not in spec.params:
                expected = ", ".join(sorted(spec.params)) or "none"
                raise fail(f'measures."{measure_id}".{name}', f"unknown parameter (expected: {expected})")
            default = spec.params[name]
            if isinstance(default, tuple):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise fail(f'measures."{measure_id}".{name}', "expected a list of text")
                if name == "kinds" and not set(value) <= {"missing", "away"}:
                    raise fail(f'measures."{measure_id}".{name}', "expected kinds among: missing, away")
                value = tuple(value)
            elif not isinstance(value, int | float) or isinstance(value, bool):
                raise fail(f'measures."{measure_id}".{name}', f"expected a number like {default}")
            params.setdefault(measure_id, {})[name] = value
    comparators: dict[str, dict[str, float]] = {}
    given_comparators = raw.get("comparators", {})
    if not isinstance(given_comparators, Mapping):
        raise fail("comparators", "expected a table per measure id")
    for measure_id, table in given_comparators.items():
        key = f'comparators."{measure_id}"'
        if measure_id not in MEASURES:
            raise fail(key, "no such measure")
        if not isinstance(table, Mapping):
            raise fail(key, "expected statistical_neighbours and/or national")
        for name, value in table.items():
            if name not in COMPARATORS:
                raise fail(f"{key}.{name}", f"unknown comparator (expected one of: {', '.join(COMPARATORS)})")
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise fail(f"{key}.{name}", "expected a number")
            comparators.setdefault(measure_id, {})[name] = value
    return ReportSettings(targets, population, params, comparators)


__all__ = ["AMBER", "GREEN", "RED", "ReportSettings", "Target", "report_settings"]
