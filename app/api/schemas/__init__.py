"""Request and response bodies of the v1 API, one module per feature. Enumerations are the
domain's own, so one name means one thing from the database to the OpenAPI document. Every string
is bounded."""
