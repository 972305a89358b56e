"""Importing case events from files or stdin into the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from compliance.cli.common import App, now, pass_app
from compliance.errors import CasecheckError
from compliance.views.text import console, echo_json, file_progress
from events.contract import BadInput


@click.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def import_cmd(app: App, files: tuple[str, ...], as_json: bool) -> None:
    """Import case events from JSON Lines or CSV FILES (`-` reads JSON Lines from stdin).

    Each file is validated completely first: one bad line rejects the whole file and
    nothing from it is stored.
    """
    from compliance.sources.event_files import import_files
    from compliance.views.imports import import_lines, partial_import_line

    err = console(err=True)
    progress = file_progress(
        err, enabled=not as_json and err.is_terminal, label=lambda name: f"importing {Path(name).name}"
    )

    try:
        result = import_files(app.store, files, now=now(), stdin=sys.stdin.buffer, progress=progress)
    except (BadInput, CasecheckError) as exc:
        partial = partial_import_line(getattr(exc, "partial", None))
        if partial is not None:
            click.echo(partial, err=True)
        raise
    if as_json:
        echo_json(result.to_json())
        return
    for line in import_lines(result):
        click.echo(line)


COMMANDS = (import_cmd,)
