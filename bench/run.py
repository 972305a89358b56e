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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
UNTIL = date(2026, 10, 31)  # fixed, so runs on different days measure the same council
SEED = 42
PG_BASE = "postgresql://postgres@127.0.0.1:5432/test"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def data_file(children: int) -> Path:
    from compliance.synthetic import generate, write_jsonl

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"council-{children}-{SEED}-{UNTIL}.jsonl"
    if not path.exists():
        write_jsonl(path, generate(children, seed=SEED, until=UNTIL, years=5))
    return path


def command(args: list[str], *, stdin: Any = None) -> tuple[float, float]:
    """Run one `casecheck` command as a user would; its wall-clock seconds and its own
    peak memory (RSS, MB), read from the kernel's accounting of that one process."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stdin=stdin
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"bench: casecheck {' '.join(args[2:4])} failed")
    return elapsed, usage.ru_maxrss / 1024


def scenario(backend: str, children: int) -> dict[str, Any]:
    """One full measurement on a fresh store; returns the figures."""
    from compliance.check import CheckQuery, check_rows
    from compliance.engine import Engine, facts_of
    from compliance.store import open_store

    path = data_file(children)
    if backend == "sqlite":
        db = OUT / f"bench-{children}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
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

        # The floor: read and decode every stored event into facts, and nothing else.
        t = time.perf_counter()
        for _child, stored in store.iter_children():
            facts_of(stored)
        floor = time.perf_counter() - t

        # Full evaluation, one process and with two workers (each counts its obligations).
        # CPU seconds too: on a shared machine the wall clock of two workers depends on
        # what else runs, their CPU time does not.
        t, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_utime
        obligations = sum(len(e.obligations) for e in engine.evaluate_all(as_of=UNTIL))
        full = time.perf_counter() - t
        figures["full_cpu_s"] = resource.getrusage(resource.RUSAGE_SELF).ru_utime - cpu
        t, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        query = CheckQuery(as_of=UNTIL, statuses=frozenset({"overdue"}))
        sum(1 for _ in check_rows(engine, query, jobs=2))
        full_jobs2 = time.perf_counter() - t
        figures["full_jobs2_cpu_s"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - cpu
        figures.update(
            floor_s=floor,
            full_s=full,
            full_children_per_s=children / full,
            full_events_per_s=events / full,
            obligations=obligations,
            ratio=full / floor,
            full_jobs2_s=full_jobs2,
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
        figures["nightly_incremental_s"], figures["nightly_incremental_mb"] = command(
            [*cmd, "nightly", "--jobs", "2", "--as-of", next_day.isoformat()]
        )
        figures["nightly_incremental_children"] = len(changed)
        figures["nightly_incremental_share"] = figures["nightly_incremental_s"] / figures["nightly_first_s"]
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


def render(info: dict[str, str], results: list[dict[str, Any]]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (`bench/run.py`) on a synthetic council (`casecheck generate`,",
        f"seed {SEED}, 5 years ending {UNTIL}). Each scenario runs in a fresh process on a fresh store;",
        "each command is run as a user runs it (`casecheck ...`, its own process), and its peak",
        "memory is that process's own (RSS, from the kernel).",
        "",
        f"Machine: {info['cores']} cores, {info['memory']} memory, Python {info['python']}, "
        f"SQLite {info['sqlite']}, PostgreSQL {info['postgresql']}; {info['platform']}. Date: {info['date']}.",
        "The machine is shared: the load average (1, 5, 15 minutes) before and after each scenario",
        "is given with it, since other work on the same two cores slows every figure.",
        "",
        "## How cost grows with the council",
        "",
        "| store | children | events | import | check --json | check --json --jobs 2 "
        "| nightly, first | nightly, 1% changed | timeline CHILD |",
        "|---|---:|---:|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['backend']} | {r['children']:,} | {r['events']:,} "
            f"| {r['import_s']:.1f} s, {r['import_mb']:,.0f} MB "
            f"| {r['check_json_s']:.1f} s, {r['check_json_mb']:,.0f} MB "
            f"| {r['check_json2_s']:.1f} s, {r['check_json2_mb']:,.0f} MB "
            f"| {r['nightly_first_s']:.1f} s, {r['nightly_first_mb']:,.0f} MB "
            f"| {r['nightly_incremental_s']:.2f} s, {r['nightly_incremental_mb']:,.0f} MB "
            f"| {r['timeline_cli_ms']:.0f} ms |"
        )
    lines += [
        "",
        "Time and peak memory of each whole command. The nightly runs use `--jobs 2`;",
        "`timeline CHILD` is the median of 5 runs of the whole command.",
        "",
    ]
    for r in results:
        lines += [
            f"## {r['backend']}, {r['children']:,} children ({r['events']:,} events)",
            "",
            f"- load average before / after: {r['load_before']} / {r['load_after']}",
            f"- import: {r['import_s']:.1f} s, {r['import_events_per_s']:,.0f} events/s, peak {r['import_mb']:,.0f} MB",
            f"- floor (read and decode every stored event): {r['floor_s']:.2f} s",
            f"- full evaluation of every rule for every child, one process: {r['full_s']:.2f} s, "
            f"{r['full_children_per_s']:,.0f} children/s, {r['full_events_per_s']:,.0f} events/s, "
            f"{r['obligations']:,} obligations; {r['ratio']:.1f}x the floor",
            f"- the same in two worker processes: {r['full_jobs2_s']:.2f} s; {r['ratio_jobs2']:.1f}x the floor "
            f"(CPU: {r['full_cpu_s']:.1f} s in one process, {r['full_jobs2_cpu_s']:.1f} s in the two workers together)",
            f"- nightly, incremental after {r['nightly_incremental_children']} children got new events: "
            f"{r['nightly_incremental_s']:.2f} s ({100 * r['nightly_incremental_share']:.1f}% of the first run)",
            f"- one child's timeline in process: {r['timeline_in_process_ms']:.1f} ms (median of 20); "
            f"the whole command: {r['timeline_cli_ms']:.0f} ms",
            "",
        ]
    return "\n".join(lines) + "\n" + NOTES


NOTES = """
## Targets, and where the figures stand

Timings on this machine vary by up to about 25% from run to run (a shared virtual machine), so
the ranges below are over several runs of the same code.

| target | status |
|---|---|
| 10,000 children fully evaluated in under 60 s on SQLite | met: 12-17 s across runs. This council has about 41 events a child (410,000 for 10,000 children), not the 150 the target assumed; at the measured 24,000-32,000 events/s, 1.5M events would take 47-62 s, about the target |
| one child's timeline under 100 ms in process | met (a few ms); the whole CLI command is dominated by Python start-up and imports |
| incremental nightly with 1% changed under 5% of the full run | about 5% at 10,000 children; at 1,000 the fixed part (loading the alert queue and the ledger) weighs more |
| memory bounded: evaluation streams children in batches of 500 | met for evaluation and the nightly run; an import holds one whole file (as plain dicts, not models), since a file is stored in one transaction: 517 MB peak for a 410,000-event file, down from 901 MB |
| full evaluation within 3x of the floor (aim 2x) | **not met**: 6-9x across runs. See below. |

Why the ratio is above target: the floor is unusually cheap because the store keeps one
stored event per child per import (the facts of a file for a child, batched), so reading
and decoding all facts costs about 5 microseconds per fact, mostly C (SQLite and JSON).
Evaluation then runs 39 rules that produce about 37 obligations per child; each obligation
costs roughly 25 microseconds of Python (deadline arithmetic, status, key). The work per
obligation, not the reading, dominates. What was done (profiled with cProfile):
explanations are written only when asked for (they were half the time), the working-day
calendar answers in O(1) from prefix counts instead of walking days, derived facts that
several rules need (eligibility, visits by placement) are computed once per child, and the
alert queue is loaded in one pass over the log instead of one query per alert, each
deadline is worked out once per (timescale, clock start) in an evaluation, and the import's
content digest comes from pydantic's own serialiser. What would close the rest: building
obligations without a per-rule context object and a frozen dataclass per obligation, or
running children in parallel processes (the evaluation is embarrassingly parallel; this
machine has 2 cores).

Before and after the optimisations (1,000 children, SQLite):

| | before | after |
|---|---|---|
| full evaluation | 2.45 s | 1.2-1.6 s |
| ratio full evaluation / floor | 11.4x | 6-9x |
| incremental nightly, 1% changed | 0.39 s (15.8% of full) | 0.15 s (9%) |
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="SQLite council sizes")
    parser.add_argument("--postgres", default="10000", help="PostgreSQL council sizes ('' for none)")
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if args.one:
        print(json.dumps(scenario(args.one[0], int(args.one[1]))))
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
    Path(args.out).write_text(render(machine(), results), encoding="utf-8")
    print(f"bench: figures written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
