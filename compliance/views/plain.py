"""Lines of text with emphasis, written without Rich when Rich would write them as they are.

A one-child command prints a few dozen lines: headings in bold, each status in its colour.
Importing Rich costs such a command about a tenth of its start-up, and when the output is
not a terminal Rich writes no styles at all, and wraps nothing that fits its width (at
least 160 columns there, see `views.text.console`). So the lines are kept as spans of
text and style, and written directly when Rich surely would write them unchanged: the
stream is not a terminal (nor said to be one by TTY_COMPATIBLE or FORCE_COLOR), not a
notebook's, not on Windows, and every line is printable ASCII no wider than 160 columns.
Anything else goes to the Rich console as before, so the text is the same either way (a
test compares the two), control characters replaced in both.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from compliance.output import terminal_text
from compliance.views.format import fmt_day
from compliance.views.timeline import fact_fields, obligation_summary, timeline_view

#: One run of text and its Rich style (None: plain).
Span = tuple[str, str | None]
Line = Sequence[Span]

#: The narrowest a console that is not a terminal is given (`views.text.console`).
PLAIN_WIDTH = 160

STATUS_STYLE = {
    "overdue": "bold red",
    "due_soon": "yellow",
    "pending": "cyan",
    "missed": "red",
    "late": "magenta",
    "met": "green",
    "closed": "dim",
    "no_data": "dim italic",
    "finding": "bold yellow",
}


def echo_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str) + "\n")


def print_lines(lines: Sequence[Line], *, err: bool = False) -> None:
    """Print each line (its spans joined), directly or through the Rich console."""
    texts = [terminal_text("".join(text for text, _ in line)) for line in lines]
    stream = _plain_stream(err)
    if stream is not None and all(_fits(part) for text in texts for part in text.split("\n")):
        stream.write("".join(text + "\n" for text in texts))
        stream.flush()
        return
    from rich.text import Text

    from compliance.views.text import console

    out = console(err)
    for line in lines:
        (first, style), *rest = line or [("", None)]
        text = Text(first, style=style or "")
        for part, part_style in rest:
            text.append(part, style=part_style)
        out.print(text)


def _plain_stream(err: bool) -> Any:
    """The stream to write to directly, or None where Rich might style or wrap the text."""
    if os.name == "nt" or "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return None
    import builtins

    stream = sys.stderr if err else sys.stdout
    if stream is None or hasattr(builtins, "get_ipython") or hasattr(stream, "rich_proxied_file"):
        return None
    try:
        return None if stream.isatty() else stream
    except (AttributeError, ValueError):
        return None


def _fits(text: str) -> bool:
    return len(text) <= PLAIN_WIDTH and text.isascii() and text.isprintable()


# --- timeline -------------------------------------------------------------------------


def render_timeline(evaluation: Any, *, explain: bool, terminology: str, weaker: Sequence[str] = ()) -> None:
    view = timeline_view(evaluation, terminology)
    lines: list[Line] = [[(f"Child {evaluation.child}", "bold")], [(view.heading, None)]]
    for notice in weaker:
        lines.append([(f"The council runs weaker than the regulation: {notice}", "bold red")])
    if view.attention:
        lines.append([("\nNeeds attention", "bold underline")])
        for o in view.attention:
            lines.extend(obligation_lines(o, explain=False, indent="  "))
    retracted_ids = {f.id for f in view.retracted}
    for title, rows in view.sections:
        lines.append([(f"\n{title}", "bold underline")])
        for fact, obligations in rows:
            line: list[Span] = [(f"  {fmt_day(fact.at):<22} {fact.type}", None)]
            detail = fact_fields(fact)
            if detail:
                line.append((f"  {detail}", "dim"))
            if fact.type == "retracted" and fact.get("target") in retracted_ids:
                line.append(("  (target no longer counts)", "dim"))
            lines.append(line)
            for o in obligations:
                lines.extend(obligation_lines(o, explain=explain, indent="      "))
    if view.loose:
        lines.append([("\nOther obligations", "bold underline")])
        for o in view.loose:
            lines.extend(obligation_lines(o, explain=explain, indent="  "))
    if view.findings:
        lines.append([("\nData-quality findings", "bold underline")])
        for f in view.findings:
            lines.append([(f"  {f.code}  {f.message}", STATUS_STYLE["finding"])])
    if view.retracted:
        listed = ", ".join(f.describe() for f in view.retracted)
        lines.append([(f"\n{len(view.retracted)} retracted event(s) not counted: {listed}", "dim")])
    lines.append([("\n" + view.counts, None)])
    print_lines(lines)


def obligation_lines(o: Any, *, explain: bool, indent: str) -> list[Line]:
    shown = obligation_summary(o)
    line: list[Span] = [
        (indent + "-> ", None),
        (f"{shown['rule']} {shown['title']}: ", "bold"),
        (shown["status_text"], STATUS_STYLE[shown["status"]]),
        (f", due {shown['due']}", None),
    ]
    if shown["done"]:
        line.append((f", done {shown['done']}", None))
    if shown["lateness"]:
        line.append((f", {shown['lateness']}", None))
    if shown["closed_reason"]:
        line.append((f" ({shown['closed_reason']})", None))
    lines: list[Line] = [line]
    if explain:
        lines.extend([(indent + "     " + text, "dim")] for text in shown["explanation"])
    return lines
