"""Console rendering of audit results for the `redress` command."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from app.audit.verify import VerifyReport
from app.services.rebuild import Mode, RebuildReport


def render_verify_report(console: Console, report: VerifyReport) -> None:
    console.print(
        f"{report.events} events in {report.streams} streams, last position {report.last_position}"
    )
    if report.positions_ok:
        console.print("positions: 1 to the last, no gaps")
    else:
        console.print(
            f"[red]positions: {report.missing_positions} missing, the first is "
            f"{report.first_missing_position}[/red]"
        )
    if report.ok:
        console.print(
            "[green]verified: no event was altered, deleted, inserted or reordered[/green]"
        )
        return
    counts = ", ".join(f"{kind}: {count}" for kind, count in sorted(report.counts.items()))
    console.print(f"[red]{report.problems} problem(s)[/red] ({counts or 'positions only'})")
    # One line per finding, never truncated: the ids must survive a narrow terminal and grep.
    console.print("first of each kind:")
    for finding in report.findings():
        where = "deleted row" if finding.position is None else f"position {finding.position}"
        owner = f", landlord {finding.landlord}" if finding.landlord else ""
        console.print(
            f"  [bold]{finding.kind.value}[/bold]: stream {finding.stream_id} version "
            f"{finding.version} ({where}{owner}): {finding.detail}",
            overflow="fold",
        )


def render_rebuild_report(console: Console, report: RebuildReport) -> None:
    console.print(
        f"{report.events} events folded into {report.complaints} complaints "
        f"and {report.landlords} landlords"
    )
    if report.equal:
        console.print("[green]the projection equals the rebuild[/green]")
        return
    done = "fixed" if report.mode is Mode.apply else "found"
    console.print(f"[red]{report.differences} difference(s) {done}[/red]")
    table = Table("subject", "difference", "column", "live", "rebuilt")
    for column in table.columns:
        column.overflow = "fold"  # ids must not be cut short
    for difference in report.listed:
        if not difference.columns:
            table.add_row(difference.subject, difference.kind, "", "", "")
        for name, (live, rebuilt) in difference.columns.items():
            table.add_row(difference.subject, difference.kind, name, str(live), str(rebuilt))
    console.print(table)
