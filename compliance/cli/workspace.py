"""The web workspace: serving it, its accounts, and the access log."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import date

import click

from compliance.cli.common import DATE, App, now, pass_app
from compliance.views.text import echo_json, render_access_log, render_accounts


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="Trust X-Forwarded-Proto/For/Host from a reverse proxy on this machine (TLS ends there).",
)
@click.option("--as-of", type=DATE, help="Judge every page at this date (the demo's date) instead of today.")
@click.option("--session-minutes", type=click.IntRange(1, 24 * 60), default=30, show_default=True)
@pass_app
def serve(
    app: App,
    host: str,
    port: int,
    threads: int,
    behind_proxy: bool,
    as_of: date | None,
    session_minutes: int,
) -> None:
    """Serve the web workspace on the same store and settings (waitress).

    Cookies and calendar-feed URLs are signed with the store's own secret (made once and
    kept in the store; derived from the cipher key of an encrypted store), or with
    CASECHECK_SECRET_KEY when it is set. Sessions survive a restart.
    """
    from compliance.web import WebSettings, create_app, serve_app

    web = create_app(
        WebSettings(
            store=app.store,
            settings=app.settings,
            secret_key=os.environ.get("CASECHECK_SECRET_KEY") or None,
            session_idle_minutes=session_minutes,
            as_of=as_of,
        )
    )
    click.echo(f"casecheck workspace on http://{host}:{port}/ (Ctrl+C stops it)", err=True)
    serve_app(web, host=host, port=port, threads=threads, behind_proxy=behind_proxy)


@click.group()
def user() -> None:
    """Accounts for the web workspace: add, list, disable, set-password."""


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(["iro", "team_manager", "service_manager", "auditor", "admin"]),
    help="Repeatable: an admin may also hold a case role.",
)
@click.option("--team", "teams", multiple=True, help="A team a team manager manages (repeatable).")
@click.option("--iro", help="The IRO id this person is known by in the case records (e.g. IRO03).")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
@pass_app
def user_add(
    app: App, name: str, roles: tuple[str, ...], teams: tuple[str, ...], iro: str | None, password_stdin: bool
) -> None:
    """Add an account NAME. The password is prompted for (or read with --password-stdin)."""
    from compliance.accounts import Accounts

    account = Accounts(app.store).add(
        name,
        roles=roles,
        teams=teams,
        iro=iro,
        password=read_password(password_stdin),
        now=now(),
        by=getpass.getuser(),
    )
    click.echo(f"added {account.name} ({', '.join(account.roles)})")


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def user_list(app: App, as_json: bool) -> None:
    """Every account, with its roles, teams and IRO id."""
    from compliance.accounts import Accounts

    accounts = Accounts(app.store).all()
    if as_json:
        echo_json([a.to_json() for a in accounts])
        return
    render_accounts(accounts)


@user.command("disable")
@click.argument("name")
@pass_app
def user_disable(app: App, name: str) -> None:
    """Disable NAME: their sessions end and they can no longer sign in (history keeps the name)."""
    from compliance.accounts import Accounts

    Accounts(app.store).disable(name, now=now(), by=getpass.getuser())
    click.echo(f"disabled {name}")


@user.command("set-password")
@click.argument("name")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
@pass_app
def user_set_password(app: App, name: str, password_stdin: bool) -> None:
    """Give NAME a new password (their sessions and calendar-feed URLs end)."""
    from compliance.accounts import Accounts

    Accounts(app.store).set_password(name, read_password(password_stdin), now=now(), by=getpass.getuser())
    click.echo(f"new password set for {name}")


@click.command("access-log")
@click.option("--child", help="Only entries about this child.")
@click.option("--user", "user_name", help="Only entries by this account.")
@click.option("--from", "start", type=DATE, help="From this day (England), inclusive.")
@click.option("--to", "end", type=DATE, help="To this day (England), inclusive.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def access_log(
    app: App, child: str | None, user_name: str | None, start: date | None, end: date | None, as_json: bool
) -> None:
    """Who viewed which child's record, exported what, acted on which alert, and when."""
    from compliance.access_log import read_access_log

    entries = read_access_log(app.store, child=child, user=user_name, start=start, end=end)
    if as_json:
        echo_json([e.to_json() for e in entries])
        return
    render_access_log(entries)


COMMANDS = (serve, user, access_log)
