"""Downloads of what a page shows, through the product's safe output (`compliance.output`):
every text cell that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

from compliance.output import csv_text


def csv_response(filename: str, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> Response:
    return Response(
        csv_text(rows, columns),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
