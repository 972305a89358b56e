"""Which children an account may see: the one check every page and every action makes.

A child belongs to the team named on their latest fact and to the IRO last allocated
(`iro_allocated`), as at the day the page is judged at: the same people the nightly batch
names on the child's alerts. An alert is in scope when its child's team or IRO, as the
alert records them, is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from compliance.accounts import AccountView
from compliance.alerts import Alert
from compliance.alerts import responsible as responsible_on
from events.timeline import Timeline


@dataclass(frozen=True)
class Scope:
    everyone: bool
    teams: frozenset[str]
    iro: str | None

    def allows(self, team: str | None, iro: str | None) -> bool:
        if self.everyone:
            return True
        return (team is not None and team in self.teams) or (self.iro is not None and iro == self.iro)

    def allows_alert(self, alert: Alert) -> bool:
        return self.allows(alert.team, alert.iro)

    def allows_timeline(self, timeline: Timeline, as_of: date) -> bool:
        if self.everyone:
            return True
        team, _worker, iro = responsible_on(timeline, as_of)
        return self.allows(team, iro)


NOBODY = Scope(False, frozenset(), None)


def scope_of(account: AccountView) -> Scope:
    """Service managers and auditors see every child; team managers their teams' children;
    IROs the children allocated to them; an admin with no case role sees none."""
    if account.disabled:
        return NOBODY
    if account.has("service_manager", "auditor"):
        return Scope(True, frozenset(), None)
    teams = frozenset(account.teams) if account.has("team_manager") else frozenset()
    iro = account.iro if account.has("iro") else None
    return Scope(False, teams, iro)
