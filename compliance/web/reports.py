"""Reports: the scorecard for a financial year, the IHA table and the IRO report for a
chosen period, with charts of the figures by quarter (SVG drawn on the server) and
CSV/Excel downloads.

Each page calls the report functions in `compliance.reports` and renders the tables that
`compliance.reports.export` makes of what they return (title, header, rows), the same
tables `casecheck report ... --format csv|xlsx` writes, so a new measure or figure shows
up here without a template change.
"""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import login_required

from compliance import reports as measures
from compliance.errors import CasecheckError
from compliance.reports import export
from compliance.reports.periods import FinancialYear, financial_year, year_containing
from compliance.web.services import access, me, parse_day, services

bp = Blueprint("reports", __name__, url_prefix="/reports")

REPORTS = {
    "scorecard": "Corporate parenting scorecard",
    "iha": "Initial health assessments",
    "iro": "IRO annual report figures",
}

Table = tuple[str, list[str], list[list[Any]]]


def _check() -> None:
    if not me().sees_cases:
        abort(403)


def _year() -> FinancialYear:
    raw = request.args.get("year", "").strip()
    if raw:
        try:
            return financial_year(raw)
        except (CasecheckError, ValueError):
            pass
    return year_containing(services().today())


def _period() -> tuple[date, date]:
    end = parse_day(request.args.get("to")) or services().today()
    start = parse_day(request.args.get("from")) or year_containing(end).start
    return (start, end) if start <= end else (end, start)


def _scorecard(year: FinancialYear) -> Any:
    s = services()
    as_of = min(s.today(), year.end)
    return s.memo(("scorecard", year, as_of), lambda: measures.scorecard(s.engine, year=year, as_of=as_of))


def _iha(year: FinancialYear) -> Any:
    s = services()
    as_of = s.today()
    return s.memo(("iha", year, as_of), lambda: measures.iha_table(s.engine, year=year.first, as_of=as_of))


def _iro(start: date, end: date) -> Any:
    s = services()
    return s.memo(
        ("iro", start, end), lambda: measures.iro_report(s.engine, s.queue.all(), start=start, end=end)
    )


def _report(name: str) -> tuple[str, list[Table], dict[str, Any]]:
    """(what it covers, its tables, the query that asks for it again)."""
    if name == "scorecard":
        year = _year()
        sc = _scorecard(year)
        header, rows = export.scorecard_table(sc)
        return f"{sc.title}, as of {sc.as_of:%-d %b %Y}", [(sc.title, header, rows)], {"year": year.label}
    if name == "iha":
        year = _year()
        header, rows = export.iha_table_rows(_iha(year))
        return f"financial year {year.label}", [(REPORTS["iha"], header, rows)], {"year": year.label}
    start, end = _period()
    report = _iro(start, end)
    return (
        f"{start:%-d %b %Y} to {end:%-d %b %Y}",
        export.iro_tables(report),
        {"from": start.isoformat(), "to": end.isoformat()},
    )


def _charts(name: str, query: dict[str, Any]) -> list[tuple[str, str]]:
    """(alt text, URL) of each chart the page shows."""
    if name == "scorecard":
        sc = _scorecard(_year())
        return [
            (
                f"{row.measure.id} {row.measure.title} by quarter; the figures are in the table",
                url_for("reports.measure_chart", measure=row.measure.id, **query),
            )
            for row in sc.rows
            if row.measure.unit == "%" and any(c.value is not None for c in row.cells.values())
        ]
    return [
        (
            f"{REPORTS[name]}: on-time rates by quarter; the figures are in the table",
            url_for("reports.chart", name=name, **query),
        )
    ]


def _by_quarter(name: str) -> tuple[list[str], dict[str, list[float | None]]]:
    """On-time rates by quarter: (quarter labels, {figure: [percent or None per quarter]})."""
    if name == "iha":
        rows = _iha(_year())
        return [r.quarter for r in rows], {
            "requested within 48 hours": [
                measures.truncated_percent(r.requested_48h, r.requiring) for r in rows
            ],
            "completed within 20 working days": [
                measures.truncated_percent(r.completed_20wd, r.requiring) for r in rows
            ],
        }
    start, end = _period()
    labels: list[str] = []
    series: dict[str, list[float | None]] = {
        "reviews in timescale": [],
        "pathway plan reviews in timescale": [],
    }
    year = year_containing(start)
    while year.start <= end:
        for quarter in year.quarters():
            if quarter.end < start or quarter.start > end:
                continue
            report = _iro(max(quarter.start, start), min(quarter.end, end))
            labels.append(quarter.label)
            for key, label in (
                ("reviews_in_timescale", "reviews in timescale"),
                ("pathway_plan_reviews_in_timescale", "pathway plan reviews in timescale"),
            ):
                try:
                    figure = report.line(key).figure
                    series[label].append(figure.value if figure.no_data is None else None)
                except StopIteration:
                    series[label].append(None)
        year = FinancialYear(year.first + 1)
    return labels, series


@bp.route("")
@login_required
def index() -> str:
    _check()
    start, end = _period()
    return render_template(
        "reports.html", title="Reports", reports=REPORTS, start=start, end=end, year=_year().label
    )


@bp.route("/<name>")
@login_required
def report(name: str) -> str:
    _check()
    if name not in REPORTS:
        abort(404)
    heading, tables, query = _report(name)
    labels, series = _by_quarter(name) if name != "scorecard" else ([], {})
    return render_template(
        "report.html",
        title=REPORTS[name],
        name=name,
        heading=heading,
        tables=tables,
        charts=_charts(name, query),
        weaker=services().settings.weaker_notice(services().today()),
        labels=labels,
        series=series,
        csv_url=url_for("reports.download", name=name, fmt="csv", **query),
        xlsx_url=url_for("reports.download", name=name, fmt="xlsx", **query),
    )


@bp.route("/scorecard/charts/<measure>.svg")
@login_required
def measure_chart(measure: str) -> Response:
    """One scorecard measure by quarter, drawn by the reports' own chart."""
    _check()
    from compliance.reports.charts import chart as draw

    sc = _scorecard(_year())
    try:
        row = sc.row(measure)
    except KeyError:
        abort(404)
    data = draw(sc, row, "svg")
    if data is None:
        abort(404)
    return Response(data, mimetype="image/svg+xml")


@bp.route("/<name>/chart.svg")
@login_required
def chart(name: str) -> Response:
    _check()
    if name not in ("iha", "iro"):
        abort(404)
    labels, series = _by_quarter(name)
    return Response(draw_chart(REPORTS[name], labels, series), mimetype="image/svg+xml")


@bp.route("/<name>.<fmt>")
@login_required
def download(name: str, fmt: str) -> Response:
    _check()
    if name not in REPORTS or fmt not in ("csv", "xlsx"):
        abort(404)
    _heading, tables, _query = _report(name)
    if name == "iro":
        start, end = _period()
        access().report_exported(name, fmt, start=start, end=end)
    else:
        access().report_exported(name, fmt, year=_year().label if name == "scorecard" else _year().first)
    if fmt == "csv":
        body = "\n".join(f"{title}\n{export.to_csv(header, rows)}" for title, header, rows in tables)
        return Response(
            body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}.csv"'}
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.xlsx"
        export.write_workbook(path, [(REPORTS[name][:31], tables)])
        data = path.read_bytes()
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def draw_chart(title: str, labels: list[str], series: dict[str, list[float | None]]) -> bytes:
    """Percentages by quarter as a line chart, SVG (matplotlib's object API: no display,
    no global state, safe under the server's threads)."""
    from matplotlib.figure import Figure

    canvas = Figure(figsize=(8, 3.6), dpi=100)
    ax = canvas.subplots()
    markers = "osD^v<>p*h"
    for i, (name, values) in enumerate(series.items()):
        points = [(x, v) for x, v in enumerate(values) if v is not None]
        if points:
            ax.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker=markers[i % len(markers)],
                label=name[:60],
            )
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% on time")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", color="#dddddd")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="lower left", frameon=False)
    canvas.tight_layout()
    buffer = io.BytesIO()
    canvas.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
