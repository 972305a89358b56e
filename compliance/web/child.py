"""A child's page (what needs attention, what is coming up, the record), its printable
summary, and iCalendar feeds of upcoming deadlines for a child and for a caseload."""

from __future__ import annotations

import hmac
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import login_required

from compliance.accounts import AccountView
from compliance.alerts import Filters
from compliance.engine import Evaluation, facts_of
from compliance.errors import ChildNotFound
from compliance.scope import scope_of
from compliance.views.queue import queue_rows
from compliance.views.timeline import coming_up, timeline_page
from compliance.web.services import access, me, parse_day, scope, services
from events.timeline import LONDON, build_timeline

bp = Blueprint("child", __name__)

COMING_UP_WEEKS = 8


def _evaluate(child: str, account: AccountView, as_of: date) -> Evaluation:
    """The child evaluated at `as_of`, or 404 when there is no such child or it is not the
    account's to see (the same answer, so a URL does not tell whether a child exists)."""
    if not account.sees_cases:
        abort(404)
    s = services()
    try:
        # Worked out once while nothing is recorded (a page view is not a record).
        evaluation: Evaluation = s.memo(
            ("evaluation", child, as_of), lambda: s.engine.evaluate(child, as_of=as_of)
        )
    except ChildNotFound:
        abort(404)
    if not scope_of(account).allows_timeline(evaluation.timeline, as_of):
        abort(404)
    return evaluation


def _child_page(child: str, template: str, action: str) -> str:
    s = services()
    as_of = parse_day(request.args.get("as_of")) or s.today()
    evaluation = _evaluate(child, me(), as_of)
    page = s.memo(
        ("timeline page", child, as_of),
        lambda: timeline_page(evaluation, s.settings.terminology, weaker=s.settings.weaker_notice(as_of)),
    )
    alerts = queue_rows(s.queue.list(Filters(status="open", child=child), today=as_of))
    access().child_viewed(child, printed=action == "printed_child")
    return render_template(
        template,
        title=f"Child {child}",
        page=page,
        child=child,
        as_of=as_of,
        coming=coming_up(evaluation, weeks=COMING_UP_WEEKS),
        weeks=COMING_UP_WEEKS,
        alerts=alerts,
        periods=len(evaluation.timeline.periods),
    )


@bp.route("/children")
@login_required
def children() -> str:
    """The children this person may see, with what needs attention for each (IRO caseload,
    a team's children)."""
    if not me().sees_cases:
        abort(403)
    s = services()
    as_of = s.today()
    allowed = scope()
    wanted = request.args.get("child", "").strip()
    rows = []
    for child, stored in s.store.iter_children():
        timeline = build_timeline(child, facts_of(stored), as_of=as_of)
        if not allowed.allows_timeline(timeline, as_of):
            continue
        if wanted and wanted.lower() not in child.lower():
            continue
        rows.append(child)
    rows.sort()
    return render_template(
        "children.html", title="Children", children=rows[:500], total=len(rows), wanted=wanted
    )


@bp.route("/children/<child>")
@login_required
def child(child: str) -> str:
    return _child_page(child, "child.html", "viewed_child")


@bp.route("/children/<child>/summary")
@login_required
def summary(child: str) -> str:
    return _child_page(child, "summary.html", "printed_child")


@bp.route("/children/<child>/page.css")
@login_required
def page_css(child: str) -> Response:
    """Print margins naming the child on every page (CSS cannot read it from the page)."""
    _evaluate(child, me(), services().today())
    label = _css_string(f"Child {child}")
    css = (
        "@page { size: A4; margin: 18mm 15mm 18mm 15mm;\n"
        f"  @top-left {{ content: {label}; font: 9pt sans-serif; }}\n"
        '  @top-right { content: "casecheck"; font: 9pt sans-serif; }\n'
        f"  @bottom-left {{ content: {label}; font: 9pt sans-serif; }}\n"
        '  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt sans-serif; }\n'
        "}\n"
    )
    return Response(css, mimetype="text/css")


def _css_string(text: str) -> str:
    return '"' + "".join(c if c.isalnum() or c in " -_." else f"\\{ord(c):x} " for c in text) + '"'


# --- calendar feeds --------------------------------------------------------------------


def _events(evaluations: list[Evaluation], until_weeks: int = 26) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//casecheck//upcoming deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "casecheck deadlines")
    stamp = services().now()
    for evaluation in evaluations:
        for item in coming_up(evaluation, weeks=until_weeks):
            event = Event()
            event.add("uid", f"{item['key']}@casecheck")
            event.add("dtstamp", stamp)
            event.add("summary", f"{evaluation.child}: {item['rule']} {item['title']}")
            event.add("dtstart", item["due_on"])
            event.add("dtend", item["due_on"] + timedelta(days=1))
            event.add("description", f"Due {item['due']} ({item['status_text']}). Child {evaluation.child}.")
            cal.add_component(event)
    return cal.to_ical()  # type: ignore[no-any-return]


def _ics(body: bytes, name: str) -> Response:
    return Response(
        body, mimetype="text/calendar", headers={"Content-Disposition": f'inline; filename="{name}"'}
    )


def _caseload(account: AccountView, as_of: date) -> list[Evaluation]:
    allowed = scope_of(account)
    engine = services().engine
    return [e for e in engine.evaluate_all(as_of=as_of) if allowed.allows_timeline(e.timeline, as_of)]


@bp.route("/children/<child>/calendar.ics")
@login_required
def child_calendar(child: str) -> Response:
    evaluation = _evaluate(child, me(), services().today())
    access().calendar_feed(child)
    return _ics(_events([evaluation]), f"{child}.ics")


@bp.route("/calendar.ics")
@login_required
def caseload_calendar() -> Response:
    if not me().sees_cases:
        abort(404)
    access().calendar_feed()
    return _ics(_events(_caseload(me(), services().today())), "caseload.ics")


def _feed_account(name: str, token: str) -> AccountView:
    s = services()
    account = s.accounts.find(name)
    if account is None or account.disabled or not hmac.compare_digest(s.feed_token(account), token):
        abort(404)
    return account


@bp.route("/feeds/<name>/<token>/caseload.ics")
def caseload_feed(name: str, token: str) -> Response:
    """The caseload feed at a secret URL, for calendar programs that cannot sign in."""
    account = _feed_account(name, token)
    if not account.sees_cases:
        abort(404)
    access(account.name).calendar_feed(by_url=True)
    return _ics(_events(_caseload(account, services().today())), "caseload.ics")


@bp.route("/feeds/<name>/<token>/children/<child>.ics")
def child_feed(name: str, token: str, child: str) -> Response:
    account = _feed_account(name, token)
    evaluation = _evaluate(child, account, services().today())
    access(account.name).calendar_feed(child, by_url=True)
    return _ics(_events([evaluation]), f"{child}.ics")


def feed_urls(account: AccountView, token: str) -> dict[str, Any]:
    return {"caseload": url_for("child.caseload_feed", name=account.name, token=token, _external=True)}


_ = (datetime, time, LONDON)
