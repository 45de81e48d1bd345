"""Export throughput and peak memory on PostgreSQL, for a generated log of N sealed events.

    .venv/bin/python -m bench.export [--events 1000000] [--keep] [--tiny]

It creates a scratch database, migrates it and fills it with a log of N events as the service
writes them, personal fields sealed under each complaint's key (`bench/sealed_log.py`). Then, each
in a fresh child process (so that the generator's memory does not count), it runs what `redress
export` runs, once without and once with `--personal-data`, writing to /dev/null, and prints
events per second and the child's peak RSS. Its same-run reference is a raw asyncpg read of every
event in position order with each row's JSON decoded by orjson, best of one run before and one
after the exports; a ratio line per export is its events/s over the reference's. The database is
dropped unless --keep. --tiny runs a few hundred events (the test suite runs it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import time
from typing import BinaryIO

from app.db import create_engine
from app.events.factory import make_store
from app.services.export import Selection, write
from app.services.privacy import NO_PERSONAL_DATA, OPERATOR
from app.settings import Settings
from bench.common import (
    generated_log,
    ratio_line,
)
from bench.raw import raw_decode
from bench.sealed_log import generate

PERSONAL = "--personal-data"


async def measure(url: str, personal: bool, sink: BinaryIO) -> None:
    """In the child: the export as `redress export [--personal-data] --output /dev/null` runs it."""
    engine = create_engine(url)
    store = make_store(Settings(database_url=url))
    reader = OPERATOR if personal else NO_PERSONAL_DATA
    try:
        started = time.perf_counter()
        count = await write(engine, store, Selection(landlord=None), reader, sink)
        elapsed = time.perf_counter() - started
    finally:
        await engine.dispose()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The parent reads this line: events, seconds, MiB.
    print(f"{count} {elapsed:.6f} {peak_mib:.1f}")


def export_in_child(url: str, personal: bool) -> tuple[int, float, float]:
    command = [sys.executable, "-m", "bench.export", "--measure", url]
    # Our own interpreter and module: a child so that its peak RSS is the export's alone.
    done = subprocess.run(  # noqa: S603
        [*command, *([PERSONAL] if personal else [])], check=True, capture_output=True, text=True
    )
    count, elapsed, peak = done.stdout.split()
    return int(count), float(elapsed), float(peak)


def run(url: str, batch_size: int) -> None:
    before = asyncio.run(raw_decode(url, batch_size))
    results = {personal: export_in_child(url, personal) for personal in (False, True)}
    after = asyncio.run(raw_decode(url, batch_size))
    count, raw = min(before, after, key=lambda run: run[1])
    print(f"raw read + orjson decode: {count} events in {raw:.2f} s = {count / raw:,.0f} events/s")
    for personal, (exported, elapsed, peak) in results.items():
        label = "export --personal-data" if personal else "export"
        print(
            f"{label}: {exported} events in {elapsed:.2f} s = {exported / elapsed:,.0f} events/s; "
            f"peak RSS {peak:.0f} MiB"
        )
        if exported != count:
            raise SystemExit(f"{label} wrote {exported} events, the log holds {count}")
        print(ratio_line(f"{label} / raw read", exported / elapsed, count / raw, "events/s"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=1_000, help="the reference's prefetch")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument("--tiny", action="store_true", help="a few hundred events (the test suite)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument(PERSONAL, action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        with open(os.devnull, "wb") as sink:
            asyncio.run(measure(args.measure, args.personal_data, sink))
        return
    if args.tiny:
        args.events = 300
    with generated_log(generate, args.events, keep=args.keep) as url:
        run(url, args.batch_size)


if __name__ == "__main__":
    main()
