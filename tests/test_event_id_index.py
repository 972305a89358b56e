"""The store-wide index of event ids: an id belongs to one child across the whole store,
so the same id arriving for another child in a later file is refused (exit 2, one line,
the id not repeated) with nothing stored, on every kind of store, plain and encrypted;
a store made before the index gets it on its first write."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.store import (
    EVENT_ID_INDEX_ID,
    ChildCase,
    IdTaken,
    new_cipher_key,
    open_store,
)

PERSONAL_ID = "Jane Smith 2011-04-02"


def care(child: str, at: str, event_id: str) -> dict:
    return {"child": child, "type": "entered_care", "at": at, "id": event_id, "legal_status": "C2"}


def _write(path, *events) -> str:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return str(path)


@pytest.fixture(params=["plain", "encrypted"])
def key(request):
    return new_cipher_key() if request.param == "encrypted" else ""


def test_an_id_already_recorded_for_another_child_in_an_earlier_file_is_refused(
    file_store_url, key, tmp_path
):
    store_url = file_store_url
    runner = CliRunner(env={"CASECHECK_CIPHER_KEY": key})
    first = _write(tmp_path / "first.jsonl", care("C1", "2024-01-08", PERSONAL_ID))
    assert runner.invoke(cli, ["--db", store_url, "import", first]).exit_code == 0
    before = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key}).position()
    later = _write(
        tmp_path / "later.jsonl",
        care("C3", "2024-02-01", "fresh-1"),
        care("C2", "2024-03-04", PERSONAL_ID),
        care("C2", "2024-03-05", "fresh-2"),
    )

    result = runner.invoke(cli, ["--db", store_url, "import", later])

    assert result.exit_code == 2
    assert result.stderr == (
        f"casecheck: {later}:2: id: already recorded for another child; ids are unique across "
        "children: send this event with a new id\n"
    )
    assert PERSONAL_ID not in result.stderr
    store = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key})
    assert store.position() == before
    assert store.unknown_children(["C2", "C3"]) == ["C2", "C3"]
    # The same file again, and the first file for its own child, are still fine.
    assert runner.invoke(cli, ["--db", store_url, "import", first]).exit_code == 0
    assert store.position() == before
    assert store.verify().ok


def test_record_refuses_an_id_of_another_child_whoever_calls_it(store_url, key):
    store = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key})
    store.record({"C1": [care("C1", "2024-01-08", "a1")]})
    position = store.position()

    with pytest.raises(IdTaken) as refused:
        store.record({"C2": [care("C2", "2024-01-09", "a1"), care("C2", "2024-01-10", "b1")]})
    assert refused.value.taken == [("C2", "a1")]
    with pytest.raises(IdTaken) as both_new:
        store.record({"C3": [care("C3", "2024-01-09", "z1")], "C4": [care("C4", "2024-01-09", "z1")]})
    assert len(both_new.value.taken) == 1
    assert "a1" not in str(refused.value) and "z1" not in str(both_new.value)
    assert store.position() == position

    store.record({"C1": [care("C1", "2024-01-09", "a1")]})  # its own id: not the index's concern
    store.record({"C2": [care("C2", "2024-01-09", "b1")]})
    assert [s.fact["id"] for s in store.read_child("C2")] == ["b1"]


def test_ids_are_hashed_with_a_key_of_the_store_when_it_is_encrypted():
    plain = open_store("memory:", env={"CASECHECK_CIPHER_KEY": ""})
    one = open_store("memory:", env={"CASECHECK_CIPHER_KEY": new_cipher_key()})
    two = open_store("memory:", env={"CASECHECK_CIPHER_KEY": new_cipher_key()})

    hashed = {s.hashed_event_id(PERSONAL_ID) for s in (plain, one, two)}

    assert len(hashed) == 3
    assert plain.hashed_event_id(PERSONAL_ID) == open_store("memory:").hashed_event_id(PERSONAL_ID)
    assert PERSONAL_ID not in "".join(hashed)


def _legacy(store_url, key):
    """A store as versions before the index wrote it: facts, and no index."""
    store = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key})
    for child, event_id in (("C1", "a1"), ("C2", "b1")):
        case = ChildCase.open(child, store.child_id(child))
        case.record([care(child, "2024-01-08", event_id)], {event_id: "d"})
        store.save(case)
    return store


def test_a_store_made_before_the_index_gets_it_on_its_first_write_in_that_transaction(store_url, key):
    store = _legacy(store_url, key)
    position = store.position()

    with pytest.raises(IdTaken):  # checked against the facts already stored
        store.record({"C3": [care("C3", "2024-02-01", "b1")]})
    assert store.position() == position
    assert not store.recorder.select_events(EVENT_ID_INDEX_ID)  # nothing of the backfill either

    store.record({"C3": [care("C3", "2024-02-01", "c1")]})

    assert store.recorder.select_events(EVENT_ID_INDEX_ID)
    with pytest.raises(IdTaken):
        store.record({"C4": [care("C4", "2024-02-01", "a1")]})
    with pytest.raises(IdTaken):
        store.record({"C4": [care("C4", "2024-02-01", "c1")]})
    assert store.verify().ok


def test_a_rekeyed_store_builds_its_own_index_and_still_refuses(tmp_path):
    from compliance.rekey import rekey_store

    old_key, new_key = new_cipher_key(), new_cipher_key()
    source = open_store(str(tmp_path / "old.db"), env={"CASECHECK_CIPHER_KEY": old_key})
    source.record({"C1": [care("C1", "2024-01-08", "a1")]})
    target = open_store(str(tmp_path / "new.db"), env={"CASECHECK_CIPHER_KEY": new_key})

    rekey_store(source, target)

    assert not target.recorder.select_events(EVENT_ID_INDEX_ID)
    with pytest.raises(IdTaken):
        target.record({"C2": [care("C2", "2024-01-09", "a1")]})
    target.record({"C2": [care("C2", "2024-01-09", "b1")]})
    assert target.verify().ok
