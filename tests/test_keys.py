"""Keys: a wrong, missing or unneeded key is one line and exit 2 for every command;
children's ids in an encrypted store are keyed; rekey copies into a new store."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.integrity import NAMESPACE, keyed_id
from compliance.store import child_aggregate_id, new_cipher_key, open_store

EVENTS = [
    {"child": "C1", "type": "entered_care", "at": "2024-01-08", "id": "a1", "legal_status": "C2"},
    {"child": "C2", "type": "entered_care", "at": "2024-03-04", "id": "b1", "legal_status": "C2"},
]
COMMANDS = [
    ["timeline", "C1"],
    ["check"],
    ["audit", "C1", "--as-of", "2024-06-01", "--known-at", "2024-06-01"],
    ["nightly", "--as-of", "2024-06-01"],
    ["alerts"],
    ["runs"],
    ["verify"],
    ["report", "scorecard"],
]


def _store(tmp_path, key: str) -> str:
    db = str(tmp_path / "casecheck.db")
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in EVENTS), encoding="utf-8")
    result = CliRunner(env={"CASECHECK_CIPHER_KEY": key}).invoke(cli, ["--db", db, "import", str(events)])
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize(
    ("stored_with", "given", "message"),
    [
        ("key", "", "casecheck: the store is encrypted: set CASECHECK_CIPHER_KEY to its key"),
        ("key", "other", "casecheck: CASECHECK_CIPHER_KEY is not this store's key"),
        (
            "",
            "key",
            "casecheck: CASECHECK_CIPHER_KEY is set but this store is not encrypted: unset it for this store",
        ),
        (
            "key",
            "not-a-key",
            "casecheck: CASECHECK_CIPHER_KEY is not a key: expected 16, 24 or 32 bytes as base64 (make one with `casecheck new-key`)",
        ),
    ],
    ids=["missing-key", "wrong-key", "key-for-a-plain-store", "malformed-key"],
)
@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] if c[0] != "report" else "report" for c in COMMANDS])
def test_a_key_problem_is_one_line_and_exit_2_for_every_command(
    tmp_path, stored_with, given, message, command
):
    key = new_cipher_key()
    db = _store(tmp_path, key if stored_with else "")
    use = {"": "", "key": key, "other": new_cipher_key(), "not-a-key": "not-a-key"}[given]

    result = CliRunner(env={"CASECHECK_CIPHER_KEY": use}).invoke(cli, ["--db", db, *command])

    assert result.exit_code == 2, result.output
    assert result.stderr == message + "\n"


def test_an_encrypted_stores_rows_do_not_reveal_which_child_ids_it_holds(tmp_path):
    key = new_cipher_key()
    db = _store(tmp_path, key)

    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT originator_id FROM stored_events")}

    assert child_aggregate_id("C1").hex not in stored
    assert keyed_id(None, "child", "C1") == child_aggregate_id("C1")
    store = open_store(db, env={"CASECHECK_CIPHER_KEY": key})
    assert store.child_id("C1").hex in stored
    assert store.read_child("C1")[0].fact["id"] == "a1"


def test_a_keyed_id_depends_on_the_key_and_is_not_the_namespace_uuid(tmp_path):
    one, two = b"k" * 32, b"j" * 32

    assert keyed_id(one, "child", "C1") != keyed_id(two, "child", "C1")
    assert keyed_id(one, "child", "C1") == keyed_id(one, "child", "C1")
    assert keyed_id(one, "child", "C1").version == 8
    assert keyed_id(None, "child", "C1").version == 5
    assert NAMESPACE.hex == "6d1f3c2a0b5e4c4e9a552f1c0c0ac5e1"


@pytest.mark.parametrize("new", ["encrypted", "plain"])
def test_rekey_copies_into_a_new_store_that_verifies_and_reads_the_same(tmp_path, new):
    old_key = new_cipher_key()
    new_key = new_cipher_key() if new == "encrypted" else ""
    db = _store(tmp_path, old_key)
    old = CliRunner(env={"CASECHECK_CIPHER_KEY": old_key})
    assert old.invoke(cli, ["--db", db, "nightly", "--as-of", "2024-06-01"]).exit_code == 0

    def obligations(runner, url):
        rows = json.loads(
            runner.invoke(cli, ["--db", url, "check", "--as-of", "2024-06-01", "--json"]).output
        )
        return sorted(rows, key=lambda r: r["key"])

    before = obligations(old, db)
    target = str(tmp_path / "rekeyed.db")

    result = CliRunner(env={"CASECHECK_CIPHER_KEY": old_key, "CASECHECK_NEW_CIPHER_KEY": new_key}).invoke(
        cli, ["--db", db, "rekey", target, "--json"]
    )

    assert result.exit_code == 0, result.output
    copied = json.loads(result.output)
    assert copied["records"] > 4
    fresh = CliRunner(env={"CASECHECK_CIPHER_KEY": new_key})
    assert fresh.invoke(cli, ["--db", target, "verify"]).exit_code == 0
    assert obligations(fresh, target) == before
    assert fresh.invoke(cli, ["--db", target, "nightly", "--as-of", "2024-06-02"]).exit_code == 0
    assert (
        CliRunner(env={"CASECHECK_CIPHER_KEY": old_key}).invoke(cli, ["--db", target, "alerts"]).exit_code
        == 2
    )


def test_rekey_into_a_store_that_holds_records_is_refused_in_one_line(tmp_path):
    key = new_cipher_key()
    db = _store(tmp_path, key)
    (tmp_path / "other").mkdir()
    other = _store(tmp_path / "other", "")

    result = CliRunner(env={"CASECHECK_CIPHER_KEY": key, "CASECHECK_NEW_CIPHER_KEY": ""}).invoke(
        cli, ["--db", db, "rekey", other]
    )

    assert result.exit_code == 2
    assert (
        result.stderr
        == "casecheck: rekey needs a new, empty store to copy into; the one given already holds records\n"
    )


def _alert_refs(store) -> list[str]:
    from compliance.alerts import AlertQueue

    return sorted(a.ref for a in AlertQueue(store).all())


def test_an_encrypted_stores_alert_ids_are_keyed_and_a_plain_stores_are_the_uuid5_of_old(tmp_path):
    from compliance.alerts import AlertQueue, alert_aggregate_id

    key = new_cipher_key()
    db = _store(tmp_path, key)
    runner = CliRunner(env={"CASECHECK_CIPHER_KEY": key})
    assert runner.invoke(cli, ["--db", db, "nightly", "--as-of", "2024-06-01"]).exit_code == 0
    store = open_store(db, env={"CASECHECK_CIPHER_KEY": key})
    refs = _alert_refs(store)
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT originator_id FROM stored_events")}

    assert refs
    assert not {alert_aggregate_id(ref).hex for ref in refs} & stored
    assert {store.alert_id(ref).hex for ref in refs} <= stored
    assert store.alert_id(refs[0]).version == 8
    assert AlertQueue(store).get(refs[0]).ref == refs[0]

    plain = tmp_path / "plain"
    plain.mkdir()
    plain_store = open_store(_store(plain, ""), env={"CASECHECK_CIPHER_KEY": ""})
    assert plain_store.alert_id(refs[0]) == alert_aggregate_id(refs[0])


def test_an_encrypted_store_made_before_keyed_alert_ids_still_finds_its_alerts_and_rekey_keys_them(tmp_path):
    from compliance.alerts import AlertQueue, alert_aggregate_id
    from compliance.integrity import FLAG_ENCRYPTED, FLAG_KEYED_IDS

    key = new_cipher_key()
    db = str(tmp_path / "older.db")
    older = open_store(db, env={"CASECHECK_CIPHER_KEY": key})
    older.mapper.flags = FLAG_ENCRYPTED | FLAG_KEYED_IDS  # as the version before keyed alert ids wrote
    older._alert_key = None
    older.record({e["child"]: [e] for e in EVENTS})

    runner = CliRunner(env={"CASECHECK_CIPHER_KEY": key})
    assert runner.invoke(cli, ["--db", db, "nightly", "--as-of", "2024-06-01"]).exit_code == 0
    reopened = open_store(db, env={"CASECHECK_CIPHER_KEY": key})
    refs = _alert_refs(reopened)
    assert refs
    assert reopened.alert_id(refs[0]) == alert_aggregate_id(refs[0])
    assert reopened.child_id("C1") != child_aggregate_id("C1")  # children were keyed already
    shown = runner.invoke(cli, ["--db", db, "alert", "show", refs[0]])
    assert shown.exit_code == 0, shown.output
    assert runner.invoke(cli, ["--db", db, "nightly", "--as-of", "2024-06-02"]).exit_code == 0
    later = _alert_refs(open_store(db, env={"CASECHECK_CIPHER_KEY": key}))
    assert set(refs) <= set(later) and len(later) == len(set(later))

    new_key = new_cipher_key()
    target = str(tmp_path / "rekeyed.db")
    result = CliRunner(env={"CASECHECK_CIPHER_KEY": key, "CASECHECK_NEW_CIPHER_KEY": new_key}).invoke(
        cli, ["--db", db, "rekey", target]
    )
    assert result.exit_code == 0, result.output
    copy = open_store(target, env={"CASECHECK_CIPHER_KEY": new_key})
    with sqlite3.connect(target) as conn:
        stored = {row[0] for row in conn.execute("SELECT originator_id FROM stored_events")}
    assert _alert_refs(copy) == refs
    assert copy.alert_id(refs[0]) != alert_aggregate_id(refs[0])
    assert {copy.alert_id(ref).hex for ref in refs} <= stored
    assert not {alert_aggregate_id(ref).hex for ref in refs} & stored
    assert AlertQueue(copy).get(refs[0]).ref == refs[0]
    fresh = CliRunner(env={"CASECHECK_CIPHER_KEY": new_key})
    assert fresh.invoke(cli, ["--db", target, "nightly", "--as-of", "2024-06-03"]).exit_code == 0
    again = _alert_refs(open_store(target, env={"CASECHECK_CIPHER_KEY": new_key}))
    assert set(refs) <= set(again) and len(again) == len(set(again))
