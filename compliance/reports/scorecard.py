"""The corporate parenting scorecard as the committee paper lays it out (seed 004, Appendix 1).

A row per measure: polarity, target, the previous year's figure, the four quarters of the
year and the year itself side by side, RAG against the target and the direction of
travel against the previous quarter. Every cell is a `Figure` that can name its children
(the drill-down). The view model is plain data with `to_json`, for the CLI and the browser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from compliance.reports.council import CouncilFacts
from compliance.reports.figures import Figure, no_data
from compliance.reports.measures import MEASURES, SEED_MEASURES, MeasureSpec, Polarity, Window
from compliance.reports.periods import FinancialYear, Period
from compliance.reports.targets import ReportSettings, Target
from rules.calendar import WorkingDayCalendar

UP, DOWN, SAME = "up", "down", "same"
ROUNDING_NOTE = (
    "as the seed scorecard prints: per cents and days rounded half up to whole numbers, rates to one "
    "decimal place; each measure's rule is in its declaration (casecheck report measures)"
)
ARROWS = {UP: "↑", DOWN: "↓", SAME: "→"}


@dataclass(frozen=True)
class Column:
    key: str  # "previous_year", "Q1".."Q4", "year" (or "period" for a single custom period)
    label: str  # as the paper heads it: "Yr. end 16-17", "Q1 17-18", ...
    period: Period
    reported: bool = True  # False for a quarter that has not started by the report date

    def to_json(self) -> dict[str, Any]:
        return {**self.period.to_json(), "key": self.key, "label": self.label, "reported": self.reported}


@dataclass(frozen=True)
class Row:
    measure: MeasureSpec
    cells: Mapping[str, Figure]
    target: Target | None
    latest: str | None  # the column RAG and direction of travel are judged on
    rag: str | None
    direction: str | None  # up / down / same against the previous quarter
    trend: str | None  # improving / worse / same, by the polarity
    comparators: Mapping[str, float] = field(default_factory=dict)  # statistical_neighbours, national

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.direction or "", "")

    def to_json(self) -> dict[str, Any]:
        m = self.measure
        return {
            "id": m.id,
            "title": m.title,
            "section": m.section,
            "polarity": str(m.polarity),
            "unit": m.unit,
            "window": str(m.window),
            "cohort": m.cohort,
            "rounding": str(m.rounding),
            "target": self.target.to_json() if self.target else None,
            "comparators": dict(self.comparators),
            "cells": {key: figure.to_json() for key, figure in self.cells.items()},
            "latest": self.latest,
            "rag": self.rag,
            "direction": self.direction,
            "trend": self.trend,
        }


@dataclass(frozen=True)
class DrillDown:
    """The children behind one figure: the numerator's and the denominator's."""

    measure: MeasureSpec
    column: Column
    figure: Figure

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure.to_json(),
            "column": self.column.to_json(),
            "figure": self.figure.to_json(),
            "numerator": [i.to_json() for i in self.figure.numerator_items],
            "denominator": [i.to_json() for i in self.figure.denominator_items],
        }


@dataclass(frozen=True)
class Scorecard:
    council: str
    title: str
    as_of: date
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def row(self, measure_id: str) -> Row:
        for row in self.rows:
            if row.measure.id == measure_id:
                return row
        raise KeyError(measure_id)

    def drill_down(self, measure_id: str, column: str | None = None) -> DrillDown:
        """One figure and its children; `column` is Q1-Q4, year or previous_year (any
        case), by default the latest quarter reported (or the single period's column)."""
        row = self.row(measure_id)
        keys = {c.key.lower(): c for c in self.columns}
        wanted = (column or row.latest or self.columns[-1].key).lower()
        chosen = keys.get(wanted) or keys.get("period") or self.columns[-1]
        return DrillDown(row.measure, chosen, row.cells[chosen.key])

    def to_json(self) -> dict[str, Any]:
        return {
            "report": "scorecard",
            "council": self.council,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "rounding": ROUNDING_NOTE,
            "columns": [c.to_json() for c in self.columns],
            "measures": [r.to_json() for r in self.rows],
            "summary": self.summary(),
        }

    def summary(self) -> dict[str, dict[str, int]]:
        """The paper's "Performance Measures" and "Direction of Travel" counts (seed 004, 6.1, 8.1)."""
        rag = {"red": 0, "amber": 0, "green": 0, "n/a": 0}
        travel = {"red": 0, "amber": 0, "green": 0, "n/a": 0}
        for r in self.rows:
            rag[r.rag or "n/a"] += 1
            travel[{"improving": "green", "same": "amber", "worse": "red"}.get(r.trend or "", "n/a")] += 1
        return {"rag": rag, "direction_of_travel": travel}


def compute(
    spec: MeasureSpec,
    council: CouncilFacts,
    period: Period,
    *,
    year: FinancialYear | None,
    settings: ReportSettings,
    calendar: WorkingDayCalendar,
) -> Figure:
    """One measure for one column, by its window; "no data: needs ..." when the store lacks its facts."""
    if spec.func is None:
        return no_data(spec.needs[0], spec.unit)
    lacking = [need for need in spec.needs if not council.holds(need)]
    if lacking:
        return no_data("needs " + lacking[0].replace("|", " or "), spec.unit)
    if spec.window is Window.YEAR_ONLY and period.kind == "quarter":
        return Figure(None, spec.unit, not_reported="year figure only")
    if spec.window is Window.YEAR_TO_DATE and period.kind == "quarter" and year is not None:
        period = year.to_date(period)
    return spec.func(council.children, period, settings.params(spec), calendar).rounded(spec.rounding)


def _direction(
    latest: Figure | None, previous: Figure | None, polarity: Polarity
) -> tuple[str | None, str | None]:
    if latest is None or previous is None or latest.value is None or previous.value is None:
        return None, None
    if latest.no_data or previous.no_data:
        return None, None
    direction = UP if latest.value > previous.value else DOWN if latest.value < previous.value else SAME
    if polarity is Polarity.NONE:
        return direction, None
    if direction == SAME:
        return direction, "same"
    better = (direction == UP) == (polarity is Polarity.HIGH)
    return direction, "improving" if better else "worse"


def _clip(period: Period, as_of: date, suffix: str = " to date") -> Period:
    """A period not over by the report date is counted up to it (later facts have not happened)."""
    if period.end <= as_of:
        return period
    return replace(period, end=as_of, label=period.label + suffix)


def build_scorecard(
    council: CouncilFacts,
    year: FinancialYear,
    *,
    settings: ReportSettings,
    calendar: WorkingDayCalendar,
    council_name: str = "Council",
    only: Iterable[str] | None = None,
) -> Scorecard:
    """The scorecard for a financial year: previous year, Q1-Q4, the year; RAG on the latest quarter."""
    as_of = council.as_of
    previous = year.previous()
    columns = [Column("previous_year", f"Yr. end {previous.label[2:]}", _clip(previous.whole, as_of))]
    for i, q in enumerate(year.quarters(), start=1):
        columns.append(Column(f"Q{i}", q.label, _clip(q, as_of), reported=q.start <= as_of))
    columns.append(Column("year", year.label, _clip(year.whole, as_of)))
    reported = [c for c in columns if c.key.startswith("Q") and c.reported]
    latest = reported[-1].key if reported else None
    rows = []
    for spec in [MEASURES[i] for i in (only or SEED_MEASURES)]:
        cells: dict[str, Figure] = {}
        for column in columns:
            if not column.reported:
                cells[column.key] = Figure(None, spec.unit, not_reported="not yet")
                continue
            cells[column.key] = compute(
                spec,
                council,
                column.period,
                year=year if column.key.startswith("Q") else None,
                settings=settings,
                calendar=calendar,
            )
        judged_key = "year" if spec.window is Window.YEAR_ONLY else latest
        judged = cells.get(judged_key) if judged_key else None
        if spec.window is Window.YEAR_ONLY:
            before = cells["previous_year"]
        elif latest == "Q1":
            q4 = previous.quarters()[3]
            before = compute(spec, council, q4, year=previous, settings=settings, calendar=calendar)
        elif latest is not None:
            before = cells[f"Q{int(latest[1]) - 1}"]
        else:
            before = None
        direction, trend = _direction(judged, before, spec.polarity)
        target = settings.targets.get(spec.id)
        rag = target.rag(judged.value, spec.polarity) if target and judged and not judged.no_data else None
        rows.append(
            Row(spec, cells, target, judged_key, rag, direction, trend, settings.comparators.get(spec.id, {}))
        )
    return Scorecard(
        council_name, f"Corporate parenting scorecard {year.label}", as_of, tuple(columns), tuple(rows)
    )


def build_period_scorecard(
    council: CouncilFacts,
    period: Period,
    *,
    settings: ReportSettings,
    calendar: WorkingDayCalendar,
    council_name: str = "Council",
    only: Iterable[str] | None = None,
) -> Scorecard:
    """One column for any period (`--from`/`--to`); year-to-date measures count the period itself."""
    column = Column("period", period.label or f"{period.start} to {period.end}", period)
    rows = []
    for spec in [MEASURES[i] for i in (only or SEED_MEASURES)]:
        figure = compute(spec, council, period, year=None, settings=settings, calendar=calendar)
        target = settings.targets.get(spec.id)
        rag = target.rag(figure.value, spec.polarity) if target and not figure.no_data else None
        rows.append(
            Row(
                spec,
                {"period": figure},
                target,
                "period",
                rag,
                None,
                None,
                settings.comparators.get(spec.id, {}),
            )
        )
    return Scorecard(
        council_name,
        f"Corporate parenting scorecard, {period.start} to {period.end}",
        council.as_of,
        (column,),
        tuple(rows),
    )
