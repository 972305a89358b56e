"""The web workspace: the queue, the child page, reports and audit, behind sign-in.

`create_app(settings)` builds the Flask application on a store and a council's settings;
`casecheck serve` runs it under waitress. Routes are thin: parse, check the role against
the child, call one use case, render a view model from `compliance.views` (the same ones
the command line prints), and record the access.

Everything the pages need (the stylesheet, no script at all) is served from this package:
nothing loads from outside, so a council network that blocks CDNs changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask, Response, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect

from compliance.accounts import Accounts
from compliance.settings import Settings
from compliance.sign_in import SignInLedger, workspace_secret
from compliance.store import CaseStore, open_store
from compliance.web.services import Services, SessionRegistry, SignedIn, SignInThrottle
from events.timeline import LONDON


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class WebSettings:
    """How the workspace runs: which store, which council settings, how sessions behave."""

    db: str | None = None
    settings: Settings = field(default_factory=Settings)
    store: CaseStore | None = None  # an open store (tests); otherwise opened from `db`
    secret_key: str | None = None  # signs cookies and feed URLs; unset: the store's own (sign_in)
    session_idle_minutes: int = 30
    secure_cookies: bool | None = None  # None: Secure when the request came over TLS
    clock: Callable[[], datetime] = _utc_now
    as_of: date | None = None  # judge pages at this date instead of today (the demo's date)
    page_size: int = 50
    max_failed_sign_ins: int = 5
    throttle_minutes: int = 15


CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class _TlsAwareSessions(SecureCookieSessionInterface):
    """The session cookie is `Secure` whenever the request came over TLS (directly, or
    through a trusted reverse proxy that said so)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def create_app(settings: WebSettings | None = None) -> Flask:
    config = settings or WebSettings()
    store = config.store or open_store(config.db)
    secret = config.secret_key or workspace_secret(store, now=config.clock())
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(config.secure_cookies),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which expires on its own
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=config.session_idle_minutes),
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    if config.secure_cookies is None:
        app.session_interface = _TlsAwareSessions()
    ledger = SignInLedger(store, secret)
    services = Services(
        store=store,
        settings=config.settings,
        web=config,
        accounts=Accounts(store),
        sessions=SessionRegistry(ledger, timedelta(minutes=config.session_idle_minutes)),
        throttle=SignInThrottle(
            ledger, config.max_failed_sign_ins, timedelta(minutes=config.throttle_minutes)
        ),
    )
    app.extensions["casecheck"] = services
    CSRFProtect(app)

    login = LoginManager(app)
    login.login_view = "accounts.sign_in"
    login.login_message = "Sign in to continue."
    login.session_protection = "strong"

    @login.user_loader
    def load_user(session_id: str) -> SignedIn | None:
        return services.signed_in(session_id)

    from compliance.web import accounts, audit, child, queue, reports

    for blueprint in (accounts.bp, queue.bp, child.bp, reports.bp, audit.bp):
        app.register_blueprint(blueprint)

    @app.context_processor
    def shared() -> dict[str, Any]:
        return {"council": config.settings.council, "terminology": config.settings.terminology}

    @app.template_filter("day")
    def day_filter(value: Any) -> str:
        from compliance.views.format import fmt_day

        if isinstance(value, str):
            try:
                value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
            except ValueError:
                return value
        return fmt_day(value)

    @app.template_filter("london")
    def london_filter(value: Any) -> str:
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.astimezone(LONDON).strftime("%-d %b %Y %H:%M") if value else ""

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint != "static":
            # Pages hold children's records: never kept by a shared browser or a proxy.
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(404)
    def not_found(_error: Any) -> tuple[str, int]:
        return render_template(
            "error.html",
            title="Page not found",
            message="There is no page at this address, or it is not yours to see.",
        ), 404

    @app.errorhandler(403)
    def forbidden(_error: Any) -> tuple[str, int]:
        return render_template(
            "error.html", title="Not allowed", message="Your role does not allow this."
        ), 403

    @app.errorhandler(CSRFError)
    def csrf_failed(_error: Any) -> tuple[str, int]:
        return render_template(
            "error.html", title="The form had expired", message="Go back, reload the page and try again."
        ), 400

    return app


def serve_app(web: Flask, *, host: str, port: int, threads: int, behind_proxy: bool) -> None:
    """Serve `web` with waitress until stopped; `behind_proxy`: trust the forwarding
    headers of a reverse proxy on this machine, where TLS ends."""
    import waitress

    options: dict[str, Any] = {"host": host, "port": port, "threads": threads, "ident": "casecheck"}
    if behind_proxy:
        options.update(
            trusted_proxy="127.0.0.1",
            trusted_proxy_count=1,
            trusted_proxy_headers={"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host"},
        )
    waitress.serve(web, **options)


__all__ = ["WebSettings", "create_app", "serve_app"]
