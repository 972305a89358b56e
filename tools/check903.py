"""Run the DfE's SSDA903 validator (csc-validator-be-903) on a directory of 903 tables.

Runs in the validator's own virtual environment (`make .venv-903`), not casecheck's:

    .venv-903/bin/python tools/check903.py DIR --year 2024-25

Prints JSON: for each rule of that year's rule set that found errors, how many rows, its
message, tables, affected fields and the rows flagged in each table; and the rules it
skipped (a table it needs is not there) or that crashed inside the validator.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import logging
import sys
from contextlib import redirect_stdout
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--year", required=True, help="collection year, e.g. 2024-25")
    args = parser.parse_args()
    start, end = args.year.split("-")
    ending = int(start) + 1
    ruleset = f"lac{start}_{end}"

    logging.disable(logging.CRITICAL)  # the validator logs every rule at INFO
    from lac_validator import lac_validator

    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    files = [
        {"name": p.name, "description": "This year", "file_content": p.read_bytes()}
        for p in sorted(args.directory.glob("*.csv"))
    ]
    with redirect_stdout(io.StringIO()):
        v = lac_validator.LacValidator(
            metadata={"collectionYear": str(ending), "localAuthority": "E09000027"},
            files=files,
            registry=registry,
        )
    errors = {}
    for table, frame in v.ds_results.items():
        if not hasattr(frame, "columns"):
            continue
        for column in frame.columns:
            if not str(column).startswith("ERR_"):
                continue
            flagged = frame[column].fillna(False).astype(bool)
            count = int(flagged.sum())
            if not count:
                continue
            code = str(column)[4:]
            rule = registry.get(code)
            entry = errors.setdefault(
                code,
                {
                    "count": 0,
                    "tables": [],
                    "message": getattr(rule, "message", ""),
                    "affected_fields": sorted(getattr(rule, "affected_fields", []) or []),
                    "rows": {},
                },
            )
            entry["count"] += count
            entry["tables"].append(table)
            # Each flagged row by its place in the table's file, 0 for the first after the header.
            entry["rows"][table] = [int(i) for i in frame.index[flagged.to_numpy()]]
    json.dump(
        {
            "ruleset": ruleset,
            "rules": len(registry),
            "errors": errors,
            "skipped": sorted(map(str, v.skips)),
            "crashed": sorted(map(str, v.fails)),
            "done": len(v.dones),
        },
        sys.stdout,
        indent=1,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
