"""`check` over a store: rows written as they come, explanations on request, and the same
rows whether children are evaluated in this process or in worker processes."""

import csv
import io
import json
import multiprocessing
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from cli import cli
from compliance import engine as engine_module
from compliance.check import CheckQuery, check_rows, json_line
from compliance.engine import Engine
from compliance.sources.event_files import import_files
from compliance.store import open_store
from compliance.synthetic import generate, write_jsonl

AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    """A SQLite store holding a small generated council."""
    folder = tmp_path_factory.mktemp("council")
    path = folder / "council.jsonl"
    write_jsonl(path, generate(12, seed=5, until=AS_OF, years=2))
    db = str(folder / "casecheck.db")
    import_files(open_store(db), [path], now=datetime(2025, 7, 1, tzinfo=UTC))
    return db


def check(db, *args):
    return CliRunner().invoke(cli, ["--db", db, "check", "--as-of", AS_OF.isoformat(), *args])


def test_check_json_is_an_array_with_one_row_a_line_and_no_explanations(council):
    result = check(council, "--json")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    rows = [json.loads(line.rstrip(",")) for line in lines[1:-1]]
    assert rows == json.loads(result.output)
    assert len(rows) > 12
    assert not any("explanation" in row for row in rows)


def test_check_explain_adds_each_obligations_arithmetic(council):
    rows = json.loads(check(council, "--json", "--explain", "--rule", "LAC-REV").output)

    assert rows
    assert all(row["explanation"] and all(isinstance(t, str) for t in row["explanation"]) for row in rows)


def test_check_json_with_nothing_to_list_is_an_empty_array(council):
    result = check(council, "--json", "--rule", "LAC-REV-1", "--status", "no_data")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []


def test_check_csv_has_the_header_then_one_record_per_json_row(council):
    as_json = json.loads(check(council, "--json").output)

    records = list(csv.DictReader(io.StringIO(check(council, "--csv").output)))

    assert len(records) == len(as_json)
    assert [(r["child"], r["rule"], r["key"], r["status"]) for r in records] == [
        (r["child"], r["rule"], r["key"], r["status"]) for r in as_json
    ]


def test_fail_on_exits_1_when_a_streamed_row_has_that_status(council):
    statuses = {row["status"] for row in json.loads(check(council, "--json").output)}
    present = sorted(statuses - {"finding"})[0]

    assert check(council, "--json", "--fail-on", present).exit_code == 1
    assert check(council, "--json", "--fail-on", "no_data").exit_code == (1 if "no_data" in statuses else 0)


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_worker_processes_give_the_same_rows_in_the_same_order_as_one_process(council, start, monkeypatch):
    store = open_store(council)
    children = tuple(store.children())
    query = CheckQuery(as_of=AS_OF, children=children)
    engine = Engine(store, chunk=4)  # 12 children: three chunks, so the workers really run
    monkeypatch.setattr(engine_module, "_worker_context", lambda _store: multiprocessing.get_context(start))

    alone = list(check_rows(engine, query, jobs=1, encode=json_line))
    shared = list(check_rows(engine, query, jobs=2, encode=json_line))

    assert len(alone) > 12
    assert shared == alone


def test_jobs_must_be_at_least_one(council):
    result = check(council, "--json", "--jobs", "0")

    assert result.exit_code == 2
    assert "--jobs" in result.output


def test_workers_are_forked_only_from_an_idle_store_in_a_process_of_one_thread(council, monkeypatch):
    import threading

    store = open_store(council)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert engine_module._worker_context(store).get_start_method() == "spawn"
    finally:
        release.set()
        other.join()

    # This test process may run threads of earlier tests' libraries: count only its own.
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert engine_module._worker_context(store).get_start_method() == "fork"
    with store.recorder.datastore.transaction(commit=False):  # a read in progress
        assert engine_module._worker_context(store).get_start_method() == "spawn"


def test_workers_on_each_kind_of_file_store_give_the_rows_of_one_process(
    file_store_url, tmp_path, monkeypatch
):
    """Forked on an SQLite file, started fresh on PostgreSQL (its pool runs threads)."""
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)  # the store decides, not other tests' threads
    path = tmp_path / "council.jsonl"
    write_jsonl(path, generate(12, seed=5, until=AS_OF, years=2))
    store = open_store(file_store_url)
    import_files(store, [path], now=datetime(2025, 7, 1, tzinfo=UTC))
    engine = Engine(store, chunk=4)
    query = CheckQuery(as_of=AS_OF, children=tuple(store.children()))
    expected = "spawn" if file_store_url.startswith("postgresql") else "fork"

    assert engine_module._worker_context(store).get_start_method() == expected
    assert list(check_rows(engine, query, jobs=2, encode=json_line)) == list(
        check_rows(engine, query, jobs=1, encode=json_line)
    )


def test_the_nightly_progress_bar_draws_without_a_thread_so_workers_can_be_forked(monkeypatch):
    import threading

    from rich.console import Console

    from compliance.views import text

    terminal = Console(file=io.StringIO(), force_terminal=True)
    monkeypatch.setattr(text, "console", lambda err=False: terminal)
    threads = threading.active_count()
    with text.run_progress(True, "evaluating children") as tell:
        assert tell is not None
        tell(3, 10)
        assert threading.active_count() == threads
    assert "evaluating children" in terminal.file.getvalue()


def _frozen_in_worker(engine, children):
    import gc

    return [gc.get_freeze_count()] * len(children)


def test_forked_workers_leave_what_they_inherit_out_of_their_collections(council, monkeypatch):
    """The parent's objects are frozen for the fork (`gc.freeze`) and thawed again after it."""
    import gc

    store = open_store(council)
    engine = Engine(store, chunk=4)
    monkeypatch.setattr(engine_module, "_worker_context", lambda _store: multiprocessing.get_context("fork"))

    counts = [n for chunk in engine.map_children(_frozen_in_worker, None, jobs=2) for n in chunk]

    assert len(counts) == 12 and min(counts) > 1000
    assert gc.get_freeze_count() == 0


def _noted(engine, children, *, folder):
    """A task that leaves a file for each child it is given, for the parent to see."""
    from pathlib import Path

    for child in children:
        (Path(folder) / child).touch()
    return list(children)


def _files_in(folder, at_least, *, wait=20.0):
    import time

    deadline = time.monotonic() + wait
    while len(list(folder.iterdir())) < at_least and time.monotonic() < deadline:
        time.sleep(0.02)
    return sorted(p.name for p in folder.iterdir())


def test_workers_are_at_work_before_the_first_result_is_read_and_no_further_ahead_than_asked(
    council, tmp_path
):
    """`map_children` starts the workers at once (the caller verifies the store meanwhile),
    with at most `ahead` chunks a worker in flight until results are read."""
    import time
    from functools import partial

    store = open_store(council)
    children = store.children()
    results = Engine(store, chunk=2).map_children(
        partial(_noted, folder=str(tmp_path)), None, jobs=2, ahead=2
    )

    assert _files_in(tmp_path, 8) == children[:8]  # four chunks of two, none of them read
    time.sleep(0.3)
    assert len(list(tmp_path.iterdir())) == 8
    assert [child for chunk in results for child in chunk] == children
    assert _files_in(tmp_path, 12) == children


def test_results_not_read_are_dropped_with_the_workers_when_the_caller_closes_them(council, tmp_path):
    from functools import partial

    store = open_store(council)
    results = Engine(store, chunk=2).map_children(partial(_noted, folder=str(tmp_path)), None, jobs=2)
    _files_in(tmp_path, 4)

    results.close()  # as the nightly does when the store fails verification

    assert multiprocessing.active_children() == []
