"""The bank holidays of England and Wales, as the `holidays` package knows them.

The package stays the only source of the dates. What this module avoids is the price of
reaching them: `holidays.countries` imports all of its 250 countries when it is imported
(about as long as the rest of a one-child command's start-up), and the package's own
look-up, `holidays.country_holidays("GB")`, goes through it. The United Kingdom's module
needs only the package's base classes, so it is loaded on its own, under its usual name
(a later `import holidays.countries` finds it already loaded). Should a release of the
package move that module, the package's own look-up is used instead.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

UK_MODULE = "holidays.countries.united_kingdom"


def england_and_wales(years: Iterable[int]) -> dict[date, str]:
    """Every bank holiday of England and Wales in `years`, with its name."""
    return dict(_uk_class()(subdiv="ENG", years=years).items())


def _uk_class() -> Any:
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
