"""Reading import files: JSON Lines or CSV, every line validated against the contract.

A file is all or nothing: `read_file` validates every line and raises `BadInput` for the
first bad one (naming the file, the line, the field and what was expected, and how many
other lines are bad too), so the caller never stores half a file. Messages quote field
names and codes but never the content of free-text fields: children's data stays out of
logs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from events.errors import BadInput
from events.models import CaseEvent, InvalidEvent, parse_event

REQUIRED_COLUMNS = ("child", "type", "at")


@dataclass(frozen=True, slots=True)
class ParsedEvent:
    """One validated line, kept in its stored form (the model itself is not kept, so a
    large file costs a dict per line, not a pydantic model per line)."""

    line: int
    child: str
    id: str | None
    record: dict[str, Any]  # JSON-native, as stored (absent fields left out)
    digest: str  # the content as the source sent it

    @classmethod
    def of(cls, line: int, event: CaseEvent) -> ParsedEvent:
        return cls(line, event.child, event.id, event.to_record(), content_digest(event))

    @property
    def identity(self) -> str:
        """What recognises the event on a re-import: its id, or failing that its content."""
        return self.id if self.id is not None else "#" + self.digest


def content_digest(event: CaseEvent) -> str:
    """The content of an event as the source gave it (defaults it did not send left out),
    so re-importing the same file always gives the same digest, whether it came as JSON
    Lines or CSV. Fields are serialised in the model's own order, which is fixed."""
    return hashlib.sha256(event.model_dump_json(exclude_unset=True).encode()).hexdigest()[:32]


def read_file(
    path: str | Path, *, stream: BinaryIO | None = None, name: str | None = None
) -> list[ParsedEvent]:
    """Read and validate a whole file (`-` or a stream: JSON Lines)."""
    source = name or str(path)
    if stream is not None:
        data = stream.read()
        fmt = "csv" if str(path).lower().endswith(".csv") else "jsonl"
    else:
        p = Path(path)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise BadInput(source, None, None, "no such file") from None
        except IsADirectoryError:
            raise BadInput(source, None, None, "is a directory, expected a .jsonl or .csv file") from None
        suffix = p.suffix.lower()
        if suffix == ".csv":
            fmt = "csv"
        elif suffix in (".jsonl", ".ndjson", ".json"):
            fmt = "jsonl"
        else:
            raise BadInput(
                source, None, None, f"unknown file type {suffix or '(none)'!r}: expected .jsonl or .csv"
            )
    text = _decode(data, source)
    rows = _csv_rows(text, source) if fmt == "csv" else _jsonl_rows(text, source)
    return _validate(rows, source)


def _decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadInput(
            source, line, None, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    if not text.strip():
        raise BadInput(source, None, None, "the file is empty: expected one event per line")
    return text


def _jsonl_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, Any] | BadInput]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, BadInput(source, number, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(value, dict):
            yield number, BadInput(source, number, None, "expected a JSON object, one event per line")
            continue
        yield number, value


def _csv_rows(text: str, source: str) -> Iterator[tuple[int, dict[str, Any] | BadInput]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    for row in reader:
        number = reader.line_num
        if header is None:
            if not any(cell.strip() for cell in row):
                continue
            header = [cell.strip() for cell in row]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise BadInput(
                    source,
                    number,
                    None,
                    "expected a header row naming the columns (at least child, type, at); "
                    f"missing {', '.join(missing)}",
                )
            dupes = sorted({c for c in header if header.count(c) > 1})
            if dupes:
                raise BadInput(source, number, None, f"header names a column twice: {', '.join(dupes)}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            yield (
                number,
                BadInput(source, number, None, f"{len(row)} cells but the header has {len(header)} columns"),
            )
            continue
        # An empty cell means "absent" (contract); unknown columns left empty are ignored.
        yield number, {name: cell for name, cell in zip(header, row, strict=False) if cell.strip() != ""}
    if header is None:
        raise BadInput(source, None, None, "the file is empty: expected a header row and one event per line")


def _validate(rows: Iterator[tuple[int, dict[str, Any] | BadInput]], source: str) -> list[ParsedEvent]:
    parsed: list[ParsedEvent] = []
    first: BadInput | None = None
    bad = 0
    for number, row in rows:
        if isinstance(row, BadInput):
            problem = row
        else:
            try:
                parsed.append(ParsedEvent.of(number, parse_event(row)))
                continue
            except InvalidEvent as exc:
                field, message = exc.problems[0]
                problem = BadInput(source, number, field, message)
        bad += 1
        if first is None:
            first = problem
    if first is not None:
        raise BadInput(first.source, first.line, first.field, first.problem, more=bad - 1)
    if not parsed:
        raise BadInput(source, None, None, "the file has no events")
    return parsed
