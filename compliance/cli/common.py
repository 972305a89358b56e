"""What every command shares: the error handling, the option types, the store and
settings opened on first use, and the access log under the operating-system account."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

import click

from compliance.errors import CasecheckError
from compliance.output import csv_text, one_line
from events.contract import LAST_YEAR, BadInput
from events.timeline import LONDON

if TYPE_CHECKING:
    from types import FrameType

    from compliance.settings import Settings


_SIGINT_SEEN = [False]


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    _SIGINT_SEEN[0] = True
    raise KeyboardInterrupt


#: Set by `catch_interrupts`, which only the installed command calls: after a Ctrl-C the
#: process exits at once (`leave_interrupted`); a caller in the same process (a test's
#: CliRunner) gets click's exit instead.
_EXIT_AT_ONCE = [False]


def catch_interrupts() -> None:
    """Ctrl-C raises KeyboardInterrupt as usual, and is remembered (`interrupted`), unless
    the process was started with it ignored (a job in the background); the command then
    exits at once with its line (`leave_interrupted`)."""
    _EXIT_AT_ONCE[0] = True
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_sigint)


def leave_interrupted(ctx: click.Context, line: str) -> NoReturn:
    """After a Ctrl-C: the line on stderr, and exit 130. The installed command exits at
    once: what the interruption stopped half-built (a connection pool interrupted in its
    constructor, say) would otherwise print tracebacks from its finalisers on the way out.
    Nothing is lost by not running them: what was being written is one transaction, which
    the store rolls back (SQLite when it is next opened, PostgreSQL as the connection drops)."""
    click.echo(line, err=True)
    if _EXIT_AT_ONCE[0]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    ctx.exit(130)


def interrupted() -> bool:
    """Whether a Ctrl-C has reached this process (see `catch_interrupts`)."""
    return _SIGINT_SEEN[0]


class Casecheck(click.Group):
    """Turns the project's errors into one line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (CasecheckError, BadInput) as exc:
            click.echo(f"casecheck: {one_line(exc)}", err=True)
            ctx.exit(2)
        except OverflowError:  # a date near year 9999 plus a timescale leaves the calendar
            click.echo(
                "casecheck: a date is too close to the year 9999 to compute deadlines from: "
                "check --as-of and the events' dates (`casecheck check --rule DQ`)",
                err=True,
            )
            ctx.exit(2)
        except KeyboardInterrupt:
            # Every write is one transaction: what was under way is not stored at all.
            leave_interrupted(ctx, "casecheck: interrupted; nothing was stored")
        except Exception:
            # A Ctrl-C that lands inside a library's callback can come out as that
            # library's error (pydantic's serializer wraps it): still an interruption.
            if not interrupted():
                raise
            leave_interrupted(ctx, "casecheck: interrupted; nothing was stored")


class DateType(click.ParamType):
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"expected a date YYYY-MM-DD, got {one_line(value, 40)!r}", param, ctx)
        if day.year >= LAST_YEAR:  # timescales from it would leave the calendar
            self.fail(f"expected a date before the year {LAST_YEAR}", param, ctx)
        return day


class MomentType(click.ParamType):
    name = "DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        text = str(value)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"expected YYYY-MM-DD[THH:MM[:SS]] (Europe/London) or with an offset, got {text!r}",
                param,
                ctx,
            )
        if len(text) == 10:  # a bare date means the end of that day
            moment = moment.replace(hour=23, minute=59, second=59)
        return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


class ChoiceList(click.Choice):  # type: ignore[type-arg]
    """Comma-separated values, each one of a fixed set (a typo is refused, never ignored)."""

    name = "LIST"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        parts = [part.strip() for part in str(value).split(",") if part.strip()]
        if not parts:
            self.fail("expected one or more of: " + ", ".join(map(str, self.choices)), param, ctx)
        return tuple(super(ChoiceList, self).convert(part, param, ctx) for part in parts)

    def get_metavar(self, param: click.Parameter, *args: Any, **kwargs: Any) -> str:
        return "[" + ",".join(map(str, self.choices)) + "]"


DATE = DateType()
MOMENT = MomentType()


#: Commands that may create the store; every other command refuses a store that does not exist.
CREATES_STORE = {"import", "ssda903 import", "cin-census import", "demo", "user add"}


class App:
    """What the commands share: the store and settings, opened on first use."""

    def __init__(self, db: str | None, config: str | None) -> None:
        self.db = db
        self.config = config
        self._store: Any = None
        self._settings: Settings | None = None
        self._engine: Any = None

    @property
    def store(self) -> Any:
        if self._store is None:
            from compliance.store import open_store, require_store

            ctx = click.get_current_context(silent=True)
            command = ctx.command_path.split(" ", 1)[-1] if ctx is not None else None
            if command not in CREATES_STORE:
                require_store(self.db)
            self._store = open_store(self.db)
        return self._store

    def close(self) -> None:
        """Give the store's connections back when the command ends."""
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from compliance.settings import find_config, load_settings

            self._settings = load_settings(find_config(self.config))
        return self._settings

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from compliance.engine import Engine

            self._engine = Engine(self.store, self.settings)
        return self._engine


def today() -> date:
    return datetime.now(LONDON).date()


def now() -> datetime:
    return datetime.now(UTC)


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    click.echo(csv_text(rows, columns), nl=False)


def split_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


pass_app = click.make_pass_decorator(App)


def access(app: App) -> Any:
    """The access log, as the workspace keeps it, under the operating-system account that
    ran the command: every child's record read, export written and alert action goes to it."""
    from compliance.access_log import AccessLog, command_line_user

    return AccessLog(app.store, command_line_user(), now())


jobs_option = click.option(
    "--jobs",
    type=click.IntRange(1),
    help="Evaluate children in this many worker processes (default: the number of cores).",
)
