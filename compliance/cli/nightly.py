"""The nightly batch and the record of its runs."""

from __future__ import annotations

import sys
from datetime import date

import click

from compliance.cli.common import DATE, App, jobs_option, now, pass_app, today
from compliance.errors import CasecheckError
from compliance.views.text import echo_json, print_table, run_progress


@click.command()
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


@click.command()
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


COMMANDS = (nightly, runs)
