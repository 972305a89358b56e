"""What the import contract refuses, importable without the pydantic models: the error for
a bad file and the last year a date may have. The command line needs both on every
command, and most commands never read a file."""

from __future__ import annotations

MAX_MESSAGE = 300

#: Dates from this year on are refused: the calendar arithmetic of every timescale (a
#: few years at most) must stay inside Python's dates, which end at 9999-12-31.
LAST_YEAR = 9000


class BadInput(ValueError):
    """A file that breaks the contract. `str()` is the one line shown to the user."""

    def __init__(self, source: str, line: int | None, field: str | None, problem: str, more: int = 0) -> None:
        self.source, self.line, self.field, self.problem, self.more = source, line, field, problem, more
        where = source if line is None else f"{source}:{line}"
        text = f"{where}: {field}: {problem}" if field else f"{where}: {problem}"
        if more:
            text += f" ({more} more line{'s' if more != 1 else ''} with problems)"
        super().__init__(_bounded(text))


def _bounded(text: str) -> str:
    """One line of at most MAX_MESSAGE characters without control characters."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"
