"""The council's facts as the reports read them: every child's timeline and obligations.

One pass over the store evaluates each child once (only the rules the reports read), so
every figure of every report comes from the same picture. Reports read the facts, never
the alert queue's by-products: the figures are the same whether or not the nightly batch
has run. `progress` is told of each child, for a progress bar on a large council.

A report holds every child at once (each figure walks the whole council, once a column),
so each child is kept as the reports read it (`ReportTimeline`): the spans worked out from
the facts (periods of care, placements, missing episodes), the obligations, and only the
facts of the types some figure reads. Visits, health appointments, plans and the like,
most of a child's facts, are let go as the council is read, so the council held is a
fraction of the store. No report explains an obligation, so each obligation is kept
without the means to write its explanation (the facts and notes it would be worded from).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date

from compliance.engine import Engine, Evaluation
from compliance.reports.measures import MEASURES, REPORT_RULES
from events.timeline import Fact, Timeline

Progress = Callable[[int, int], None]  # (children done, children in all)

#: The fact types some report figure reads from a child's timeline (`Timeline.of_type`);
#: `ReportTimeline` keeps only these (and facts naming a team), and refuses to be asked for
#: any other type, so a figure that starts reading a new type fails loudly until it is added.
READ_TYPES = frozenset(
    {
        # the scorecard's measures (compliance/reports/measures.py)
        "adoption_match_approved",
        "advocacy_ended",
        "advocacy_started",
        "annual_outcomes",
        "care_leaver_outcome",
        "child_registered",
        "cse_plan_ended",
        "cse_plan_started",
        "early_years_place_ended",
        "early_years_place_started",
        "education_status_recorded",
        "offence_recorded",
        "placed_for_adoption",
        "placement_order_granted",
        "pregnancy_ended",
        "pregnancy_recorded",
        "review_held",
        "school_attendance_recorded",
        "school_excluded",
        "sdq_completed",
        # the IRO report's (compliance/reports/iro.py)
        "care_plan_endorsed",
        "good_practice_notified",
        "iro_allocated",
        "missing_trigger_meeting",
        "practice_alert_escalated",
        "practice_alert_raised",
        "practice_alert_resolved",
        "review_stood_down",
    }
)
#: A fact naming a new team in this field is kept whatever its type: the IRO report finds
#: the team a child was with on a day from the latest fact naming one (`iro._team_on`).
TEAM = "team"

#: The `type.field` needs of the measures: whether the store holds each is decided from
#: every child's full timeline, before it is trimmed.
_FIELD_NEEDS = frozenset(
    part
    for spec in MEASURES.values()
    for need in spec.needs
    for part in need.split("|")
    if "." in part and not part.startswith("[")
)


@dataclass(frozen=True)
class ReportTimeline(Timeline):
    """A child's timeline as the reports keep it: everything worked out from the facts,
    and the facts of `READ_TYPES` (with any naming a team), in timeline order."""

    @classmethod
    def trimmed(cls, timeline: Timeline) -> ReportTimeline:
        """The timeline with only the facts the reports read. What rules worked out from
        the full timeline (`memo`) is not carried over: asked for again, it is worked out
        from what is kept, or refused as above."""
        values = {f.name: getattr(timeline, f.name) for f in fields(Timeline)}
        by_type = {t: found for t in READ_TYPES if (found := timeline.of_type(t))}
        return cls(**{**values, "facts": tuple(_read(timeline.facts)), "_by_type": by_type, "_memo": {}})

    def of_type(self, *types: str) -> tuple[Fact, ...]:
        unread = [t for t in types if t not in READ_TYPES]
        if unread:
            raise LookupError(
                f"the reports' copy of a timeline keeps no {unread[0]} facts: add the type to READ_TYPES"
            )
        return super().of_type(*types)


def _read(facts: Iterable[Fact]) -> Iterator[Fact]:
    """The facts of `READ_TYPES`, and those that change the team the child is with: a
    fact naming the team already named before it changes nothing the reports read."""
    team = None
    for fact in facts:
        named = fact.get(TEAM)
        if fact.type in READ_TYPES or (named and named != team):
            yield fact
        team = named or team


def _trimmed(evaluation: Evaluation) -> Evaluation:
    """The child as the reports keep it: the timeline trimmed, the obligations unexplained."""
    return replace(
        evaluation,
        timeline=ReportTimeline.trimmed(evaluation.timeline),
        obligations=tuple(replace(o, why=_unexplained) for o in evaluation.obligations),
    )


def _unexplained() -> tuple[str, ...]:
    raise LookupError(
        "the reports' copy of an obligation keeps no explanation: evaluate the child to explain it"
    )


@dataclass(frozen=True)
class CouncilFacts:
    """Every child's evaluation at `as_of`, and which event types and fields the store holds."""

    as_of: date
    children: tuple[Evaluation, ...]
    types: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()  # "placement_started.provider_type"
    settings_keys: frozenset[str] = field(default_factory=frozenset)  # "[report.population]"

    def holds(self, need: str) -> bool:
        """Whether the store (or the settings) can supply `need`: an event type, a
        `type.field`, or a settings table in brackets."""
        if "|" in need:
            return any(self.holds(part) for part in need.split("|"))
        if need.startswith("["):
            return need in self.settings_keys
        if "." in need:
            return need in self.fields
        return need in self.types

    @classmethod
    def of(
        cls,
        evaluations: Iterable[Evaluation],
        *,
        as_of: date,
        settings_keys: Iterable[str] = (),
        progress: Callable[[int], None] | None = None,
    ) -> CouncilFacts:
        """The council from its children's evaluations, read one at a time: what the store
        holds is noted from each child's full timeline, then the child is kept trimmed."""
        children: list[Evaluation] = []
        types: set[str] = set()
        found: set[str] = set()
        for done, evaluation in enumerate(evaluations, start=1):
            timeline = evaluation.timeline
            types.update(f.type for f in timeline.facts)
            found.update(_fields_held(timeline, _FIELD_NEEDS - found))
            children.append(_trimmed(evaluation))
            if progress is not None:
                progress(done)
        return cls(as_of, tuple(children), frozenset(types), frozenset(found), frozenset(settings_keys))


def _fields_held(timeline: Timeline, needs: Iterable[str]) -> Iterable[str]:
    """Those of the `type.field` needs that some fact of the child's has."""
    for need in needs:
        type_name, name = need.split(".", 1)
        if any(name in f.record for f in timeline.of_type(type_name)):
            yield need


def load_council(
    engine: Engine, *, as_of: date, progress: Progress | None = None, settings_keys: Iterable[str] = ()
) -> CouncilFacts:
    """Evaluate every child in the store at `as_of` with the rules the reports read."""
    total = len(engine.store.children()) if progress is not None else 0
    return CouncilFacts.of(
        engine.evaluate_all(as_of=as_of, rules=REPORT_RULES),
        as_of=as_of,
        settings_keys=settings_keys,
        progress=(lambda done: progress(done, total)) if progress is not None else None,
    )
