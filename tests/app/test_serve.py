"""The launcher: TCP_NODELAY on accepted sockets, no GC after every run, the configuration."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

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


def test_the_launcher_turns_off_the_file_watcher() -> None:
    flags = list(serve.SERVER_FLAGS)
    assert flags[flags.index("--server.fileWatcherType") + 1] == "none"


def test_a_developer_can_turn_the_file_watcher_back_on(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = launched(monkeypatch, ["--server.fileWatcherType", "auto"])
    last = len(seen) - 1 - seen[::-1].index("--server.fileWatcherType")
    assert seen[last + 1] == "auto"  # the user's flag comes after the launcher's, and wins


def launched(monkeypatch: pytest.MonkeyPatch, argv: list[str] | None = None) -> list[str]:
    """The `streamlit run` command line the launcher builds for `argv` (nothing is started)."""
    seen: list[str] = []
    monkeypatch.setattr(serve.cli, "main", lambda: seen.extend(sys.argv))
    monkeypatch.setattr(serve, "patch_server_socket", lambda: None)
    monkeypatch.setattr(serve.os, "chdir", lambda _: None)
    monkeypatch.setattr(sys, "argv", ["serve"])
    serve.main(["--server.port", "9999"] if argv is None else argv)
    return seen


def test_the_configured_upload_limit_reaches_streamlit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERBOARD_MAX_UPLOAD_MB", "5")
    argv = launched(monkeypatch)
    assert argv[argv.index("--server.maxUploadSize") + 1] == "5"
    assert argv[-2:] == ["--server.port", "9999"]  # the user's own flags come last and win


def test_without_configuration_streamlit_keeps_its_upload_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "--server.maxUploadSize" not in launched(monkeypatch)


def test_a_relative_data_path_is_pinned_before_the_launcher_changes_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "mine.csv").write_text("customer_id,annual_revenue\n1,5\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIERBOARD_DATA", "mine.csv")
    launched(monkeypatch)
    assert os.environ["TIERBOARD_DATA"] == str(tmp_path / "mine.csv")


def test_a_bad_configuration_stops_the_start_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIERBOARD_AUTH", "magic")
    with pytest.raises(SystemExit) as stopped:
        launched(monkeypatch)
    assert stopped.value.code == 2
    assert "TIERBOARD_AUTH" in capsys.readouterr().err


def test_with_sign_in_on_the_launcher_guards_the_upload_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    guards: list[object] = []
    monkeypatch.setattr(serve, "guard_uploads", guards.append)
    launched(monkeypatch)
    assert guards == []  # laptop mode: Streamlit's endpoint as it is
    monkeypatch.setenv("TIERBOARD_AUTH", "oidc")
    monkeypatch.setenv("TIERBOARD_ALLOWED_DOMAINS", "example.com")
    launched(monkeypatch)
    (admits,) = guards
    assert admits({"is_logged_in": True, "email": "ana@example.com"})
    assert not admits({"is_logged_in": False})
    assert not admits({})
