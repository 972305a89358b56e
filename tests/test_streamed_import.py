"""Importing a file in two passes: the first validates every line and checks the ids,
the second stores the children group by group in ONE transaction. Whatever goes wrong
in either pass (a bad line, an id of another child, a conflict found while storing,
Ctrl-C), nothing is stored; what is stored reads back as one import."""

from __future__ import annotations

import json

import pytest

from compliance.errors import ImportConflict
from compliance.sources import event_files
from compliance.sources.event_files import import_files
from compliance.store import EVENT_ID_INDEX_ID, new_cipher_key, open_store
from events.parse import BadInput


def care(child: str, at: str, event_id: str | None = None, **more) -> dict:
    event = {"child": child, "type": "entered_care", "at": at, "legal_status": "C2", **more}
    if event_id is not None:
        event["id"] = event_id
    return event


def visit(child: str, at: str, event_id: str) -> dict:
    return {"child": child, "type": "statutory_visit", "at": at, "id": event_id}


def _write(path, events) -> str:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def small_groups(monkeypatch):
    """A few hundred bytes a group, so even these small files are stored in many parts."""
    monkeypatch.setattr(event_files, "_GROUP_BYTES", 200)


@pytest.fixture(params=["plain", "encrypted"])
def key(request):
    return new_cipher_key() if request.param == "encrypted" else ""


def _interleaved(children: int, visits: int) -> list[dict]:
    events = [care(f"C{n}", "2024-01-08", f"c{n}") for n in range(children)]
    for v in range(visits):
        events += [visit(f"C{n}", f"2024-02-{v + 1:02d}", f"v{n}-{v}") for n in range(children)]
    return events


def test_children_interleaved_in_a_file_are_stored_whole_and_in_file_order(store_url, key, tmp_path):
    store = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key})
    path = _write(tmp_path / "council.jsonl", _interleaved(12, 4))

    result = import_files(store, [path])

    assert (result.imported, len(result.children), result.already_present) == (60, 12, 0)
    for n in (0, 7, 11):
        assert [s.fact["id"] for s in store.read_child(f"C{n}")] == [f"c{n}"] + [
            f"v{n}-{v}" for v in range(4)
        ]
    assert store.recorder.select_events(EVENT_ID_INDEX_ID)
    assert store.verify().ok
    again = import_files(store, [path])
    assert (again.imported, again.already_present) == (0, 60)


def test_a_shard_of_the_index_of_ids_takes_a_large_import_in_small_events(
    store_url, key, tmp_path, monkeypatch
):
    """Each claim event holds CLAIMS_PER_EVENT ids at most (a child's ids together), so the
    record a later write links to stays small; the index reads the same across them."""
    from compliance import store as store_module

    monkeypatch.setattr(store_module, "CLAIMS_PER_EVENT", 3)
    shard = store_module.EventIdShard.open(7)
    shard.claim({"a": ["1", "2"], "b": ["3"], "c": ["4", "5"], "d": ["6", "7", "8", "9"]})
    assert [e.owners for e in shard.pending_events[1:]] == [
        {"a": ["1", "2"], "b": ["3"]},
        {"c": ["4", "5"]},
        {"d": ["6", "7", "8", "9"]},
    ]
    store = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key})
    path = _write(tmp_path / "council.jsonl", _interleaved(40, 2))

    import_files(store, [path])

    claims = [
        store.mapper.to_domain_event(n)
        for n in store.recorder.select_notifications(
            1, 10_000, topics=[store_module.EventIdShard.Claimed.TOPIC]
        )
    ]
    sizes = [sum(len(ids) for ids in c.owners.values()) for c in claims]
    assert sum(sizes) == 120 and max(sizes) <= 3
    again = import_files(store, [path])
    assert (again.imported, again.already_present) == (0, 120)
    with pytest.raises(ImportConflict, match="already recorded for another child"):
        import_files(store, [_write(tmp_path / "taken.jsonl", [visit("C99", "2024-03-01", "v39-1")])])
    assert store.verify().ok


def test_a_conflict_found_while_storing_a_later_group_leaves_nothing_stored(store_url, key, tmp_path):
    store = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key})
    import_files(store, [_write(tmp_path / "first.jsonl", [care("C5", "2024-01-08", "c5")])])
    position = store.position()
    events = _interleaved(12, 2) + [care("C5", "2024-01-09", "c5")]  # C5's own id, other content
    path = _write(
        tmp_path / "later.jsonl", [e for e in events if e.get("id") != "c5" or e["at"] != "2024-01-08"]
    )

    with pytest.raises(
        ImportConflict, match=r"later.jsonl:\d+: id: already recorded for child C5 with different content"
    ):
        import_files(store, [path])

    assert store.position() == position
    assert store.unknown_children([f"C{n}" for n in range(12)]) == sorted(
        f"C{n}" for n in range(12) if n != 5
    )
    assert store.verify().ok


def test_an_id_of_another_child_in_the_store_or_the_file_stores_nothing(store_url, key, tmp_path):
    store = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key})
    import_files(
        store, [_write(tmp_path / "first.jsonl", [care("C1", "2024-01-08", "Jane Smith 2011-04-02")])]
    )
    position = store.position()
    taken = _interleaved(6, 1) + [visit("C3", "2024-03-01", "Jane Smith 2011-04-02")]
    twice = _interleaved(6, 1) + [visit("C2", "2024-03-01", "v4-0")]

    with pytest.raises(ImportConflict) as elsewhere:
        import_files(store, [_write(tmp_path / "taken.jsonl", taken)])
    with pytest.raises(BadInput) as within:
        import_files(store, [_write(tmp_path / "twice.jsonl", twice)])

    assert str(elsewhere.value).endswith(
        "taken.jsonl:13: id: already recorded for another child; ids are unique across children: "
        "send this event with a new id"
    )
    assert "Jane Smith" not in str(elsewhere.value)
    assert str(within.value).endswith(
        "twice.jsonl:13: id: the same id is given to another child on line 11: ids are unique across children"
    )
    assert store.position() == position


def test_ctrl_c_while_storing_rolls_back_the_whole_file(store_url, key, tmp_path):
    store = open_store(store_url, env={"CASECHECK_CIPHER_KEY": key})
    position = store.position()
    parts: list[int] = []

    def progress(name, total):
        def tick(done, total):
            parts.append(done)
            if len(parts) == 3:  # some groups already written into the transaction
                raise KeyboardInterrupt

        return tick

    with pytest.raises(KeyboardInterrupt):
        import_files(store, [_write(tmp_path / "council.jsonl", _interleaved(12, 3))], progress=progress)

    assert store.position() == position
    assert store.children() == []
    result = import_files(store, [_write(tmp_path / "council.jsonl", _interleaved(12, 3))])
    assert result.imported == 48
    assert store.verify().ok
