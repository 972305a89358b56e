"""The benchmark: import, full evaluation vs the floor, incremental nightly, timeline latency.

Run with `make bench` (or `python -m bench.run --sizes 1000,10000 --postgres 1000`). Each
scenario runs in its own process so its peak memory (RSS) is its own; the figures are
written to docs/benchmarks.md. It is not part of the test suite: speed is measured here,
not asserted in timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = OUT / "results.json"  # the last run's figures, for `--render-only`
UNTIL = date(2026, 10, 31)  # fixed, so runs on different days measure the same council
SEED = 42
PG_BASE = "postgresql://postgres@127.0.0.1:5432/test"
#: Rounds of the floor and the full evaluations, by the council's size at most: a short
#: measurement is the most at the mercy of the machine's other work, and costs little to repeat.
ROUNDS = {1_000: 7, 10_000: 5}
#: Rounds at any larger size.
MIN_ROUNDS = 3


def rounds_for(children: int) -> int:
    """Rounds of the floor and the full evaluations for a council of this size."""
    return next((n for size, n in sorted(ROUNDS.items()) if children <= size), MIN_ROUNDS)


#: Runs of the incremental nightly on SQLite (on copies of the store, then on the store).
INCREMENTAL_RUNS = 3


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def data_file(children: int) -> Path:
    from compliance.synthetic import generate, write_jsonl

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"council-{children}-{SEED}-{UNTIL}.jsonl"
    if not path.exists():
        write_jsonl(path, generate(children, seed=SEED, until=UNTIL, years=5))
    return path


#: CPU seconds (user and system) of the last `command`, with those of the worker processes
#: it started and waited for: unlike the wall clock, they do not grow with the machine's load.
LAST_CPU = [0.0]


#: Starts a command and reports its wall-clock seconds, exit code, peak RSS (KB) and CPU
#: seconds, from a small interpreter of its own. Linux counts in a process's peak memory
#: that of the process it was started from, up to its `exec`: a command started from this
#: process, which holds a council's evaluation, would report this process's peak as its own.
_LAUNCHER = """
import json, os, sys, time
t = time.perf_counter()
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.execv(sys.argv[1], sys.argv[1:])
_pid, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - t
code = os.waitstatus_to_exitcode(status)
print(json.dumps([elapsed, code, usage.ru_maxrss, usage.ru_utime + usage.ru_stime]))
"""


def command(args: list[str], *, stdin: Any = None) -> tuple[float, float]:
    """Run one `casecheck` command as a user would; its wall-clock seconds and its own
    peak memory (RSS, MB), read from the kernel's accounting of that one process (its
    CPU seconds, workers included, are left in `LAST_CPU`)."""
    report = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        stdin=stdin,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    elapsed, code, peak_kb, cpu = json.loads(report)
    LAST_CPU[0] = cpu
    if code not in (0, 1):
        raise SystemExit(f"bench: casecheck {' '.join(args[2:4])} failed")
    return elapsed, peak_kb / 1024


def scenario(backend: str, children: int) -> dict[str, Any]:
    """One full measurement on a fresh store; returns the figures."""
    from compliance.check import CheckQuery, check_rows
    from compliance.engine import Engine, facts_of
    from compliance.store import open_store

    path = data_file(children)
    if backend == "sqlite":
        db = OUT / f"bench-{children}.db"
        _remove_store(db)
        url = str(db)
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        url = f"{PG_BASE}?schema={schema}"
    figures: dict[str, Any] = {"backend": backend, "children": children, "load_before": _load()}
    cmd = ["--db", url]
    try:
        figures["import_s"], figures["import_mb"] = command([*cmd, "import", str(path)])
        store = open_store(url)
        engine = Engine(store)
        events = sum(len(stored) for _child, stored in store.iter_children())
        figures["events"] = events
        figures["import_events_per_s"] = events / figures["import_s"]

        # The floor (read and decode every stored event into facts, and nothing else), the
        # full evaluation in one process and with two workers, each counting its
        # obligations: measured in turn `rounds` times, each evaluation by a new engine (its
        # deadlines worked out afresh), and each figure the fastest of its rounds, the one
        # least slowed by other work on the machine. CPU seconds too: on a shared machine the
        # wall clock of two workers depends on what else runs, their CPU time does not.
        rounds = rounds_for(children)
        floors, fulls, fulls_jobs2, cpus, cpus_jobs2 = [], [], [], [], []
        query = CheckQuery(as_of=UNTIL, statuses=frozenset({"overdue"}))
        for _round in range(rounds):
            t = time.perf_counter()
            for _child, stored in store.iter_children():
                facts_of(stored)
            floors.append(time.perf_counter() - t)

            t, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_utime
            obligations = sum(len(e.obligations) for e in Engine(store).evaluate_all(as_of=UNTIL))
            fulls.append(time.perf_counter() - t)
            cpus.append(resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu)

            t, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
            sum(1 for _ in check_rows(Engine(store), query, jobs=2))
            fulls_jobs2.append(time.perf_counter() - t)
            cpus_jobs2.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - cpu)
        floor, full, full_jobs2 = min(floors), min(fulls), min(fulls_jobs2)
        figures.update(
            rounds=rounds,
            floor_s=floor,
            floor_max_s=max(floors),
            full_s=full,
            full_max_s=max(fulls),
            full_cpu_s=min(cpus),
            full_children_per_s=children / full,
            full_events_per_s=events / full,
            obligations=obligations,
            ratio=full / floor,
            full_jobs2_s=full_jobs2,
            full_jobs2_max_s=max(fulls_jobs2),
            full_jobs2_cpu_s=min(cpus_jobs2),
            ratio_jobs2=full_jobs2 / floor,
        )

        # Whole commands, each its own process: check over the whole store, the nightly
        # runs (first, then incremental after 1% of children got new events), one timeline.
        as_of = ["--as-of", UNTIL.isoformat()]
        figures["check_json_s"], figures["check_json_mb"] = command(
            [*cmd, "check", "--json", "--jobs", "1", *as_of]
        )
        figures["check_json2_s"], figures["check_json2_mb"] = command(
            [*cmd, "check", "--json", "--jobs", "2", *as_of]
        )
        figures["nightly_first_s"], figures["nightly_first_mb"] = command(
            [*cmd, "nightly", "--jobs", "2", *as_of]
        )
        figures["nightly_first_cpu_s"] = LAST_CPU[0]
        changed = sorted(store.children())[::100]
        next_day = UNTIL + timedelta(days=1)
        extra = OUT / f"extra-{children}.jsonl"
        extra.write_text(
            "".join(
                json.dumps(
                    {"child": c, "type": "statutory_visit", "at": next_day.isoformat(), "id": f"bench-{c}"}
                )
                + "\n"
                for c in changed
            ),
            encoding="utf-8",
        )
        command([*cmd, "import", str(extra)])
        # The incremental run is short, so one run is at the mercy of the machine's other
        # work: on SQLite it runs on copies of the store as it now stands and then on the
        # store itself, and its figures are the median run's (by wall clock).
        incremental = ["nightly", "--jobs", "2", "--as-of", next_day.isoformat()]
        runs = []
        for _copy in range(INCREMENTAL_RUNS - 1 if backend == "sqlite" else 0):
            target = OUT / f"bench-{children}-copy.db"
            _copy_store(db, target)
            runs.append((*command(["--db", str(target), *incremental]), LAST_CPU[0]))
            _remove_store(target)
        runs.append((*command([*cmd, *incremental]), LAST_CPU[0]))
        runs.sort()
        (
            figures["nightly_incremental_s"],
            figures["nightly_incremental_mb"],
            figures["nightly_incremental_cpu_s"],
        ) = runs[len(runs) // 2]
        figures["nightly_incremental_runs"] = [round(wall, 2) for wall, _mb, _cpu in runs]
        figures["nightly_incremental_children"] = len(changed)
        figures["nightly_incremental_share"] = figures["nightly_incremental_s"] / figures["nightly_first_s"]
        # The scorecard of the financial year containing UNTIL, as a committee paper asks
        # for it: every measure, the quarters so far, the year and the year before.
        year = UNTIL.year if UNTIL.month >= 4 else UNTIL.year - 1
        figures["report_scorecard_s"], figures["report_scorecard_mb"] = command(
            [*cmd, "report", "scorecard", "--year", f"{year}-{(year + 1) % 100:02d}", *as_of]
        )
        child = changed[len(changed) // 2]
        samples = sorted(command([*cmd, "timeline", child, *as_of])[0] for _ in range(5))
        figures["timeline_cli_ms"] = samples[len(samples) // 2] * 1000
        samples = []
        for _ in range(20):
            t = time.perf_counter()
            engine.evaluate(child, as_of=UNTIL)
            samples.append(time.perf_counter() - t)
        samples.sort()
        figures["timeline_in_process_ms"] = samples[len(samples) // 2] * 1000
        figures["load_after"] = _load()
    finally:
        if backend != "sqlite":
            import psycopg

            with psycopg.connect(PG_BASE, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return figures


def _spread(r: dict[str, Any], name: str) -> str:
    """ " (fastest of 3 rounds; slowest 4.10 s)" when a figure was measured more than once."""
    rounds = r.get("rounds", 1)
    if rounds < 2:
        return ""
    return f" (fastest of {rounds} rounds; slowest {r[f'{name}_max_s']:.2f} s)"


def _remove_store(db: Path) -> None:
    """An SQLite store's file, with its write-ahead log and shared memory, removed."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def _copy_store(db: Path, target: Path) -> None:
    """A copy of an SQLite store, by SQLite's own backup. Not by copying the file: opening
    and closing the file outside SQLite would drop this process's locks on it (POSIX
    locks belong to the process), and the store is open here."""
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)


def _median_of(r: dict[str, Any]) -> str:
    """ ", the median of 3 runs (1.41, 1.52 and 1.90 s)" when the run was repeated."""
    runs = r.get("nightly_incremental_runs", [])
    if len(runs) < 2:
        return ""
    listed = ", ".join(f"{wall:.2f}" for wall in runs[:-1]) + f" and {runs[-1]:.2f} s"
    return f", the median of {len(runs)} runs ({listed})"


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        info["memory"] = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        info["memory"] = "unknown"
    try:
        import psycopg

        with psycopg.connect(PG_BASE.replace("postgresql://", "postgresql://"), connect_timeout=3) as conn:
            info["postgresql"] = str(conn.execute("show server_version").fetchone()[0])
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        info["postgresql"] = f"not available ({type(exc).__name__})"
    return info


def _rounds_text() -> str:
    """ "7 rounds up to 1,000 children, 5 up to 10,000 and 3 at larger sizes" (`rounds_for`)."""
    sizes = sorted(ROUNDS.items())
    parts = [f"{n} up to {size:,}" for size, n in sizes]
    parts[0] = f"{sizes[0][1]} rounds up to {sizes[0][0]:,} children"
    return ", ".join(parts) + f" and {MIN_ROUNDS} at larger sizes"


def render(info: dict[str, str], results: list[dict[str, Any]]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (`bench/run.py`) on a synthetic council (`casecheck generate`,",
        f"seed {SEED}, 5 years ending {UNTIL}). Each scenario runs in a fresh process on a fresh store;",
        "each command is run as a user runs it (`casecheck ...`, its own process), and its peak",
        "memory is that process's own (RSS, from the kernel). The floor and the full evaluations",
        "are measured in turn, each figure the fastest of its rounds, each evaluation by a new engine:",
        f"{_rounds_text()} (a short measurement is the most at the mercy of other work).",
        "",
        f"Machine: {info['cores']} cores, {info['memory']} memory, Python {info['python']}, "
        f"SQLite {info['sqlite']}, PostgreSQL {info['postgresql']}; {info['platform']}. Date: {info['date']}.",
        "The machine is shared: the load average (1, 5, 15 minutes) before and after each scenario",
        "is given with it, since other work on the same two cores slows every figure.",
        "",
        "## How cost grows with the council",
        "",
        "| store | children | events | import | check --json | check --json --jobs 2 "
        "| nightly, first | nightly, 1% changed | timeline CHILD | report scorecard |",
        "|---|---:|---:|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {r['children']:,} | {r['events']:,} "
            f"| {r['import_s']:.1f} s, {r['import_mb']:,.0f} MB "
            f"| {r['check_json_s']:.1f} s, {r['check_json_mb']:,.0f} MB "
            f"| {r['check_json2_s']:.1f} s, {r['check_json2_mb']:,.0f} MB "
            f"| {r['nightly_first_s']:.1f} s, {r['nightly_first_mb']:,.0f} MB "
            f"| {r['nightly_incremental_s']:.2f} s, {r['nightly_incremental_mb']:,.0f} MB "
            f"| {r['timeline_cli_ms']:.0f} ms "
            f"| {r['report_scorecard_s']:.1f} s, {r['report_scorecard_mb']:,.0f} MB |"
        )
    lines += [
        "",
        "Time and peak memory of each whole command. The nightly runs use `--jobs 2`;",
        "`timeline CHILD` is the median of 5 runs of the whole command; `report scorecard` is",
        f"the scorecard of the financial year containing {UNTIL} (`--year`, judged at that date).",
        "",
    ]
    for r in results:
        lines += [
            f"## {r['backend']}, {r['children']:,} children ({r['events']:,} events)",
            "",
            f"- load average before / after: {r['load_before']} / {r['load_after']}",
            f"- import: {r['import_s']:.1f} s, {r['import_events_per_s']:,.0f} events/s, peak {r['import_mb']:,.0f} MB",
            f"- floor (read and decode every stored event): {r['floor_s']:.2f} s{_spread(r, 'floor')}",
            f"- full evaluation of every rule for every child, one process: {r['full_s']:.2f} s"
            f"{_spread(r, 'full')}, "
            f"{r['full_children_per_s']:,.0f} children/s, {r['full_events_per_s']:,.0f} events/s, "
            f"{r['obligations']:,} obligations; {r['ratio']:.1f}x the floor",
            f"- the same in two worker processes: {r['full_jobs2_s']:.2f} s{_spread(r, 'full_jobs2')}; "
            f"{r['ratio_jobs2']:.1f}x the floor"
            + (
                f" (CPU: {r['full_cpu_s']:.1f} s in one process, {r['full_jobs2_cpu_s']:.1f} s in the two workers together)"
                if "full_cpu_s" in r
                else ""
            ),
            f"- nightly, first run: {r['nightly_first_s']:.1f} s"
            + (
                f" ({r['nightly_first_cpu_s']:.1f} s of CPU, its two workers included)"
                if "nightly_first_cpu_s" in r
                else ""
            ),
            f"- nightly, incremental after {r['nightly_incremental_children']} children got new events: "
            f"{r['nightly_incremental_s']:.2f} s{_median_of(r)} "
            f"({100 * r['nightly_incremental_share']:.1f}% of the first run)"
            + (
                f"; {r['nightly_incremental_cpu_s']:.2f} s of CPU "
                f"({100 * r['nightly_incremental_cpu_s'] / r['nightly_first_cpu_s']:.1f}% of the first run's)"
                if "nightly_incremental_cpu_s" in r
                else ""
            ),
            f"- one child's timeline in process: {r['timeline_in_process_ms']:.1f} ms (median of 20); "
            f"the whole command: {r['timeline_cli_ms']:.0f} ms",
            "",
        ]
    return "\n".join(lines) + "\n" + NOTES


NOTES = """
## Targets, and where the figures stand

These runs were made on 2026-12-03 at 70a2754, whose code is that of 81dbd3c (load average
1.4-1.5 before and after each scenario). The same code was measured twice before, on
2026-12-02, on earlier machines of the same kind: in the evening (load 1.2-2.0), given with
each target as "previous", and in the afternoon (load 0.9-1.9), as "before".
The three runs differ far more than the code's own variation: the 50,000-child floor was
13.96 s here against 18.90 s and 18.71 s, the first nightly 32.2 s against 59.5 s and
61.4 s. A machine of this kind can be that much slower, and the nightly more slowed than
the floor (its CPU 4.3 times the floor's here, 5.8 and 6.1 times on the other two). On one
machine, too, a figure moves by up to a third between runs of the same code a few minutes
apart (the 10,000-child first nightly of the same code once took 9.2 s and 14.5 s within
ten minutes), so the ratios near their targets land on either side of them from one run
to the next. Figures from different runs are best compared by ratio, back to back, or by
instruction count (callgrind, below), which does not depend on the machine's state.

| target | status |
|---|---|
| PostgreSQL import of a large file does not hang | met: the 10,000-child file (822,033 events, one transaction) imports in 38.3 s (previous 65.7 s, before 61.6 s); `tests/test_postgres_import.py` imports 3,500 children into the real server with a time limit (it failed at the limit before the fix) |
| `check --json` over the whole store: peak RSS under 300 MB at 50,000 children | met: 105 MB at 50,000 children (4.1M events), 63 MB at 10,000, 44 MB at 1,000 (it was 2.2 GB at 10,000) |
| explanations only when asked | met: `check --explain` |
| full evaluation within 3x of the floor, one process | met at every size: 2.86x at 1,000 children (0.82 s against a floor of 0.28 s), 2.73x at 10,000, 2.88x at 50,000 and 2.69x on PostgreSQL. Previous 2.62x, 2.69x, 2.57x and 2.42x, met at every size; before 3.07x (not met at 1,000 children, by 2%), 2.92x, 2.80x and 2.70x. At 1,000 children the evaluation is 0.82 ms a child and its floor 0.28 ms, so 10 ms more or less on the floor, or 28 ms on the evaluation, move the ratio by a tenth |
| with `--jobs 2`, wall clock within 2x of the one-process floor | met at every size: 1.77x at 1,000 children, 1.57x at 10,000, 1.62x at 50,000, 1.62x on PostgreSQL (previous 1.78x, 1.50x, 1.41x and 1.45x; before 1.79x, 1.66x, 1.53x and 1.72x) |
| 50,000 children on SQLite: first nightly under 45 s | met in this run: 32.2 s (60.0 s of CPU, the batch and its two workers); **not met** by the same code in the two runs before, on slower machines: previous 59.5 s (109.9 s of CPU), before 61.4 s (114.9 s). In process on this machine, before the benchmark, the run took 29.8 s: 12.3 s of CPU in the batch (settling, saving and verifying) and 43.6 s in its workers, against 40.5 s for the workers of `check` over the same store. Two cores give at most 2 s of CPU a second, so a run of 60 s of CPU cannot take much less than 30 s, and one of 110 s not much less than 55 s: on a machine as slow as the earlier two, the target is missed by about a third |
| incremental nightly, 1% changed, under 3% of the full run | met: at 50,000 children 0.88 s, the median of three runs (0.86, 0.88 and 0.89 s), against 32.2 s for the first run, 2.7% (1.31 s of CPU against 60.0 s, 2.2%); previous 1.38 s against 59.5 s, 2.3%; before 1.64 s, 2.7%. At 10,000, 0.36 s against 6.4 s (5.6%), where start-up is a third of the run |
| import peak RSS under 500 MB | met: 253 MB at 50,000 children (4.1M events; it was 5.2 GB), 104 MB at 10,000 (it was 1.1 GB): two passes, see "Import in two passes" below |
| `timeline CHILD` as a whole command under 250 ms at 10,000 and 50,000 | met: 133 ms at 10,000 and 135 ms at 50,000 (median of 5; previous 150 and 155 ms, before 195 and 206 ms), 130 ms at 1,000. The command does not grow with the store ("Start-up" below) |
| PostgreSQL 10,000: import, evaluation and nightly each within 1.5x of SQLite | met in this run: import 38.3 s against 35.1 s (1.09x), full evaluation 8.5 s against 7.6 s (1.12x), first nightly 8.2 s against 6.4 s (1.28x). Previous: import 1.10x and evaluation 0.96x, but the first nightly **not met**, 14.1 s against 7.3 s (1.93x); before 1.05x, 0.99x and 1.35x. In CPU, the PostgreSQL nightly took 1.20 times SQLite's here (14.0 s against 11.7 s) and 1.78 times in the previous run (24.0 s against 13.5 s): this target too lands on either side of its line with the machine |
| a scaling table for 1,000, 10,000 and 50,000 children | met: "How cost grows with the council" above, with `report scorecard` added. The report still holds each child's trimmed facts (54.5 s and 1,825 MB at 50,000 children; see below) |

Peak memory of whole commands: each command is started from a small interpreter of its own
(`_LAUNCHER`). Linux counts in a process's peak the memory of the process it was started
from, up to its `exec`, and the benchmark process holds a council's evaluation by then: the
first run, which started commands from it, reported `check --json` at 189 MB at 50,000
children (142 MB from a shell, by `/usr/bin/time`) and 80 MB at 1,000 (49 MB).

What was done: PostgreSQL inserts without psycopg's pipeline mode (`compliance/postgres.py`),
in the same transaction under the same EXCLUSIVE table lock, and a large import there takes
the lock and notifies once, then streams every record through one binary `COPY ... FROM
STDIN` on the same connection (before, four statements for each child's records: about
40,000 round trips at 10,000 children); `check --json` and `--csv` write
rows as they are computed (a JSON array, one row a line), the table view keeps only the 500
rows it shows, and explanations are written only on `--explain`; `check --jobs N` and
`nightly --jobs N` evaluate children in worker processes (each with its own connection:
forked from an SQLite store when this process runs one thread and has no connection in use,
so they start at once with the product loaded; spawned otherwise, as on PostgreSQL, whose
pool runs threads) that send back compact results: encoded rows for `check`; for the nightly
batch, each child's alertable obligations as plain tuples, who is responsible for the child
and its imported alert facts (no timeline), while the parent settles and saves each batch in
one transaction as before; one-child commands look the child up by its aggregate id, and the
command line no longer loads the pydantic event models unless it reads a file.

The nightly batch's own cost: it finds a child's alerts by obligation key and, for a child
with no alert yet, unpacks and looks at only the obligations that can raise one (overdue,
due soon); alert ids are hashed without building a UUID. Profiled at 10,000 children, most of
the parent's settling time had gone on working out an alert id (uuid5) for each of 620,000
obligations to look it up.

Open alerts indexed: each child's `ChildAlerts` lists the alerts the batch raised for it, and
each alert open in a DRP stage with a response date (or an open stage-overdue flag) has a
`StagedAlert` mark, settled when it is resolved; both are written in the same transaction as
the alert's change (by the batch, and by raising, escalating, resolving or reopening by hand).
An incremental run reads only the alerts of the children it evaluates and those marked open;
a store made before (or rekeyed) is indexed by its next run.

Start-up: the command line imports a command's module only when that command runs
(`cli.py` keeps each command's name, module and help line, so `casecheck --help` lists
them all without loading one), so `timeline` no longer imports alerts, reports, the
nightly batch or the import's validation; England's bank holidays come from the `holidays`
package's United Kingdom module loaded on its own (`rules/bank_holidays.py`), not through
`holidays.countries`, which imports all 250 of the package's countries; tables, worker
processes and the TOML parser are imported when used. Measured at load 4.6-4.9, before
(8a4d19f) and after: `python -X importtime -c "import cli"` 327 ms before, 91 ms after
(median of 7); `casecheck --db STORE timeline CHILD --as-of 2026-10-31`, median of 10 runs,
CPU (wall clock): 1,000 children 466 ms (712) before, 311 ms (572) after; 10,000: 501 (784)
before, 287 (517) after; 50,000: 532 (836) before, 284 (464) after. Of what is left, in CPU
at that load: the interpreter about 30 ms; click and Rich about 60; the store
(eventsourcing and the store's aggregates), the rules and the settings about 75; `holidays`
about 50, most of it `importlib.metadata`, which the package imports to read its own
version; the child's evaluation, its access-log record and the output about 20. Without
bytecode (`PYTHONDONTWRITEBYTECODE` set and no `__pycache__`, as on this machine) every
command also compiles the product's modules from source, about 140 ms more at that load
(414 ms of CPU at 10,000 children against 270): `make bench` compiles them first, as
installing the package does.

This round, each measured on its own:
- The nightly batch (81dbd3c against 433a556): its worker processes start before the store
  is verified and evaluate while the batch verifies it, up to 16 chunks a worker ahead
  (`Engine.map_children`'s `ahead`); nothing is settled or saved until the store has
  verified, and a store that fails is refused as before, its workers stopped. At 50,000
  children the whole-store verification (1.7 s alone) left one core idle before any child
  was evaluated. The batch runs the garbage collector less often while it settles
  (`bulk_collection`): it holds every alert it raises until the run ends, and at 10,000
  children its collections took 0.58 s of its 5.4 s of CPU, 0.06 s after. A child's wake-up
  date looks at each obligation once (`next_change`: 30 ms to 11 ms a thousand children).
  Over the 200-child council, by callgrind, a worker's extras beyond the evaluation (who is
  responsible for the child, its wake-up date, its imported alert facts, sending its
  state back) were 8% of the evaluation's instructions, the wake-up date half of them. The
  alerts and wake-up dates of a first run on the 10,000-child store are the same, field for
  field (6,985 alerts).

Earlier rounds, each measured on its own:
- The nightly batch's parent process: it saves without the library's runtime Protocol
  check on each object it saves or reads (an `isinstance` against a `typing.Protocol`
  walks the protocol's attributes every time); records are compressed with a zlib window
  fitted to their size (most of the parent's 120 µs a record went on setting up the 32 KiB
  window; it is the same zlib data, read back as before); alert ids and a DRP stage's
  response date are worked out once; a child with no alert raised for an obligation comes
  back from its worker with only the obligations that can raise one; a transaction holds
  1,000 children's changes, not 200 (the crash-and-resume tests unchanged); verification
  reads the log as plain rows. Back to back at 50,000 children, at load 2-2.3, before and
  after: the parent 44.8 s to 30.0 s of CPU, the workers 237 s to 117 s, the run 150 s to
  80.5 s; the alerts of a first run on the 10,000-child store are the same 6,985, field for
  field.
- The rules, by callgrind over the 200-child council (evaluation beyond start-up, same
  main with and without the change): 1,671 M to 1,528 M instructions (-8.6%), every row
  of `check --json --explain` on the 1,000-child store byte-identical. A timeline's sections
  look only at the facts of their types, and its facts are sorted by day first (77% of them
  need no finer key); each rule's context keeps its deadlines by clock start; a deadline's
  sentence is a `partial` of a method, not a closure, which halved the long-lived objects
  the garbage collector walks (208,000 to 104,000 at 1,000 children); EDU-PEP-TERM reads
  the terms once for a period of care. What is left is spread thin: building each
  obligation (2-3 µs), the collector (about 7%), and some 40 rules at 1-9% each.
- Start-up: England's bank holidays, as the `holidays` package gives them, are kept year by
  year in the user's cache folder and used only while every file of the package that
  worked them out (and of `dateutil`), where it is installed, the Python version and the
  language settings are unchanged (`rules/bank_holidays.py`), so a one-child command does
  not import the package (its import, with the `importlib.metadata` look-up of its own
  version, was a fifth of the command); `timeline` writes its lines directly when Rich
  would write them unchanged (not a terminal, printable text), and `import cli` loads
  neither Rich nor `holidays`. `timeline CHILD` as a whole command, counted by callgrind:
  920 M instructions before, 619 M after, at 10,000 and 50,000 children alike.
- Worker processes are forked where that is safe (above): at load 7, a spawned pool of two
  gave its first result after 2.4 s, with 0.6 s of CPU in the workers; a forked one after
  70 ms, with 20 ms.
- Since the previous run (bfaa18b), forked workers start with the parent's objects frozen out of
  the garbage collector's view (`gc.freeze`, as the Python documentation advises for fork),
  so a worker's collections no longer walk and copy what it inherited. Measured on its own
  in one process (the floor, then two workers three times), at load 0.3-1.1: at 1,000
  children the two workers took 1.27-1.43 s before and 1.11-1.17 s after (their CPU 2.0-2.7 s
  before, 1.8-2.1 s after); at 10,000, 10.9 s and 11.5 s, no difference beyond the noise.
- Since the previous run, the rules again, by callgrind over the 200-child council (evaluation
  beyond start-up, at 390fccf and with the change on top of it): 1,479 M to 1,367 M
  instructions (-7.6%), 2.5x to 2.3x the floor's 599 M; every row of `check --json
  --explain` on the 1,000-child store byte-identical. What was cut, each cost counted by
  callgrind on its own: `date.isoformat` (about 3,600 instructions; an obligation's key
  takes its clock start's ISO date from the judge's table), building a frozen dataclass
  (5,900 against 2,100 for a plain one; a `Deadline` is now plain, as an `Obligation`
  already was), a new `timedelta` (4,000) and `calendar.monthrange` (4,700; deadlines in
  days are ordinal arithmetic, and months ask a month's length only past the 28th); the
  adoption rules and VIS-PWP no longer look through every child's reviews before finding
  it has nothing for them; clock stops and a period's days are read once per period, not
  once per review, term or fact. CPU time at load 2-3 moved within its noise. What is
  left of an obligation is about 15,000 instructions, some 60 a child: the `Obligation`
  itself (4,300), its explanation's `partial` (1,900), its key (2,100) and the deadline
  look-up (1,600); at 200 children, working out each new deadline (about 10,000, 8,000 of
  them) is another 6%, less in a larger council, whose clocks share their start days.
- Since the previous run (bce5cd4), the nightly batch around its evaluation: a record's seal, its
  link and the store head are MACs copied from one HMAC set up once per key, not new ones
  (a new HMAC pads the key and hashes it twice first); a child's `ChildAlerts` is opened
  with its first alerts listed in the same record (a first run on the 10,000-child store
  writes 20,600 records, not 24,500; an index stored before reads as it did); an
  incremental run reads the DRP-stage marks, and the alerts open in a stage, while the
  workers evaluate its children, not before they start. Measured against bce5cd4 with only
  these changes: the alerts of a first run on the 10,000-child store are the same 6,985,
  and those after an incremental run the same, field for field (but the moment each change
  was recorded). By callgrind: verifying the whole 10,000-child store after its first run
  (45,207 records) 6,464 M to 5,877 M instructions (-9%; most of it is hashing the
  children's records, whatever the key's set-up); a first nightly over the 200-child
  council in one process 2,741 M to 2,693 M. At 50,000 children, back to back twice each
  at load 1.7-4.1: the parent 21.0 and 21.2 s of CPU before, 18.8 and 18.1 s after; the
  workers unchanged (70-79 s); the wall clock (63-94 s) followed the load. The incremental
  run after 500 children got an event, 6 runs each alternating at load 2-3: 1.58 s before
  and 1.50 s after (median), 2.0 s of CPU both, about 2% of the first run either way.
- Since the previous run, bulk evaluation runs the cyclic garbage collector
  a hundred times less often (`compliance.engine.bulk_collection`: a threshold of 100,000
  allocations, not 700, while `evaluate_all` streams): an evaluation makes no reference
  cycles (a collection after evaluating the 1,000-child council with the collector off found
  none), so each collection walked the child's live objects to find nothing. By callgrind
  over the 200-child council, evaluation beyond start-up: 1,544 M instructions to 1,470 M
  (-4.8%); in wall clock at 1,000 children, the fastest of 7 rounds alternating at load 2,
  0.99 s to 0.80 s. A small council is cut into at least eight tasks a worker (1,000
  children: sixteen of 63, not five of 200, of which one worker got three and the other
  two). The floor and the full evaluations are measured three times in turn (at every
  size since this round; up to 10,000 children before), each by a new engine so that its deadlines are worked out afresh, and the
  incremental nightly three times on SQLite (on copies of the store made by SQLite's backup,
  then on the store), since on this machine one measurement moved by a third from one
  round to the next.

What is left, with what was measured:
- Import in two passes: the first streams the file, validates every line and checks the
  ids (within the file and against the store's index of event ids), spooling the valid
  events to unnamed temporary files in groups of children; the second stores the groups
  one after another inside ONE database transaction (`CaseStore.writing_in_parts`: on
  PostgreSQL under the events table's EXCLUSIVE lock from the first part to the commit).
  Measured with `/usr/bin/time -v casecheck --db FILE import` on `casecheck generate
  --seed 1 --until 2026-11-30` councils, before and after, same machine: 10,000 children
  (815,910 events): before 38.6 s CPU (57.8 s wall at load 4.1-4.7), peak 1,110 MB; after
  47.0 s CPU (71.0 s wall at load 4.1-6.6), peak 116 MB. 50,000 children (4,103,233
  events): after 248 s CPU (476 s wall at load 3.4-8.0, the test suite running alongside),
  peak 226 MB, so about linear in the file. The extra CPU (about 20%) is the spool (pickling
  each event out and back) and the index of ids (hashing each id, writing the shards);
  cProfile over 1,000 children puts the rest where it was (validation, digests, sealing).
- Reports hold the council (each figure walks every child, once a column), so each child
  is kept trimmed (`compliance/reports/council.py`): the spans worked out from its facts,
  its obligations without their explanation, and only the facts of the types some figure
  reads (with those naming a new team). Whole commands on the SQLite stores at load 2.5-7,
  before and after (every figure the same): at 10,000 children `report scorecard --year
  2026-27` 1,060 MB and 21.7 s of user CPU before, 413 MB and 18.2 s after; `report iro`
  1,054 MB to 406 MB, `report iha` 1,044 MB to 401 MB; at 1,000 children 157 MB to 83 MB.
  Still about 34 KB a child: the kept facts, the obligations (about 15 a child) and the
  spans. Memory that does not grow with the council needs each measure computed as the
  children stream by: every measure function split into what one child adds to each column
  (items, values) and how the column's figure is made from them, for the 43 scorecard
  measures, the IRO report's figures and the IHA table.
- The rules: instructions counted by callgrind over a 200-child council (`casecheck
  generate --children 200 --seed 42 --until 2026-10-31`, evaluation minus start-up), before
  and after this round: the floor 600 M, the full evaluation 2,919 M before and 1,841 M
  after (4.9x the floor's instructions, now 3.1x). What made the difference: an obligation
  is a plain (not frozen) dataclass, as building a frozen one set each of its 18 fields
  through `object.__setattr__` (4.5 µs against 0.7); its explanation, and the rules' extra
  notes (visits not seen, missed appointments, clock hours), are written by a function kept
  with it and called only when asked for; a parameter with no dated setting is resolved once
  per evaluation (`Judge.param`); VIS-2/3/4 share one walk over a placement's visits, split
  by placement with a binary search; months are added by `add_months` (checked against
  `relativedelta` by a property test); EDU-PEP-TERM finds a term's review by binary search;
  a worker process keeps one judge, with its worked-out deadlines, across its chunks of
  children (chunks cost 21% more CPU than one pass before). What is left is spread thin: the
  obligation's own construction (its key, its status), deadline look-ups, building the
  timeline (sorting the facts), and each rule's walk over its facts. Within 3x of the floor
  at every size needs about a quarter less again.
- The nightly's verification: each run verifies what was recorded after the last run's
  closing checkpoint (each new record's seal, its link to the record before it, itself
  checked, the head run on from the checkpoint's, and the count of records up to the
  checkpoint), and the whole store on the first run, on `--full` and weekly (`[integrity]
  full_verify_every_days`). An older record edited in place is therefore found by the next
  whole-store verification or `casecheck verify`, not by every run (docs/security.md).
  Profiled at 50,000 children (the incremental run after 500 children got a visit, 584
  children evaluated), in this process alone, before and after this round:
  - verification since the checkpoint, 0.25-0.34 s before, 0.04-0.08 s after. It read each
    aggregate's record before its new ones by a query of its own (727 aggregates); it now
    reads those of a page of the log in one query (`CaseStore._records_before`, SQLite).
    Most of what it read was the index of event ids: the 50,000-child import had claimed
    each shard's 16,000 ids in one event of about 440 KB, the next import's claim links to
    it, and verification reads and checks the record a new one links to: 227 such records,
    100 MB. A shard now takes at most 1,000 ids an event (`CLAIMS_PER_EVENT`), so the
    record read is at most about 25 KB (a store imported before keeps its large records).
  - the DRP-stage marks (`AlertQueue.staged_refs`), 0.13-0.21 s before (a pass over the
    whole log by topic, decoding every mark), 0.03 s after: the ledger keeps the marks as
    each run leaves them and the log position they were read up to (`StagedRead`), and the
    next run reads only the log after it. A mark recorded by hand meanwhile is after that
    position, so it is read; reading one twice changes nothing.
  What is left: reading the ledger (every child's wake-up date, about 0.05-0.08 s), the
  alerts open in a DRP stage, read in full every run (about 0.15 s for 1,346, while the
  workers evaluate: knowing which to read needs each mark to carry its response date), and
  start-up (about 0.25 s of CPU before the run begins, most of it imports).
- `timeline CHILD` start-up: what is left is mostly eventsourcing and the store's and
  integrity's aggregates (about 40% of the import time, building some 50 dataclasses),
  click and the rules catalogue. Each command also creates and removes SQLite's write-ahead
  log (closing the last connection checkpoints it): five syncs where the access-log record
  needs one, about 30 ms of wall clock at load 5. `check` in text form still imports the
  nightly batch, and with it the alerts, for the go-live line.
- `timeline CHILD` on PostgreSQL: importing psycopg and opening the pool and schema cost
  several hundred ms before any work.

The CIN census import is measured on its own, by `python -m bench.cin_census`:
[benchmarks-cin-census.md](benchmarks-cin-census.md).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,50000", help="SQLite council sizes")
    parser.add_argument("--postgres", default="10000", help="PostgreSQL council sizes ('' for none)")
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--render-only",
        action="store_true",
        help=f"write the page again from the last run's figures ({RESULTS.relative_to(ROOT)}), measuring nothing",
    )
    args = parser.parse_args()
    if args.one:
        print(json.dumps(scenario(args.one[0], int(args.one[1]))))
        return
    if args.render_only:
        saved = json.loads(RESULTS.read_text(encoding="utf-8"))
        _write(Path(args.out), saved["machine"], saved["results"])
        return
    plan = [("sqlite", int(n)) for n in args.sizes.split(",") if n] + [
        ("postgresql", int(n)) for n in args.postgres.split(",") if n
    ]
    results = []
    for backend, n in plan:
        print(f"bench: {backend} {n} children ...", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "bench.run", "--one", backend, str(n)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"bench: {backend} {n} failed")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        print(json.dumps(result), file=sys.stderr)
        results.append(result)
    info = machine()
    RESULTS.write_text(json.dumps({"machine": info, "results": results}, indent=1), encoding="utf-8")
    _write(Path(args.out), info, results)


def _write(out: Path, info: dict[str, str], results: list[dict[str, Any]]) -> None:
    from bench.web import keep_web_section

    out.write_text(keep_web_section(out, render(info, results)), encoding="utf-8")
    print(f"bench: figures written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
