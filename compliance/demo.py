"""`casecheck demo`: a made-up council, imported, checked and alerted on, in one command."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from compliance.alerts import AlertQueue, AlertView, Filters, counts_by
from compliance.engine import Engine
from compliance.nightly import RunSummary, run_nightly
from compliance.settings import Settings
from compliance.sources.event_files import ImportResult, import_files
from compliance.store import open_store
from compliance.synthetic import generate, write_jsonl
from rules.obligation import Status

#: The rules whose timeliness a manager looks at first (scorecard and IRO report measures).
MAIN_RULES = (
    "LAC-REV-1",
    "LAC-REV-N",
    "HLT-IHA-REQ",
    "HLT-IHA",
    "VIS-2",
    "EDU-PEP-TERM",
    "MIS-RHI",
    "CP-ICPC",
    "CP-VIS",
)


@dataclass
class DemoReport:
    directory: Path
    as_of: date
    children: int
    imported: ImportResult
    nightly: RunSummary
    statuses: Counter[str] = field(default_factory=Counter)
    on_time: dict[str, tuple[int, int]] = field(default_factory=dict)  # rule -> (on time, due)
    findings: int = 0
    by_theme: list[tuple[str, int]] = field(default_factory=list)
    by_team: list[tuple[str, int]] = field(default_factory=list)
    urgent: list[AlertView] = field(default_factory=list)
    open_alerts: int = 0
    example_child: str = ""


def run_demo(
    directory: Path,
    *,
    children: int = 500,
    seed: int = 2026,
    until: date,
    step: Callable[[str], None] | None = None,
) -> DemoReport:
    say = step or (lambda _text: None)
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "council.jsonl"
    db = directory / "casecheck.db"
    for old in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        old.unlink(missing_ok=True)  # the demo's own previous store, so each demo starts fresh

    say(f"generating a made-up council of {children} children (seed {seed}) ...")
    write_jsonl(data, generate(children, seed=seed, until=until))
    store = open_store(str(db))
    say(f"importing {data} ...")
    imported = import_files(store, [data], now=datetime.now(UTC))
    engine = Engine(store, Settings(council="Demo Council"))
    say(f"running the nightly batch as of {until:%a %-d %b %Y} ...")
    nightly = run_nightly(store, engine, as_of=until, now=datetime.now(UTC))

    report = DemoReport(directory, until, children, imported, nightly)
    report.findings = len(imported.findings)
    most_overdue = (0, "")
    for evaluation in engine.evaluate_all(as_of=until):
        overdue_here = 0
        for o in evaluation.obligations:
            report.statuses[str(o.status)] += 1
            if o.rule in MAIN_RULES and o.status in (Status.MET, Status.LATE, Status.OVERDUE, Status.MISSED):
                good, due = report.on_time.get(o.rule, (0, 0))
                report.on_time[o.rule] = (good + (o.status is Status.MET), due + 1)
            overdue_here += o.status is Status.OVERDUE
        if overdue_here > most_overdue[0] and evaluation.timeline.periods:
            most_overdue = (overdue_here, evaluation.child)
    report.example_child = most_overdue[1] or (store.children()[0] if store.children() else "")
    views = AlertQueue(store, engine.settings).list(Filters(status="open"), today=until)
    report.open_alerts = len(views)
    report.by_theme = counts_by(views, "theme")
    report.by_team = counts_by(views, "team")
    report.urgent = views[:10]
    return report


@dataclass(frozen=True)
class DemoAccount:
    name: str
    role: str
    teams: tuple[str, ...]
    iro: str | None


def add_demo_accounts(
    directory: Path, report: DemoReport, *, password: str, now: datetime
) -> list[DemoAccount]:
    """Accounts for trying the web workspace on the demo store, one per case role: a
    service manager, a manager of the team with most open alerts, the IRO of the child
    shown first, and an auditor. They share one password, made fresh for each demo."""
    from compliance.accounts import Accounts

    store = open_store(str(directory / "casecheck.db"))
    team = next((t for t, _n in report.by_team if t != "(none)"), "North")
    iro = next((v.alert.iro for v in report.urgent if v.alert.iro), None) or "IRO01"
    wanted = [
        DemoAccount("demo-manager", "service_manager", (), None),
        DemoAccount("demo-team", "team_manager", (team,), None),
        DemoAccount("demo-iro", "iro", (), iro),
        DemoAccount("demo-auditor", "auditor", (), None),
    ]
    accounts = Accounts(store)
    for a in wanted:
        accounts.add(
            a.name, roles=[a.role], teams=a.teams, iro=a.iro, password=password, now=now, by="casecheck demo"
        )
    return wanted
