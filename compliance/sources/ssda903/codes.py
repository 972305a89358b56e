"""The SSDA903 code lists by collection year: one table, with the year each code came and went.

A collection year is named by the year it ends in (2018 is 2017-18: 1 April 2017 to 31 March
2018). `CODES` lists, for each 903 field, every code with the first and the last year it
is valid in (None: since before the first year this table knows, or still valid). Each
return is validated against the lists of its own year: a 2017-18 return may use PLACE H5,
P2 and Z1; a 2025-26 return may not, and may use K3 and Z11-Z14 instead.

Sources: the DfE's 903 guidance as encoded by the DfE validator's rule sets
(data-to-insight/csc-validator-be-903: rules 101, 131-133, 143-146, 149, 167, 196, 631,
1006, 1009 and their later versions for 2023-24 to 2026-27). Before 2022-23, the first year
those rule sets cover, the lists err on the side of accepting a code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache


@dataclass(frozen=True, slots=True)
class Code:
    field: str
    code: str
    first: int | None = None  # first collection year (by its ending year) it is valid in
    last: int | None = None  # last collection year it is valid in

    def valid_in(self, year: int) -> bool:
        return (self.first is None or self.first <= year) and (self.last is None or year <= self.last)


def _all(field: str, codes: Iterable[str], first: int | None = None, last: int | None = None) -> list[Code]:
    return [Code(field, c, first, last) for c in codes]


_PLACE_ALWAYS = [
    "A3", "A4", "A5", "A6", "K1", "K2", "P1", "P3", "R1", "R2", "R3", "R5", "S1",
    "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6",
]  # fmt: skip

#: Every code of every field the mapping reads, with the years it is valid in.
CODES: tuple[Code, ...] = tuple(
    [
        *_all("SEX", ["1", "2"], last=2024),  # 1 male, 2 female, until 2023-24
        *_all("SEX", ["M", "F", "U"], first=2025),  # from 2024-25
        *_all("RNE", ["S", "P", "L", "T", "U", "B"]),
        *_all("LS", ["C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4"]),
        *_all("CIN", [f"N{n}" for n in range(1, 9)]),
        *_all("PLACE", _PLACE_ALWAYS),
        *_all("PLACE", ["H5", "P2", "Z1"], last=2025),  # gone from 2025-26
        Code("PLACE", "K3", first=2025),  # supported accommodation, from 2024-25
        *_all("PLACE", ["Z11", "Z12", "Z13", "Z14"], first=2026),  # Z1 split, from 2025-26
        *_all("PLACE_PROVIDER", [f"PR{n}" for n in range(6)]),
        *_all(
            "REASON_PLACE_CHANGE",
            [
                "CARPL",
                "CLOSE",
                "ALLEG",
                "STAND",
                "APPRR",
                "CREQB",
                "CREQO",
                "CHILD",
                "LAREQ",
                "PLACE",
                "CUSTOD",
                "OTHER",
            ],
        ),
        *_all(
            "REC",
            ["X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E5", "E6", "E7", "E8", "E9"],
        ),
        *_all("REC", ["E14", "E15", "E16", "E17"]),
        *_all("REC", ["E43", "E44"], last=2015),  # special guardianship before the split
        *_all("REC", ["E45", "E46", "E47", "E48"], first=2016),
        *_all("REVIEW_CODE", [f"PN{n}" for n in range(8)]),
        *_all("MISSING", ["M", "A"]),
        *_all("IN_TOUCH", ["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"]),
        *_all("ACTIV", ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"]),
        *_all("ACTIV", ["F3", "P3"], last=2022),  # in older returns; not in the 2022-23 lists
        *_all(
            "ACCOM",
            [
                *(f"{k}{s}" for k in "BCDEGHKRTUVWYZ" for s in "12"),
                "S2",
                "X2",
                "0",
            ],
        ),
        *_all("REASON_PLACED_CEASED", ["RD1", "RD2", "RD3", "RD4"]),
        *_all("SDQ_REASON", ["SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"]),
    ]
)

#: The DfE validator's rule for an invalid code in each field (for findings).
VALIDATOR_RULE = {
    "SEX": "101",
    "RNE": "143",
    "LS": "144",
    "CIN": "145",
    "PLACE": "146",
    "PLACE_PROVIDER": "1015",
    "REASON_PLACE_CHANGE": "1009",
    "REC": "149",
    "REVIEW_CODE": "167",
    "MISSING": "1006",
    "IN_TOUCH": "131",
    "ACTIV": "132",
    "ACCOM": "133",
    "REASON_PLACED_CEASED": "120",
    "SDQ_REASON": "196",
}


@cache
def valid_codes(field: str, year: int) -> frozenset[str]:
    """The codes of `field` valid in the collection year ending in `year`."""
    return frozenset(c.code for c in CODES if c.field == field and c.valid_in(year))


# --- Collection years -------------------------------------------------------------------


def parse_year(text: str) -> int:
    """A collection year as given: `2017-18` or `2018` (the year it ends in). Returns 2018."""
    value = text.strip()
    if len(value) == 4 and value.isdigit():
        return int(value)
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        start = int(value[:4])
        if (start + 1) % 100 == int(value[5:]):
            return start + 1
    raise ValueError("expected a collection year such as 2017-18 (or 2018, the year it ends in)")


def year_label(year: int) -> str:
    return f"{year - 1}-{year % 100:02d}"


def year_start(year: int) -> date:
    return date(year - 1, 4, 1)


def year_end(year: int) -> date:
    return date(year, 3, 31)


def year_of(day: date) -> int:
    """The collection year a day falls in."""
    return day.year + 1 if day.month >= 4 else day.year
