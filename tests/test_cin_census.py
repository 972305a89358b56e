"""The CIN census import, against the DfE CIN validator's own sample returns.

The samples are read from the shared folder (`../shared/data/cin-validator-fake/`); what
each holds is counted here with the standard library's own XML reader and the folder's
README, independently of the importer.
"""

import json
import xml.etree.ElementTree as StdET
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from compliance.engine import facts_of
from compliance.sources.cin_census.importer import import_census
from compliance.store import open_store

FAKE = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "cin-validator-fake"
MAIN = FAKE / "fake_CIN_data.xml"
SMALL = [
    "CIN_Census_2021.xml",
    "CIN_la_issues_2887Q.xml",
    "CIN_header_issues_100.xml",
    "CIN_Census_2021_copy.xml",
    "CIN_Census_2021_no_assessment_factors.xml",
    "CIN2rows.xml",
    "CIN_Census_2024.xml",
    "CIN_Census_2026.xml",
]


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "casecheck.db")


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)


def stored_facts(db):
    """The facts stored about the children (the census's findings, stored beside them, apart)."""
    return [f for f in stored_records(db) if f["type"] != "finding_recorded"]


def stored_records(db):
    store = open_store(db)
    return [s.fact for _child, stored in store.iter_children() for s in stored]


def census_values(path, element, parent="CINdetails"):
    """(LAchildID, text) of every `element` under `parent`, read with the standard library."""
    root = StdET.parse(path).getroot()
    out = []
    for child in root.iter("Child"):
        child_id = child.find("ChildIdentifiers/LAchildID").text
        for holder in child.iter(parent):
            found = holder.find(element)
            if found is not None and found.text:
                out.append((child_id, found.text))
    return out


# --- the main sample ---------------------------------------------------------------------


def test_the_validators_sample_census_imports_for_2021_22_with_every_child(db):
    result = run(db, "cin-census", "import", str(MAIN), "--year", "2021-22", "--json")

    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["year"] == "2021-22"
    assert summary["children"] == 332
    assert len({f["child"] for f in stored_facts(db)}) == 332


def test_each_referral_in_the_sample_is_a_fact_on_its_date(db):
    run(db, "cin-census", "import", str(MAIN), "--year", "2021-22")

    referrals = sorted((f["child"], f["at"]) for f in stored_facts(db) if f["type"] == "referral_received")

    expected = sorted(census_values(MAIN, "CINreferralDate"))
    assert len(expected) == 402
    assert referrals == expected


def test_each_initial_conference_in_the_sample_is_a_fact_on_its_date(db):
    run(db, "cin-census", "import", str(MAIN), "--year", "2021-22")

    conferences = sorted((f["child"], f["at"]) for f in stored_facts(db) if f["type"] == "icpc_held")

    expected = sorted(set(census_values(MAIN, "DateOfInitialCPC")))
    assert len(census_values(MAIN, "DateOfInitialCPC")) == 350
    assert conferences == expected


def test_every_fact_from_the_census_names_the_census_as_its_source(db):
    run(db, "cin-census", "import", str(MAIN), "--year", "2021-22")

    assert {f["source"] for f in stored_facts(db)} == {"cin-census"}


def test_referral_source_and_primary_need_are_kept_on_the_referral(db):
    run(db, "cin-census", "import", str(MAIN), "--year", "2021-22")

    referrals = [f for f in stored_facts(db) if f["type"] == "referral_received"]

    assert Counter(f["referral_source"] for f in referrals) == Counter(
        code for _c, code in census_values(MAIN, "ReferralSource")
    )
    assert Counter(f["primary_need"] for f in referrals) == Counter(
        code for _c, code in census_values(MAIN, "PrimaryNeedCode")
    )
    assert all(f["nfa"] is True for f in referrals)


def test_the_samples_oddities_are_findings_named_with_the_validators_rule_codes(db):
    result = run(db, "cin-census", "import", str(MAIN), "--year", "2021-22", "--json")

    codes = Counter(f["code"] for f in json.loads(result.output)["findings"])

    # The counts are the folder README's: 350 conferences on referrals flagged NFA (8831),
    # 91 conferences on a weekend (8875), 46 referrals after the collection year (8600),
    # 35 closures for death with no date of death (8585Q), 30 referrals after the child's
    # death (8555Q), and a ReferenceDate that is not 31 March (100).
    assert codes["DQ-CIN-8831"] == 350
    assert codes["DQ-CIN-8875"] == 91
    assert codes["DQ-CIN-8600"] == 46
    assert codes["DQ-CIN-8585Q"] == 35
    assert codes["DQ-CIN-8555Q"] == 30
    assert codes["DQ-CIN-100"] == 1


def test_importing_the_sample_twice_adds_nothing(db):
    first = json.loads(run(db, "cin-census", "import", str(MAIN), "--year", "2021-22", "--json").output)
    count = len(stored_facts(db))

    second = json.loads(run(db, "cin-census", "import", str(MAIN), "--year", "2021-22", "--json").output)

    assert first["imported"] == count > 0
    assert second["imported"] == 0
    assert second["already_present"] == count
    assert len(stored_facts(db)) == count


def test_facts_are_recorded_when_the_return_was_produced_unless_told_otherwise(tmp_path):
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")

    run(first, "cin-census", "import", str(MAIN))
    run(second, "cin-census", "import", str(MAIN), "--recorded-at", "2022-08-01T09:00")

    assert {f["recorded_at"] for f in stored_facts(first)} == {"2022-07-21T10:12:28+00:00"}
    assert {f["recorded_at"] for f in stored_facts(second)} == {"2022-08-01T09:00:00+01:00"}


def test_a_year_other_than_the_returns_own_is_refused(db):
    result = run(db, "cin-census", "import", str(MAIN), "--year", "2022-23")

    assert result.exit_code == 2
    assert "2021-22 census" in result.stderr and "not 2022-23" in result.stderr
    assert stored_facts(db) == []


# --- the small files -------------------------------------------------------------------


@pytest.mark.parametrize("name", SMALL)
def test_each_small_sample_imports(db, name):
    result = run(db, "cin-census", "import", str(FAKE / name), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["imported"] > 0


def small(db, name):
    result = run(db, "cin-census", "import", str(FAKE / name), "--json")
    assert result.exit_code == 0, result.output
    facts = {(f["type"], f["at"]): f for f in stored_facts(db)}
    return facts, Counter(f["code"] for f in json.loads(result.output)["findings"])


def test_the_full_small_sample_maps_every_module(db):
    facts, _codes = small(db, "CIN_Census_2021.xml")

    assert set(facts) == {
        ("child_registered", "1965-03-27"),
        ("child_died", "1980-10-08"),
        ("referral_received", "1970-10-06"),
        ("cin_closed", "1971-02-27"),
        ("assessment_started", "1970-06-03"),
        ("assessment_completed", "1971-07-18"),
        ("cin_plan_started", "1971-01-24"),
        ("cin_plan_ended", "1971-01-26"),
        ("strategy_discussion", "1970-06-02"),
        ("icpc_held", "1970-06-17"),
        ("icpc_held", "1970-12-06"),
        ("cp_plan_started", "1970-02-17"),
        ("rcpc_held", "1971-02-15"),
        ("cp_plan_ended", "1971-03-14"),
    }
    assert facts[("referral_received", "1970-10-06")]["primary_need"] == "N4"
    assert facts[("cin_closed", "1971-02-27")]["reason"] == "RC1"
    assert facts[("assessment_completed", "1971-07-18")]["factors"] == ["2A", "2B"]
    assert facts[("strategy_discussion", "1970-06-02")]["icpc_not_required"] is False
    assert facts[("cp_plan_started", "1970-02-17")]["category"] == "physical"
    assert facts[("icpc_held", "1970-06-17")]["outcome"] == "no_plan"
    assert facts[("rcpc_held", "1971-02-15")]["outcome"] == "continue"


def test_the_small_samples_contradictions_are_findings(db):
    _facts, codes = small(db, "CIN_Census_2021.xml")

    assert codes["DQ-CIN-1105"] == 1  # the plan starts before the referral
    assert codes["DQ-CIN-2885"] == 1  # ... and on no conference date
    assert codes["DQ-CIN-ICPC-TWO-LEVELS"] == 1  # CINdetails and Section47 disagree
    assert codes["DQ-CIN-8525Q"] == 1  # both a birth date and an expected one


def test_year_and_reference_date_agreeing_is_no_finding_and_disagreeing_is(tmp_path):
    agree = json.loads(
        run(
            str(tmp_path / "a.db"), "cin-census", "import", str(FAKE / "CIN_Census_2021.xml"), "--json"
        ).output
    )
    disagree = json.loads(
        run(
            str(tmp_path / "b.db"), "cin-census", "import", str(FAKE / "CIN_header_issues_100.xml"), "--json"
        ).output
    )

    assert "DQ-CIN-100" not in {f["code"] for f in agree["findings"]}
    assert "DQ-CIN-100" in {f["code"] for f in disagree["findings"]}


def test_an_assessment_authorised_before_it_starts_is_a_finding(db):
    _facts, codes = small(db, "CIN_Census_2024.xml")

    assert codes["DQ-CIN-8608"] == 1
    assert codes["DQ-CIN-1103"] == 1  # the second child's assessment starts before its referral
    assert codes["DQ-CIN-SEX-CODE"] == 1  # Sex given as 1


def test_a_plan_repeated_word_for_word_is_one_plan_and_a_finding(db):
    facts, codes = small(db, "CIN2rows.xml")

    assert [k for k in facts if k[0] == "cp_plan_started"] == [("cp_plan_started", "2022-02-17")]
    assert codes["DQ-CIN-8940"] == 1


# --- bad input ----------------------------------------------------------------------------

GOOD_CHILD = """
  <Child>
    <ChildIdentifiers>
      <LAchildID>T1</LAchildID>
      <PersonBirthDate>2015-01-01</PersonBirthDate>
      <Sex>F</Sex>
    </ChildIdentifiers>
    <CINdetails>
      <CINreferralDate>{referral}</CINreferralDate>
      <ReferralSource>{source}</ReferralSource>
      <PrimaryNeedCode>N1</PrimaryNeedCode>
      <ReferralNFA>false</ReferralNFA>
    </CINdetails>
  </Child>"""


def census(children, *, prolog="", year="2025", reference="2025-03-31"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prolog}
<Message>
  <Header>
    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{reference}</ReferenceDate></CollectionDetails>
  </Header>
  <Children>{children}
  </Children>
</Message>
"""


BOMB = """
<!DOCTYPE Message [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>"""

BAD = [
    pytest.param(
        census(GOOD_CHILD.format(referral="24/10/2024", source="1A")),
        14,
        "CINreferralDate",
        id="non-iso-date",
    ),
    pytest.param(
        census(GOOD_CHILD.format(referral="2024-02-30", source="1A")), 14, "CINreferralDate", id="no-such-day"
    ),
    pytest.param(
        census(GOOD_CHILD.format(referral="2024-10-24", source="1Z")), 15, "ReferralSource", id="unknown-code"
    ),
    pytest.param(
        census(GOOD_CHILD.format(referral="2024-10-24", source="1A").replace("<Sex>F</Sex>", "<Sex>X</Sex>")),
        11,
        "Sex",
        id="unknown-sex-code",
    ),
    pytest.param(
        census(GOOD_CHILD.format(referral="", source="1A")),
        14,
        "CINreferralDate",
        id="missing-required-element",
    ),
    pytest.param(
        census(
            GOOD_CHILD.format(referral="2024-10-24", source="1A").replace("<LAchildID>T1</LAchildID>", "")
        ),
        None,
        "LAchildID",
        id="missing-child-id",
    ),
    pytest.param(census("", year="").replace("<Year></Year>", ""), None, "Year", id="missing-year"),
    pytest.param(
        census("").replace("<Collection>CIN</Collection>", "<Collection>SSDA903</Collection>"),
        4,
        "Collection",
        id="not-a-cin-census",
    ),
]


@pytest.mark.parametrize(("text", "line", "element"), BAD)
def test_bad_input_is_one_line_naming_file_line_and_element_and_stores_nothing(
    tmp_path, db, text, line, element
):
    path = tmp_path / "census.xml"
    path.write_text(text, encoding="utf-8")

    result = run(db, "cin-census", "import", str(path))

    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.count("\n") == 0
    assert message.startswith(f"casecheck: {path}:")
    if line is not None:
        assert f"{path}:{line}: {element}: " in message
    else:
        assert f": {element}: " in message
    assert "2015-01-01" not in message  # no personal field's value
    assert stored_facts(db) == []


def test_an_entity_expansion_bomb_is_refused_before_any_expansion(tmp_path, db):
    path = tmp_path / "bomb.xml"
    path.write_text(
        census(GOOD_CHILD.format(referral="2024-10-24", source="&d;"), prolog=BOMB), encoding="utf-8"
    )

    result = run(db, "cin-census", "import", str(path))

    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "document type declaration" in result.stderr
    assert stored_facts(db) == []


@pytest.mark.parametrize(
    "system_id", ["file://{secret}", "http://127.0.0.1:9/secret.txt"], ids=["file", "network"]
)
def test_an_external_entity_is_refused_and_never_read(tmp_path, db, system_id):
    secret = tmp_path / "secret.txt"
    secret.write_text("1A", encoding="utf-8")
    prolog = f'\n<!DOCTYPE Message [<!ENTITY x SYSTEM "{system_id.format(secret=secret)}">]>'
    path = tmp_path / "xxe.xml"
    path.write_text(
        census(GOOD_CHILD.format(referral="2024-10-24", source="&x;"), prolog=prolog), encoding="utf-8"
    )
    opened = []
    import builtins

    real_open = builtins.open

    def watching_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    import socket

    real_connect = socket.socket.connect

    def watching_connect(self, address):
        opened.append(f"socket {address}")
        return real_connect(self, address)

    builtins.open = watching_open
    socket.socket.connect = watching_connect
    try:
        result = run(db, "cin-census", "import", str(path))
    finally:
        builtins.open = real_open
        socket.socket.connect = real_connect

    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert str(secret) not in opened
    assert not any(name.startswith("socket") for name in opened)
    assert stored_facts(db) == []


def test_a_file_that_is_not_xml_is_one_line(tmp_path, db):
    path = tmp_path / "census.xml"
    path.write_text("LAchildID,CINreferralDate\nT1,2024-10-24\n", encoding="utf-8")

    result = run(db, "cin-census", "import", str(path))

    assert result.exit_code == 2
    assert "not well-formed XML" in result.stderr
    assert result.stderr.strip().count("\n") == 0


# --- year by year -------------------------------------------------------------------------

PLAN_CHILD = """
  <Child>
    <ChildIdentifiers><LAchildID>T2</LAchildID><PersonBirthDate>2016-05-01</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
    <CINdetails>
      <CINreferralDate>2024-01-08</CINreferralDate>
      <ReferralSource>{source}</ReferralSource>
      <PrimaryNeedCode>N1</PrimaryNeedCode>
      <ReferralNFA>false</ReferralNFA>
      <Section47>
        <S47ActualStartDate>2024-01-10</S47ActualStartDate>
        <DateOfInitialCPC>2024-01-31</DateOfInitialCPC>
        <ICPCnotRequired>false</ICPCnotRequired>
      </Section47>
      <ChildProtectionPlans>
        <CPPstartDate>2024-01-31</CPPstartDate>{end}
        <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>
        <LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse>
        <Reviews>{reviews}</Reviews>
      </ChildProtectionPlans>
    </CINdetails>
  </Child>"""


def plan_census(tmp_path, name, year, *, source="6", end="", reviews=()):
    text = census(
        PLAN_CHILD.format(
            source=source,
            end=f"\n        <CPPendDate>{end}</CPPendDate>" if end else "",
            reviews="".join(f"<CPPreviewDate>{r}</CPPreviewDate>" for r in reviews),
        ),
        year=str(year),
        reference=f"{year}-03-31",
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_next_years_census_adds_only_what_is_new_and_retracts_what_changed(tmp_path, db):
    year1 = plan_census(tmp_path, "2023-24.xml", 2024)
    year2 = plan_census(
        tmp_path, "2024-25.xml", 2025, source="2A", end="2024-10-30", reviews=["2024-04-29", "2024-10-30"]
    )

    first = json.loads(run(db, "cin-census", "import", str(year1), "--year", "2023-24", "--json").output)
    second = json.loads(run(db, "cin-census", "import", str(year2), "--year", "2024-25", "--json").output)
    again = json.loads(run(db, "cin-census", "import", str(year2), "--year", "2024-25", "--json").output)

    assert first["imported"] == 4  # child, referral, s47 strategy discussion, ICPC that made the plan
    # New: two review conferences (the second ends the plan); changed: the referral's source.
    assert (second["imported"], second["retracted"], second["already_present"]) == (4, 1, 3)
    assert again["imported"] == 0
    facts = stored_facts(db)
    (retraction,) = [f for f in facts if f["type"] == "retracted"]
    assert retraction["target"] == "cin:T2:ref:2024-01-08"
    referrals = [f for f in facts if f["type"] == "referral_received"]
    assert [(f["id"], f["referral_source"]) for f in referrals] == [
        ("cin:T2:ref:2024-01-08", "6"),
        ("cin:T2:ref:2024-01-08~r2", "2A"),
    ]


def test_after_a_change_the_timeline_holds_only_the_new_version(tmp_path, db):
    run(db, "cin-census", "import", str(plan_census(tmp_path, "a.xml", 2024)))
    run(db, "cin-census", "import", str(plan_census(tmp_path, "b.xml", 2025, source="2A")))

    shown = json.loads(run(db, "timeline", "T2", "--json", "--as-of", "2025-03-31").output)

    live = [e for e in shown["events"] if e["type"] == "referral_received" and not e["retracted"]]
    assert [e["referral_source"] for e in live] == ["2A"]


def test_a_plan_from_the_census_is_reviewed_and_timed(tmp_path, db):
    path = plan_census(tmp_path, "a.xml", 2025, end="2024-10-30", reviews=["2024-04-29", "2024-10-30"])
    run(db, "cin-census", "import", str(path))

    checked = json.loads(run(db, "check", "--child", "T2", "--as-of", "2025-03-31", "--json").output)

    got = {(o["rule"], o["started_on"], o["status"]) for o in checked}
    # Wed 10 Jan 2024 + 15 WD = Wed 31 Jan 2024: the conference is on the day.
    assert ("CP-ICPC", "2024-01-10", "met") in got
    # ICPC Wed 31 Jan 2024: first review due Tue 30 Apr 2024, held Mon 29 Apr 2024.
    assert ("CP-RCPC-1", "2024-01-31", "met") in got
    # Review Mon 29 Apr 2024: next due Tue 29 Oct 2024, held Wed 30 Oct 2024: late.
    assert ("CP-RCPC-N", "2024-04-29", "late") in got
    # Plan ended Wed 30 Oct 2024, before nine months (Thu 31 Oct 2024): met.
    assert ("CP-DUR", "2024-01-31", "met") in got


def test_the_store_records_a_whole_census_in_one_go(tmp_path):
    store = open_store("memory:")

    result = import_census(store, MAIN, year="2021-22")

    stored = [f for _c, s in store.iter_children() for f in facts_of(s)]
    assert result.imported == sum(1 for f in stored if f.type != "finding_recorded")
    assert result.findings_recorded == sum(1 for f in stored if f.type == "finding_recorded") > 0


# --- coverage -------------------------------------------------------------------------------


def test_what_the_census_cannot_hold_is_no_data_for_a_child_known_only_from_it(tmp_path, db):
    path = plan_census(tmp_path, "a.xml", 2025, reviews=["2024-04-29"])
    run(db, "cin-census", "import", str(path))

    checked = json.loads(run(db, "check", "--child", "T2", "--as-of", "2025-03-31", "--json").output)

    status = {o["rule"]: o["status"] for o in checked if o["rule"] in ("CP-REF", "CP-CG", "CP-RCPC-1")}
    vis = {o["status"] for o in checked if o["rule"] == "CP-VIS"}
    # No referral decision, core group or visit is in a census: not assessable, not overdue.
    assert status == {"CP-REF": "no_data", "CP-CG": "no_data", "CP-RCPC-1": "met"}
    assert vis == {"no_data"}


def test_the_explanation_of_a_no_data_obligation_claims_no_breach(tmp_path, db):
    # The plan from Wed 31 Jan 2024 ended at its review on Mon 29 Apr 2024: the core group
    # and visit clocks ran out with it, which for a census-only child says nothing.
    run(db, "cin-census", "import", str(plan_census(tmp_path, "a.xml", 2025, reviews=["2024-04-29"])))

    text = run(db, "timeline", "T2", "--as-of", "2025-03-31", "--explain").output
    rows = json.loads(
        run(db, "check", "--child", "T2", "--as-of", "2025-03-31", "--json", "--explain").output
    )

    no_data = [r for r in rows if r["status"] == "no_data"]
    assert no_data
    for row in no_data:
        assert not any(line.startswith(("Missed", "Overdue", "Due soon")) for line in row["explanation"])
        assert row["missed_on"] is None and row["days_late"] == 0
    blocks = [b for b in text.split("-> ") if b.split("\n", 1)[0].split(": ")[-1].startswith("no data")]
    assert any("core group meetings: not assessable" in b for b in blocks)
    assert not any("Missed:" in b or "Overdue:" in b for b in blocks)


def test_a_core_group_from_the_councils_own_events_is_assessed_beside_the_census(tmp_path, db):
    run(db, "cin-census", "import", str(plan_census(tmp_path, "a.xml", 2025, reviews=["2024-04-29"])))
    events = tmp_path / "cg.jsonl"
    # ICPC Wed 31 Jan 2024 + 10 WD = Wed 14 Feb 2024.
    events.write_text(
        json.dumps(
            {"child": "T2", "id": "LCS-1", "type": "core_group_held", "at": "2024-02-14", "source": "LCS"}
        )
        + "\n",
        encoding="utf-8",
    )
    run(db, "import", str(events))

    checked = json.loads(run(db, "check", "--child", "T2", "--as-of", "2025-03-31", "--json").output)

    assert {o["rule"]: o["status"] for o in checked if o["rule"] == "CP-CG"} == {"CP-CG": "met"}


def test_the_same_children_under_another_header_add_nothing(db):
    run(db, "cin-census", "import", str(FAKE / "CIN_Census_2021.xml"))
    count = len(stored_facts(db))

    again = json.loads(
        run(db, "cin-census", "import", str(FAKE / "CIN_header_issues_100.xml"), "--json").output
    )

    assert (again["imported"], again["retracted"], again["already_present"]) == (0, 0, count)


def test_an_older_census_after_a_newer_one_is_refused_and_stores_nothing(tmp_path, db):
    newer = plan_census(tmp_path, "2024-25.xml", 2025, source="2A")
    older = plan_census(tmp_path, "2023-24.xml", 2024, source="6")
    older.write_text(
        older.read_text(encoding="utf-8").replace(
            "</CollectionDetails>",
            "</CollectionDetails><Source><DateTime>2024-05-20T10:00:00</DateTime></Source>",
        ),
        encoding="utf-8",
    )
    newer.write_text(
        newer.read_text(encoding="utf-8").replace(
            "</CollectionDetails>",
            "</CollectionDetails><Source><DateTime>2025-05-19T10:00:00</DateTime></Source>",
        ),
        encoding="utf-8",
    )
    run(db, "cin-census", "import", str(newer))
    count = len(stored_facts(db))

    result = run(db, "cin-census", "import", str(older))

    assert result.exit_code == 2
    assert "import census years in order" in result.stderr
    assert len(stored_facts(db)) == count
