"""The rule catalogue and the nightly runs as view models, shared by the CLI and the web."""

from datetime import date

import pytest

from compliance.errors import CasecheckError
from compliance.settings import load_settings
from compliance.views.rules import (
    catalogue_json,
    catalogue_rows,
    find_rule,
    parameter_history,
    rule_detail_json,
)
from compliance.views.runs import RUN_COLUMNS, run_rows


def settings_from(tmp_path, text):
    path = tmp_path / "casecheck.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_a_rule_id_is_found_whatever_its_case():
    assert find_rule("lac-rev-1").id == "LAC-REV-1"


def test_an_unknown_rule_id_is_refused_with_the_closest_id():
    with pytest.raises(CasecheckError, match=r"no rule 'LAC-REV-REK'; did you mean LAC-REV-REC\?"):
        find_rule("LAC-REV-REK")


def test_the_catalogue_is_in_id_order_and_marks_a_rule_the_council_disabled(tmp_path):
    settings = settings_from(tmp_path, "[rules.LAC-REV-REC]\nenabled = false\n")

    rows = catalogue_rows(settings, date(2022, 12, 1))

    ids = [row[0] for row in rows]
    assert ids == sorted(ids)
    assert dict((row[0], row[1]) for row in rows)["LAC-REV-REC"].endswith(" (disabled)")
    assert not dict((row[0], row[1]) for row in rows)["LAC-REV-1"].endswith(" (disabled)")
    assert (
        next(r for r in catalogue_json(settings, date(2022, 12, 1)) if r["id"] == "LAC-REV-REC")["enabled"]
        is False
    )


def test_a_parameter_changed_from_1_october_2022_reads_with_its_value_on_each_side_of_the_change(tmp_path):
    settings = settings_from(
        tmp_path,
        '[[rules.LAC-REV-1.changes]]\neffective_from = 2022-10-01\nwithin = "15 working days"\n',
    )
    spec = find_rule("LAC-REV-1")

    history = parameter_history(settings, spec)["within"]

    assert history[0]["when"] == "(catalogue default)"
    assert history[-1] == {"from": "2022-10-01", "value": "15 working days", "when": "from Sat 1 Oct 2022"}
    assert rule_detail_json(settings, spec, date(2022, 9, 30))["parameters"]["within"] != "15 working days"
    assert rule_detail_json(settings, spec, date(2022, 10, 3))["parameters"]["within"] == "15 working days"


def test_a_run_row_shows_the_start_to_the_minute_and_an_unfinished_run_as_interrupted():
    run = {
        "as_of": "2022-12-01",
        "started": "2022-12-01T02:00:37.123456+00:00",
        "children_evaluated": 120,
        "alerts_raised": 4,
        "alerts_closed": 2,
        "alerts_missed": 1,
        "baseline_recorded": 0,
        "stage_overdue_raised": 0,
        "duration_s": 3.14159,
        "completed": False,
    }

    (row,) = run_rows([run])

    assert len(row) == len(RUN_COLUMNS)
    assert row == ("2022-12-01", "2022-12-01 02:00", "120", "4", "2", "1", "0", "0", "3.1", "interrupted", "")
    (since,) = run_rows([{**run, "verification": "since", "verified_records": 1234}])
    assert since[-1] == "new: 1,234"
    (whole,) = run_rows([{**run, "verification": "whole", "verified_records": 45247}])
    assert whole[-1] == "whole store: 45,247"
