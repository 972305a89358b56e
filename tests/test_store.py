from datetime import UTC

import pytest

from compliance.errors import ChildNotFound, ConcurrentChange, StoreError
from compliance.store import new_cipher_key, open_store


def fact(child, type_, at, **fields):
    return {"child": child, "type": type_, "at": at, **fields}


def test_recorded_facts_come_back_in_order_with_the_store_time(store_url):
    store = open_store(store_url)

    store.record(
        {"C1": [fact("C1", "dental_check", "2022-01-01"), fact("C1", "pep_initiated", "2022-01-02")]}
    )
    store.record({"C1": [fact("C1", "pep_reviewed", "2022-03-01")]})

    stored = store.read_child("C1")
    assert [s.fact["type"] for s in stored] == ["dental_check", "pep_initiated", "pep_reviewed"]
    assert [s.position for s in stored] == [0, 1, 2]
    assert all(
        s.stored_at.tzinfo is not None and s.stored_at.utcoffset() == UTC.utcoffset(None) for s in stored
    )


def test_every_child_is_streamed_with_its_own_facts(store_url):
    store = open_store(store_url)
    store.record({f"C{n}": [fact(f"C{n}", "dental_check", "2022-01-01", id=f"e{n}")] for n in range(7)})

    streamed = dict(store.iter_children(batch=3))

    assert sorted(streamed) == [f"C{n}" for n in range(7)]
    assert streamed["C4"][0].fact["id"] == "e4"


def test_digests_are_kept_per_child_for_deduplication(store_url):
    store = open_store(store_url)

    store.record({"C1": [fact("C1", "dental_check", "2022-01-01", id="a")]}, {"C1": {"a": "digest-a"}})

    assert store.known_digests(["C1", "C2"]) == {"C1": {"a": "digest-a"}}


def test_children_changed_since_a_position_are_only_those_recorded_after_it(store_url):
    store = open_store(store_url)
    store.record(
        {"C1": [fact("C1", "dental_check", "2022-01-01")], "C2": [fact("C2", "dental_check", "2022-01-01")]}
    )
    position = store.position()

    store.record(
        {"C2": [fact("C2", "pep_initiated", "2022-02-01")], "C3": [fact("C3", "dental_check", "2022-02-01")]}
    )

    assert store.children_changed_since(position) == {"C2", "C3"}
    assert store.children_changed_since(store.position()) == set()


def test_an_unknown_child_is_a_project_error(store_url):
    store = open_store(store_url)

    with pytest.raises(ChildNotFound):
        store.read_child("NOBODY")


def test_a_failed_save_stores_nothing_of_the_batch(tmp_path, monkeypatch):
    store = open_store(str(tmp_path / "s.db"))
    store.record({"C1": [fact("C1", "dental_check", "2022-01-01")]})
    stale = store.repository.get(__import__("compliance.store", fromlist=["x"]).child_aggregate_id("C1"))
    store.record({"C1": [fact("C1", "pep_initiated", "2022-01-02")]})
    stale.record([fact("C1", "pep_reviewed", "2022-01-03")], {})
    from compliance.store import ChildCase

    fresh = ChildCase.open("C2")
    fresh.record([fact("C2", "dental_check", "2022-01-01")], {})

    with pytest.raises(ConcurrentChange):
        store.save(fresh, stale)

    assert [s.fact["type"] for s in store.read_child("C1")] == ["dental_check", "pep_initiated"]
    assert store.children() == ["C1"]


def test_with_a_cipher_key_the_file_holds_no_plaintext(tmp_path):
    path = tmp_path / "secret.db"
    store = open_store(str(path), env={"CASECHECK_CIPHER_KEY": new_cipher_key()})

    store.record({"C1": [fact("C1", "dental_check", "2022-01-01", note="sensitive-text")]})

    assert b"sensitive-text" not in path.read_bytes()
    assert store.read_child("C1")[0].fact["note"] == "sensitive-text"


def test_without_a_cipher_key_facts_are_compressed_but_readable_back(tmp_path):
    store = open_store(str(tmp_path / "plain.db"))

    store.record({"C1": [fact("C1", "dental_check", "2022-01-01", note="hello")]})

    assert store.read_child("C1")[0].fact["note"] == "hello"


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/test", "/no/such/folder/casecheck.db"],
    ids=["unknown-scheme", "missing-folder"],
)
def test_a_store_that_cannot_be_opened_is_one_clear_error(url):
    with pytest.raises(StoreError):
        open_store(url)


def test_sqlite_urls_and_paths_open_the_same_file(tmp_path):
    path = tmp_path / "same.db"
    open_store(str(path)).record({"C1": [fact("C1", "dental_check", "2022-01-01")]})

    again = open_store(f"sqlite:///{path}")

    assert again.children() == ["C1"]


def test_a_save_of_aggregates_and_a_bare_event_stores_them_all(store_url):
    """An object that is not an aggregate (a domain event saved as it is) takes the
    library's own save for the whole call, so no aggregate's events are lost on the way."""
    from compliance.store import ChildCase

    store = open_store(store_url)
    first = ChildCase.open("C1")
    first.record([fact("C1", "dental_check", "2022-01-01")], {})
    bare = ChildCase.open("C2").collect_events()[0]  # the opening of C2's record, on its own
    third = ChildCase.open("C3")
    third.record([fact("C3", "pep_initiated", "2022-01-03")], {})

    store.save(first, third, bare)

    assert store.children() == ["C1", "C2", "C3"]
    assert [s.fact["type"] for s in store.read_child("C1")] == ["dental_check"]
    assert [s.fact["type"] for s in store.read_child("C3")] == ["pep_initiated"]
