"""The bad-input corpus: each file under tests/bad_input/ is one way a council's export
can be wrong, with the one line the user must see beside it (NAME.expected, the part
after "casecheck: NAME:"). Every case: exit status 2, that one line and nothing else on
stderr, nothing stored, and no value of the file's fields echoed back."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from events.models import EVENT_TYPES

CORPUS = Path(__file__).resolve().parent / "bad_input"
CASES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".jsonl", ".csv"))
#: Stored before each case. Its id is long enough to be checked for as an echo: a council's
#: ids can be anything its system makes, so a message must not repeat them either.
GOOD = (
    '{"child": "C9", "type": "entered_care", "at": "2024-01-08", "id": "Jane Smith 2011-04-02", '
    '"legal_status": "C2"}\n'
)


def _stored(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT * FROM stored_events ORDER BY rowid").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _field_values(raw: str, csv_file: bool = False) -> set[str]:
    """Every quoted text in the file (every cell of a CSV file) that could be personal:
    not keys, not child ids or event ids (identifiers may be named), not event types of
    the vocabulary."""
    if csv_file:
        cells = {cell.strip() for line in raw.splitlines() for cell in line.split(",")}
        harmless = {"C1", "C2", "C9", "child", "type", "at"} | set(EVENT_TYPES)
        return {c for c in cells - harmless if len(c) >= 4}
    quoted = set(re.findall(r'"((?:[^"\\]|\\.)*)"', raw))
    keys = set(re.findall(r'"((?:[^"\\]|\\.)*)"\s*:', raw))
    harmless = {"C1", "C2", "C9", "e1", "e2", "g1"} | set(EVENT_TYPES)
    return {q for q in quoted - keys - harmless if len(q) >= 4}


def test_the_corpus_has_a_message_beside_every_case():
    assert len(CASES) >= 15
    assert all(case.with_suffix(".expected").is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_a_bad_file_is_refused_in_one_line_with_nothing_stored_and_nothing_echoed(case, tmp_path):
    db = tmp_path / "store.db"
    good = tmp_path / "good.jsonl"
    good.write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "import", str(good)]).exit_code == 0
    before = _stored(db)
    target = tmp_path / case.name
    target.write_bytes(case.read_bytes())
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").strip()

    result = runner.invoke(cli, ["--db", str(db), "import", str(target)])

    assert result.exit_code == 2
    assert result.stderr.strip() == f"casecheck: {target}:{expected}"
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(result.stderr) < 400
    assert _stored(db) == before
    raw = case.read_bytes().decode("utf-8", errors="replace")
    for value in _field_values(raw, csv_file=case.suffix == ".csv"):
        assert value not in result.stderr, f"echoed {value!r}"
