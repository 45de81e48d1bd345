"""A real PostgreSQL primary with a streaming replica, both on loopback, for the tests of the
reads that may lag (docs/adr/0011-read-replica.md).

The pair is made from the installed server's own tools in a few seconds: `initdb` makes a small
primary (trusting loopback, replication included; fsync off: it is thrown away), `pg_basebackup
-R -X stream` copies it into the replica's data directory, so the replica starts as a hot standby
streaming from it, and both run under `pg_ctl` on free ports in a temporary directory, removed at
the end. As root (CI, the project's machines) the servers run as the `postgres` user, as Debian's
own clusters do; otherwise as the current user. Where no server is installed, `create` raises
`Unavailable` with the reason and the tests skip.

The pair is the tests' own rather than a replica of the shared cluster on 5432: a base backup
copies a whole cluster, and the shared one holds whatever else runs on the machine (a benchmark's
gigabytes took a minute to copy), so a small primary of its own keeps the replica quick to make
and deterministic, and leaves the shared server and its configuration alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

PREFIX = "redress-pg-"
# Quick rather than durable: both servers are thrown away. Commits are still written out before
# they return (synchronous_commit, cheap with fsync off), so `catch_up`'s target, the primary's
# write location, covers every write already answered.
OPTIONS = {
    "fsync": "off",
    "synchronous_commit": "on",
    "full_page_writes": "off",
    "shared_buffers": "16MB",
    "max_connections": "60",
    "listen_addresses": "127.0.0.1",
}
COMMAND_SECONDS = 120.0
CATCH_UP_SECONDS = 30.0


class Unavailable(Exception):
    """No replica can be made on this machine; the message says why."""


@dataclass(frozen=True)
class Server:
    bindir: Path
    data: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = {**OPTIONS, "port": str(self.port), "unix_socket_directories": str(self.data)}
        flags = " ".join(f"-c {name}={value}" for name, value in options.items())
        log = self.data.parent / f"{self.data.name}.log"
        _as_owner(self.bindir / "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
                  "-l", str(log), "-o", flags)  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        _as_owner(self.bindir / "pg_ctl", "stop", "-w", "-D", str(self.data), "-m", mode)

    async def connect(self, database: str = "postgres") -> asyncpg.Connection:
        return await asyncpg.connect(
            host="127.0.0.1", port=self.port, user="postgres", database=database
        )

    async def execute(self, sql: str) -> None:
        connection = await self.connect()
        try:
            await connection.execute(sql)
        finally:
            await connection.close()


@dataclass(frozen=True)
class Pair:
    root: Path
    primary: Server
    replica: Server

    async def pause_replay(self) -> None:
        await self.replica.execute("SELECT pg_wal_replay_pause()")

    async def resume_replay(self) -> None:
        await self.replica.execute("SELECT pg_wal_replay_resume()")

    async def catch_up(self) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        primary = await self.primary.connect()
        try:
            target = await primary.fetchval("SELECT pg_current_wal_lsn()::text")
        finally:
            await primary.close()
        replica = await self.replica.connect()
        try:
            deadline = time.monotonic() + CATCH_UP_SECONDS
            query = "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn"
            while not await replica.fetchval(query, target):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the replica did not replay up to {target} in time")
                await asyncio.sleep(0.02)
        finally:
            await replica.close()

    def drop(self) -> None:
        _remove(self.primary.bindir, self.root)


def create() -> Pair:
    """A primary and its replica, streaming and caught up; `Unavailable` when this machine
    cannot make them."""
    bindir = _bindir()
    _remove_stale(bindir)
    root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        primary = Server(bindir, root / "primary", _free_port())
        # --auth=trust: loopback connections, replication ones included.
        _as_owner(bindir / "initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "--no-instructions", "-E", "UTF8", "--locale=C")  # fmt: skip
        primary.start()
        replica = Server(bindir, root / "replica", _free_port())
        # -N: no fsync of the copy; -c fast: no wait for the primary's next checkpoint.
        _as_owner(bindir / "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port),
                  "-U", "postgres", "-D", str(replica.data), "-R", "-X", "stream", "-c", "fast",
                  "-N")  # fmt: skip
        replica.start()
        pair = Pair(root, primary, replica)
        asyncio.run(pair.catch_up())
    except BaseException:
        _remove(bindir, root)
        raise
    return pair


def _bindir() -> Path:
    """The newest installed server's binaries: Debian's /usr/lib/postgresql/<version>/bin, or
    where `pg_config` says."""
    found = [path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/postgres")]
    if found:
        return max(found, key=lambda path: [int(n) for n in re.findall(r"\d+", path.parent.name)])
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        bindir = Path(_run(pg_config, "--bindir").strip())
        if (bindir / "postgres").exists():
            return bindir
    raise Unavailable("no PostgreSQL server installed (no postgres in /usr/lib/postgresql/*/bin)")


def _as_owner(program: Path, *args: str) -> str:
    """Run a server tool as the servers' owner: `postgres` when we are root (the server refuses
    to run as root), else ourselves."""
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            raise Unavailable("running the server as postgres needs runuser")
        return _run("runuser", "-u", "postgres", "--", str(program), *args)
    return _run(str(program), *args)


def _run(*command: str) -> str:
    done = subprocess.run(  # noqa: S603 -- fixed tools, arguments made here
        command, capture_output=True, text=True, timeout=COMMAND_SECONDS, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def _remove_stale(bindir: Path) -> None:
    """Pairs left by test processes that were killed before they could remove theirs."""
    pattern = re.compile(rf"{PREFIX}(\d+)-")
    for root in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        found = pattern.match(root.name)
        if found is not None and not _alive(int(found.group(1))):
            _remove(bindir, root)


def _remove(bindir: Path, root: Path) -> None:
    # Immediate: nothing in a thrown-away server needs a clean shutdown.
    for pidfile in root.glob("*/postmaster.pid"):
        with contextlib.suppress(RuntimeError):
            _as_owner(bindir / "pg_ctl", "stop", "-w", "-D", str(pidfile.parent), "-m", "immediate")
    shutil.rmtree(root, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
