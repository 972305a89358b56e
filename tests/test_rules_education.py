"""Personal education plans (EDU-PEP, EDU-PEP-TERM): a table of cases per rule, with real
dates worked out by hand.

Bank holidays in England used below: 2022: Mon 26 and Tue 27 Dec; 2023: Mon 2 Jan, Fri 7
and Mon 10 Apr (Easter), Mon 28 Aug; 2024: Mon 1 Jan, Fri 29 Mar and Mon 1 Apr (Easter).

School age for EDU-PEP-TERM is the child's age on the clock start (the later of the
term's first day and the start of the period of care), 4 to 17 by default.

`TABLE` (all the rule tables together) has the shape of the other rule test modules'
tables, so the catalogue-wide coverage check can read it.
"""

from datetime import date

import pytest

import rules.catalogue  # noqa: F401
from rules.education import NO_DOB, TERMS, next_term, parse_terms
from rules.obligation import Status
from tests.builders import assert_rows, ev, run_rule, statuses, timeline


def case(rule, events, as_of, expected, id):
    return pytest.param(rule, events, as_of, expected, id=id)


def born(dob):
    return ev("child_registered", dob, dob=dob)


def entered(at):
    return ev("entered_care", at, legal_status="C1")


def left(at):
    return ev("left_care", at, reason="E13")


def pep(at):
    return ev("pep_initiated", at)


def pep_review(at):
    return ev("pep_reviewed", at)


BORN_2014 = born("2014-01-01")

# --- EDU-PEP: initiated within 10 WD of entering care ---------------------------------

INITIATED = [
    # Mon 3 Apr 2023 + 10 WD: 4, 5, 6 Apr (3), skip Good Friday 7 and Easter Monday 10 Apr,
    # 11-14 Apr (7), 17, 18, 19 Apr (10): Wed 19 Apr 2023.
    case("EDU-PEP", [BORN_2014, entered("2023-04-03"), pep("2023-04-18")], "2023-05-01",
         [("2023-04-03", "2023-04-19", "met", "2023-04-18")], "met-easter-skipped"),
    case("EDU-PEP", [BORN_2014, entered("2023-04-03"), pep("2023-04-19")], "2023-05-01",
         [("2023-04-03", "2023-04-19", "met", "2023-04-19")], "met-on-the-due-day"),
    case("EDU-PEP", [BORN_2014, entered("2023-04-03"), pep("2023-04-20")], "2023-05-01",
         [("2023-04-03", "2023-04-19", "late", "2023-04-20")], "late"),
    case("EDU-PEP", [BORN_2014, entered("2023-04-03")], "2023-04-20",
         [("2023-04-03", "2023-04-19", "overdue")], "overdue"),
    # Wed 12 Apr + 5 WD is Wed 19 Apr: due soon. Mon 3 Apr + 5 WD is Wed 12 Apr: pending.
    case("EDU-PEP", [BORN_2014, entered("2023-04-03")], "2023-04-12",
         [("2023-04-03", "2023-04-19", "due_soon")], "due-soon"),
    case("EDU-PEP", [BORN_2014, entered("2023-04-03")], "2023-04-03",
         [("2023-04-03", "2023-04-19", "pending")], "pending"),
    case("EDU-PEP", [BORN_2014, entered("2023-04-03"), left("2023-04-12")], "2023-05-01",
         [("2023-04-03", "2023-04-19", "closed", "left care")], "closed-by-leaving-care"),
    # Mon 19 Dec 2022 + 10 WD: 20-23 Dec (4), skip 26 and 27 Dec, 28-30 Dec (7), skip Mon
    # 2 Jan 2023, 3, 4, 5 Jan (10): Thu 5 Jan 2023.
    case("EDU-PEP", [BORN_2014, entered("2022-12-19"), pep("2023-01-06")], "2023-01-10",
         [("2022-12-19", "2023-01-05", "late", "2023-01-06")], "christmas-bank-holidays-skipped"),
    # Re-entry: the second period (Mon 4 Sep 2023 + 10 WD: 5-8 Sep (4), 11-15 (9), 18:
    # Mon 18 Sep 2023) needs its own PEP.
    case("EDU-PEP",
         [BORN_2014, entered("2023-04-03"), pep("2023-04-06"), left("2023-04-12"), entered("2023-09-04"),
          pep("2023-09-15")],
         "2023-09-20",
         [("2023-04-03", "2023-04-19", "met", "2023-04-06"), ("2023-09-04", "2023-09-18", "met", "2023-09-15")], "re-entry-restarts-the-clock"),
    case("EDU-PEP",
         [BORN_2014, entered("2023-04-03"), pep("2023-04-06"), left("2023-04-12"), entered("2023-09-04")],
         "2023-09-19",
         [("2023-04-03", "2023-04-19", "met", "2023-04-06"), ("2023-09-04", "2023-09-18", "overdue")],
         "a-pep-from-an-earlier-period-does-not-count"),
    # The PEP is part of the care plan, which may be made before a planned admission.
    case("EDU-PEP", [BORN_2014, pep("2023-03-30"), entered("2023-04-03")], "2023-04-20",
         [("2023-04-03", "2023-04-19", "met", "2023-03-30")], "a-pep-initiated-before-a-planned-admission-counts"),
    # ... but not one initiated before (or on the day) the previous period ended.
    case("EDU-PEP",
         [BORN_2014, entered("2023-01-09"), pep("2023-01-12"), pep("2023-03-31"), left("2023-03-31"),
          entered("2023-04-03")],
         "2023-04-20",
         [("2023-01-09", "2023-01-23", "met", "2023-01-12"), ("2023-04-03", "2023-04-19", "overdue")],
         "re-entry-does-not-reuse-the-previous-periods-pep"),
    case("EDU-PEP",
         [BORN_2014, entered("2023-01-09"), pep("2023-01-12"), left("2023-03-17"), pep("2023-03-31"),
          entered("2023-04-03")],
         "2023-04-20",
         [("2023-01-09", "2023-01-23", "met", "2023-01-12"), ("2023-04-03", "2023-04-19", "met", "2023-03-31")],
         "re-entry-counts-a-pep-made-after-the-previous-period-ended"),
    # Ages on the day of entering care, Mon 3 Apr 2023.
    case("EDU-PEP", [born("2020-04-03"), entered("2023-04-03")], "2023-04-20",
         [("2023-04-03", "2023-04-19", "overdue")], "aged-3-on-the-day-applies"),
    case("EDU-PEP", [born("2020-04-04"), entered("2023-04-03")], "2023-04-20", [], "aged-2-does-not-apply"),
    case("EDU-PEP", [born("2005-05-01"), entered("2023-04-03")], "2023-04-20",
         [("2023-04-03", "2023-04-19", "overdue")], "aged-17-applies"),
    # 18 on Thu 20 Apr 2023, the day after the PEP was due: the chance went then.
    case("EDU-PEP", [born("2005-04-20"), entered("2023-04-03")], "2023-05-02",
         [("2023-04-03", "2023-04-19", "missed", ("2023-04-20", "reached 18"))], "turning-18-after-the-due-date-is-missed"),
    # 18 on Tue 4 Apr 2023, before the PEP fell due.
    case("EDU-PEP", [born("2005-04-04"), entered("2023-04-03")], "2023-04-20",
         [("2023-04-03", "2023-04-19", "closed", "reached 18")], "turning-18-before-the-due-date-closes"),
    case("EDU-PEP", [born("2005-04-03"), entered("2023-04-03")], "2023-04-20", [], "aged-18-does-not-apply"),
    # Born 29 Feb 2020: 3 on Tue 28 Feb 2023 (no 29 Feb in 2023). Tue 28 Feb + 10 WD: 1-3
    # Mar (3), 6-10 (8), 13, 14: Tue 14 Mar 2023. On Mon 27 Feb 2023 still 2.
    case("EDU-PEP", [born("2020-02-29"), entered("2023-02-28")], "2023-03-15",
         [("2023-02-28", "2023-03-14", "overdue")], "born-29-feb-is-3-on-28-feb"),
    case("EDU-PEP", [born("2020-02-29"), entered("2023-02-27")], "2023-03-15", [], "born-29-feb-still-2-on-27-feb"),
    case("EDU-PEP", [entered("2023-04-03")], "2023-04-20",
         [("2023-04-03", "2023-04-19", "overdue")], "no-date-of-birth-still-applies"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), INITIATED)
def test_a_pep_is_initiated_within_ten_working_days_of_a_child_of_3_to_17_entering_care(
    rule, events, as_of, expected
):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_without_a_date_of_birth_the_pep_explanation_says_so():
    [found] = run_rule("EDU-PEP", [entered("2023-04-03")], as_of="2023-04-20")
    [with_dob] = run_rule("EDU-PEP", [BORN_2014, entered("2023-04-03")], as_of="2023-04-20")

    assert NO_DOB in found.explanation
    assert NO_DOB not in with_dob.explanation


def test_a_late_pep_is_late_by_working_days():
    [found] = run_rule("EDU-PEP", [BORN_2014, entered("2023-04-03"), pep("2023-04-20")], as_of="2023-05-01")

    assert found.status is Status.LATE
    assert found.days_late == 1


def test_a_council_setting_for_the_pep_applies_to_periods_starting_from_its_date():
    # 15 WD from Fri 1 Sep 2023: the period from Mon 3 Apr 2023 keeps 10 WD (Wed 19 Apr);
    # Mon 4 Sep 2023 + 15 WD: 5-8 Sep (4), 11-15 (9), 18-22 (14), 25: Mon 25 Sep 2023.
    events = [BORN_2014, entered("2023-04-03"), pep("2023-04-06"), left("2023-04-12"), entered("2023-09-04")]
    settings = {("EDU-PEP", "within"): [(date(2023, 9, 1), "15 working days")]}

    found = run_rule("EDU-PEP", events, as_of="2023-09-19", settings=settings)

    assert statuses(found) == [("2023-04-03", "2023-04-19", "met"), ("2023-09-04", "2023-09-25", "due_soon")]


def test_a_council_setting_for_the_minimum_age_applies_to_periods_starting_from_its_date():
    # A child born 1 Jan 2021 is 2 on both dates; from Fri 1 Sep 2023 the council starts
    # PEPs at 2.
    events = [born("2021-01-01"), entered("2023-04-03"), left("2023-04-12"), entered("2023-09-04")]
    settings = {("EDU-PEP", "min_age"): [(date(2023, 9, 1), 2)]}

    found = run_rule("EDU-PEP", events, as_of="2023-09-19", settings=settings)

    assert statuses(found) == [("2023-09-04", "2023-09-18", "overdue")]


# --- EDU-PEP-TERM: a PEP review in each school term ---------------------------------

TERMLY = [
    # Entered care Wed 1 Nov 2023, mid autumn term (1 Sep-31 Dec): the clock starts on the
    # day of entering; the spring term (1 Jan-31 Mar 2024) starts mid-period, so its clock
    # starts on 1 Jan. As of Tue 2 Apr 2024 + 5 WD is Tue 9 Apr: the summer term is pending.
    case("EDU-PEP-TERM", [BORN_2014, entered("2023-11-01"), pep_review("2023-12-05")], "2024-04-02",
         [("2023-11-01", "2023-12-31", "met", "2023-12-05"), ("2024-01-01", "2024-03-31", "missed", ("2024-04-01", "the term ended")),
          ("2024-04-01", "2024-08-31", "pending")],
         "met-missed-pending"),
    case("EDU-PEP-TERM", [BORN_2014, entered("2023-11-01"), pep("2023-11-10")], "2023-12-01",
         [("2023-11-01", "2023-12-31", "met", "2023-11-10")], "a-pep-initiated-in-the-term-counts"),
    case("EDU-PEP-TERM", [BORN_2014, entered("2023-11-01"), pep_review("2023-12-05"), left("2024-03-15")],
         "2024-04-02",
         [("2023-11-01", "2023-12-31", "met", "2023-12-05"), ("2024-01-01", "2024-03-31", "closed", "left care")],
         "closed-by-leaving-care-before-the-term-ends"),
    # Leaving on the term's last day is not leaving before it ends: the term was missed
    # (on Mon 1 Apr 2024, the first day after it; Easter Monday, so 0 working days late).
    case("EDU-PEP-TERM", [BORN_2014, entered("2023-11-01"), pep_review("2023-12-05"), left("2024-03-31")],
         "2024-04-02",
         [("2023-11-01", "2023-12-31", "met", "2023-12-05"), ("2024-01-01", "2024-03-31", "missed", ("2024-04-01", "the term ended"))],
         "leaving-on-the-last-day-of-term-does-not-close"),
    # Tue 26 Mar 2024 + 5 WD: 27, 28 Mar, skip Good Friday 29 Mar and Easter Monday 1 Apr,
    # 2, 3, 4 Apr: Thu 4 Apr, after Sun 31 Mar: due soon.
    case("EDU-PEP-TERM", [BORN_2014, entered("2023-11-01"), pep_review("2023-12-05")], "2024-03-26",
         [("2023-11-01", "2023-12-31", "met", "2023-12-05"), ("2024-01-01", "2024-03-31", "due_soon")], "due-soon"),
    case("EDU-PEP-TERM",
         [BORN_2014, entered("2023-11-01"), pep_review("2023-12-05"), pep_review("2024-02-29")], "2024-03-01",
         [("2023-11-01", "2023-12-31", "met", "2023-12-05"), ("2024-01-01", "2024-03-31", "met", "2024-02-29")],
         "a-review-on-29-feb-meets-the-spring-term"),
    # A review after the term belongs to the next term: it never makes one late.
    case("EDU-PEP-TERM", [BORN_2014, entered("2023-11-01"), pep_review("2024-01-03")], "2024-01-04",
         [("2023-11-01", "2023-12-31", "missed", ("2024-01-01", "the term ended")), ("2024-01-01", "2024-03-31", "met", "2024-01-03")],
         "a-review-after-the-term-counts-for-the-next"),
    # As of Sun 31 Dec 2023 the spring term (from Mon 1 Jan 2024) is not listed yet.
    case("EDU-PEP-TERM", [BORN_2014, entered("2023-11-01")], "2023-12-31",
         [("2023-11-01", "2023-12-31", "due_soon")], "a-term-starting-after-as-of-is-not-listed"),
    # Re-entry in the same term: the first period's review (Fri 15 Sep) does not count for
    # the second period (from Wed 1 Nov); each period has its own clock in that term.
    case("EDU-PEP-TERM",
         [BORN_2014, entered("2023-09-01"), pep_review("2023-09-15"), left("2023-10-20"), entered("2023-11-01")],
         "2024-01-05",
         [("2023-09-01", "2023-12-31", "met", "2023-09-15"), ("2023-11-01", "2023-12-31", "missed", ("2024-01-01", "the term ended")),
          ("2024-01-01", "2024-03-31", "pending")],
         "re-entry-in-the-same-term"),
    case("EDU-PEP-TERM", [BORN_2014, entered("2023-11-01"), left("2023-11-20"), pep_review("2023-11-25")],
         "2024-01-05",
         [("2023-11-01", "2023-12-31", "closed", "left care")], "a-review-after-leaving-care-does-not-count"),
    # Born 15 Oct 2019: 3 on Fri 1 Sep 2023 (no autumn obligation), 4 on Mon 1 Jan 2024.
    case("EDU-PEP-TERM", [born("2019-10-15"), entered("2023-09-01")], "2024-01-02",
         [("2024-01-01", "2024-03-31", "pending")], "school-age-from-4"),
    # Born 10 Feb 2006: 17 on 1 Sep 2023 and 1 Jan 2024, 18 on Sat 10 Feb 2024, in the
    # spring term, which closes then: no PEP for an adult.
    case("EDU-PEP-TERM", [born("2006-02-10"), entered("2023-09-01")], "2024-04-02",
         [("2023-09-01", "2023-12-31", "missed", ("2024-01-01", "the term ended")),
          ("2024-01-01", "2024-03-31", "closed", "reached 18")], "school-age-to-17"),
    # Born 29 Feb 2020: 3 on 1 Jan 2024, 4 on Thu 29 Feb 2024, so first in the summer term.
    case("EDU-PEP-TERM", [born("2020-02-29"), entered("2023-09-01")], "2024-04-02",
         [("2024-04-01", "2024-08-31", "pending")], "born-29-feb"),
    case("EDU-PEP-TERM", [entered("2023-11-01")], "2024-01-02",
         [("2023-11-01", "2023-12-31", "missed", ("2024-01-01", "the term ended")), ("2024-01-01", "2024-03-31", "pending")],
         "no-date-of-birth-still-applies"),
    # A period from Thu 1 Sep 2022: two terms by Tue 10 Jan 2023, none before the period.
    case("EDU-PEP-TERM", [BORN_2014, entered("2022-09-01"), pep_review("2022-10-03")], "2023-01-10",
         [("2022-09-01", "2022-12-31", "met", "2022-10-03"), ("2023-01-01", "2023-03-31", "pending")],
         "no-terms-before-the-period-of-care"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "events", "as_of", "expected"), TERMLY)
def test_a_pep_is_reviewed_in_every_school_term_a_child_of_school_age_is_looked_after(
    rule, events, as_of, expected
):
    assert_rows(run_rule(rule, events, as_of=as_of), expected, as_of=as_of)


def test_a_termly_obligation_names_its_term_and_says_when_the_date_of_birth_is_missing():
    first, second = run_rule("EDU-PEP-TERM", [entered("2023-11-01")], as_of="2024-01-02")

    assert first.title == "PEP reviewed in the term from Fri 1 Sep 2023"
    assert "within the term Fri 1 Sep 2023 to Sun 31 Dec 2023: by Sun 31 Dec 2023" in first.explanation
    assert NO_DOB in first.explanation
    assert first.key != second.key


def test_a_councils_own_term_dates_leave_the_holidays_out():
    # Terms 4 Sep-20 Dec, 8 Jan-28 Mar, 15 Apr-23 Jul. Entered care Fri 22 Dec 2023, in
    # the Christmas holiday: the autumn term is over, the next clock starts Mon 8 Jan 2024.
    # A review on Tue 2 Apr 2024 is in the Easter holiday: it meets neither term.
    events = [BORN_2014, entered("2023-12-22"), pep_review("2024-04-02")]
    settings = {("EDU-PEP-TERM", "terms"): ("09-04..12-20", "01-08..03-28", "04-15..07-23")}

    found = run_rule("EDU-PEP-TERM", events, as_of="2024-04-20", settings=settings)

    assert statuses(found) == [
        ("2024-01-08", "2024-03-28", "missed"),
        ("2024-04-15", "2024-07-23", "pending"),
    ]


def test_a_change_of_terms_applies_from_its_effective_date_and_a_term_may_span_new_year():
    # From Sun 1 Sep 2024 two terms: 1 Sep-31 Jan (ends the next year) and 1 Feb-31 Aug.
    # The summer term from Mon 1 Apr 2024 is the old one; no old autumn or spring term
    # after the change, no new term before it.
    events = [BORN_2014, entered("2024-04-01"), pep_review("2024-06-10"), pep_review("2024-10-01")]
    settings = {("EDU-PEP-TERM", "terms"): [(date(2024, 9, 1), ("09-01..01-31", ("02-01", "08-31")))]}

    found = run_rule("EDU-PEP-TERM", events, as_of="2025-02-03", settings=settings)

    assert statuses(found) == [
        ("2024-04-01", "2024-08-31", "met"),
        ("2024-09-01", "2025-01-31", "met"),
        ("2025-02-01", "2025-08-31", "pending"),
    ]


def test_a_council_setting_for_school_age_applies_to_terms_starting_from_its_date():
    # Born 1 Jun 2020: 3 all year. From Mon 1 Jan 2024 the council starts termly PEPs at 3.
    events = [born("2020-06-01"), entered("2023-09-01")]
    settings = {("EDU-PEP-TERM", "min_age"): [(date(2024, 1, 1), 3)]}

    found = run_rule("EDU-PEP-TERM", events, as_of="2024-01-02", settings=settings)

    assert statuses(found) == [("2024-01-01", "2024-03-31", "pending")]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2023, 12, 15), [date(2024, 1, 1)]),
        (date(2023, 8, 31), [date(2023, 9, 1)]),
        (date(2023, 9, 1), [date(2024, 1, 1)]),
        (date(2024, 2, 29), [date(2024, 4, 1)]),
    ],
    ids=["autumn-to-spring", "summer-to-autumn", "on-a-term-start-the-next-one", "from-29-feb"],
)
def test_the_nightly_batch_wakes_a_child_in_care_at_the_next_term_start(as_of, expected):
    tl = timeline([BORN_2014, entered("2023-08-01")], as_of=as_of)

    assert next_term(tl, as_of) == expected


def test_a_child_not_in_care_is_not_woken_at_a_term_start():
    tl = timeline([BORN_2014, entered("2023-08-01"), left("2023-08-20")], as_of=date(2023, 8, 31))

    assert next_term(tl, date(2023, 8, 31)) == []


def test_school_terms_are_read_from_month_day_pairs():
    assert parse_terms(TERMS) == (((9, 1), (12, 31)), ((1, 1), (3, 31)), ((4, 1), (8, 31)))
    assert parse_terms([("09-04", "12-20")]) == (((9, 4), (12, 20)),)


@pytest.mark.parametrize(
    "bad", ["09-01", "02-29..03-31", "13-01..12-31", "09-01..12-32", "first..last"], ids=str
)
def test_a_school_term_that_is_not_two_month_days_is_refused(bad):
    with pytest.raises(ValueError, match="school term"):
        parse_terms([bad])


TABLE = INITIATED + TERMLY


def test_every_education_rule_has_its_cases():
    covered: dict[str, set[str]] = {}
    for param in TABLE:
        rule, _events, _as_of, expected = param.values
        covered.setdefault(rule, set()).update(row[2] for row in expected)

    assert {"met", "late", "overdue", "missed", "closed", "due_soon", "pending"} <= covered["EDU-PEP"]
    # EDU-PEP-TERM cannot be late, nor overdue: a review after the term belongs to the next
    # term, so once the term is over an unreviewed term is missed.
    assert {"met", "missed", "closed", "due_soon", "pending"} <= covered["EDU-PEP-TERM"]
