"""The projections' tables: the complaint list, the landlords and their policies, and the reporting
rows. Every one can be rebuilt from the events (`redress rebuild`)."""

from __future__ import annotations

import sqlalchemy as sa

from app.events.tables import UtcDateTime

metadata = sa.MetaData()

complaints = sa.Table(
    "complaints",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("landlord", sa.String(64), nullable=False),
    sa.Column("reference", sa.String(32), nullable=False),
    sa.Column("resident_id", sa.String(128), nullable=True),
    sa.Column("policy_id", sa.String(64), nullable=False),
    sa.Column("policy_version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("stage", sa.Integer, nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("handler", sa.String(128), nullable=True),
    sa.Column("team", sa.String(64), nullable=True),  # the handler's team (`assigned` v2)
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("last_occurred_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    # Earliest due date among the clocks not yet met, and the first day it counts as due soon:
    # the list filters `sla=breached|due_soon` compare today's date with these.
    sa.Column("sla_due", sa.Date, nullable=True),
    sa.Column("sla_due_soon_from", sa.Date, nullable=True),
    # The first day a deadline alert not yet raised falls due (docs/deadline-alerts.md): the
    # scheduler visits the rows on or past it. Null: no clock has an alert left to raise.
    sa.Column("alert_due_on", sa.Date, nullable=True),
    # The folded state as of `state_version`, sealed with the complaint's data key (ADR 0007):
    # what a read of the present shows, without replaying the stream. Null: replay instead.
    sa.Column("state_key_id", sa.String(64), nullable=True),
    sa.Column("state_nonce", sa.LargeBinary, nullable=True),
    sa.Column("state_ciphertext", sa.LargeBinary, nullable=True),
    sa.Column("state_version", sa.Integer, nullable=True),
    # The hash of the stream's last event: an append continues the chain from here (ADR 0001).
    sa.Column("head_hash", sa.CHAR(64), nullable=True),
    sa.UniqueConstraint("landlord", "reference", name="uq_complaints_landlord_reference"),
    # A list page walks one of these backwards and stops after a page (migration 0011).
    sa.Index("ix_complaints_landlord_received", "landlord", "received_at", "id"),
    sa.Index("ix_complaints_landlord_status_received", "landlord", "status", "received_at", "id"),
    sa.Index("ix_complaints_landlord_stage_received", "landlord", "stage", "received_at", "id"),
    sa.Index(
        "ix_complaints_landlord_category_received", "landlord", "category", "received_at", "id"
    ),
    sa.Index("ix_complaints_landlord_handler_received", "landlord", "handler", "received_at", "id"),
    sa.Index("ix_complaints_landlord_team_received", "landlord", "team", "received_at", "id"),
    sa.Index("ix_complaints_landlord_sla_due", "landlord", "sla_due"),
    # `?sla=` lists walk only the complaints with a due date (migration 0015).
    sa.Index(
        "ix_complaints_landlord_clocks_received",
        "landlord",
        "received_at",
        "id",
        postgresql_where=sa.text("sla_due IS NOT NULL"),
        sqlite_where=sa.text("sla_due IS NOT NULL"),
    ),
    sa.Index("ix_complaints_resident", "landlord", "resident_id", "received_at", "id"),
    # The alert scheduler's candidates: only the rows with an alert left (migration 0019).
    sa.Index(
        "ix_complaints_alert_due_on",
        "alert_due_on",
        postgresql_where=sa.text("alert_due_on IS NOT NULL"),
        sqlite_where=sa.text("alert_due_on IS NOT NULL"),
    ),
)

# A landlord's configuration as its stream (`landlord:<id>`) adds up to; rebuilt from events.
landlords = sa.Table(
    "landlords",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("region", sa.String(32), nullable=False),
    sa.Column("closures", sa.JSON, nullable=False),  # ISO dates, sorted
    sa.Column("homes_rented", sa.Integer, nullable=False),
    sa.Column("homes_shared_ownership", sa.Integer, nullable=False),
    sa.Column("default_policy_id", sa.String(64), nullable=False),
    sa.Column("default_policy_version", sa.Integer, nullable=False),
    sa.Column("retention_years", sa.Integer, nullable=False, server_default="6"),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("registered_at", UtcDateTime, nullable=False),
    sa.Column("changed_at", UtcDateTime, nullable=False),
)

# Every published version of a landlord's own policies; a version is never rewritten.
landlord_policies = sa.Table(
    "landlord_policies",
    metadata,
    sa.Column("landlord", sa.String(64), primary_key=True),
    sa.Column("policy_id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=False),
)

# The reporting projection (app/projections/reports.py): what the reports need of each complaint,
# one row per complaint, per stage record and per counted event. Rebuilt from events alone, without
# keys, so it holds no sealed (personal) field: no free text (migration 0007).
report_complaints = sa.Table(
    "report_complaints",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("landlord", sa.String(64), nullable=False),
    sa.Column("policy_id", sa.String(64), nullable=False),
    sa.Column("policy_version", sa.Integer, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("logged_stage", sa.Integer, nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("tenure", sa.String(32), nullable=True),
    sa.Column("declined_at", UtcDateTime, nullable=True),
    sa.Column("decline_reason", sa.String(32), nullable=True),
    sa.Column("ended_at", UtcDateTime, nullable=True),
    sa.Column("last_event_at", UtcDateTime, nullable=False),
    sa.Column("calendar_until", sa.Date, nullable=False),
    # Why a matter older than the policy's time limit was taken on (a code; migration 0013).
    sa.Column("late_acceptance", sa.String(32), nullable=True),
    # London dates of receipt and of the last event: a period selects the complaints that were
    # received before it ended and either had an event in it or had not ended.
    sa.Column("received_date", sa.Date, nullable=False),
    sa.Column("last_date", sa.Date, nullable=False),
    sa.Index("ix_report_complaints_landlord_received", "landlord", "received_date"),
)

report_stages = sa.Table(
    "report_stages",
    metadata,
    sa.Column("complaint_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("stage", sa.Integer, nullable=False),
    sa.Column("informal", sa.Boolean, nullable=False),
    sa.Column("reopened", sa.Boolean, nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("acknowledged_at", UtcDateTime, nullable=True),
    sa.Column("acknowledgement_due", sa.Date, nullable=True),
    sa.Column("responded_at", UtcDateTime, nullable=True),
    sa.Column("outcome", sa.String(32), nullable=True),
    sa.Column("remedies", sa.JSON, nullable=False),
    sa.Column("response_due", sa.Date, nullable=False),
    sa.Column("response_original_due", sa.Date, nullable=False),
    sa.Column("extended", sa.Boolean, nullable=False),
    sa.Column("code_response_due", sa.Date, nullable=True),
    sa.Column("code_extended_due", sa.Date, nullable=True),
    sa.Column("working_days_to_respond", sa.Integer, nullable=True),
    sa.Column("ended_at", UtcDateTime, nullable=True),
    sa.Column("closed_at", UtcDateTime, nullable=True),
    sa.Column("closure_reason", sa.String(32), nullable=True),
    sa.Column("handler_involved_before", sa.Boolean, nullable=False, server_default=sa.false()),
    # The London dates of the moments a due day judges (migration 0017): a report counts in the
    # database, and SQLite has no time zones.
    sa.Column("acknowledged_date", sa.Date, nullable=True),
    sa.Column("responded_date", sa.Date, nullable=True),
    sa.Column("ended_date", sa.Date, nullable=True),
)

report_items = sa.Table(
    "report_items",
    metadata,
    sa.Column("complaint_id", sa.String(64), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("stage", sa.Integer, nullable=True),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("code", sa.String(64), nullable=True),
    sa.Column("amount_pence", sa.BigInteger, nullable=True),
    sa.Column("due", sa.Date, nullable=True),
    sa.Column("status", sa.String(32), nullable=True),
    sa.Column("answered_at", UtcDateTime, nullable=True),
    sa.Column("answered_date", sa.Date, nullable=True),  # its London date (migration 0017)
)

# Resident feedback (compliments, comments, enquiries) as each `feedback:<id>` stream adds up to:
# the list, the anchor of its stream for the audit, and what the annual report counts. No free
# text and no person: the resident id only, clear as a complaint's is (it scopes the portal).
feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("landlord", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("team", sa.String(64), nullable=True),
    sa.Column("resident_id", sa.String(128), nullable=True),
    sa.Column("received_at", UtcDateTime, nullable=False),
    # Its London date: the annual report counts by it in the database (as migration 0017's).
    sa.Column("received_date", sa.Date, nullable=False),
    sa.Column("complaint_id", sa.String(64), nullable=True),  # the complaint an enquiry became
    sa.Column("erased", sa.Boolean, nullable=False),
    sa.Column("last_occurred_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_feedback_landlord_received", "landlord", "received_at", "id"),
    sa.Index("ix_feedback_landlord_received_date", "landlord", "received_date"),
    sa.Index("ix_feedback_resident", "landlord", "resident_id"),
)

# Contact restrictions (ADR 0020) as each `restriction:<id>` stream adds up to: the anchor of its
# stream, the reviews coming up, the alert scheduler's candidates, and `shown`, what a complaint
# view of the resident shows while it is in force (read in the complaint row's own statement). No
# free text: the measures, the staff contact and the channels are plain, the resident id is clear
# as a complaint's is (it scopes the portal).
restrictions = sa.Table(
    "restrictions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("landlord", sa.String(64), nullable=False),
    sa.Column("resident_id", sa.String(128), nullable=False),
    sa.Column("in_force", sa.Boolean, nullable=False),
    sa.Column("measures", sa.String(200), nullable=False),  # their codes, comma-separated
    sa.Column("shown", sa.Text, nullable=True),  # JSON; null once it has ended
    sa.Column("imposed_at", UtcDateTime, nullable=False),
    sa.Column("imposed_date", sa.Date, nullable=False),  # its London date, for the report
    sa.Column("review_due", sa.Date, nullable=True),
    sa.Column("alert_due_on", sa.Date, nullable=True),
    # London dates of the challenge and the end, and the challenge's outcome: the annual report's.
    sa.Column("challenged_date", sa.Date, nullable=True),
    sa.Column("challenge_upheld", sa.Boolean, nullable=True),
    sa.Column("ended_at", UtcDateTime, nullable=True),
    sa.Column("ended_date", sa.Date, nullable=True),
    sa.Column("erased", sa.Boolean, nullable=False),
    sa.Column("last_occurred_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_restrictions_resident", "landlord", "resident_id", "in_force"),
    # One in force per resident: a second impose racing the first fails here, and its retry is
    # refused as `restriction-in-force` (app/services/restrictions.py).
    sa.Index(
        "uq_restrictions_in_force",
        "landlord",
        "resident_id",
        unique=True,
        postgresql_where=sa.text("in_force"),
        sqlite_where=sa.text("in_force"),
    ),
    sa.Index("ix_restrictions_landlord_imposed", "landlord", "imposed_at", "id"),
    sa.Index("ix_restrictions_landlord_review", "landlord", "review_due"),
    sa.Index(
        "ix_restrictions_alert_due_on",
        "alert_due_on",
        postgresql_where=sa.text("alert_due_on IS NOT NULL"),
        sqlite_where=sa.text("alert_due_on IS NOT NULL"),
    ),
)
