"""Children missing from care or home: return interviews, the IRO told, repeat episodes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from events.timeline import Timeline
from rules import themes
from rules.obligation import Basis, Obligation
from rules.registry import RuleContext, first_on_or_after, rule
from rules.timescales import Timescale

MISSING_GUIDANCE = "Children who run away or go missing from home or care (DfE statutory guidance, 2014)"


@rule(
    "MIS-RHI",
    title="Return home interview",
    basis=Basis.GUIDANCE,
    citation=f"{MISSING_GUIDANCE}, para 48",
    params={"within": Timescale(72, "hours"), "kinds": ("missing",)},
    choices={"kinds": ("missing", "away")},
    theme=themes.SAFEGUARDING,
)
def return_interview(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A return home interview is offered and completed (or declined) within 72 hours of the child's return.

    Source: statutory guidance on children who run away or go missing (2014). Hours are
    elapsed clock hours: across the March clock change 72 hours end an hour later on the
    clock, across October an hour earlier. Episodes of kind `away` (absent) need no
    interview unless the council adds them to `kinds`.

    Worked examples:
    - Met: returned Sat 25 Mar 2023 12:00 GMT; 72 hours later is Tue 28 Mar 2023 13:00 BST;
      interview completed Tue 28 Mar 2023 12:30: met.
    - Missed: returned Sat 28 Oct 2023 12:00 BST; due Tue 31 Oct 2023 11:00 GMT; interview
      at 11:30: late.
    - Date only: returned Mon 3 Jul 2023 (no time): due by the end of Thu 6 Jul 2023 (approximate).
    """
    answers = tl.of_type("return_interview_completed", "return_interview_declined")
    for episode in tl.missing_episodes:
        returned = episode.end
        if returned is None:
            continue
        if episode.kind not in ctx.param("kinds", on=returned.on):
            continue
        later = [
            e.start
            for e in tl.missing_episodes
            if e.start.on >= returned.on and e.start.seq != episode.start.seq
        ]
        until = later[0].on if later else None
        met = first_on_or_after(answers, returned.at, until=until)
        if met is None:
            met = first_on_or_after(answers, returned.on, until=until)
        yield ctx.obligation(
            tl,
            start=returned,
            deadline=ctx.deadline(returned.at),
            met_by=met,
            discriminator=str(returned.seq),
        )


@rule(
    "MIS-IRO",
    title="IRO informed of missing episode",
    basis=Basis.LOCAL,
    citation="Local standard: the child's IRO must be informed of all missing episodes (1 working day)",
    params={"within": Timescale(1, "working_days")},
    theme=themes.SAFEGUARDING,
)
def iro_informed(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """The IRO of a looked-after child is informed of each missing episode within 1 working day.

    Source: local standard ("the child's IRO must be informed of all missing episodes");
    configurable. Applies to children in care when they went missing; satisfied by an
    `iro_informed` event (about "missing") on or after the child went missing.

    Worked examples:
    - Met: went missing Fri 25 Aug 2023 22:00; next working day, skipping Mon 28 Aug 2023,
      is Tue 29 Aug 2023; IRO informed Tue 29 Aug 2023: met.
    - Missed: IRO informed Wed 30 Aug 2023: late by 1 working day.
    """
    informed = [f for f in tl.of_type("iro_informed") if f.get("about", "missing") == "missing"]
    for episode in tl.missing_episodes:
        start = episode.start
        if tl.period_on(start.on) is None:
            continue
        met = first_on_or_after(informed, start.on)
        yield ctx.obligation(
            tl, start=start, deadline=ctx.deadline(start.on), met_by=met, discriminator=str(start.seq)
        )


@rule(
    "MIS-REPEAT",
    title="Trigger meeting after repeat missing episodes",
    basis=Basis.LOCAL,
    citation="Local practice: Pan-Cheshire missing trigger meetings (seed 004); Derbyshire '3 in 30'",
    params={"episodes": 3, "window_days": 30, "within": Timescale(5, "working_days")},
    theme=themes.SAFEGUARDING,
)
def repeat_missing(tl: Timeline, ctx: RuleContext) -> Iterator[Obligation]:
    """A level-1 missing trigger meeting is held within 5 working days when a child goes missing 3 times in 30 days.

    Source: local practice (Pan-Cheshire trigger meetings, seed 004); the count, window and
    timescale are configurable. The clock starts when the episode that makes the count is
    reported; episodes before the next meeting do not start another clock, and after a
    meeting the count starts again.

    Worked examples:
    - Met: missing on Mon 2, Fri 13 and Sun 29 Oct 2023 (3 in 28 days); the clock starts on a
      Sunday, so Mon 30 Oct is day 1 and the meeting is due Fri 3 Nov 2023; held then: met.
    - Missed: no meeting by Mon 6 Nov 2023: overdue by 1 working day.
    """
    meetings = tl.of_type("missing_trigger_meeting")
    starts = [e.start for e in tl.missing_episodes]
    counted_from = 0  # episodes before this index are covered by an earlier trigger
    for i, trigger in enumerate(starts):
        needed = ctx.param("episodes", on=trigger.on)
        window = timedelta(days=ctx.param("window_days", on=trigger.on))
        recent = [s for s in starts[counted_from : i + 1] if trigger.on - s.on < window]
        if len(recent) < needed:
            continue
        met = first_on_or_after(meetings, trigger.on)
        yield ctx.obligation(
            tl, start=trigger, deadline=ctx.deadline(trigger.on), met_by=met, discriminator=str(trigger.seq)
        )
        # Episodes up to the meeting (or all, while none is held) belong to this trigger.
        if met is None:
            return
        counted_from = next((j for j, s in enumerate(starts) if s.on > met.on), len(starts))
        if counted_from <= i:
            counted_from = i + 1
