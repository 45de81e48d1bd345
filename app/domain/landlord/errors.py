"""Why a change to a landlord was refused. Nothing is written when one of these is raised."""

from __future__ import annotations

from app.domain.errors import DomainError


class LandlordExists(DomainError):
    code = "landlord-exists"

    def __init__(self, landlord_id: str) -> None:
        super().__init__(f"landlord {landlord_id!r} is already registered")


class LandlordNotRegistered(DomainError):
    code = "landlord-not-registered"

    def __init__(self, landlord_id: str) -> None:
        super().__init__(
            f"landlord {landlord_id[:64]!r} is not registered: an admin registers it first "
            "(POST /v1/landlords, or `redress landlords create`)"
        )


class InvalidLandlord(DomainError):
    """A value the landlord's configuration cannot take (unknown region, negative homes)."""

    code = "invalid-landlord"


class PolicyIdReserved(DomainError):
    code = "policy-id-reserved"

    def __init__(self, policy_id: str) -> None:
        super().__init__(
            f"{policy_id!r} is a built-in policy: publish your own under another id "
            "(e.g. prefixed with your landlord id)"
        )


class PolicyVersionConflict(DomainError):
    """Versions are published in order, so two admins cannot both publish "version 3"."""

    code = "policy-version-conflict"

    def __init__(self, policy_id: str, given: int, expected: int) -> None:
        super().__init__(
            f"policy {policy_id!r}: the next version to publish is {expected}, not {given}"
        )
        self.expected = expected
