"""Errors of the event vocabulary, importable without loading the models (the command
line catches `BadInput` on every command, and most commands never parse a file)."""

from __future__ import annotations


class BadInput(ValueError):
    """A file that breaks the contract. `str()` is the one line shown to the user."""

    def __init__(self, source: str, line: int | None, field: str | None, problem: str, more: int = 0) -> None:
        self.source, self.line, self.field, self.problem, self.more = source, line, field, problem, more
        where = source if line is None else f"{source}:{line}"
        text = f"{where}: {field}: {problem}" if field else f"{where}: {problem}"
        if more:
            text += f" ({more} more line{'s' if more != 1 else ''} with problems)"
        super().__init__(text)
