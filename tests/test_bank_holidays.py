"""England and Wales's bank holidays come from the `holidays` package, loaded without the
rest of its countries, and kept in a cache file only while the package is unchanged."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import holidays
import pytest

from rules import bank_holidays
from rules.bank_holidays import UK_MODULE, _load_uk_module, _settings, _sources, cache_path, england_and_wales

ROOT = Path(__file__).parents[1]


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    """Each test its own cache folder."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


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
        cwd=ROOT,
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


def in_a_fresh_process(years, cache_home):
    """england_and_wales(years) in a new interpreter: its answer and whether it imported
    the package."""
    code = (
        "import json, sys\n"
        "from rules.bank_holidays import england_and_wales\n"
        f"days = england_and_wales({list(years)!r})\n"
        "print(json.dumps([sorted((d.isoformat(), n) for d, n in days.items()), 'holidays' in sys.modules]))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    days, imported = json.loads(done.stdout)
    return {date.fromisoformat(d): n for d, n in days}, imported


def packages(years):
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=years).items())


def test_a_second_process_takes_the_same_holidays_from_the_cache_without_the_package(cache_home):
    first, first_imported = in_a_fresh_process(range(2018, 2029), cache_home)
    second, second_imported = in_a_fresh_process(range(2018, 2029), cache_home)

    assert first == second == packages(range(2018, 2029))
    assert first_imported and not second_imported
    assert cache_path().parent == cache_home / "casecheck"
    assert cache_path().stat().st_mode & 0o077 == 0


def test_years_the_cache_lacks_are_asked_of_the_package_and_kept_too(cache_home):
    in_a_fresh_process([2024], cache_home)

    wider, imported = in_a_fresh_process(range(2020, 2031), cache_home)
    again, imported_again = in_a_fresh_process(range(2020, 2031), cache_home)

    assert wider == again == packages(range(2020, 2031))
    assert imported and not imported_again


def write_cache(**changes):
    """A cache as the package's files stand now, saying 1 June 2023 was a holiday (so a
    test can tell an answer from the cache from the package's)."""
    cache = {
        "settings": _settings(),
        "origins": {
            "holidays": holidays.__spec__.origin,
            "dateutil": sys.modules["dateutil"].__spec__.origin,
        },
        "files": _sources(),
        "years": {"2023": [["2023-06-01", "Made-up Day"]]},
        **changes,
    }
    path = cache_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(cache), encoding="utf-8")
    return cache


def test_the_cache_is_what_is_used_while_the_package_is_unchanged():
    write_cache()

    assert england_and_wales([2023]) == {date(2023, 6, 1): "Made-up Day"}


@pytest.mark.parametrize("which", ["holidays", "dateutil", "translation", "installed packages"])
def test_a_changed_file_of_the_package_is_never_answered_from_the_cache(which):
    files = _sources()
    changed = next(
        f
        for f in files
        if {
            "holidays": f.endswith(os.path.join("holidays", "holiday_base.py")),
            "dateutil": f.endswith(os.path.join("dateutil", "easter.py")),
            "translation": f.endswith(os.path.join("en_GB", "LC_MESSAGES", "GB.mo")),
            "installed packages": f == os.path.dirname(os.path.dirname(holidays.__file__)),
        }[which]
    )
    mtime, size = files[changed]
    write_cache(files={**files, changed: [mtime + 1, size]})

    assert england_and_wales([2023]) == packages([2023])


def test_the_package_found_elsewhere_is_never_answered_from_the_cache(tmp_path):
    write_cache(origins={"holidays": str(tmp_path / "holidays" / "__init__.py")})

    assert england_and_wales([2023]) == packages([2023])


@pytest.mark.parametrize("variable", ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"])
def test_names_kept_for_another_language_are_never_used(monkeypatch, variable):
    write_cache()
    monkeypatch.setenv(
        variable, "th_TH.UTF-8" if os.environ.get(variable) != "th_TH.UTF-8" else "en_US.UTF-8"
    )

    assert england_and_wales([2023]) == packages([2023])


def test_a_cache_from_another_python_is_never_used():
    write_cache(settings={**_settings(), "python": "3.0.0"})

    assert england_and_wales([2023]) == packages([2023])


@pytest.mark.parametrize("content", ["", "{", "[]", '{"settings": 1}', '{"years": {"x": 1}}'])
def test_a_damaged_cache_is_no_error(content):
    path = cache_path()
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")

    assert england_and_wales([2023]) == packages([2023])


def test_an_unwritable_cache_folder_is_no_error(cache_home):
    cache_home.write_text("not a folder", encoding="utf-8")

    days, imported = in_a_fresh_process([2023], cache_home)

    assert days == packages([2023]) and imported


def test_a_process_that_had_the_package_loaded_already_keeps_nothing():
    assert "holidays" in sys.modules  # imported above, before this module asked for it

    england_and_wales([2023])

    assert not cache_path().exists()


def test_each_installation_of_the_package_has_its_own_cache(monkeypatch, tmp_path):
    here = cache_path()
    elsewhere = tmp_path / "venv" / "holidays" / "__init__.py"
    monkeypatch.setattr(bank_holidays, "_origin", lambda package: str(elsewhere))

    assert cache_path() != here and cache_path().parent == here.parent
