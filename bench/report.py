"""Turn benchmark results into BENCHMARKS.md (results of every size kept in bench/results.json)."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Result:
    rows: int
    load: dict
    moves: dict
    naive_moves: dict | None
    roundtrip: dict
    browser: dict
    naive_browser: dict | None
    pages: dict | None = None  # bench/pages.py: {"pages": {title: {...}}}
    sessions: dict | None = None  # bench/sessions.py: concurrent sessions on one server
    natural: dict | None = None  # bench/natural.py: natural-break cut-offs on the index
    browser_pages: dict | None = None  # bench/browser_pages.py: every page in Chromium


@dataclass(frozen=True)
class Target:
    what: str
    rows: int
    limit: float
    unit: str

    def value(self, result: Result) -> float | None:
        return _MEASURES[self.what](result)


def spread(samples: list[float]) -> dict[str, float]:
    """n / min / median / p90 / max of `samples`, rounded for a table."""
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "min": round(ordered[0], 2),
        "median": round(statistics.median(ordered), 2),
        "p90": round(p90, 2),
        "max": round(ordered[-1], 2),
    }


def _speedup(result: Result) -> float | None:
    if result.naive_moves is None:
        return None
    return result.naive_moves["summary"]["median"] / result.moves["summary"]["median"]


def _first_run_ratio(result: Result) -> float | None:
    """tierboard's first run (load + first page, AppTest) over the naive peer's, same run."""
    if result.naive_moves is None or "first_run_seconds" not in result.moves:
        return None
    return result.moves["first_run_seconds"] / result.naive_moves["first_run_seconds"]


def _page_medians(result: Result) -> dict[str, float]:
    pages = (result.pages or {}).get("pages", {})
    return {title: page["summary"]["median"] for title, page in pages.items()}


def _slowest_page(result: Result) -> float | None:
    medians = _page_medians(result)
    return max(medians.values()) if medians else None


def _slowest_over_tiers(result: Result) -> float | None:
    medians = _page_medians(result)
    if not medians or not medians.get("Tiers"):
        return None
    return max(medians.values()) / medians["Tiers"]


def _slowest_browser_page(result: Result) -> float | None:
    pages = (result.browser_pages or {}).get("pages", {})
    return max(page["summary"]["median"] for page in pages.values()) if pages else None


def _sessions(key: str) -> Callable[[Result], float | None]:
    return lambda r: r.sessions[key] if r.sessions else None


_MEASURES: dict[str, Callable[[Result], float | None]] = {
    "server time per move (AppTest), median": lambda r: r.moves["summary"]["median"],
    "speed-up over the naive peer (AppTest medians)": _speedup,
    "real-server round trip (websocket), median": lambda r: r.roundtrip["summary"]["median"],
    "key press to page settled (Chromium), median": lambda r: r.browser["summary"]["median"],
    "bytes sent per move (websocket), max": lambda r: r.roundtrip["kib_per_move"]["max"],
    "load the CSV (real ingest path)": lambda r: r.load["seconds"],
    "first run (AppTest), tierboard / naive peer": _first_run_ratio,
    "server peak memory (RSS) after load and moves": lambda r: r.roundtrip["server_peak_rss_mib"],
    "slowest page: server time per move (AppTest), median": _slowest_page,
    "slowest page over the Tiers page (same run)": _slowest_over_tiers,
    "slowest page: key press to page settled (Chromium), median": _slowest_browser_page,
    "20 concurrent sessions: server time per move, p90": _sessions("p90_ms"),
    "20 concurrent sessions: errors": _sessions("errors"),
    "20 concurrent sessions: RSS per extra session": _sessions("mib_per_extra_session"),
    "natural-break suggestion, 3 tiers, nothing cached": lambda r: (
        r.natural["suggestion_seconds"] if r.natural else None
    ),
}

TARGETS = (
    Target("server time per move (AppTest), median", 1_000_000, 20, "ms"),
    Target("speed-up over the naive peer (AppTest medians)", 1_000_000, -10, "x"),
    Target("real-server round trip (websocket), median", 1_000_000, 25, "ms"),
    Target("key press to page settled (Chromium), median", 1_000_000, 100, "ms"),
    Target("slowest page: key press to page settled (Chromium), median", 1_000_000, 150, "ms"),
    Target("bytes sent per move (websocket), max", 1_000_000, 100, "KiB"),
    Target("load the CSV (real ingest path)", 1_000_000, 1.5, "s"),
    Target("first run (AppTest), tierboard / naive peer", 1_000_000, 1, "x"),
    Target("server peak memory (RSS) after load and moves", 1_000_000, 600, "MiB"),
    Target("slowest page: server time per move (AppTest), median", 1_000_000, 20, "ms"),
    Target("slowest page over the Tiers page (same run)", 1_000_000, 2, "x"),
    Target("20 concurrent sessions: server time per move, p90", 1_000_000, 50, "ms"),
    Target("20 concurrent sessions: errors", 1_000_000, 0, ""),
    Target("20 concurrent sessions: RSS per extra session", 1_000_000, 20, "MiB"),
    Target("natural-break suggestion, 3 tiers, nothing cached", 1_000_000, 1, "s"),
    Target("server time per move (AppTest), median", 10_000_000, 30, "ms"),
    Target("load the CSV (real ingest path)", 10_000_000, 60, "s"),
    Target("server peak memory (RSS) after load and moves", 10_000_000, 3072, "MiB"),
)


def load_results() -> dict[int, Result]:
    if not RESULTS.exists():
        return {}
    return {int(rows): Result(**data) for rows, data in json.loads(RESULTS.read_text()).items()}


def _row(name: str, stats: dict | None, unit: str) -> str:
    if stats is None:
        return f"| {name} | — | — | — | — | — |"
    return (
        f"| {name} | {stats['n']} | {stats['min']} {unit} | {stats['median']} {unit} | "
        f"{stats['p90']} {unit} | {stats['max']} {unit} |"
    )


def _runs(load: dict) -> str:
    """ " (median of 4.4, 4.6, 4.9 s)", for results that kept every run."""
    runs = load.get("runs_seconds")
    return f" (median of {', '.join(map(str, runs))} s)" if runs else ""


def _details(result: Result) -> list[str]:
    naive_browser = result.naive_browser["summary"] if result.naive_browser else None
    lines = [
        f"### {result.rows:,} customers",
        "",
        "| measure | n | min | median | p90 | max |",
        "|---|---:|---:|---:|---:|---:|",
        _row("tierboard: server time per move (AppTest)", result.moves["summary"], "ms"),
        _row(
            "naive peer: server time per move (AppTest)",
            result.naive_moves["summary"] if result.naive_moves else None,
            "ms",
        ),
        _row("tierboard: websocket round trip per move", result.roundtrip["summary"], "ms"),
        _row("tierboard: websocket bytes per move", result.roundtrip["kib_per_move"], "KiB"),
        _row("tierboard: key press to page settled", result.browser["summary"], "ms"),
        _row(
            "tierboard: key press to first figure changed", result.browser["first_figure_ms"], "ms"
        ),
        _row("naive peer: key press to page settled", naive_browser, "ms"),
        "",
        f"Loading the {result.load['megabytes']} MB CSV: {result.load['seconds']} s"
        f"{_runs(result.load)}, peak RSS of "
        f"the loading process {result.load['peak_rss_mib']} MiB. Server peak RSS (launcher, page "
        f"loaded, {result.roundtrip['summary']['n']} moves): "
        f"{result.roundtrip['server_peak_rss_mib']} MiB.",
    ]
    if result.naive_moves and "first_run_seconds" in result.naive_moves:
        lines.append(
            f"First run under AppTest (load and first page), side by side: tierboard "
            f"{result.moves['first_run_seconds']} s (its load alone {result.load['seconds']} s, "
            f"{result.load.get('cpu_seconds', '—')} s of CPU), naive peer "
            f"{result.naive_moves['first_run_seconds']} s."
        )
    lines += _page_rows(result)
    lines += _browser_page_rows(result)
    lines += _session_lines(result)
    lines += _natural_lines(result)
    if result.naive_moves:
        lines.append(
            f"Chart data per move under AppTest: tierboard {result.moves['chart_kib_per_move']} "
            f"KiB, naive peer {result.naive_moves['chart_kib_per_move']} KiB."
        )
    return [*lines, ""]


def _page_rows(result: Result) -> list[str]:
    """Every page the app registers, its server time per move, and how it compares with Tiers."""
    pages = (result.pages or {}).get("pages")
    if not pages:
        return []
    tiers = pages.get("Tiers", {}).get("summary", {}).get("median")
    lines = [
        "",
        "Every page the app registers (`bench/pages.py`, same run, same moves on each):",
        "",
        "| page | moves | min | median | p90 | max | median / Tiers | page changes with a move |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for title, page in pages.items():
        stats = page["summary"]
        ratio = f"{stats['median'] / tiers:.2f}x" if tiers else "—"
        lines.append(
            f"| {title} | {stats['n']} | {stats['min']} ms | {stats['median']} ms | "
            f"{stats['p90']} ms | {stats['max']} ms | {ratio} | "
            f"{'yes' if page['changes_page'] else 'no figure depends on the cut-offs'} |"
        )
    return [*lines, ""]


def _browser_page_rows(result: Result) -> list[str]:
    """Every page in Chromium: key press to settled, and the median move split into its parts."""
    pages = (result.browser_pages or {}).get("pages")
    if not pages:
        return []
    lines = [
        "Every page in Chromium (`bench/browser_pages.py`, same server, pages opened from the "
        "sidebar's links): key press to page settled, and the median of each part of a move — "
        "*input* (key press to the rerun request leaving), *server and network* (request to "
        "the rerun's last message arriving), *drawing* (last message to the page settled; "
        "*Plotly*: to the last change inside a chart).",
        "",
        "| page | moves | median | p90 | max | input | server and network | drawing "
        "| of which Plotly | page changes with a move |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for title, page in pages.items():
        stats, parts = page["summary"], page["parts_median_ms"]
        lines.append(
            f"| {title} | {stats['n']} | {stats['median']} ms | {stats['p90']} ms | "
            f"{stats['max']} ms | {parts['input']} ms | {parts['server']} ms | "
            f"{parts['drawing']} ms | {parts['plotly']} ms | "
            f"{'yes' if page['changes_page'] else 'no figure depends on the cut-offs'} |"
        )
    return [*lines, ""]


def _session_lines(result: Result) -> list[str]:
    found = result.sessions
    if not found:
        return []
    return [
        f"{found['sessions']} concurrent sessions (`bench/sessions.py`, one process, one shared "
        f"dataset, {found['moves_per_session']} moves each): server time per move "
        f"median {found['median_ms']} ms, p90 {found['p90_ms']} ms, max {found['max_ms']} ms; "
        f"{found['errors']} errors; RSS {found['rss_one_session_mib']} MiB with one session, "
        f"{found['rss_all_sessions_mib']} MiB with all, "
        f"{found['mib_per_extra_session']} MiB per extra session.",
        "",
    ]


def _natural_lines(result: Result) -> list[str]:
    found = result.natural
    if not found:
        return []
    return [
        f"Natural breaks (`bench/natural.py`, {found['distinct_values']:,} distinct values, "
        f"median of {len(found['runs_suggestion_seconds'])} fresh indexes): the suggestion for "
        f"{found['tiers']} tiers in {found['suggestion_seconds']} s, the fit for 2 to 5 tiers "
        f"(the Plan page's table) in {found['all_tier_counts_seconds']} s, then "
        f"{found['cached_ms']} ms once made (what a slider move costs).",
        "",
    ]


def _target_rows(results: dict[int, Result]) -> list[str]:
    lines = ["| target | customers | limit | measured | met |", "|---|---:|---:|---:|:---:|"]
    for target in TARGETS:
        result = results.get(target.rows)
        value = target.value(result) if result else None
        bound = f">= {-target.limit:g}" if target.limit < 0 else f"<= {target.limit:g}"
        if value is None:
            lines.append(f"| {target.what} | {target.rows:,} | {bound} {target.unit} | not run | |")
            continue
        met = value >= -target.limit if target.limit < 0 else value <= target.limit
        lines.append(
            f"| {target.what} | {target.rows:,} | {bound} {target.unit} | "
            f"{value:,.1f} {target.unit} | {'yes' if met else '**no**'} |"
        )
    return lines


def write_report(path: Path, new: list[Result], machine: dict[str, str], command: str) -> None:
    results = load_results()
    results.update({result.rows: result for result in new})
    RESULTS.write_text(
        json.dumps({rows: asdict(result) for rows, result in sorted(results.items())}, indent=1)
    )
    lines = [
        "# Benchmarks",
        "",
        "`make bench` measures 100k customers, `make bench-full` 1M and 10M; each run updates its",
        "sizes in `bench/results.json` and rewrites this file. Data comes from `lib/sample.py`",
        "(every canonical column), generated into `bench/data/`, never committed.",
        "",
        f"Last run ({command}) on {date.today().isoformat()}: {machine['machine']}; "
        f"{machine['versions']}.",
        "",
        "## Targets",
        "",
        *_target_rows(results),
        "",
        "## How each figure is measured",
        "",
        "- **Server time per move**: `bench/slider.py` drives the whole Tiers page under",
        "  Streamlit's AppTest; each move sets the Tier-1 slider to a new, distinct round",
        "  figure (no cache can hide a slow move) and is checked to change the page. The naive",
        "  peer",
        "  (`bench/naive/app.py`: pandas + `st.cache_data`, `pd.cut` + groupby per move, Plotly",
        "  Express fed raw rows) gets the same cut-offs in the same run.",
        "- **Every page**: `bench/pages.py` reads the pages from app.py's `st.navigation` (a",
        "  page added later is measured too), opens each under AppTest and makes the same",
        "  distinct Tier-1 moves on it, each checked to change what the page shows.",
        "- **Concurrent sessions**: `bench/sessions.py` runs AppTest sessions in threads of one",
        "  process on one shared dataset (as a server's sessions share the configured data);",
        "  each moves the Tier-1 slider to distinct cut-offs on its own page. Per-session memory",
        "  is the process's RSS with every session open, less the RSS with one, over the extra",
        "  sessions.",
        "- **Round trip**: `bench/roundtrip.py` starts the app through its launcher and speaks",
        "  Streamlit's websocket protocol as the browser does; a move is timed from the rerun",
        "  request to `script_finished`, its bytes are every message of that run.",
        "- **Page settled**: `bench/browser.py` presses the right arrow on the focused slider in",
        "  Chromium; a MutationObserver stamps every DOM change, and the move ends at the last",
        "  change before 600 ms of quiet, on the same clock as the key press.",
        "  `bench/browser_pages.py` does the same on every page the app registers, opened",
        "  from the sidebar's links, and splits each move at the rerun request leaving and",
        "  its last websocket message arriving (input, server and network, drawing).",
        "- **Load**: `bench/load.py` loads the CSV through `Dataset.from_csv` in a fresh",
        "  process, three times; the median run counts (its CPU time, every thread's, is",
        "  kept beside the wall time: steadier on a shared machine). The server's peak RSS",
        "  is read from `/proc` after the round-trip run. **First run**: `bench/slider.py`'s",
        "  first AppTest run of a fresh app on the file (load and first page), tierboard and",
        "  the naive peer in the same `make bench` run.",
        "- **Natural breaks**: `bench/natural.py` loads the CSV, then on fresh tier indexes of",
        "  its revenue (nothing cached) times the natural-break suggestion for 3 tiers on the",
        "  log scale, the fit for every tier count (2 to 5), and the cached answer.",
        "",
        "## Results",
        "",
    ]
    for rows in sorted(results):
        lines += _details(results[rows])
    from bench import sources  # invoice lines in PostgreSQL: bench/sources.py's own block
    from bench.assign import saved_block  # books of business: bench/assign.py's own block
    from bench.history import saved_block as saved_history  # tiers over time: its own block

    blocks = [block for block in (saved_block(), saved_history(), sources.saved_block()) if block]
    path.write_text("\n".join(lines) + "".join(f"\n\n{block}" for block in blocks) + "\n")
