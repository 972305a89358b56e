"""The alert queue and one alert's page with its DRP actions."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from compliance.alerts import AlertNotFound, Filters, IllegalTransition
from compliance.choices import ALERT_KINDS, ALERT_SORTS, ALERT_STATUSES, STAGES
from compliance.errors import CasecheckError
from compliance.views.alert import alert_detail
from compliance.views.queue import QUEUE_COLUMNS, SORTS, queue_counts, queue_counts_from, queue_rows
from compliance.web.services import access, me, parse_day, scope, services

bp = Blueprint("queue", __name__)

FILTERS = (
    "status",
    "team",
    "worker",
    "iro",
    "child",
    "rule",
    "theme",
    "stage",
    "kind",
    "older_than",
    "assigned_to",
    "unassigned",
    "over_time",
    "sort",
)
#: Kinds the queue page offers (baseline breaches from before go-live are not the queue).
KINDS = tuple(k for k in ALERT_KINDS if k != "baseline")


class NoteForm(FlaskForm):  # type: ignore[misc]
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])


class AssignForm(NoteForm):
    to = StringField("Assign to", validators=[DataRequired(), Length(max=64)])


class EscalateForm(NoteForm):
    to_stage = SelectField(
        "Escalate to",
        choices=[
            SelectChoice("1", "Stage 1"),
            SelectChoice("2", "Stage 2"),
            SelectChoice("3", "Stage 3"),
            SelectChoice("4", "Stage 4"),
            SelectChoice("cafcass", "Cafcass"),
        ],
    )


class ResolveForm(NoteForm):
    outcome = StringField("Outcome", validators=[DataRequired(), Length(max=500)])


ACTIONS: dict[str, type[FlaskForm]] = {
    "assign": AssignForm,
    "acknowledge": NoteForm,
    "respond": NoteForm,
    "escalate": EscalateForm,
    "resolve": ResolveForm,
    "reopen": NoteForm,
}


def _filters() -> tuple[Filters, dict[str, str]]:
    """The queue's filters from the URL (so a filtered queue can be bookmarked and shared);
    values outside the fixed choices are ignored, as if not given."""
    args = {k: request.args.get(k, "").strip() for k in FILTERS}
    older = int(args["older_than"]) if args["older_than"].isdigit() else None
    filters = Filters(
        status=args["status"] if args["status"] in ALERT_STATUSES else "open",
        team=args["team"] or None,
        worker=args["worker"] or None,
        iro=args["iro"] or None,
        child=args["child"] or None,
        rule=args["rule"].upper() or None,
        theme=args["theme"] or None,
        stage=args["stage"] if args["stage"] in STAGES else None,
        kind=args["kind"] if args["kind"] in KINDS else None,
        older_than=older,
        assigned_to=args["assigned_to"] or None,
        unassigned=args["unassigned"] == "1",
        over_time=args["over_time"] == "1",
        sort=args["sort"] if args["sort"] in ALERT_SORTS else "urgency",
    )
    shown = {k: v for k, v in args.items() if v and not (k == "sort" and v == "urgency")}
    return filters, shown


def _queue_state(filters: Filters, day: Any) -> tuple[list[Any], Any, dict[str, list[str]], str | None]:
    """The alerts in scope in the queue's own order, their counts by theme, team and stage,
    the values the filter form offers (from the alerts this person may see), and what was
    wrong with the filters, if anything."""
    try:
        snap = services().queue.snapshot(filters, today=day)
    except CasecheckError:
        # The queue names the closest known values; they may be children or people outside
        # this person's scope, so the page says only that nothing is known by that value.
        problem = "One of the filter values matches nothing recorded. Choose from the lists offered."
        return [], queue_counts([]), {"team": [], "theme": [], "iro": []}, problem
    if scope().everyone:  # the counts kept with the list
        views = snap.views
        by: dict[str, Any] = snap.by
        counts = queue_counts_from(len(views), by)
    else:
        views = _visible(snap.views)
        by = {
            name: Counter(getattr(v.alert, name) for v in views) for name in ("theme", "team", "stage", "iro")
        }
        counts = queue_counts(views)
    choices = {k: sorted(x for x, n in by[k].items() if x and n > 0) for k in ("team", "theme", "iro")}
    return views, counts, choices, None


def _visible(views: list[Any]) -> list[Any]:
    allowed = scope()
    if allowed.everyone:
        return views
    return [v for v in views if allowed.allows_alert(v.alert)]


@bp.route("/queue")
@login_required
def queue() -> str:
    if not me().sees_cases:
        abort(403)
    s = services()
    filters, shown = _filters()
    day = parse_day(request.args.get("as_of")) or s.today()
    allowed = scope()
    views, counts, choices, problem = s.memo(
        ("queue", filters, day, allowed), lambda: _queue_state(filters, day)
    )
    size = s.web.page_size
    pages = max(1, -(-len(views) // size))
    page = min(max(1, int(request.args["page"]) if request.args.get("page", "").isdigit() else 1), pages)
    query = dict(shown)
    return render_template(
        "queue.html",
        title="Alert queue",
        rows=queue_rows(views[(page - 1) * size : page * size]),
        total=len(views),
        problem=problem,
        counts=counts,
        filters=shown,
        status=filters.status,
        sort=filters.sort,
        sorts=SORTS,
        stages=STAGES,
        kinds=KINDS,
        choices=choices,
        page=page,
        pages=pages,
        day=day,
        page_url=lambda n: url_for("queue.queue") + "?" + urlencode({**query, "page": n}),
        csv_url=url_for("queue.queue_csv") + ("?" + urlencode(shown) if shown else ""),
        filter_url=lambda **change: (
            url_for("queue.queue") + "?" + urlencode({k: v for k, v in {**query, **change}.items() if v})
        ),
    )


@bp.route("/queue.csv")
@login_required
def queue_csv() -> Response:
    if not me().sees_cases:
        abort(403)
    from compliance.web.downloads import csv_response

    s = services()
    filters, shown = _filters()
    views = _visible(s.queue.list(filters, today=s.today()))
    access().exported(
        "alert queue" + (f" ({', '.join(f'{k}={v}' for k, v in shown.items())})" if shown else ""),
        "csv",
        sorted({v.alert.child for v in views}) if shown.get("child") else (),
    )
    return csv_response("alerts.csv", QUEUE_COLUMNS, [r.data for r in queue_rows(views)])


def _alert_in_scope(ref: str) -> Any:
    s = services()
    if not me().sees_cases:
        abort(404)
    try:
        view = s.queue.show(ref, today=s.today())
    except AlertNotFound:
        abort(404)
    if not scope().allows_alert(view.alert):
        abort(404)
    return view


@bp.route("/alerts/<ref>")
@login_required
def alert(ref: str) -> str:
    view = _alert_in_scope(ref)
    s = services()
    detail = alert_detail(view, drp_total=s.settings.drp_total)
    access().alert_viewed(view.alert)
    forms = {name: form() for name, form in ACTIONS.items()} if me().may_act else {}
    return render_template(
        "alert.html", title=f"Alert {view.alert.ref}", view=view, detail=detail, forms=forms
    )


@bp.route("/alerts/<ref>/<action>", methods=["POST"])
@login_required
def act(ref: str, action: str) -> WerkzeugResponse:
    if action not in ACTIONS:
        abort(404)
    view = _alert_in_scope(ref)
    if not me().may_act:
        abort(403)
    form = ACTIONS[action]()
    if not form.validate_on_submit():
        flash(
            "That change was not made: "
            + "; ".join(f"{form[k].label.text}: {e[0]}" for k, e in form.errors.items()),
            "error",
        )
        return redirect(url_for("queue.alert", ref=view.alert.ref))
    s = services()
    q = s.queue
    by, now, note = me().name, s.now(), (form.note.data or "").strip() or None
    a = view.alert.ref
    try:
        if action == "assign":
            q.assign(a, form.to.data.strip(), by=by, now=now, note=note)
            message = f"Assigned to {form.to.data.strip()}."
        elif action == "acknowledge":
            q.acknowledge(a, by=by, now=now, note=note)
            message = "Acknowledged."
        elif action == "respond":
            q.respond(a, by=by, now=now, note=note)
            message = "Response recorded."
        elif action == "escalate":
            stage = q.escalate(a, to_stage=form.to_stage.data, by=by, now=now, note=note)
            due = q.get(a).stage_response_due
            message = f"Escalated to {'Cafcass' if stage == 'cafcass' else 'stage ' + stage}." + (
                f" Response due {due:%a %-d %b %Y}." if due else ""
            )
        elif action == "resolve":
            q.resolve(a, outcome=form.outcome.data.strip(), by=by, now=now, note=note)
            message = "Resolved."
        else:
            q.reopen(a, by=by, now=now, note=note)
            message = "Reopened."
    except IllegalTransition as exc:
        flash(str(exc), "error")
        return redirect(url_for("queue.alert", ref=a))
    access().alert_action(view.alert, action)
    flash(message, "success")
    return redirect(url_for("queue.alert", ref=a))
