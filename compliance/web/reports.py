"""Reports: the scorecard, the IHA table and the IRO report for a chosen period, with
charts of on-time rates by quarter (SVG drawn on the server) and CSV/XLSX downloads.

Each page calls the report functions in `compliance.reports` and lays out whatever they
return (`compliance.views.report`), so a new measure shows up without a template change.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import login_required

from compliance import reports as measures
from compliance.views.report import flat_rows, layout
from compliance.web.downloads import csv_response, xlsx_response
from compliance.web.services import log, me, parse_day, services

bp = Blueprint("reports", __name__, url_prefix="/reports")

REPORTS = {
    "scorecard": "Corporate parenting scorecard",
    "iha": "Initial health assessments",
    "iro": "IRO annual report figures",
}

_cache: dict[tuple[Any, ...], Any] = {}
_cache_lock = threading.Lock()


def _cached(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """Reports evaluate the whole council: keep each answer until the store changes."""
    full = (*key, services().store.position())
    with _cache_lock:
        if full in _cache:
            return _cache[full]
    value = compute()
    with _cache_lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[full] = value
    return value


def _check() -> None:
    if not me().sees_cases:
        abort(403)


def _period() -> tuple[date, date]:
    end = parse_day(request.args.get("to")) or services().today()
    start = parse_day(request.args.get("from")) or date(end.year - 1, end.month, 1)
    if start > end:
        start, end = end, start
    return start, end


def _year() -> int:
    raw = request.args.get("year", "")
    if raw.isdigit() and 1990 < int(raw) < 2100:
        return int(raw)
    today = services().today()
    return today.year - 1 if today.month < 4 else today.year


def quarters(start: date, end: date) -> list[tuple[str, date, date]]:
    """Financial-year quarters (April to June is Q1) overlapping the period, clipped to it."""
    out = []
    year = start.year - 1 if start.month < 4 else start.year
    q_start = date(year, 4, 1)
    while q_start <= end:
        q_end = (date(q_start.year + (q_start.month + 3 > 12), (q_start.month + 2) % 12 + 1, 1)) - timedelta(
            days=1
        )
        if q_end >= start:
            number = {4: 1, 7: 2, 10: 3, 1: 4}[q_start.month]
            fy = q_start.year if q_start.month >= 4 else q_start.year - 1
            out.append((f"{fy}/{(fy + 1) % 100:02d} Q{number}", max(q_start, start), min(q_end, end)))
        q_start = q_end + timedelta(days=1)
    return out


def _data(name: str) -> tuple[str, Any, dict[str, str]]:
    """(heading, what the report function returned, the query that asks for it again)."""
    s = services()
    if name == "scorecard":
        start, end = _period()
        value = _cached(("scorecard", start, end), lambda: measures.scorecard(s.engine, start=start, end=end))
        return (
            f"{start:%-d %b %Y} to {end:%-d %b %Y}",
            value,
            {"from": start.isoformat(), "to": end.isoformat()},
        )
    if name == "iha":
        year = _year()
        as_of = s.today()
        value = _cached(("iha", year, as_of), lambda: measures.iha_table(s.engine, year=year, as_of=as_of))
        return f"financial year {year}/{(year + 1) % 100:02d}", value, {"year": str(year)}
    start, end = _period()
    value = _cached(
        ("iro", start, end), lambda: measures.iro_report(s.engine, s.queue.all(), start=start, end=end)
    )
    return f"{start:%-d %b %Y} to {end:%-d %b %Y}", value, {"from": start.isoformat(), "to": end.isoformat()}


def _series(name: str) -> tuple[list[str], dict[str, list[float | None]]]:
    """On-time rates by quarter: (quarter labels, {measure: [percent or None per quarter]})."""
    s = services()
    if name == "iha":
        rows = _data("iha")[1]
        labels = [r.quarter for r in rows]
        return labels, {
            "requested within 48 hours": [
                measures.truncated_percent(r.requested_48h, r.requiring) for r in rows
            ],
            "completed within 20 working days": [
                measures.truncated_percent(r.completed_20wd, r.requiring) for r in rows
            ],
        }
    start, end = _period()
    spans = quarters(start, end)
    series: dict[str, list[float | None]] = {}
    for i, (_label, q_start, q_end) in enumerate(spans):
        if name == "scorecard":
            found = _cached(
                ("scorecard", q_start, q_end),
                lambda a=q_start, b=q_end: measures.scorecard(s.engine, start=a, end=b),
            )
            for m in found:
                if m.unit == "%":
                    series.setdefault(f"{m.code} {m.title}", [None] * len(spans))[i] = m.value
        else:
            figures = _cached(
                ("iro", q_start, q_end),
                lambda a=q_start, b=q_end: measures.iro_report(s.engine, s.queue.all(), start=a, end=b),
            )
            timely = figures.get("reviews_in_timescale", {})
            series.setdefault("reviews in timescale", [None] * len(spans))[i] = timely.get("value")
    return [label for label, _a, _b in spans], series


@bp.route("")
@login_required
def index() -> str:
    _check()
    start, end = _period()
    return render_template(
        "reports.html", title="Reports", reports=REPORTS, start=start, end=end, year=_year(), block=None
    )


@bp.route("/<name>")
@login_required
def report(name: str) -> str:
    _check()
    if name not in REPORTS:
        abort(404)
    heading, value, query = _data(name)
    labels, series = _series(name)
    start, end = _period()
    return render_template(
        "report.html",
        title=REPORTS[name],
        name=name,
        heading=heading,
        block=layout(REPORTS[name], value),
        labels=labels,
        series=series,
        query=query,
        start=start,
        end=end,
        year=_year(),
        chart_url=url_for("reports.chart", name=name, **query),
        csv_url=url_for("reports.download", name=name, fmt="csv", **query),
        xlsx_url=url_for("reports.download", name=name, fmt="xlsx", **query),
    )


@bp.route("/<name>/chart.svg")
@login_required
def chart(name: str) -> Response:
    _check()
    if name not in REPORTS:
        abort(404)
    labels, series = _series(name)
    return Response(draw_chart(REPORTS[name], labels, series), mimetype="image/svg+xml")


@bp.route("/<name>.<fmt>")
@login_required
def download(name: str, fmt: str) -> Response:
    _check()
    if name not in REPORTS or fmt not in ("csv", "xlsx"):
        abort(404)
    heading, value, _query = _data(name)
    rows = flat_rows(value)
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    log("exported", target=f"{name} report, {heading}, {fmt}")
    if fmt == "csv":
        return csv_response(f"{name}.csv", columns, rows)
    labels, series = _series(name)
    by_quarter = [
        {"quarter": label, **{k: v[i] for k, v in series.items()}} for i, label in enumerate(labels)
    ]
    return xlsx_response(
        f"{name}.xlsx",
        {REPORTS[name]: (columns, rows), "On time by quarter": (["quarter", *series], by_quarter)},
    )


_draw_lock = threading.Lock()


def draw_chart(title: str, labels: list[str], series: dict[str, list[float | None]]) -> bytes:
    """A line chart of percentages by quarter as SVG (matplotlib, no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with _draw_lock:  # pyplot keeps global state
        plt.rcParams["svg.fonttype"] = "none"
        plt.rcParams["svg.hashsalt"] = "casecheck"
        fig, ax = plt.subplots(figsize=(8, 3.6), dpi=100)
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
        if series:
            ax.legend(fontsize=7, loc="lower left", frameon=False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
    return buffer.getvalue()
