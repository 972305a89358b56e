"""Published figures reproduced from events: the scorecard, the IHA table, the IRO report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import click

from compliance.cli.common import DATE, App, access, pass_app, today
from compliance.reports.periods import report_period, trailing_year
from compliance.views.text import (
    children_progress,
    echo_json,
    emit_report,
    print_weaker,
    render_drill_down,
    render_iha,
    render_iro,
    render_measures,
    render_scorecard,
)

REPORT_FORMATS = ("text", "json", "csv", "xlsx")


@click.group()
def report() -> None:
    """Published figures reproduced from events: scorecard, IHA table, IRO annual report."""


def _financial_year(value: str | None) -> Any:
    from compliance.reports import financial_year

    if value is None:
        return None
    try:
        return financial_year(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--year") from None


def _format(fmt: str, as_json: bool, out_path: str | None) -> str:
    fmt = "json" if as_json else fmt
    if fmt == "xlsx" and not out_path:
        raise click.BadParameter("--format xlsx writes a file: give --out FILE.xlsx", param_hint="--out")
    return fmt


class MeasureId(click.Choice):
    """A scorecard measure id (P1.2), any case; a typo is refused naming the closest."""

    name = "MEASURE"

    def __init__(self) -> None:
        from compliance.reports.measures import SEED_MEASURES

        super().__init__(SEED_MEASURES, case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            from difflib import get_close_matches

            close = get_close_matches(str(value).upper(), list(self.choices), n=3)
            hint = (
                f"; did you mean {', '.join(map(str, close))}?"
                if close
                else " (see `casecheck report measures`)"
            )
            self.fail(f"no measure {value!r}{hint}", param, ctx)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
out_option = click.option(
    "--out", "out_path", type=click.Path(dir_okay=False), help="Write to this file (required for xlsx)."
)


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """A report's `--format`, its `--json` shorthand and `--out`."""
    command = out_option(command)
    command = click.option("--json", "as_json", is_flag=True, help="Same as --format json.")(command)
    return format_option(command)


@report.command("scorecard")
@click.option("--year", help="Financial year, e.g. 2017-18: the four quarters, the year and the year before.")
@click.option("--from", "start", type=DATE, help="First day of a single period (instead of --year).")
@click.option("--to", "end", type=DATE, help="Last day of a single period (default today).")
@click.option("--as-of", type=DATE, help="Judge at this date (default: today, or --to).")
@click.option("--measure", "measure_id", type=MeasureId(), metavar="ID", help="One measure, e.g. P1.2.")
@click.option(
    "--quarter",
    type=click.Choice(("Q1", "Q2", "Q3", "Q4", "year", "previous_year"), case_sensitive=False),
    help="With --children: which column (default the latest quarter).",
)
@click.option(
    "--children", "show_children", is_flag=True, help="List the children behind the figure (needs --measure)."
)
@click.option(
    "--chart", "chart_dir", type=click.Path(file_okay=False), help="Write a trend chart per measure here."
)
@click.option("--chart-format", type=click.Choice(("svg", "png")), default="svg", show_default=True)
@output_options
@pass_app
def report_scorecard(
    app: App,
    year: str | None,
    start: date | None,
    end: date | None,
    as_of: date | None,
    measure_id: str | None,
    quarter: str | None,
    show_children: bool,
    chart_dir: str | None,
    chart_format: str,
    fmt: str,
    as_json: bool,
    out_path: str | None,
) -> None:
    """The corporate parenting scorecard: every seed measure, by quarter, with target, RAG and trend."""
    from compliance.reports import scorecard
    from compliance.reports.charts import write_charts
    from compliance.reports.export import scorecard_sheets, scorecard_table, to_csv

    fmt = _format(fmt, as_json, out_path)
    only = [measure_id] if measure_id is not None else None
    if show_children and only is None:
        raise click.BadParameter(
            "--children lists one figure's children: give --measure too", param_hint="--children"
        )
    fy = _financial_year(year)
    if fy is None:
        start, end = trailing_year(start, end or today())
    with children_progress() as tell:
        sc = scorecard(
            app.engine,
            year=fy,
            start=start,
            end=end,
            as_of=as_of or (end if fy is None and end is not None else today()),
            only=only,
            progress=tell,
        )
    access(app).report_exported(
        "scorecard", fmt, year=year if fy is not None else None, start=start, end=end, measure=measure_id
    )
    if chart_dir:
        written = write_charts(sc, chart_dir, chart_format)
        click.echo(f"wrote {len(written)} charts to {chart_dir}", err=True)
    if show_children:
        assert measure_id is not None
        drill = sc.drill_down(measure_id, quarter)
        if fmt == "json":
            echo_json(drill.to_json())
            return
        render_drill_down(drill)
        return
    weaker = app.settings.weaker_notice(sc.as_of)

    def as_text() -> None:
        print_weaker(weaker)
        render_scorecard(sc)

    emit_report(
        fmt,
        out_path,
        as_json=lambda: {**sc.to_json(), "weaker_than_law": weaker},
        as_csv=lambda: to_csv(*scorecard_table(sc)),
        sheets=lambda: scorecard_sheets(sc),
        as_text=as_text,
    )


@report.command("measures")
@click.argument("measure_id", required=False, type=MeasureId(), metavar="[MEASURE_ID]")
@click.option("--json", "as_json", is_flag=True)
def report_measures(measure_id: str | None, as_json: bool) -> None:
    """The scorecard's measures: definition, cohort, numerator, denominator, polarity, source, rounding."""
    from compliance.reports import MEASURES, SEED_MEASURES

    ids = [measure_id] if measure_id is not None else list(SEED_MEASURES)
    specs = [MEASURES[i] for i in ids]
    if as_json:
        echo_json([s.to_json() for s in specs])
        return
    render_measures(specs, detail=measure_id is not None)


@report.command("iha")
@click.option("--year", type=int, required=True, help="Financial year starting 1 April YEAR.")
@click.option("--as-of", type=DATE, help="Judge at this date (default today).")
@output_options
@pass_app
def report_iha(
    app: App, year: int, as_of: date | None, fmt: str, as_json: bool, out_path: str | None
) -> None:
    """Initial health assessment performance by quarter (the IHA table)."""
    from compliance.reports import IHA_COHORT, ROUNDING, iha_table
    from compliance.reports.export import iha_sheets, iha_table_rows, to_csv

    fmt = _format(fmt, as_json, out_path)
    with children_progress() as tell:
        rows = iha_table(app.engine, year=year, as_of=as_of or today(), progress=tell)
    access(app).report_exported("iha", fmt, year=year)
    weaker = app.settings.weaker_notice(as_of or today())

    def as_text() -> None:
        print_weaker(weaker)
        render_iha(rows, year)

    emit_report(
        fmt,
        out_path,
        as_json=lambda: {
            "year": year,
            "cohort": IHA_COHORT,
            "rounding": ROUNDING,
            "weaker_than_law": weaker,
            "quarters": [r.to_json() for r in rows],
        },
        as_csv=lambda: to_csv(*iha_table_rows(rows)),
        sheets=lambda: iha_sheets(rows, year),
        as_text=as_text,
    )


@report.command("iro")
@click.option("--year", help="Financial year, e.g. 2017-18 (instead of --from/--to).")
@click.option("--from", "start", type=DATE, help="First day of the period (default: a year before --to).")
@click.option("--to", "end", type=DATE, help="Last day of the period (default today).")
@click.option("--as-of", type=DATE, help="Judge at this date (default: --to).")
@output_options
@pass_app
def report_iro(
    app: App,
    year: str | None,
    start: date | None,
    end: date | None,
    as_of: date | None,
    fmt: str,
    as_json: bool,
    out_path: str | None,
) -> None:
    """The IRO annual report figures: reviews, participation, caseloads, practice alerts, DRP, good practice."""
    from compliance.reports import iro_report
    from compliance.reports.export import iro_sheets, iro_tables, to_csv

    fmt = _format(fmt, as_json, out_path)
    start, end = report_period(_financial_year(year), start, end or today())
    with children_progress() as tell:
        report_ = iro_report(app.engine, start=start, end=end, as_of=as_of, progress=tell)
    access(app).report_exported("iro", fmt, start=start, end=end)
    weaker = app.settings.weaker_notice(end)

    def as_text() -> None:
        print_weaker(weaker)
        render_iro(report_, start, end)

    emit_report(
        fmt,
        out_path,
        as_json=lambda: {**report_.to_json(), "weaker_than_law": weaker},
        as_csv=lambda: "\n".join(
            f"{title}\n{to_csv(header, rows)}" for title, header, rows in iro_tables(report_)
        ),
        sheets=lambda: iro_sheets(report_),
        as_text=as_text,
    )


COMMANDS = (report,)
