"""Reports a council publishes, reproduced from events (RULES.md "Reports the seeds publish").

- `measures`: every seed scorecard measure declared once, like a rule (seed 004);
- `scorecard`: the committee paper's layout (quarters and the year side by side, target,
  RAG, direction of travel, previous year), with a drill-down to the children;
- `iro`: the IRO annual report's figures; `iha`: the IHA table (seed 000);
- `periods`, `targets`, `figures`: financial quarters, `[report]` settings, figure values;
- `export`, `charts`: CSV, Excel and trend charts of the same view models.

Every figure states its cohort and its rounding rule, and reads the facts (never the
alert queue's by-products), so the figures are the same whether or not the nightly ran.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from compliance.alerts import Alert
from compliance.engine import Engine
from compliance.reports.council import CouncilFacts, Progress, load_council
from compliance.reports.figures import ROUNDING, Figure, Item, Rounding, truncated_percent
from compliance.reports.iha import IHA_COHORT, IhaQuarter, iha_quarters
from compliance.reports.iro import IroReport, build_iro_report
from compliance.reports.measures import MEASURES, SEED_MEASURES, MeasureSpec
from compliance.reports.periods import FinancialYear, Period, financial_year, year_containing
from compliance.reports.scorecard import Scorecard, build_period_scorecard, build_scorecard
from compliance.reports.targets import ReportSettings, report_settings


def _load(engine: Engine, as_of: date, progress: Progress | None, settings: ReportSettings) -> CouncilFacts:
    return load_council(engine, as_of=as_of, progress=progress, settings_keys=settings.settings_keys)


def scorecard(
    engine: Engine,
    *,
    year: FinancialYear | None = None,
    start: date | None = None,
    end: date | None = None,
    as_of: date,
    only: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> Scorecard:
    """The scorecard for a financial year (four quarters, the year, the year before), or
    for one period `start`..`end`; judged at `as_of`."""
    settings = report_settings(engine.settings)
    council = _load(engine, as_of, progress, settings)
    name = engine.settings.council
    if year is not None:
        return build_scorecard(
            council, year, settings=settings, calendar=engine.calendar, council_name=name, only=only
        )
    assert start is not None and end is not None
    return build_period_scorecard(
        council,
        Period(start, end, f"{start} to {end}"),
        settings=settings,
        calendar=engine.calendar,
        council_name=name,
        only=only,
    )


def iro_report(
    engine: Engine,
    alerts: Iterable[Alert] | None = None,
    *,
    start: date,
    end: date,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> IroReport:
    """The IRO annual report figures for `start`..`end`, judged at `as_of` (default `end`),
    over `alerts` (default: every alert in the engine's store)."""
    if alerts is None:
        from compliance.alerts import AlertQueue

        alerts = list(AlertQueue(engine.store, engine.settings).all())
    settings = report_settings(engine.settings)
    council = _load(engine, as_of or end, progress, settings)
    label = (
        year_containing(start).label
        if (start.month, start.day) == (4, 1) and (end - start).days in (364, 365)
        else f"{start} to {end}"
    )
    return build_iro_report(council, alerts, Period(start, end, label), council_name=engine.settings.council)


def iha_table(
    engine: Engine, *, year: int, as_of: date, progress: Progress | None = None
) -> list[IhaQuarter]:
    """The IHA performance table (seed 000) for the financial year starting 1 April `year`."""
    council = _load(engine, as_of, progress, ReportSettings())
    return iha_quarters(council, FinancialYear(year))


__all__ = [
    "IHA_COHORT",
    "MEASURES",
    "ROUNDING",
    "SEED_MEASURES",
    "CouncilFacts",
    "Figure",
    "FinancialYear",
    "IhaQuarter",
    "IroReport",
    "Item",
    "MeasureSpec",
    "Period",
    "Rounding",
    "Scorecard",
    "financial_year",
    "iha_table",
    "iro_report",
    "load_council",
    "scorecard",
    "truncated_percent",
]
