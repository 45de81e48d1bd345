"""A webhook's body: the event as the subscription's role may see it (the catalogue's rule, as in
the API), and the complaint as it stood just after the event."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.api.deps import Actor
from app.api.event_views import event_view
from app.api.schemas.complaints import ComplaintView
from app.api.schemas.events import EventView
from app.api.views import complaint_view
from app.events.store import StoredEvent
from app.events.streams import family_of
from app.services import complaints as service
from app.services.webhooks import Subscription


class WebhookData(BaseModel):
    subscription_id: str
    event: EventView
    complaint: ComplaintView | None = Field(
        description="The complaint just after the event, as the subscription's role sees it "
        "(its clocks as they stood when the event occurred); null for a landlord's own events and "
        "for compliments, comments, enquiries and contact restrictions."
    )


class WebhookPayload(BaseModel):
    """What Redress POSTs to a subscription's URL (Standard Webhooks: the `webhook-id`,
    `webhook-timestamp` and `webhook-signature` headers sign exactly these bytes)."""

    type: str = Field(
        description="`uk.redress.complaint.<event type>` (or `uk.redress.landlord.<event type>`, "
        "`uk.redress.feedback.<event type>`, `uk.redress.restriction.<event type>`), as in the "
        "NDJSON export's CloudEvents."
    )
    timestamp: datetime = Field(description="When the event was recorded.")
    data: WebhookData


def message_id(event: StoredEvent) -> str:
    """The `webhook-id`: the event's own id (the export's CloudEvents `id`), the same on every
    attempt and redelivery, so a receiver drops what it has already handled."""
    return f"{event.stream_id}/{event.version}"


def event_type_name(event: StoredEvent) -> str:
    return f"uk.redress.{family_of(event.stream_id)}.{event.type}"


def actor_of(subscription: Subscription) -> Actor:
    return Actor(
        key_id=subscription.created_by,
        role=subscription.role,
        landlord=subscription.landlord,
        resident_id=None,
    )


def payload(
    subscription: Subscription,
    event: StoredEvent,
    complaint: service.Complaint | None,
    pseudonym: str | None,
) -> bytes:
    """The body for `event`; `complaint` is the whole complaint as read (None for a landlord's
    stream, or a complaint no longer readable)."""
    actor = actor_of(subscription)
    view = None
    if complaint is not None and event.version <= complaint.version:
        then = service.at_version(complaint, event.version)
        view = complaint_view(then, actor, at=event.occurred_at)
    body = WebhookPayload(
        type=event_type_name(event),
        timestamp=event.recorded_at,
        data=WebhookData(
            subscription_id=subscription.id,
            event=event_view(event, actor, pseudonym),
            complaint=view,
        ),
    )
    return body.model_dump_json().encode()
