"""The command line as a user meets it: CliRunner with a temporary SQLite store."""

import json

import pytest
from click.testing import CliRunner

from cli import cli
from tests.samples import every_type_for


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "casecheck.db")


def run(db, *args, input=None):
    return CliRunner().invoke(cli, ["--db", db, *args], input=input, catch_exceptions=False)


def write_lines(path, events):
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def looked_after_child(child="C1"):
    return [
        {
            "child": child,
            "id": f"{child}-1",
            "type": "child_registered",
            "at": "2022-09-12",
            "dob": "2012-05-01",
        },
        {
            "child": child,
            "id": f"{child}-2",
            "type": "entered_care",
            "at": "2022-09-12",
            "legal_status": "C2",
        },
        {
            "child": child,
            "id": f"{child}-3",
            "type": "placement_started",
            "at": "2022-09-12",
            "placement_type": "U4",
        },
        {"child": child, "id": f"{child}-4", "type": "review_held", "at": "2022-10-12"},
    ]


def test_import_reports_events_children_and_already_present(tmp_path, db):
    path = write_lines(tmp_path / "a.jsonl", looked_after_child("C1") + looked_after_child("C2"))

    first = run(db, "import", str(path))
    second = run(db, "import", str(path))

    assert first.exit_code == 0
    assert first.output.splitlines()[0] == "imported 8 events for 2 children (0 already present)"
    assert second.output.splitlines()[0] == "imported 0 events for 2 children (8 already present)"


def test_a_bad_line_rejects_the_whole_file_with_exit_status_2_and_stores_nothing(tmp_path, db):
    events = looked_after_child()
    events[2] = {**events[2], "type": "review_hled"}
    path = write_lines(tmp_path / "bad.jsonl", events)

    result = run(db, "import", str(path))
    after = run(db, "check", "--json", "--as-of", "2022-12-01")

    assert result.exit_code == 2
    assert f"{path}:3: type: unknown event type 'review_hled'; did you mean 'review_held'?" in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(after.output) == []


def test_a_conflicting_reimport_is_refused_and_changes_nothing(tmp_path, db):
    good = write_lines(tmp_path / "a.jsonl", looked_after_child())
    changed = looked_after_child()
    changed[3] = {**changed[3], "at": "2022-10-13"}
    conflict = write_lines(
        tmp_path / "b.jsonl", changed + [{"child": "C9", "type": "dental_check", "at": "2022-01-01"}]
    )
    run(db, "import", str(good))

    result = run(db, "import", str(conflict))
    timeline = json.loads(run(db, "timeline", "C1", "--json", "--as-of", "2022-12-01").output)

    assert result.exit_code == 2
    assert f"{conflict}:4: id: already recorded for child C1 with different content" in result.stderr
    assert "C1-4" not in result.stderr  # the line names the event; its id is not repeated
    assert [e["at"] for e in timeline["events"] if e["type"] == "review_held"] == ["2022-10-12"]
    assert run(db, "timeline", "C9").exit_code == 2


def test_every_event_type_round_trips_import_store_and_timeline_json(tmp_path, db):
    events = every_type_for("C7") + [
        {"child": "C7", "id": "C7-999", "type": "left_care", "at": "2021-06-01", "reason": "E11"}
    ]
    path = write_lines(tmp_path / "all.jsonl", events)

    run(db, "import", str(path))
    shown = json.loads(run(db, "timeline", "C7", "--json", "--as-of", "2031-01-01").output)

    by_id = {e["id"]: e for e in shown["events"]}
    # A return's finding is listed with the findings, not as an event of the journey.
    journey = [e for e in events if e["type"] != "finding_recorded"]
    noted = [e for e in events if e["type"] == "finding_recorded"]
    assert len(by_id) == len(journey)
    assert [
        (f["rule"], f["title"], f["event"])
        for f in shown["findings"]
        if f["event"] in {n["id"] for n in noted}
    ] == [(n["code"], n["message"], n["id"]) for n in noted]
    for event in journey:
        stored = by_id[event["id"]]
        for name, value in event.items():
            if name in ("at", "recorded_at"):
                continue
            assert stored[name] == value, (event["type"], name)


def test_an_unknown_child_is_one_clear_error_line(tmp_path, db):
    run(db, "import", str(write_lines(tmp_path / "a.jsonl", looked_after_child("C1"))))

    result = run(db, "timeline", "NOBODY")

    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "NOBODY" in result.stderr


def test_timeline_known_at_shows_a_retracted_event_only_before_the_retraction(tmp_path, db):
    events = looked_after_child() + [
        {
            "child": "C1",
            "id": "C1-5",
            "type": "retracted",
            "at": "2022-11-01",
            "target": "C1-4",
            "reason": "entered in error",
            "recorded_at": "2022-11-01T09:00:00+00:00",
        }
    ]
    events[3] = {**events[3], "recorded_at": "2022-10-12T17:00:00+01:00"}
    run(db, "import", str(write_lines(tmp_path / "r.jsonl", events)))

    before = json.loads(
        run(db, "timeline", "C1", "--json", "--as-of", "2022-12-01", "--known-at", "2022-10-31T12:00").output
    )
    after = json.loads(
        run(db, "timeline", "C1", "--json", "--as-of", "2022-12-01", "--known-at", "2022-11-01T10:00").output
    )

    review_before = [e for e in before["events"] if e["id"] == "C1-4"]
    review_after = [e for e in after["events"] if e["id"] == "C1-4"]
    assert [e["retracted"] for e in review_before] == [False]
    assert [e["retracted"] for e in review_after] == [True]


def test_check_json_gives_the_contract_fields_and_the_worked_example(tmp_path, db):
    run(db, "import", str(write_lines(tmp_path / "a.jsonl", looked_after_child())))

    result = run(db, "check", "--json", "--as-of", "2022-12-01", "--rule", "LAC-REV-1")

    (first_review,) = json.loads(result.output)
    assert {
        k: first_review[k]
        for k in ("child", "rule", "basis", "started_on", "due", "status", "met_on", "days_late")
    } == {
        "child": "C1",
        "rule": "LAC-REV-1",
        "basis": "reg",
        "started_on": "2022-09-12",
        "due": "2022-10-11",  # 20 WD from Mon 12 Sep 2022, skipping the State Funeral on 19 Sep
        "status": "late",
        "met_on": "2022-10-12",
        "days_late": 1,
    }
    assert first_review["key"] == "C1|LAC-REV-1|2022-09-12"


def test_check_fail_on_overdue_exits_1_when_something_is_overdue(tmp_path, db):
    events = looked_after_child()[:3]
    run(db, "import", str(write_lines(tmp_path / "a.jsonl", events)))

    result = run(db, "check", "--as-of", "2022-12-01", "--fail-on", "overdue", "--rule", "LAC-REV-1")

    assert result.exit_code == 1
    assert "overdue" in result.output


def test_check_reports_data_quality_findings_under_their_own_ids(tmp_path, db):
    events = [{"child": "C3", "type": "returned", "at": "2023-03-02T08:00"}]
    run(db, "import", str(write_lines(tmp_path / "dq.jsonl", events)))

    rows = json.loads(run(db, "check", "--json", "--as-of", "2023-04-01", "--rule", "DQ").output)

    assert [(r["rule"], r["status"]) for r in rows] == [("DQ-RETURN-WITHOUT-MISSING", "finding")]


def test_rules_lists_the_catalogue_and_shows_one_rule_with_its_worked_example(db):
    listing = run(db, "rules", "--json")
    one = run(db, "rules", "LAC-REV-1")

    ids = {r["id"] for r in json.loads(listing.output)}
    assert {"LAC-REV-1", "HLT-IHA", "MIS-RHI", "CP-ICPC", "VIS-1", "CL-ASSESS", "ADP-REV-1"} <= ids
    assert "reg 33" in one.output
    assert "2022" in one.output


def test_csv_import_reads_the_same_events(tmp_path, db):
    path = tmp_path / "a.csv"
    path.write_text(
        "child,id,type,at,legal_status,placement_type\n"
        "C1,1,entered_care,2022-09-12,C2,\n"
        "C1,2,placement_started,2022-09-12,,U4\n",
        encoding="utf-8",
    )

    result = run(db, "import", str(path))

    assert result.output.splitlines()[0] == "imported 2 events for 1 child (0 already present)"


def test_stdin_import_reads_json_lines(db):
    lines = "".join(json.dumps(e) + "\n" for e in looked_after_child())

    result = run(db, "import", "-", input=lines)

    assert result.output.splitlines()[0] == "imported 4 events for 1 child (0 already present)"


def test_the_demo_generates_imports_runs_nightly_and_shows_the_summary(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["demo", "--children", "60", "--dir", str(tmp_path / "demo"), "--until", "2026-10-31"],
        catch_exceptions=False,
    )

    assert result.exit_code == 0
    for heading in (
        "Obligations by status",
        "On time",
        "Open alerts by theme",
        "Open alerts by team",
        "most urgent alerts",
        "Look further",
    ):
        assert heading in result.output
    assert (tmp_path / "demo" / "casecheck.db").exists()


def test_nightly_twice_for_the_same_date_raises_nothing_the_second_time(tmp_path, db):
    path = write_lines(tmp_path / "a.jsonl", looked_after_child("C1")[:3])
    run(db, "import", str(path))

    first = json.loads(run(db, "nightly", "--as-of", "2022-12-01", "--json").output)
    second = json.loads(run(db, "nightly", "--as-of", "2022-12-01", "--json").output)
    runs = json.loads(run(db, "runs", "--json").output)

    assert first["alerts_raised"] >= 1
    assert second["alerts_raised"] == 0
    assert len(runs) == 2 and all(r["completed"] for r in runs)


def test_audit_lists_what_was_recorded_late_and_what_it_changed(tmp_path, db):
    events = [{**e, "recorded_at": "2022-09-12T17:00:00+01:00"} for e in looked_after_child()[:3]] + [
        {
            "child": "C1",
            "id": "C1-9",
            "type": "review_held",
            "at": "2022-10-10",
            "recorded_at": "2022-11-20T10:00:00+00:00",
        }
    ]
    run(db, "import", str(write_lines(tmp_path / "a.jsonl", events)))

    report = json.loads(
        run(db, "audit", "C1", "--as-of", "2022-11-15", "--known-at", "2022-11-15", "--json").output
    )

    assert [e["id"] for e in report["recorded_late"]] == ["C1-9"]
    change = next(c for c in report["changes"] if c["rule"] == "LAC-REV-1")
    assert (change["then"]["status"], change["now"]["status"]) == ("overdue", "met")


def test_an_invalid_settings_file_is_one_error_naming_the_key(tmp_path, db):
    config = tmp_path / "casecheck.toml"
    config.write_text('[rules.LAC-REV-1]\nwithin = "twenty days"\n', encoding="utf-8")

    result = CliRunner().invoke(cli, ["--db", db, "--config", str(config), "rules"])

    assert result.exit_code == 2
    assert "rules.LAC-REV-1.within" in result.stderr


def test_a_timescale_changed_from_a_date_moves_only_clocks_started_from_then(tmp_path, db):
    config = tmp_path / "casecheck.toml"
    config.write_text(
        '[[rules.LAC-REV-1.changes]]\neffective_from = 2022-10-01\nwithin = "25 working days"\n'
        'weaker_than_law = "pilot agreed with the DCS"\n',
        encoding="utf-8",
    )
    events = looked_after_child("C1")[:3] + [
        {"child": "C2", "type": "entered_care", "at": "2022-10-03", "legal_status": "C2"}
    ]
    run(db, "import", str(write_lines(tmp_path / "a.jsonl", events)))

    rows = json.loads(
        CliRunner()
        .invoke(
            cli,
            [
                "--db",
                db,
                "--config",
                str(config),
                "check",
                "--rule",
                "LAC-REV-1",
                "--as-of",
                "2022-12-01",
                "--json",
            ],
        )
        .output
    )

    due = {r["child"]: r["due"] for r in rows}
    # C1 (clock 12 Sep, before the change): 20 WD = 11 Oct. C2 (clock Mon 3 Oct 2022): 25 WD = Mon 7 Nov 2022.
    assert due == {"C1": "2022-10-11", "C2": "2022-11-07"}


BAD_FILES = [
    (
        "bad-date.jsonl",
        '{"child": "C5", "type": "entered_care", "at": "2022-02-30", "legal_status": "C2"}\n',
        2,
        "at",
    ),
    (
        "unknown-field.jsonl",
        '{"child": "C5", "type": "dental_check", "at": "2022-02-03", "dentist": "x"}\n',
        2,
        "dentist",
    ),
    (
        "missing-field.jsonl",
        '{"child": "C5", "type": "entered_care", "at": "2022-02-03"}\n',
        2,
        "legal_status",
    ),
    (
        "wrong-code.jsonl",
        '{"child": "C5", "type": "entered_care", "at": "2022-02-03", "legal_status": "Z9"}\n',
        2,
        "legal_status",
    ),
    ("misspelt-type.jsonl", '{"child": "C5", "type": "review_hled", "at": "2022-02-03"}\n', 2, "type"),
    (
        "not-utf8.jsonl",
        b'{"child": "C5", "type": "dental_check", "at": "2022-02-03", "note": "caf\xe9"}\n',
        2,
        None,
    ),
    ("empty.jsonl", "", None, None),
    ("no-header.csv", "C5,dental_check,2022-02-03\n", 1, None),
]


@pytest.mark.parametrize(("name", "bad_line", "line", "field"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_file_with_one_bad_line_is_rejected_whole_naming_line_and_field(
    tmp_path, db, name, bad_line, line, field
):
    good = "".join(json.dumps(e) + "\n" for e in looked_after_child("C5")[:1])
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text(bad_line, encoding="utf-8")
    elif isinstance(bad_line, bytes):
        path.write_bytes(good.encode() + bad_line)
    else:
        path.write_text(good + bad_line if bad_line else "", encoding="utf-8")

    result = run(db, "import", str(path))

    assert result.exit_code == 2
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    if line is not None:
        assert f"{path}:{line}:" in message
    if field is not None:
        assert f": {field}: " in message
    assert run(db, "timeline", "C5").exit_code == 2  # nothing from the file was stored


@pytest.mark.postgres
def test_every_event_type_round_trips_through_postgresql(tmp_path, postgres_url):
    events = every_type_for("C8") + [
        {"child": "C8", "id": "C8-999", "type": "left_care", "at": "2021-06-01", "reason": "E11"}
    ]

    imported = run(postgres_url, "import", str(write_lines(tmp_path / "all.jsonl", events)))
    shown = json.loads(run(postgres_url, "timeline", "C8", "--json", "--as-of", "2031-01-01").output)

    assert imported.exit_code == 0
    by_id = {e["id"]: e for e in shown["events"]}
    noted = {e["id"] for e in events if e["type"] == "finding_recorded"}
    by_id.update(
        {
            f["event"]: {"code": f["rule"], "message": f["title"]}
            for f in shown["findings"]
            if f["event"] in noted
        }
    )
    for event in events:
        if event["type"] == "finding_recorded":  # listed with the findings
            event = {k: event[k] for k in ("code", "message")} | {"id": event["id"]}
        for name, value in event.items():
            if name == "id":
                assert event["id"] in by_id
                continue
            if name not in ("at", "recorded_at"):
                assert by_id[event["id"]][name] == value, (event["type"], name)


@pytest.mark.postgres
def test_postgresql_nightly_and_queue_work_like_sqlite(tmp_path, postgres_url):
    run(postgres_url, "import", str(write_lines(tmp_path / "a.jsonl", looked_after_child("C1")[:3])))

    first = json.loads(run(postgres_url, "nightly", "--as-of", "2022-12-01", "--json").output)
    again = json.loads(run(postgres_url, "nightly", "--as-of", "2022-12-01", "--json").output)
    queue = json.loads(run(postgres_url, "alerts", "--as-of", "2022-12-01", "--json").output)

    assert first["alerts_raised"] == len(queue) >= 1
    assert again["alerts_raised"] == 0


def test_events_without_ids_are_recognised_by_content_on_a_reimport(tmp_path, db):
    path = tmp_path / "no-ids.csv"
    path.write_text(
        "child,type,at\nC1,dental_check,2022-09-12\nC1,pep_initiated,2022-09-13\n", encoding="utf-8"
    )

    run(db, "import", str(path))
    again = run(db, "import", str(path))

    assert again.output.splitlines()[0] == "imported 0 events for 1 child (2 already present)"


@pytest.mark.parametrize(
    "which",
    [
        ["scorecard", "--from", "2022-09-01", "--to", "2022-12-31"],
        ["iha", "--year", "2022", "--as-of", "2023-06-01"],
        ["iro", "--from", "2022-09-01", "--to", "2022-12-31"],
    ],
    ids=["scorecard", "iha", "iro"],
)
def test_reports_run_from_the_command_line_with_their_cohorts(tmp_path, db, which):
    run(db, "import", str(write_lines(tmp_path / "a.jsonl", looked_after_child())))

    text = run(db, "report", *which)
    data = json.loads(run(db, "report", *which, "--json").output)

    assert text.exit_code == 0 and "Rounding: " in text.output
    assert "rounding" in data


def test_timeline_html_is_a_printable_page_with_free_text_escaped(tmp_path, db):
    events = looked_after_child() + [
        {
            "child": "C1",
            "id": "C1-7",
            "type": "statutory_visit",
            "at": "2022-09-15",
            "note": "<script>alert(1)</script>",
        }
    ]
    run(db, "import", str(write_lines(tmp_path / "a.jsonl", events)))
    page = tmp_path / "c1.html"

    result = run(db, "timeline", "C1", "--as-of", "2022-12-01", "--html", str(page))

    html = page.read_text(encoding="utf-8")
    assert result.exit_code == 0
    assert "<h1>Child C1</h1>" in html
    assert "LAC-REV-1 First looked-after review: due Tue 11 Oct 2022" in html
    assert "<script>alert(1)</script>" not in html
    assert "Period of care 1 (looked after): Mon 12 Sep 2022 (open)" in html


def test_a_bad_second_file_is_rejected_and_the_user_is_told_the_first_was_imported(tmp_path, db):
    good = write_lines(tmp_path / "good.jsonl", looked_after_child("C1"))
    bad = write_lines(tmp_path / "bad.jsonl", [{"child": "C2", "type": "review_hled", "at": "2022-01-01"}])

    result = run(db, "import", str(good), str(bad))

    assert result.exit_code == 2
    assert (
        "imported 4 events for 1 child (0 already present) from the 1 file(s) before the one rejected"
        in result.stderr
    )
    assert f"{bad}:1: type:" in result.stderr
    assert run(db, "timeline", "C2").exit_code == 2


def test_the_same_events_sent_as_csv_after_json_lines_are_already_present(tmp_path, db):
    jsonl = write_lines(
        tmp_path / "a.jsonl",
        [
            {
                "child": "C1",
                "type": "placement_started",
                "at": "2022-01-01",
                "placement_type": "U4",
                "distance_miles": 12.5,
                "long_term": True,
            }
        ],
    )
    csv_file = tmp_path / "a.csv"
    csv_file.write_text(
        "child,type,at,placement_type,distance_miles,long_term\nC1,placement_started,2022-01-01,U4,12.5,true\n",
        encoding="utf-8",
    )

    run(db, "import", str(jsonl))
    again = run(db, "import", str(csv_file))

    assert again.output.splitlines()[0] == "imported 0 events for 1 child (1 already present)"


def test_nightly_alerts_match_check_json_on_a_generated_council_at_d_and_d_plus_90(tmp_path, db):
    council = tmp_path / "council.jsonl"
    run(db, "generate", "--children", "150", "--seed", "3", "--until", "2026-06-30", "--out", str(council))
    run(db, "import", str(council))

    for as_of in ("2026-03-31", "2026-06-29"):  # D and D + 90 days
        raised = json.loads(run(db, "nightly", "--as-of", as_of, "--json").output)
        again = json.loads(run(db, "nightly", "--as-of", as_of, "--json").output)
        overdue = {
            r["key"]
            for r in json.loads(run(db, "check", "--as-of", as_of, "--status", "overdue", "--json").output)
        }
        breaches = {
            a["key"]
            for a in json.loads(run(db, "alerts", "--as-of", as_of, "--kind", "breach", "--json").output)
        }

        assert raised["alerts_raised"] > 0
        assert (again["alerts_raised"], again["alerts_closed"]) == (0, 0)
        assert breaches == overdue


def imported_db(tmp_path, db, events=None):
    run(db, "import", str(write_lines(tmp_path / "in.jsonl", events or looked_after_child("C1"))))
    return db


def with_config(tmp_path, text):
    path = tmp_path / "casecheck.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# --- no silent typos ----------------------------------------------------------------

#: Options that take free text (names, ids, notes) or a path: every other option that takes
#: a value must be a checked choice, a number, a date or a flag.
FREE_TEXT = {
    "db",
    "config",
    "child",
    "children",
    "team",
    "worker",
    "iro",
    "rule",
    "rule_ids",
    "theme",
    "note",
    "by",
    "outcome",
    "assigned_to",
    "html_path",
    "out",
    "directory",
    "year",  # a return's year, "2021-22": a pattern, not a fixed set
    "host",
    "teams",
    "user_name",
    "since_run",  # a nightly run's id
}


def walk(command, path=()):
    import click

    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_every_option_that_takes_a_fixed_set_of_values_is_a_checked_choice():
    import click

    loose = []
    for path, command in walk(cli):
        for param in command.params:
            if not isinstance(param, click.Option) or param.is_flag or param.name in FREE_TEXT:
                continue
            if isinstance(param.type, click.types.StringParamType):
                loose.append(f"{path} --{param.name}")
    statuses = next(p for p in cli.commands["check"].params if p.name == "statuses").type

    assert loose == []
    assert (
        isinstance(statuses, click.Choice) and "missed" in statuses.choices and "no_data" in statuses.choices
    )


def test_every_command_prints_its_help():
    failed = []
    for path, _command in walk(cli):
        result = CliRunner().invoke(cli, [*path.split(), "--help"])
        if result.exit_code != 0 or "Usage:" not in result.output:
            failed.append(path)

    assert failed == []


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--fail-on", "overdu"),
        ("check", "--status", "overdue,mised"),
        ("alerts", "--sort", "urgent"),
        ("alerts", "--stage", "5"),
        ("alert", "escalate", "PA-0", "--to-stage", "infromal"),
    ],
    ids=["fail-on", "status", "sort", "stage", "to-stage"],
)
def test_a_typo_in_a_fixed_value_option_is_refused_with_exit_status_2(tmp_path, db, args):
    imported_db(tmp_path, db)

    result = run(db, *args)

    assert result.exit_code == 2
    assert "Invalid value" in result.stderr


def test_check_fail_on_missed_is_accepted_and_finds_nothing_to_fail_on(tmp_path, db):
    imported_db(tmp_path, db)

    result = run(db, "check", "--as-of", "2022-10-13", "--fail-on", "missed,no_data")

    assert result.exit_code == 0


def test_an_unknown_rule_in_check_is_refused_naming_the_closest_id(tmp_path, db):
    imported_db(tmp_path, db)

    result = run(db, "check", "--rule", "LAC-REV-9")

    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "LAC-REV-1" in result.stderr


def test_rule_prefixes_in_check_ignore_case(tmp_path, db):
    imported_db(tmp_path, db)

    rows = json.loads(run(db, "check", "--rule", "lac-rev", "--as-of", "2022-12-01", "--json").output)

    assert {r["rule"] for r in rows} >= {"LAC-REV-1", "LAC-REV-2"}


def test_db_and_config_work_after_the_subcommand_too(tmp_path, db):
    imported_db(tmp_path, db)
    config = with_config(tmp_path, '[council]\nterminology = "cared for"\n')

    result = CliRunner().invoke(
        cli, ["timeline", "C1", "--as-of", "2022-12-01", "--db", db, "--config", config]
    )

    assert result.exit_code == 0, result.output
    assert "(cared for)" in result.output


@pytest.mark.parametrize(
    "args", [("check",), ("timeline", "C1"), ("alerts",), ("report", "scorecard"), ("nightly",), ("runs",)]
)
def test_a_read_command_on_a_store_that_does_not_exist_refuses_and_creates_nothing(
    tmp_path, monkeypatch, args
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CASECHECK_DB", raising=False)

    result = CliRunner().invoke(cli, list(args))

    assert result.exit_code == 2
    assert result.stderr == "casecheck: no store at ./casecheck.db: import first or give --db\n"
    assert not (tmp_path / "casecheck.db").exists()


# --- the queue as a manager expects ----------------------------------------------------


def three_children_with_alerts(tmp_path, db):
    events = []
    for child, team, entered in (
        ("C1", "Team North", "2022-09-12"),
        ("C2", "Team South", "2022-10-03"),
        ("C3", "Team North", "2022-11-01"),
    ):
        events += [
            {
                "child": child,
                "id": f"{child}-1",
                "type": "child_registered",
                "at": "2012-05-01",
                "dob": "2012-05-01",
            },
            {
                "child": child,
                "id": f"{child}-2",
                "type": "entered_care",
                "at": entered,
                "legal_status": "C2",
                "team": team,
            },
            {
                "child": child,
                "id": f"{child}-3",
                "type": "worker_allocated",
                "at": entered,
                "worker": f"SW-{child}",
            },
        ]
    imported_db(tmp_path, db, events)
    run(db, "nightly", "--as-of", "2022-12-20")
    return db


def test_a_filter_ignores_case(tmp_path, db):
    three_children_with_alerts(tmp_path, db)

    rows = json.loads(run(db, "alerts", "--as-of", "2022-12-20", "--team", "team north", "--json").output)

    assert rows and {r["team"] for r in rows} == {"Team North"}


def test_a_filter_value_that_matches_nothing_known_is_refused_naming_the_closest(tmp_path, db):
    three_children_with_alerts(tmp_path, db)

    result = run(db, "alerts", "--team", "Team Nrth")

    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "casecheck: no team 'Team Nrth' among the alerts; closest: Team North, Team South"
    )


def test_the_queue_sorts_by_due_date_child_or_team_when_asked(tmp_path, db):
    three_children_with_alerts(tmp_path, db)

    def order(how, field):
        rows = json.loads(run(db, "alerts", "--as-of", "2022-12-20", "--sort", how, "--json").output)
        return [r[field] for r in rows]

    assert order("due", "due") == sorted(order("due", "due"))
    assert order("overdue", "days_overdue_now") == sorted(order("overdue", "days_overdue_now"), reverse=True)
    assert order("child", "child") == sorted(order("child", "child"))
    assert order("team", "team") == sorted(order("team", "team"))


def test_assigned_to_and_unassigned_split_the_queue(tmp_path, db):
    three_children_with_alerts(tmp_path, db)
    rows = json.loads(run(db, "alerts", "--as-of", "2022-12-20", "--json").output)
    run(db, "alert", "assign", rows[0]["id"], "TM Jones", "--by", "HoS")

    mine = json.loads(
        run(db, "alerts", "--as-of", "2022-12-20", "--assigned-to", "tm jones", "--json").output
    )
    nobody = json.loads(run(db, "alerts", "--as-of", "2022-12-20", "--unassigned", "--json").output)

    assert [r["id"] for r in mine] == [rows[0]["id"]]
    assert len(nobody) == len(rows) - 1 and rows[0]["id"] not in {r["id"] for r in nobody}


def test_the_queue_shows_age_since_the_breach_beside_age_since_raised(tmp_path, db):
    three_children_with_alerts(tmp_path, db)

    rows = json.loads(
        run(db, "alerts", "--as-of", "2022-12-21", "--rule", "LAC-REV-1", "--child", "c1", "--json").output
    )
    text = run(db, "alerts", "--as-of", "2022-12-21", "--rule", "LAC-REV-1", "--child", "c1").output

    # Due Tue 11 Oct 2022 (20 WD from Mon 12 Sep, skipping the State Funeral on 19 Sep):
    # 14 working days in the rest of October, 22 in November, 15 to Wed 21 Dec.
    assert rows[0]["due"] == "2022-10-11"
    assert rows[0]["age_since_breach_working_days"] == 51
    row = next(line for line in text.splitlines() if rows[0]["id"] in line)
    assert row.split()[5:7] == ["51", str(rows[0]["age_working_days"])]
    assert "WD over" in text and "raised WD ago" in text


def test_themes_lists_the_catalogue(db):
    result = run(db, "themes")

    assert result.exit_code == 0
    assert "Safeguarding issues" in result.output and "Consistently good practice" in result.output


def test_an_unknown_theme_on_a_manual_alert_is_refused_with_the_closest(tmp_path, db):
    imported_db(tmp_path, db)

    result = run(db, "alert", "raise", "C1", "--theme", "Safeguardng issues")

    assert result.exit_code == 2
    assert "closest: Safeguarding issues" in result.stderr


def test_a_manual_alert_takes_the_childs_team_worker_and_iro_at_the_time(tmp_path, db):
    events = looked_after_child("C1") + [
        {
            "child": "C1",
            "id": "C1-5",
            "type": "worker_allocated",
            "at": "2022-09-12",
            "worker": "SW Patel",
            "team": "Team East",
        },
        {"child": "C1", "id": "C1-6", "type": "iro_allocated", "at": "2022-09-14", "iro": "IRO Khan"},
    ]
    imported_db(tmp_path, db, events)

    raised = json.loads(
        run(
            db, "alert", "raise", "C1", "--theme", "placement issues", "--at", "2022-11-01T10:00", "--json"
        ).output
    )
    found = json.loads(run(db, "alerts", "--iro", "iro khan", "--json").output)

    assert (raised["theme"], raised["team"], raised["worker"], raised["iro"]) == (
        "Placement issues",
        "Team East",
        "SW Patel",
        "IRO Khan",
    )
    assert [a["id"] for a in found] == [raised["id"]]


def test_an_action_records_when_it_happened_apart_from_when_it_was_recorded(tmp_path, db):
    imported_db(tmp_path, db)
    ref = json.loads(
        run(
            db,
            "alert",
            "raise",
            "C1",
            "--theme",
            "Drift / legal issues",
            "--at",
            "2022-11-01T10:00",
            "--json",
        ).output
    )["id"]

    shown = json.loads(
        run(db, "alert", "escalate", ref, "--to-stage", "2", "--at", "2022-11-04T16:30", "--json").output
    )

    escalated = shown["history"][-1]
    assert escalated["what"] == "escalated"
    assert escalated["at"] == "2022-11-04T16:30:00+00:00"
    assert escalated["recorded_at"][:4] != "2022"
    # 5 WD from Fri 4 Nov 2022 is Fri 11 Nov 2022.
    assert shown["stage_response_due"] == "2022-11-11"


def test_an_action_dated_before_the_alert_was_raised_is_refused(tmp_path, db):
    imported_db(tmp_path, db)
    ref = run(
        db, "alert", "raise", "C1", "--theme", "Drift / legal issues", "--at", "2022-11-01T10:00"
    ).output.split()[-1]

    result = run(db, "alert", "respond", ref, "--at", "2022-10-31T10:00")

    assert result.exit_code == 2
    assert "earlier" in result.stderr


def test_a_cafcass_referral_ends_the_local_drp_clock(tmp_path, db):
    imported_db(tmp_path, db)
    ref = run(
        db,
        "alert",
        "raise",
        "C1",
        "--theme",
        "Drift / legal issues",
        "--stage",
        "1",
        "--at",
        "2022-11-01T10:00",
    ).output.split()[-1]
    run(db, "alert", "escalate", ref, "--to-stage", "cafcass", "--at", "2022-11-03T10:00")

    shown = json.loads(run(db, "alert", "show", ref, "--as-of", "2023-02-01", "--json").output)
    over = json.loads(run(db, "alerts", "--as-of", "2023-02-01", "--over-time", "--json").output)

    assert (shown["stage"], shown["stage_response_due"], shown["stage_overdue"]) == ("cafcass", None, False)
    assert shown["formal_working_days"] == 2 and shown["formal_over_time"] is False
    assert over == []


def test_a_formal_drp_past_twenty_working_days_is_over_time(tmp_path, db):
    imported_db(tmp_path, db)
    ref = run(
        db,
        "alert",
        "raise",
        "C1",
        "--theme",
        "Drift / legal issues",
        "--stage",
        "1",
        "--at",
        "2022-11-01T10:00",
    ).output.split()[-1]

    day_20 = json.loads(run(db, "alerts", "--as-of", "2022-11-29", "--over-time", "--json").output)
    day_21 = json.loads(run(db, "alerts", "--as-of", "2022-11-30", "--over-time", "--json").output)

    # 20 WD from Tue 1 Nov 2022 is Tue 29 Nov 2022.
    assert day_20 == [] and [a["id"] for a in day_21] == [ref]


# --- the go-live line ---------------------------------------------------------------------


def test_a_first_nightly_with_a_go_live_line_raises_only_breaches_due_from_then_and_a_second_changes_nothing(
    tmp_path, db
):
    council = tmp_path / "council.jsonl"
    run(db, "generate", "--children", "150", "--seed", "3", "--until", "2026-06-30", "--out", str(council))
    run(db, "import", str(council))
    config = with_config(tmp_path, "[alerts]\nfrom = 2026-04-01\n")

    def cc(*args):
        return json.loads(
            CliRunner().invoke(cli, ["--db", db, "--config", config, *args], catch_exceptions=False).output
        )

    first = cc("nightly", "--as-of", "2026-06-29", "--json")
    state = (
        cc("alerts", "--status", "all", "--json"),
        cc("alerts", "--baseline", "--status", "all", "--json"),
    )
    second = cc("nightly", "--as-of", "2026-06-29", "--full", "--json")
    overdue = cc("check", "--as-of", "2026-06-29", "--status", "overdue", "--json")
    breaches = {a["key"] for a in cc("alerts", "--as-of", "2026-06-29", "--kind", "breach", "--json")}
    baseline = {a["key"] for a in cc("alerts", "--as-of", "2026-06-29", "--baseline", "--json")}

    assert first["alerts_raised"] > 0 and first["baseline_recorded"] > 0
    assert breaches == {r["key"] for r in overdue if r["due"][:10] >= "2026-04-01"}
    assert baseline == {r["key"] for r in overdue if r["due"][:10] < "2026-04-01"}
    assert (second["alerts_raised"], second["alerts_closed"], second["baseline_recorded"]) == (0, 0, 0)
    assert (
        cc("alerts", "--status", "all", "--json"),
        cc("alerts", "--baseline", "--status", "all", "--json"),
    ) == state


# --- settings cannot weaken the law ---------------------------------------------------------

WEAKER = """
[rules.LAC-REV-1]
within = "25 working days"
weaker_than_law = "interim, agreed with the DCS"

[[rules.LAC-REV-1.changes]]
effective_from = 2023-04-01
within = "20 working days"
"""


def test_a_regulation_made_weaker_without_a_reason_is_refused(tmp_path, db):
    imported_db(tmp_path, db)
    config = with_config(tmp_path, '[rules.LAC-REV-1]\nwithin = "25 working days"\n')

    result = run(db, "--config", config, "check")

    assert result.exit_code == 2
    assert "rules.LAC-REV-1.within" in result.stderr and "weaker_than_law" in result.stderr


def test_a_regulation_switched_off_without_a_reason_is_refused_but_a_local_rule_is_not(tmp_path, db):
    imported_db(tmp_path, db)
    reg = with_config(tmp_path, "[rules.LAC-REV-1]\nenabled = false\n")
    refused = run(db, "--config", reg, "check")
    local = with_config(tmp_path, "[rules.LAC-REV-REC]\nenabled = false\n")
    accepted = run(db, "--config", local, "check", "--as-of", "2022-12-01")

    assert refused.exit_code == 2 and "switching off a regulation's rule" in refused.stderr
    assert accepted.exit_code == 0


def test_rules_shows_the_weakening_and_the_dated_history_of_a_parameter(tmp_path):
    config = with_config(tmp_path, WEAKER)

    data = json.loads(CliRunner().invoke(cli, ["--config", config, "rules", "LAC-REV-1", "--json"]).output)
    text = " ".join(CliRunner().invoke(cli, ["--config", config, "rules", "LAC-REV-1"]).output.split())

    assert [(h["from"], h["value"]) for h in data["history"]["within"]] == [
        (None, "20 working days"),
        (None, "25 working days"),
        ("2023-04-01", "20 working days"),
    ]
    assert "within: 20 working days (catalogue default); 25 working days (set in" in text
    assert "20 working days from Sat 1 Apr 2023" in text
    # Today the council is back at the statute, so it does not run weaker now.
    assert data["weaker_than_law"] == []


def test_reports_and_the_timeline_say_when_the_council_runs_weaker_than_the_law(tmp_path, db):
    imported_db(tmp_path, db)
    config = with_config(
        tmp_path, '[rules.LAC-REV-1]\nwithin = "25 working days"\nweaker_than_law = "interim"\n'
    )

    timeline = run(db, "--config", config, "timeline", "C1", "--as-of", "2022-12-01")
    html_path = tmp_path / "t.html"
    run(db, "--config", config, "timeline", "C1", "--as-of", "2022-12-01", "--html", str(html_path))
    scorecard = run(db, "--config", config, "report", "scorecard", "--to", "2022-12-01")
    iro = json.loads(run(db, "--config", config, "report", "iro", "--to", "2022-12-01", "--json").output)

    line = "LAC-REV-1 within = 25 working days (the regulation says 20 working days): interim"
    assert f"The council runs weaker than the regulation: {line}" in timeline.output
    assert line in html_path.read_text(encoding="utf-8")
    assert line in scorecard.output
    assert iro["weaker_than_law"] == [line]


def test_the_iro_report_says_once_that_the_council_runs_weaker_than_the_law(tmp_path, db):
    imported_db(tmp_path, db)
    config = with_config(
        tmp_path, '[rules.LAC-REV-1]\nwithin = "25 working days"\nweaker_than_law = "interim"\n'
    )

    iro = run(db, "--config", config, "report", "iro", "--to", "2022-12-01")

    assert iro.exit_code == 0
    assert iro.output.count("The council runs weaker than the regulation: LAC-REV-1 within") == 1


def test_check_counts_the_overdue_that_fell_due_before_the_go_live_line(tmp_path, db):
    imported_db(tmp_path, db, looked_after_child("C1")[:3])
    config = with_config(tmp_path, "[alerts]\nfrom = 2022-10-01\n")

    result = run(db, "--config", config, "check", "--as-of", "2022-12-01")
    rows = json.loads(run(db, "check", "--as-of", "2022-12-01", "--status", "overdue", "--json").output)

    before = [r for r in rows if r["due"][:10] < "2022-10-01"]
    # LAC-REV-1, due Tue 11 Oct 2022, is after the line; the IRO (due Mon 19 Sep) before it.
    assert "LAC-IRO" in {r["rule"] for r in before} and "LAC-REV-1" not in {r["rule"] for r in before}
    assert f"{len(before)} of the overdue fell due before the go-live line Sat 1 Oct 2022" in " ".join(
        result.output.split()
    )
