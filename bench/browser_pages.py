"""Benchmark: key press to page settled on every page the app registers, in Chromium, and where
the time goes.

Each page is opened as a person opens it (its link in the sidebar's navigation), then the Tier-1
cut-off slider in the sidebar is moved one stop at a time with the arrow keys (up on one page,
back down on the next, so the cut-off stays inside its range). A move is
stamped at these points on the page's one clock (`performance.now()`):

- the key press (a keydown listener);
- the rerun request leaving on the websocket (`WebSocket.prototype.send`, wrapped);
- the rerun's last message arriving (every message is stamped, by a listener on the app's
  websocket);
- the last change to the page's DOM before 600 ms of quiet (a MutationObserver), and the last
  change inside a Plotly chart apart.

So a move splits into *input* (key press to request: the slider widget's own handling),
*server and network* (request to the rerun's last message: the script run, its messages and the
websocket), and *drawing* (last message to the page settled: React, and Plotly for the charts).
Each move is checked to change the page's main text, except on a page where no figure depends
on the cut-offs (said so in the output). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bench.browser import QUIET_MS, open_app
from bench.pages import registered_pages
from bench.report import spread
from tests.e2e.conftest import start_app, stop_app

# Installed before the app's own code runs: every websocket message stamped as it arrives.
SOCKET_STAMPS = """
window.__ws = {sent: [], received: []};
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
    window.__ws.sent.push(performance.now());
    return send.call(this, data);
};
const Native = window.WebSocket;
window.WebSocket = function (...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', () => window.__ws.received.push(performance.now()));
    return socket;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""
WATCH = """
window.__tb = {last: 0, plotly: 0, key: 0};
new MutationObserver((records) => {
    const now = performance.now();
    window.__tb.last = now;
    if (records.some(r => r.target.closest && r.target.closest('.js-plotly-plot'))) {
        window.__tb.plotly = now;
    }
}).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
document.addEventListener('keydown', (event) => {
    window.__tb.key = event.timeStamp;
    window.__ws.sent = []; window.__ws.received = [];
}, true);
"""
SETTLED = f"""() => window.__tb.last > window.__tb.key &&
    performance.now() - window.__tb.last > {QUIET_MS}"""
MAIN_TEXT = """() => document.querySelector('[data-testid="stMain"]').innerText"""


def settle(page: Page) -> None:
    """Wait until the page has been quiet for QUIET_MS (after a navigation or a move)."""
    page.evaluate(
        """() => new Promise((done) => {
            let last = performance.now();
            const observer = new MutationObserver(() => { last = performance.now(); });
            observer.observe(document.body, {subtree: true, childList: true,
                characterData: true, attributes: true});
            const check = () => performance.now() - last > %d
                ? (observer.disconnect(), done()) : setTimeout(check, 50);
            setTimeout(check, 50);
        })""".replace("%d", str(QUIET_MS))
    )


def one_move(page: Page, key: str) -> dict[str, float | bool]:
    """Press `key` on the focused slider; the move's stamps, as parts in ms."""
    before = page.evaluate(MAIN_TEXT)
    page.keyboard.press(key)
    page.wait_for_function(SETTLED, timeout=120_000, polling=50)
    stamps = page.evaluate("({tb: window.__tb, ws: window.__ws})")
    pressed, last, plotly = stamps["tb"]["key"], stamps["tb"]["last"], stamps["tb"]["plotly"]
    sent = [t for t in stamps["ws"]["sent"] if t >= pressed]
    received = [t for t in stamps["ws"]["received"] if sent and t >= sent[0]]
    request = sent[0] if sent else pressed
    reply = received[-1] if received else request
    return {
        "settled": last - pressed,
        "input": request - pressed,
        "server": reply - request,
        "drawing": last - reply,
        "plotly": plotly - reply if plotly > reply else 0.0,
        "changed": page.evaluate(MAIN_TEXT) != before,
    }


def measure_page(page: Page, title: str, moves: int, key: str) -> dict[str, object]:
    page.get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_selector('[data-testid="stMain"]', timeout=600_000)
    settle(page)
    page.evaluate(WATCH)
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
    slider.focus()
    found = [one_move(page, key) for _ in range(moves)]
    parts = ("input", "server", "drawing", "plotly")
    return {
        "summary": spread([float(move["settled"]) for move in found]),
        "parts_median_ms": {
            part: round(statistics.median(float(move[part]) for move in found), 1) for part in parts
        },
        "changes_page": all(bool(move["changed"]) for move in found),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--moves", type=int, default=6, help="moves on each page")
    parser.add_argument("--only", nargs="*", help="page titles to measure (default: every one)")
    args = parser.parse_args()
    titles = [title for title, _ in registered_pages() if not args.only or title in args.only]
    url, server = start_app({"TIERBOARD_DATA": str(args.file.resolve())})
    pages: dict[str, object] = {}
    try:
        with sync_playwright() as playwright:
            browser, page = open_app(playwright, url, before_load=SOCKET_STAMPS)
            for number, title in enumerate(titles):
                print(f"browser_pages: {title}", file=sys.stderr, flush=True)
                # Up on one page, back down on the next: the cut-off stays inside its range
                # however many pages there are (each page's moves are distinct on that page).
                key = "ArrowRight" if number % 2 == 0 else "ArrowLeft"
                pages[title] = measure_page(page, title, args.moves, key)
            browser.close()
    finally:
        stop_app(server)
    print(json.dumps({"pages": pages}))


if __name__ == "__main__":
    main()
