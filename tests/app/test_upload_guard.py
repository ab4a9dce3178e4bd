"""With sign-in on, Streamlit's upload endpoint takes files only from signed-in, admitted sessions.

A real server started by the launcher, real requests: a stranger on the sign-in page (a session
of their own and an XSRF token they made) is refused with 403 before the body is read, and the
server's memory does not grow by what they send; a signed-in session still uploads (issue 13,
finding 2).
"""

from __future__ import annotations

import inspect
import json
import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.app_session import AppSession
from streamlit.web.server.starlette import starlette_app, starlette_app_utils
from websockets.sync.client import connect

from tests.e2e.conftest import start_app, stop_app
from ui import internals

COOKIE_SECRET = "test-cookie-secret-for-the-upload-guard"
XSRF_COOKIE = "_streamlit_xsrf"
USER_COOKIE = "_streamlit_user"
MIB = 1024 * 1024
BODY = 100 * MIB  # what a stranger tries to put in the server's memory per request
ALICE = {"is_logged_in": True, "email": "alice@example.com", "name": "Alice Martin"}


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    def rss(self) -> int:
        """The server process's resident memory, in bytes."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) * 1024


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """The app through its launcher with sign-in on (no provider needed: nobody signs in for
    real here; the signed-in browser's cookie is made with the server's cookie secret)."""
    url, process = start_app(
        {
            "TIERBOARD_AUTH": "oidc",
            "TIERBOARD_ALLOWED_DOMAINS": "example.com",
            "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET,
        }
    )
    yield Server(url, process)
    stop_app(process)


@dataclass
class Browser:
    """What a browser tab holds: its cookies, its XSRF token and its open session."""

    cookies: dict[str, str]
    token: str
    session_id: str


@contextmanager
def open_session(server: Server, user: dict[str, object] | None = None) -> Iterator[Browser]:
    """Connect as the browser does; the session Streamlit made for it, open while in use."""
    token = starlette_app_utils.generate_xsrf_token_string()  # made by the client: anyone can
    cookies = {XSRF_COOKIE: token}
    if user is not None:  # what /oauth2callback sets after a sign-in with the provider
        payload = json.dumps({"origin": server.url, **user})
        cookies[USER_COOKIE] = starlette_app_utils.create_signed_value(
            COOKIE_SECRET, USER_COOKIE, payload
        ).decode()
    with connect(
        server.url.replace("http://", "ws://") + "/_stcore/stream",
        subprotocols=["streamlit", token],  # type: ignore[list-item]
        additional_headers={
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Origin": server.url,
        },
        max_size=None,
    ) as ws:
        rerun = BackMsg()
        rerun.rerun_script.query_string = ""
        rerun.rerun_script.page_script_hash = ""
        ws.send(rerun.SerializeToString())
        for _ in range(1000):
            message = ForwardMsg()
            message.ParseFromString(ws.recv(timeout=60))
            if message.WhichOneof("type") == "new_session":
                yield Browser(cookies, token, message.new_session.initialize.session_id)
                return
        raise AssertionError("the server never started the session")


def put_file(server: Server, browser: Browser, size: int) -> int:
    """PUT a file of `size` bytes to the session's upload endpoint, sending the body at once
    (as an attacker does, without waiting to be asked); returns the HTTP status."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    parts = urlsplit(server.url)
    request = (
        f"PUT /_stcore/upload_file/{browser.session_id}/{uuid.uuid4()} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\nOrigin: {server.url}\r\n"
        f"Cookie: {'; '.join(f'{k}={v}' for k, v in browser.cookies.items())}\r\n"
        f"X-Xsrftoken: {browser.token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + size + len(tail)}\r\nConnection: close\r\n\r\n"
    ).encode()
    chunk = b"1" * MIB
    with socket.create_connection((parts.hostname, parts.port), timeout=120) as connection:

        def send() -> None:
            try:
                connection.sendall(request + head)
                for start in range(0, size, MIB):
                    connection.sendall(chunk[: min(MIB, size - start)])
                connection.sendall(tail)
            except OSError:  # the server answered and closed without reading it all
                pass

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        answer = b""
        while b"\r\n" not in answer:
            data = connection.recv(4096)
            if not data:
                break
            answer += data
        sender.join(timeout=120)
    return int(answer.split(b" ", 2)[1])


def test_a_stranger_on_the_sign_in_page_cannot_upload_nor_fill_the_memory(server: Server) -> None:
    with open_session(server) as stranger:
        before = server.rss()
        statuses = [put_file(server, stranger, BODY) for _ in range(2)]
        grown = server.rss() - before
    # Without the guard: 204 twice, and the server holds both files (+200 MiB).
    assert grown < BODY // 4, f"the server grew by {grown / MIB:.0f} MiB"
    assert statuses == [403, 403]


def test_a_signed_in_user_still_uploads(server: Server) -> None:
    with open_session(server, ALICE) as alice:
        assert put_file(server, alice, 1000) == 204


def test_a_signed_in_user_of_another_domain_cannot_upload(server: Server) -> None:
    with open_session(server, {"is_logged_in": True, "email": "mallory@evil.example"}) as mallory:
        assert put_file(server, mallory, 1000) == 403


def test_an_unverified_email_cannot_upload(server: Server) -> None:
    with open_session(server, {**ALICE, "email_verified": False}) as unverified:
        assert put_file(server, unverified, 1000) == 403


# --- what the guard relies on in Streamlit: fails loudly when an upgrade moves it ---------------


def test_streamlit_still_builds_its_upload_routes_where_the_guard_wraps_them() -> None:
    """When this fails, Streamlit changed how it registers /_stcore/upload_file: re-check
    ui/internals.guard_uploads against the new code before upgrading."""
    built = inspect.getsource(starlette_app.create_streamlit_routes)
    assert "create_upload_routes(runtime, upload_mgr, base_url)" in built
    routes = starlette_app.create_upload_routes(object(), object(), None)
    put = [route for route in routes if "PUT" in (route.methods or ())]
    assert [route.path for route in put] == ["/_stcore/upload_file/{session_id}/{file_id}"]


def test_streamlit_still_keeps_the_user_on_the_session_where_the_guard_reads_it() -> None:
    source = inspect.getsource(AppSession.__init__)
    assert "self._user_info = user_info" in source
    assert "self._user_info_lock = threading.Lock()" in source


def test_internals_that_moved_refuse_uploads_rather_than_admit_them() -> None:
    assert not internals.may_upload(object(), "some-session", lambda user: True)
