"""The built-in policies, one per source document, read from `data/<id>.toml` at import.

Loading here, at import, is what validates the files at start-up: the app, through its routes,
and the `redress` command, through the services, import this module before doing anything, so
a broken file stops them with a PolicyFilesError naming it.
"""

from __future__ import annotations

from app.domain.complaint.errors import UnknownPolicy
from app.domain.policies import files
from app.domain.policies.model import Policy

# The SPEC's built-in policies, in the order it lists them (and the API and the CLI list them);
# each must keep its file, since complaints already logged may be pinned to it. hoc-2024 first:
# it is the default, and the one every other policy is checked against.
SPEC_POLICY_IDS = ("hoc-2024", "jjh-2020", "tuntum-2017", "jliving-2018", "policy-2022")

BUILTIN_POLICIES: dict[str, Policy] = files.load_policies(files.DATA, required=SPEC_POLICY_IDS)

HOC_2024 = BUILTIN_POLICIES["hoc-2024"]
JJH_2020 = BUILTIN_POLICIES["jjh-2020"]
TUNTUM_2017 = BUILTIN_POLICIES["tuntum-2017"]
JLIVING_2018 = BUILTIN_POLICIES["jliving-2018"]
POLICY_2022 = BUILTIN_POLICIES["policy-2022"]


def get_policy(policy_id: str, version: int) -> Policy:
    """The built-in policy `policy_id` at `version`; any other id or version is UnknownPolicy."""
    policy = BUILTIN_POLICIES.get(policy_id)
    if policy is None or policy.version != version:
        raise UnknownPolicy(policy_id, version)
    return policy
