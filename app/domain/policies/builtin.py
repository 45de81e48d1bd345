"""The built-in policies, every version side by side, read from `data/<id>/v<N>.toml` at import.

Loading here, at import, is what validates the files at start-up: the app, through its routes,
and the `redress` command, through the services, import this module before doing anything, so
a broken file stops them with a PolicyFilesError naming it.
"""

from __future__ import annotations

from app.domain.policies import files
from app.domain.policies.model import Policy
from app.domain.policies.registry import PolicyRegistry

# The SPEC's built-in policies, in the order it lists them (and the API and the CLI list them);
# each must keep its files, since complaints already logged may be pinned to any version. hoc-2024
# first: it is the default, and the one every other policy is checked against.
SPEC_POLICY_IDS = ("hoc-2024", "jjh-2020", "tuntum-2017", "jliving-2018", "policy-2022")

# files.DATA is read here rather than left to the default argument, so the start-up tests can
# point it at another directory before this module is imported.
BUILTIN_POLICIES: PolicyRegistry = files.load_policies(files.DATA, required=SPEC_POLICY_IDS)

# The newest version of each: what a landlord choosing the id gets, and, for hoc-2024, the Code
# that policies and reports are checked against. A complaint's own clocks use the version it
# pinned, found with get_policy.
HOC_2024 = BUILTIN_POLICIES.versions("hoc-2024")[-1]
JJH_2020 = BUILTIN_POLICIES.versions("jjh-2020")[-1]
TUNTUM_2017 = BUILTIN_POLICIES.versions("tuntum-2017")[-1]
JLIVING_2018 = BUILTIN_POLICIES.versions("jliving-2018")[-1]
POLICY_2022 = BUILTIN_POLICIES.versions("policy-2022")[-1]


def get_policy(policy_id: str, version: int) -> Policy:
    """The built-in policy `policy_id` at `version`; any other id or version is UnknownPolicy."""
    return BUILTIN_POLICIES.get(policy_id, version)
