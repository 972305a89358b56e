"""Reports laid out for a page or a spreadsheet, whatever shape a report function returns.

The report functions (`compliance.reports`) return measures with `to_json`, lists of such
rows, or nested dicts of figures. `layout` turns any of these into blocks a template can
render without knowing the report: a table for a list of rows, a list of figures for a
dict, nested blocks for dicts within dicts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Block:
    title: str
    figures: list[tuple[str, Any]] = field(default_factory=list)  # (label, plain value)
    columns: list[str] = field(default_factory=list)  # a table when there are rows
    rows: list[list[Any]] = field(default_factory=list)
    children: list[Block] = field(default_factory=list)


def label(key: str) -> str:
    """`requested_within_48_hours_pct` -> "Requested within 48 hours %"."""
    words = str(key).replace("_pct", " %").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def plain(value: Any) -> Any:
    return value.to_json() if hasattr(value, "to_json") else value


def _is_rows(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and bool(value)
        and all(isinstance(plain(v), Mapping) for v in value)
    )


def _columns(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    return columns


def layout(title: str, value: Any) -> Block:
    value = plain(value)
    block = Block(title)
    if _is_rows(value):
        rows = [plain(v) for v in value]
        block.columns = _columns(rows)
        block.rows = [[_cell(r.get(c)) for c in block.columns] for r in rows]
        return block
    if isinstance(value, Mapping):
        for key, item in value.items():
            item = plain(item)
            if (
                isinstance(item, Mapping)
                and item
                and all(not isinstance(v, Mapping) for v in item.values())
                and len(item) <= 12
                or isinstance(item, Mapping)
                or _is_rows(item)
            ):
                block.children.append(layout(label(key), item))
            else:
                block.figures.append((label(key), _cell(item)))
        return block
    block.figures.append((title, _cell(value)))
    return block


def _cell(value: Any) -> Any:
    value = plain(value)
    if value is None:
        return "-"
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_cell(v)}" for k, v in value.items()) or "-"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(str(_cell(v)) for v in value) or "-"
    return value


def flat_rows(value: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Any report as rows for CSV/XLSX: a list of rows as it is; a dict as (figure, value)."""
    value = plain(value)
    if _is_rows(value):
        return [dict(plain(v)) for v in value]
    out: list[dict[str, Any]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            name = f"{prefix}{key}"
            item = plain(item)
            if isinstance(item, Mapping):
                out.extend(flat_rows(item, name + "."))
            elif _is_rows(item):
                for i, row in enumerate(item):
                    out.extend(flat_rows(plain(row), f"{name}[{i}]."))
            else:
                out.append({"figure": name, "value": _cell(item)})
    return out
