"""The alert queue and the work on one alert: raise, show, assign, acknowledge, respond,
escalate, resolve, reopen, praise; and the themes alerts are counted under."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click

from compliance.choices import ALERT_KINDS, ALERT_SORTS, ALERT_STATUSES, STAGES
from compliance.cli.common import DATE, MOMENT, App, access, now, pass_app, today, write_csv
from compliance.views.alert import action_line, escalated_line
from compliance.views.format import fmt_day
from compliance.views.text import echo_json, print_lines, render_alert, render_queue


def queue(app: App) -> Any:
    from compliance.alerts import AlertQueue

    return AlertQueue(app.store, app.settings)


@click.command()
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
    if as_json or as_csv:
        shown = {"team": team, "worker": worker, "iro": iro, "child": child, "rule": rule, "theme": theme}
        given = ", ".join(f"{k}={v}" for k, v in shown.items() if v)
        access(app).exported(
            "alert queue" + (f" ({given})" if given else ""),
            "json" if as_json else "csv",
            sorted({v.alert.child for v in views}) if child else (),
        )
    if as_json:
        echo_json([r.data for r in rows])
        return
    if as_csv:
        write_csv((r.data for r in rows), QUEUE_COLUMNS)
        return
    render_queue(rows, queue_table_title(status, baseline=baseline, day_text=fmt_day(day), order=order))


@click.group()
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
    access(app).alert_action(queue(app).get(ref), click.get_current_context().info_name or "")
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
    access(app).alert_viewed(view.alert)
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


@click.command()
@click.option("--json", "as_json", is_flag=True)
def themes(as_json: bool) -> None:
    """The practice-alert and good-practice themes alerts are raised and counted under."""
    from compliance.views.themes import themes_json, themes_lines

    if as_json:
        echo_json(themes_json())
        return
    print_lines(themes_lines())


COMMANDS = (alerts, alert, themes)
