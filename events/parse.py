"""Reading import files: JSON Lines or CSV, every line validated against the contract.

A file is all or nothing: `read_file` validates every line and raises `BadInput` for the
first bad one (naming the file, the line, the field and what was expected, and how many
other lines are bad too), so the caller never stores half a file. Messages quote field
names and codes but never the content of free-text fields: children's data stays out of
logs.

JSON Lines as specified: a line ends only at `\n` (a `\r` before it is dropped), so a
U+2028 inside a string is data. JSON that is nested deeper than `MAX_DEPTH`, holds NaN or
Infinity, or names a key twice in one object is refused: each could make two readers of
the same file see different events. Every message stays under `MAX_MESSAGE` characters.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from events.contract import BadInput
from events.models import CaseEvent, InvalidEvent, parse_event

REQUIRED_COLUMNS = ("child", "type", "at")
MAX_DEPTH = 16  # an event is a flat object; a few levels leave room for future fields
_SHAPE = re.compile(r"[A-Za-z0-9_]{1,32}")


class _Refused(ValueError):
    """JSON that parses but is refused (NaN, a duplicate key); the text is the problem."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            named = repr(key) if _SHAPE.fullmatch(key) else "a key"
            raise _Refused(f"{named} appears twice in one object: expected each field once")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number: expected a finite number or a string")


def _depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0, a flat object 1)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def json_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of a JSON Lines text with their numbers: split on `\n` only, a `\r`
    before it dropped (Python's `splitlines` would also split on U+2028 and others)."""
    for number, line in enumerate(text.split("\n"), start=1):
        yield number, line[:-1] if line.endswith("\r") else line


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
    for number, line in json_lines(text):
        if not line.strip():
            continue
        try:
            value = json.loads(line, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            yield number, BadInput(source, number, None, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        except _Refused as exc:
            yield number, BadInput(source, number, None, f"refused JSON: {exc}")
            continue
        except RecursionError:
            yield (
                number,
                BadInput(
                    source, number, None, f"JSON nested too deeply: expected at most {MAX_DEPTH} levels"
                ),
            )
            continue
        if not isinstance(value, dict):
            yield number, BadInput(source, number, None, "expected a JSON object, one event per line")
            continue
        if _depth(value) > MAX_DEPTH:
            yield (
                number,
                BadInput(
                    source, number, None, f"JSON nested too deeply: expected at most {MAX_DEPTH} levels"
                ),
            )
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
    owners: dict[str, tuple[str, int]] = {}  # event id -> (child, line) within this file
    for number, row in rows:
        if isinstance(row, BadInput):
            problem = row
        else:
            try:
                event = ParsedEvent.of(number, parse_event(row))
            except InvalidEvent as exc:
                field, message = exc.problems[0]
                problem = BadInput(source, number, field, message)
            else:
                owner = owners.setdefault(event.id, (event.child, number)) if event.id else None
                if owner is None or owner[0] == event.child:
                    parsed.append(event)
                    continue
                problem = BadInput(
                    source,
                    number,
                    "id",
                    f"the same id is given to another child on line {owner[1]}: ids are unique across children",
                )
        bad += 1
        if first is None:
            first = problem
    if first is not None:
        raise BadInput(first.source, first.line, first.field, first.problem, more=bad - 1)
    if not parsed:
        raise BadInput(source, None, None, "the file has no events")
    return parsed
