"""Console rendering of audit results for the `redress` command."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from app.audit.findings import VerifyReport
from app.services.rebuild import Mode, RebuildReport


def render_verify_report(console: Console, report: VerifyReport) -> None:
    console.print(
        f"{report.events} events in {report.streams} streams, last position {report.last_position}"
    )
    if report.full:
        console.print(
            f"checked every event from position 1 to {report.checked_to}, against "
            f"{report.checkpoints_compared} checkpoint(s)"
        )
    elif report.start is None:
        console.print(f"no checkpoint yet: checked positions 1 to {report.checked_to}")
    else:
        since = (
            f"since the checkpoint at position {report.start.position} "
            f"({report.start.created_at:%Y-%m-%d %H:%M:%S} UTC)"
        )
        checked = (
            f"nothing appended {since}"
            if report.checked_to <= report.checked_after
            else f"checked the {report.checked_events} event(s) appended {since}, positions "
            f"{report.checked_after + 1} to {report.checked_to}"
        )
        console.print(f"{checked}; `redress verify --full` checks everything again")
    if report.positions_ok:
        console.print("positions: 1 to the last, no gaps")
    else:
        console.print(
            f"[red]positions: {report.missing_positions} missing, the first is "
            f"{report.first_missing_position}[/red]"
        )
    for problem in report.checkpoint_problems:
        console.print(
            f"[red]checkpoint at position {problem.position}: {problem.detail}[/red]",
            overflow="fold",
        )
    if report.ok:
        console.print(
            "[green]verified: no event was altered, deleted, inserted or reordered[/green]"
        )
        if report.written is not None:
            console.print(f"wrote a signed checkpoint at position {report.written}")
        return
    counts = ", ".join(f"{kind}: {count}" for kind, count in sorted(report.counts.items()))
    console.print(
        f"[red]{report.problems} problem(s)[/red]"
        + (f" ({counts})" if counts else "")
        + "; no checkpoint written"
    )
    if not report.counts:
        return
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
        f"{report.events} events folded into {report.complaints} complaints, "
        f"{report.landlords} landlords, {report.feedback} compliments, comments and enquiries "
        f"and {report.restrictions} contact restrictions"
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
