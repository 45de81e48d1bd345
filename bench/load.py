"""A closed-loop load generator: C clients, each on its own keep-alive connection, sending one
request after another for S seconds; it records each request's latency.

It speaks just enough HTTP/1.1 for the two servers it measures (JSON bodies with Content-Length)
instead of using httpx: on two shared cores the client must cost far less than the servers, or it
measures itself. Both contenders pay the same client cost.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""


class Connection:
    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: Request) -> tuple[int, bytes]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"{request.method} {request.path} HTTP/1.1\r\nHost: {self.host}\r\n{self.headers}"
        if request.body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(request.body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + request.body)
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        if "content-length" not in fields:
            raise RuntimeError(f"{request.path}: a response without Content-Length: {fields}")
        body = await self.reader.readexactly(int(fields["content-length"]))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()
        self.reader = self.writer = None


@dataclass
class Sample:
    """One contender's run of one load: its latencies (seconds) over `elapsed` seconds."""

    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Sample) -> None:
        self.latencies += other.latencies
        self.elapsed += other.elapsed
        self.errors += other.errors

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def quantile_ms(self, q: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


NextRequest = Callable[[int], Awaitable[Request]]
OnAnswer = Callable[[int, bytes], Awaitable[None]]


async def run(
    host: str,
    port: int,
    headers: dict[str, str],
    *,
    clients: int,
    seconds: float,
    expect: int,
    next_request: NextRequest,
    on_answer: OnAnswer | None = None,
    warm_up: float = 0.0,
) -> Sample:
    """`clients` loops of next_request(client) -> send -> on_answer(client, body); answers other
    than `expect` are errors. Requests in the first `warm_up` seconds (connections opening, pools
    filling) are sent but not counted."""
    sample = Sample()
    started = time.perf_counter()
    counting_from = started + warm_up
    deadline = counting_from + seconds

    async def client(index: int) -> None:
        connection = Connection(host, port, headers)
        try:
            while time.perf_counter() < deadline:
                request = await next_request(index)
                sent = time.perf_counter()
                status, body = await connection.send(request)
                done = time.perf_counter()
                if status != expect:
                    sample.errors.append(
                        f"{request.method} {request.path}: {status} {body[:300]!r}"
                    )
                    return
                if on_answer is not None:
                    await on_answer(index, body)
                if sent >= counting_from:
                    sample.latencies.append(done - sent)
        finally:
            await connection.close()

    await asyncio.gather(*(client(i) for i in range(clients)))
    sample.elapsed = time.perf_counter() - counting_from
    return sample
