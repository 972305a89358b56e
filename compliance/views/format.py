"""How days and moments are written for people (Europe/London)."""

from __future__ import annotations

from datetime import date, datetime

from events.timeline import LONDON


def fmt_day(value: date | datetime | None) -> str:
    """ "Tue 11 Oct 2022", or "Tue 11 Oct 2022 14:05" for a moment (shown in London time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(LONDON).strftime("%a %-d %b %Y %H:%M")
    return value.strftime("%a %-d %b %Y")


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"
