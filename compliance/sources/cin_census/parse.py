"""Reading a CIN census XML return, safely, into plain values.

The parser is `defusedxml`'s: a document type declaration is refused outright, so no
entity is ever declared, expanded (the "billion laughs" bomb) or fetched from a file or
the network (external entities). Nothing but the bytes given is read.

Every value is checked as it is read: dates are ISO `YYYY-MM-DD`, codes are in the census
code set, booleans are xs:boolean, and the elements casecheck needs are present. The first
problem raises `BadInput` naming the file, the line, the element and what was expected,
never the value (dates of birth are personal data). Elements casecheck does not use
(UPN, ethnicity, disabilities, pre-proceedings, ...) are passed over, so a later year's
modules do not break an import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from compliance.sources.cin_census import codes
from events.parse import BadInput

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CHILD_ID = re.compile(r"[A-Za-z0-9_./-]{1,64}")


@dataclass(frozen=True, slots=True)
class Header:
    year: int  # the collection year as the census names it: 2022 is the 2021-22 census
    reference_date: date
    produced_at: datetime | None  # Source/DateTime: when the return was made
    line: int


@dataclass(frozen=True, slots=True)
class Assessment:
    line: int
    started: date
    authorised: date | None
    factors: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class CinPlan:
    line: int
    started: date
    ended: date | None


@dataclass(frozen=True, slots=True)
class Section47:
    line: int
    started: date
    icpc_target: date | None
    icpc: date | None
    icpc_not_required: bool | None


@dataclass(frozen=True, slots=True)
class ProtectionPlan:
    line: int
    started: date
    ended: date | None
    initial_category: str | None  # the contract's category name
    latest_category: str | None
    reviews: tuple[tuple[int, date], ...]  # (line, CPPreviewDate)


@dataclass(frozen=True, slots=True)
class Episode:
    """One CINdetails module: a children-in-need episode, from referral to closure."""

    line: int
    referral: date
    referral_source: str | None
    primary_need: str | None
    nfa: bool | None
    closed: date | None
    closure_reason: str | None
    icpc: date | None  # DateOfInitialCPC at the CINdetails level
    assessments: tuple[Assessment, ...]
    cin_plans: tuple[CinPlan, ...]
    section47s: tuple[Section47, ...]
    plans: tuple[ProtectionPlan, ...]


@dataclass(frozen=True, slots=True)
class CensusChild:
    line: int
    child: str  # LAchildID
    dob: date | None
    expected_dob: date | None
    sex: str | None  # M/F/U
    sex_line: int | None  # line of a Sex element that holds an older GenderCurrent code
    died: date | None
    episodes: tuple[Episode, ...]


@dataclass(frozen=True, slots=True)
class Census:
    source: str
    header: Header
    children: tuple[CensusChild, ...] = field(default=())


class _LineParser(DefusedXMLParser):
    """defusedxml's parser, remembering the line each element starts on (for messages).
    No DTD at all: the census has none, and refusing it refuses every entity."""

    def __init__(self) -> None:
        # The standard library's (C) tree builder: the parsing stays defusedxml's own.
        super().__init__(target=TreeBuilder(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
        self.lines: dict[Element, int] = {}

    def _start(self, tag: str, attr_list: Any) -> Element:
        element: Element = super()._start(tag, attr_list)  # type: ignore[misc]
        self.lines[element] = self.parser.CurrentLineNumber
        return element


class _Reader:
    def __init__(self, source: str, lines: dict[Element, int]) -> None:
        self.source = source
        self.lines = lines

    def line(self, element: Element) -> int:
        return self.lines.get(element, 0)

    def bad(self, element: Element, name: str, problem: str) -> BadInput:
        return BadInput(self.source, self.line(element), name, problem)

    def text(self, parent: Element, name: str, *, required: bool = False) -> tuple[str | None, Element]:
        found = parent.find(name)
        if found is None or not (found.text or "").strip():
            if required:
                raise self.bad(
                    found if found is not None else parent, name, f"required element {name} is missing"
                )
            return None, found if found is not None else parent
        return found.text.strip(), found  # type: ignore[union-attr]

    def day(self, parent: Element, name: str, *, required: bool = False) -> date | None:
        value, element = self.text(parent, name, required=required)
        if value is None:
            return None
        if _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.bad(element, name, "expected a real date YYYY-MM-DD")

    def code(self, parent: Element, name: str, allowed: Iterable[str], list_name: str) -> str | None:
        value, element = self.text(parent, name)
        if value is None:
            return None
        allowed = frozenset(allowed)
        if value not in allowed:
            raise self.bad(
                element, name, f"unknown code: expected a {list_name} code ({codes.expected(allowed)})"
            )
        return value

    def flag(self, parent: Element, name: str) -> bool | None:
        value, element = self.text(parent, name)
        if value is None:
            return None
        if value.lower() not in codes.BOOLEAN:
            raise self.bad(element, name, "expected true, false, 1 or 0")
        return codes.BOOLEAN[value.lower()]

    def category(self, parent: Element, name: str) -> str | None:
        code = self.code(parent, name, codes.CATEGORY_OF_ABUSE, "category of abuse")
        return codes.CATEGORY_OF_ABUSE[code] if code is not None else None


def parse_census(data: bytes, source: str) -> Census:
    """Parse and check a whole census return; raise `BadInput` for the first problem."""
    if not data.strip():
        raise BadInput(source, None, None, "the file is empty: expected a CIN census XML return")
    parser = _LineParser()
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        # Raised when the declaration is met, before any entity is defined or fetched.
        line = parser.parser.CurrentLineNumber
        raise BadInput(
            source, line, None, f"{_refusal(exc)}: a CIN census has no document type declaration or entities"
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise BadInput(source, line, None, f"not well-formed XML (column {column + 1})") from None
    reader = _Reader(source, parser.lines)
    if root.tag != "Message":
        raise reader.bad(root, root.tag, "expected a CIN census return (root element Message)")
    header = _header(reader, root)
    children = root.find("Children")
    if children is None:
        raise reader.bad(root, "Children", "required element Children is missing")
    return Census(source, header, tuple(_child(reader, c) for c in children.findall("Child")))


def _refusal(exc: DefusedXmlException) -> str:
    name = type(exc).__name__
    if "External" in name:
        return "external entities are refused"
    if "Entities" in name:
        return "entity declarations are refused"
    return "a document type declaration is refused"


def _header(r: _Reader, root: Element) -> Header:
    header = root.find("Header")
    if header is None:
        raise r.bad(root, "Header", "required element Header is missing")
    details = header.find("CollectionDetails")
    if details is None:
        raise r.bad(header, "CollectionDetails", "required element CollectionDetails is missing")
    collection, element = r.text(details, "Collection")
    if collection is not None and collection != "CIN":
        raise r.bad(element, "Collection", "expected CIN: this is not a children in need census")
    year_text, year_element = r.text(details, "Year", required=True)
    assert year_text is not None
    if not re.fullmatch(r"\d{4}", year_text):
        raise r.bad(year_element, "Year", "expected the collection year as four digits, e.g. 2022")
    reference = r.day(details, "ReferenceDate", required=True)
    assert reference is not None
    produced: datetime | None = None
    source = header.find("Source")
    if source is not None:
        stamp, element = r.text(source, "DateTime")
        if stamp is not None:
            try:
                produced = datetime.fromisoformat(stamp)
            except ValueError:
                raise r.bad(element, "DateTime", "expected a date-time YYYY-MM-DDTHH:MM:SS") from None
    return Header(int(year_text), reference, produced, r.line(details))


def _child(r: _Reader, element: Element) -> CensusChild:
    ids = element.find("ChildIdentifiers")
    if ids is None:
        raise r.bad(element, "ChildIdentifiers", "required element ChildIdentifiers is missing")
    child, id_element = r.text(ids, "LAchildID", required=True)
    assert child is not None
    if not _CHILD_ID.fullmatch(child):
        raise r.bad(id_element, "LAchildID", "expected 1-64 letters, digits, '-', '_', '.' or '/'")
    sex, sex_line = _sex(r, ids)
    episodes = tuple(_episode(r, e) for e in element.findall("CINdetails"))
    return CensusChild(
        line=r.line(element),
        child=child,
        dob=r.day(ids, "PersonBirthDate"),
        expected_dob=r.day(ids, "ExpectedPersonBirthDate"),
        sex=sex,
        sex_line=sex_line,
        died=r.day(ids, "PersonDeathDate"),
        episodes=episodes,
    )


def _sex(r: _Reader, ids: Element) -> tuple[str | None, int | None]:
    value, element = r.text(ids, "Sex")
    if value is not None:
        if value in codes.SEX:
            return codes.SEX[value], None
        if value in codes.GENDER_CURRENT:
            return codes.GENDER_CURRENT[value], r.line(element)
        raise r.bad(element, "Sex", "unknown code: expected M, F or U")
    value, element = r.text(ids, "GenderCurrent")
    if value is None:
        return None, None
    if value not in codes.GENDER_CURRENT:
        raise r.bad(element, "GenderCurrent", "unknown code: expected 0, 1, 2 or 9")
    return codes.GENDER_CURRENT[value], None


def _episode(r: _Reader, e: Element) -> Episode:
    referral = r.day(e, "CINreferralDate", required=True)
    assert referral is not None
    return Episode(
        line=r.line(e),
        referral=referral,
        referral_source=r.code(e, "ReferralSource", codes.REFERRAL_SOURCES, "ReferralSource"),
        primary_need=r.code(e, "PrimaryNeedCode", codes.PRIMARY_NEEDS, "PrimaryNeedCode"),
        nfa=r.flag(e, "ReferralNFA"),
        closed=r.day(e, "CINclosureDate"),
        closure_reason=r.code(e, "ReasonForClosure", codes.CLOSURE_REASONS, "ReasonForClosure"),
        icpc=r.day(e, "DateOfInitialCPC"),
        assessments=tuple(_assessment(r, a) for a in e.findall("Assessments")),
        cin_plans=tuple(_cin_plan(r, p) for p in e.findall("CINPlanDates")),
        section47s=tuple(_section47(r, s) for s in e.findall("Section47")),
        plans=tuple(_plan(r, p) for p in e.findall("ChildProtectionPlans")),
    )


def _assessment(r: _Reader, a: Element) -> Assessment:
    factors_element = a.find("FactorsIdentifiedAtAssessment")
    factors: tuple[str, ...] | None = None
    if factors_element is not None:
        found = []
        for factor in factors_element.findall("AssessmentFactors"):
            text = (factor.text or "").strip()
            if not re.fullmatch(r"[A-Za-z0-9]{1,8}", text):
                raise r.bad(factor, "AssessmentFactors", "expected a factor code of 1-8 letters or digits")
            found.append(text)
        factors = tuple(found)
    started = r.day(a, "AssessmentActualStartDate", required=True)
    assert started is not None
    return Assessment(
        line=r.line(a),
        started=started,
        authorised=r.day(a, "AssessmentAuthorisationDate"),
        factors=factors,
    )


def _cin_plan(r: _Reader, p: Element) -> CinPlan:
    started = r.day(p, "CINPlanStartDate", required=True)
    assert started is not None
    return CinPlan(r.line(p), started, r.day(p, "CINPlanEndDate"))


def _section47(r: _Reader, s: Element) -> Section47:
    started = r.day(s, "S47ActualStartDate", required=True)
    assert started is not None
    return Section47(
        line=r.line(s),
        started=started,
        icpc_target=r.day(s, "InitialCPCtarget"),
        icpc=r.day(s, "DateOfInitialCPC"),
        icpc_not_required=r.flag(s, "ICPCnotRequired"),
    )


def _plan(r: _Reader, p: Element) -> ProtectionPlan:
    started = r.day(p, "CPPstartDate", required=True)
    assert started is not None
    reviews: list[tuple[int, date]] = []
    for block in p.findall("Reviews"):
        for review in block.findall("CPPreviewDate"):
            if not (review.text or "").strip():
                continue  # an empty review record (validator 8842Q) holds no date to check
            reviews.append((r.line(review), _review_day(r, review)))
    return ProtectionPlan(
        line=r.line(p),
        started=started,
        ended=r.day(p, "CPPendDate"),
        initial_category=r.category(p, "InitialCategoryOfAbuse"),
        latest_category=r.category(p, "LatestCategoryOfAbuse"),
        reviews=tuple(reviews),
    )


def _review_day(r: _Reader, review: Element) -> date:
    value = (review.text or "").strip()
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise r.bad(review, "CPPreviewDate", "expected a real date YYYY-MM-DD")
