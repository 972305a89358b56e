"""A trend chart per scorecard measure (matplotlib, no display needed): the quarters of the
year as bars, the previous year's figure and the target as lines. SVG or PNG.

The figures are drawn with matplotlib's object API (`matplotlib.figure.Figure`), never
pyplot, so nothing depends on a display or on global state.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from compliance.output import OutputError, write_private
from compliance.reports.scorecard import Row, Scorecard

FORMATS = ("svg", "png")


def _file_name(measure_id: str, fmt: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", measure_id) + f".{fmt}"


def chart(sc: Scorecard, row: Row, fmt: str = "svg") -> bytes | None:
    """One measure's chart, or None when no quarter has a figure."""
    from matplotlib.figure import Figure as Canvas

    quarters = [c for c in sc.columns if c.key.startswith("Q")]
    values = [row.cells[c.key].value if row.cells[c.key].no_data is None else None for c in quarters]
    if all(v is None for v in values):
        return None
    canvas = Canvas(figsize=(6, 3.2), dpi=100)
    ax = canvas.subplots()
    labels = [c.label for c in quarters]
    ax.bar(labels, [v if v is not None else 0 for v in values], color="#1F4E78", width=0.6)
    for i, v in enumerate(values):
        if v is not None:
            ax.annotate(f"{v}", (i, v), ha="center", va="bottom", fontsize=8)
    previous = row.cells.get("previous_year")
    if previous is not None and previous.value is not None and previous.no_data is None:
        ax.axhline(
            float(previous.value), color="#7F7F7F", linestyle=":", label=f"previous year {previous.value}"
        )
    if row.target is not None:
        ax.axhline(row.target.low, color="#38761D", linestyle="--", label=f"target {row.target.shown}")
        if row.target.high != row.target.low:
            ax.axhline(row.target.high, color="#38761D", linestyle="--")
    m = row.measure
    title = m.title if len(m.title) <= 70 else m.title[:67] + "..."
    ax.set_title(f"{m.id} {title}", fontsize=9)
    ax.set_ylabel(m.unit, fontsize=8)
    ax.tick_params(labelsize=8)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="lower right")
    canvas.tight_layout()
    buffer = io.BytesIO()
    canvas.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def write_charts(sc: Scorecard, directory: str | Path, fmt: str = "svg") -> list[Path]:
    """A chart per measure with figures, written into `directory` (created if needed)."""
    if fmt not in FORMATS:
        raise OutputError(f"chart format {fmt!r}: expected one of {', '.join(FORMATS)}")
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OutputError(f"cannot write charts into {folder}: not a folder") from None
    written = []
    for row in sc.rows:
        data = chart(sc, row, fmt)
        if data is not None:
            path = folder / _file_name(row.measure.id, fmt)
            write_private(path, data)
            written.append(path)
    return written
