"""Reading import files: JSON Lines or CSV, every line validated against the contract.

A file is all or nothing: a pass over it (`scan_file`, line by line, so memory does not
grow with the file) validates every line and then raises `BadInput` for the first bad
one (naming the file, the line, the field and what was expected, and how many other
lines are bad too), so the caller never stores half a file. Messages quote field
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


#: One decoder for every line (`json.loads` with options would build one per call).
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constant)


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
    """Read and validate a whole file (`-` or a stream: JSON Lines), into memory. An
    import streams instead (`scan_file`); this is for callers that want the list."""
    scan = scan_file(path, stream=stream, name=name)
    parsed: list[ParsedEvent] = []
    owners: dict[str, tuple[str, int]] = {}  # event id -> (child, line) within this file
    for event in scan:
        owner = owners.setdefault(event.id, (event.child, event.line)) if event.id else None
        if owner is None or owner[0] == event.child:
            parsed.append(event)
        else:
            scan.refuse(
                BadInput(
                    scan.source,
                    event.line,
                    "id",
                    f"the same id is given to another child on line {owner[1]}: ids are unique across children",
                )
            )
    scan.finish()
    return parsed


class FileScan:
    """One pass over a file, line by line, yielding each valid event (`iter`): memory
    does not grow with the file. Bad lines are counted, not yielded; `finish()` then
    raises `BadInput` for the first of them (with how many more), or when the file
    has no events. A file that is not UTF-8 is refused at its first bad byte."""

    def __init__(self, path: str | Path, *, stream: BinaryIO | None = None, name: str | None = None) -> None:
        self.source = name or str(path)
        self.path = path
        self.stream = stream
        self.first: BadInput | None = None
        self.bad = 0
        self.events = 0
        self.size: int | None = None
        if stream is not None:
            self.fmt = "csv" if str(path).lower().endswith(".csv") else "jsonl"
            return
        p = Path(path)
        if p.is_dir():
            raise BadInput(self.source, None, None, "is a directory, expected a .jsonl or .csv file")
        suffix = p.suffix.lower()
        if suffix == ".csv":
            self.fmt = "csv"
        elif suffix in (".jsonl", ".ndjson", ".json"):
            self.fmt = "jsonl"
        elif not p.exists():
            raise BadInput(self.source, None, None, "no such file")
        else:
            raise BadInput(
                self.source, None, None, f"unknown file type {suffix or '(none)'!r}: expected .jsonl or .csv"
            )
        try:
            self.size = p.stat().st_size
        except FileNotFoundError:
            raise BadInput(self.source, None, None, "no such file") from None

    def refuse(self, problem: BadInput) -> None:
        self.bad += 1
        if self.first is None or (problem.line or 0) < (self.first.line or 0):
            self.first = problem

    def __iter__(self) -> Iterator[ParsedEvent]:
        if self.stream is not None:
            yield from self._scan(self.stream)
            return
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 - closed below, also when abandoned
        except FileNotFoundError:
            raise BadInput(self.source, None, None, "no such file") from None
        except IsADirectoryError:
            raise BadInput(
                self.source, None, None, "is a directory, expected a .jsonl or .csv file"
            ) from None
        with handle:
            yield from self._scan(handle)

    def _scan(self, handle: BinaryIO) -> Iterator[ParsedEvent]:
        lines = _text_lines(handle, self.source)
        rows = _csv_rows(lines, self.source) if self.fmt == "csv" else _jsonl_rows(lines, self.source)
        for number, row in rows:
            if isinstance(row, BadInput):
                self.refuse(row)
                continue
            try:
                event = ParsedEvent.of(number, parse_event(row))
            except InvalidEvent as exc:
                field, message = exc.problems[0]
                self.refuse(BadInput(self.source, number, field, message))
                continue
            self.events += 1
            yield event

    def finish(self) -> None:
        """Raise for the first bad line (or an empty file); after a whole pass."""
        if self.first is not None:
            first = self.first
            raise BadInput(first.source, first.line, first.field, first.problem, more=self.bad - 1)
        if not self.events:
            raise BadInput(self.source, None, None, "the file has no events")


def scan_file(path: str | Path, *, stream: BinaryIO | None = None, name: str | None = None) -> FileScan:
    """A streaming pass over a file (`FileScan`)."""
    return FileScan(path, stream=stream, name=name)


def _text_lines(handle: BinaryIO, source: str) -> Iterator[str]:
    """The file's lines as text, each with its `\\n` (split on `\\n` only, as JSON Lines
    says: a U+2028 inside a string is data), a leading BOM dropped. Not UTF-8: refused
    at the first bad byte, with its offset in the file. Blank only: refused as empty."""
    offset = shift = 0
    content = False
    for number, raw in enumerate(handle, start=1):
        data = raw[3:] if number == 1 and raw.startswith(b"\xef\xbb\xbf") else raw
        start = offset - shift  # offsets count from after the BOM
        offset += len(raw)
        if number == 1:
            shift = len(raw) - len(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInput(
                source,
                number,
                None,
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {start + exc.start})",
            ) from None
        if not content and text.strip():
            content = True
        yield text
    if not content:
        raise BadInput(source, None, None, "the file is empty: expected one event per line")


def _jsonl_rows(lines: Iterator[str], source: str) -> Iterator[tuple[int, dict[str, Any] | BadInput]]:
    for number, text in enumerate(lines, start=1):
        line = text[:-1] if text.endswith("\n") else text
        line = line[:-1] if line.endswith("\r") else line
        if not line.strip():
            continue
        try:
            value = _DECODER.decode(line)
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
        # A value nests no deeper than it has brackets: most lines need no walk at all.
        if line.count("{") + line.count("[") > MAX_DEPTH and _depth(value) > MAX_DEPTH:
            yield (
                number,
                BadInput(
                    source, number, None, f"JSON nested too deeply: expected at most {MAX_DEPTH} levels"
                ),
            )
            continue
        yield number, value


def _csv_rows(lines: Iterator[str], source: str) -> Iterator[tuple[int, dict[str, Any] | BadInput]]:
    reader = csv.reader(lines)
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
                # A header cell is named only when it is shaped like a field name.
                shown = sorted(
                    {c if _SHAPE.fullmatch(c) else "a column that is not a field name" for c in dupes}
                )
                raise BadInput(source, number, None, f"header names a column twice: {', '.join(shown)}")
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
