"""CSV and XLSX downloads of what a page shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A cell as text a spreadsheet will not run: a leading =, +, -, @ is quoted away."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def xlsx_response(filename: str, sheets: dict[str, tuple[Sequence[str], list[dict[str, Any]]]]) -> Response:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title[:31])
        sheet.append(list(columns))
        for row in rows:
            sheet.append([_cell(_plain(row.get(c))) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _plain(value: Any) -> Any:
    if isinstance(value, (int, float, str)) or value is None:
        return value
    return str(value)
