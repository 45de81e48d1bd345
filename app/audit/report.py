"""Console rendering of audit results for the `redress` command."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from app.audit.verify import VerifyReport
from app.projections.rebuild import Mode, RebuildReport


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
    table = Table(
        "kind", "stream", "version", "position", "landlord", "detail", title="first of each kind"
    )
    for finding in report.findings():
        table.add_row(
            finding.kind.value,
            finding.stream_id,
            str(finding.version),
            "" if finding.position is None else str(finding.position),
            finding.landlord or "",
            finding.detail,
        )
    console.print(table)


def render_rebuild_report(console: Console, report: RebuildReport) -> None:
    console.print(f"{report.events} events folded into {report.complaints} complaints")
    if report.equal:
        console.print("[green]the projection equals the rebuild[/green]")
        return
    done = "fixed" if report.mode is Mode.apply else "found"
    console.print(f"[red]{report.differences} difference(s) {done}[/red]")
    table = Table("complaint", "difference", "column", "live", "rebuilt")
    for difference in report.listed:
        if not difference.columns:
            table.add_row(difference.complaint_id, difference.kind, "", "", "")
        for name, (live, rebuilt) in difference.columns.items():
            table.add_row(difference.complaint_id, difference.kind, name, str(live), str(rebuilt))
    console.print(table)
