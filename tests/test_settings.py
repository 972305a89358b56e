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
