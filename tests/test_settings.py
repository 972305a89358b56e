from datetime import date

import pytest

import rules.catalogue  # noqa: F401  (settings validate rule ids against the catalogue)
from compliance.settings import SettingsError, load_settings, parse_settings
from rules.timescales import Timescale


def test_no_file_means_catalogue_defaults():
    settings = load_settings(None)

    assert settings.value("LAC-REV-REC", "within", date(2024, 1, 1), "default") == "default"
    assert settings.warning == Timescale(5, "working_days")


def test_an_override_with_effective_from_applies_only_from_that_date(tmp_path):
    path = tmp_path / "casecheck.toml"
    path.write_text(
        """
[rules.LAC-REV-REC]
within = "5 working days"

[[rules.LAC-REV-REC.changes]]
effective_from = 2024-04-01
within = "10 working days"
""",
        encoding="utf-8",
    )

    settings = load_settings(path)

    assert settings.value("LAC-REV-REC", "within", date(2024, 3, 31), None) == Timescale(5, "working_days")
    assert settings.value("LAC-REV-REC", "within", date(2024, 4, 1), None) == Timescale(10, "working_days")


def test_a_rule_can_be_disabled():
    settings = parse_settings({"rules": {"HLT-DENTAL": {"enabled": False}}})

    assert not settings.enabled("HLT-DENTAL", date(2024, 1, 1))
    assert settings.enabled("LAC-REV-1", date(2024, 1, 1))


def test_extra_holidays_become_non_working_days():
    settings = parse_settings(
        {"calendar": {"extra_holidays": [{"date": date(2026, 6, 15), "name": "Closure"}]}}
    )

    calendar = settings.calendar()

    assert not calendar.is_working_day(date(2026, 6, 15))
    assert calendar.is_working_day(date(2026, 6, 16))


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"rules": {"LAC-REV-99": {"within": "5 working days"}}}, "rules.LAC-REV-99"),
        ({"rules": {"LAC-REV-REC": {"wihtin": "5 working days"}}}, "rules.LAC-REV-REC.wihtin"),
        ({"rules": {"LAC-REV-REC": {"within": "five days"}}}, "rules.LAC-REV-REC.within"),
        (
            {"rules": {"LAC-REV-REC": {"changes": [{"within": "5 days"}]}}},
            "rules.LAC-REV-REC.changes[0].effective_from",
        ),
        ({"alerts": {"warning": 5}}, "alerts.warning"),
        ({"council": {"terminology": "in care"}}, "council.terminology"),
        ({"drp": {"stages": {"5": {}}}}, "drp.stages.5"),
        ({"colour": "red"}, "colour"),
    ],
    ids=[
        "unknown-rule",
        "misspelt-parameter",
        "bad-timescale",
        "change-without-date",
        "warning-not-text",
        "bad-terminology",
        "unknown-drp-stage",
        "unknown-section",
    ],
)
def test_an_invalid_setting_is_one_error_naming_the_key(data, key):
    with pytest.raises(SettingsError) as caught:
        parse_settings(data, source="casecheck.toml")

    assert str(caught.value).startswith(f"casecheck.toml: {key}: ")


def test_a_file_that_is_not_toml_is_reported_with_its_name(tmp_path):
    path = tmp_path / "casecheck.toml"
    path.write_text("[rules\n", encoding="utf-8")

    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path)


def test_list_and_text_parameters_take_the_type_of_their_default():
    settings = parse_settings(
        {"rules": {"VIS-PWP": {"connected_types": ["U1", "U3"]}, "CP-ICPC": {"clock_start": "last"}}}
    )

    assert settings.value("VIS-PWP", "connected_types", date(2024, 1, 1), ()) == ("U1", "U3")
    assert settings.value("CP-ICPC", "clock_start", date(2024, 1, 1), "first") == "last"


def test_a_parameter_of_the_wrong_type_names_the_key():
    with pytest.raises(SettingsError, match="rules.MIS-REPEAT.episodes: expected a number"):
        parse_settings({"rules": {"MIS-REPEAT": {"episodes": "three"}}})


@pytest.mark.parametrize(
    ("rule_id", "name", "value", "bad"),
    [
        ("CP-ICPC", "clock_start", "frist", "frist"),
        ("MIS-RHI", "kinds", ["missing", "absent"], "absent"),
        ("VIS-PWP", "connected_types", ["U1", "Q9"], "Q9"),
    ],
    ids=["misspelt-choice", "unknown-kind", "unknown-placement-code"],
)
def test_a_value_outside_a_parameters_choices_is_refused(rule_id, name, value, bad):
    with pytest.raises(SettingsError, match=f"rules.{rule_id}.{name}: '{bad}' is not one of"):
        parse_settings({"rules": {rule_id: {name: value}}})


def test_a_regulation_timescale_made_longer_is_refused_naming_the_key_unless_the_setting_says_why():
    with pytest.raises(SettingsError, match=r"rules\.LAC-REV-1\.within: 25 working days is longer"):
        parse_settings({"rules": {"LAC-REV-1": {"within": "25 working days"}}})

    settings = parse_settings(
        {"rules": {"LAC-REV-1": {"within": "25 working days", "weaker_than_law": "pilot"}}}
    )

    assert [w.describe() for w in settings.weaker_in_force(date(2024, 1, 1))] == [
        "LAC-REV-1 within = 25 working days (the regulation says 20 working days): pilot"
    ]


@pytest.mark.parametrize(
    ("rule", "value", "weaker"),
    [
        ("LAC-REV-2", "3 months", False),  # the statute itself
        ("LAC-REV-2", "13 weeks", False),  # 91 days, not longer than 3 months
        ("LAC-REV-2", "14 weeks", True),  # 98 days
        ("LAC-REV-1", "19 working days", False),  # stricter than the law is always allowed
        ("LAC-REV-1", "5 weeks", True),  # 35 days against 20 WD (28 days)
        ("LAC-REV-REC", "10 working days", False),  # a local standard, not a regulation
    ],
)
def test_only_a_longer_timescale_on_a_regulation_needs_a_reason(rule, value, weaker):
    data = {"rules": {rule: {"within": value}}}

    if weaker:
        with pytest.raises(SettingsError, match="weaker_than_law"):
            parse_settings(data)
    else:
        assert parse_settings(data).weaker_than_law == ()


def test_a_dated_change_that_weakens_a_regulation_needs_its_own_reason():
    data = {
        "rules": {
            "LAC-REV-1": {
                "changes": [
                    {
                        "effective_from": date(2024, 4, 1),
                        "within": "30 working days",
                        "weaker_than_law": "backlog",
                    },
                    {"effective_from": date(2024, 10, 1), "within": "20 working days"},
                ]
            }
        }
    }

    settings = parse_settings(data)

    assert settings.weaker_in_force(date(2024, 3, 31)) == []
    assert [w.why for w in settings.weaker_in_force(date(2024, 5, 1))] == ["backlog"]
    assert settings.weaker_in_force(date(2024, 10, 1)) == []


def test_the_go_live_line_is_a_date():
    assert parse_settings({"alerts": {"from": date(2026, 4, 1)}}).alerts_from == date(2026, 4, 1)
    with pytest.raises(SettingsError, match=r"alerts\.from: expected a date"):
        parse_settings({"alerts": {"from": "April"}})


def test_the_web_record_and_reports_say_when_the_council_runs_weaker_than_the_law():
    from compliance.web import WebSettings, create_app
    from tests.web_fixtures import AS_OF, PASSWORD, Clock, build_council, csrf_token

    settings = parse_settings(
        {"rules": {"LAC-REV-1": {"within": "25 working days", "weaker_than_law": "interim"}}}
    )
    app = create_app(
        WebSettings(store=build_council(), settings=settings, clock=Clock(), as_of=AS_OF, secret_key="k")
    )
    client = app.test_client()
    token = csrf_token(client.get("/").text)
    client.post("/", data={"name": "sm", "password": PASSWORD, "csrf_token": token})

    record = client.get("/children/C1").text
    report = client.get("/reports/scorecard").text

    line = "LAC-REV-1 within = 25 working days (the regulation says 20 working days): interim"
    assert line in record and line in report


@pytest.mark.parametrize("bad", [-1, 400, 2.5, "7", True])
def test_the_whole_store_verification_cadence_is_a_whole_number_of_days(bad):
    with pytest.raises(SettingsError, match="integrity.full_verify_every_days: expected a whole number"):
        parse_settings({"integrity": {"full_verify_every_days": bad}})
    assert parse_settings({"integrity": {"full_verify_every_days": 3}}).full_verify_every_days == 3
    assert parse_settings({}).full_verify_every_days == 7
