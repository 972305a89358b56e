"""903 rows to contract events, each with a stable id from the return's natural keys.

The mapping (docs/ssda903.md has it as a table):

- Header DOB, SEX (1/2 before 2024-25, M/F/U after) and presence in UASC -> `child_registered`
- Episodes: RNE S -> `entered_care` (LS, CIN); the first episode of a period that was
  already open when the data begins -> `already_in_care`; RNE S/P/T/B/U (and the first
  episode of an open period) -> `placement_started` (PLACE, URN as provider, PL_POST,
  HOME_POST, PLACE_PROVIDER, `long_term` for U1/U4, `same_carers` for T/U); RNE L/B/U that
  is not the first of its period -> `legal_status_changed`; an episode ending with X1 and
  a REASON_PLACE_CHANGE, or followed by a new placement -> `placement_ended`; an episode
  ending with any other REC -> `left_care` (E11/E12 also `adoption_order_granted`);
  PLACE A3-A6 -> `placed_for_adoption`
- Reviews -> `review_held` (REVIEW_CODE as participation); Missing -> `went_missing` (M
  missing, A away) and `returned` on MIS_END; AD1 DATE_MATCH -> `adoption_match_approved`;
  PlacedAdoption -> `adoption_decision` and `adoption_decision_reversed`; SWEpisodes ->
  `worker_allocated`; OC3 -> `care_leaver_outcome` on the birthday in the year; OC2 ->
  `annual_outcomes` on 31 March.

Ids: `903:<table>:<CHILD>:<natural key>:<type>:<content>`, the natural key being the
row's own date (Episodes DECOM, Reviews REVIEW, Missing MIS_START, ...) and `<content>` a
short digest of the event's fields. The same row in next year's return gives the same id
(nothing added); a row whose content changed gives a new id under the same natural key,
and the importer retracts the old one.

What the mapping cannot do without (CHILD, the dates it maps, RNE, LS, PLACE, and REC
when an episode ended) is bad input; a code that is not valid in that year in a field it
can do without is a finding and the event is stored without it. Contradictions between
rows are findings named with the DfE validator's rule code (142, 148, 357, 432, 433, 501).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from compliance.sources.ssda903.codes import VALIDATOR_RULE, valid_codes, year_end, year_label, year_start
from compliance.sources.ssda903.tables import OC2_FLAGS, Return
from events.models import InvalidEvent, parse_event
from events.parse import BadInput, ParsedEvent

SOURCE = "ssda903"

_CHILD_RE = re.compile(r"^[A-Za-z0-9_./-]{1,64}$")
PLACEMENT_CHANGES = frozenset("STPBU")
LEGAL_CHANGES = frozenset("LBU")
SAME_CARERS = frozenset("TU")
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
LONG_TERM_FOSTERING = frozenset({"U1", "U4"})
ADOPTED = frozenset({"E11", "E12"})
_SEX = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
_TAG = {
    "Header": "H",
    "Episodes": "E",
    "Reviews": "R",
    "Missing": "M",
    "AD1": "AD1",
    "PlacedAdoption": "PA",
    "SWEpisodes": "SW",
    "OC3": "OC3",
    "OC2": "OC2",
}

#: The 903 column each contract field comes from (to name it in an error).
_COLUMN_OF = {
    "child": "CHILD",
    "dob": "DOB",
    "placement_type": "PLACE",
    "provider": "URN",
    "postcode": "PL_POST",
    "home_postcode": "HOME_POST",
    "worker": "SW_ID",
    "legal_status": "LS",
}


@dataclass(frozen=True, slots=True)
class Finding903:
    """A data-quality finding in a return: rows readable one by one, contradictory together."""

    code: str  # the DfE validator's rule code where one matches
    file: str
    row: int
    child: str
    message: str
    table: str = ""  # the 903 table (Episodes, Reviews, ...)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "table": self.table,
            "file": self.file,
            "row": self.row,
            "child": self.child,
            "message": self.message,
        }


@dataclass
class Prior:
    """What the store already holds for the children of a return (the importer fills it)."""

    ids: Mapping[str, set[str]] = field(default_factory=dict)  # child -> stored fact ids
    # child -> periods of care already on record, (start, end or None)
    periods: Mapping[str, list[tuple[date, date | None]]] = field(default_factory=dict)

    def open_on(self, child: str, day: date) -> bool:
        return any(s <= day and (e is None or day <= e) for s, e in self.periods.get(child, ()))

    def has(self, child: str, prefix: str) -> bool:
        return any(i.startswith(prefix) for i in self.ids.get(child, ()))


@dataclass
class Mapped:
    events: list[ParsedEvent] = field(default_factory=list)
    findings: list[Finding903] = field(default_factory=list)


def day(value: str, file: str, row: int, column: str) -> date:
    """A 903 date, DD/MM/YYYY; anything else is bad input (the value is not echoed)."""
    v = value.strip()
    if len(v) == 10 and v[2] == "/" and v[5] == "/":
        try:
            return date(int(v[6:]), int(v[3:5]), int(v[:2]))
        except ValueError:
            pass
    raise BadInput(f"{file}: row {row}", None, column, "expected a real date DD/MM/YYYY")


def _digest(record: Mapping[str, Any]) -> str:
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def natural_key(fact_id: str) -> str:
    """The part of a 903 fact id that names the row, without its content digest."""
    return fact_id.rsplit(":", 1)[0]


#: progress(table, rows) -> tick(done, total), or None for no bar.
Progress = Callable[[str, int], Callable[[int, int], None] | None]


class _Ticker:
    """One table's progress bar, moved as its rows are mapped (about 50 times a table), and
    taken down whatever happens (an error part-way leaves no bar on the screen)."""

    def __init__(self, progress: Progress | None, table: str, total: int) -> None:
        self.total = total
        self.tick = progress(table, total) if progress is not None and total else None
        self.every = max(1, total // 50)
        self.done = self.shown = 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.tick is not None and (self.done - self.shown >= self.every or self.done >= self.total):
            self.shown = self.done
            self.tick(min(self.done, self.total), self.total)

    def __enter__(self) -> _Ticker:
        return self

    def __exit__(self, *_: object) -> None:
        if self.tick is not None and self.shown < self.total:
            self.tick(self.total, self.total)


class _Mapper:
    def __init__(self, ret: Return, year: int, prior: Prior, progress: Progress | None = None) -> None:
        self.ret = ret
        self.year = year
        self.prior = prior
        self.progress = progress
        self.out = Mapped()
        self.label = year_label(year)
        self.emitted: dict[str, int] = {}

    # --- helpers ------------------------------------------------------------------------

    def rows(self, table: str) -> Iterator[tuple[int, dict[str, str]]]:
        """The table's rows, its progress bar moving as they are mapped."""
        rows = self.ret.rows(table)
        with _Ticker(self.progress, table, len(rows)) as tick:
            for row in rows:
                yield row
                tick.advance()

    def child(self, table: str, row: int, cells: Mapping[str, str]) -> str:
        child = cells.get("CHILD", "").strip()
        if not child:
            raise BadInput(
                f"{self.ret.file(table)}: row {row}", None, "CHILD", "required: the child's identifier"
            )
        if not _CHILD_RE.fullmatch(child):
            raise BadInput(
                f"{self.ret.file(table)}: row {row}",
                None,
                "CHILD",
                "expected 1-64 letters, digits, '-', '_', '.' or '/'",
            )
        return child

    def date_of(self, table: str, row: int, cells: Mapping[str, str], column: str) -> date | None:
        value = cells.get(column, "")
        return day(value, self.ret.file(table), row, column) if value else None

    def required_date(self, table: str, row: int, cells: Mapping[str, str], column: str) -> date:
        found = self.date_of(table, row, cells, column)
        if found is None:
            raise BadInput(f"{self.ret.file(table)}: row {row}", None, column, "required: a date DD/MM/YYYY")
        return found

    def code(
        self,
        table: str,
        row: int,
        child: str,
        cells: Mapping[str, str],
        column: str,
        *,
        required: bool = False,
    ) -> str | None:
        value = cells.get(column, "").strip()
        valid = valid_codes(column, self.year)
        if value in valid:
            return value
        if required:
            raise BadInput(
                f"{self.ret.file(table)}: row {row}",
                None,
                column,
                f"expected a {column} code valid in {self.label} (one of {', '.join(sorted(valid))})",
            )
        if value:
            self.finding(
                VALIDATOR_RULE.get(column, column),
                table,
                row,
                child,
                f"{column} {value!r} is not a valid code in {self.label}; stored without it",
            )
        return None

    def finding(self, code: str, table: str, row: int, child: str, message: str) -> None:
        self.out.findings.append(Finding903(code, self.ret.file(table), row, child, message, table))

    def emit(self, table: str, row: int, child: str, key: str, type_: str, at: date, **fields: Any) -> str:
        record: dict[str, Any] = {"child": child, "type": type_, "at": at.isoformat(), "source": SOURCE}
        record.update({k: v for k, v in fields.items() if v is not None})
        fact_id = f"903:{_TAG[table]}:{child}:{key}:{type_}:{_digest(record)}"
        # The same row twice in one return is two facts (one per row), numbered in order.
        repeats = self.emitted[fact_id] = self.emitted.get(fact_id, 0) + 1
        if repeats > 1:
            fact_id = f"{fact_id}~{repeats}"
        record["id"] = fact_id
        try:
            event = parse_event(record)
        except InvalidEvent as exc:
            name, problem = exc.problems[0]
            raise BadInput(
                f"{self.ret.file(table)}: row {row}", None, _COLUMN_OF.get(name, name), problem
            ) from None
        self.out.events.append(ParsedEvent.of(row, event))
        return fact_id

    # --- tables -------------------------------------------------------------------------

    def header(self) -> None:
        uasc = {
            self.child("UASC", row, cells) for row, cells in self.ret.rows("UASC")
        }  # children with a UASC row this year
        for row, cells in self.rows("Header"):
            child = self.child("Header", row, cells)
            dob = self.required_date("Header", row, cells, "DOB")
            sex = self.code("Header", row, child, cells, "SEX")
            self.emit(
                "Header",
                row,
                child,
                "",
                "child_registered",
                dob,
                dob=dob.isoformat(),
                sex=_SEX.get(sex) if sex else None,
                uasc=True if child in uasc else None,
            )

    def episodes(self) -> None:
        by_child: dict[str, list[tuple[int, dict[str, str], date, date | None]]] = defaultdict(list)
        for row, cells in self.ret.rows("Episodes"):
            child = self.child("Episodes", row, cells)
            decom = self.required_date("Episodes", row, cells, "DECOM")
            dec = self.date_of("Episodes", row, cells, "DEC")
            self.code("Episodes", row, child, cells, "RNE", required=True)
            self.code("Episodes", row, child, cells, "LS", required=True)
            self.code("Episodes", row, child, cells, "PLACE", required=True)
            if dec is not None and cells.get("REC", "") != "":
                self.code("Episodes", row, child, cells, "REC", required=True)
            by_child[child].append((row, cells, decom, dec))
        with _Ticker(self.progress, "Episodes", len(self.ret.rows("Episodes"))) as tick:
            for child, episodes in by_child.items():
                episodes.sort(key=lambda e: (e[2], e[0]))
                self._child_episodes(child, episodes)
                tick.advance(len(episodes))

    def _child_episodes(
        self, child: str, episodes: list[tuple[int, dict[str, str], date, date | None]]
    ) -> None:
        t = "Episodes"
        previous: tuple[int, dict[str, str], date, date | None] | None = None
        for i, (row, cells, decom, dec) in enumerate(episodes):
            following = episodes[i + 1] if i + 1 < len(episodes) else None
            rne, ls, place = cells["RNE"], cells["LS"], cells["PLACE"]
            rec = cells.get("REC", "") or None
            key = decom.isoformat()
            if (dec is None) != (rec is None):
                self.finding("148", t, row, child, "DEC and REC must both be given or both be blank")
            previous_rec = (previous[1].get("REC", "") or None) if previous is not None else None
            if previous is not None:
                p_row, _, p_decom, p_dec = previous
                if p_dec is None:
                    self.finding(
                        "142", t, p_row, child, "a new episode started but this one has not ended (no DEC)"
                    )
                elif decom < p_dec:
                    self.finding("501", t, row, child, "the episode starts before the previous one ended")
                if previous_rec not in (None, "X1") and rne != "S":
                    self.finding(
                        "432",
                        t,
                        row,
                        child,
                        "the previous episode ended the period of care, but RNE is not S",
                    )
                elif rne != "S" and p_dec is not None and decom != p_dec:
                    self.finding(
                        "433",
                        t,
                        row,
                        child,
                        "a continuation episode does not start on the day the last one ended",
                    )

            prefix = f"903:E:{child}:{key}:"
            if rne == "S":
                opener: str | None = "entered_care"
            elif previous is not None and previous_rec in (None, "X1"):
                opener = None
            elif previous is None and (
                self.prior.has(child, prefix + "already_in_care:")
                or self.prior.has(child, prefix + "entered_care:")
            ):
                opener = "already_in_care"  # the first of its period when it was first loaded
            elif previous is None and self.prior.open_on(child, decom):
                opener = None  # continues a period already on record
            else:
                opener = "already_in_care"
                if previous is None and decom >= year_start(self.year):
                    self.finding(
                        "357", t, row, child, "the first episode for this child has RNE other than S"
                    )
            cin = self.code(t, row, child, cells, "CIN")
            provider_type = self.code(t, row, child, cells, "PLACE_PROVIDER")
            if opener == "entered_care":
                self.emit(t, row, child, key, "entered_care", decom, legal_status=ls, category_of_need=cin)
            elif opener == "already_in_care":
                self.emit(
                    t,
                    row,
                    child,
                    key,
                    "already_in_care",
                    decom,
                    legal_status=ls,
                    category_of_need=cin,
                    episode_reason=rne,
                )
            elif rne in LEGAL_CHANGES:
                self.emit(t, row, child, key, "legal_status_changed", decom, legal_status=ls)
            if opener is not None or rne in PLACEMENT_CHANGES:
                self.emit(
                    t,
                    row,
                    child,
                    key,
                    "placement_started",
                    decom,
                    placement_type=place,
                    provider=cells.get("URN") or None,
                    postcode=cells.get("PL_POST") or None,
                    home_postcode=cells.get("HOME_POST") or None,
                    provider_type=provider_type,
                    long_term=True if place in LONG_TERM_FOSTERING else None,
                    same_carers=(rne in SAME_CARERS) if opener is None else None,
                )
                if place in ADOPTION_PLACEMENTS:
                    self.emit(t, row, child, key, "placed_for_adoption", decom)
            if dec is not None:
                reason = self.code(t, row, child, cells, "REASON_PLACE_CHANGE")
                moves_on = (
                    following is not None
                    and following[1]["RNE"] in PLACEMENT_CHANGES - {"S"}
                    and following[2] == dec
                )
                if reason is not None or (rec in (None, "X1") and moves_on):
                    self.emit(t, row, child, key, "placement_ended", dec, reason=reason)
                if rec not in (None, "X1"):
                    self.emit(t, row, child, key, "left_care", dec, reason=rec)
                    if rec in ADOPTED:
                        self.emit(t, row, child, key, "adoption_order_granted", dec)
            previous = (row, cells, decom, dec)

    def reviews(self) -> None:
        for row, cells in self.rows("Reviews"):
            child = self.child("Reviews", row, cells)
            held = self.required_date("Reviews", row, cells, "REVIEW")
            code = self.code("Reviews", row, child, cells, "REVIEW_CODE")
            self.emit("Reviews", row, child, held.isoformat(), "review_held", held, participation=code)

    def missing(self) -> None:
        for row, cells in self.rows("Missing"):
            child = self.child("Missing", row, cells)
            start = self.required_date("Missing", row, cells, "MIS_START")
            end = self.date_of("Missing", row, cells, "MIS_END")
            kind = self.code("Missing", row, child, cells, "MISSING")
            key = start.isoformat()
            self.emit(
                "Missing",
                row,
                child,
                key,
                "went_missing",
                start,
                kind={"A": "away", "M": "missing"}.get(kind or ""),
            )
            if end is not None:
                self.emit("Missing", row, child, key, "returned", end)

    def adoption(self) -> None:
        for row, cells in self.rows("AD1"):
            child = self.child("AD1", row, cells)
            match = self.date_of("AD1", row, cells, "DATE_MATCH")
            if match is not None:
                self.emit("AD1", row, child, match.isoformat(), "adoption_match_approved", match)
        for row, cells in self.rows("PlacedAdoption"):
            child = self.child("PlacedAdoption", row, cells)
            decided = self.required_date("PlacedAdoption", row, cells, "DATE_PLACED")
            ceased = self.date_of("PlacedAdoption", row, cells, "DATE_PLACED_CEASED")
            key = decided.isoformat()
            self.emit("PlacedAdoption", row, child, key, "adoption_decision", decided)
            if ceased is not None:
                reason = self.code("PlacedAdoption", row, child, cells, "REASON_PLACED_CEASED")
                self.emit(
                    "PlacedAdoption", row, child, key, "adoption_decision_reversed", ceased, reason=reason
                )

    def social_workers(self) -> None:
        for row, cells in self.rows("SWEpisodes"):
            child = self.child("SWEpisodes", row, cells)
            start = self.required_date("SWEpisodes", row, cells, "SW_DECOM")
            worker = cells.get("SW_ID", "").strip()
            if not worker:
                self.finding("SW03STG1", "SWEpisodes", row, child, "SW_ID is blank; no allocation stored")
                continue
            self.emit(
                "SWEpisodes",
                row,
                child,
                start.isoformat(),
                "worker_allocated",
                start,
                worker=worker,
                role="social_worker",
            )

    def care_leavers(self) -> None:
        first, last = year_start(self.year), year_end(self.year)
        for row, cells in self.rows("OC3"):
            child = self.child("OC3", row, cells)
            dob = self.required_date("OC3", row, cells, "DOB")
            birthday = _birthday_between(dob, first, last)
            age = birthday.year - dob.year
            if not 17 <= age <= 21:
                self.finding(
                    "OC3", "OC3", row, child, f"care leaver information for an age of {age}, not 17 to 21"
                )
            self.emit(
                "OC3",
                row,
                child,
                birthday.isoformat(),
                "care_leaver_outcome",
                birthday,
                in_touch=self.code("OC3", row, child, cells, "IN_TOUCH"),
                activity=self.code("OC3", row, child, cells, "ACTIV"),
                accommodation=self.code("OC3", row, child, cells, "ACCOM"),
            )

    def outcomes(self) -> None:
        end = year_end(self.year)
        for row, cells in self.rows("OC2"):
            child = self.child("OC2", row, cells)
            fields: dict[str, Any] = {}
            for column in OC2_FLAGS:
                name = column.lower()
                value = cells.get(column, "")
                if value in ("0", "1"):
                    fields[name] = value == "1"
                elif value:
                    self.finding("181", "OC2", row, child, f"{column} should be 0 or 1; stored without it")
            score = cells.get("SDQ_SCORE", "")
            if score.isdigit() and int(score) <= 40:
                fields["sdq_score"] = int(score)
            elif score:
                self.finding("SDQ_SCORE", "OC2", row, child, "SDQ_SCORE should be 0 to 40; stored without it")
            fields["sdq_reason"] = self.code("OC2", row, child, cells, "SDQ_REASON")
            self.emit("OC2", row, child, end.isoformat(), "annual_outcomes", end, **fields)


def _birthday_between(dob: date, first: date, last: date) -> date:
    """The child's birthday that falls between two days a year apart (29 Feb: 28 Feb)."""
    for year in (first.year, last.year):
        try:
            birthday = dob.replace(year=year)
        except ValueError:
            birthday = date(year, 2, 28)
        if first <= birthday <= last:
            return birthday
    return last


#: The tables' mappings, in the order they run.
STEPS: tuple[Callable[[_Mapper], None], ...] = (
    _Mapper.header,
    _Mapper.episodes,
    _Mapper.reviews,
    _Mapper.missing,
    _Mapper.adoption,  # AD1 and PlacedAdoption
    _Mapper.social_workers,
    _Mapper.care_leavers,
    _Mapper.outcomes,
)


def map_return(
    ret: Return, year: int, prior: Prior | None = None, *, progress: Progress | None = None
) -> Mapped:
    """Every event and finding of one year's return; raises `BadInput` for what it cannot map.
    `progress` gives a bar for each table, moved while its rows are mapped."""
    mapper = _Mapper(ret, year, prior or Prior(), progress)
    for run in STEPS:
        run(mapper)
    return mapper.out


def first_episodes(ret: Return) -> dict[str, tuple[date, str]]:
    """Each child's first episode in the return (DECOM, RNE): what the importer must look up."""
    first: dict[str, tuple[date, str]] = {}
    for row, cells in ret.rows("Episodes"):
        child = cells.get("CHILD", "").strip()
        value = cells.get("DECOM", "")
        try:
            decom = day(value, ret.file("Episodes"), row, "DECOM")
        except BadInput:
            continue  # reported by the mapping itself
        if child not in first or decom < first[child][0]:
            first[child] = (decom, cells.get("RNE", ""))
    return first


def children_of(events: Iterable[ParsedEvent]) -> set[str]:
    return {e.child for e in events}
