"""The SSDA903 benchmark: write a generated council's year as a 903 return, import it into a
fresh SQLite store, import it again (nothing new), and evaluate its children.

Run with `python -m bench.ssda903 [--children 33000]`: a council of 33,000 children gives a
2024-25 return of about 10,000 children looked after in the year. It prints the figures as
JSON (the section "SSDA903 import" of docs/benchmarks.md gives them). Not part of the test
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
    parser.add_argument("--children", type=int, default=33_000, help="children in the synthetic council")
    args = parser.parse_args()

    from compliance.engine import Engine
    from compliance.sources.ssda903.exporter import export_generated
    from compliance.sources.ssda903.importer import import_returns
    from compliance.store import open_store

    with TemporaryDirectory() as folder:
        directory = Path(folder) / "903"
        started = time.perf_counter()
        written = export_generated(
            args.children, seed=SEED, until=REFERENCE, years=5, year=YEAR, out=directory
        )
        generate_s = time.perf_counter() - started

        store = open_store(str(Path(folder) / "casecheck.db"))
        started, cpu = time.perf_counter(), time.process_time()
        first = import_returns(store, [directory], year=YEAR)
        import_s, import_cpu_s = time.perf_counter() - started, time.process_time() - cpu

        started = time.perf_counter()
        again = import_returns(store, [directory], year=YEAR)
        again_s = time.perf_counter() - started

        started = time.perf_counter()
        evaluations = list(Engine(store).evaluate_all(as_of=REFERENCE))
        evaluate_s = time.perf_counter() - started

        figures = {
            "council_children": args.children,
            "return_children": written.children,
            "rows": dict(written.rows),
            "return_mb": round(sum(p.stat().st_size for p in directory.iterdir()) / 1e6, 1),
            "generate_s": round(generate_s, 2),
            "events": first.imported,
            "import_s": round(import_s, 2),
            "import_cpu_s": round(import_cpu_s, 2),
            "import_events_per_s": round(first.imported / import_s),
            "load_average": round(os.getloadavg()[0], 1),
            "findings": len(first.findings) + len(first.timeline_findings),
            "findings_recorded": sum(y.findings_recorded for y in first.years),
            "reimport_s": round(again_s, 2),
            "reimport_added": again.imported,
            "evaluate_s": round(evaluate_s, 2),
            "obligations": sum(len(e.obligations) for e in evaluations),
            "no_data": sum(1 for e in evaluations for o in e.obligations if str(o.status) == "no_data"),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
