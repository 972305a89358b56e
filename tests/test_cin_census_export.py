"""A census written from the synthetic council reads back into the same child-protection
obligations as the council's own events."""

import json
import xml.etree.ElementTree as StdET
from datetime import date

from click.testing import CliRunner

from cli import cli
from compliance.engine import Engine
from compliance.sources.cin_census.export import write_census
from compliance.sources.cin_census.importer import import_census
from compliance.sources.event_files import import_files
from compliance.store import open_store
from compliance.synthetic import generate, write_jsonl

REFERENCE = date(2025, 3, 31)
RULES = ("CP-ICPC", "CP-RCPC-1", "CP-RCPC-N", "CP-DUR")


def first_referrals(path):
    """Each child in the census and its earliest referral, read with the standard library."""
    root = StdET.parse(path).getroot()
    return {
        child.find("ChildIdentifiers/LAchildID").text: min(
            date.fromisoformat(e.text) for e in child.iter("CINreferralDate")
        )
        for child in root.iter("Child")
    }


def obligations(store, children):
    """(child, rule, clock start, due, status, met on, days late) of the CP rules, from the
    census's first episode of each child on (earlier episodes are not in a census)."""
    out = set()
    for evaluation in Engine(store).evaluate_all(as_of=REFERENCE, children=children, rules=RULES):
        for o in evaluation.obligations:
            if o.started_on >= children[evaluation.child]:
                met = o.met_on.isoformat() if o.met_on is not None else None
                out.add((o.child, o.rule, o.started_on, str(o.due), str(o.status), met, o.days_late))
    return out


def test_a_census_of_the_synthetic_council_gives_the_cp_obligations_of_its_events(tmp_path):
    events = list(generate(600, seed=11, until=REFERENCE, years=5))
    census, jsonl = tmp_path / "census.xml", tmp_path / "events.jsonl"
    write_census(census, events, year=2025)
    write_jsonl(jsonl, events)
    from_census, from_events = open_store("memory:"), open_store("memory:")

    import_census(from_census, census, year="2024-25")
    import_files(from_events, [jsonl])

    children = first_referrals(census)
    expected = obligations(from_events, children)
    got = obligations(from_census, children)
    assert len({o[1] for o in expected}) == 4 and len(expected) > 150
    assert {s for *_, s, _met, _late in expected} >= {"met", "late"}
    assert got == expected


def test_the_census_lists_only_children_with_an_episode_open_in_its_year(tmp_path):
    events = list(generate(300, seed=5, until=REFERENCE, years=5))
    census = tmp_path / "census.xml"

    write_census(census, events, year=2025)

    root = StdET.parse(census).getroot()
    for episode in root.iter("CINdetails"):
        referral = date.fromisoformat(episode.find("CINreferralDate").text)
        closed = episode.find("CINclosureDate")
        assert referral <= REFERENCE
        assert closed is None or date.fromisoformat(closed.text) >= date(2024, 4, 1)
    assert root.find("Header/CollectionDetails/Year").text == "2025"
    assert root.find("Header/CollectionDetails/ReferenceDate").text == "2025-03-31"


def test_generate_writes_a_census_that_the_import_reads(tmp_path):
    out = tmp_path / "census.xml"
    db = str(tmp_path / "casecheck.db")

    made = CliRunner().invoke(
        cli,
        ["generate", "--format", "cin-census", "--year", "2024-25", "--children", "120", "--out", str(out)],
    )
    imported = CliRunner().invoke(
        cli, ["--db", db, "cin-census", "import", str(out), "--year", "2024-25", "--json"]
    )

    assert made.exit_code == 0, made.output
    assert "2024-25 CIN census" in made.output
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["children"] == len(list(StdET.parse(out).getroot().iter("Child"))) > 0


def test_generate_a_census_without_its_year_is_one_line(tmp_path):
    result = CliRunner().invoke(
        cli, ["generate", "--format", "cin-census", "--children", "5", "--out", str(tmp_path / "c.xml")]
    )

    assert result.exit_code == 2
    assert "--year" in result.stderr
