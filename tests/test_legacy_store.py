"""Stores written before records were sealed (fixtures made by that version, generated
data only) are still read, verified and appended to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance.store import INDEX_TOPICS, open_store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The key the encrypted fixture was made with (a test key, for that file only).
FIXTURE_KEY = "uXr0bGx2S0mXz0Zt3v0mC1Zt1Rk3mQ7b1m1mY8xQpWQ="


@pytest.mark.parametrize(
    ("name", "key"),
    [("store-before-sealing-plain.db", ""), ("store-before-sealing-encrypted.db", FIXTURE_KEY)],
    ids=["plain", "encrypted"],
)
def test_a_store_from_before_sealing_is_read_verified_and_appended_to(tmp_path, name, key):
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    store = open_store(str(path), env={"CASECHECK_CIPHER_KEY": key})

    assert [s.fact["id"] for s in store.read_child("C1")] == ["a1", "a2"]
    before = store.verify()
    assert before.ok and before.unsealed == before.records == 5

    store.record({"C1": [{"child": "C1", "type": "statutory_visit", "at": "2024-02-10", "id": "a3"}]})

    after = open_store(str(path), env={"CASECHECK_CIPHER_KEY": key})
    assert [s.fact["id"] for s in after.read_child("C1")] == ["a1", "a2", "a3"]
    verified = after.verify()
    assert verified.ok, verified.first()
    # The first write also built the index of event ids from the stored facts.
    index = after.recorder.select_notifications(1, 1000, topics=list(INDEX_TOPICS))
    assert verified.unsealed == 5 and verified.records == 6 + len(index)
    assert {n.topic for n in index} == set(INDEX_TOPICS)
    assert after.child_id("C1") == store.child_id("C1")  # the old ids are kept


def test_a_store_from_before_sealing_refuses_a_wrong_key_in_one_line(tmp_path):
    from compliance.integrity import KeyProblem
    from compliance.store import new_cipher_key

    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "store-before-sealing-encrypted.db", path)

    with pytest.raises(KeyProblem, match="is not this store's key"):
        open_store(str(path), env={"CASECHECK_CIPHER_KEY": new_cipher_key()})
