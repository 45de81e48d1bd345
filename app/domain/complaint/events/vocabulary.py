"""The words a complaint's events are written in: channels, outcomes, reasons, findings. Each is a
closed list, so reports can count by it and a typo is refused at the door."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    phone = "phone"
    email = "email"
    letter = "letter"
    web = "web"
    portal = "portal"
    in_person = "in_person"
    social_media = "social_media"
    other = "other"


class ContactMethod(StrEnum):
    phone = "phone"
    email = "email"
    letter = "letter"
    in_person = "in_person"
    video = "video"
    text_message = "text_message"


class Outcome(StrEnum):
    upheld = "upheld"
    partly_upheld = "partly_upheld"
    not_upheld = "not_upheld"


# The reason code of an extension or a refusal recorded before reasons were codes from the policy
# (app/events/upcasters.py): nobody chose one then, and none is guessed.
NOT_RECORDED = "not_recorded"


class DeclineReason(StrEnum):
    """Why something was not accepted as a complaint (the policy's exclusions)."""

    service_request = "service_request"
    legal_proceedings = "legal_proceedings"
    out_of_time = "out_of_time"
    insurance_claim = "insurance_claim"
    other_route = "other_route"
    previously_considered = "previously_considered"
    other = "other"


class ClosureReason(StrEnum):
    resolved = "resolved"
    resolved_at_first_contact = "resolved_at_first_contact"
    withdrawn = "withdrawn"
    no_escalation_requested = "no_escalation_requested"
    final_response_issued = "final_response_issued"


class StopReasonCategory(StrEnum):
    """Why a stage's clock was stopped (only where the policy allows stopping it)."""

    awaiting_resident = "awaiting_resident"
    awaiting_third_party = "awaiting_third_party"
    resident_unavailable = "resident_unavailable"
    legal_advice = "legal_advice"
    other = "other"


class Satisfaction(StrEnum):
    """The resident's answer to the satisfaction survey after closure."""

    very_satisfied = "very_satisfied"
    fairly_satisfied = "fairly_satisfied"
    neither = "neither"
    fairly_dissatisfied = "fairly_dissatisfied"
    very_dissatisfied = "very_dissatisfied"


class CompensationKind(StrEnum):
    financial = "financial"
    goodwill = "goodwill"
    time_and_trouble = "time_and_trouble"
    distress_and_inconvenience = "distress_and_inconvenience"
    other = "other"


class PaymentMethod(StrEnum):
    """How compensation reached the resident."""

    bank_transfer = "bank_transfer"
    cheque = "cheque"
    rent_account_credit = "rent_account_credit"  # to the rent account, at the resident's request
    voucher = "voucher"
    other = "other"


class Settlement(StrEnum):
    """How money of an accepted offer was settled: paid to the resident, or set against their
    rent arrears."""

    payment = "payment"  # compensation_paid
    offset = "offset"  # compensation_offset


class ReversalReason(StrEnum):
    """Why a payment or an offset was reversed."""

    recorded_in_error = "recorded_in_error"  # it did not happen as recorded
    payment_failed = "payment_failed"  # bounced, returned or stopped: a payment only
    other = "other"


class ReferralBody(StrEnum):
    """Where a complaint was referred outside the landlord's own process."""

    housing_ombudsman = "housing_ombudsman"
    designated_person = "designated_person"
    panel = "panel"
    tribunal = "tribunal"
    # The First-tier Tribunal (Property Chamber): service charges and lease terms, for those who
    # hold a lease (leaseholders and shared owners) only; a referral there needs that tenure.
    first_tier_tribunal = "first_tier_tribunal"
    other = "other"


class OmbudsmanFinding(StrEnum):
    """What the Housing Ombudsman determined on a complaint referred to it."""

    no_maladministration = "no_maladministration"
    reasonable_redress = "reasonable_redress"  # failings, put right by the landlord's own redress
    service_failure = "service_failure"
    maladministration = "maladministration"
    severe_maladministration = "severe_maladministration"
    outside_jurisdiction = "outside_jurisdiction"


class Tenure(StrEnum):
    """The complainant's home. The Tenant Satisfaction Measures count complaints per 1,000 homes of
    low-cost rental accommodation (LCRA: `rented`) and low-cost home ownership (LCHO:
    `shared_ownership`) apart; leaseholders who bought outright (right to buy, leasehold flats)
    and every other tenure (market rent, commercial, freeholders paying estate charges) are not in
    either measure, so they are recorded apart and reported on lines of their own."""

    rented = "rented"
    shared_ownership = "shared_ownership"
    leasehold = "leasehold"
    other = "other"


# The tenures that hold a lease, and so may go to the First-tier Tribunal (Property Chamber).
LEASE_HOLDING = frozenset({Tenure.leasehold, Tenure.shared_ownership})


class RepresentativeKind(StrEnum):
    """Who acts for the resident."""

    mp = "mp"
    councillor = "councillor"
    advocate = "advocate"  # an advice agency, advocate or solicitor
    family = "family"  # a relative or friend
    other = "other"


class ConsentMethod(StrEnum):
    """How the resident's consent to a representative was recorded."""

    written = "written"
    verbal = "verbal"  # said to the landlord, by phone or in person
    electronic = "electronic"  # email, the portal, a web form
    other = "other"


class LateAcceptanceReason(StrEnum):
    """Why a complaint about a matter older than the policy's time limit was taken on anyway."""

    continuing_issue = "continuing_issue"  # the matter still goes on, or recurred recently
    recently_discovered = "recently_discovered"  # the resident learnt of it only recently
    resident_circumstances = "resident_circumstances"  # illness, vulnerability, bereavement, ...
    serious_matter = "serious_matter"  # health, safety or a serious failure: fair to look into
    landlord_delay = "landlord_delay"  # the landlord's own handling kept the resident waiting
    other = "other"


class NoteVisibility(StrEnum):
    internal = "internal"
    resident = "resident"


class AttachmentKind(StrEnum):
    """What a file attached to a complaint is, as the Ombudsman's evidence pack groups it."""

    photo = "photo"  # of the home, the repair, the damage
    correspondence = "correspondence"  # a letter or email, to or from the resident
    report = "report"  # a surveyor's, contractor's or specialist's report
    other = "other"


class ErasureReason(StrEnum):
    request = "request"  # the person asked (right to erasure)
    retention = "retention"  # the landlord's retention period after closure ran out


class InformedOf(StrEnum):
    """What the resident was told of, where the Code wants them told and why (an extension of the
    response date, a refusal to escalate, a decision not to take the complaint on)."""

    extension = "extension"
    escalation_refusal = "escalation_refusal"
    decline = "decline"


class AlertKind(StrEnum):
    """What a deadline alert says of its clock: it is coming up (a warning point), or it passed."""

    due_soon = "due_soon"
    breached = "breached"


class LetterKind(StrEnum):
    """The letters the service renders from a complaint's facts (docs/letters.md)."""

    acknowledgement = "acknowledgement"
    stage_1_response = "stage_1_response"
    stage_2_response = "stage_2_response"
    extension = "extension"
    escalation_refusal = "escalation_refusal"
    decline = "decline"
    quick_fix_confirmation = "quick_fix_confirmation"
