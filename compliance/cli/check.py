"""What the rules find (`check`) and what they are (`rules`)."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click

from compliance.choices import STATUSES
from compliance.cli.common import (
    DATE,
    MOMENT,
    App,
    ChoiceList,
    access,
    jobs_option,
    pass_app,
    split_list,
    today,
)
from compliance.views.text import echo_json, print_lines, print_table, render_check


@click.command()
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


@click.command("rules")
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


COMMANDS = (check, rules_cmd)
