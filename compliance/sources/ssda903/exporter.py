"""Export a collection year's 903 tables from the events, whatever their source.

`export_year` writes the DfE's tables (CSV, the DfE's columns in their order, dates
DD/MM/YYYY) for every child looked after at some time in the year, from each child's
timeline as it stood on 31 March. Episodes are rebuilt from the period of care: a new
episode wherever the placement or the legal status changes. Fields casecheck does not
hold (ETHNIC, UPN, MOTHER, ...) are written empty and listed in the result.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from compliance.engine import facts_of
from compliance.sources.ssda903.codes import valid_codes, year_end, year_label, year_start
from compliance.sources.ssda903.mapping import ADOPTED
from compliance.sources.ssda903.tables import FILE_NAMES, OC2_FLAGS, TABLES
from compliance.store import CaseStore
from events.models import parse_event
from events.timeline import Fact, PeriodOfCare, Placement, Timeline, build_timeline

#: Columns written empty because casecheck holds nothing for them.
NOT_HELD: dict[str, tuple[str, ...]] = {
    "Header": ("ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "UASC": ("DUC",),
    "AD1": ("FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "SWEpisodes": ("SW_REASON",),
}

#: The tables an export writes (PrevPerm and DoLo have no events to come from).
WRITTEN = (
    "Header",
    "Episodes",
    "Reviews",
    "UASC",
    "OC2",
    "OC3",
    "AD1",
    "PlacedAdoption",
    "Missing",
    "SWEpisodes",
)


_URN = re.compile(r"\d{7}|SC\d{6}|X{7}")


def dmy(day: date | None) -> str:
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


@dataclass
class ExportResult:
    year: int
    directory: Path
    rows: Counter[str] = field(default_factory=Counter)
    children: int = 0
    invalid_codes: Counter[str] = field(default_factory=Counter)  # "PLACE H5": codes not valid that year

    def summary(self) -> list[str]:
        lines = [
            f"wrote the SSDA903 {year_label(self.year)} tables for {self.children} children to {self.directory}: "
            + ", ".join(f"{t} {self.rows[t]}" for t in WRITTEN)
        ]
        empty = "; ".join(f"{t} {', '.join(cols)}" for t, cols in NOT_HELD.items())
        lines.append(
            f"written empty (not held by casecheck): {empty}; Episodes PLACE_PROVIDER, HOME_POST, URN where not recorded"
        )
        if self.invalid_codes:
            lines.append(
                "codes not valid in that year (written as recorded): "
                + ", ".join(f"{c} x{n}" for c, n in sorted(self.invalid_codes.items()))
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "year": year_label(self.year),
            "directory": str(self.directory),
            "children": self.children,
            "rows": {t: self.rows[t] for t in WRITTEN},
            "not_held": {t: list(cols) for t, cols in NOT_HELD.items()},
            "invalid_codes": dict(sorted(self.invalid_codes.items())),
        }


def _sex(value: str | None, year: int) -> str:
    if value is None:
        return ""
    if year <= 2024:
        return {"M": "1", "F": "2"}.get(value, "")
    return value


def _episode_rows(tl: Timeline, period: PeriodOfCare, first: date, last: date) -> list[dict[str, str]]:
    """The 903 episodes of one period of care that fall in the year [first, last]."""
    changes: dict[date, dict[str, Fact]] = {}
    changes.setdefault(period.started_on, {})
    for placement in period.placements:
        changes.setdefault(placement.started_on, {})["placement"] = placement.start
    for fact in tl.of_type("legal_status_changed"):
        if period.includes(fact.on) and fact.on != period.started_on:
            changes.setdefault(fact.on, {})["legal"] = fact
    days = sorted(changes)
    category = period.start.get("category_of_need") or ""
    rows = []
    for i, start in enumerate(days):
        end = days[i + 1] if i + 1 < len(days) else period.ended_on
        if start > last or (end is not None and end < first):
            continue
        placement = next((p for p in reversed(period.placements) if p.started_on <= start), None)
        if placement is None and period.placements:
            placement = period.placements[0]
        place = placement.start if placement is not None else None
        change = changes[start]
        same = _same_carers(period, placement)
        if i == 0:
            rne = "S" if period.start_known else str(period.start.get("episode_reason") or "P")
        elif "placement" in change and "legal" in change:
            rne = "U" if same else "B"
        elif "placement" in change:
            rne = "T" if same else "P"
        else:
            rne = "L"
        open_at_year_end = end is None or end > last
        rec = ""
        reason = ""
        if not open_at_year_end:
            rec = "X1" if i + 1 < len(days) else str(period.end["reason"]) if period.end is not None else ""
            if placement is not None and placement.end is not None and placement.end.on == end:
                reason = (
                    str(placement.end.get("reason") or "") if placement.end.type == "placement_ended" else ""
                )
            if reason == "" and placement is not None:
                ended = [
                    f for f in tl.of_type("placement_ended") if f.on == end and f.on >= placement.started_on
                ]
                reason = str(ended[-1].get("reason") or "") if ended else ""
        rows.append(
            {
                "CHILD": tl.child,
                "DECOM": dmy(start),
                "RNE": rne,
                "LS": period.legal_status_on(start) or "",
                "CIN": str(category),
                "PLACE": str(place["placement_type"]) if place is not None else "",
                "PLACE_PROVIDER": str(place.get("provider_type") or "") if place is not None else "",
                "DEC": "" if open_at_year_end else dmy(end),
                "REC": rec,
                "REASON_PLACE_CHANGE": reason,
                "HOME_POST": str(place.get("home_postcode") or "") if place is not None else "",
                "PL_POST": str(place.get("postcode") or "") if place is not None else "",
                "URN": _urn(place),
            }
        )
    return rows


def _urn(place: Fact | None) -> str:
    """The provider when it is an Ofsted URN (7 digits, SC and 6 digits, or XXXXXXX);
    a council's own provider ids are not URNs and are not written."""
    provider = str(place.get("provider") or "") if place is not None else ""
    return provider if _URN.fullmatch(provider) else ""


def _same_carers(period: PeriodOfCare, placement: Placement | None) -> bool:
    """Whether only the placement type changed (RNE T or U): as recorded, or failing that,
    the same provider as the placement before it in the period."""
    if placement is None:
        return False
    recorded = placement.start.get("same_carers")
    if recorded is not None:
        return bool(recorded)
    index = period.placements.index(placement)
    if index == 0:
        return False
    before = period.placements[index - 1].start.get("provider")
    return before is not None and before == placement.start.get("provider")


def _child_tables(tl: Timeline, year: int) -> dict[str, list[dict[str, str]]]:
    first, last = year_start(year), year_end(year)
    out: dict[str, list[dict[str, str]]] = {}
    episodes = [
        row
        for period in tl.periods
        if period.started_on <= last and (period.ended_on is None or period.ended_on >= first)
        for row in _episode_rows(tl, period, first, last)
    ]
    if not episodes:
        return out
    registered = tl.of_type("child_registered")
    reg = registered[-1] if registered else None
    dob = dmy(tl.dob)
    child = tl.child
    out["Episodes"] = episodes
    out["Header"] = [
        {
            "CHILD": child,
            "SEX": _sex(reg.get("sex") if reg is not None else None, year),
            "DOB": dob,
            "ETHNIC": "",
            "UPN": "",
            "MOTHER": "",
            "MC_DOB": "",
        }
    ]
    if reg is not None and reg.get("uasc"):
        out["UASC"] = [{"CHILD": child, "SEX": out["Header"][0]["SEX"], "DOB": dob, "DUC": ""}]

    def in_year(f: Fact) -> bool:
        return first <= f.on <= last

    # Children looked after only for short breaks (V3/V4) have no reviews in the return (DfE rule 399).
    short_breaks_only = all(row["LS"] in ("V3", "V4") for row in episodes)
    out["Reviews"] = [
        {"CHILD": child, "DOB": dob, "REVIEW": dmy(f.on), "REVIEW_CODE": str(f.get("participation") or "")}
        for f in tl.of_type("review_held")
        if f.get("kind", "looked_after") == "looked_after" and in_year(f) and not short_breaks_only
    ]
    out["Missing"] = [
        {
            "CHILD": child,
            "DOB": dob,
            "MISSING": "A" if m.kind == "away" else "M",
            "MIS_START": dmy(m.started_on),
            "MIS_END": dmy(m.ended_on) if m.ended_on is not None and m.ended_on <= last else "",
        }
        for m in tl.missing_episodes
        if m.started_on <= last and (m.ended_on is None or m.ended_on >= first)
    ]
    out["OC3"] = [
        {
            "CHILD": child,
            "DOB": dob,
            "IN_TOUCH": str(f.get("in_touch") or ""),
            "ACTIV": str(f.get("activity") or ""),
            "ACCOM": str(f.get("accommodation") or ""),
        }
        for f in tl.of_type("care_leaver_outcome")
        if in_year(f)
    ]
    out["OC2"] = [
        {
            "CHILD": child,
            "DOB": dob,
            "SDQ_SCORE": "" if f.get("sdq_score") is None else str(f.get("sdq_score")),
            "SDQ_REASON": str(f.get("sdq_reason") or ""),
            **{c: "" if f.get(c.lower()) is None else str(int(bool(f.get(c.lower())))) for c in OC2_FLAGS},
        }
        for f in tl.of_type("annual_outcomes")
        if in_year(f)
    ]
    adopted = [f for f in tl.of_type("left_care") if in_year(f) and f.get("reason") in ADOPTED]
    matches = tl.of_type("adoption_match_approved")
    decisions = tl.of_type("adoption_decision")
    ad1_rows = []
    for f in adopted:
        match = max((m.on for m in matches if m.on <= f.on), default=None)
        # DATE_INT: the decision that the child should be placed for adoption, the last
        # one before the match (or the order), as PlacedAdoption's DATE_PLACED gives it.
        decided = max((d.on for d in decisions if d.on <= (match or f.on)), default=None)
        ad1_rows.append(
            {
                "CHILD": child,
                "DOB": dob,
                "DATE_INT": dmy(decided),
                "DATE_MATCH": dmy(match),
                "FOSTER_CARE": "",
                "NB_ADOPTR": "",
                "SEX_ADOPTR": "",
                "LS_ADOPTR": "",
            }
        )
    out["AD1"] = ad1_rows
    reversals = tl.of_type("adoption_decision_reversed")
    placed_rows = []
    for i, decision in enumerate(decisions):
        until = decisions[i + 1].on if i + 1 < len(decisions) else None
        reversed_ = next(
            (r for r in reversals if r.on >= decision.on and (until is None or r.on < until)), None
        )
        if decision.on > last or (reversed_ is not None and reversed_.on < first):
            continue
        placed_rows.append(
            {
                "CHILD": child,
                "DOB": dob,
                "DATE_PLACED": dmy(decision.on),
                "DATE_PLACED_CEASED": dmy(reversed_.on)
                if reversed_ is not None and reversed_.on <= last
                else "",
                "REASON_PLACED_CEASED": str(reversed_.get("reason") or "")
                if reversed_ is not None and reversed_.on <= last
                else "",
            }
        )
    out["PlacedAdoption"] = placed_rows
    workers = [f for f in tl.of_type("worker_allocated") if f.get("role", "social_worker") == "social_worker"]
    sw_rows = []
    for i, w in enumerate(workers):
        ended = workers[i + 1].on if i + 1 < len(workers) else None
        if w.on > last or (ended is not None and ended < first):
            continue
        sw_rows.append(
            {
                "CHILD": child,
                "DOB": dob,
                "SW_ID": str(w["worker"]),
                "SW_DECOM": dmy(w.on),
                "SW_DEC": dmy(ended) if ended is not None and ended <= last else "",
                "SW_REASON": "",
            }
        )
    out["SWEpisodes"] = sw_rows
    return out


_CHECKED = {
    "Episodes": ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE"),
    "Reviews": ("REVIEW_CODE",),
}


def export_year(children: Iterable[tuple[str, Sequence[Fact]]], year: int, directory: Path) -> ExportResult:
    """Write the year's 903 tables into `directory` from each child's facts."""
    directory.mkdir(parents=True, exist_ok=True)
    result = ExportResult(year, directory)
    with ExitStack() as files:
        writers = {}
        for table in WRITTEN:
            handle = files.enter_context(
                open(directory / FILE_NAMES[table], "w", encoding="utf-8", newline="")
            )
            writer = csv.DictWriter(handle, fieldnames=TABLES[table], lineterminator="\n")
            writer.writeheader()
            writers[table] = writer
        last = year_end(year)
        for child, facts in children:
            tl = build_timeline(child, facts, as_of=last)
            tables = _child_tables(tl, year)
            if not tables:
                continue
            result.children += 1
            for table, rows in tables.items():
                writers[table].writerows(rows)
                result.rows[table] += len(rows)
                for column in _CHECKED.get(table, ()):
                    valid = valid_codes(column, year)
                    for row in rows:
                        if row[column] and row[column] not in valid:
                            result.invalid_codes[f"{column} {row[column]}"] += 1
    return result


def _year(text: str) -> int:
    from compliance.sources.ssda903.codes import parse_year
    from events.parse import BadInput

    try:
        return parse_year(text)
    except ValueError as exc:
        raise BadInput("--year", None, None, str(exc)) from None


def export_store(store: CaseStore, year: str, directory: Path) -> ExportResult:
    """The use case `casecheck ssda903 export`: every child in the store."""
    children = store.iter_children(store.children())  # in order of child id
    return export_year(((c, facts_of(s)) for c, s in children), _year(year), directory)


def generated_children(
    children: int, *, seed: int, until: date, years: int
) -> Iterator[tuple[str, list[Fact]]]:
    """The synthetic council's children with their facts, as if imported from event files."""
    from compliance.synthetic import generate

    current: str | None = None
    facts: list[Fact] = []
    for event in generate(children, seed=seed, until=until, years=years):
        record = parse_event(event).to_record()
        if record["child"] != current:
            if current is not None:
                yield current, facts
            current, facts = record["child"], []
        facts.append(Fact(record, seq=len(facts)))
    if current is not None:
        yield current, facts


def export_generated(
    children: int, *, seed: int, until: date | None, years: int, year: str, out: Path
) -> ExportResult:
    """The use case `casecheck generate --format ssda903`: the synthetic council as a return.
    Its histories run to the end of the year unless `until` says otherwise."""
    ending = _year(year)
    return export_year(
        generated_children(children, seed=seed, until=until or year_end(ending), years=years), ending, out
    )


__all__ = ["ExportResult", "NOT_HELD", "export_generated", "export_store", "export_year"]
