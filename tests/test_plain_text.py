"""Lines printed directly are exactly what the Rich console would have printed."""

from __future__ import annotations

import io
import sys

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.store import open_store
from compliance.views import plain
from compliance.views.plain import PLAIN_WIDTH, print_lines


def printed(lines, monkeypatch, *, rich: bool) -> str:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    if rich:
        monkeypatch.setattr(plain, "_plain_stream", lambda err: None)
    print_lines(lines)
    return out.getvalue()


LINES = {
    "headings": [[("Child C1", "bold")], [("\nNeeds attention", "bold underline")]],
    "spans": [[("  -> ", None), ("CP-VIS Visit: ", "bold"), ("late", "magenta"), (", due Tue 2 Jan", None)]],
    "trailing spaces": [[("  registered   ", None), ("  ", "dim")]],
    "blank lines": [[("", None)], [("\n\n", None)], [("x\n", "dim")]],
    "as wide as the console": [[("w" * PLAIN_WIDTH, None)], [("v " * (PLAIN_WIDTH // 2), "dim")]],
    "wider than the console": [[("word " * 40, None)], [("x" * (PLAIN_WIDTH + 5), "bold")]],
    "not ASCII": [[("Zoë’s placement — 東京 🙂", None)], [("é" * (PLAIN_WIDTH - 1) + "日本", None)]],
    "control characters": [[("team\x1b[31m\tred\x07", None), ("\u202eevil", "dim")]],
    "markup and emoji codes": [[("[bold]team[/bold] :smile: [/]", None)]],
}


@pytest.mark.parametrize("lines", LINES.values(), ids=LINES.keys())
def test_the_text_is_rich_consoles_own(monkeypatch, lines):
    assert printed(lines, monkeypatch, rich=False) == printed(lines, monkeypatch, rich=True)


def test_only_short_printable_ascii_lines_are_written_directly(monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert plain._plain_stream(False) is sys.stdout
    assert plain._fits("x" * PLAIN_WIDTH) and not plain._fits("x" * (PLAIN_WIDTH + 1))
    assert not plain._fits("Zoë") and not plain._fits("a\tb")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("variable", "value"), [("FORCE_COLOR", "1"), ("FORCE_COLOR", ""), ("TTY_COMPATIBLE", "1")]
)
def test_a_stream_rich_would_style_is_left_to_rich(monkeypatch, variable, value):
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setenv(variable, value)
    assert plain._plain_stream(False) is None


def test_a_terminal_is_left_to_rich(monkeypatch):
    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert plain._plain_stream(False) is None
    print_lines([[("Child C1", "bold")]])
    assert "\x1b[1m" in sys.stdout.getvalue()


def test_a_timeline_reads_the_same_printed_either_way(tmp_path, monkeypatch):
    db = str(tmp_path / "casecheck.db")
    events = [
        {"child": "C1", "type": "child_registered", "at": "2022-09-12", "dob": "2012-05-01"},
        {"child": "C1", "type": "referral_received", "at": "2022-09-12"},
        {"child": "C1", "type": "entered_care", "at": "2022-09-14", "legal_status": "C2"},
        {"child": "C1", "type": "placement_started", "at": "2022-09-14", "placement_type": "U1"},
        {"child": "C1", "type": "social_worker_visit", "at": "2022-10-30"},
    ]
    open_store(db).record({"C1": events})
    args = ["--db", db, "timeline", "C1", "--as-of", "2023-06-01", "--explain"]

    direct = CliRunner().invoke(cli, args)
    monkeypatch.setattr(plain, "_plain_stream", lambda err: None)
    through_rich = CliRunner().invoke(cli, args)

    assert direct.exit_code == through_rich.exit_code == 0
    assert "Needs attention" in direct.output or "Other obligations" in direct.output
    assert direct.output == through_rich.output
