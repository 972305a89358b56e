"""The bank holidays of England and Wales, as the `holidays` package knows them.

The package stays the only source of the dates. What this module avoids is the price of
reaching them. `holidays.countries` imports all of its 250 countries when it is imported
(about as long as the rest of a one-child command's start-up), and the package's own
look-up, `holidays.country_holidays("GB")`, goes through it. The United Kingdom's module
needs only the package's base classes, so it is loaded on its own, under its usual name
(a later `import holidays.countries` finds it already loaded). Should a release of the
package move that module, the package's own look-up is used instead.

Even that import costs a one-child command a fifth of its start-up (the package reads its
own version from its installed metadata when it is imported), so the dates the package
gave are kept, year by year, in a file in the user's cache folder
(`$XDG_CACHE_HOME/casecheck`, else `~/.cache/casecheck`), one for each place the package
is installed in (a virtual environment does not take another's file). The file says exactly what the
dates were worked out from: the size and modification time of every source file of the
package (and of `dateutil`, which it uses) that was loaded to work them out, of its
translations of the names, where each package is found, the Python version and the
language settings the names were translated for. It is used only while every one of those
is unchanged, as Python uses its own compiled files; otherwise the package is asked again
and the file replaced. A file that cannot be read or written is no error: the package is
asked, as without one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

UK_MODULE = "holidays.countries.united_kingdom"

#: The packages whose code works the dates out: their loaded source files are checked.
PACKAGES = ("holidays", "dateutil")
#: Where the package takes the language of the names from when none is asked for.
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
CACHE_FORMAT = 1

Stamp = list[int] | None


def england_and_wales(years: Iterable[int]) -> dict[date, str]:
    """Every bank holiday of England and Wales in `years`, with its name."""
    wanted = sorted(set(years))
    path = cache_path()
    files, known = _read_cache(path) if path is not None else ({}, {})
    missing = [year for year in wanted if year not in known]
    if not missing:
        return {day: name for year in wanted for day, name in known[year]}
    found = dict(_uk_class()(subdiv="ENG", years=missing).items())
    by_year: dict[int, list[tuple[date, str]]] = {year: [] for year in missing}
    if any(day.year not in by_year for day in found):
        # Not the package's way (it works a year at a time): ask it for all, keep nothing.
        return dict(_uk_class()(subdiv="ENG", years=wanted).items())
    for day, name in found.items():
        by_year[day.year].append((day, name))
    if path is not None:
        _write_cache(path, by_year, files, known)
    return {day: name for year in wanted for day, name in (known[year] if year in known else by_year[year])}


def cache_path() -> Path | None:
    """The cache file for the package where it is installed (each environment its own), or
    None when there is no package or no cache folder to keep it in."""
    origin = _origin("holidays")
    folder = os.environ.get("XDG_CACHE_HOME")
    if origin is None:
        return None
    try:
        base = Path(folder) if folder and os.path.isabs(folder) else Path.home() / ".cache"
    except RuntimeError:  # no home folder to be found
        return None
    where = hashlib.sha256(os.path.dirname(origin).encode()).hexdigest()[:16]
    return base / "casecheck" / f"bank-holidays-{where}.json"


def _stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _origin(package: str) -> str | None:
    """Where `package` is imported from, without importing it."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


def _settings() -> dict[str, Any]:
    """What the dates and names depend on besides the packages' files."""
    return {
        "format": CACHE_FORMAT,
        "python": sys.version,
        "language": {name: os.environ.get(name) for name in LANGUAGE_VARIABLES},
    }


def _read_cache(path: Path) -> tuple[dict[str, Stamp], dict[int, list[tuple[date, str]]]]:
    """The files the cache's years were worked out from, and the years, if every one of
    those files and settings is unchanged (else nothing)."""
    try:
        with open(path, encoding="utf-8") as handle:
            cache = json.load(handle)
        files = cache["files"]
        if cache["settings"] != _settings():
            return {}, {}
        if any(_origin(package) != origin for package, origin in cache["origins"].items()):
            return {}, {}
        if not files or any(_stamp(file) != stamp for file, stamp in files.items()):
            return {}, {}
        return files, {
            int(year): [(date.fromisoformat(day), str(name)) for day, name in days]
            for year, days in cache["years"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, {}


def _sources() -> dict[str, Stamp]:
    """The files the dates were worked out from: the packages' loaded modules, the
    translations of the names (with their folders, so a translation added shows) and the
    folders the packages are installed in (installing or removing any package changes it)."""
    files: dict[str, Stamp] = {}
    for name, module in list(sys.modules.items()):
        source = getattr(module, "__file__", None)
        if name.partition(".")[0] in PACKAGES and source:
            files[source] = _stamp(source)
            if "." not in name:
                folder = os.path.dirname(os.path.dirname(source))
                files[folder] = _stamp(folder)
    uk = _uk_class()
    parent = getattr(getattr(uk, "parent_entity", None), "country", None)
    domains = sorted({str(uk.country)} | ({str(parent)} if parent else set()))
    locale = Path(str(sys.modules["holidays"].__file__)).with_name("locale")
    if not locale.is_dir():
        return files
    files[str(locale)] = _stamp(str(locale))
    for language in sorted(os.listdir(locale)):
        messages = locale / language / "LC_MESSAGES"
        if not messages.is_dir():
            continue
        files[str(messages)] = _stamp(str(messages))
        for domain in domains:
            translation = messages / f"{domain}.mo"
            if translation.exists():
                files[str(translation)] = _stamp(str(translation))
    return files


def _write_cache(
    path: Path,
    computed: dict[int, list[tuple[date, str]]],
    files_read: dict[str, Stamp],
    years_read: dict[int, list[tuple[date, str]]],
) -> None:
    """Keep the years just worked out (with those read, if from the same files)."""
    if _imported_at is None:
        return  # the package was loaded before this module asked for it: when is unknown
    try:
        files = _sources()
        if any(stamp is None or stamp[0] >= _imported_at for stamp in files.values()):
            return  # changed since it was loaded: what ran may not be what is there now
        years = (years_read if files == files_read else {}) | computed
        cache = {
            "settings": _settings(),
            "origins": {package: _origin(package) for package in PACKAGES},
            "files": files,
            "years": {
                str(year): [[day.isoformat(), name] for day, name in days]
                for year, days in sorted(years.items())
            },
        }
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(cache, handle)
        os.replace(partial, path)
    except OSError:
        return


#: When this module first loaded the package (ns since the epoch), if it did.
_imported_at: int | None = None


def _uk_class() -> Any:
    global _imported_at
    if "holidays" not in sys.modules:
        _imported_at = time.time_ns()
    import holidays

    module = sys.modules.get(UK_MODULE) or _load_uk_module(Path(holidays.__file__).parent)
    if module is None:
        return holidays.UnitedKingdom
    return module.UnitedKingdom


def _load_uk_module(package: Path) -> Any:
    """Import the package's United Kingdom module without its `countries` package."""
    source = package / "countries" / "united_kingdom.py"
    spec = importlib.util.spec_from_file_location(UK_MODULE, source)
    if not source.is_file() or spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[UK_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[UK_MODULE]
        raise
    return module
