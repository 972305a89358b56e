"""Web workspace benchmark: server time of the queue page with 50,000 alerts and of the
child page of a child with ten years of history, median and p95 over 200 requests.

Run with `python -m bench.web` (after `make bench` has made the virtualenv). The requests
go through Flask's test client in process, so the figures are the server's own time
(routing, sign-in check, use case, template), without the network. The figures replace
the web section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- web benchmark: start -->", "<!-- web benchmark: end -->"
AS_OF = date(2026, 10, 31)
NOW = datetime(2026, 10, 31, 12, tzinfo=UTC)
PASSWORD = "benchmark passphrase"
TEAMS = ("North", "South", "Permanence", "Leaving Care", "Children with Disabilities")
THEMES = ("Deficiencies in care planning", "Health", "Education", "Placement issues", "Drift / legal issues")
RULES = ("LAC-REV-N", "HLT-IHA", "VIS-2", "EDU-PEP-TERM", "HLT-DENTAL")


def make_alerts(store: Any, n: int) -> None:
    """`n` open breach alerts over n/5 children, teams, IROs and rules, some escalated."""
    from compliance.alerts import AlertQueue, ref_for_obligation

    queue = AlertQueue(store)
    batch = []
    for i in range(n):
        child = f"C{i // 5:06d}"
        rule = RULES[i % 5]
        due = date(2024 + (i % 3), 1 + (i % 12), 1 + (i % 28))
        alert = queue.new_alert(
            ref=ref_for_obligation(f"{child}|{rule}|{i}"),
            child=child,
            kind="breach",
            theme=THEMES[i % 5],
            by="casecheck nightly",
            now=datetime(2026, 1 + (i % 10), 1 + (i % 27), 2, tzinfo=UTC),
            rule=rule,
            key=f"{child}|{rule}|{i}",
            title="benchmark obligation",
            due=due,
            days_overdue=10 + i % 200,
            team=TEAMS[(i // 5) % 5],
            iro=f"IRO{1 + (i // 5) % 9:02d}",
        )
        if i % 7 == 0:
            alert.trigger_event(
                type(alert).Escalated,
                stage="1",
                stage_response_due=date(2026, 10, 1),
                raised_to="team manager",
                by="IRO01",
                at=NOW,
                note=None,
            )
        batch.append(alert)
        if len(batch) == 1000:
            store.save(*batch)
            batch = []
    if batch:
        store.save(*batch)


def signed_in(app: Any, name: str) -> Any:
    client = app.test_client()
    page = client.get("/").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/", data={"name": name, "password": PASSWORD, "csrf_token": token})
    return client


def timed(client: Any, url: str, n: int) -> dict[str, float]:
    client.get(url)  # warm: the first request fills the in-memory alert cache
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * len(times)) - 1], "n": n}


def after_change(app: Any, store: Any, n: int) -> dict[str, float]:
    """The queue page's first request after an alert changed (the cached queue is rebuilt)."""
    from compliance.alerts import AlertQueue

    client = signed_in(app, "sm")
    queue = AlertQueue(store)
    refs = [a.ref for _, a in zip(range(n), queue.all(), strict=False)]
    times = []
    for i, ref in enumerate(refs):
        queue.assign(ref, f"worker {i}", by="bench", now=NOW)
        started = time.perf_counter()
        assert client.get("/queue").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * len(times)) - 1], "n": n}


def child_after_change(app: Any, store: Any, child: str, n: int) -> dict[str, float]:
    """The child page's first request after something was recorded (another child's fact):
    the child is evaluated and its page shaped afresh."""
    from events.models import parse_event

    client = signed_in(app, "sm")
    client.get(f"/children/{child}")
    times = []
    for i in range(n):
        fact = {"child": f"Z{i:06d}", "type": "entered_care", "at": "2026-01-05", "id": f"bench-{i}"}
        store.record({fact["child"]: [parse_event({**fact, "legal_status": "C2"}).to_record()]})
        started = time.perf_counter()
        assert client.get(f"/children/{child}").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * len(times)) - 1], "n": n}


def run(alerts: int, requests: int) -> dict[str, Any]:
    from argon2 import PasswordHasher

    from compliance.accounts import Accounts
    from compliance.sources.event_files import import_files
    from compliance.store import open_store
    from compliance.synthetic import generate, write_jsonl
    from compliance.web import WebSettings, create_app

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Queue: 50,000 alerts, seen by a service manager (every alert is in scope).
        store = open_store(str(Path(tmp) / "queue.db"))
        started = time.perf_counter()
        make_alerts(store, alerts)
        out["alerts_setup_s"] = time.perf_counter() - started
        accounts = Accounts(store, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        accounts.add("sm", roles=["service_manager"], password=PASSWORD, now=NOW, by="bench")
        accounts.add("tm", roles=["team_manager"], teams=["North"], password=PASSWORD, now=NOW, by="bench")
        app = create_app(WebSettings(store=store, as_of=AS_OF, clock=lambda: NOW, secret_key="bench"))
        out["queue_all"] = timed(signed_in(app, "sm"), "/queue", requests)
        out["queue_page_40"] = timed(signed_in(app, "sm"), "/queue?page=40&sort=overdue", requests)
        out["queue_team"] = timed(signed_in(app, "tm"), "/queue?stage=1", requests)
        out["queue_after_change"] = after_change(app, store, max(20, requests // 5))
        del app, store  # the queue's 50,000 alerts are not the child page's garbage to collect
        gc.collect()

        # Child: ten years of history; the child with the most facts in a made-up council.
        data = Path(tmp) / "council.jsonl"
        write_jsonl(data, generate(300, seed=7, until=AS_OF, years=10))
        store = open_store(str(Path(tmp) / "child.db"))
        import_files(store, [data], now=NOW)
        counts: dict[str, int] = {}
        for child, facts in store.iter_children():
            counts[child] = len(facts)
        child = max(counts, key=lambda c: counts[c])
        out["child"] = child
        out["child_facts"] = counts[child]
        Accounts(store, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)).add(
            "sm", roles=["service_manager"], password=PASSWORD, now=NOW, by="bench"
        )
        app = create_app(WebSettings(store=store, as_of=AS_OF, clock=lambda: NOW, secret_key="bench"))
        gc.collect()
        out["child_page"] = timed(signed_in(app, "sm"), f"/children/{child}", requests)
        out["child_after_change"] = child_after_change(app, store, child, max(20, requests // 5))
    return out


TARGETS = {
    "queue_all": 300,
    "queue_page_40": 300,
    "queue_team": 300,
    "queue_after_change": 300,
    "child_page": 200,
    "child_after_change": 200,
}


def verdict(r: dict[str, Any]) -> str:
    missed = [key for key, target in TARGETS.items() if r[key]["p95_ms"] >= target]
    if not missed:
        return "Every page meets its p95 target."
    return "**Not met** (p95 over its target): " + ", ".join(
        f"{key} ({r[key]['p95_ms']:.0f} ms against {TARGETS[key]} ms)" for key in missed
    )


def render(r: dict[str, Any], alerts: int, requests: int) -> str:
    def row(name: str, key: str, target: str) -> str:
        f = r[key]
        return f"| {name} | {f['median_ms']:.0f} ms | {f['p95_ms']:.0f} ms | {target} |"

    return "\n".join(
        [
            START,
            "## Web workspace: server time per page",
            "",
            f"Measured by `python -m bench.web` on {date.today():%Y-%m-%d}: {requests} requests each through",
            "Flask's test client in process (routing, session check, the use case, the template; no",
            f"network), SQLite store. Queue: {alerts:,} open alerts over {alerts // 5:,} children, 5 teams and",
            f"9 IROs. Child: {r['child']}, the child with the most facts ({r['child_facts']}) in a made-up council",
            "of 300 children over 10 years. Every child-page request also appends its access-log entry.",
            "",
            "| page | median | p95 | target (p95) |",
            "|---|---|---|---|",
            row(f"queue, service manager (all {alerts:,} alerts), first page", "queue_all", "300 ms"),
            row("queue, page 40 sorted by days overdue", "queue_page_40", "300 ms"),
            row("queue, team manager of one team, filtered to stage 1", "queue_team", "300 ms"),
            row(
                f"queue, first request after an alert changed ({r['queue_after_change']['n']} changes)",
                "queue_after_change",
                "300 ms",
            ),
            row("child page, ten years of history", "child_page", "200 ms"),
            row(
                f"child page, first request after a record changed ({r['child_after_change']['n']} changes)",
                "child_after_change",
                "200 ms",
            ),
            "",
            "The queue keeps the alerts in memory and reads only the notifications it has not seen",
            "before each request. Each filtered, sorted queue is kept with its counts by theme, team,",
            "stage and IRO; when alerts change (by the workspace, the nightly batch or the command",
            "line; page views do not count), only those alerts are taken out of it and, if they still",
            "pass the filters, put back in their place, so the next request neither filters nor sorts",
            "every alert again. That request is the fourth row above. A child's evaluation and",
            "timeline are likewise kept until something is recorded: the last row is the request",
            "that works them out again.",
            "",
            f"Machine: {r['machine']}. It is shared: load average (1, 5, 15 minutes) before",
            f"{r['load_before']} and after {r['load_after']}; other work on the same cores slows every figure.",
            "",
            verdict(r),
            END,
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--alerts", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--out", default=str(DOC))
    args = parser.parse_args()
    before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result = run(args.alerts, args.requests)
    result["load_before"] = before
    result["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result["machine"] = (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}"
    )
    print(result, file=sys.stderr)
    write_section(Path(args.out), render(result, args.alerts, args.requests))


def keep_web_section(path: Path, text: str) -> str:
    """`text` (the rest of the benchmark page, rewritten) with this page's web section kept."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in old and END in old and START not in text:
        section = START + old.split(START, 1)[1].split(END, 1)[0] + END + "\n"
        return text.rstrip("\n") + "\n\n" + section
    return text


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
