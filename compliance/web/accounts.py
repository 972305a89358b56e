"""Signing in and out, one's own account, and (for admins) the list of accounts."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from compliance.web.services import SignedIn, me, require, services

bp = Blueprint("accounts", __name__)


class SignInForm(FlaskForm):  # type: ignore[misc]
    name = StringField("Account name", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


class SignOutForm(FlaskForm):  # type: ignore[misc]
    pass


def landing() -> str:
    account = me()
    if account.sees_cases:
        return url_for("queue.queue")
    return url_for("accounts.account_list")


@bp.route("/", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(landing())
    form = SignInForm()
    error = None
    status = 200
    if form.validate_on_submit():
        s = services()
        now = s.now()
        name = form.name.data.strip()
        keys = ["name:" + name.lower(), "addr:" + (request.remote_addr or "")]
        wait = s.throttle.wait(keys, now)
        if wait is not None:
            minutes = max(1, int(wait.total_seconds() // 60) + 1)
            error = f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes != 1 else ''}."
            status = 429
        else:
            account = s.accounts.authenticate(name, form.password.data)
            if account is None:
                s.throttle.failed(keys, now)
                error = "The account name or password is not right."
                status = 401
            else:
                s.throttle.succeeded(keys, now)
                login_user(SignedIn(s.sessions.start(account, now), account))
                session["seen"] = now.isoformat()
                return redirect(landing())
    elif request.method == "POST":
        error = "Enter your account name and password."
        status = 400
    return render_template("sign_in.html", form=form, error=error, title="Sign in"), status


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out() -> Response:
    if SignOutForm().validate_on_submit():
        services().sessions.end(current_user.session_id, services().now())
        logout_user()
    return redirect(url_for("accounts.sign_in"))


@bp.route("/account")
@login_required
def account() -> str:
    s = services()
    token = s.feed_token(me())
    return render_template("account.html", account=me(), token=token, title="Your account")


@bp.route("/accounts")
@login_required
def account_list() -> str:
    require("admin")
    return render_template("accounts.html", accounts=services().accounts.all(), title="Accounts")


@bp.app_context_processor
def sign_out_form() -> dict[str, object]:
    if not current_user.is_authenticated:
        return {}
    return {"sign_out_form": SignOutForm(), "me": current_user.account}


def not_mine() -> None:
    abort(404)
