"""Safe output: what the product writes for people and for spreadsheets.

Everything a council imported (names of teams and workers, notes, outcomes) ends up in
terminals, CSV files and HTML pages. Three rules keep that harmless, and every writer in
the product goes through this module for them:

- Spreadsheet cells (`safe_cell`, `csv_text`): a text cell starting with `=`, `+`, `-`,
  `@`, a tab or a carriage return is a formula to Excel and LibreOffice, so it is written
  with a leading `'` (the OWASP "CSV injection" advice). Numbers are left as numbers.
- Terminal text (`terminal_text`, `SafeConsole`): control characters (escape sequences,
  backspace, bell, C1 controls, bidirectional overrides) are replaced by U+FFFD, and Rich
  markup in stored text is never interpreted (`SafeConsole` has markup off; styles come
  from `rich.text.Text` objects only). `SafeConsole` is in `compliance.console`, so that
  Rich is imported only by what prints through it.
- Files (`write_private`, `private_file`): created readable and writable by the owner
  only (0600) whatever the umask, and a missing folder is one clear line.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from compliance.errors import CasecheckError

#: What makes a spreadsheet cell a formula (OWASP): neutralised with a leading quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# C0 controls except newline, DEL, C1 controls, and the Unicode bidirectional controls
# that can make a line read differently from what it holds.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
REPLACEMENT = "\ufffd"


class OutputError(CasecheckError):
    """A file could not be written where asked."""


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text that a spreadsheet would run as a formula
    gets a leading `'`; None becomes an empty cell; other values are unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV text with a header, every cell through `safe_cell`."""
    import csv

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writerow({c: safe_cell(c) for c in columns})
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def terminal_text(value: Any, *, keep_newlines: bool = True) -> str:
    """Text safe to print on a terminal: control characters replaced by U+FFFD (a
    newline kept unless `keep_newlines` is false)."""
    text = value if isinstance(value, str) else str(value)
    text = _CONTROL.sub(REPLACEMENT, text)
    return text if keep_newlines else text.replace("\n", REPLACEMENT)


def one_line(value: Any, limit: int = 300) -> str:
    """Text for a one-line message: no control characters, no line breaks, bounded."""
    text = terminal_text(value, keep_newlines=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def __getattr__(name: str) -> Any:
    # SafeConsole is Rich's console: Rich is imported only by what prints through it.
    if name == "SafeConsole":
        from compliance.console import SafeConsole

        return SafeConsole
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- files ------------------------------------------------------------------------------


def _check_folder(path: Path) -> None:
    parent = path.expanduser().resolve().parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {parent} does not exist")


@contextmanager
def private_file(path: str | Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """Open a file for writing that only its owner can read (0600 whatever the umask);
    an existing file is truncated and its mode tightened too."""
    target = Path(path)
    _check_folder(target)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except IsADirectoryError:
        raise OutputError(f"cannot write {target}: it is a folder") from None
    except PermissionError:
        raise OutputError(f"cannot write {target}: permission denied") from None
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as handle:
        yield handle


def write_private(path: str | Path, content: str | bytes) -> None:
    """Write a whole file that only its owner can read (see `private_file`)."""
    with private_file(path, binary=isinstance(content, bytes)) as handle:
        handle.write(content)


def create_private(path: str | Path) -> None:
    """Make sure a file exists with mode 0600 before a library opens it (SQLite gives
    its WAL and shared-memory files the mode of the database file)."""
    target = Path(path).expanduser()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


__all__ = [
    "FORMULA_PREFIXES",
    "OutputError",
    "create_private",
    "csv_text",
    "one_line",
    "private_file",
    "safe_cell",
    "terminal_text",
    "write_private",
]
