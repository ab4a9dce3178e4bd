"""Browser fixtures: the real app under `streamlit run` on a free port, and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
STARTUP_SECONDS = 90
# Generous: the suite runs two workers in parallel, each with its own app and browser.
WAIT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{server.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy in time")


def start_app(
    extra_env: dict[str, str] | None = None, script: str | None = None
) -> tuple[str, subprocess.Popen]:
    """Start the app through its launcher (or `streamlit run script`); return URL and process."""
    port = _free_port()
    # Laptop mode on the sample unless the test says otherwise, whatever the developer's shell
    # or folder has set (TIERBOARD_* variables, a tierboard.toml); scenarios in a folder of its own.
    env = {key: value for key, value in os.environ.items() if not key.startswith("TIERBOARD_")}
    private = Path(tempfile.mkdtemp(prefix="tierboard-e2e-"))
    (private / "tierboard.toml").write_text("", encoding="utf-8")
    env |= {"TIERBOARD_CONFIG": str(private / "tierboard.toml"), "TIERBOARD_DATA_DIR": str(private)}
    env.update(extra_env or {})
    launcher = ["ui.serve"] if script is None else ["streamlit", "run", script]
    server = subprocess.Popen(
        [sys.executable, "-m", *launcher, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         # Sources edited while the suite runs must not reload modules under a test's feet.
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
    except Exception:
        server.kill()
        raise
    return url, server


def stop_app(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The app on the bundled sample, shared by the browser tests of one worker."""
    url, server = start_app()
    yield url
    stop_app(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI") or os.environ.get("TIERBOARD_REQUIRE_BROWSER"):
            pytest.fail("Chromium is not installed at /usr/bin/chromium (.ci/run installs it)")
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _watched_tab(context: object) -> object:
    """A new tab in `context` that collects console errors in `tab.console_errors`."""
    tab = context.new_page()
    tab.console_errors = []
    tab.on(
        "console",
        lambda message: (
            tab.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    return tab


FAILURES = SCREENSHOTS / "failures"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """On a failed browser test, keep what each of its tabs showed: a screenshot in
    tests/e2e/screenshots/failures/ and the visible text in the report (CI prints it), so a
    failure seen once, under load, can be read afterwards."""
    report = yield
    if report.when == "call" and report.failed:
        tabs = [item.funcargs[name] for name in ("page",) if name in item.funcargs]
        for number, tab in enumerate(tabs):
            try:
                FAILURES.mkdir(parents=True, exist_ok=True)
                # One file per attempt: a retry must not overwrite the first failure's picture.
                attempt = getattr(item, "execution_count", 1)
                path = FAILURES / f"{item.name}-{number}-attempt{attempt}.png"
                tab.screenshot(path=str(path), full_page=True)
                text = tab.inner_text("body", timeout=2_000)
            except Exception as error:  # a closed tab or a dead server: say so, keep the failure
                text = f"(the tab could not be read: {error})"
            report.sections.append((f"visible text of tab {number}", text[:6_000]))
    return report


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    yield _watched_tab(context)
    context.close()


@pytest.fixture
def new_tab(browser: object) -> Iterator[Callable[..., object]]:
    """Opens tabs, each in a fresh browser context: no shared cookies, its own app session."""
    contexts = []

    def open_tab(width: int = 1600, height: int = 1000) -> object:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return _watched_tab(context)

    yield open_tab
    for context in contexts:
        context.close()


def figure(tab: object, tier: int, name: str) -> object:
    """A figure the page shows, e.g. figure(tab, 1, "customers") for Tier 1's customer count."""
    return tab.locator(f'[data-tier="{tier}"][data-figure="{name}"]').first


def wait_for_figure(tab: object, tier: int, name: str, value: str) -> None:
    tab.locator(f'[data-tier="{tier}"][data-figure="{name}"]', has_text=value).first.wait_for(
        timeout=WAIT_MS
    )


def wait_until_idle(tab: object) -> None:
    """Wait until the app's script is not running (no rerun in flight to replace the screen).

    Only meaningful after something on screen showed the run had started or ended: right after
    an input event the run may not have begun yet. The browser may still be drawing what the run
    sent (widgets load their code on first use): wait for that content too. Elements the last
    run left stale (still faded on screen) must be gone.
    """
    tab.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')
                    ?.getAttribute('data-test-script-state') === 'notRunning'
                 && !document.querySelector('[data-testid="stMain"] [data-stale="true"]')""",
        timeout=WAIT_MS,
    )


def screenshot(tab: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


A4_CONTENT_PX = 718  # 210 mm less 2 x 14 mm of margin, at 96 px an inch


def sample_pack_content(cuts: list[float], **extra: object) -> object:
    """The meeting pack's content for the bundled sample at `cuts` (plus any of its other
    fields, e.g. capacities), as the printed-pack tests draw it."""
    from lib import pack, tiering
    from lib.dataset import Dataset
    from lib.sample import SAMPLE_PATH

    dataset = Dataset.from_csv(SAMPLE_PATH)
    fields: dict[str, object] = {
        "title": "Customer tiers",
        "dataset": "customers.csv · 5,000 customers",
        "scope": "all customers",
        "criteria": "annual revenue",
        "summary": tiering.summarize(dataset.index, cuts),
        "score": False,
        "pareto": dataset.index.pareto,
    }
    return pack.PackContent(**{**fields, **extra})


def printed_pack(
    new_tab: Callable[..., object], content: object, folder: Path, height: int = 1000
) -> object:
    """A tab showing the meeting pack of `content` as Chromium prints it on A4."""
    from datetime import UTC, datetime

    from lib import pack

    path = folder / "pack.html"
    path.write_text(pack.render(content, datetime(2026, 11, 25, tzinfo=UTC)), encoding="utf-8")
    tab = new_tab(A4_CONTENT_PX, height)
    tab.emulate_media(media="print")
    tab.goto(path.as_uri())
    tab.evaluate("document.fonts.ready.then(() => true)")
    return tab


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test gets one retry. It drives a real server and Chromium on a 2-core CI machine
    that is running the rest of the suite at the same time: a rerun that is one scheduling hiccup
    late (seen once in ~10 full runs) is not a defect of the app. A test that fails twice fails;
    the first attempt's screenshot and text are kept (pytest_runtest_makereport above) and the
    retry is printed as R in the summary, so a flaky test stays visible."""
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.flaky(reruns=1))
