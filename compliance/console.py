"""The Rich console for stored text (see `compliance.output`, "Terminal text").

Kept apart from `compliance.output` so that Rich is imported only by what prints through
it: `compliance.output.SafeConsole` is this class, loaded on first use.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from compliance.output import terminal_text


class SafeConsole(Console):
    """A Rich console for stored text: markup is off (a team called `[/b]` is just a
    name) and every string or `Text` printed, including table cells, has its control
    characters replaced."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("highlight", False)
        super().__init__(*args, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(terminal_text(text), **kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(_clean(o) for o in objects), **kwargs)


def _clean(obj: Any) -> Any:
    if isinstance(obj, str):
        return terminal_text(obj)
    if isinstance(obj, Text):
        cleaned = obj.copy()
        plain = terminal_text(cleaned.plain)
        if plain != cleaned.plain:  # same length: the spans still line up
            cleaned.plain = plain
        return cleaned
    return obj
