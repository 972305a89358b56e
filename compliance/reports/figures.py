"""A figure of a report: a value with the items behind its numerator and denominator.

Every figure can name its children: an `Item` is one child and what about them was
counted ("review due Wed 11 Oct 2017, held late"), so a performance officer can check a
figure by hand and chase the cases. A figure the store cannot give is `no data` and says
which event type (or setting) it needs; it is never shown as 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from typing import Any

ROUNDING = "percentages truncated to one decimal place (65.38% is shown as 65.3%)"


class Rounding(StrEnum):
    """How a paper prints a figure. The seed IHA table (000) truncates to one decimal
    place; the seed scorecard (004) prints whole per cents rounded half up (24 of 28 is
    86%, 38 of 149 is "26.0%"); the seed IRO report rounds to one decimal place (51 of
    477 is 10.7%). Each measure declares its rule; the exact value is kept beside it."""

    TRUNCATE_1DP = "truncated to one decimal place (65.38 is shown as 65.3)"
    ROUND_WHOLE = "rounded half up to a whole number (85.71 is shown as 86)"
    ROUND_1DP = "rounded half up to one decimal place (10.69 is shown as 10.7)"
    NONE = "a count: no rounding"

    def apply(self, exact: Fraction) -> float | int:
        if self is Rounding.NONE:
            return int(exact) if exact.denominator == 1 else float(exact)
        if self is Rounding.ROUND_WHOLE:
            return int(math.floor(exact + Fraction(1, 2)))
        if self is Rounding.ROUND_1DP:
            return math.floor(exact * 10 + Fraction(1, 2)) / 10
        return math.floor(exact * 10) / 10


def truncate(value: Fraction) -> float:
    """One decimal place, truncated as the seed IHA table prints (65.38 -> 65.3)."""
    return float(Rounding.TRUNCATE_1DP.apply(value))


def truncated_percent(numerator: int, denominator: int) -> float | None:
    """65.38 -> 65.3, as the seed IHA table prints percentages."""
    if denominator == 0:
        return None
    return float(Rounding.TRUNCATE_1DP.apply(Fraction(100 * numerator, denominator)))


@dataclass(frozen=True, order=True)
class Item:
    """One child counted in a figure, and what about them was counted."""

    child: str
    what: str = ""

    def to_json(self) -> dict[str, str]:
        return {"child": self.child, "what": self.what}


@dataclass(frozen=True)
class Figure:
    """One cell of a report: a value, its unit, and the items it was counted from."""

    value: float | int | None
    unit: str  # "%", "children", "days", "per 10,000", "reviews", ...
    numerator: int | None = None
    denominator: int | None = None
    numerator_items: tuple[Item, ...] = field(default=(), repr=False)
    denominator_items: tuple[Item, ...] = field(default=(), repr=False)
    excluded: int = 0
    excluded_because: str = ""
    no_data: str | None = None  # what the store lacks, e.g. "needs school_attendance_recorded"
    not_reported: str | None = None  # e.g. "reported for the year only"
    exact: Fraction | None = field(default=None, repr=False)

    def rounded(self, rounding: Rounding) -> Figure:
        """The same figure with its value printed by `rounding` (from the exact value)."""
        if self.exact is None:
            return self
        return replace(self, value=rounding.apply(self.exact))

    @property
    def shown(self) -> str:
        """The cell as a committee paper prints it."""
        if self.no_data is not None:
            return f"no data: {self.no_data}"
        if self.not_reported is not None:
            return self.not_reported
        if self.value is None:
            return "-"
        if self.unit == "%":
            return f"{self.value}%"
        return f"{self.value}"

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "unit": self.unit,
            "shown": self.shown,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "excluded": self.excluded,
            "excluded_because": self.excluded_because or None,
            "no_data": self.no_data,
            "not_reported": self.not_reported,
            "exact": float(self.exact) if self.exact is not None else None,
        }


def no_data(needs: str, unit: str) -> Figure:
    return Figure(None, unit, no_data=needs)


def ratio(
    numerator: Iterable[Item],
    denominator: Iterable[Item],
    *,
    excluded: int = 0,
    excluded_because: str = "",
) -> Figure:
    """A percentage, truncated; the numerator items are a subset of the denominator's."""
    num, den = tuple(sorted(numerator)), tuple(sorted(denominator))
    exact = Fraction(100 * len(num), len(den)) if den else None
    return Figure(
        truncated_percent(len(num), len(den)),
        "%",
        len(num),
        len(den),
        num,
        den,
        excluded,
        excluded_because,
        exact=exact,
    )


def fraction(
    numerator: int,
    denominator: int,
    unit: str,
    *,
    scale: int = 1,
    items: tuple[Item, ...] = (),
    denominator_items: tuple[Item, ...] = (),
) -> Figure:
    """numerator x scale / denominator (a rate per 10,000, say)."""
    if not denominator:
        return Figure(None, unit, numerator, denominator, items, denominator_items)
    exact = Fraction(numerator * scale, denominator)
    return Figure(truncate(exact), unit, numerator, denominator, items, denominator_items, exact=exact)


def count(items: Iterable[Item], unit: str = "children") -> Figure:
    found = tuple(sorted(items))
    return Figure(len(found), unit, len(found), None, found, exact=Fraction(len(found)))


def average(values: Iterable[tuple[Item, int]], unit: str = "days") -> Figure:
    """The mean of `values`; the items are the denominator."""
    pairs = sorted(values)
    if not pairs:
        return Figure(None, unit, None, 0)
    total = sum(v for _, v in pairs)
    exact = Fraction(total, len(pairs))
    return Figure(
        truncate(exact),
        unit,
        total,
        len(pairs),
        (),
        tuple(Item(i.child, f"{i.what}: {v} {unit}") for i, v in pairs),
        exact=exact,
    )
