"""Policies side by side, keyed by (id, version): what a complaint pinned, and what is newest.

A complaint pins the id and version in force when it was logged, so a new version is added next to
the old ones, never in their place; the latest is only what a new choice of the id gets.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.complaint.errors import UnknownPolicy
from app.domain.policies.model import Policy


class PolicyRegistry:
    """Every version of every policy given, ids in the order first given, versions ascending.

    Deliberately neither a mapping nor iterable: `policy_id in registry` would silently answer
    False for an id, and a pin must name its version, so each question has its own method.
    """

    __slots__ = ("_versions",)

    def __init__(self, policies: Iterable[Policy]) -> None:
        versions: dict[str, dict[int, Policy]] = {}
        for policy in policies:
            of_id = versions.setdefault(policy.id, {})
            if policy.version in of_id:
                raise ValueError(f"policy {policy.id} version {policy.version} is given twice")
            of_id[policy.version] = policy
        self._versions: dict[str, tuple[Policy, ...]] = {
            policy_id: tuple(of_id[v] for v in sorted(of_id))
            for policy_id, of_id in versions.items()
        }

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._versions)

    def knows(self, policy_id: str) -> bool:
        """Whether `policy_id` is one of these policies, at any version."""
        return policy_id in self._versions

    def versions(self, policy_id: str) -> tuple[Policy, ...]:
        """Every version of `policy_id`, oldest first; none for an unknown id."""
        return self._versions.get(policy_id, ())

    def latest(self, policy_id: str) -> Policy | None:
        """The newest version of `policy_id`: what choosing the id without a version gets."""
        versions = self.versions(policy_id)
        return versions[-1] if versions else None

    def find(self, policy_id: str, version: int) -> Policy | None:
        return next((p for p in self.versions(policy_id) if p.version == version), None)

    def get(self, policy_id: str, version: int) -> Policy:
        """Version `version` of `policy_id`, as a complaint pinned it; else UnknownPolicy."""
        policy = self.find(policy_id, version)
        if policy is None:
            raise UnknownPolicy(policy_id, version)
        return policy

    def all(self) -> tuple[Policy, ...]:
        """Every version of every policy, by id in order, then oldest first."""
        return tuple(p for versions in self._versions.values() for p in versions)

    def latest_each(self) -> tuple[Policy, ...]:
        """The newest version of each policy, by id in order."""
        return tuple(versions[-1] for versions in self._versions.values())

    def __repr__(self) -> str:
        listed = ", ".join(f"{p.id} v{p.version}" for p in self.all())
        return f"PolicyRegistry({listed})"
