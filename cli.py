"""The `casecheck` command line: parse options, call one use case, print what it returns.

Exit status: 0 success; 1 findings when asked (`--fail-on`) or a failed nightly run;
2 bad input (one clear line on stderr, never a traceback).

The commands are in `compliance.cli`, one module for each area; the rendering is in
`compliance.views`. The root group imports a command's module only when that command
runs, so that a one-child command does not pay for importing every other.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

import click
from click.formatting import HelpFormatter

from compliance.cli.common import App, Casecheck, catch_interrupts

#: Each command: the module that defines it (in its COMMANDS) and the line `casecheck --help`
#: shows for it, the first sentence of its docstring (a test holds the two together).
COMMANDS: dict[str, tuple[str, str]] = {
    "access-log": (
        "compliance.cli.workspace",
        "Who viewed which child's record, exported what, acted on which alert, and when.",
    ),
    "alert": (
        "compliance.cli.alerts",
        "Work one alert: raise, show, assign, acknowledge, respond, escalate, resolve, reopen, praise.",
    ),
    "alerts": (
        "compliance.cli.alerts",
        "The alert queue, most urgent first (unanswered DRP stages, then days overdue).",
    ),
    "audit": (
        "compliance.cli.child",
        "Replay CHILD as it stood on --as-of, as known at --known-at, and show what was recorded late.",
    ),
    "check": (
        "compliance.cli.check",
        "Obligations for one child or every child, with their status at --as-of.",
    ),
    "cin-census": ("compliance.cli.returns", "The DfE children in need census: import a year's return."),
    "demo": (
        "compliance.cli.synthetic",
        "See it work: generate a made-up council, import it, run the nightly batch, show the summary.",
    ),
    "generate": (
        "compliance.cli.synthetic",
        "Write a made-up council's case events (deterministic for a seed).",
    ),
    "import": (
        "compliance.cli.imports",
        "Import case events from JSON Lines or CSV FILES (`-` reads JSON Lines from stdin).",
    ),
    "new-key": (
        "compliance.cli.keys",
        "Print a new key for encrypting the store (set it as CASECHECK_CIPHER_KEY).",
    ),
    "nightly": (
        "compliance.cli.nightly",
        "Find new breaches and obligations coming due; raise and close alerts, exactly once.",
    ),
    "rekey": (
        "compliance.cli.keys",
        "Copy the store into the new, empty store NEW_DB under a new key, and verify it.",
    ),
    "report": (
        "compliance.cli.reports",
        "Published figures reproduced from events: scorecard, IHA table, IRO annual report.",
    ),
    "rules": (
        "compliance.cli.check",
        "The rule catalogue with parameters as configured; RULE_ID shows one rule in full.",
    ),
    "runs": ("compliance.cli.nightly", "The nightly runs recorded in the store."),
    "serve": (
        "compliance.cli.workspace",
        "Serve the web workspace on the same store and settings (waitress).",
    ),
    "ssda903": (
        "compliance.cli.returns",
        "The DfE SSDA903 return (children looked after): import a council's returns, export a year.",
    ),
    "themes": (
        "compliance.cli.alerts",
        "The practice-alert and good-practice themes alerts are raised and counted under.",
    ),
    "timeline": (
        "compliance.cli.child",
        "One child's facts in order, grouped by period of care, with their obligations.",
    ),
    "user": ("compliance.cli.workspace", "Accounts for the web workspace: add, list, disable, set-password."),
    "verify": ("compliance.cli.keys", "Prove the stored history is whole and untampered."),
}


def load_command(name: str) -> click.Command:
    """Import the module that defines command `name` and take the command from it."""
    module = importlib.import_module(COMMANDS[name][0])
    command = next(c for c in module.COMMANDS if c.name == name)
    accept_store_options(command)
    return command


class LazyCommands(MutableMapping[str, click.Command]):
    """The root group's commands by name, each loaded the first time it is asked for.

    Every name is known from the start, so listing the commands imports nothing.
    """

    def __init__(self) -> None:
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            if name not in COMMANDS:
                raise KeyError(name)
            self._loaded[name] = load_command(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(COMMANDS.keys() | self._loaded.keys()))

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self._loaded.keys())


class Root(Casecheck):
    """The `casecheck` group: its commands are loaded on use, and its help lists them all
    from the table above without loading any."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands()

    def format_commands(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        listed = [click.Command(name, help=COMMANDS[name][1]) for name in sorted(COMMANDS)]
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        with formatter.section("Commands"):
            formatter.write_dl([(str(c.name), c.get_short_help_str(limit)) for c in listed])


@click.group(cls=Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="CASECHECK_DB",
    help="Store: a file path or sqlite:///path (default ./casecheck.db), postgresql://user@host:port/db, or memory:.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    help="Council settings (default: $CASECHECK_CONFIG or ./casecheck.toml).",
)
@click.version_option(package_name="casecheck")
@click.pass_context
def cli(ctx: click.Context, db: str | None, config: str | None) -> None:
    """casecheck: statutory timescales for children's social care, checked from case events."""
    ctx.obj = App(db, config)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    os.umask(0o077)  # every file the product creates is the owner's only
    catch_interrupts()
    try:
        cli(prog_name="casecheck")
    except KeyboardInterrupt:
        # Every write is one transaction, so nothing is half-stored; a nightly run that
        # was interrupted is finished by the next one.
        click.echo("casecheck: interrupted; nothing was half-stored", err=True)
        sys.exit(130)


def accept_store_options(command: click.Command) -> None:
    """`--db` and `--config` work after the subcommand as well as before it."""

    def keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        app = ctx.find_object(App)
        if value is not None and app is not None and param.name is not None:
            setattr(app, param.name, value)
        return value

    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_store_options(sub)
        return
    taken = {opt for p in command.params for opt in getattr(p, "opts", ())}
    for name, text in (
        ("--db", "Store (as before the command)."),
        ("--config", "Council settings file."),
    ):
        if name not in taken:
            command.params.append(
                click.Option([name], expose_value=False, is_eager=True, callback=keep, help=text)
            )


if __name__ == "__main__":
    main()
