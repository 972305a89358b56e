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


def scenario(backend: str, children: int) -> dict[str, Any]:
    """One full measurement on a fresh store; returns the figures."""
    from compliance.engine import Engine, facts_of
    from compliance.nightly import run_nightly
    from compliance.sources.event_files import import_files
    from compliance.store import open_store
    from events.models import parse_event
    from events.timeline import Fact

    path = data_file(children)
    if backend == "sqlite":
        db = OUT / f"bench-{children}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        url = str(db)
    else:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        url = f"{PG_BASE}?schema={schema}"
    store = open_store(url)
    engine = Engine(store)
    figures: dict[str, Any] = {"backend": backend, "children": children}

    t = time.perf_counter()
    result = import_files(store, [path], now=datetime(2026, 11, 1, tzinfo=UTC))
    elapsed = time.perf_counter() - t
    events = result.imported
    figures.update(events=events, import_s=elapsed, import_events_per_s=events / elapsed)

    # The floor: read and decode every stored event into facts, and nothing else.
    t = time.perf_counter()
    n = 0
    for _child, stored in store.iter_children():
        n += len(facts_of(stored))
    floor = time.perf_counter() - t
    figures.update(floor_s=floor, floor_events=n)

    t = time.perf_counter()
    obligations = 0
    for evaluation in engine.evaluate_all(as_of=UNTIL):
        obligations += len(evaluation.obligations)
    full = time.perf_counter() - t
    figures.update(
        full_s=full,
        full_children_per_s=children / full,
        full_events_per_s=events / full,
        obligations=obligations,
        ratio=full / floor,
    )

    # Nightly: a first (full) run, then 1% of children get new events, then the incremental run.
    t = time.perf_counter()
    first = run_nightly(store, engine, as_of=UNTIL, now=datetime(2026, 11, 1, 1, tzinfo=UTC))
    figures["nightly_first_s"] = time.perf_counter() - t
    figures["nightly_first_alerts"] = getattr(first, "alerts_raised", None)
    changed = sorted(store.children())[::100]
    next_day = UNTIL + timedelta(days=1)
    batch = [
        {"child": c, "type": "statutory_visit", "at": next_day.isoformat(), "id": f"bench-{c}"}
        for c in changed
    ]
    from compliance.sources.event_files import import_events
    from events.parse import ParsedEvent

    import_events(
        store,
        [ParsedEvent.of(i + 1, parse_event(e)) for i, e in enumerate(batch)],
        source="bench",
        now=datetime(2026, 11, 1, 12, tzinfo=UTC),
    )
    t = time.perf_counter()
    incremental = run_nightly(store, engine, as_of=next_day, now=datetime(2026, 11, 2, 1, tzinfo=UTC))
    figures["nightly_incremental_s"] = time.perf_counter() - t
    figures["nightly_incremental_children"] = getattr(incremental, "children_evaluated", None)
    figures["nightly_incremental_share"] = figures["nightly_incremental_s"] / full

    # One child's timeline: in process (read + evaluate), and the whole CLI command.
    child = changed[len(changed) // 2]
    samples = []
    for _ in range(20):
        t = time.perf_counter()
        engine.evaluate(child, as_of=UNTIL)
        samples.append(time.perf_counter() - t)
    samples.sort()
    figures["timeline_in_process_ms"] = samples[len(samples) // 2] * 1000
    if backend == "sqlite":
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cli", "--db", url, "timeline", child, "--as-of", UNTIL.isoformat()],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        figures["timeline_cli_ms"] = (time.perf_counter() - t) * 1000
    figures["decode_check_us"] = _pydantic_cost(parse_event, Fact)
    figures["peak_rss_mb"] = peak_rss_mb()
    if backend != "sqlite":
        import psycopg

        with psycopg.connect(PG_BASE, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return figures


def _pydantic_cost(parse_event: Any, fact: Any) -> float:
    record = {"child": "C1", "type": "review_held", "at": "2022-09-12", "kind": "looked_after"}
    t = time.perf_counter()
    for i in range(10_000):
        fact(record, seq=i)
    return (time.perf_counter() - t) / 10_000 * 1e6


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
        f"seed {SEED}, 5 years ending {UNTIL}). Each scenario runs in a fresh process on a fresh store.",
        "",
        f"Machine: {info['cores']} cores, {info['memory']} memory, Python {info['python']}, "
        f"SQLite {info['sqlite']}, PostgreSQL {info['postgresql']}; {info['platform']}. Date: {info['date']}.",
        "",
    ]
    for r in results:
        lines += [
            f"## {r['backend']}, {r['children']:,} children ({r['events']:,} events)",
            "",
            f"- import: {r['import_s']:.1f} s, {r['import_events_per_s']:,.0f} events/s",
            f"- floor (read and decode every stored event): {r['floor_s']:.2f} s",
            f"- full evaluation of every rule for every child: {r['full_s']:.2f} s, "
            f"{r['full_children_per_s']:,.0f} children/s, {r['full_events_per_s']:,.0f} events/s, "
            f"{r['obligations']:,} obligations",
            f"- ratio full evaluation / floor: {r['ratio']:.1f}x",
            f"- nightly, first run (everyone): {r['nightly_first_s']:.2f} s",
            f"- nightly, incremental after 1% of children got new events: {r['nightly_incremental_s']:.2f} s "
            f"({r['nightly_incremental_children']} children evaluated; {100 * r['nightly_incremental_share']:.1f}% of the full evaluation)",
            f"- one child's timeline in process: {r['timeline_in_process_ms']:.1f} ms (median of 20)",
        ]
        if "timeline_cli_ms" in r:
            lines.append(f"- one child's timeline, whole CLI command: {r['timeline_cli_ms']:.0f} ms")
        lines += [f"- peak memory (RSS): {r['peak_rss_mb']:,.0f} MB", ""]
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

The CIN census import is measured on its own, by `python -m bench.cin_census`:
[benchmarks-cin-census.md](benchmarks-cin-census.md).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="SQLite council sizes")
    parser.add_argument("--postgres", default="1000", help="PostgreSQL council sizes ('' for none)")
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
    from bench.web import keep_web_section

    Path(args.out).write_text(keep_web_section(Path(args.out), render(machine(), results)), encoding="utf-8")
    print(f"bench: figures written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
