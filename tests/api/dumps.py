"""The database as whoever holds a dump or its files would read it, and what of a list of strings
can be found in it. PostgreSQL: `pg_dump` of the whole database (schema and data). SQLite: the
database file with its write-ahead log, shared-memory index and rollback journal, read while the
service still has them open, so what sits in the WAL and is not yet checkpointed counts too."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import make_url

SQLITE_SIDECARS = ("-wal", "-shm", "-journal")

# Run in a child process: closing a file releases every POSIX lock this process holds on it, so
# opening the database files here would pull the locks from under the server's own connections.
_CAT = "import sys\nfor name in sys.argv[1:]:\n    sys.stdout.buffer.write(open(name, 'rb').read())"


def pg_dump_path() -> str:
    return shutil.which("pg_dump") or "/usr/bin/pg_dump"


def database_bytes(database_url: str) -> bytes:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database:
            raise ValueError("an in-memory SQLite database has no file to read")
        path = Path(url.database)
        files = [path, *(path.with_name(path.name + suffix) for suffix in SQLITE_SIDECARS)]
        present = [str(f) for f in files if f.exists()]
        read = subprocess.run(  # noqa: S603 - this Python, reading the test's own files
            [sys.executable, "-c", _CAT, *present], capture_output=True, check=True, timeout=60
        )
        return read.stdout
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dumped = subprocess.run(  # noqa: S603 - the PostgreSQL client, on the test's own database
        [pg_dump_path(), "--no-owner", "--no-privileges", "--dbname", dsn],
        capture_output=True,
        check=True,
        timeout=300,
    )
    return dumped.stdout


def found_in(dump: bytes, needles: Iterable[str]) -> list[str]:
    """The needles found in the dump, ignoring case (an email may be lower-cased on the way)."""
    haystack = dump.lower()
    return sorted({n for n in needles if n.lower().encode() in haystack})
