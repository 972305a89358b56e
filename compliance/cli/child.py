"""One child's record: the timeline with its obligations, and the audit replay."""

from __future__ import annotations

from datetime import date, datetime

import click

from compliance.cli.common import DATE, MOMENT, App, access, pass_app, today
from compliance.output import write_private
from compliance.views.plain import echo_json, render_timeline
from compliance.views.timeline import timeline_html, timeline_json


@click.command()
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


@click.command()
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
    from compliance.views.text import render_audit

    result = audit_child(app.engine, child, as_of=as_of, known_at=known_at)
    access(app).audit_viewed(child, as_of=as_of, known_at=known_at)
    if as_json:
        echo_json(audit_json(result, child=child, as_of=as_of, known_at=known_at))
        return
    render_audit(result, audit_view(result, known_at=known_at), terminology=app.settings.terminology)


COMMANDS = (timeline, audit)
