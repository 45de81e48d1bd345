"""A TCP proxy between the service and PostgreSQL that a test can break on purpose.

It runs its own event loop in a thread, so neither the server's loop nor the test's can starve it.
`kill()` is a database that went away (connections closed, connecting is refused); `freeze()` is a
network that stopped delivering (sockets stay open, no byte moves either way, new connections are
accepted and then hang); `resume()` heals either. Bytes read while frozen are delivered on resume,
as TCP would once a partition heals.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
CHUNK = 64 * 1024


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._flowing: asyncio.Event | None = None
        self._transports: set[asyncio.WriteTransport] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._thread.start()
        self._run(self._start())

    def stop(self) -> None:
        self._run(self._kill())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def kill(self) -> None:
        """Close the listener and every connection: the database is gone."""
        self._run(self._kill())

    def freeze(self) -> None:
        """Stop moving bytes but keep every socket open: the network is silent."""
        self._run(self._freeze())

    def resume(self) -> None:
        """Listen again (after a kill) and move bytes again (after a freeze)."""
        self._run(self._resume())

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _start(self) -> None:
        self._flowing = asyncio.Event()
        self._flowing.set()
        await self._listen()

    async def _listen(self) -> None:
        # The same port every time, so the service's URL survives a kill and a resume.
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _kill(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for transport in list(self._transports):
            transport.abort()
        self._transports.clear()
        for task in list(self._tasks):
            task.cancel()

    async def _freeze(self) -> None:
        assert self._flowing is not None
        self._flowing.clear()

    async def _resume(self) -> None:
        assert self._flowing is not None
        if self._server is None:
            await self._listen()
        self._flowing.set()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        assert self._flowing is not None
        self._transports.add(client_w.transport)
        try:
            await self._flowing.wait()
            upstream_r, upstream_w = await asyncio.open_connection(*self.upstream)
        except (OSError, asyncio.CancelledError):
            client_w.transport.abort()
            return
        self._transports.add(upstream_w.transport)
        for reader, writer in ((client_r, upstream_w), (upstream_r, client_w)):
            task = asyncio.create_task(self._pump(reader, writer))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self._flowing is not None
        try:
            while data := await reader.read(CHUNK):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
            await self._flowing.wait()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            writer.transport.abort()
            self._transports.discard(writer.transport)


@contextmanager
def proxy_to(host: str, port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy(host, port)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()
