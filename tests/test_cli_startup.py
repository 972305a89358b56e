"""The command line loads a command's module only when that command runs: its help lists
every command without loading one, and a one-child command loads only what it needs."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from cli import COMMANDS, cli
from compliance.store import open_store

ROOT = Path(__file__).resolve().parents[1]

#: What `timeline` has no use for: the other commands, import's validation, alerts,
#: reports, the web workspace, PostgreSQL and workbooks; and Rich, when its lines are
#: written to a file or a pipe (compliance.views.plain).
NOT_FOR_TIMELINE = (
    "rich",
    "compliance.cli.alerts",
    "compliance.cli.reports",
    "compliance.cli.workspace",
    "compliance.alerts",
    "compliance.nightly",
    "compliance.reports",
    "compliance.sources.event_files",
    "compliance.web",
    "events.models",
    "pydantic",
    "psycopg",
    "openpyxl",
    "flask",
)


def modules_after(args, *, cwd=ROOT, env=None):
    """Run `casecheck ARGS` in a fresh interpreter: its output and the modules it loaded."""
    code = (
        "import json, sys, cli\n"
        f"sys.argv = ['casecheck', *{list(args)!r}]\n"
        "try:\n    cli.main()\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    env = {k: v for k, v in (env or os.environ).items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=True, env=env
    )
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


def loaded_from(modules, prefixes):
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_each_help_line_is_the_first_sentence_of_its_commands_docstring():
    for name, (_, line) in COMMANDS.items():
        assert cli.commands[name].get_short_help_str(limit=1000) == line, name


def test_every_command_of_a_command_module_is_listed_under_that_module():
    for module in sorted({module for module, _ in COMMANDS.values()}):
        for command in importlib.import_module(module).COMMANDS:
            assert COMMANDS.get(command.name, ("unlisted",))[0] == module, command.name


def test_help_lists_every_command_without_loading_any():
    out, modules = modules_after(["--help"])

    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)
    assert "Import case events from JSON Lines" in out
    assert loaded_from(modules, ["compliance.cli"]) == ["compliance.cli", "compliance.cli.common"]


def test_the_command_line_itself_loads_neither_rich_nor_the_holidays():
    code = "import json, sys, cli\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)

    assert loaded_from(set(json.loads(done.stdout)), ["rich", "holidays", "dateutil", "csv"]) == []


def test_timeline_loads_only_what_one_childs_record_needs(tmp_path):
    db = str(tmp_path / "casecheck.db")
    open_store(db).record(
        {
            "C1": [
                {"child": "C1", "type": "child_registered", "at": "2022-09-12", "dob": "2012-05-01"},
                {"child": "C1", "type": "entered_care", "at": "2022-09-12", "legal_status": "C2"},
            ]
        }
    )

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["--db", db, "timeline", "C1", "--as-of", "2022-12-01"]

    out, modules = modules_after(args, env=env)
    again, modules_again = modules_after(args, env=env)

    assert "Child C1" in out and "entered_care" in out and again == out
    assert loaded_from(modules, NOT_FOR_TIMELINE) == []
    assert loaded_from(modules_again, NOT_FOR_TIMELINE) == []
    # England's holidays, without the package that imports every other country's; and
    # once they are in the cache, without the package at all
    assert "holidays.countries.united_kingdom" in modules and "holidays.countries" not in modules
    assert loaded_from(modules_again, ["holidays", "dateutil"]) == []
