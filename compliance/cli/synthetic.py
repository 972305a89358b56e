"""Made-up councils: writing one (`generate`) and seeing the product work on one (`demo`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from compliance.cli.common import DATE, now, today
from compliance.views.text import console, render_demo


@click.command()
@click.option("--children", type=click.IntRange(1, 1_000_000), required=True, help="How many children.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--until", type=DATE, help="Last day of the histories (default today).")
@click.option("--years", type=click.IntRange(1, 30), default=5, show_default=True)
@click.option(
    "--out",
    type=click.Path(writable=True),
    required=True,
    help="File to write (JSON Lines, or the census's XML); a directory with --format ssda903.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "cin-census", "ssda903"]),
    default="jsonl",
    show_default=True,
    help="Case events, the council's CIN census return for --year, or its SSDA903 return for --year.",
)
@click.option("--year", help="With --format cin-census or ssda903: the collection year, e.g. 2024-25.")
def generate(
    children: int, seed: int, until: date | None, years: int, out: str, fmt: str, year: str | None
) -> None:
    """Write a made-up council's case events (deterministic for a seed). No real data."""
    from compliance.synthetic import generate as make
    from compliance.synthetic import write_jsonl

    if fmt == "cin-census":
        from compliance.sources.cin_census.export import generate_census

        written = generate_census(out, children, seed=seed, year=year, until=until, years=years)
        click.echo(
            f"wrote the {year} CIN census of {written.children} children ({written.episodes} episodes) to {out}"
        )
        return
    if fmt == "ssda903":
        from compliance.sources.ssda903.exporter import export_generated

        if year is None:
            raise click.UsageError("--format ssda903 needs --year (e.g. 2024-25)")
        result = export_generated(children, seed=seed, until=until, years=years, year=year, out=Path(out))
        for line in result.summary():
            click.echo(line)
        return
    lines = write_jsonl(out, make(children, seed=seed, until=until or today(), years=years))
    click.echo(f"wrote {lines} events for {children} children to {out}")


@click.command()
@click.option("--children", type=click.IntRange(10, 100_000), default=500, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    default="demo",
    show_default=True,
    help="Where the demo's data and store go.",
)
@click.option(
    "--until", type=DATE, help="Last day of the made-up histories and the nightly run's date (default today)."
)
def demo(children: int, seed: int, directory: str, until: date | None) -> None:
    """See it work: generate a made-up council, import it, run the nightly batch, show the summary."""
    import secrets
    import time

    from compliance.demo import add_demo_accounts, run_demo

    started = time.perf_counter()
    err = console(err=True)
    report = run_demo(
        Path(directory),
        children=children,
        seed=seed,
        until=until or today(),
        step=lambda text: err.print(text, style="dim"),
    )
    password = secrets.token_urlsafe(12)
    accounts = add_demo_accounts(Path(directory), report, password=password, now=now())
    render_demo(
        report, str(Path(directory) / "casecheck.db"), accounts, password, time.perf_counter() - started
    )


COMMANDS = (generate, demo)
