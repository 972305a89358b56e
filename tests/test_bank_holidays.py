"""England and Wales's bank holidays come from the `holidays` package, loaded without the
rest of its countries."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import holidays

from rules import bank_holidays
from rules.bank_holidays import UK_MODULE, _load_uk_module, england_and_wales


def test_the_holidays_are_the_packages_own_for_england():
    years = range(1990, 2041)

    ours = england_and_wales(years)

    assert ours == dict(holidays.country_holidays("GB", subdiv="ENG", years=years).items())
    assert len(ours) > 400 and "State Funeral" in ours[date(2022, 9, 19)]


def test_loading_them_leaves_the_other_countries_unloaded_and_the_package_whole():
    code = (
        "import sys\n"
        "from rules.bank_holidays import england_and_wales\n"
        "england_and_wales([2024])\n"
        "print('holidays.countries' in sys.modules)\n"
        "import holidays\n"
        "print(holidays.country_holidays('FR', years=2024).get('2024-07-14'))\n"
        "from holidays.countries import UnitedKingdom\n"
        "print(UnitedKingdom is sys.modules['holidays.countries.united_kingdom'].UnitedKingdom)\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1],
    )

    assert done.stdout.split("\n")[:3] == ["False", "National Day", "True"]


def test_a_package_without_the_uk_module_where_expected_is_not_loaded_from(tmp_path):
    assert _load_uk_module(tmp_path) is None


def test_without_it_the_packages_own_look_up_gives_the_same_holidays(monkeypatch):
    monkeypatch.delitem(sys.modules, UK_MODULE, raising=False)
    monkeypatch.setattr(bank_holidays, "_load_uk_module", lambda package: None)

    assert england_and_wales([2023]) == dict(
        holidays.country_holidays("GB", subdiv="ENG", years=2023).items()
    )
