"""Benchmark: slider-move round trip against a real server, over its websocket, as a browser does.

Starts the app (through the `ui.serve` launcher, or a bare `streamlit run` with --bare), opens
`/_stcore/stream`, runs the page once, then moves the Tier-1 slider to distinct stops. Each move
is timed from sending the rerun request to receiving `script_finished`, and its bytes counted.
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect

from bench.report import spread
from tests.e2e.conftest import ROOT, _free_port, _wait_healthy

SLIDER_LABEL = "Tier 1 starts at"


def start_server(data: Path, bare: bool) -> tuple[str, subprocess.Popen]:
    port = _free_port()
    env = {**os.environ, "TIERBOARD_DATA": str(data)}
    command = (
        [sys.executable, "-m", "streamlit", "run", "app.py"]
        if bare
        else [sys.executable, "-m", "ui.serve"]
    )
    server = subprocess.Popen(
        [*command, "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url, server)
    return url, server


def rerun(
    socket: object, widget: WidgetState | None, page: str = ""
) -> tuple[list[ForwardMsg], int]:
    """Send one rerun request; return the messages up to script_finished and their bytes.

    Like the browser, a rerun names the page it is on: an empty page hash means "open the
    default page", which is a navigation, and a navigation drops the widgets' state.
    """
    message = BackMsg()
    message.rerun_script.query_string = ""
    message.rerun_script.page_script_hash = page
    if widget is not None:
        message.rerun_script.widget_states.widgets.append(widget)
    socket.send(message.SerializeToString())
    received, size = [], 0
    while True:
        raw = socket.recv(timeout=600)
        size += len(raw)
        forward = ForwardMsg()
        forward.ParseFromString(raw)
        received.append(forward)
        if forward.WhichOneof("type") == "script_finished":
            return received, size


def peak_rss(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def drain(socket: object, quiet_seconds: float = 0.3) -> None:
    """Read until the server has been quiet for a while (e.g. a rerun it started by itself)."""
    while True:
        try:
            socket.recv(timeout=quiet_seconds)
        except TimeoutError:
            return


def page_hash(messages: list[ForwardMsg]) -> str:
    return next(
        m.navigation.page_script_hash for m in messages if m.WhichOneof("type") == "navigation"
    )


def find_slider(messages: list[ForwardMsg]) -> tuple[str, list[str]]:
    for message in messages:
        if message.WhichOneof("type") != "delta":
            continue
        element = message.delta.new_element
        if element.WhichOneof("type") == "slider" and element.slider.label == SLIDER_LABEL:
            return element.slider.id, list(element.slider.options)
    raise LookupError(f"no slider labelled {SLIDER_LABEL!r} on the page")


def metric_values(messages: list[ForwardMsg]) -> tuple[str, ...]:
    """The figures a run shows: the bodies of its metrics and HTML views."""
    shown = []
    for message in messages:
        if message.WhichOneof("type") != "delta":
            continue
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        if kind in ("metric", "html"):
            shown.append(getattr(element, kind).body)
    return tuple(shown)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--bare", action="store_true", help="plain `streamlit run`, no launcher")
    args = parser.parse_args()
    url, server = start_server(args.file.resolve(), args.bare)
    try:
        ws_url = url.replace("http", "ws") + "/_stcore/stream"
        with connect(ws_url, subprotocols=["streamlit"], max_size=None) as socket:
            first, _ = rerun(socket, None)
            drain(socket)
            page = page_hash(first)
            # Widget ids depend on the page: rerun once on the named page, as the browser does,
            # and take the ids from there (and again after every move).
            first, _ = rerun(socket, None, page)
            drain(socket)
            slider_id, options = find_slider(first)
            middle = options[len(options) // 5 : len(options) * 4 // 5]
            stops = middle[:: max(1, len(middle) // args.moves)][: args.moves]
            stops = stops[::2] + stops[1::2]
            timings, sizes, previous = [], [], metric_values(first)
            for label in stops:
                widget = WidgetState(id=slider_id)
                widget.string_array_value.data.append(label)
                started = time.perf_counter()
                messages, size = rerun(socket, widget, page)
                timings.append((time.perf_counter() - started) * 1000)
                sizes.append(size)
                drain(socket)  # outside the timing: stragglers must not count for the next move
                slider_id, _ = find_slider(messages)
                values = metric_values(messages)
                if values == previous:
                    raise AssertionError(f"moving the slider to {label} changed no figure")
                previous = values
        peak_rss_mib = peak_rss(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(
        json.dumps(
            {
                "moves_ms": [round(t, 2) for t in timings],
                "summary": spread(timings),
                "kib_per_move": spread([s / 1024 for s in sizes]),
                "server_peak_rss_mib": peak_rss_mib,
            }
        )
    )


if __name__ == "__main__":
    main()
