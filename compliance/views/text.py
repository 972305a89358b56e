"""The terminal rendering of the view models: Rich text and tables, nothing computed here.

The command line prints these; the web workspace renders the same view models as HTML.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from compliance.console import SafeConsole
from compliance.output import write_private
from compliance.views import plain
from compliance.views.format import fmt_day
from compliance.views.plain import PLAIN_WIDTH, STATUS_STYLE, render_timeline
from compliance.views.plain import echo_json as echo_json  # where the commands take it from

if TYPE_CHECKING:
    from rich.table import Table


def console(err: bool = False) -> Console:
    """A console for stored text: markup off, control characters replaced."""
    out = SafeConsole(stderr=err, soft_wrap=False)
    if not out.is_terminal and out.width < PLAIN_WIDTH:
        # Piped to a file or a pager: keep table rows on one line rather than the
        # 80 columns Rich assumes when it cannot ask the terminal.
        out = SafeConsole(stderr=err, soft_wrap=False, width=PLAIN_WIDTH)
    return out


def file_progress(
    err: Console, *, enabled: bool, label: Callable[[str], str] = str
) -> Callable[[str, int], Callable[[int, int], None] | None]:
    """A progress-bar factory for importers: one transient bar per file or table of 5,000
    rows or more, shown only when `enabled` (a terminal, not --json)."""

    def progress(name: str, total: int) -> Callable[[int, int], None] | None:
        if not enabled or total < 5000:
            return None
        from rich.progress import Progress

        bar = Progress(console=err, transient=True)
        task = bar.add_task(label(name), total=total)
        bar.start()

        def tick(done: int, _total: int) -> None:
            bar.update(task, completed=done)
            if done >= total:
                bar.stop()

        return tick

    return progress


def grid(title: str, **options: Any) -> Table:
    """A table that fits a terminal: light rules, narrow padding."""
    from rich import box
    from rich.table import Table

    return Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), **options)


def print_weaker(lines: Sequence[str]) -> None:
    for line in lines:
        console().print(Text(f"The council runs weaker than the regulation: {line}", style="bold red"))


def print_lines(lines: Sequence[tuple[str, str | None]]) -> None:
    """Lines of text, each with its emphasis (None: plain): `views.plain.print_lines`,
    one span a line."""
    plain.print_lines([[(text, style)] for text, style in lines])


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], **options: Any) -> None:
    table = grid(title)
    for column in columns:
        table.add_column(column, **options)
    for row in rows:
        table.add_row(*row)
    console().print(table)


# --- audit ----------------------------------------------------------------------------


def render_audit(result: Any, view: Any, *, terminology: str) -> None:
    """An audit replay: the timeline as it stood, then what was recorded late or retracted
    since and which obligations read differently (`view` is compliance.views.audit)."""
    render_timeline(result.then, explain=False, terminology=terminology)
    out = console()
    out.print(Text(f"\n{view.recorded_heading}", style="bold underline"))
    for r in view.recorded_late:
        out.print(Text(f"  {r.when:<22} {r.type}  recorded {r.recorded} ({r.days_later} days later)"))
    if view.retracted_since:
        out.print(Text(f"\nRetracted since ({len(view.retracted_since)})", style="bold underline"))
        for text in view.retracted_since:
            out.print(Text(f"  {text}"))
    out.print(Text(f"\n{view.changes_heading}", style="bold underline"))
    for c in view.changes:
        out.print(Text(f"  {c.rule}  then: {c.then_text}  ->  now: {c.now_text}"))


# --- check ----------------------------------------------------------------------------


def render_check(summary: Any) -> None:
    """The most urgent rows as a table and the count of every status
    (`summary` is compliance.views.check.CheckSummary)."""
    from compliance.views.check import CHECK_TABLE_COLUMNS, check_table_row

    out = console()
    table = grid(summary.title, show_lines=False)
    for column in CHECK_TABLE_COLUMNS:
        table.add_column(column, no_wrap=column in ("child", "rule", "status"))
    for r in summary.shown:
        cells: list[Any] = list(check_table_row(r))
        cells[5] = Text(r["status"], style=STATUS_STYLE[r["status"]])
        table.add_row(*cells)
    out.print(table)
    if summary.more_line:
        out.print(summary.more_line)
    out.print(summary.counts_line)
    if summary.go_live_line:
        out.print(summary.go_live_line)


# --- alerts ---------------------------------------------------------------------------


def render_queue(rows: Sequence[Any], title: str) -> None:
    """The alert queue as a table (`rows` are compliance.views.queue.QueueRow)."""
    from compliance.views.queue import QUEUE_TABLE_COLUMNS, queue_footer

    table = grid(title)
    for column in QUEUE_TABLE_COLUMNS:
        table.add_column(column, no_wrap=column in ("id", "child", "due"))
    for r in rows:
        stage_text = Text(r["stage"])
        if r.stage_warning:
            stage_text.append(f" {r.stage_warning}", style="bold red")
        if r["formal_over_time"]:
            stage_text.append(" over time", style="bold red")
        since_breach = r["age_since_breach_working_days"]
        table.add_row(
            r.id,
            r.child,
            r.subject,
            stage_text,
            r["due"] or "",
            str(since_breach) if since_breach is not None else "",
            str(r["age_working_days"]),
            r["team"] or "",
        )
    console().print(table)
    console().print(queue_footer(rows))


# --- reports ---------------------------------------------------------------------------


def render_drill_down(drill: Any) -> None:
    """The children behind one scorecard figure: numerator and denominator lists."""
    row, column, figure = drill, drill.column, drill.figure
    out = console()
    out.print(Text(f"{row.measure.id} {row.measure.title}", style="bold"))
    out.print(f"{column.label} ({column.period.start} to {column.period.end}): {figure.shown}")
    out.print(f"Cohort: {row.measure.cohort}")
    for title, items in (
        ("Numerator", figure.numerator_items),
        ("Denominator", figure.denominator_items),
    ):
        if not items and title == "Denominator" and figure.denominator is None:
            continue
        table = grid(
            f"{title} ({len(items)}): {row.measure.numerator if title == 'Numerator' else row.measure.denominator}"
        )
        table.add_column("child")
        table.add_column("counted for")
        for item in items:
            table.add_row(item.child, item.what)
        out.print(table)


def render_scorecard(sc: Any) -> None:
    """The scorecard table: a row per measure, a column per period, RAG and direction of travel."""
    from compliance.reports.export import POLARITY

    out = console()
    table = grid(f"{sc.title}, as of {fmt_day(sc.as_of)}")
    table.add_column("Ref", no_wrap=True, min_width=5)
    table.add_column("Measure", max_width=40, no_wrap=True, overflow="ellipsis")
    table.add_column("Polarity", no_wrap=True)
    table.add_column("Target", no_wrap=True)
    for c in sc.columns:
        table.add_column(c.label, justify="right", no_wrap=True, min_width=len(c.label))
    table.add_column("RAG", no_wrap=True)
    table.add_column("DoT", no_wrap=True)
    rag_style = {"red": "bold red", "amber": "yellow", "green": "green"}
    section = None
    lacking: dict[str, str] = {}
    for r in sc.rows:
        if r.measure.section != section:
            section = r.measure.section
            table.add_row("", Text(section, style="bold"))
        cells = []
        for c in sc.columns:
            f = r.cells[c.key]
            if f.no_data is not None:
                lacking.setdefault(r.measure.id, f.no_data)
                cells.append(Text("no data", style="dim"))
            elif f.not_reported is not None:
                cells.append(
                    Text("annual" if f.not_reported.startswith("year") else f.not_reported, style="dim")
                )
            else:
                cells.append(f.shown)
        table.add_row(
            r.measure.id,
            r.measure.title,
            POLARITY[r.measure.polarity].replace(" is Good", ""),
            r.target.shown if r.target else "",
            *cells,
            Text(r.rag or "n/a", style=rag_style.get(r.rag or "", "dim")),
            f"{r.arrow} {r.trend or ''}".strip(),
        )
    out.print(table)
    summary = sc.summary()
    out.print(
        "RAG: "
        + ", ".join(f"{k} {v}" for k, v in summary["rag"].items())
        + ". Direction of travel (latest quarter against the one before): "
        + ", ".join(f"{k} {v}" for k, v in summary["direction_of_travel"].items())
        + "."
    )
    if lacking:
        out.print(Text("No data:", style="bold"))
        for measure_id, why in lacking.items():
            out.print(f"  {measure_id}: {why}")
    from compliance.reports.scorecard import ROUNDING_NOTE

    out.print(Text(f"Rounding: {ROUNDING_NOTE}.", style="dim"))
    out.print(
        Text(
            "Cohorts and definitions: casecheck report measures; the children behind a figure: --measure ID --children.",
            style="dim",
        )
    )


def render_measures(specs: Sequence[Any], detail: bool) -> None:
    """The measures' definitions; `detail` adds the long explanation (one measure asked for)."""
    out = console()
    for s in specs:
        out.print(Text(f"{s.id} {s.title}", style="bold"))
        for label, value in (
            ("definition", s.definition),
            ("cohort", s.cohort),
            ("numerator", s.numerator),
            ("denominator", s.denominator),
            ("polarity", str(s.polarity)),
            ("window", str(s.window)),
            ("source", s.source),
            ("rounding", str(s.rounding)),
            ("reads", ", ".join(s.needs)),
        ):
            if value:
                out.print(f"  {label}: {value}")
        if detail and s.doc:
            out.print(s.doc)


def render_iha(rows: Sequence[Any], year: int) -> None:
    """The initial health assessment table by quarter."""
    from compliance.reports import IHA_COHORT, ROUNDING
    from compliance.reports.export import iha_table_rows

    header, body = iha_table_rows(rows)
    table = grid(f"Initial health assessments, {year}/{(year + 1) % 100:02d}")
    for column in header:
        table.add_column(column, justify="right")
    for values in body:
        table.add_row(*("-" if v is None else str(v) for v in values))
    console().print(table)
    console().print(Text(f"Cohort: {IHA_COHORT}. Rounding: {ROUNDING}.", style="dim"))


def render_iro(report: Any, start: date, end: date) -> None:
    """The IRO annual report figures and tables for the period `start`..`end`."""
    out = console()
    out.print(Text(f"IRO annual report figures, {fmt_day(start)} to {fmt_day(end)}", style="bold"))
    figures = grid("")
    for column in ("figure", "value", "of", "cohort"):
        figures.add_column(column, justify="right" if column in ("value", "of") else "left")
    for line in report.lines:
        f = line.figure
        of = f"{f.numerator}/{f.denominator}" if f.unit == "%" and f.denominator is not None else ""
        figures.add_row(line.label, f.shown, of, line.cohort)
    out.print(figures)
    for t in report.tables:
        out.print(Text(t.title, style="bold"))
        table = grid("")
        for i, column in enumerate(t.columns):
            table.add_column(str(column), justify="left" if i == 0 else "right")
        for row in t.rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        out.print(table)
    out.print(Text(f"Rounding: {report.to_json()['rounding']}.", style="dim"))


# --- alerts ----------------------------------------------------------------------------


def render_alert(detail: Any) -> None:
    """`alert show`: what the alert is about, where it stands, then its whole history."""
    out = console()
    out.print(Text(detail.title, style="bold"))
    out.print(detail.about)
    if detail.obligation:
        out.print(detail.obligation)
    if detail.age:
        out.print(detail.age)
    out.print(detail.stage)
    if detail.formal:
        out.print(detail.formal)
    out.print(detail.people)
    out.print(Text("\nHistory", style="bold underline"))
    for h in detail.history:
        extra = h.details_text
        out.print(
            f"  {h.at[:16]}  {h.what:<13} by {h.by}"
            + (f"  ({extra})" if extra else "")
            + (f"  [recorded {h.recorded_at[:16]}]" if h.recorded_late else "")
        )


# --- progress ---------------------------------------------------------------------------


@contextmanager
def children_progress(label: str = "reading children") -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar over children on stderr when it is a terminal (or
    CASECHECK_PROGRESS=1): yields the callback to give the use case, or None."""
    if not (sys.stderr.isatty() or os.environ.get("CASECHECK_PROGRESS") == "1"):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console(err=True)
    )
    task = bar.add_task("children", total=None)

    def tell(done: int, total: int) -> None:
        if done == 1 or done % 100 == 0 or done == total:
            bar.update(task, completed=done, total=total)

    with bar:
        yield tell


@contextmanager
def run_progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A transient bar on stderr while a batch runs (the nightly), when `enabled`. It is
    redrawn as the batch tells it, not by a thread of its own, so the batch's process keeps
    one thread and its workers can be forked (`compliance.engine._worker_context`)."""
    err = console(err=True)
    if not (enabled and err.is_terminal):
        yield None
        return
    from rich.progress import Progress

    bar = Progress(console=err, transient=True, auto_refresh=False)
    task = bar.add_task(label, total=None)

    def tell(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, refresh=True)

    bar.start()
    try:
        yield tell
    finally:
        bar.stop()


# --- writing a report -------------------------------------------------------------------


def write_text(out_path: str | None, text: str) -> None:
    """Text to a file of the owner's only (saying so on stderr), or to stdout."""
    if out_path:
        write_private(out_path, text)
        sys.stderr.write(f"wrote {out_path}\n")
    else:
        sys.stdout.write(text)


def emit_report(
    fmt: str,
    out_path: str | None,
    *,
    as_json: Callable[[], Any],
    as_csv: Callable[[], str],
    sheets: Callable[[], Any],
    as_text: Callable[[], None],
) -> None:
    """A report in the chosen format: JSON to stdout, CSV to a file or stdout, a workbook
    to its file, or text to the terminal."""
    if fmt == "json":
        echo_json(as_json())
    elif fmt == "csv":
        write_text(out_path, as_csv())
    elif fmt == "xlsx":
        from compliance.reports.export import write_workbook

        assert out_path is not None
        write_workbook(out_path, sheets())
        sys.stderr.write(f"wrote {out_path}\n")
    else:
        as_text()


# --- accounts, access log, integrity ----------------------------------------------------------


def render_accounts(accounts: Sequence[Any]) -> None:
    print_table(
        "Accounts",
        ("name", "roles", "teams", "IRO", "state", "added"),
        [
            (
                a.name,
                ", ".join(a.roles),
                ", ".join(a.teams),
                a.iro or "",
                "disabled" if a.disabled else "active",
                fmt_day(a.added_at),
            )
            for a in accounts
        ],
    )


def render_access_log(entries: Sequence[Any]) -> None:
    print_table(
        "Access log",
        ("when", "who", "what", "child", "about"),
        [(fmt_day(e.at), e.user, e.action.replace("_", " "), e.child or "", e.target or "") for e in entries],
    )
    console().print(f"{len(entries)} entr{'ies' if len(entries) != 1 else 'y'}")


def render_verify(result: Any) -> None:
    out = console()
    scope = f" since log position {result.since.position}" if result.since else ""
    if result.ok:
        out.print(
            f"intact{scope}: {result.records} records of {result.aggregates} aggregates; "
            f"{result.checkpoints} checkpoint{'s' if result.checkpoints != 1 else ''} match"
        )
    else:
        out.print(Text(f"NOT INTACT{scope}: {result.problems[0].text()}", style="bold red"))
        for p in result.problems[1:]:
            out.print(f"  also: {p.text()}")
    if result.unsealed:
        out.print(f"{result.unsealed} records predate sealing: they are covered by checkpoints only")
    out.print(f"head at log position {result.head.position} ({result.head.count} records): {result.head.hex}")


# --- the demo ---------------------------------------------------------------------------


def render_demo(report: Any, db: str, accounts: Sequence[Any], password: str, seconds: float) -> None:
    """What `casecheck demo` prints: the council, its obligations and alerts, where to look
    further, and how to open the workspace with the demo accounts."""
    from compliance.demo import MAIN_RULES
    from rules.obligation import URGENCY
    from rules.registry import REGISTRY

    out = console()
    out.print(
        Text(
            f"\ncasecheck demo: a made-up council of {report.children} children, as of {fmt_day(report.as_of)}",
            style="bold",
        )
    )
    out.print(f"{report.imported.summary()}; {report.findings} data-quality findings stored as recorded")
    out.print(report.nightly.text())
    out.print()
    statuses = grid("Obligations by status")
    statuses.add_column("status")
    statuses.add_column("obligations", justify="right")
    for status in (str(s) for s in URGENCY):
        statuses.add_row(Text(status, style=STATUS_STYLE[status]), f"{report.statuses[status]:,}")
    timely = grid("On time (met on time / fell due)")
    for column in ("rule", "title", "on time", "%"):
        timely.add_column(column, justify="right" if column in ("on time", "%") else "left")
    for rule_id in MAIN_RULES:
        good, due = report.on_time.get(rule_id, (0, 0))
        timely.add_row(
            rule_id, REGISTRY[rule_id].title, f"{good}/{due}", f"{100 * good / due:.1f}" if due else "-"
        )
    out.print(statuses)
    out.print(timely)
    out.print(
        Text(
            "% truncated to one decimal place; cohort: obligations that fell due by the run date, left-care closures excluded",
            style="dim",
        )
    )
    for title, column, counts in (
        (f"Open alerts by theme ({report.open_alerts})", "theme", report.by_theme),
        ("Open alerts by team", "team", report.by_team),
    ):
        table = grid(title)
        table.add_column(column)
        table.add_column("open", justify="right")
        for name, n in counts:
            table.add_row(name, str(n))
        out.print(table)
    out.print(Text("The ten most urgent alerts", style="bold"))
    for view in report.urgent:
        a = view.alert
        line = Text(f"  {a.ref}  {a.child}  ")
        if view.stage_overdue:
            line.append(f"no response at DRP stage {a.stage} (due {a.stage_response_due}) ", style="bold red")
        line.append(f"{a.rule} {a.title}" if a.rule else a.theme)
        if a.due:
            over = view.days_overdue_now
            line.append(f", due {a.due}, {over} WD overdue", style="red" if over else "")
        line.append(f"  [{a.team or 'no team'}]", style="dim")
        out.print(line)
    out.print(Text("\nLook further:", style="bold"))
    out.print(f"  casecheck --db {db} timeline {report.example_child} --as-of {report.as_of} --explain")
    out.print(f"  casecheck --db {db} alerts --as-of {report.as_of}")
    out.print(f"  casecheck --db {db} check --as-of {report.as_of} --status overdue")
    if report.urgent:
        out.print(f"  casecheck --db {db} alert show {report.urgent[0].alert.ref}")
    out.print("  casecheck rules LAC-REV-1")
    out.print(Text("\nOpen the web workspace:", style="bold"))
    out.print(f"  casecheck --db {db} serve --as-of {report.as_of}")
    out.print("  then open http://127.0.0.1:8000/ and sign in as one of these demo accounts:")
    for account in accounts:
        scope = (
            f" ({', '.join(account.teams)})"
            if account.teams
            else (f" ({account.iro})" if account.iro else "")
        )
        out.print(Text(f"    {account.name:<14} {account.role}{scope}"))
    out.print(Text(f"  password for all of them: {password}"))
    out.print(Text(f"finished in {seconds:.1f} s", style="dim"))
