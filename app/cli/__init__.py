"""The `redress` command: serve, worker, migrate, keys, landlords, demo, verify, rebuild, export,
report, alerts, letters, verify-pack.

Each command lives in the module of its subject; this one puts them together, in the order
`redress --help` lists them.
"""

from __future__ import annotations

import typer

from app.cli import (
    alerts,
    database,
    demo,
    export,
    idempotency,
    keys,
    letters,
    pack,
    policies,
    retention,
    search,
    serve,
    worker,
)
from app.cli.import_file import import_complaints
from app.cli.landlords import landlords_cli
from app.cli.report import report_cli

cli = typer.Typer(help="Redress: event-sourced complaint handling.", no_args_is_help=True)
cli.add_typer(keys.keys_cli, name="keys")
cli.add_typer(policies.policies_cli, name="policies")
cli.add_typer(landlords_cli, name="landlords")
cli.add_typer(report_cli, name="report")
cli.add_typer(retention.retention_cli, name="retention")
cli.add_typer(idempotency.idempotency_cli, name="idempotency")
cli.add_typer(alerts.alerts_cli, name="alerts")
cli.add_typer(search.search_cli, name="search")
cli.add_typer(letters.letters_cli, name="letters")
cli.command()(serve.serve)
cli.command()(database.migrate)
cli.command()(demo.demo)
cli.command()(serve.openapi)
cli.command()(database.verify)
cli.command()(database.rebuild)
cli.command()(export.export)
cli.command("import")(import_complaints)
cli.command("worker")(worker.work)
cli.command("verify-pack")(pack.verify_pack)


def main() -> None:
    cli()
