"""Bulk evaluation: the garbage collector runs less often (and its thresholds are put back),
and a council is cut into chunks that keep every worker process busy."""

import gc
from datetime import date

import pytest

from compliance.engine import BULK_GC_THRESHOLD, Engine, bulk_collection
from compliance.sources.event_files import import_files
from compliance.store import open_store
from compliance.synthetic import generate, write_jsonl

AS_OF = date(2025, 6, 30)


@pytest.fixture
def default_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_thresholds_are_raised_inside_and_put_back_after(default_thresholds):
    with bulk_collection():
        assert gc.get_threshold() == (BULK_GC_THRESHOLD, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_higher_threshold_set_by_the_process_is_kept(default_thresholds):
    gc.set_threshold(BULK_GC_THRESHOLD * 2, 10, 10)
    with bulk_collection():
        assert gc.get_threshold()[0] == BULK_GC_THRESHOLD * 2
    assert gc.get_threshold()[0] == BULK_GC_THRESHOLD * 2


def test_interleaved_uses_put_the_thresholds_back_only_when_the_last_ends(default_thresholds):
    first, second = bulk_collection(), bulk_collection()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == BULK_GC_THRESHOLD  # the second is still running
    second.__exit__(None, None, None)
    assert gc.get_threshold() == (700, 10, 10)


def test_thresholds_are_put_back_when_the_work_fails(default_thresholds):
    with pytest.raises(RuntimeError), bulk_collection():
        raise RuntimeError("a failing batch")
    assert gc.get_threshold() == (700, 10, 10)


def test_evaluate_all_raises_them_while_streaming_and_puts_them_back(tmp_path, default_thresholds):
    path = tmp_path / "council.jsonl"
    write_jsonl(path, generate(3, seed=5, until=AS_OF, years=1))
    store = open_store(str(tmp_path / "store.db"))
    import_files(store, [path])
    seen = [gc.get_threshold()[0] for _evaluation in Engine(store).evaluate_all(as_of=AS_OF)]
    assert seen == [BULK_GC_THRESHOLD] * 3
    assert gc.get_threshold() == (700, 10, 10)

    stream = Engine(store).evaluate_all(as_of=AS_OF)
    next(stream)
    stream.close()  # a reader that stops early
    assert gc.get_threshold() == (700, 10, 10)


# --- chunks of children for worker processes -------------------------------------------


@pytest.mark.parametrize(
    ("children", "jobs", "chunk", "sizes"),
    [
        (1000, 2, 200, [63] * 15 + [55]),  # cut finer: no worker is left with a big last chunk
        (10_000, 2, 200, [200] * 50),  # large councils keep the largest chunk
        (300, 2, 200, None),  # too few children to repay starting processes
        (12, 2, 4, [4, 4, 4]),  # a chunk asked for below the smallest is kept
        (100, 1, 25, None),  # one job: in this process
        (900, 4, 200, [29] * 31 + [1]),
    ],
)
def test_children_are_cut_into_enough_chunks_for_every_worker(tmp_path, children, jobs, chunk, sizes):
    engine = Engine(open_store(str(tmp_path / "store.db")), chunk=chunk)
    names = [f"C{i:06d}" for i in range(children)]
    chunks = engine._chunks_for_workers(names, jobs)
    assert (None if chunks is None else [len(c) for c in chunks]) == sizes
    if chunks is not None:
        assert [name for c in chunks for name in c] == names
