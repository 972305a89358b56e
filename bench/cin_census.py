"""The CIN census benchmark: write a generated council's year as a census, import it into a
fresh SQLite store, import it again (nothing new), and evaluate its children.

Run with `python -m bench.cin_census [--children 10000]`; it prints the figures as JSON
(the section "CIN census import" of docs/benchmarks.md gives them). Not part of the test
suite: speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

YEAR = "2024-25"
REFERENCE = date(2025, 3, 31)
SEED = 42


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=10_000, help="children in the synthetic council")
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
            "import_s": round(import_s, 2),
            "import_cpu_s": round(import_cpu_s, 2),
            "import_facts_per_s": round(first.imported / import_s),
            "load_average": round(os.getloadavg()[0], 1),
            "findings": len(first.census_findings) + len(first.findings),
            "reimport_s": round(again_s, 2),
            "reimport_added": again.imported,
            "evaluate_s": round(evaluate_s, 2),
            "obligations": obligations,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
