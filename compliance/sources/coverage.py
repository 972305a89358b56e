"""Coverage: what each source of facts can tell us, so its silence is never read as a breach.

A council's own event files can carry every fact of the contract. A statutory return
cannot: an SSDA903 return holds no visits, plans, health assessment requests, PEPs or
return home interviews. An obligation that is not satisfied, and whose satisfying facts
none of the child's sources can supply, is `no_data` (neither met nor breached; no
alert), with the source named in its explanation.

Three pieces, each small:

- `declare_source(kind, types=..., label=...)`: a return kind declares the fact types it
  can supply. A fact's `source` field names its kind; a fact whose `source` is not a
  declared kind (absent, or a case system's name such as `LCS`) came from event files,
  which can carry every type.
- `SATISFIED_BY`: for each rule id, the fact types that can satisfy its obligations. A
  type may be narrowed by its kind or role field, written `type:value`
  (`review_held:pathway_plan`, `worker_allocated:personal_adviser`).
- `apply_coverage(obligations, facts)`: the engine's hook, run after the rules.

A child later loaded from a richer source becomes assessable from then on: its capable
types are the union over all its facts' sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from events.timeline import Fact
from rules.obligation import Obligation, Status

__all__ = [
    "SATISFIED_BY",
    "SourceKind",
    "apply_coverage",
    "capable_types",
    "declare_source",
    "declared_sources",
    "source_kind",
]


@dataclass(frozen=True)
class SourceKind:
    """A kind of source: its name in a fact's `source` field and the fact types it can supply."""

    name: str
    label: str  # how explanations name it: "SSDA903", "the CIN census"
    types: frozenset[str]  # "type" or "type:kind"; see `SATISFIED_BY`

    def supplies(self, needed: str) -> bool:
        return any(_covers(have, needed) for have in self.types)


_SOURCES: dict[str, SourceKind] = {}


def declare_source(kind: str, *, types: Iterable[str], label: str | None = None) -> SourceKind:
    """Register a return kind and the fact types it can supply. Facts it stores carry
    `source = kind`. Declaring the same kind again with other types is a programming error."""
    declared = SourceKind(kind, label or kind, frozenset(types))
    existing = _SOURCES.get(kind)
    if existing is not None and existing != declared:
        raise RuntimeError(f"source kind {kind!r} is declared twice with different types")
    _SOURCES[kind] = declared
    return declared


def declared_sources() -> Mapping[str, SourceKind]:
    return dict(_SOURCES)


def source_kind(source: str | None) -> SourceKind | None:
    """The declared return kind of a fact's `source`, or None for event files (all types)."""
    return _SOURCES.get(source) if source is not None else None


def _covers(have: str, needed: str) -> bool:
    # A bare type covers every kind of it; a narrowed one covers its own kind, and a need
    # for the bare type (any kind will do).
    if have == needed:
        return True
    have_type, _, have_kind = have.partition(":")
    needed_type, _, needed_kind = needed.partition(":")
    return have_type == needed_type and (not have_kind or not needed_kind)


#: For each rule, the fact types that can satisfy (or, for CP-DUR, end) its obligations.
SATISFIED_BY: dict[str, frozenset[str]] = {
    rule: frozenset(types)
    for rule, types in {
        "ADP-REV-1": ["review_held:adoption"],
        "ADP-REV-P1": ["review_held:adoption"],
        "ADP-REV-P2": ["review_held:adoption"],
        "ADP-REV-PN": ["review_held:adoption"],
        "CL-ASSESS": ["needs_assessment_completed"],
        "CL-CONTACT": ["care_leaver_contact"],
        "CL-PA": ["personal_adviser_allocated", "worker_allocated:personal_adviser"],
        "CL-PATH": ["pathway_plan_recorded"],
        "CL-PATH-REV": ["pathway_plan_recorded", "review_held:pathway_plan"],
        "CP-ASMT": ["assessment_completed"],
        "CP-CG": ["core_group_held"],
        "CP-DUR": ["rcpc_held", "cp_plan_ended"],
        "CP-ICPC": ["icpc_held"],
        "CP-RCPC-1": ["rcpc_held"],
        "CP-RCPC-N": ["rcpc_held"],
        "CP-REF": ["referral_decision"],
        "CP-VIS": ["cp_visit"],
        "EDU-PEP": ["pep_initiated"],
        "EDU-PEP-TERM": ["pep_reviewed"],
        "HLT-DENTAL": ["dental_check"],
        "HLT-IHA": ["health_assessment_completed:initial"],
        "HLT-IHA-REQ": ["health_assessment_requested:initial"],
        "HLT-RHA": ["health_assessment_completed:review"],
        "LAC-CPLAN": ["care_plan_recorded"],
        "LAC-IRO": ["iro_allocated"],
        "LAC-PERM": ["permanence_plan_recorded"],
        "LAC-PPLAN": ["placement_plan_recorded"],
        "LAC-REV-1": ["review_held:looked_after"],
        "LAC-REV-2": ["review_held:looked_after"],
        "LAC-REV-N": ["review_held:looked_after"],
        "LAC-REV-REC": ["review_decisions_circulated"],
        "MIS-IRO": ["iro_informed"],
        "MIS-REPEAT": ["missing_trigger_meeting"],
        "MIS-RHI": ["return_interview_completed", "return_interview_declined"],
        "VIS-1": ["statutory_visit"],
        "VIS-2": ["statutory_visit"],
        "VIS-3": ["statutory_visit"],
        "VIS-4": ["statutory_visit"],
        "VIS-PWP": ["statutory_visit"],
    }.items()
}

#: How an explanation names what a source does not hold.
_NOUNS = {
    "review_held:adoption": "adoption reviews",
    "review_held:looked_after": "looked-after reviews",
    "review_held:pathway_plan": "pathway plan reviews",
    "needs_assessment_completed": "care leavers' needs assessments",
    "care_leaver_contact": "contacts with care leavers",
    "personal_adviser_allocated": "personal adviser allocations",
    "pathway_plan_recorded": "pathway plans",
    "assessment_completed": "assessments",
    "core_group_held": "core group meetings",
    "rcpc_held": "review child protection conferences",
    "icpc_held": "initial child protection conferences",
    "referral_decision": "referral decisions",
    "cp_visit": "child protection visits",
    "pep_initiated": "personal education plans",
    "pep_reviewed": "PEP reviews",
    "dental_check": "dental checks",
    "health_assessment_completed:initial": "initial health assessments",
    "health_assessment_requested:initial": "health assessment requests",
    "health_assessment_completed:review": "review health assessments",
    "care_plan_recorded": "care plans",
    "iro_allocated": "IRO allocations",
    "permanence_plan_recorded": "permanence plans",
    "placement_plan_recorded": "placement plans",
    "review_decisions_circulated": "circulated review decisions",
    "iro_informed": "notices to the IRO",
    "missing_trigger_meeting": "missing trigger meetings",
    "return_interview_completed": "return home interviews",
    "statutory_visit": "statutory visits",
}

_UNSATISFIED = frozenset({Status.OVERDUE, Status.DUE_SOON, Status.PENDING, Status.MISSED})


def capable_types(facts: Iterable[Fact]) -> tuple[SourceKind, ...] | None:
    """The declared return kinds a child's facts came from, or None when any fact came
    from event files (which can supply every type)."""
    kinds: dict[str, SourceKind] = {}
    for fact in facts:
        kind = source_kind(fact.get("source"))
        if kind is None:
            return None
        kinds[kind.name] = kind
    return tuple(kinds[name] for name in sorted(kinds))


def _silent_line(kinds: Sequence[SourceKind], needed: Iterable[str]) -> str:
    labels = [k.label for k in kinds]
    who = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    verb = "holds" if len(labels) == 1 else "hold"
    first = sorted(needed)[0]
    noun = _NOUNS.get(first, first.replace("_", " ").replace(":", " "))
    return f"{who} {verb} no {noun}: not assessable from this child's sources"


def apply_coverage(obligations: Iterable[Obligation], facts: Iterable[Fact]) -> list[Obligation]:
    """Obligations as the child's sources allow them to be judged: one that is not
    satisfied and that no source of the child can satisfy becomes `no_data`."""
    obligations = list(obligations)
    kinds = capable_types(facts)
    if kinds is None or not obligations:
        return obligations
    judged: list[Obligation] = []
    for o in obligations:
        needed = SATISFIED_BY.get(o.rule)
        if o.status in _UNSATISFIED and needed and not any(k.supplies(n) for k in kinds for n in needed):
            o = _no_data(o, _silent_line(kinds, needed))
        judged.append(o)
    return judged


#: How a rule's explanation states an unsatisfied status: not true of a `no_data` one.
_VERDICTS = ("Missed:", "Overdue:", "Due soon:")


def _no_data(o: Obligation, line: str) -> Obligation:
    before = o.why

    def why() -> tuple[str, ...]:
        lines = before() if callable(before) else before
        return (line, *(text for text in lines if not text.startswith(_VERDICTS)))

    return replace(
        o, status=Status.NO_DATA, days_late=0, closed_reason=None, missed_on=None, stops_on=None, why=why
    )


# --- Declared return kinds --------------------------------------------------------------

#: The SSDA903 return (children looked after): the fact types its tables map to (see
#: docs/ssda903.md). Its reviews are looked-after reviews; its worker is the social worker.
SSDA903 = declare_source(
    "ssda903",
    label="SSDA903",
    types=[
        "child_registered",
        "entered_care",
        "already_in_care",
        "legal_status_changed",
        "placement_started",
        "placement_ended",
        "left_care",
        "placed_for_adoption",
        "adoption_order_granted",
        "adoption_decision",
        "adoption_decision_reversed",
        "adoption_match_approved",
        "review_held:looked_after",
        "went_missing",
        "returned",
        "worker_allocated:social_worker",
        "care_leaver_outcome",
        "annual_outcomes",
        "retracted",
    ],
)

#: The CIN census (children in need): the fact types its modules map to (see
#: docs/cin-census.md). It holds no referral decisions, core group meetings or child
#: protection visits, so CP-REF, CP-CG and CP-VIS are not assessable from it alone.
CIN_CENSUS = declare_source(
    "cin-census",
    label="the CIN census",
    types=[
        "child_registered",
        "child_died",
        "referral_received",
        "cin_closed",
        "assessment_started",
        "assessment_completed",
        "cin_plan_started",
        "cin_plan_ended",
        "strategy_discussion",
        "icpc_held",
        "cp_plan_started",
        "rcpc_held",
        "cp_plan_ended",
        "retracted",
    ],
)
