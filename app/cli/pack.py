"""`redress verify-pack PACK.zip`: check an Ombudsman's evidence pack offline.

No database, no key, no network: every file against the manifest's SHA-256 and size, the hash
chain recomputed from the events as stored, each evidence file against the SHA-256 its event
records, the readable timeline against the chain. Each difference names its file; exit 1 then.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path
from typing import Annotated

import orjson
import typer

from app.audit.pack import MANIFEST, verify


def verify_pack(
    pack: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The pack (a zip).")],
) -> None:
    """Check an evidence pack offline; name every file that differs, is missing or is extra."""
    content = pack.read_bytes()
    findings = verify(content)
    if findings:
        for finding in findings:
            typer.echo(f"FAIL {finding}")
        typer.echo(f"{pack.name}: {len(findings)} problem(s); the pack does not verify")
        raise typer.Exit(1)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        listed = orjson.loads(archive.read(MANIFEST))
    chain = listed["chain"]
    typer.echo(
        f"{pack.name}: ok, {len(listed['files'])} files match the manifest; "
        f"{chain['events']} events chain to {chain['head_hash']}; "
        f"{len(listed['attachments'])} evidence file(s) match their events"
    )
