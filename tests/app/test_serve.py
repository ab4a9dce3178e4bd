"""The launcher's server settings: TCP_NODELAY on accepted sockets, no GC after every run."""

from __future__ import annotations

import asyncio
import socket

import pytest
from streamlit.web.server.starlette import starlette_server

from ui import serve


async def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY of the socket asyncio accepts from `listener` (as uvicorn's server does)."""
    loop = asyncio.get_running_loop()
    seen: asyncio.Future[int] = loop.create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted = transport.get_extra_info("socket")
            seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await loop.create_server(Probe, sock=listener)
    _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
    try:
        return await asyncio.wait_for(seen, timeout=10)
    finally:
        writer.close()
        server.close()


def _listener(make_tcp: bool) -> socket.socket:
    listener = starlette_server._bind_socket("127.0.0.1", 0, 8)
    return serve.as_tcp(listener) if make_tcp else listener


def test_streamlit_alone_leaves_nagle_on_for_accepted_connections() -> None:
    """Guards the need for the launcher: when this fails, Streamlit fixed it — drop as_tcp."""
    assert asyncio.run(_accepted_nodelay(_listener(make_tcp=False))) == 0


def test_the_launchers_socket_turns_nagle_off_for_accepted_connections() -> None:
    assert asyncio.run(_accepted_nodelay(_listener(make_tcp=True))) != 0


def test_the_patch_makes_streamlit_bind_tcp_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(starlette_server, "_bind_socket", starlette_server._bind_socket)
    serve.patch_server_socket()
    serve.patch_server_socket()  # idempotent
    listener = starlette_server._bind_socket("127.0.0.1", 0, 8)
    try:
        assert listener.proto == socket.IPPROTO_TCP
        assert not listener.getblocking()
    finally:
        listener.close()


def test_the_launcher_turns_off_the_garbage_collection_after_every_run() -> None:
    flags = list(serve.SERVER_FLAGS)
    assert flags[flags.index("--runner.postScriptGC") + 1] == "false"
