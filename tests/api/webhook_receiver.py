"""A real HTTP receiver on loopback for webhook tests: it records every request and answers as
told (fail the first N, fail all, hold one until released)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
from standardwebhooks.webhooks import Webhook


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def payload(self) -> dict[str, object]:
        data: dict[str, object] = orjson.loads(self.body)
        return data

    @property
    def position(self) -> int:
        event = self.payload["data"]["event"]  # type: ignore[index]
        return int(event["position"])


@dataclass
class Receiver:
    url: str = ""
    fail_first: int = 0
    fail_always: bool = False
    redirect_to: str | None = None  # answer every request 307 to here
    hold_request: int | None = None  # the n-th request (1-based) waits for `release`
    release: threading.Event = field(default_factory=threading.Event)
    held: threading.Event = field(default_factory=threading.Event)
    received: list[Received] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            number = len(self.received) + 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            status = 503 if self.fail_always or number <= self.fail_first else 204
            if self.redirect_to is not None:
                status = 307
            self.received.append(Received(headers, body, status))
        try:
            if number == self.hold_request:
                self.held.set()
                self.release.wait(30)
            return status
        finally:
            with self.lock:
                self.in_flight -= 1

    def acknowledged(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status < 300]

    def wait_for(self, count: int, seconds: float = 20) -> list[Received]:
        deadline = time.monotonic() + seconds
        while len(self.acknowledged()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.acknowledged())} of {count} acknowledged")
            time.sleep(0.05)
        return self.acknowledged()


def verified(secret: str, received: Received) -> object:
    """The payload, verified with the `standardwebhooks` package as a receiver would."""
    return Webhook(secret).verify(received.body, received.headers)


@contextmanager
def receiving(**behaviour: object) -> Iterator[Receiver]:
    receiver = Receiver(**behaviour)  # type: ignore[arg-type]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = receiver.answer(dict(self.headers.items()), body)
            self.send_response(status)
            if receiver.redirect_to is not None:
                self.send_header("location", receiver.redirect_to)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/redress"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
