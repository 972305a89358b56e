"""The DfE returns: SSDA903 (children looked after) and the CIN census."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import click

from compliance.cli.common import DATE, MOMENT, App, access, now, pass_app
from compliance.views.imports import census_import_lines
from compliance.views.text import console, echo_json, file_progress
from events.timeline import LONDON


@click.group()
def ssda903() -> None:
    """The DfE SSDA903 return (children looked after): import a council's returns, export a year."""


@ssda903.command("import")
@click.argument("directories", nargs=-1, required=True, type=click.Path(file_okay=False))
@click.option("--year", help="The collection year, e.g. 2017-18 (or 2018); default: taken from the data.")
@click.option("--recorded-at", type=DATE, help="The date the return was submitted (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def ssda903_import(
    app: App, directories: tuple[str, ...], year: str | None, recorded_at: date | None, as_json: bool
) -> None:
    """Import one collection year's 903 tables (CSV) from each of DIRECTORIES, oldest first.

    Each year is stored whole or not at all; importing a year again adds only what is new.
    """
    from compliance.sources.ssda903.importer import import_returns

    err = console(err=True)
    progress = file_progress(err, enabled=not as_json and err.is_terminal)

    moment = datetime.combine(recorded_at, time.min, tzinfo=LONDON) if recorded_at is not None else None
    result = import_returns(
        app.store, list(directories), year=year, recorded_at=moment, now=now(), progress=progress
    )
    if as_json:
        echo_json(result.to_json())
        return
    for line in result.summary():
        click.echo(line)


@ssda903.command("export")
@click.option("--year", required=True, help="The collection year, e.g. 2024-25 (or 2025).")
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Directory to write the tables to."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def ssda903_export(app: App, year: str, out: str, as_json: bool) -> None:
    """Write a collection year's 903 tables from the events, for every child looked after in it."""
    from compliance.sources.ssda903.exporter import export_store

    result = export_store(app.store, year, Path(out))
    access(app).exported(f"ssda903 return, {result.to_json()['year']}", "csv")
    if as_json:
        echo_json(result.to_json())
        return
    for line in result.summary():
        click.echo(line)


@click.group("cin-census")
def cin_census() -> None:
    """The DfE children in need census: import a year's return."""


@cin_census.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--year", help="The census year the return must be, e.g. 2021-22 (default: as its header says)."
)
@click.option(
    "--recorded-at",
    type=MOMENT,
    help="When its facts were recorded (default: when the return was produced, its header's DateTime).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_app
def cin_census_import(
    app: App, file: str, year: str | None, recorded_at: datetime | None, as_json: bool
) -> None:
    """Import a CIN census XML return: one transaction, append-only, year by year.

    Importing the same census again adds nothing; next year's adds only what is new; a
    changed fact is retracted and its new version recorded. Contradictions are reported
    as findings (DfE CIN validator rule codes where one matches) and stored as recorded.
    """
    from compliance.sources.cin_census.importer import import_census

    result = import_census(app.store, file, year=year, recorded_at=recorded_at, now=now())
    if as_json:
        echo_json(result.to_json())
        return
    for line in census_import_lines(result):
        click.echo(line)


COMMANDS = (ssda903, cin_census)
