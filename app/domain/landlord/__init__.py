"""A landlord (tenant of the service): its calendar, its homes and its complaints policies, kept as
an append-only stream of facts so that who changed what, and when, can be audited."""
