"""Code lists of the CIN census that translate into the contract's values.

The contract's own CIN code lists (referral source, primary need, reason for closure) are
in `events.codes`, because events carry them as they are; this module holds what is
translated on the way in or out: categories of abuse, gender and sex, and the census's
boolean spelling. The lists follow the DfE CIN census code set (as the DfE CIN validator,
csc-validator-be-cin, checks them: rules 8866, 8650, 8640, 8905/8910, 4180).
"""

from __future__ import annotations

from compliance.sources.coverage import CIN_CENSUS
from events.codes import PrimaryNeed, ReasonForClosure, ReferralSource

#: The `source` of every fact from the census (its kind in `coverage`).
SOURCE = CIN_CENSUS.name

#: InitialCategoryOfAbuse / LatestCategoryOfAbuse -> the contract's `category`.
CATEGORY_OF_ABUSE = {
    "NEG": "neglect",
    "PHY": "physical",
    "EMO": "emotional",
    "SAB": "sexual",
    "MUL": "multiple",
}
ABUSE_CODE = {category: code for code, category in CATEGORY_OF_ABUSE.items()}

#: GenderCurrent (to 2023-24): 0 not known, 1 male, 2 female, 9 not specified.
GENDER_CURRENT = {"0": "U", "1": "M", "2": "F", "9": "U"}
#: Sex (from 2024-25): M, F, U. Older returns put GenderCurrent codes here; they are
#: understood, and reported as a finding.
SEX = {"M": "M", "F": "F", "U": "U"}

REFERRAL_SOURCES = frozenset(code.value for code in ReferralSource)
PRIMARY_NEEDS = frozenset(code.value for code in PrimaryNeed)
CLOSURE_REASONS = frozenset(code.value for code in ReasonForClosure)

#: xs:boolean, as the census writes it.
BOOLEAN = {"true": True, "1": True, "false": False, "0": False}

#: ReasonForClosure RC2: the child died.
DIED = "RC2"


def expected(codes: frozenset[str] | dict[str, str]) -> str:
    """The codes of a list, for an error message ("1A, 1B, ... 10")."""
    return ", ".join(sorted(codes, key=lambda c: (len(c), c)))
