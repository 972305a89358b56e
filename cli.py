"""The `casecheck` command line: parse options, call one service, render the answer.

Exit status: 0 success; 1 findings when asked (`--fail-on`) or a failed nightly run;
2 bad input (one clear line on stderr, never a traceback).
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import click
from rich.text import Text

from compliance.choices import ALERT_KINDS, ALERT_SORTS, ALERT_STATUSES, STAGES, STATUSES
from compliance.errors import CasecheckError
from compliance.output import csv_text, one_line, write_private
from compliance.reports.periods import report_period, trailing_year
from compliance.settings import Settings, find_config, load_settings
from compliance.views.alert import action_line, escalated_line
from compliance.views.format import fmt_day
from compliance.views.text import (
    STATUS_STYLE,
    console,
    file_progress,
    grid,
    print_lines,
    print_table,
    print_weaker,
    render_alert,
    render_audit,
    render_check,
    render_drill_down,
    render_iha,
    render_iro,
    render_measures,
    render_queue,
    render_scorecard,
    render_timeline,
)
from compliance.views.timeline import timeline_html, timeline_json
from events.contract import LAST_YEAR, BadInput
from events.timeline import LONDON

# --- plumbing -------------------------------------------------------------------------


class Casecheck(click.Group):
    """Turns the project's errors into one line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (CasecheckError, BadInput) as exc:
            click.echo(f"casecheck: {one_line(exc)}", err=True)
            ctx.exit(2)
        except OverflowError:  # a date near year 9999 plus a timescale leaves the calendar
            click.echo(
                "casecheck: a date is too close to the year 9999 to compute deadlines from: "
                "check --as-of and the events' dates (`casecheck check --rule DQ`)",
                err=True,
            )
            ctx.exit(2)
        except KeyboardInterrupt:
            # Every write is one transaction: what was under way is not stored at all.
            click.echo("casecheck: interrupted; nothing was stored", err=True)
            ctx.exit(130)


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"expected a date YYYY-MM-DD, got {one_line(value, 40)!r}", param, ctx)
        if day.year >= LAST_YEAR:  # timescales from it would leave the calendar
            self.fail(f"expected a date before the year {LAST_YEAR}", param, ctx)
        return day


class MomentType(click.ParamType):
    name = "DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"expected YYYY-MM-DD[THH:MM[:SS]] (Europe/London) or with an offset, got {text!r}",
                param,
                ctx,
            )
        if len(text) == 10:  # a bare date means the end of that day
            moment = moment.replace(hour=23, minute=59, second=59)
        return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


class ChoiceList(click.Choice):  # type: ignore[type-arg]
    """Comma-separated values, each one of a fixed set (a typo is refused, never ignored)."""

    name = "LIST"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        parts = [part.strip() for part in str(value).split(",") if part.strip()]
        if not parts:
            self.fail("expected one or more of: " + ", ".join(map(str, self.choices)), param, ctx)
        return tuple(super(ChoiceList, self).convert(part, param, ctx) for part in parts)

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        return "[" + ",".join(map(str, self.choices)) + "]"


DATE = DateType()
MOMENT = MomentType()


#: Commands that may create the store; every other command refuses a store that does not exist.
CREATES_STORE = {"import", "ssda903 import", "cin-census import", "demo", "user add"}


class App:
    """What the commands share: the store and settings, opened on first use."""

    def __init__(self, db: str | None, config: str | None) -> None:
        self.db = db
        self.config = config
        self._store: Any = None
        self._settings: Settings | None = None
        self._engine: Any = None

    @property
    def store(self) -> Any:
        if self._store is None:
            from compliance.store import open_store, require_store

            ctx = click.get_current_context(silent=True)
            command = ctx.command_path.split(" ", 1)[-1] if ctx is not None else None
            if command not in CREATES_STORE:
                require_store(self.db)
            self._store = open_store(self.db)
        return self._store

    def close(self) -> None:
        """Give the store's connections back when the command ends."""
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(find_config(self.config))
        return self._settings

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from compliance.engine import Engine

            self._engine = Engine(self.store, self.settings)
        return self._engine


def today() -> date:
    return datetime.now(LONDON).date()


def now() -> datetime:
    return datetime.now(UTC)


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    click.echo(csv_text(rows, columns), nl=False)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


pass_app = click.make_pass_decorator(App)


def log_view(app: App, action: str, child: str, target: str | None = None) -> None:
    """A child's record read from the command line goes to the access log like a page view,
    under the operating-system account that ran the command."""
    from compliance.access_log import command_line_user, record_access

    record_access(app.store, user=command_line_user(), action=action, child=child, target=target, now=now())


def log_export(app: App, what: str, fmt: str, children: Iterable[str] = ()) -> None:
    """An export written from the command line, logged as the workspace's are."""
    from compliance.access_log import command_line_user, record_export

    record_export(app.store, user=command_line_user(), what=what, fmt=fmt, now=now(), children=children)


jobs_option = click.option(
    "--jobs",
    type=click.IntRange(1),
    help="Evaluate children in this many worker processes (default: the number of cores).",
)


@click.group(cls=Casecheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="CASECHECK_DB",
    help="Store: a file path or sqlite:///path (default ./casecheck.db), postgresql://user@host:port/db, or memory:.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Council settings (default: $CASECHECK_CONFIG or ./casecheck.toml).",
)
@click.version_option(package_name="casecheck")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None) -> None:
    """casecheck: statutory timescales for children's social care, checked from case events."""
    ctx.obj = App(db, config)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    os.umask(0o077)  # every file the product creates is the owner's only
    try:
        cli(prog_name="casecheck")
    except KeyboardInterrupt:
        # Every write is one transaction, so nothing is half-stored; a nightly run that
        # was interrupted is finished by the next one.
        click.echo("casecheck: interrupted; nothing was half-stored", err=True)
        sys.exit(130)


# --- import ---------------------------------------------------------------------------


@cli.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def import_cmd(app: App, files: tuple[str, ...], as_json: bool) -> None:
    """Import case events from JSON Lines or CSV FILES (`-` reads JSON Lines from stdin).

    Each file is validated completely first: one bad line rejects the whole file and
    nothing from it is stored.
    """
    from compliance.sources.event_files import import_files
    from compliance.views.imports import import_lines, partial_import_line

    err = console(err=True)
    progress = file_progress(
        err, enabled=not as_json and err.is_terminal, label=lambda name: f"importing {Path(name).name}"
    )

    try:
        result = import_files(app.store, files, now=now(), stdin=sys.stdin.buffer, progress=progress)
    except (BadInput, CasecheckError) as exc:
        partial = partial_import_line(getattr(exc, "partial", None))
        if partial is not None:
            click.echo(partial, err=True)
        raise
    if as_json:
        echo_json(result.to_json())
        return
    for line in import_lines(result):
        click.echo(line)


# --- timeline -------------------------------------------------------------------------


@cli.command()
@click.argument("child")
@click.option("--as-of", type=DATE, help="Judge obligations at this date (default today).")
@click.option("--known-at", type=MOMENT, help="Only facts recorded by this moment count.")
@click.option(
    "--explain", is_flag=True, help="Show the date arithmetic and the event that met each obligation."
)
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write a printable HTML page to this file.",
)
@pass_app
def timeline(
    app: App,
    child: str,
    as_of: date | None,
    known_at: datetime | None,
    explain: bool,
    as_json: bool,
    html_path: str | None,
) -> None:
    """One child's facts in order, grouped by period of care, with their obligations."""
    as_of = as_of or today()
    evaluation = app.engine.evaluate(child, as_of=as_of, known_at=known_at)
    log_view(app, "viewed_child" if not html_path else "printed_child", child)
    weaker = app.settings.weaker_notice(as_of)
    if as_json:
        echo_json(timeline_json(evaluation, child=child, as_of=as_of, known_at=known_at, weaker=weaker))
        return
    if html_path:
        write_private(
            html_path, timeline_html(evaluation, terminology=app.settings.terminology, weaker=weaker)
        )
        click.echo(f"wrote {html_path}", err=True)
    render_timeline(evaluation, explain=explain, terminology=app.settings.terminology, weaker=weaker)


# --- check ----------------------------------------------------------------------------


@cli.command()
@click.option("--child", "children", multiple=True, help="Only this child (repeatable).")
@click.option("--as-of", type=DATE, help="Judge at this date (default today).")
@click.option("--known-at", type=MOMENT, help="Only facts recorded by this moment count.")
@click.option(
    "--status",
    "statuses",
    type=ChoiceList(STATUSES, case_sensitive=False),
    help="Only these statuses, comma-separated.",
)
@click.option("--rule", "rule_ids", help="Comma-separated rule ids or prefixes (LAC, VIS-*, DQ).")
@click.option(
    "--fail-on",
    type=ChoiceList(STATUSES, case_sensitive=False),
    help="Exit 1 if any obligation has one of these statuses (e.g. overdue).",
)
@click.option("--json", "as_json", is_flag=True, help="A JSON array, one row a line, written as rows come.")
@click.option("--csv", "as_csv", is_flag=True)
@click.option("--explain", is_flag=True, help="Include each obligation's arithmetic (--json).")
@jobs_option
@pass_app
def check(
    app: App,
    children: tuple[str, ...],
    as_of: date | None,
    known_at: datetime | None,
    statuses: tuple[str, ...] | None,
    rule_ids: str | None,
    fail_on: tuple[str, ...] | None,
    as_json: bool,
    as_csv: bool,
    explain: bool,
    jobs: int | None,
) -> None:
    """Obligations for one child or every child, with their status at --as-of."""
    from compliance.check import check_query, check_rows, csv_header, csv_line, json_line
    from compliance.engine import default_jobs
    from compliance.views.check import check_summary, write_csv_rows, write_json_rows

    as_of = as_of or today()
    query = check_query(
        app.store,
        as_of=as_of,
        known_at=known_at,
        children=children,
        rules=split_list(rule_ids),
        statuses=statuses or (),
        explain=explain,
    )
    encode = json_line if as_json else csv_line if as_csv else None
    rows = check_rows(app.engine, query, jobs=jobs or default_jobs(), encode=encode)
    seen: set[str] = set()  # the statuses written, for --fail-on
    if as_json:
        write_json_rows(sys.stdout, rows, seen)
    elif as_csv:
        write_csv_rows(sys.stdout, csv_header(), rows, seen)
    else:
        from compliance.nightly import go_live_line

        summary = check_summary(rows, as_of, go_live_line(app.store, app.settings))
        seen.update(summary.counts)
        render_check(summary)
    log_export(app, "check", "json" if as_json else "csv" if as_csv else "text", children)
    if fail_on and seen & set(fail_on):
        sys.exit(1)


# --- rules ----------------------------------------------------------------------------


@cli.command("rules")
@click.argument("rule_id", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def rules_cmd(app: App, rule_id: str | None, as_json: bool) -> None:
    """The rule catalogue with parameters as configured; RULE_ID shows one rule in full."""
    from compliance.views.rules import (
        catalogue_json,
        catalogue_rows,
        find_rule,
        rule_detail_json,
        rule_detail_lines,
    )

    day = today()
    if rule_id:
        spec = find_rule(rule_id)
        if as_json:
            echo_json(rule_detail_json(app.settings, spec, day))
        else:
            print_lines(rule_detail_lines(app.settings, spec, day))
        return
    if as_json:
        echo_json(catalogue_json(app.settings, day))
        return
    print_table(
        "Rule catalogue",
        ("id", "title", "basis", "citation", "parameters"),
        catalogue_rows(app.settings, day),
    )


def weaker_notice(settings: Settings, on: date) -> list[str]:
    """The lines every report and timeline shows when the council runs weaker than the law."""
    return settings.weaker_notice(on)


# --- audit ----------------------------------------------------------------------------


@cli.command()
@click.argument("child")
@click.option("--as-of", type=DATE, required=True, help="The date the record is judged at.")
@click.option(
    "--known-at",
    type=MOMENT,
    required=True,
    help="Only facts recorded by this moment count (a date means the end of that day).",
)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def audit(app: App, child: str, as_of: date, known_at: datetime, as_json: bool) -> None:
    """Replay CHILD as it stood on --as-of, as known at --known-at, and show what was recorded late."""
    from compliance.audit import audit_child
    from compliance.views.audit import audit_json, audit_view

    result = audit_child(app.engine, child, as_of=as_of, known_at=known_at)
    log_view(app, "viewed_audit", child, f"as of {as_of}, known at {known_at.isoformat()}")
    if as_json:
        echo_json(audit_json(result, child=child, as_of=as_of, known_at=known_at))
        return
    render_audit(result, audit_view(result, known_at=known_at), terminology=app.settings.terminology)


# --- nightly ----------------------------------------------------------------------------


@cli.command()
@click.option("--as-of", type=DATE, help="Judge at this date (default today).")
@click.option("--full", is_flag=True, help="Re-evaluate every child, not only those changed or due.")
@click.option(
    "--baseline",
    is_flag=True,
    help="Go live: breaches already overdue at --as-of are the baseline, not the queue "
    "(unless the settings give [alerts] from).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON (for schedulers).")
@jobs_option
@pass_app
def nightly(
    app: App, as_of: date | None, full: bool, baseline: bool, as_json: bool, jobs: int | None
) -> None:
    """Find new breaches and obligations coming due; raise and close alerts, exactly once."""
    from compliance.engine import default_jobs
    from compliance.nightly import run_nightly

    as_of = as_of or today()
    err = console(err=True)
    bar: Any = None
    progress = None
    if not as_json and err.is_terminal:
        from rich.progress import Progress

        bar = Progress(console=err, transient=True)
        task = bar.add_task("evaluating children", total=None)
        bar.start()

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

    from compliance.errors import ConcurrentChange

    try:
        summary = run_nightly(
            app.store,
            app.engine,
            as_of=as_of,
            now=now(),
            full=full,
            baseline=baseline,
            jobs=jobs or default_jobs(),
            progress=progress,
        )
    except ConcurrentChange as exc:  # another writer at the same time: the run failed; rerun
        click.echo(f"casecheck: nightly run failed: {exc}", err=True)
        sys.exit(1)
    except CasecheckError:
        raise
    except Exception as exc:  # the run itself failed: exit 1, one line, the next run completes it
        click.echo(f"casecheck: nightly run failed: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    finally:
        if bar is not None:
            bar.stop()
    if as_json:
        echo_json(summary.to_json())
    else:
        click.echo(summary.text())


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@pass_app
def runs(app: App, as_json: bool) -> None:
    """The nightly runs recorded in the store."""
    from compliance.nightly import list_runs
    from compliance.views.runs import RUN_COLUMNS, run_rows

    rows = [r.to_json() for r in list_runs(app.store)]
    if as_json:
        echo_json(rows)
        return
    print_table("Nightly runs", RUN_COLUMNS, run_rows(rows), no_wrap=True)


# --- alerts ---------------------------------------------------------------------------


def queue(app: App) -> Any:
    from compliance.alerts import AlertQueue

    return AlertQueue(app.store, app.settings)


@cli.command()
@click.option("--status", type=click.Choice(ALERT_STATUSES), default="open", show_default=True)
@click.option("--team", help="Team (case ignored; an unknown team is refused with the closest).")
@click.option("--worker")
@click.option("--iro")
@click.option("--child")
@click.option("--rule", help="Rule id or prefix (e.g. VIS).")
@click.option("--theme", help="Theme (see `casecheck themes`).")
@click.option("--stage", type=click.Choice(STAGES, case_sensitive=False))
@click.option("--kind", type=click.Choice(ALERT_KINDS, case_sensitive=False))
@click.option("--assigned-to", help="Only alerts assigned to this person.")
@click.option("--unassigned", is_flag=True, help="Only alerts assigned to nobody.")
@click.option(
    "--over-time", is_flag=True, help="Only alerts whose formal DRP has run past its total (20 WD)."
)
@click.option(
    "--baseline", is_flag=True, help="The breaches due before the go-live line, kept out of the queue."
)
@click.option("--older-than", type=click.IntRange(0), help="Only alerts older than N working days.")
@click.option(
    "--sort",
    "order",
    type=click.Choice(ALERT_SORTS, case_sensitive=False),
    default="urgency",
    show_default=True,
    help="urgency: unanswered DRP stages, then days overdue now; due: earliest first; "
    "overdue: most days over first; age: oldest first; child; team.",
)
@click.option("--as-of", type=DATE, help="Age and stage deadlines as at this date (default today).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True)
@pass_app
def alerts(
    app: App,
    status: str,
    team: str | None,
    worker: str | None,
    iro: str | None,
    child: str | None,
    rule: str | None,
    theme: str | None,
    stage: str | None,
    kind: str | None,
    assigned_to: str | None,
    unassigned: bool,
    over_time: bool,
    baseline: bool,
    older_than: int | None,
    order: str,
    as_of: date | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The alert queue, most urgent first (unanswered DRP stages, then days overdue)."""
    from compliance.alerts import Filters

    day = as_of or today()
    views = queue(app).list(
        Filters(
            status=status,
            team=team,
            worker=worker,
            iro=iro,
            child=child,
            rule=rule,
            theme=theme,
            stage=stage.lower() if stage else None,
            kind=kind.lower() if kind else None,
            older_than=older_than,
            assigned_to=assigned_to,
            unassigned=unassigned,
            over_time=over_time,
            baseline=baseline,
            sort=order.lower(),
            strict=True,
        ),
        today=day,
    )
    from compliance.views.queue import QUEUE_COLUMNS, queue_rows, queue_table_title

    rows = queue_rows(views)
    if as_json:
        echo_json([r.data for r in rows])
        return
    if as_csv:
        write_csv((r.data for r in rows), QUEUE_COLUMNS)
        return
    render_queue(rows, queue_table_title(status, baseline=baseline, day_text=fmt_day(day), order=order))


@cli.group()
def alert() -> None:
    """Work one alert: raise, show, assign, acknowledge, respond, escalate, resolve, reopen, praise."""


def by_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--by",
        default=lambda: getpass.getuser(),
        show_default="the OS user",
        help="Who is making the change.",
    )(f)


def note_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--note", help="Free text kept with the change.")(f)


def at_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--at",
        type=MOMENT,
        help="When it happened (default now; Europe/London unless an offset is given). "
        "The moment it is recorded is kept apart.",
    )(f)


def json_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print the alert afterwards as JSON.")(f)


def done(app: App, ref: str, as_json: bool, text: str) -> None:
    """What an alert action prints: one line, or the alert as JSON. The action is logged."""
    from compliance.access_log import command_line_user, record_alert_action

    record_alert_action(
        app.store,
        queue(app).get(ref),
        user=command_line_user(),
        action=click.get_current_context().info_name or "",
        now=now(),
    )
    if as_json:
        echo_json(queue(app).show(ref, today=today()).to_json())
    else:
        click.echo(text)


@alert.command("raise")
@click.argument("child")
@click.option("--theme", required=True, help="Practice-alert theme (see `casecheck themes`; case ignored).")
@click.option(
    "--stage", type=click.Choice(STAGES, case_sensitive=False), default="informal", show_default=True
)
@click.option("--team", help="Default: the child's team at the time.")
@click.option("--worker", help="Default: the child's social worker at the time.")
@by_option
@note_option
@at_option
@json_option
@pass_app
def alert_raise(
    app: App,
    child: str,
    theme: str,
    stage: str,
    team: str | None,
    worker: str | None,
    by: str,
    note: str | None,
    at: datetime | None,
    as_json: bool,
) -> None:
    """An IRO raises a practice alert about CHILD by hand."""
    ref = queue(app).raise_alert(
        child, theme=theme, stage=stage.lower(), by=by, now=at or now(), note=note, team=team, worker=worker
    )
    done(app, ref, as_json, f"raised {ref}")


@alert.command("praise")
@click.argument("child")
@click.option("--theme", required=True, help="Good-practice theme (see `casecheck themes`; case ignored).")
@click.option("--team", help="Default: the child's team at the time.")
@click.option("--worker", help="Default: the child's social worker at the time.")
@by_option
@note_option
@at_option
@json_option
@pass_app
def alert_praise(
    app: App,
    child: str,
    theme: str,
    team: str | None,
    worker: str | None,
    by: str,
    note: str | None,
    at: datetime | None,
    as_json: bool,
) -> None:
    """Record a good-practice notification about CHILD."""
    ref = queue(app).praise(child, theme=theme, by=by, now=at or now(), note=note, team=team, worker=worker)
    done(app, ref, as_json, f"recorded {ref}")


@alert.command("show")
@click.argument("alert_id")
@click.option("--as-of", type=DATE)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def alert_show(app: App, alert_id: str, as_of: date | None, as_json: bool) -> None:
    """One alert with its whole history, current stage and response-due date."""
    from compliance.views.alert import alert_detail

    view = queue(app).show(alert_id, today=as_of or today())
    detail = alert_detail(view, drp_total=app.settings.drp_total)
    if as_json:
        echo_json(detail.data)
        return
    render_alert(detail)


@alert.command("assign")
@click.argument("alert_id")
@click.argument("to")
@by_option
@note_option
@at_option
@json_option
@pass_app
def alert_assign(
    app: App, alert_id: str, to: str, by: str, note: str | None, at: datetime | None, as_json: bool
) -> None:
    """Assign ALERT_ID to a worker or manager."""
    queue(app).assign(alert_id, to, by=by, now=at or now(), note=note)
    done(app, alert_id, as_json, action_line(alert_id, f"assigned to {to}"))


@alert.command("acknowledge")
@click.argument("alert_id")
@by_option
@note_option
@at_option
@json_option
@pass_app
def alert_acknowledge(
    app: App, alert_id: str, by: str, note: str | None, at: datetime | None, as_json: bool
) -> None:
    """Acknowledge ALERT_ID."""
    queue(app).acknowledge(alert_id, by=by, now=at or now(), note=note)
    done(app, alert_id, as_json, action_line(alert_id, "acknowledged"))


@alert.command("respond")
@click.argument("alert_id")
@by_option
@note_option
@at_option
@json_option
@pass_app
def alert_respond(
    app: App, alert_id: str, by: str, note: str | None, at: datetime | None, as_json: bool
) -> None:
    """Record the response at the current DRP stage."""
    queue(app).respond(alert_id, by=by, now=at or now(), note=note)
    done(app, alert_id, as_json, action_line(alert_id, "responded"))


@alert.command("escalate")
@click.argument("alert_id")
@click.option(
    "--to-stage",
    type=click.Choice(STAGES[1:], case_sensitive=False),
    help="1, 2, 3, 4 or cafcass (default: the next stage). Stages may be skipped, never gone back.",
)
@by_option
@note_option
@at_option
@json_option
@pass_app
def alert_escalate(
    app: App,
    alert_id: str,
    to_stage: str | None,
    by: str,
    note: str | None,
    at: datetime | None,
    as_json: bool,
) -> None:
    """Escalate ALERT_ID through the dispute resolution process (Cafcass ends the local process)."""
    q = queue(app)
    stage = q.escalate(alert_id, to_stage=to_stage, by=by, now=at or now(), note=note)
    done(app, alert_id, as_json, escalated_line(alert_id, stage, q.get(alert_id).stage_response_due))


@alert.command("resolve")
@click.argument("alert_id")
@click.option("--outcome", required=True)
@by_option
@note_option
@at_option
@json_option
@pass_app
def alert_resolve(
    app: App, alert_id: str, outcome: str, by: str, note: str | None, at: datetime | None, as_json: bool
) -> None:
    """Resolve ALERT_ID with an outcome."""
    queue(app).resolve(alert_id, outcome=outcome, by=by, now=at or now(), note=note)
    done(app, alert_id, as_json, action_line(alert_id, "resolved"))


@alert.command("reopen")
@click.argument("alert_id")
@by_option
@note_option
@at_option
@json_option
@pass_app
def alert_reopen(
    app: App, alert_id: str, by: str, note: str | None, at: datetime | None, as_json: bool
) -> None:
    """Reopen a resolved ALERT_ID (or take a baseline breach into the queue)."""
    queue(app).reopen(alert_id, by=by, now=at or now(), note=note)
    done(app, alert_id, as_json, action_line(alert_id, "reopened"))


@cli.command()
@click.option("--json", "as_json", is_flag=True)
def themes(as_json: bool) -> None:
    """The practice-alert and good-practice themes alerts are raised and counted under."""
    from compliance.views.themes import themes_json, themes_lines

    if as_json:
        echo_json(themes_json())
        return
    print_lines(themes_lines())


# --- reports --------------------------------------------------------------------------

REPORT_FORMATS = ("text", "json", "csv", "xlsx")


@cli.group()
def report() -> None:
    """Published figures reproduced from events: scorecard, IHA table, IRO annual report."""


def _financial_year(value: str | None) -> Any:
    from compliance.reports import financial_year

    if value is None:
        return None
    try:
        return financial_year(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--year") from None


def _progress() -> Any:
    """A progress bar on stderr when it is a terminal (or CASECHECK_PROGRESS=1): (callback, bar)."""
    if not (sys.stderr.isatty() or os.environ.get("CASECHECK_PROGRESS") == "1"):
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("reading children"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(err=True),
    )
    task = bar.add_task("children", total=None)

    def tell(done: int, total: int) -> None:
        if done == 1 or done % 100 == 0 or done == total:
            bar.update(task, completed=done, total=total)

    return tell, bar


def _run_with_progress(work: Callable[[Any], Any]) -> Any:
    tell, bar = _progress()
    if bar is None:
        return work(None)
    with bar:
        return work(tell)


def _format(fmt: str, as_json: bool, out_path: str | None) -> str:
    fmt = "json" if as_json else fmt
    if fmt == "xlsx" and not out_path:
        raise click.BadParameter("--format xlsx writes a file: give --out FILE.xlsx", param_hint="--out")
    return fmt


def _write_text(out_path: str | None, text: str) -> None:
    if out_path:
        write_private(out_path, text)
        click.echo(f"wrote {out_path}", err=True)
    else:
        click.echo(text, nl=False)


def _emit_report(
    fmt: str,
    out_path: str | None,
    *,
    as_json: Callable[[], Any],
    as_csv: Callable[[], str],
    sheets: Callable[[], Any],
    as_text: Callable[[], None],
) -> None:
    """Write a report in the chosen format: JSON to stdout, CSV to a file or stdout,
    a workbook to its file, or text to the terminal."""
    if fmt == "json":
        echo_json(as_json())
    elif fmt == "csv":
        _write_text(out_path, as_csv())
    elif fmt == "xlsx":
        from compliance.reports.export import write_workbook

        assert out_path is not None
        write_workbook(out_path, sheets())
        click.echo(f"wrote {out_path}", err=True)
    else:
        as_text()


class MeasureId(click.Choice):
    """A scorecard measure id (P1.2), any case; a typo is refused naming the closest."""

    name = "MEASURE"

    def __init__(self) -> None:
        from compliance.reports.measures import SEED_MEASURES

        super().__init__(SEED_MEASURES, case_sensitive=False)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            from difflib import get_close_matches

            close = get_close_matches(str(value).upper(), list(self.choices), n=3)
            hint = (
                f"; did you mean {', '.join(map(str, close))}?"
                if close
                else " (see `casecheck report measures`)"
            )
            self.fail(f"no measure {value!r}{hint}", param, ctx)


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
out_option = click.option(
    "--out", "out_path", type=click.Path(dir_okay=False), help="Write to this file (required for xlsx)."
)


@report.command("scorecard")
@click.option("--year", help="Financial year, e.g. 2017-18: the four quarters, the year and the year before.")
@click.option("--from", "start", type=DATE, help="First day of a single period (instead of --year).")
@click.option("--to", "end", type=DATE, help="Last day of a single period (default today).")
@click.option("--as-of", type=DATE, help="Judge at this date (default: today, or --to).")
@click.option("--measure", "measure_id", type=MeasureId(), metavar="ID", help="One measure, e.g. P1.2.")
@click.option(
    "--quarter",
    type=click.Choice(("Q1", "Q2", "Q3", "Q4", "year", "previous_year"), case_sensitive=False),
    help="With --children: which column (default the latest quarter).",
)
@click.option(
    "--children", "show_children", is_flag=True, help="List the children behind the figure (needs --measure)."
)
@click.option(
    "--chart", "chart_dir", type=click.Path(file_okay=False), help="Write a trend chart per measure here."
)
@click.option("--chart-format", type=click.Choice(("svg", "png")), default="svg", show_default=True)
@format_option
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@out_option
@pass_app
def report_scorecard(
    app: App,
    year: str | None,
    start: date | None,
    end: date | None,
    as_of: date | None,
    measure_id: str | None,
    quarter: str | None,
    show_children: bool,
    chart_dir: str | None,
    chart_format: str,
    fmt: str,
    as_json: bool,
    out_path: str | None,
) -> None:
    """The corporate parenting scorecard: every seed measure, by quarter, with target, RAG and trend."""
    from compliance.reports import scorecard
    from compliance.reports.charts import write_charts
    from compliance.reports.export import scorecard_sheets, scorecard_table, to_csv

    fmt = _format(fmt, as_json, out_path)
    only = [measure_id] if measure_id is not None else None
    if show_children and only is None:
        raise click.BadParameter(
            "--children lists one figure's children: give --measure too", param_hint="--children"
        )
    fy = _financial_year(year)
    if fy is None:
        start, end = trailing_year(start, end or today())
    sc = _run_with_progress(
        lambda tell: scorecard(
            app.engine,
            year=fy,
            start=start,
            end=end,
            as_of=as_of or (end if fy is None and end is not None else today()),
            only=only,
            progress=tell,
        )
    )
    log_export(app, "scorecard report" + (f", {measure_id}" if measure_id else ""), fmt)
    if chart_dir:
        written = write_charts(sc, chart_dir, chart_format)
        click.echo(f"wrote {len(written)} charts to {chart_dir}", err=True)
    if show_children:
        assert measure_id is not None
        drill = sc.drill_down(measure_id, quarter)
        if fmt == "json":
            echo_json(drill.to_json())
            return
        render_drill_down(drill)
        return
    weaker = weaker_notice(app.settings, sc.as_of)

    def as_text() -> None:
        print_weaker(weaker)
        render_scorecard(sc)

    _emit_report(
        fmt,
        out_path,
        as_json=lambda: {**sc.to_json(), "weaker_than_law": weaker},
        as_csv=lambda: to_csv(*scorecard_table(sc)),
        sheets=lambda: scorecard_sheets(sc),
        as_text=as_text,
    )


@report.command("measures")
@click.argument("measure_id", required=False, type=MeasureId(), metavar="[MEASURE_ID]")
@click.option("--json", "as_json", is_flag=True)
def report_measures(measure_id: str | None, as_json: bool) -> None:
    """The scorecard's measures: definition, cohort, numerator, denominator, polarity, source, rounding."""
    from compliance.reports import MEASURES, SEED_MEASURES

    ids = [measure_id] if measure_id is not None else list(SEED_MEASURES)
    specs = [MEASURES[i] for i in ids]
    if as_json:
        echo_json([s.to_json() for s in specs])
        return
    render_measures(specs, detail=measure_id is not None)


@report.command("iha")
@click.option("--year", type=int, required=True, help="Financial year starting 1 April YEAR.")
@click.option("--as-of", type=DATE, help="Judge at this date (default today).")
@format_option
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@out_option
@pass_app
def report_iha(
    app: App, year: int, as_of: date | None, fmt: str, as_json: bool, out_path: str | None
) -> None:
    """Initial health assessment performance by quarter (the IHA table)."""
    from compliance.reports import IHA_COHORT, ROUNDING, iha_table
    from compliance.reports.export import iha_sheets, iha_table_rows, to_csv

    fmt = _format(fmt, as_json, out_path)
    rows = _run_with_progress(
        lambda tell: iha_table(app.engine, year=year, as_of=as_of or today(), progress=tell)
    )
    log_export(app, f"iha report, {year}", fmt)
    weaker = weaker_notice(app.settings, as_of or today())

    def as_text() -> None:
        print_weaker(weaker)
        render_iha(rows, year)

    _emit_report(
        fmt,
        out_path,
        as_json=lambda: {
            "year": year,
            "cohort": IHA_COHORT,
            "rounding": ROUNDING,
            "weaker_than_law": weaker,
            "quarters": [r.to_json() for r in rows],
        },
        as_csv=lambda: to_csv(*iha_table_rows(rows)),
        sheets=lambda: iha_sheets(rows, year),
        as_text=as_text,
    )


@report.command("iro")
@click.option("--year", help="Financial year, e.g. 2017-18 (instead of --from/--to).")
@click.option("--from", "start", type=DATE, help="First day of the period (default: a year before --to).")
@click.option("--to", "end", type=DATE, help="Last day of the period (default today).")
@click.option("--as-of", type=DATE, help="Judge at this date (default: --to).")
@format_option
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@out_option
@pass_app
def report_iro(
    app: App,
    year: str | None,
    start: date | None,
    end: date | None,
    as_of: date | None,
    fmt: str,
    as_json: bool,
    out_path: str | None,
) -> None:
    """The IRO annual report figures: reviews, participation, caseloads, practice alerts, DRP, good practice."""
    from compliance.reports import iro_report
    from compliance.reports.export import iro_sheets, iro_tables, to_csv

    fmt = _format(fmt, as_json, out_path)
    start, end = report_period(_financial_year(year), start, end or today())
    alerts = list(queue(app).all())
    report_ = _run_with_progress(
        lambda tell: iro_report(app.engine, alerts, start=start, end=end, as_of=as_of, progress=tell)
    )
    log_export(app, f"iro report, {start} to {end}", fmt)
    weaker = weaker_notice(app.settings, end)

    def as_text() -> None:
        print_weaker(weaker)
        render_iro(report_, start, end)

    _emit_report(
        fmt,
        out_path,
        as_json=lambda: {**report_.to_json(), "weaker_than_law": weaker},
        as_csv=lambda: "\n".join(
            f"{title}\n{to_csv(header, rows)}" for title, header, rows in iro_tables(report_)
        ),
        sheets=lambda: iro_sheets(report_),
        as_text=as_text,
    )


# --- the CIN census ---------------------------------------------------------------------


@cli.group("cin-census")
def cin_census() -> None:
    """The DfE children in need census: import a year's return."""


@cin_census.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--year", help="The census year the return must be, e.g. 2021-22 (default: as its header says)."
)
@click.option(
    "--recorded-at",
    type=MOMENT,
    help="When its facts were recorded (default: when the return was produced, its header's DateTime).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def cin_census_import(
    app: App, file: str, year: str | None, recorded_at: datetime | None, as_json: bool
) -> None:
    """Import a CIN census XML return: one transaction, append-only, year by year.

    Importing the same census again adds nothing; next year's adds only what is new; a
    changed fact is retracted and its new version recorded. Contradictions are reported
    as findings (DfE CIN validator rule codes where one matches) and stored as recorded.
    """
    from compliance.sources.cin_census.importer import import_census

    result = import_census(app.store, file, year=year, recorded_at=recorded_at, now=now())
    if as_json:
        echo_json(result.to_json())
        return
    click.echo(result.summary())
    shown = [(f.child or "(header)", f.code, f.message) for f in result.census_findings] + [
        (f.fact.child, f.code, f.message) for f in result.findings
    ]
    if shown:
        click.echo(f"{len(shown)} data-quality finding{'s' if len(shown) != 1 else ''} (stored as recorded):")
        for child, code, message in shown[:20]:
            click.echo(f"  {child}  {code}  {message}")
        if len(shown) > 20:
            click.echo(f"  ... and {len(shown) - 20} more (--json lists them all)")


# --- web workspace and accounts ---------------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="Trust X-Forwarded-Proto/For/Host from a reverse proxy on this machine (TLS ends there).",
)
@click.option("--as-of", type=DATE, help="Judge every page at this date (the demo's date) instead of today.")
@click.option("--session-minutes", type=click.IntRange(1, 24 * 60), default=30, show_default=True)
@pass_app
def serve(
    app: App,
    host: str,
    port: int,
    threads: int,
    behind_proxy: bool,
    as_of: date | None,
    session_minutes: int,
) -> None:
    """Serve the web workspace on the same store and settings (waitress).

    Cookies and calendar-feed URLs are signed with CASECHECK_SECRET_KEY; without it a new
    key is made at each start (everyone signs in again, feed URLs change).
    """
    import os

    import waitress

    from compliance.web import WebSettings, create_app

    web = create_app(
        WebSettings(
            store=app.store,
            settings=app.settings,
            secret_key=os.environ.get("CASECHECK_SECRET_KEY") or None,
            session_idle_minutes=session_minutes,
            as_of=as_of,
        )
    )
    if not os.environ.get("CASECHECK_SECRET_KEY"):
        click.echo("casecheck: CASECHECK_SECRET_KEY is not set; sessions end when the server stops", err=True)
    click.echo(f"casecheck workspace on http://{host}:{port}/ (Ctrl+C stops it)", err=True)
    options: dict[str, Any] = {"host": host, "port": port, "threads": threads, "ident": "casecheck"}
    if behind_proxy:
        options.update(
            trusted_proxy="127.0.0.1",
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host"},
        )
    waitress.serve(web, **options)


@cli.group()
def user() -> None:
    """Accounts for the web workspace: add, list, disable, set-password."""


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["iro", "team_manager", "service_manager", "auditor", "admin"]),
    help="Repeatable: an admin may also hold a case role.",
)
@click.option("--team", "teams", multiple=True, help="A team a team manager manages (repeatable).")
@click.option("--iro", help="The IRO id this person is known by in the case records (e.g. IRO03).")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
@pass_app
def user_add(
    app: App, name: str, roles: tuple[str, ...], teams: tuple[str, ...], iro: str | None, password_stdin: bool
) -> None:
    """Add an account NAME. The password is prompted for (or read with --password-stdin)."""
    from compliance.accounts import Accounts

    account = Accounts(app.store).add(
        name,
        roles=roles,
        teams=teams,
        iro=iro,
        password=read_password(password_stdin),
        now=now(),
        by=getpass.getuser(),
    )
    click.echo(f"added {account.name} ({', '.join(account.roles)})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def user_list(app: App, as_json: bool) -> None:
    """Every account, with its roles, teams and IRO id."""
    from compliance.accounts import Accounts

    accounts = Accounts(app.store).all()
    if as_json:
        echo_json([a.to_json() for a in accounts])
        return
    table = grid("Accounts")
    for column in ("name", "roles", "teams", "IRO", "state", "added"):
        table.add_column(column)
    for a in accounts:
        table.add_row(
            a.name,
            ", ".join(a.roles),
            ", ".join(a.teams),
            a.iro or "",
            "disabled" if a.disabled else "active",
            fmt_day(a.added_at),
        )
    console().print(table)


@user.command("disable")
@click.argument("name")
@pass_app
def user_disable(app: App, name: str) -> None:
    """Disable NAME: their sessions end and they can no longer sign in (history keeps the name)."""
    from compliance.accounts import Accounts

    Accounts(app.store).disable(name, now=now(), by=getpass.getuser())
    click.echo(f"disabled {name}")


@user.command("set-password")
@click.argument("name")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
@pass_app
def user_set_password(app: App, name: str, password_stdin: bool) -> None:
    """Give NAME a new password (their sessions and calendar-feed URLs end)."""
    from compliance.accounts import Accounts

    Accounts(app.store).set_password(name, read_password(password_stdin), now=now(), by=getpass.getuser())
    click.echo(f"new password set for {name}")


@cli.command("access-log")
@click.option("--child", help="Only entries about this child.")
@click.option("--user", "user_name", help="Only entries by this account.")
@click.option("--from", "start", type=DATE, help="From this day (England), inclusive.")
@click.option("--to", "end", type=DATE, help="To this day (England), inclusive.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def access_log(
    app: App, child: str | None, user_name: str | None, start: date | None, end: date | None, as_json: bool
) -> None:
    """Who viewed which child's record, exported what, acted on which alert, and when."""
    from compliance.access_log import read_access_log

    entries = read_access_log(app.store, child=child, user=user_name, start=start, end=end)
    if as_json:
        echo_json([e.to_json() for e in entries])
        return
    table = grid("Access log")
    for column in ("when", "who", "what", "child", "about"):
        table.add_column(column)
    for e in entries:
        table.add_row(fmt_day(e.at), e.user, e.action.replace("_", " "), e.child or "", e.target or "")
    console().print(table)
    console().print(f"{len(entries)} entr{'ies' if len(entries) != 1 else 'y'}")


# --- SSDA903 returns ------------------------------------------------------------------


@cli.group()
def ssda903() -> None:
    """The DfE SSDA903 return (children looked after): import a council's returns, export a year."""


@ssda903.command("import")
@click.argument("directories", nargs=-1, required=True, type=click.Path(file_okay=False))
@click.option("--year", help="The collection year, e.g. 2017-18 (or 2018); default: taken from the data.")
@click.option("--recorded-at", type=DATE, help="The date the return was submitted (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def ssda903_import(
    app: App, directories: tuple[str, ...], year: str | None, recorded_at: date | None, as_json: bool
) -> None:
    """Import one collection year's 903 tables (CSV) from each of DIRECTORIES, oldest first.

    Each year is stored whole or not at all; importing a year again adds only what is new.
    """
    from compliance.sources.ssda903.importer import import_returns

    err = console(err=True)
    progress = file_progress(err, enabled=not as_json and err.is_terminal)

    moment = datetime.combine(recorded_at, time.min, tzinfo=LONDON) if recorded_at is not None else None
    result = import_returns(
        app.store, list(directories), year=year, recorded_at=moment, now=now(), progress=progress
    )
    if as_json:
        echo_json(result.to_json())
        return
    for line in result.summary():
        click.echo(line)


@ssda903.command("export")
@click.option("--year", required=True, help="The collection year, e.g. 2024-25 (or 2025).")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Directory to write the tables to."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def ssda903_export(app: App, year: str, out: str, as_json: bool) -> None:
    """Write a collection year's 903 tables from the events, for every child looked after in it."""
    from compliance.sources.ssda903.exporter import export_store

    result = export_store(app.store, year, Path(out))
    log_export(app, f"ssda903 return, {result.to_json()['year']}", "csv")
    if as_json:
        echo_json(result.to_json())
        return
    for line in result.summary():
        click.echo(line)


# --- synthetic data -------------------------------------------------------------------


@cli.command()
@click.option("--children", type=click.IntRange(1, 1_000_000), required=True, help="How many children.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--until", type=DATE, help="Last day of the histories (default today).")
@click.option("--years", type=click.IntRange(1, 30), default=5, show_default=True)
@click.option(
    "--out",
    type=click.Path(writable=True),
    required=True,
    help="File to write (JSON Lines, or the census's XML); a directory with --format ssda903.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "cin-census", "ssda903"]),
    default="jsonl",
    show_default=True,
    help="Case events, the council's CIN census return for --year, or its SSDA903 return for --year.",
)
@click.option("--year", help="With --format cin-census or ssda903: the collection year, e.g. 2024-25.")
def generate(
    children: int, seed: int, until: date | None, years: int, out: str, fmt: str, year: str | None
) -> None:
    """Write a made-up council's case events (deterministic for a seed). No real data."""
    from compliance.synthetic import generate as make
    from compliance.synthetic import write_jsonl

    if fmt == "cin-census":
        from compliance.sources.cin_census.export import generate_census

        written = generate_census(out, children, seed=seed, year=year, until=until, years=years)
        click.echo(
            f"wrote the {year} CIN census of {written.children} children ({written.episodes} episodes) to {out}"
        )
        return
    if fmt == "ssda903":
        from compliance.sources.ssda903.exporter import export_generated

        if year is None:
            raise click.UsageError("--format ssda903 needs --year (e.g. 2024-25)")
        result = export_generated(children, seed=seed, until=until, years=years, year=year, out=Path(out))
        for line in result.summary():
            click.echo(line)
        return
    lines = write_jsonl(out, make(children, seed=seed, until=until or today(), years=years))
    click.echo(f"wrote {lines} events for {children} children to {out}")


# --- integrity and keys ---------------------------------------------------------------


@cli.command()
@click.option(
    "--since",
    "since_run",
    metavar="RUN",
    help="Check only what was recorded after this nightly run's checkpoint (a run id from `casecheck runs --json`).",
)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def verify(app: App, since_run: str | None, as_json: bool) -> None:
    """Prove the stored history is whole and untampered.

    Checks every record's seal, every child's and alert's chain of records, and the
    store's head against the checkpoint of every nightly run. Exit 1 when anything is
    wrong, naming the first broken record. See docs/security.md for what this proves.
    """
    result = app.store.verify(since_run)
    if as_json:
        echo_json(result.to_json())
    else:
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
        out.print(
            f"head at log position {result.head.position} ({result.head.count} records): {result.head.hex}"
        )
    if not result.ok:
        sys.exit(1)


@cli.command()
@click.argument("new_db")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def rekey(app: App, new_db: str, as_json: bool) -> None:
    """Copy the store into the new, empty store NEW_DB under a new key, and verify it.

    The current key is CASECHECK_CIPHER_KEY; the new one is CASECHECK_NEW_CIPHER_KEY
    (make one with `casecheck new-key`; unset, the copy is not encrypted). The store
    itself is only read. Afterwards use NEW_DB with the new key as CASECHECK_CIPHER_KEY.
    """
    from compliance.rekey import rekey_store
    from compliance.store import new_store_for_rekey

    done = rekey_store(app.store, new_store_for_rekey(new_db))
    if as_json:
        echo_json(
            {
                "records": done.records,
                "aggregates": done.aggregates,
                "checkpoint_run": done.checkpoint_run,
                **done.head.to_json(),
            }
        )
        return
    click.echo(
        f"copied and verified {done.records} records of {done.aggregates} aggregates into {new_db}; "
        f"head {done.head.hex}; use it with the new key as CASECHECK_CIPHER_KEY"
    )


@cli.command("new-key")
def new_key() -> None:
    """Print a new key for encrypting the store (set it as CASECHECK_CIPHER_KEY)."""
    from compliance.store import new_cipher_key

    click.echo(new_cipher_key())


# --- demo -------------------------------------------------------------------------------


@cli.command()
@click.option("--children", type=click.IntRange(10, 100_000), default=500, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default="demo",
    show_default=True,
    help="Where the demo's data and store go.",
)
@click.option(
    "--until", type=DATE, help="Last day of the made-up histories and the nightly run's date (default today)."
)
def demo(children: int, seed: int, directory: str, until: date | None) -> None:
    """See it work: generate a made-up council, import it, run the nightly batch, show the summary."""
    import time

    from compliance.demo import MAIN_RULES, run_demo
    from rules.registry import REGISTRY

    started = time.perf_counter()
    err = console(err=True)
    report = run_demo(
        Path(directory),
        children=children,
        seed=seed,
        until=until or today(),
        step=lambda text: err.print(text, style="dim"),
    )
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
    from rules.obligation import URGENCY

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
    themes = grid(f"Open alerts by theme ({report.open_alerts})")
    themes.add_column("theme")
    themes.add_column("open", justify="right")
    for theme, n in report.by_theme:
        themes.add_row(theme, str(n))
    teams = grid("Open alerts by team")
    teams.add_column("team")
    teams.add_column("open", justify="right")
    for team, n in report.by_team:
        teams.add_row(team, str(n))
    out.print(themes)
    out.print(teams)
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
    db = Path(directory) / "casecheck.db"
    out.print(Text("\nLook further:", style="bold"))
    out.print(f"  casecheck --db {db} timeline {report.example_child} --as-of {report.as_of} --explain")
    out.print(f"  casecheck --db {db} alerts --as-of {report.as_of}")
    out.print(f"  casecheck --db {db} check --as-of {report.as_of} --status overdue")
    if report.urgent:
        out.print(f"  casecheck --db {db} alert show {report.urgent[0].alert.ref}")
    out.print("  casecheck rules LAC-REV-1")
    import secrets

    from compliance.demo import add_demo_accounts

    password = secrets.token_urlsafe(12)
    accounts = add_demo_accounts(Path(directory), report, password=password, now=now())
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
    out.print(Text(f"finished in {time.perf_counter() - started:.1f} s", style="dim"))


def accept_store_options_everywhere(group: click.Group) -> None:
    """`--db` and `--config` work after the subcommand as well as before it."""

    def keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        app = ctx.find_object(App)
        if value is not None and app is not None and param.name is not None:
            setattr(app, param.name, value)
        return value

    for command in group.commands.values():
        if isinstance(command, click.Group):
            accept_store_options_everywhere(command)
            continue
        taken = {opt for p in command.params for opt in getattr(p, "opts", ())}
        for name, text in (
            ("--db", "Store (as before the command)."),
            ("--config", "Council settings file."),
        ):
            if name not in taken:
                command.params.append(
                    click.Option([name], expose_value=False, is_eager=True, callback=keep, help=text)
                )


accept_store_options_everywhere(cli)


if __name__ == "__main__":
    main()
