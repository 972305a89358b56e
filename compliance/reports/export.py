"""The reports as a performance officer pastes them into a committee paper: CSV and Excel.

One table per report, in the seed scorecard's layout (Ref, Measure, Polarity, Target, the
previous year, Q1-Q4, the year, RAG, direction of travel, cohort). The workbook has a
sheet per report, formatted as a committee table (bold banded header, frozen panes,
RAG colours, wrapped titles). Numbers are written as numbers, equal to the `value` of
`--json`; every text cell goes through `compliance.output.safe_cell`, so a team called
"=HYPERLINK(...)" is written as text, never run as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from compliance.output import csv_text, private_file, safe_cell
from compliance.reports.figures import Figure
from compliance.reports.iha import IhaQuarter
from compliance.reports.iro import IroReport
from compliance.reports.measures import Polarity
from compliance.reports.scorecard import Scorecard

POLARITY = {Polarity.HIGH: "High is Good", Polarity.LOW: "Low is Good", Polarity.NONE: ""}
RAG_FILL = {"red": "F4CCCC", "amber": "FCE5CD", "green": "D9EAD3"}


def cell_value(figure: Figure) -> Any:
    """A cell as written: the number when there is one, else the text the paper prints."""
    if figure.no_data is None and figure.not_reported is None and figure.value is not None:
        return figure.value
    return figure.shown if figure.no_data or figure.not_reported else ""


def scorecard_table(sc: Scorecard) -> tuple[list[str], list[list[Any]]]:
    header = [
        "Ref",
        "Measure",
        "Polarity",
        "Stat Neigh Av",
        "National Av",
        "Target",
        *(c.label for c in sc.columns),
        "RAG",
        "Direction of travel",
        "Unit",
        "Cohort",
    ]
    rows = []
    for r in sc.rows:
        m = r.measure
        travel = f"{r.arrow} {r.trend or ''}".strip() if r.direction else ""
        rows.append(
            [
                m.id,
                m.title,
                POLARITY[m.polarity],
                r.comparators.get("statistical_neighbours", ""),
                r.comparators.get("national", ""),
                r.target.shown if r.target else "",
                *(cell_value(r.cells[c.key]) for c in sc.columns),
                r.rag or "n/a",
                travel,
                m.unit,
                m.cohort,
            ]
        )
    return header, rows


def iro_tables(report: IroReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report's figures, then each of its tables, as (title, header, rows)."""
    figures = [
        [
            line.label,
            cell_value(line.figure),
            line.figure.unit,
            line.figure.numerator,
            line.figure.denominator,
            line.cohort,
        ]
        for line in report.lines
    ]
    out = [
        (
            f"IRO annual report figures, {report.period.start} to {report.period.end}",
            ["Figure", "Value", "Unit", "Numerator", "Denominator", "Cohort"],
            figures,
        )
    ]
    for t in report.tables:
        out.append((t.title, list(t.columns), [list(row) for row in t.rows]))
    return out


def iha_table_rows(rows: Sequence[IhaQuarter]) -> tuple[list[str], list[list[Any]]]:
    header = [
        "quarter",
        "requiring an IHA",
        "requested in 48 h",
        "%",
        "IHA in 20 WD",
        "%",
        "left care before due",
    ]
    body = []
    for r in rows:
        j = r.to_json()
        body.append(
            [
                r.quarter,
                r.requiring,
                r.requested_48h,
                j["requested_within_48_hours_pct"],
                r.completed_20wd,
                j["completed_within_20_wd_pct"],
                r.left_before_due,
            ]
        )
    return header, body


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return csv_text((dict(zip(header, row, strict=True)) for row in rows), header)


def write_workbook(
    path: str | Path, sheets: Sequence[tuple[str, Sequence[tuple[str, list[str], list[list[Any]]]]]]
) -> None:
    """Write `sheets` [(sheet name, [(table title, header, rows), ...])] as an xlsx file, owner-readable only."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for name, tables in sheets:
        sheet = book.create_sheet(title=name[:31])
        row_no = 1
        widths: dict[int, int] = {}
        for title, header, rows in tables:
            sheet.cell(row=row_no, column=1, value=safe_cell(title)).font = Font(bold=True, size=13)
            row_no += 1
            for col, text in enumerate(header, start=1):
                c = sheet.cell(row=row_no, column=col, value=safe_cell(text))
                c.font = Font(bold=True, color="FFFFFF")
                c.fill = PatternFill("solid", fgColor="1F4E78")
                c.alignment = Alignment(wrap_text=True, vertical="center")
                c.border = border
                widths[col] = max(widths.get(col, 8), min(len(str(text)), 14))
            if row_no == 2:
                sheet.freeze_panes = sheet.cell(row=row_no + 1, column=3)
            row_no += 1
            rag_col = header.index("RAG") + 1 if "RAG" in header else None
            for values in rows:
                for col, value in enumerate(values, start=1):
                    c = sheet.cell(row=row_no, column=col, value=safe_cell(value))
                    c.border = border
                    c.alignment = Alignment(
                        wrap_text=isinstance(value, str) and len(value) > 30, vertical="top"
                    )
                    if isinstance(value, str):
                        widths[col] = max(widths.get(col, 8), min(len(value), 60))
                    if col == rag_col and value in RAG_FILL:
                        c.fill = PatternFill("solid", fgColor=RAG_FILL[value])
                row_no += 1
            row_no += 1
        for col, width in widths.items():
            sheet.column_dimensions[get_column_letter(col)].width = width + 2
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    book.save(buffer)
    with private_file(path, binary=True) as handle:
        handle.write(buffer.getvalue())


def scorecard_sheets(sc: Scorecard) -> list[tuple[str, list[tuple[str, list[str], list[list[Any]]]]]]:
    header, rows = scorecard_table(sc)
    definitions = [
        [
            r.measure.id,
            r.measure.definition,
            r.measure.numerator,
            r.measure.denominator,
            r.measure.source,
            str(r.measure.rounding),
        ]
        for r in sc.rows
    ]
    return [
        ("Scorecard", [(f"{sc.title} (as of {sc.as_of})", header, rows)]),
        (
            "Definitions",
            [
                (
                    "Measure definitions",
                    ["Ref", "Definition", "Numerator", "Denominator", "Source", "Rounding"],
                    definitions,
                )
            ],
        ),
    ]


def iro_sheets(report: IroReport) -> list[tuple[str, list[tuple[str, list[str], list[list[Any]]]]]]:
    return [("IRO report", iro_tables(report))]


def iha_sheets(
    rows: Sequence[IhaQuarter], year: int
) -> list[tuple[str, list[tuple[str, list[str], list[list[Any]]]]]]:
    header, body = iha_table_rows(rows)
    return [("IHA", [(f"Initial health assessments {year}-{(year + 1) % 100:02d}", header, body)])]
