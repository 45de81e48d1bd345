"""The events the reports count one by one (an extension, an escalation request, a refusal, ...),
as `ItemFacts` keyed by the event's version, folded event by event.

The fold carries what a later event needs to find its item again (the request awaiting a decision,
which version made each compensation offer, the Ombudsman's latest evidence request), so an append
can continue it from the complaint's sealed state document instead of reading the whole stream
(ADR 0007): folding a stream in two parts gives what folding it at once gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from app.domain.complaint.events import (
    Closed,
    CompensationAccepted,
    CompensationDeclined,
    CompensationOffered,
    CompensationOffset,
    CompensationPaid,
    CompensationReversed,
    ComplaintEvent,
    Declined,
    Escalated,
    EscalationRefused,
    EscalationRequested,
    ExtensionAgreed,
    LearningRecorded,
    OmbudsmanDetermined,
    OmbudsmanEvidenceProvided,
    OmbudsmanEvidenceRequested,
    Referred,
    ResidentInformed,
    SatisfactionRecorded,
)
from app.domain.complaint.state import OfferStatus


class ItemKind(StrEnum):
    extension = "extension"  # stage; due: the agreed date; code: the policy's reason
    escalation_request = "escalation_request"  # stage: the stage asked for; status: RequestOutcome
    escalation_refusal = "escalation_refusal"  # stage: the stage refused; code: the ground
    satisfaction = "satisfaction"  # code: the answer
    compensation = "compensation"  # code: the kind; amount_pence; status: OfferStatus
    # Money that moved, one item per event: code: the offer's kind; amount_pence; due: the day
    # paid or offset (the day a report counts it on).
    compensation_paid = "compensation_paid"  # status: the payment method
    compensation_offset = "compensation_offset"  # set against the resident's rent arrears
    # Money that moved back, on `due`, the day reversed; status: what it undoes (Settlement).
    compensation_reversed = "compensation_reversed"
    referral = "referral"  # code: the body referred to
    evidence_request = "evidence_request"  # due: the Ombudsman's date; answered_at: provided
    learning = "learning"  # its root cause, lesson and improvement are words (wording.py)
    determination = "determination"  # code: the Ombudsman's finding
    informed = "informed"  # code: what the resident was told of (InformedOf); stage


class RequestOutcome(StrEnum):
    """What became of a request to go to the next stage, as far as the log knows."""

    escalated = "escalated"
    refused = "refused"
    pending = "pending"
    ended = "ended"  # the complaint was closed (or withdrawn) before the landlord decided


@dataclass(frozen=True, kw_only=True, slots=True)
class ItemFacts:
    """One counted event, keyed by its version in the complaint's stream (which also finds the
    event again, for the words a report may show)."""

    complaint_id: str
    version: int
    kind: ItemKind
    stage: int | None
    occurred_at: datetime
    code: str | None = None  # a category: an answer, a kind, a body, a finding
    amount_pence: int | None = None
    due: date | None = None
    status: str | None = None
    answered_at: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ItemFold:
    """A complaint's items after its first `version` events, and what the fold carries on."""

    complaint_id: str
    version: int = 0
    items: tuple[ItemFacts, ...] = ()  # in version order
    pending_request: int | None = None  # the version of the request awaiting a decision
    offers: tuple[tuple[str, int], ...] = ()  # (offer id, the version that made the offer)
    evidence: int | None = None  # the version of the Ombudsman's latest request

    def advance(self, events: Iterable[ComplaintEvent]) -> ItemFold:
        """The fold after `events`, the complaint's next events in stream order."""
        step = _Step(self)
        for event in events:
            step.add(event)
        return step.result()


def fold_items(complaint_id: str, events: Iterable[ComplaintEvent]) -> tuple[ItemFacts, ...]:
    """The items of a whole stream."""
    return ItemFold(complaint_id=complaint_id).advance(events).items


class _Step:
    def __init__(self, start: ItemFold) -> None:
        self.start = start
        self.complaint_id = start.complaint_id
        self.version = start.version
        self.items = {item.version: item for item in start.items}
        self.pending_request = start.pending_request
        self.offers = dict(start.offers)
        self.evidence = start.evidence

    def result(self) -> ItemFold:
        return replace(
            self.start,
            version=self.version,
            items=tuple(self.items[version] for version in sorted(self.items)),
            pending_request=self.pending_request,
            offers=tuple(self.offers.items()),
            evidence=self.evidence,
        )

    def item(
        self,
        kind: ItemKind,
        at: datetime,
        *,
        stage: int | None = None,
        code: str | None = None,
        amount_pence: int | None = None,
        due: date | None = None,
        status: str | None = None,
    ) -> None:
        self.items[self.version] = ItemFacts(
            complaint_id=self.complaint_id,
            version=self.version,
            kind=kind,
            stage=stage,
            occurred_at=at,
            code=code,
            amount_pence=amount_pence,
            due=due,
            status=status,
        )

    def kind_of(self, offer_id: str) -> str | None:
        return self.items[self.offers[offer_id]].code

    def settle(self, outcome: RequestOutcome, at: datetime) -> None:
        if self.pending_request is not None:
            request = self.items[self.pending_request]
            self.items[self.pending_request] = replace(
                request, status=outcome.value, answered_at=at
            )
            self.pending_request = None

    def add(self, event: ComplaintEvent) -> None:
        self.version += 1
        at = event.occurred_at
        match event:
            case ExtensionAgreed():
                self.item(ItemKind.extension, at, stage=event.stage, due=event.response_due,
                          code=event.reason)  # fmt: skip
            case EscalationRequested():
                pending = RequestOutcome.pending.value
                self.item(ItemKind.escalation_request, at, stage=event.stage, status=pending)
                self.pending_request = self.version
            case Escalated():
                self.settle(RequestOutcome.escalated, at)
            case EscalationRefused():
                self.settle(RequestOutcome.refused, at)
                self.item(ItemKind.escalation_refusal, at, stage=event.stage, code=event.reason)
            case Closed() | Declined():
                self.settle(RequestOutcome.ended, at)
            case SatisfactionRecorded():
                self.item(ItemKind.satisfaction, at, code=event.satisfied.value)
            case CompensationOffered():
                self.offers[event.offer_id] = self.version
                self.item(ItemKind.compensation, at, code=event.kind.value,
                          amount_pence=event.amount_pence,
                          status=OfferStatus.offered.value)  # fmt: skip
            case CompensationAccepted() | CompensationDeclined():
                accepted = isinstance(event, CompensationAccepted)
                answer = OfferStatus.accepted if accepted else OfferStatus.declined
                offer = self.offers[event.offer_id]
                self.items[offer] = replace(self.items[offer], status=answer.value, answered_at=at)
            case CompensationPaid():
                self.item(ItemKind.compensation_paid, at, code=self.kind_of(event.offer_id),
                          amount_pence=event.amount_pence, due=event.paid_on,
                          status=event.method.value)  # fmt: skip
            case CompensationOffset():
                self.item(ItemKind.compensation_offset, at, code=self.kind_of(event.offer_id),
                          amount_pence=event.amount_pence, due=event.offset_on)  # fmt: skip
            case CompensationReversed():
                self.item(ItemKind.compensation_reversed, at, code=self.kind_of(event.offer_id),
                          amount_pence=event.amount_pence, due=event.reversed_on,
                          status=event.settled_by.value)  # fmt: skip
            case Referred():
                self.item(ItemKind.referral, at, code=event.to.value)
            case OmbudsmanEvidenceRequested():
                self.evidence = self.version
                self.item(ItemKind.evidence_request, at, due=event.due)
            case OmbudsmanEvidenceProvided():
                if self.evidence is not None:
                    self.items[self.evidence] = replace(self.items[self.evidence], answered_at=at)
            case OmbudsmanDetermined():
                self.item(ItemKind.determination, at, code=event.finding.value)
            case LearningRecorded():
                self.item(ItemKind.learning, at)
            case ResidentInformed():
                self.item(ItemKind.informed, at, stage=event.stage, code=event.about.value)
            case _:
                pass
