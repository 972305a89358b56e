"""The council's facts as the reports read them: every child's timeline and obligations.

One pass over the store evaluates each child once (only the rules the reports read), so
every figure of every report comes from the same picture. Reports read the facts, never
the alert queue's by-products: the figures are the same whether or not the nightly batch
has run. `progress` is told of each child, for a progress bar on a large council.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from compliance.engine import Engine, Evaluation
from compliance.reports.measures import MEASURES, REPORT_RULES

Progress = Callable[[int, int], None]  # (children done, children in all)


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
        cls, evaluations: Iterable[Evaluation], *, as_of: date, settings_keys: Iterable[str] = ()
    ) -> CouncilFacts:
        children = tuple(evaluations)
        types: set[str] = set()
        for e in children:
            types.update(f.type for f in e.timeline.facts)
        # Only the fields some measure reads are looked for, and each only until found once.
        wanted = {
            part
            for spec in MEASURES.values()
            for need in spec.needs
            for part in need.split("|")
            if "." in part and not part.startswith("[")
        }
        fields: set[str] = set()
        for need in sorted(wanted):
            type_name, name = need.split(".", 1)
            if type_name in types and any(
                name in f.record for e in children for f in e.timeline.of_type(type_name)
            ):
                fields.add(need)
        return cls(as_of, children, frozenset(types), frozenset(fields), frozenset(settings_keys))


def load_council(
    engine: Engine, *, as_of: date, progress: Progress | None = None, settings_keys: Iterable[str] = ()
) -> CouncilFacts:
    """Evaluate every child in the store at `as_of` with the rules the reports read."""
    total = len(engine.store.children()) if progress is not None else 0
    evaluations = []
    for done, evaluation in enumerate(engine.evaluate_all(as_of=as_of, rules=REPORT_RULES), start=1):
        evaluations.append(evaluation)
        if progress is not None:
            progress(done, total)
    return CouncilFacts.of(evaluations, as_of=as_of, settings_keys=settings_keys)
