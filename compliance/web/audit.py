"""Audit pages: a child as it stood on a date and as known at a moment, the difference
between two known-at moments, the nightly runs and the access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from compliance.access_log import read_access_log
from compliance.audit import audit_child
from compliance.errors import ChildNotFound
from compliance.nightly import list_runs
from compliance.views.audit import audit_view
from compliance.views.timeline import timeline_page
from compliance.web.services import access, parse_day, require, scope, services
from events.timeline import LONDON

bp = Blueprint("audit", __name__, url_prefix="/audit")


def parse_moment(value: str | None) -> datetime | None:
    """YYYY-MM-DD[THH:MM] in England, or with an offset; a bare date is the end of that day."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


@bp.route("")
@login_required
def index() -> Response | str:
    require("auditor", "service_manager")
    child = request.args.get("child", "").strip()
    if child:
        args: dict[str, Any] = {k: v for k, v in request.args.items() if v}
        return redirect(url_for("audit.replay", **{**args, "child": child}))
    return render_template("audit.html", title="Audit", today=services().today())


@bp.route("/children/<child>")
@login_required
def replay(child: str) -> str:
    require("auditor", "service_manager")
    s = services()
    as_of = parse_day(request.args.get("as_of")) or s.today()
    known_at = parse_moment(request.args.get("known_at")) or datetime.combine(
        as_of, datetime.max.time().replace(microsecond=0), tzinfo=LONDON
    )
    later = parse_moment(request.args.get("later"))
    try:
        result = audit_child(s.engine, child, as_of=as_of, known_at=known_at, later=later)
    except ChildNotFound:
        abort(404)
    if not scope().allows_timeline(result.now.timeline, as_of):
        abort(404)
    access().audit_viewed(child, as_of=as_of, known_at=known_at, later=later)
    return render_template(
        "replay.html",
        title=f"Audit of child {child}",
        child=child,
        as_of=as_of,
        known_at=known_at,
        later=later,
        then=timeline_page(result.then, s.settings.terminology),
        view=audit_view(result, known_at=known_at, later=later),
    )


@bp.route("/runs")
@login_required
def runs() -> str:
    require("auditor", "service_manager")
    return render_template(
        "runs.html", title="Nightly runs", runs=[r.to_json() for r in reversed(list_runs(services().store))]
    )


@bp.route("/access-log")
@login_required
def access_log() -> str:
    require("auditor")
    child = request.args.get("child", "").strip() or None
    user = request.args.get("user", "").strip() or None
    start = parse_day(request.args.get("from"))
    end = parse_day(request.args.get("to"))
    entries = read_access_log(services().store, child=child, user=user, start=start, end=end)
    access().access_log_viewed(child=child, of_user=user)
    entries = list(reversed(entries))
    return render_template(
        "access_log.html",
        title="Access log",
        entries=entries[:1000],
        total=len(entries),
        child=child or "",
        user=user or "",
        start=start,
        end=end,
    )
