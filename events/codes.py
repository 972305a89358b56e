"""Code lists of the DfE SSDA903 return (children looked after), so data moves both ways.

Each enumeration's value is the 903 code; the docstring of each member's group says which
903 field it belongs to. Codes are the union of the current and recent 903 specifications
so that historical exports still import.
"""

from __future__ import annotations

from enum import StrEnum


class LegalStatus(StrEnum):
    """903 LS: the legal basis on which a child is looked after."""

    C1 = "C1"  # interim care order
    C2 = "C2"  # full care order
    D1 = "D1"  # freeing order granted
    E1 = "E1"  # placement order granted
    J1 = "J1"  # remanded to LA accommodation or youth detention accommodation
    J2 = "J2"  # placed in LA accommodation under PACE
    J3 = "J3"  # sentenced to a youth rehabilitation order with residence requirement
    L1 = "L1"  # under police protection and in LA accommodation
    L2 = "L2"  # emergency protection order
    L3 = "L3"  # under child assessment order and in LA accommodation
    V2 = "V2"  # single period of accommodation under s20
    V3 = "V3"  # accommodated under an agreed series of short-term breaks (single placements)
    V4 = "V4"  # accommodated under an agreed series of short-term breaks (multiple placements)


#: Legal statuses under which a child is looked after only for short breaks (respite).
SHORT_BREAK_STATUSES = frozenset({LegalStatus.V3, LegalStatus.V4})


class CategoryOfNeed(StrEnum):
    """903 CIN: the main reason the child is in need."""

    N1 = "N1"  # abuse or neglect
    N2 = "N2"  # child's disability
    N3 = "N3"  # parental illness or disability
    N4 = "N4"  # family in acute stress
    N5 = "N5"  # family dysfunction
    N6 = "N6"  # socially unacceptable behaviour
    N7 = "N7"  # low income
    N8 = "N8"  # absent parenting


class PlacementType(StrEnum):
    """903 PLACE: the type of placement."""

    A3 = "A3"  # placed for adoption with consent, with current foster carer
    A4 = "A4"  # placed for adoption with consent, not with current foster carer
    A5 = "A5"  # placed for adoption with placement order, with current foster carer
    A6 = "A6"  # placed for adoption with placement order, not with current foster carer
    H5 = "H5"  # semi-independent living accommodation not subject to children's homes regulations
    K1 = "K1"  # secure children's home
    K2 = "K2"  # children's home subject to children's homes regulations
    K3 = "K3"  # supported accommodation registered with Ofsted (from the 2024-25 return)
    P1 = "P1"  # placed with own parent(s) or other person(s) with parental responsibility
    P2 = "P2"  # independent living, e.g. flat, lodgings, bedsit
    P3 = "P3"  # residential employment
    R1 = "R1"  # residential care home
    R2 = "R2"  # NHS/health trust or other establishment providing medical or nursing care
    R3 = "R3"  # family centre or mother and baby unit
    R5 = "R5"  # young offender institution or prison
    S1 = "S1"  # all residential schools, except where dual-registered as a school and home
    T0 = "T0"  # all types of temporary move
    T1 = "T1"  # temporary periods in hospital
    T2 = "T2"  # temporary absences of the child on holiday
    T3 = "T3"  # temporary accommodation whilst normal foster carer(s) is/are on holiday
    T4 = "T4"  # temporary accommodation of seven days or less, for any reason
    U1 = "U1"  # foster placement with relative or friend, long term fostering
    U2 = "U2"  # foster placement with relative or friend who is also an approved adopter (FFA)
    U3 = "U3"  # foster placement with relative or friend, not long term or FFA
    U4 = "U4"  # foster placement with other foster carer, long term fostering
    U5 = "U5"  # foster placement with other foster carer who is also an approved adopter (FFA)
    U6 = "U6"  # foster placement with other foster carer, not long term or FFA
    Z1 = "Z1"  # other placements (until the 2024-25 return)
    Z11 = "Z11"  # other placements, first of the four kinds that replace Z1 from 2025-26
    Z12 = "Z12"  # other placements, second kind (from 2025-26)
    Z13 = "Z13"  # other placements, third kind (from 2025-26)
    Z14 = "Z14"  # other placements, fourth kind (from 2025-26)


#: PLACE codes for a child placed with parents (CPPCR reg 28(3) visits).
PLACED_WITH_PARENTS = frozenset({PlacementType.P1})


class PlacementProvider(StrEnum):
    """903 PLACE_PROVIDER: who provides the placement."""

    PR0 = "PR0"  # parent(s) or other person(s) with parental responsibility
    PR1 = "PR1"  # own provision (by the local authority)
    PR2 = "PR2"  # other local authority provision
    PR3 = "PR3"  # other public provision (e.g. by a PCT)
    PR4 = "PR4"  # private provision
    PR5 = "PR5"  # voluntary or third sector provision


class ReasonPlaceChange(StrEnum):
    """903 REASON_PLACE_CHANGE: why a placement ended."""

    ALLEG = "ALLEG"  # allegation (s47)
    APPRR = "APPRR"  # approval removed
    CARPL = "CARPL"  # change to, or implementation of, the care plan
    CHILD = "CHILD"  # child requests placement end
    CLOSE = "CLOSE"  # resignation or closure of the provision
    CREQB = "CREQB"  # carer(s) request placement end due to child's behaviour
    CREQO = "CREQO"  # carer(s) request placement end, other than due to child's behaviour
    CUSTOD = "CUSTOD"  # custody arrangement
    LAREQ = "LAREQ"  # responsible/area authority requests placement end
    OTHER = "OTHER"  # other
    PLACE = "PLACE"  # change in the status of the placement only
    STAND = "STAND"  # standards of care concern


class ReasonEpisodeCeased(StrEnum):
    """903 REC: why a period of care ended (the codes of the casecheck contract)."""

    E11 = "E11"  # adopted: application unopposed
    E12 = "E12"  # adopted: consent dispensed with
    E13 = "E13"  # left care to live with parents, relatives or others without parental responsibility
    E14 = "E14"  # accommodation on remand ended
    E15 = "E15"  # age assessment determined the child is aged 18 or over (and E5, E6, E7 do not apply)
    E16 = "E16"  # child moved abroad
    E17 = "E17"  # aged 18 (or over) and remained with current carers (including staying put)
    E2 = "E2"  # died
    E3 = "E3"  # care taken over by another local authority
    E41 = "E41"  # residence order or child arrangements order granted
    E43 = "E43"  # special guardianship order made to former foster carers (former code)
    E44 = "E44"  # special guardianship order made to carers other than former foster carers (former code)
    E45 = "E45"  # special guardianship order made to former foster carers who are relatives or friends
    E46 = "E46"  # special guardianship order made to former foster carers other than relatives or friends
    E47 = "E47"  # special guardianship order made to carers other than former foster carers: relatives or friends
    E48 = "E48"  # special guardianship order made to carers other than former foster carers, not relatives or friends
    E4A = "E4A"  # returned home to parents as part of the care planning process
    E4B = "E4B"  # returned home to parents, not as part of the care planning process
    E5 = "E5"  # moved to supported independent living, no longer looked after
    E6 = "E6"  # moved to independent living without formalised support
    E7 = "E7"  # transferred to residential care funded by adult social services
    E8 = "E8"  # period of care ceased for any other reason
    E9 = "E9"  # sentenced to custody


ADOPTED = frozenset({ReasonEpisodeCeased.E11, ReasonEpisodeCeased.E12})
#: Every REC code for leaving care on a special guardianship order: E43/E44 (the codes
#: before 2015) and E45-E48 (to former foster carers, or to other carers; relatives or not).
SGO_REASONS = frozenset(
    {
        ReasonEpisodeCeased.E43,
        ReasonEpisodeCeased.E44,
        ReasonEpisodeCeased.E45,
        ReasonEpisodeCeased.E46,
        ReasonEpisodeCeased.E47,
        ReasonEpisodeCeased.E48,
    }
)
SPECIAL_GUARDIANSHIP = SGO_REASONS


class Participation(StrEnum):
    """903 REVIEW_CODE: how the child took part in a looked-after review."""

    PN0 = "PN0"  # child aged under 4 at the time of the review
    PN1 = "PN1"  # child physically attended and spoke for themselves
    PN2 = "PN2"  # attended, an advocate spoke on their behalf
    PN3 = "PN3"  # attended, conveyed views symbolically (non-verbally)
    PN4 = "PN4"  # attended, did not speak and views not conveyed
    PN5 = "PN5"  # did not attend, briefed an advocate to speak
    PN6 = "PN6"  # did not attend, views conveyed by another method
    PN7 = "PN7"  # did not attend or convey views


#: PN1-PN6: the child participated (IRO annual report measure for children aged 4+).
PARTICIPATED = frozenset(Participation(f"PN{n}") for n in range(1, 7))


class CareLeaverInTouch(StrEnum):
    """903 OC3 IN_TOUCH: whether the council is in touch with the care leaver around the birthday."""

    YES = "YES"  # in touch
    NO = "NO"  # not in touch
    DIED = "DIED"  # the young person has died
    REFU = "REFU"  # the young person refuses contact
    NREQ = "NREQ"  # no longer requires services
    RHOM = "RHOM"  # returned home to parents for more than 6 months


class CareLeaverActivity(StrEnum):
    """903 OC3 ACTIV: the care leaver's main activity around the birthday."""

    F1 = "F1"  # full-time in higher education
    P1 = "P1"  # part-time in higher education
    F2 = "F2"  # full-time in education other than higher education
    P2 = "P2"  # part-time in education other than higher education
    F3 = "F3"  # full-time in training or employment (a code of older returns)
    P3 = "P3"  # part-time in training or employment (a code of older returns)
    F4 = "F4"  # full-time in training or employment
    P4 = "P4"  # part-time in training or employment
    F5 = "F5"  # full-time in apprenticeship
    P5 = "P5"  # part-time in apprenticeship
    G4 = "G4"  # not in education, training or employment: illness or disability
    G5 = "G5"  # not in education, training or employment: other reasons
    G6 = "G6"  # not in education, training or employment: pregnancy or parenting
    NONE = "0"  # not known or not applicable (the council is not in touch)


#: ACTIV codes of a care leaver not in education, employment or training (NEET).
NEET_ACTIVITIES = frozenset({CareLeaverActivity.G4, CareLeaverActivity.G5, CareLeaverActivity.G6})


class CareLeaverAccommodation(StrEnum):
    """903 OC3 ACCOM: the care leaver's accommodation around the birthday; the second
    character says whether it is suitable (1) or not (2)."""

    B1 = "B1"  # with parents or relatives: suitable
    B2 = "B2"  # with parents or relatives: not suitable
    C1 = "C1"  # community home or other form of residential care: suitable
    C2 = "C2"  # community home or other form of residential care: not suitable
    D1 = "D1"  # semi-independent, transitional accommodation: suitable
    D2 = "D2"  # semi-independent, transitional accommodation: not suitable
    E1 = "E1"  # supported lodgings: suitable
    E2 = "E2"  # supported lodgings: not suitable
    G1 = "G1"  # gone abroad: suitable
    G2 = "G2"  # gone abroad: not suitable
    H1 = "H1"  # deported: suitable
    H2 = "H2"  # deported: not suitable
    K1 = "K1"  # ordinary lodgings, without formal support: suitable
    K2 = "K2"  # ordinary lodgings, without formal support: not suitable
    R1 = "R1"  # residence not known: suitable
    R2 = "R2"  # residence not known: not suitable
    S2 = "S2"  # no fixed abode / homeless: not suitable
    T1 = "T1"  # foyers and similar supported accommodation: suitable
    T2 = "T2"  # foyers and similar supported accommodation: not suitable
    U1 = "U1"  # independent living, e.g. own flat or tenancy: suitable
    U2 = "U2"  # independent living, e.g. own flat or tenancy: not suitable
    V1 = "V1"  # emergency accommodation: suitable
    V2 = "V2"  # emergency accommodation: not suitable
    W1 = "W1"  # bed and breakfast: suitable
    W2 = "W2"  # bed and breakfast: not suitable
    X2 = "X2"  # in custody: not suitable
    Y1 = "Y1"  # other accommodation: suitable
    Y2 = "Y2"  # other accommodation: not suitable
    Z1 = "Z1"  # with former foster carers: suitable
    Z2 = "Z2"  # with former foster carers: not suitable
    NONE = "0"  # not known or not applicable (the council is not in touch)


# --- Children in need census (DfE CIN census code set) ----------------------------------


class ReferralSource(StrEnum):
    """CIN census ReferralSource (N00152): who made the referral."""

    S1A = "1A"  # individual: family member, relative or carer
    S1B = "1B"  # individual: acquaintance (including neighbours and child minders)
    S1C = "1C"  # individual: self
    S1D = "1D"  # individual: other
    S2A = "2A"  # schools
    S2B = "2B"  # education services
    S3A = "3A"  # health services: GP
    S3B = "3B"  # health services: health visitor
    S3C = "3C"  # health services: school nurse
    S3D = "3D"  # health services: other primary health services
    S3E = "3E"  # health services: A&E
    S3F = "3F"  # health services: other
    S4 = "4"  # housing (local authority housing or housing association)
    S5A = "5A"  # local authority services: social care
    S5B = "5B"  # local authority services: other internal department
    S5C = "5C"  # local authority services: external (e.g. another authority)
    S5D = "5D"  # local authority services: early help
    S6 = "6"  # police
    S7 = "7"  # other legal agency
    S8 = "8"  # other
    S9 = "9"  # anonymous
    S10 = "10"  # unknown


class PrimaryNeed(StrEnum):
    """CIN census PrimaryNeedCode (N00101): the main reason the child is in need."""

    N0 = "N0"  # not stated
    N1 = "N1"  # abuse or neglect
    N2 = "N2"  # child's disability or illness
    N3 = "N3"  # parental disability or illness
    N4 = "N4"  # family in acute stress
    N5 = "N5"  # family dysfunction
    N6 = "N6"  # socially unacceptable behaviour
    N7 = "N7"  # low income
    N8 = "N8"  # absent parenting
    N9 = "N9"  # cases other than children in need


class ReasonForClosure(StrEnum):
    """CIN census ReasonForClosure (N00103): why a children-in-need episode closed."""

    RC1 = "RC1"  # adopted
    RC2 = "RC2"  # died
    RC3 = "RC3"  # child arrangements order
    RC4 = "RC4"  # special guardianship order
    RC5 = "RC5"  # transferred to services of another local authority
    RC6 = "RC6"  # transferred to adult social care services
    RC7 = "RC7"  # services ceased for any other reason, including the child no longer in need
    RC8 = "RC8"  # case closed after assessment, no further action
    RC9 = "RC9"  # case closed after assessment, referred to early help
