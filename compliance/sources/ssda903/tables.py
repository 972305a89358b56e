"""Reading a 903 return's tables: each CSV found by its exact set of columns.

As the DfE validator does, a table is recognised by its columns, not its file name, so a
council's own file names work and columns may come in any order. A file whose columns
are close to a table's but not equal (one missing, one extra) is an error naming the
column; a file named like a table but with other columns is the same error. Files that
match no table are listed and left alone.

Rows are numbered as lines of the file (the header is row 1). The text must be UTF-8 (a
byte-order mark is allowed); a row with fewer or more cells than the header is an error.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from events.parse import BadInput

#: OC2's yes/no columns (1 or 0), each held as the lower-cased field of `annual_outcomes`.
OC2_FLAGS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)

#: The DfE's columns of each 903 table (the validator's `config.column_names`).
TABLES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", *OC2_FLAGS),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}

#: The file names the DfE tools use for each table (used when two files hold one table,
#: and to name what is wrong with a file named like a table).
FILE_NAMES: dict[str, str] = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
    "DoLo": "dolo.csv",
}

_BY_COLUMNS = {frozenset(cols): name for name, cols in TABLES.items()}


@dataclass(frozen=True)
class Table:
    name: str
    path: Path
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]  # (row number in the file, cells by column)


@dataclass(frozen=True)
class Return:
    """One collection year's tables as found in a directory."""

    directory: Path
    tables: dict[str, Table]
    ignored: tuple[str, ...]  # files that hold no 903 table, or a second copy of one

    def rows(self, name: str) -> tuple[tuple[int, dict[str, str]], ...]:
        table = self.tables.get(name)
        return table.rows if table is not None else ()

    def file(self, name: str) -> str:
        table = self.tables.get(name)
        return str(table.path) if table is not None else FILE_NAMES[name]


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        row = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        cells = data[line_start : exc.start].count(b",")
        header = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip().split(",")
        column = header[cells].strip() if row > 1 and cells < len(header) else None
        raise BadInput(
            f"{path}: row {row}",
            None,
            column,
            "expected UTF-8 text (the file is in another encoding: save it as UTF-8 CSV)",
        ) from None


def read_table(
    path: Path, name: str | None = None
) -> tuple[str | None, tuple[str, ...], Iterator[tuple[int, list[str]]]]:
    """The table a file holds (None if none), its header, and its rows as cell lists."""
    text = _decode(path, path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = tuple(cell.strip() for cell in next(reader))
    except StopIteration:
        return None, (), iter(())
    table = _BY_COLUMNS.get(frozenset(header))
    return table, header, ((reader.line_num, row) for row in reader)


def _near(header: tuple[str, ...], path: Path) -> str | None:
    """The table a file was meant to hold, when its columns are close to one's or it is
    named like one: a missing or extra column is then an error, not an unknown file."""
    by_name = {v.lower(): k for k, v in FILE_NAMES.items()}
    named = by_name.get(path.name.lower())
    if named is not None:
        return named
    cols = set(header)
    for name, wanted in TABLES.items():
        if len(cols ^ set(wanted)) == 1 and "CHILD" in cols:
            return name
    return None


def load_return(directory: Path) -> Return:
    """Find and read every 903 table in `directory`; raise `BadInput` for a bad file."""
    if not directory.is_dir():
        raise BadInput(str(directory), None, None, "expected a directory holding one year's 903 tables (CSV)")
    found: dict[str, list[tuple[Path, tuple[str, ...], Iterator[tuple[int, list[str]]]]]] = {}
    ignored: list[str] = []
    for path in sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        table, header, rows = read_table(path)
        if table is None:
            meant = _near(header, path)
            if meant is not None:
                wanted = TABLES[meant]
                missing = [c for c in wanted if c not in header]
                extra = [c for c in header if c not in wanted]
                if missing:
                    raise BadInput(
                        f"{path}: row 1", None, missing[0], f"required column of the {meant} table is missing"
                    )
                raise BadInput(
                    f"{path}: row 1",
                    None,
                    extra[0] if extra else header[0],
                    f"not a column of the {meant} table (expected {', '.join(wanted)})",
                )
            ignored.append(path.name)
            continue
        found.setdefault(table, []).append((path, header, rows))
    tables: dict[str, Table] = {}
    for name, candidates in found.items():
        if len(candidates) > 1:
            preferred = [c for c in candidates if c[0].name.lower() == FILE_NAMES[name]]
            if len(preferred) != 1:
                names = ", ".join(c[0].name for c in candidates)
                raise BadInput(
                    str(directory), None, None, f"two files hold the {name} table ({names}); keep one"
                )
            ignored.extend(c[0].name for c in candidates if c is not preferred[0])
            candidates = preferred
        path, header, rows = candidates[0]
        tables[name] = Table(name, path, header, tuple(_cells(path, header, rows)))
    return Return(directory, tables, tuple(sorted(ignored)))


def _cells(
    path: Path, header: tuple[str, ...], rows: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(header)
    for line, cells in rows:
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line
        if len(cells) < width:
            raise BadInput(
                f"{path}: row {line}",
                None,
                header[len(cells)],
                f"expected {width} cells as in the header, the row has {len(cells)}",
            )
        if len(cells) > width:
            raise BadInput(
                f"{path}: row {line}",
                None,
                None,
                f"expected {width} cells as in the header, the row has {len(cells)}",
            )
        yield line, {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
