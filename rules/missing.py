"""Children missing from care or home: return interviews, the IRO told, repeat episodes.

Missing episodes come from the timeline (`went_missing` to `returned`). The return
interview and the trigger meeting are owed to every child who goes missing, looked after
or living at home, so those rules need no period of care; only the IRO rule is limited
to children in care, because only they have an IRO. Nothing closes these clocks: the
duty does not end with the episode, nor when the child leaves care.

Episodes of kind `away` (absent from the placement without authorisation, not missing)
count for none of the rules unless the council adds "away" to the rule's `kinds`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import partial

from events.timeline import Fact, MissingEpisode, Timeline
from rules import themes
from rules.health import clock_hours_note
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, first_on_or_after, rule
from rules.timescales import Deadline, Timescale, fmt_date

__all__ = ["iro_informed", "repeat_missing", "repeat_triggers", "return_interview"]

MISSING_GUIDANCE = "Children who run away or go missing from home or care (DfE statutory guidance, 2014)"
DEFAULT_KINDS = ("missing",)
KINDS = {"kinds": ("missing", "away")}  # the `went_missing` kinds a council may choose


def _episodes(tl: Timeline, ctx: RuleContext) -> list[MissingEpisode]:
    """The episodes of the kinds the rule covers, as set on the day each one started."""
    return [e for e in tl.missing_episodes if e.kind in ctx.param("kinds", on=e.start.on)]


def _before(a: Fact, b: Fact) -> bool:
    """`a` happened before `b`: by the moment when both have a time, else by the day."""
    if isinstance(a.at, datetime) and isinstance(b.at, datetime):
        return a.at < b.at
    return a.on < b.on


def _days(facts: Sequence[Fact]) -> str:
    return ", ".join(fmt_date(f.on) for f in facts)


@rule(
    "MIS-RHI",
    title="Return home interview",
    basis=Basis.GUIDANCE,
    citation=f"{MISSING_GUIDANCE}, para 48",
    params={"within": Timescale(72, "hours"), "kinds": DEFAULT_KINDS},
    choices=KINDS,
    theme=themes.SAFEGUARDING,
)
def return_interview(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A return home interview is completed, or declined by the child, within 72 hours of the child's return.

    Source: statutory guidance on children who run away or go missing from home or care
    (2014), para 48. Applies to looked-after children and children at home alike. The clock
    starts at the `returned` moment; hours are elapsed clock hours, so weekends count and,
    across the March clock change, 72 hours end an hour later on the clock (across October,
    an hour earlier). A return recorded with a date only gives the end of the third day
    after it, marked approximate. An interview completed or declined at or after the
    return satisfies it (one interview after a second episode answers both returns, the
    first one late if past its 72 hours). Episodes of kind `away` need no interview unless
    the council adds them to `kinds`.

    Worked examples:
    - Met: returned Sat 25 Mar 2023 12:00 GMT; 72 hours later is Tue 28 Mar 2023 13:00 BST;
      interview Tue 28 Mar 2023 12:30: met (declined at the same time: also met).
    - Missed: returned Sat 28 Oct 2023 12:00 BST; due Tue 31 Oct 2023 11:00 GMT; interview
      at 11:01: late, though by no whole working day.
    - Date only: returned Mon 3 Jul 2023 (no time): due by the end of Thu 6 Jul 2023 (approximate).
    """
    answers = tl.of_type("return_interview_completed", "return_interview_declined")
    episodes = tl.missing_episodes
    for i, episode in enumerate(episodes):
        returned = episode.end
        if returned is None or episode.kind not in ctx.param("kinds", on=returned.on):
            continue
        deadline = ctx.deadline(returned.at)
        met = first_on_or_after(answers, returned.at)
        again = episodes[i + 1].start if i + 1 < len(episodes) else None
        yield ctx.obligation(
            tl,
            start=returned,
            deadline=deadline,
            met_by=met,
            discriminator=str(returned.seq),
            notes=partial(_interview_notes, ctx, returned, deadline, met, again),
        )


def _interview_notes(
    ctx: RuleContext, returned: Fact, deadline: Deadline, met: Fact | None, again: Fact | None
) -> list[str]:
    notes = clock_hours_note(ctx, returned, deadline)
    if again is not None and (met is None or _before(again, met)):
        notes.append(f"Went missing again on {fmt_date(again.on)}, before an interview was recorded")
    return notes


@rule(
    "MIS-IRO",
    title="IRO informed of missing episode",
    basis=Basis.LOCAL,
    citation="Local standard: the child's IRO must be informed of all missing episodes (1 working day)",
    params={"within": Timescale(1, "working_days"), "kinds": DEFAULT_KINDS},
    choices=KINDS,
    theme=themes.SAFEGUARDING,
)
def iro_informed(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The IRO of a looked-after child is informed of each missing episode within 1 working day of the child going missing.

    Source: local standard ("the child's IRO must be informed of all missing episodes");
    the timescale is configurable. Only a child in care on the day they went missing has
    an IRO, so only those episodes start a clock. The clock starts on the day the child
    went missing (day 0) whether or not the child has returned; an `iro_informed` event
    with `about` "missing" (the default) on or after that day satisfies it.

    Worked examples:
    - Met: went missing Fri 25 Aug 2023 22:00; 1 working day, skipping the bank holiday on
      Mon 28 Aug 2023, is Tue 29 Aug 2023; IRO informed Tue 29 Aug 2023: met.
    - Missed: IRO informed Wed 30 Aug 2023: late by 1 working day.
    """
    informed = [f for f in tl.of_type("iro_informed") if f.get("about", "missing") == "missing"]
    for episode in _episodes(tl, ctx):
        start = episode.start
        if tl.period_on(start.on) is None:
            continue
        yield ctx.obligation(
            tl,
            start=start,
            deadline=ctx.deadline(start.on),
            met_by=first_on_or_after(informed, start.on),
            discriminator=str(start.seq),
        )


def repeat_triggers(
    starts: Sequence[Fact],
    meetings: Sequence[Fact],
    threshold: Callable[[date], tuple[int, int]],
) -> Iterator[tuple[Fact, list[Fact], Fact | None]]:
    """The episodes that trigger a meeting: (trigger, episodes counted, meeting or None).

    `starts` are the `went_missing` facts in order; `meetings` the trigger meetings;
    `threshold(day)` the (episodes, window in days) in force on a day. The trigger is the
    start of the episode that makes that many episodes within the window: the first and
    last counted episodes start fewer than `window` days apart, i.e. all within one run of
    `window` consecutive calendar days (3 in 30 days: 1 Oct and 30 Oct count together,
    1 Oct and 31 Oct do not). A meeting on or after
    the trigger's day meets it. Then:
    - episodes up to and including the day of that meeting belong to this trigger and
      start no new one: the count starts again after the meeting;
    - while no meeting has been held, later episodes add to the open trigger and start
      no new one either (one open breach is one alert, not one per episode);
    - a meeting held before any trigger (after the 2nd episode, say) also starts the
      count again: episodes on or before its day are not counted later.
    """
    covered_until: date | None = None  # episodes on or before this day are accounted for
    for i, trigger in enumerate(starts):
        if covered_until is not None and trigger.on <= covered_until:
            continue
        needed, window_days = threshold(trigger.on)
        earlier = [m.on for m in meetings if m.on < trigger.on]
        after = max(earlier) if earlier else covered_until
        counted = [
            s
            for s in starts[: i + 1]
            if (after is None or s.on > after) and (trigger.on - s.on).days < window_days
        ]
        if len(counted) < needed:
            continue
        met = first_on_or_after(meetings, trigger.on)
        yield trigger, counted, met
        if met is None:
            return
        covered_until = met.on


@rule(
    "MIS-REPEAT",
    title="Trigger meeting after repeat missing episodes",
    basis=Basis.LOCAL,
    citation="Local practice: Pan-Cheshire missing trigger meetings (seed 004); Derbyshire '3 in 30'",
    params={
        "episodes": 3,
        "window_days": 30,
        "within": Timescale(5, "working_days"),
        "kinds": DEFAULT_KINDS,
    },
    choices=KINDS,
    theme=themes.SAFEGUARDING,
)
def repeat_missing(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A level-1 missing trigger meeting is held within 5 working days of a child going missing for the 3rd time in 30 days.

    Source: local practice (Pan-Cheshire trigger meetings, seed 004; Derbyshire "3 in 30");
    the count, the window and the timescale are configurable, as set on the day of the
    trigger. Applies to looked-after children and children at home alike. The clock
    starts on the day the episode that makes the count began (day 0). A trigger meeting
    of level 1, level 2 (the escalated, more senior meeting, which covers level 1) or with
    no level recorded meets it. "3 in 30 days": the first and the third start fewer than
    30 days apart (1 Oct and 30 Oct count together; 1 Oct and 31 Oct do not). One
    obligation per trigger: episodes up to the day of the meeting, and all later ones
    while no meeting is held, start no new clock (they are listed in the explanation);
    after a meeting (including one held before the count was reached) the count starts
    again from the episodes after it.

    Worked examples:
    - Met: missing on Mon 2, Fri 13 and Sun 29 Oct 2023 (3 in 28 days); the clock starts on
      a Sunday, so Mon 30 Oct is day 1 and the meeting is due Fri 3 Nov 2023; held then: met.
    - Missed: no meeting by Mon 6 Nov 2023: overdue by 1 working day.
    """
    episodes = _episodes(tl, ctx)
    starts = [e.start for e in episodes]
    meetings = tl.of_type("missing_trigger_meeting")

    def threshold(day: date) -> tuple[int, int]:
        return int(ctx.param("episodes", on=day)), int(ctx.param("window_days", on=day))

    for trigger, counted, met in repeat_triggers(starts, meetings, threshold):
        window = threshold(trigger.on)[1]
        notes = [f"Episodes counted ({len(counted)} within {window} days): {_days(counted)}"]
        later = starts[next(j for j, s in enumerate(starts) if s is trigger) + 1 :]
        if met is None and later:
            notes.append(f"Later episodes, no new clock until a meeting is held: {_days(later)}")
        yield ctx.obligation(
            tl,
            start=trigger,
            deadline=ctx.deadline(trigger.on),
            met_by=met,
            discriminator=str(trigger.seq),
            notes=notes,
        )
