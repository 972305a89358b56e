"""Tamper evidence, as a reviewer with access to the database file would try it.

Each case builds a small store through the command line (import, a nightly run that
records a checkpoint, an alert resolved and a second nightly run), alters the database
behind the product's back with plain SQL, then expects `casecheck verify` to exit 1
naming what is wrong and `casecheck nightly` to refuse in one line when it verifies the
whole store (`--full`, or when `[integrity] full_verify_every_days` has passed), on
SQLite and PostgreSQL, plain and encrypted. An incremental nightly verifies only what was
recorded after the last run's closing checkpoint (docs/security.md).
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.integrity import PLAIN_SEAL_KEY, is_sealed, seal_of
from compliance.store import FACTS_TOPIC, new_cipher_key

EVENTS = [
    {"child": "C1", "type": "entered_care", "at": "2024-01-08", "id": "a1", "legal_status": "C2"},
    {"child": "C1", "type": "review_held", "at": "2024-02-01", "id": "a2"},
    {"child": "C2", "type": "entered_care", "at": "2024-03-04", "id": "b1", "legal_status": "C2"},
    {"child": "C2", "type": "review_held", "at": "2024-04-01", "id": "b2"},
]
MORE = [{"child": "C1", "type": "statutory_visit", "at": "2024-02-10", "id": "a3"}]


class Database:
    """Raw access to the events table, as someone holding the database would have."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith("postgresql")

    def _run(self, sql_sqlite: str, sql_pg: str, params: tuple = ()) -> list[tuple]:
        if self.postgres:
            import psycopg

            parsed = urlparse(self.url)
            schema = parse_qs(parsed.query)["schema"][0]
            with psycopg.connect(self.url.split("?")[0], autocommit=True) as conn:
                conn.execute(f'SET search_path TO "{schema}"')
                cur = conn.execute(sql_pg, params)
                return [tuple(r) for r in cur.fetchall()] if cur.description else []
        with sqlite3.connect(self.url) as conn:
            return conn.execute(sql_sqlite, params).fetchall()

    def rows(self) -> list[tuple]:
        """(position, aggregate id, version, topic, state) in log order."""
        found = self._run(
            "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid",
            "SELECT notification_id, originator_id::text, originator_version, topic, state FROM casecheck_events ORDER BY notification_id",
        )
        return [(p, str(a).replace("-", ""), v, t, bytes(s)) for p, a, v, t, s in found]

    def set_state(self, position: int, state: bytes) -> None:
        self._run(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            "UPDATE casecheck_events SET state = %s WHERE notification_id = %s",
            (state, position),
        )

    def delete(self, position: int) -> None:
        self._run(
            "DELETE FROM stored_events WHERE rowid = ?",
            "DELETE FROM casecheck_events WHERE notification_id = %s",
            (position,),
        )

    def swap(self, first: int, second: int) -> None:
        for a, b in ((first, -1), (second, first), (-1, second)):
            self._run(
                "UPDATE stored_events SET rowid = ? WHERE rowid = ?",
                "UPDATE casecheck_events SET notification_id = %s WHERE notification_id = %s",
                (b, a),
            )


@pytest.fixture(
    params=[
        "sqlite-plain",
        "sqlite-encrypted",
        pytest.param("postgres-plain", marks=pytest.mark.postgres),
        pytest.param("postgres-encrypted", marks=pytest.mark.postgres),
    ]
)
def shop(request, tmp_path):
    """A small store made through the command line, and a runner with its key."""
    kind, mode = request.param.split("-")
    url = request.getfixturevalue("postgres_url") if kind == "postgres" else str(tmp_path / "casecheck.db")
    env = {"CASECHECK_CIPHER_KEY": new_cipher_key() if mode == "encrypted" else ""}
    runner = CliRunner(env=env)

    def run(*args: str):
        return runner.invoke(cli, ["--db", url, *args])

    first = tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps(e) + "\n" for e in EVENTS), encoding="utf-8")
    assert run("import", str(first)).exit_code == 0
    raised = run("alert", "raise", "C2", "--theme", "Deficiencies in care planning", "--by", "iro")
    ref = raised.output.split()[-1]
    night = run("nightly", "--as-of", "2024-06-03")
    assert night.exit_code == 0, night.stderr
    resolved = run("alert", "resolve", ref, "--outcome", "resolved", "--by", "manager")
    assert resolved.exit_code == 0, resolved.stderr
    more = tmp_path / "more.jsonl"
    more.write_text("".join(json.dumps(e) + "\n" for e in MORE), encoding="utf-8")
    assert run("import", str(more)).exit_code == 0
    night = run("nightly", "--as-of", "2024-06-04")
    assert night.exit_code == 0, night.stderr
    every_run = tmp_path / "every-run.toml"
    every_run.write_text("[integrity]\nfull_verify_every_days = 0\n", encoding="utf-8")
    run.every_run_config = str(every_run)  # type: ignore[attr-defined]
    return run, Database(url), mode == "encrypted"


def _refused(run) -> None:
    """verify exits 1 naming a record; a nightly run that verifies the whole store refuses
    in one line, whether asked (`--full`) or because the whole-store cadence is due."""
    verified = run("verify")
    assert verified.exit_code == 1, verified.output
    assert verified.output.startswith("NOT INTACT")
    for nightly in (
        run("nightly", "--full", "--as-of", "2024-06-05"),
        run("--config", run.every_run_config, "nightly", "--as-of", "2024-06-05"),
    ):
        assert nightly.exit_code == 2, nightly.output
        assert nightly.stderr.startswith("casecheck: nightly run refused")
        assert nightly.stderr.count("\n") == 1


def _import_one(run, tmp_path, event: dict) -> None:
    """Import one more event, as a later file."""
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps(event) + "\n", encoding="utf-8")
    assert run("import", str(later)).exit_code == 0


def _flip_last_byte(db: Database, row: tuple) -> None:
    state = row[4]
    db.set_state(row[0], state[:-1] + bytes([state[-1] ^ 1]))


def test_an_intact_store_verifies(shop):
    run, _db, _encrypted = shop

    result = run("verify", "--json")

    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["ok"] is True
    assert report["checkpoints_checked"] == 4  # each run's opening and closing checkpoints


def test_a_date_edited_inside_a_stored_record_is_detected(shop):
    run, db, encrypted = shop
    position, aggregate, version, topic, state = next(r for r in db.rows() if r[3] == FACTS_TOPIC)
    header, payload = state[:69], state[69:]
    if encrypted:  # without the key: change a byte of the ciphertext
        edited = header + payload[:-1] + bytes([payload[-1] ^ 1])
    else:  # a plain store: rewrite the date and even recompute the record's own seal
        text = (
            zlib.decompress(payload)
            .replace(b"2024-01-08", b"2023-01-08")
            .replace(b"2024-03-04", b"2023-03-04")
        )
        new_payload = zlib.compress(text)
        from uuid import UUID

        seal = seal_of(PLAIN_SEAL_KEY, UUID(aggregate), version, topic, state[4], state[5:37], new_payload)
        edited = state[:37] + seal + new_payload
    db.set_state(position, edited)

    _refused(run)


def test_a_deleted_row_is_detected(shop):
    run, db, _encrypted = shop
    position = next(r[0] for r in db.rows() if r[3] == FACTS_TOPIC)

    db.delete(position)

    _refused(run)


def test_two_rows_swapped_in_the_log_are_detected(shop):
    run, db, _encrypted = shop
    rows = db.rows()
    first, second = rows[0][0], rows[2][0]

    db.swap(first, second)

    _refused(run)


def test_another_childs_ciphertext_copied_over_a_row_is_detected_and_never_shown_as_this_child(shop):
    run, db, _encrypted = shop
    facts = [r for r in db.rows() if r[3] == FACTS_TOPIC and r[2] == 2]
    target, source = facts[0], facts[1]

    db.set_state(target[0], source[4])

    _refused(run)
    shown = {child: run("timeline", child, "--as-of", "2024-06-04", "--json") for child in ("C1", "C2")}
    refused = [child for child, result in shown.items() if result.exit_code == 2]
    assert len(refused) == 1
    assert "not what was stored" in shown[refused[0]].stderr
    assert shown[refused[0]].stderr.count("\n") == 1


def test_a_deleted_alert_resolution_is_detected(shop):
    run, db, _encrypted = shop
    position = next(r[0] for r in db.rows() if r[3] == "casecheck:Alert.Resolved")

    db.delete(position)

    _refused(run)


def test_verify_since_a_run_checks_only_what_came_after_its_checkpoint(shop):
    run, _db, _encrypted = shop
    runs = json.loads(run("runs", "--json").output)
    first = sorted(runs, key=lambda r: r["as_of"])[0]["run"]

    result = run("verify", "--since", first, "--json")

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["since"]["position"] > 0
    assert report["records"] < json.loads(run("verify", "--json").output)["records"]


def test_every_stored_record_is_sealed(shop):
    _run, db, _encrypted = shop

    assert all(is_sealed(r[4]) for r in db.rows())


def test_records_deleted_after_the_last_checkpoint_are_shown_only_by_a_head_written_down(shop, tmp_path):
    """What docs/security.md says verify cannot prove, and how the printed head covers it:
    the newest records, written after the last checkpoint, leave no trace when deleted;
    the head that `verify` prints on its last line (written down after the import) does."""
    run, db, _encrypted = shop
    _import_one(run, tmp_path, {"child": "C2", "type": "statutory_visit", "at": "2024-06-10", "id": "b3"})
    printed = run("verify")
    assert printed.exit_code == 0
    written_down = printed.output.strip().splitlines()[-1]
    assert written_down.startswith("head at log position ")
    newest = max(r[0] for r in db.rows() if r[3] == FACTS_TOPIC)

    db.delete(newest)  # C2's latest import, after the last nightly's checkpoint

    after = run("verify")
    assert after.exit_code == 0  # no later record, no checkpoint: nothing in the store shows it
    assert after.output.strip().splitlines()[-1] != written_down


def test_an_incremental_nightly_verifies_only_what_was_recorded_after_the_last_run(shop):
    run, db, _encrypted = shop
    before = len(db.rows())

    night = run("nightly", "--as-of", "2024-06-05", "--json")

    assert night.exit_code == 0, night.stderr
    summary = json.loads(night.output)
    assert summary["verification"] == "since"
    assert 0 < summary["verified_records"] < before
    latest = max(json.loads(run("runs", "--json").output), key=lambda r: r["started"])
    assert (latest["verification"], latest["verified_records"]) == ("since", summary["verified_records"])


def test_a_record_tampered_after_the_last_checkpoint_refuses_an_incremental_run(shop):
    run, db, _encrypted = shop
    raised = run("alert", "raise", "C1", "--theme", "Deficiencies in care planning", "--by", "iro")
    assert raised.exit_code == 0, raised.stderr
    newest = max((r for r in db.rows() if r[3] == "casecheck:Alert.Raised"), key=lambda r: r[0])

    _flip_last_byte(db, newest)

    nightly = run("nightly", "--as-of", "2024-06-05")
    assert nightly.exit_code == 2, nightly.output
    assert nightly.stderr.startswith("casecheck: nightly run refused: the store fails verification at")
    assert nightly.stderr.count("\n") == 1


def test_a_record_tampered_before_the_last_checkpoint_is_found_by_the_next_whole_store_verification(shop):
    """The price of verifying only what is new: an old record edited in place (here the
    first run's own record, which no run reads again) passes an incremental run, and is
    found by `verify`, by `nightly --full` and by the whole-store verification the
    cadence brings."""
    run, db, _encrypted = shop
    first_run = min((r for r in db.rows() if r[3] == "casecheck:NightlyRun.Started"), key=lambda r: r[0])

    _flip_last_byte(db, first_run)

    incremental = run("nightly", "--as-of", "2024-06-05", "--json")
    assert incremental.exit_code == 0, incremental.stderr
    assert json.loads(incremental.output)["verification"] == "since"
    _refused(run)


def test_a_record_tampered_before_the_last_checkpoint_is_found_when_a_newer_one_links_to_it(shop, tmp_path):
    """A record recorded since the checkpoint brings the one before it into the check: an
    incremental run refuses an edit to that older record (docs/security.md)."""
    run, db, _encrypted = shop
    _import_one(run, tmp_path, {"child": "C1", "type": "statutory_visit", "at": "2024-03-10", "id": "a4"})
    newest = max((r for r in db.rows() if r[3] == FACTS_TOPIC), key=lambda r: r[0])
    before = next(r for r in db.rows() if r[1] == newest[1] and r[2] == newest[2] - 1)

    _flip_last_byte(db, before)

    nightly = run("nightly", "--as-of", "2024-06-05")
    assert nightly.exit_code == 2, nightly.output
    assert "found as the record before a newer one" in nightly.stderr
    assert nightly.stderr.count("\n") == 1


def test_records_removed_before_the_last_checkpoint_refuse_an_incremental_run(shop):
    """The count of records up to the checkpoint is checked on every run, without reading them."""
    run, db, _encrypted = shop
    first_run = min((r for r in db.rows() if r[3] == "casecheck:NightlyRun.Started"), key=lambda r: r[0])

    db.delete(first_run[0])

    nightly = run("nightly", "--as-of", "2024-06-05")
    assert nightly.exit_code == 2, nightly.output
    assert "a record was removed or added" in nightly.stderr


def test_records_are_ordinary_zlib_data_with_a_window_fitted_to_their_size():
    import os
    import zlib

    from compliance.integrity import FittedZlib

    fitted = FittedZlib()
    for size in (0, 1, 300, 511, 512, 513, 5000, 40_000, 200_000):
        data = (os.urandom(max(size // 4, 1)) * 4)[:size]
        packed = fitted.compress(data)
        assert zlib.decompress(packed) == data
        assert zlib.decompressobj().decompress(packed) == data
        if 0 < size <= 512:
            assert packed[0] >> 4 == 1  # a 512-byte window (zlib's CINFO), not 32 KiB
    text = b'{"kind":"breach","title":"Review within 20 working days"}' * 8
    assert len(fitted.compress(text)) <= len(zlib.compress(text)) + 2
