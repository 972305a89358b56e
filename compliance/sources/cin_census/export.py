"""Writing a council's case events as a CIN census return (for the synthetic council).

A census for Year Y (the (Y-1)-Y census) lists each child with an episode open at some time
from 1 April Y-1 to its ReferenceDate, 31 March Y, with everything recorded in those
episodes up to the ReferenceDate. What the contract's events do not say, the census is
written without; the few things a census needs that events do not carry are taken as
follows (they are documented in docs/cin-census.md):

- an episode runs from one `referral_received` to the next; it is closed (RC7) on the
  day of its last activity (decision, assessment, enquiry, conference, plan end) unless a
  plan or an assessment is still open at the ReferenceDate;
- an assessment starts on the day the referral was decided (events record only its
  completion), and belongs to the earliest referral still waiting for one;
- a section 47 enquiry's conference is the first `icpc_held` after its s47 strategy
  discussion; a conference with none before it is recorded at the CINdetails level.

Retracted events are left out, as they no longer count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import groupby
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from compliance.sources.cin_census.codes import ABUSE_CODE
from compliance.sources.cin_census.mapping import census_year
from events.parse import BadInput
from events.timeline import Fact

#: What a council's software puts in the header's Source.
SOFTWARE = "casecheck synthetic council"


@dataclass
class CensusWritten:
    children: int = 0
    episodes: int = 0


@dataclass
class _Plan:
    start: Fact
    end: Fact | None = None
    reviews: list[Fact] = field(default_factory=list)


@dataclass
class _Episode:
    referral: Fact
    facts: list[Fact] = field(default_factory=list)
    plans: list[_Plan] = field(default_factory=list)


def write_census(
    path: Path | str, events: Iterable[dict[str, Any]], *, year: int, produced_at: datetime | None = None
) -> CensusWritten:
    """Write the census for Year `year` (2025: the 2024-25 census) of `events` (grouped by
    child, as `compliance.synthetic.generate` yields them), streaming child by child."""
    start, reference = census_year(year)
    produced = produced_at or datetime.combine(reference, time(9, 0))
    written = CensusWritten()
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n')
        out.write(_text(_header(year, reference, produced)))
        out.write("  <Children>\n")
        for _child, records in groupby(events, key=lambda e: e["child"]):
            element, episodes = _child_element(list(records), start, reference)
            if element is not None:
                out.write(_text(element, level=2))
                written.children += 1
                written.episodes += episodes
        out.write("  </Children>\n</Message>\n")
    return written


def _text(element: Element, level: int = 1) -> str:
    indent(element, space="  ", level=level)
    return "  " * level + tostring(element, encoding="unicode").rstrip() + "\n"


def _header(year: int, reference: date, produced: datetime) -> Element:
    header = Element("Header")
    details = SubElement(header, "CollectionDetails")
    _add(details, "Collection", "CIN")
    _add(details, "Year", str(year))
    _add(details, "ReferenceDate", reference.isoformat())
    source = SubElement(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", "999")
    _add(source, "SoftwareCode", SOFTWARE)
    _add(source, "DateTime", produced.isoformat(timespec="seconds"))
    return header


def _add(parent: Element, name: str, value: str | date | None) -> None:
    if value is not None:
        SubElement(parent, name).text = value.isoformat() if isinstance(value, date) else value


def _effective(records: list[dict[str, Any]]) -> list[Fact]:
    retracted = {r["target"] for r in records if r["type"] == "retracted"}
    facts = [
        Fact(r, seq=n)
        for n, r in enumerate(records)
        if r["type"] != "retracted" and r.get("id") not in retracted
    ]
    facts.sort(key=Fact.sort_key)
    return facts


def _episodes(facts: list[Fact], reference: date) -> list[_Episode]:
    episodes: list[_Episode] = []
    open_plan: _Plan | None = None
    for fact in facts:
        if fact.on > reference:
            break
        if fact.type == "referral_received":
            episodes.append(_Episode(fact))
            continue
        if not episodes:
            continue
        episode = episodes[-1]
        if fact.type == "assessment_completed":
            # The assessment of the earliest referral still waiting for one, even when a
            # re-referral came in before it was completed.
            episode = next((e for e in episodes if _awaits_assessment(e)), episode)
        episode.facts.append(fact)
        if fact.type == "icpc_held" and fact["outcome"] == "plan" and open_plan is None:
            open_plan = _Plan(fact)
            episode.plans.append(open_plan)
        elif fact.type == "rcpc_held" and open_plan is not None:
            if fact["outcome"] == "end":
                open_plan.end = fact
                open_plan = None
            else:
                open_plan.reviews.append(fact)
        elif fact.type == "cp_plan_ended" and open_plan is not None:
            open_plan.end = fact
            open_plan = None
    return episodes


def _awaits_assessment(episode: _Episode) -> bool:
    decisions = [f for f in episode.facts if f.type == "referral_decision"]
    needs = bool(decisions) and decisions[0].get("outcome") in ("assessment", "strategy")
    return needs and not any(f.type == "assessment_completed" for f in episode.facts)


def _closure(episode: _Episode) -> date | None:
    """The day the episode closed: its last activity, unless something is still open."""
    if any(plan.end is None for plan in episode.plans):
        return None
    if _awaits_assessment(episode):
        return None
    activity = [
        f.on
        for f in episode.facts
        if f.type
        in (
            "referral_decision",
            "assessment_completed",
            "strategy_discussion",
            "icpc_held",
            "rcpc_held",
            "cp_plan_ended",
        )
    ]
    return max(activity) if activity else None


def _child_element(records: list[dict[str, Any]], start: date, reference: date) -> tuple[Element | None, int]:
    facts = _effective(records)
    included = []
    for episode in _episodes(facts, reference):
        closed = _closure(episode)
        if closed is None or closed >= start:
            included.append((episode, closed))
    if not included:
        return None, 0
    child = Element("Child")
    ids = SubElement(child, "ChildIdentifiers")
    _add(ids, "LAchildID", str(facts[0].child))
    registrations = [f for f in facts if f.type == "child_registered"]
    if registrations:
        dob = date.fromisoformat(registrations[-1]["dob"])
        _add(ids, "PersonBirthDate" if dob <= reference else "ExpectedPersonBirthDate", dob)
        _add(ids, "Sex", registrations[-1].get("sex"))
    for episode, closed in included:
        child.append(_episode_element(episode, closed))
    return child, len(included)


def _episode_element(episode: _Episode, closed: date | None) -> Element:
    e = Element("CINdetails")
    _add(e, "CINreferralDate", episode.referral.on)
    if closed is not None:
        _add(e, "CINclosureDate", closed)
        _add(e, "ReasonForClosure", "RC7")
    decisions = [f for f in episode.facts if f.type == "referral_decision"]
    conferences = [f for f in episode.facts if f.type == "icpc_held"]
    discussions = [f for f in episode.facts if f.type == "strategy_discussion" and f.get("s47")]
    paired: dict[int, Fact] = {}
    used: set[int] = set()
    for discussion in discussions:
        answer = next((c for c in conferences if c.on >= discussion.on and c.seq not in used), None)
        if answer is not None:
            paired[discussion.seq] = answer
            used.add(answer.seq)
    unpaired = [c for c in conferences if c.seq not in used]
    if unpaired:
        _add(e, "DateOfInitialCPC", unpaired[0].on)
    decided = decisions[0].on if decisions else episode.referral.on
    for done in (f for f in episode.facts if f.type == "assessment_completed"):
        a = SubElement(e, "Assessments")
        _add(a, "AssessmentActualStartDate", min(decided, done.on))
        _add(a, "AssessmentAuthorisationDate", done.on)
    for discussion in discussions:
        s = SubElement(e, "Section47")
        _add(s, "S47ActualStartDate", discussion.on)
        conference = paired.get(discussion.seq)
        if conference is not None:
            _add(s, "DateOfInitialCPC", conference.on)
        _add(s, "ICPCnotRequired", "true" if discussion.get("icpc_not_required") else "false")
    _add(e, "ReferralNFA", "true" if decisions and decisions[0].get("outcome") == "nfa" else "false")
    for plan in episode.plans:
        e.append(_plan_element(plan))
    return e


def _plan_element(plan: _Plan) -> Element:
    p = Element("ChildProtectionPlans")
    _add(p, "CPPstartDate", plan.start.on)
    if plan.end is not None:
        _add(p, "CPPendDate", plan.end.on)
    category = plan.start.get("category")
    if category is not None:
        _add(p, "InitialCategoryOfAbuse", ABUSE_CODE[category])
        _add(p, "LatestCategoryOfAbuse", ABUSE_CODE[category])
    reviews = [*plan.reviews, *([plan.end] if plan.end is not None and plan.end.type == "rcpc_held" else [])]
    if reviews:
        block = SubElement(p, "Reviews")
        for review in reviews:
            _add(block, "CPPreviewDate", review.on)
    return p


def generate_census(
    path: Path | str,
    children: int,
    *,
    seed: int,
    year: str | None,
    until: date | None = None,
    years: int = 5,
) -> CensusWritten:
    """The synthetic council (`compliance.synthetic`) as its census for `year` ("2024-25"):
    histories run to the census's ReferenceDate unless `until` says otherwise."""
    from compliance.sources.cin_census.importer import parse_year
    from compliance.synthetic import generate

    if year is None:
        raise BadInput("--year", None, None, "a census needs its year, e.g. --year 2024-25")
    number = parse_year(year)
    reference = census_year(number)[1]
    return write_census(
        path, generate(children, seed=seed, until=until or reference, years=years), year=number
    )
