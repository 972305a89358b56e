"""A child's timeline arranged for reading, shared by `casecheck timeline` and the web.

What needs attention first, then each period of care with its facts and the obligations
each fact started, then obligations with no starting fact, data-quality findings and
retracted facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from compliance.views.format import fmt_day
from events.timeline import Fact


@dataclass
class TimelineView:
    """A child's timeline arranged for reading: what needs attention, then each period of
    care with its facts and the obligations each fact started. Text and HTML share it."""

    heading: str
    attention: list[Any]
    sections: list[tuple[str, list[tuple[Fact, list[Any]]]]]
    loose: list[Any]
    findings: list[Any]
    retracted: list[Fact]
    counts: str


def timeline_view(evaluation: Any, terminology: str) -> TimelineView:
    tl = evaluation.timeline
    heading = f"as of {fmt_day(evaluation.as_of)}"
    if evaluation.known_at:
        heading += f", as known at {fmt_day(evaluation.known_at)}"
    if tl.dob:
        heading = f"born {fmt_day(tl.dob)}, aged {tl.age_on(evaluation.as_of)}; " + heading
    attention = sorted(
        (o for o in evaluation.obligations if str(o.status) in ("overdue", "due_soon")),
        key=lambda o: (str(o.status) != "overdue", o.due_on),
    )
    by_start: dict[int, list[Any]] = {}
    for o in evaluation.obligations:
        if o.start is not None:
            by_start.setdefault(o.start.seq, []).append(o)
    periods = {p.start.seq: p for p in tl.periods}
    sections: list[tuple[str, list[tuple[Fact, list[Any]]]]] = [("Before care, or not looked after", [])]
    for fact in tl.facts:
        period = periods.get(fact.seq)
        if period is not None:
            ended = f" to {fmt_day(period.ended_on)}" if period.ended_on else " (open)"
            sections.append(
                (f"Period of care {period.number} ({terminology}): {fmt_day(period.started_on)}{ended}", [])
            )
        elif sections[-1][0].startswith("Period of care") and not any(
            # The day a child leaves care still belongs to the period.
            p.started_on <= fact.on and (p.ended_on is None or fact.on <= p.ended_on)
            for p in tl.periods
        ):
            sections.append(("Not looked after", []))
        sections[-1][1].append((fact, by_start.get(fact.seq, [])))
    counts = Counter(str(o.status) for o in evaluation.obligations)
    return TimelineView(
        heading=heading,
        attention=attention,
        sections=[s for s in sections if s[1]],
        loose=[o for o in evaluation.obligations if o.start is None],
        findings=list(tl.findings),
        retracted=list(tl.retracted),
        counts=", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
    )


def fact_fields(fact: Fact) -> str:
    """A fact's own fields as `name=value, ...` (the common ones are shown elsewhere)."""
    return ", ".join(f"{k}={v}" for k, v in fact.fields.items())


def obligation_summary(o: Any) -> dict[str, Any]:
    """One obligation as both renderings show it: status in words, due, done, how late."""
    status = str(o.status)
    days_late = o.days_late or 0
    past = "overdue" if status == "overdue" else "late"
    return {
        "rule": o.rule,
        "title": o.title,
        "status": status,
        "status_text": status.replace("_", " "),
        "due": fmt_day(o.due),
        "done": fmt_day(o.met_on) if o.met_on is not None else "",
        "days_late": o.days_late,
        "lateness": ", ".join(
            part
            for part in (
                f"{days_late} working day{'s' if days_late != 1 else ''} {past}" if days_late else "",
                "can no longer be met" if status == "missed" else "",
            )
            if part
        ),
        "closed_reason": o.closed_reason,
        "explanation": list(o.explanation),
        "key": o.key,
    }


def timeline_page(evaluation: Any, terminology: str, weaker: Sequence[str] = ()) -> dict[str, Any]:
    """The timeline as plain values for a template: the printable page and the web.
    `weaker`: the council's settings in force that are weaker than a regulation."""
    view = timeline_view(evaluation, terminology)
    sections = [
        {
            "title": title,
            "rows": [
                {
                    "when": fmt_day(fact.at),
                    "type": fact.type,
                    "fields": fact_fields(fact),
                    "retracted": False,
                    "obligations": [obligation_summary(o) for o in obligations],
                }
                for fact, obligations in rows
            ],
        }
        for title, rows in view.sections
    ]
    if view.loose:
        sections.append(
            {
                "title": "Other obligations",
                "rows": [
                    {
                        "when": "",
                        "type": "",
                        "fields": "",
                        "retracted": False,
                        "obligations": [obligation_summary(o) for o in view.loose],
                    }
                ],
            }
        )
    if view.retracted:
        sections.append(
            {
                "title": "Retracted (not counted)",
                "rows": [
                    {
                        "when": fmt_day(f.at),
                        "type": f.type,
                        "fields": "",
                        "retracted": True,
                        "obligations": [],
                    }
                    for f in view.retracted
                ],
            }
        )
    return {
        "child": evaluation.child,
        "as_of": evaluation.as_of.isoformat(),
        "heading": view.heading,
        "attention": [obligation_summary(o) for o in view.attention],
        "sections": sections,
        "findings": [{"code": f.code, "message": f.message} for f in view.findings],
        "counts": view.counts,
        "weaker": list(weaker),
    }


def coming_up(evaluation: Any, *, weeks: int = 8) -> list[dict[str, Any]]:
    """What falls due in the next `weeks` weeks and is not yet done (the next review, visits,
    health assessments): what an IRO plans around. Soonest first."""
    from datetime import timedelta

    until = evaluation.as_of + timedelta(weeks=weeks)
    upcoming = sorted(
        (
            o
            for o in evaluation.obligations
            if str(o.status) in ("pending", "due_soon") and evaluation.as_of <= o.due_on <= until
        ),
        key=lambda o: (o.due_on, o.rule),
    )
    return [
        {**obligation_summary(o), "due_on": o.due_on, "in_days": (o.due_on - evaluation.as_of).days}
        for o in upcoming
    ]


def event_json(fact: Fact, retracted: bool) -> dict[str, Any]:
    """A stored fact as the JSON renderings give it: its record, when it was recorded and
    stored, and whether it has been retracted."""
    record = dict(fact.record)
    record["recorded_at"] = fact.recorded_at.isoformat() if fact.recorded_at else None
    record["stored_at"] = fact.stored_at.isoformat() if fact.stored_at else None
    record["retracted"] = retracted
    return record


def timeline_json(
    evaluation: Any, *, child: str, as_of: date, known_at: datetime | None, weaker: Sequence[str]
) -> dict[str, Any]:
    """`casecheck timeline --json`: every fact (retracted ones marked), the obligations and
    the data-quality findings."""
    from compliance.check import finding_row

    tl = evaluation.timeline
    retracted = {f.seq for f in tl.retracted}
    everything = sorted(list(tl.facts) + list(tl.retracted), key=Fact.sort_key)
    return {
        "child": child,
        "as_of": as_of.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        "events": [event_json(f, f.seq in retracted) for f in everything],
        "obligations": [o.to_json() for o in evaluation.obligations],
        "findings": [finding_row(f) for f in tl.findings],
        "weaker_than_law": list(weaker),
    }


def timeline_html(evaluation: Any, *, terminology: str, weaker: Sequence[str] = ()) -> str:
    """The timeline as a printable page (for the IRO's review papers)."""
    from importlib.resources import files

    from jinja2 import Environment, select_autoescape

    template = files("compliance").joinpath("data/timeline.html.j2").read_text(encoding="utf-8")
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string(template).render(**timeline_page(evaluation, terminology, weaker=weaker))
