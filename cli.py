"""The `casecheck` command line: parse options, call one use case, print what it returns.

Exit status: 0 success; 1 findings when asked (`--fail-on`) or a failed nightly run;
2 bad input (one clear line on stderr, never a traceback).

The commands about alerts, reports, the DfE returns, the workspace and keys are in
`compliance.cli`; the rendering is in `compliance.views`.
"""

from __future__ import annotations

import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from compliance.choices import STATUSES
from compliance.cli import alerts, keys, reports, returns, workspace
from compliance.cli.common import (
    DATE,
    MOMENT,
    App,
    Casecheck,
    ChoiceList,
    access,
    jobs_option,
    now,
    pass_app,
    split_list,
    today,
)
from compliance.errors import CasecheckError
from compliance.output import write_private
from compliance.views.text import (
    console,
    echo_json,
    file_progress,
    print_lines,
    print_table,
    render_audit,
    render_check,
    render_demo,
    render_timeline,
    run_progress,
)
from compliance.views.timeline import timeline_html, timeline_json
from events.contract import BadInput


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


# --- the commands over one store ---------------------------------------------------------------------------


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
    access(app).child_viewed(child, printed=bool(html_path))
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
    access(app).exported("check", "json" if as_json else "csv" if as_csv else "text", children)
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
    access(app).audit_viewed(child, as_of=as_of, known_at=known_at)
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
    from compliance.errors import ConcurrentChange
    from compliance.nightly import run_nightly

    try:
        with run_progress(not as_json, "evaluating children") as progress:
            summary = run_nightly(
                app.store,
                app.engine,
                as_of=as_of or today(),
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
    import secrets
    import time

    from compliance.demo import add_demo_accounts, run_demo

    started = time.perf_counter()
    err = console(err=True)
    report = run_demo(
        Path(directory),
        children=children,
        seed=seed,
        until=until or today(),
        step=lambda text: err.print(text, style="dim"),
    )
    password = secrets.token_urlsafe(12)
    accounts = add_demo_accounts(Path(directory), report, password=password, now=now())
    render_demo(
        report, str(Path(directory) / "casecheck.db"), accounts, password, time.perf_counter() - started
    )


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


for module in (alerts, reports, returns, workspace, keys):
    for command in module.COMMANDS:
        cli.add_command(command)
accept_store_options_everywhere(cli)


if __name__ == "__main__":
    main()
