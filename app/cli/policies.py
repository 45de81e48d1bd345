"""`redress policies ...`: the built-in complaints policies and how they follow the Code."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

policies_cli = typer.Typer(help="The built-in complaints policies.", no_args_is_help=True)
console = Console()


@policies_cli.command("list")
def policies_list() -> None:
    """List every version of the built-in policies (complaints may pin any), and their stages."""
    from app.domain.policies.builtin import BUILTIN_POLICIES

    table = Table("id", "version", "name", "stages", "source")
    for policy in BUILTIN_POLICIES.all():
        stages = ", ".join(str(stage.number) for stage in policy.stages)
        table.add_row(policy.id, str(policy.version), policy.name, stages, policy.source or "")
    console.print(table)


@policies_cli.command("check")
def policies_check(policy_id: Annotated[str, typer.Argument(help="e.g. tuntum-2017")]) -> None:
    """List each way a policy's latest version diverges from the Code (exit 1 if any)."""
    from app.domain.policies.builtin import BUILTIN_POLICIES
    from app.domain.policies.check import check_policy

    policy = BUILTIN_POLICIES.latest(policy_id)
    if policy is None:
        console.print(f"no policy {policy_id}; known: {', '.join(BUILTIN_POLICIES.ids)}")
        raise typer.Exit(2)
    divergences = check_policy(policy)
    if not divergences:
        console.print(f"{policy.id} v{policy.version} follows the Complaint Handling Code")
        return
    table = Table(title=policy.name)
    table.add_column("rule", no_wrap=True)  # the stable name to search for: never cut
    for header in ("stage", "policy", "Code", "breaks", "why"):
        table.add_column(header)
    for d in divergences:
        stage = "" if d.stage is None else str(d.stage)
        table.add_row(d.rule, stage, d.policy_value, d.code_value, d.code_section, d.message)
    console.print(table)
    raise typer.Exit(1)
