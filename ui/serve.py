"""Start tierboard's server the fast way: `python -m ui.serve [streamlit run options]`.

`make run` and `tierboard serve` use this instead of a bare `streamlit run app.py` because two
Streamlit defaults cost every rerun of every app tens of milliseconds (BENCHMARKS.md):

- the listening socket is created as `socket.socket(family)`, so its protocol number is 0, and
  asyncio only switches Nagle's algorithm off (TCP_NODELAY) on accepted sockets whose protocol is
  IPPROTO_TCP: each small reply then waits ~40 ms for the client's delayed ACK;
- a full garbage collection after every script run (`runner.postScriptGC`, turned off in
  `.streamlit/config.toml` and again here so it holds wherever the app is started from).
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from streamlit.web import cli
from streamlit.web.server.starlette import starlette_server

from lib import config
from lib.errors import InputError
from ui import entry

APP = Path(__file__).resolve().parent.parent / "app.py"

# Command-line settings applied to every start; the user's own flags come after and win.
SERVER_FLAGS = ("--runner.postScriptGC", "false")


def as_tcp(sock: socket.socket) -> socket.socket:
    """The same listening socket, re-labelled with protocol IPPROTO_TCP.

    Sockets accepted from it inherit the protocol number, and asyncio then sets TCP_NODELAY on
    each of them (`asyncio.base_events._set_nodelay`).
    """
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    blocking = sock.getblocking()
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.setblocking(blocking)
    return tcp


def patch_server_socket() -> None:
    """Make Streamlit's server bind its listening socket as an IPPROTO_TCP socket."""
    original: Callable[..., socket.socket] = starlette_server._bind_socket
    if getattr(original, "tierboard_tcp", False):
        return

    def bind_tcp_socket(address: str, port: int, backlog: int) -> socket.socket:
        return as_tcp(original(address, port, backlog))

    bind_tcp_socket.tierboard_tcp = True  # type: ignore[attr-defined]
    starlette_server._bind_socket = bind_tcp_socket


def main(argv: Sequence[str] | None = None) -> None:
    patch_server_socket()
    entry.use_navigation_only()  # deep links run through app.py from the first request
    try:  # a configuration that cannot be used stops the start, with its one-sentence reason
        settings = config.load()
    except InputError as error:
        print(f"tierboard: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    # Streamlit reads .streamlit/config.toml from the working directory: run from the project's
    # root wherever we were started, with relative paths (TIERBOARD_DATA, ./tierboard.toml)
    # pinned to where they pointed.
    os.environ.update(config.pinned_environment(settings))
    os.chdir(APP.parent)
    args = list(sys.argv[1:] if argv is None else argv)
    flags = [*SERVER_FLAGS, *config.streamlit_flags(settings)]
    sys.argv = ["streamlit", "run", str(APP), *flags, *args]
    cli.main()


if __name__ == "__main__":
    main()
