"""Every place tierboard reaches into Streamlit's private code (1.67), in one file.

The server patches are applied by the launcher (ui/serve.py) before Streamlit builds its server;
the AppTest one by the test fixtures and bench. Each has a test that fails loudly when Streamlit
changes what it relies on — then fix or drop the patch, never let it silently stop working:

- `patch_server_socket`: the listening socket as an IPPROTO_TCP socket, so that asyncio turns
  Nagle's algorithm off on accepted connections (BENCHMARKS.md). Upstream: no Streamlit issue
  found for it (searched November 2026); Streamlit binds with `socket.socket(family)`, protocol
  0, and asyncio's `_set_nodelay` only acts on IPPROTO_TCP sockets. Tests:
  tests/app/test_serve.py (`test_streamlit_alone_leaves_nagle_on_for_accepted_connections`
  fails when Streamlit fixes it: drop the patch).
- `guard_uploads`: Streamlit's upload endpoint (`PUT /_stcore/upload_file/{session}/{file}`)
  refuses, with 403 and before reading any of the body, a session whose user may not use the
  app. `st.login` gates the script, not that endpoint: without the guard, anyone who can open
  the sign-in page can make a session and a token of their own and send 200 MB per request
  into the server's memory (tierboard issue 13, finding 2). Upstream: no Streamlit issue on
  authentication of the endpoint found; nearest are streamlit/streamlit#2418 (the endpoint
  checks only that the session exists) and #7024 (it does not enforce the uploader's types).
  Tests: tests/app/test_upload_guard.py.
- `use_navigation_only` / `left_pages_directory_mode`: the server never runs a script in the
  old pages-directory mode (with a `pages/` folder, Streamlit starts each process in it, and the
  first run's sidebar widgets then get ids no later run gives them: the browser showed the
  sidebar's defaults next to figures that used other values). Upstream: streamlit/streamlit#9446.
  Tests: tests/e2e/test_deep_link_browser.py.
- `patch_apptest_navigation_only`: AppTest runs every page inside app.py. Upstream:
  streamlit/streamlit#9446, fixed by PR #14217 by resetting `PagesManager.uses_pages_directory`
  before every AppTest run — which, with a `pages/` folder next to app.py (tierboard's fixed
  layout), puts each run back in the old pages-directory mode, so from the second run on a
  switched-to page runs without app.py (no sidebar).
  Tests: tests/app/test_entry.py.
- `forget_session` / `current_session_id`: a session that expired while disconnected is only
  forgotten by Streamlit (MemorySessionStorage reaps it without shutdown()), and its uploaded
  files' bytes stay in the uploaded-file manager: ui/session.py asks the Runtime to drop both
  once the reconnect window has passed. `Runtime`, its uploaded-file manager and the script run
  context are not in Streamlit's documented API. Tests: tests/app/test_session_lifetime.py.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Mapping
from typing import Any

from streamlit.runtime import Runtime
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.web.server.starlette import starlette_app, starlette_server

_LOGGER = logging.getLogger(__name__)

Admits = Callable[[Mapping[str, object]], bool]  # a session's user info -> may it upload?


# ---------------------------------------------------------------------------------------------
# TCP_NODELAY on accepted connections.


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


# ---------------------------------------------------------------------------------------------
# The upload endpoint, for signed-in users only.


def session_user(runtime: Any, session_id: str) -> dict[str, object] | None:
    """The user info of an active session (what `st.user` reads in it), None if no such session.

    Streamlit keeps it on the AppSession, set from the signed auth cookie when the browser
    connected and cleared on sign-out; there is no public accessor.
    """
    active = runtime._session_mgr.get_active_session_info(session_id)
    if active is None:
        return None
    session = active.session
    with session._user_info_lock:
        return dict(session._user_info)


def may_upload(runtime: Any, session_id: str, admits: Admits) -> bool:
    """Whether the session may send a file. A session Streamlit does not know is left to
    Streamlit (it answers 400 without reading the body); internals that moved refuse."""
    try:
        user = session_user(runtime, session_id)
    except (AttributeError, TypeError):
        _LOGGER.error(
            "tierboard: Streamlit's sessions changed shape; refusing uploads (ui/internals.py)"
        )
        return False
    return user is None or admits(user)


def _guarded_put(route: Any, runtime: Any, admits: Admits) -> Any:
    from starlette.responses import PlainTextResponse  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    endpoint = route.endpoint

    async def guarded_upload_put(request: Any) -> Any:
        # Runs once the request's headers are in, before any of its body is read.
        if not may_upload(runtime, request.path_params.get("session_id", ""), admits):
            return PlainTextResponse("Sign in to upload files.", status_code=403)
        return await endpoint(request)

    guarded_upload_put.tierboard_guarded = True  # type: ignore[attr-defined]
    return Route(route.path, guarded_upload_put, methods=["PUT"])


def guard_uploads(admits: Admits) -> None:
    """Make Streamlit's upload endpoint refuse sessions whose user `admits` turns away."""
    original = starlette_app.create_upload_routes
    if getattr(original, "tierboard_guarded", False):
        return

    def create_guarded_upload_routes(runtime: Any, upload_mgr: Any, base_url: str | None) -> list:
        routes = original(runtime, upload_mgr, base_url)
        return [
            _guarded_put(route, runtime, admits)
            if "PUT" in (getattr(route, "methods", None) or ())  # a BaseRoute may have none
            else route
            for route in routes
        ]

    create_guarded_upload_routes.tierboard_guarded = True  # type: ignore[attr-defined]
    starlette_app.create_upload_routes = create_guarded_upload_routes


# ---------------------------------------------------------------------------------------------
# The server and AppTest: every run in st.navigation's mode.


def use_navigation_only() -> None:
    """Turn Streamlit's pages-directory mode off for this process (ui/serve.py, at start)."""
    PagesManager.uses_pages_directory = False


def left_pages_directory_mode() -> bool:
    """True when this run was started in Streamlit's pages-directory mode, which is now off.

    With a `pages/` folder, a process's first run goes through that mode (`_mpa_v1` in
    streamlit/runtime/scriptrunner/script_runner.py) even for app.py, and the widgets it draws
    get ids the next runs do not give them: the browser then shows the sidebar's defaults
    (2 tiers, cut-offs at the lowest stop) while every figure uses the session's 3 tiers at
    $55K / $20K, until someone touches a control. The launcher turns the mode off before the
    server starts; this covers a bare `streamlit run app.py`. The caller reruns before drawing
    anything. Test: tests/e2e/test_deep_link_browser.py (both ways of starting).
    """
    if not PagesManager.uses_pages_directory:
        return False
    use_navigation_only()
    return True


class _NavigationOnlyPagesManager(PagesManager):
    """A PagesManager that never falls back to the `pages/` directory mode (MPA v1)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


def patch_apptest_navigation_only() -> Callable[[], None]:
    """Make AppTest run every page through app.py's st.navigation; returns the undo."""
    from streamlit.testing.v1 import app_test  # noqa: PLC0415 - not in the server

    name = "PagesManager"  # the class app_test builds before each run
    original = getattr(app_test, name)
    setattr(app_test, name, _NavigationOnlyPagesManager)

    def undo() -> None:
        setattr(app_test, name, original)

    return undo


# ---------------------------------------------------------------------------------------------
# Sessions gone for good.


def forget_session(session_id: str) -> None:
    """Ask Streamlit to close a session and drop its uploaded files (both thread-safe): past the
    reconnect window its id cannot be active again."""
    if Runtime.exists():
        runtime = Runtime.instance()
        runtime.clear_user_info_for_session(session_id)
        runtime.uploaded_file_mgr.remove_session_files(session_id)


def current_session_id() -> str | None:
    """The id of the browser session this script run serves (None outside a run)."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.session_id
