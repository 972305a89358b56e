"""The CIN census benchmark: write a generated council's year as a census, import it into a
fresh SQLite store, import it again (nothing new), and evaluate its children.

Run with `python -m bench.cin_census [--children 10000] [--out FILE]`; it prints the
figures as JSON and writes them to docs/benchmarks-cin-census.md, its own page (linked from
docs/benchmarks.md, which `make bench` rewrites whole). Not part of `make bench` nor of the
test suite: speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from datetime import UTC, date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

YEAR = "2024-25"
REFERENCE = date(2025, 3, 31)
SEED = 42
ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=10_000, help="children in the synthetic council")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-cin-census.md"))
    args = parser.parse_args()

    from compliance.engine import Engine
    from compliance.sources.cin_census.export import generate_census
    from compliance.sources.cin_census.importer import import_census
    from compliance.store import open_store

    with TemporaryDirectory() as folder:
        census = Path(folder) / "census.xml"
        started = time.perf_counter()
        written = generate_census(census, args.children, seed=SEED, year=YEAR)
        generate_s = time.perf_counter() - started

        store = open_store(str(Path(folder) / "casecheck.db"))
        started, cpu = time.perf_counter(), time.process_time()
        first = import_census(store, census, year=YEAR)
        import_s, import_cpu_s = time.perf_counter() - started, time.process_time() - cpu

        started = time.perf_counter()
        again = import_census(store, census, year=YEAR)
        again_s = time.perf_counter() - started

        started = time.perf_counter()
        obligations = sum(len(e.obligations) for e in Engine(store).evaluate_all(as_of=REFERENCE))
        evaluate_s = time.perf_counter() - started

        figures = {
            "council_children": args.children,
            "census_children": written.children,
            "episodes": written.episodes,
            "census_mb": round(census.stat().st_size / 1e6, 1),
            "generate_s": round(generate_s, 2),
            "facts": first.imported,
            "findings_recorded": first.findings_recorded,
            "import_s": round(import_s, 2),
            "import_cpu_s": round(import_cpu_s, 2),
            "import_facts_per_s": round(first.imported / import_s),
            "load_average": round(os.getloadavg()[0], 1),
            "findings": len(first.census_findings) + len(first.findings),
            "reimport_s": round(again_s, 2),
            "reimport_added": again.imported + again.findings_recorded,
            "evaluate_s": round(evaluate_s, 2),
            "obligations": obligations,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    print(json.dumps(figures))
    Path(args.out).write_text(render(figures), encoding="utf-8")


def render(f: dict[str, Any]) -> str:
    """The page of figures, in the manner of docs/benchmarks.md."""
    wall, cpu = f["import_s"], f["import_cpu_s"]
    lines = [
        "# Benchmark: CIN census import",
        "",
        f"Measured by `python -m bench.cin_census --children {f['council_children']}` "
        f"(`bench/cin_census.py`, seed {SEED}; not part of `make bench`), one run. Machine: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}; "
        f"load average {f['load_average']} at the end of the import. Date: {datetime.now(UTC):%Y-%m-%d}.",
        "",
        f"The synthetic council of {f['council_children']:,} children, written as its {YEAR} census "
        f"(`casecheck generate --format cin-census`), is a year of {f['census_children']:,} children "
        f"with an open episode ({f['episodes']:,} episodes, {f['census_mb']} MB of XML):",
        "",
        "| step | figure |",
        "|---|---|",
        "| import into a fresh SQLite store (parse with defusedxml, check, map, validate, store "
        "in one transaction with the census's findings, timeline findings) "
        f"| {f['facts']:,} facts and {f['findings_recorded']:,} findings in {wall} s wall, {cpu} s CPU: "
        f"about {f['facts'] / wall:,.0f} facts/s wall, {f['facts'] / cpu:,.0f} facts/s CPU |",
        f"| the same census again (nothing new) | {f['reimport_s']} s, {f['reimport_added']} facts added |",
        f"| full evaluation of the imported children as of {REFERENCE:%d %B %Y} "
        f"| {f['evaluate_s']} s, {f['obligations']:,} obligations |",
        f"| peak memory (RSS) of the whole run | {f['peak_rss_mb']:,} MB |",
        "",
        f"Writing the census (generating the council and its XML) took {f['generate_s']} s; that is",
        "the generator's cost, not the import's.",
    ]
    return "\n".join(lines) + "\n" + NOTES


NOTES = """
Most of the import's CPU time is the per-element work of reading the XML, the contract
validation of each fact (pydantic) and writing the store (zlib and JSON of the stored
events), in about equal parts. An earlier version built the tree with the pure-Python
element class that defusedxml's parser uses by default; handing the parser the standard
library's C tree builder (the parsing stays defusedxml's) cut the import's CPU time by
about a quarter.
"""


if __name__ == "__main__":
    main()
