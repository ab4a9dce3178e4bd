"""Start tierboard's server the fast way: `python -m ui.serve [streamlit run options]`.

`make run` and `tierboard serve` use this instead of a bare `streamlit run app.py` because two
Streamlit defaults cost every rerun of every app tens of milliseconds (BENCHMARKS.md):

- the listening socket is created as `socket.socket(family)`, so its protocol number is 0, and
  asyncio only switches Nagle's algorithm off (TCP_NODELAY) on accepted sockets whose protocol is
  IPPROTO_TCP: each small reply then waits ~40 ms for the client's delayed ACK;
- a full garbage collection after every script run (`runner.postScriptGC`, turned off in
  `.streamlit/config.toml` and again here so it holds wherever the app is started from);
- the file watcher (`server.fileWatcherType`, off in both places too): it watches the app's
  modules for edits, and py-spy found its threads busy during the reruns (watchdog's inotify
  handling, `os.walk` re-hashing what it watches), taking the interpreter from them. At 1M
  customers a slider move's websocket round trip was 64-98 ms with it, 15.7-15.8 ms without
  (median of 12 moves, `bench/roundtrip.py`, runs taken in turn). A served app is not edited
  in place; a developer who wants the reload passes `--server.fileWatcherType auto`.

With sign-in on it also closes Streamlit's upload endpoint to sessions that have not signed in
(ui/internals.py holds every patch of Streamlit's internals).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from streamlit.web import cli

from lib import config, dataset
from lib.errors import InputError
from ui import access
from ui.internals import as_tcp, guard_uploads, patch_server_socket, use_navigation_only

__all__ = ["as_tcp", "main", "patch_server_socket"]

APP = Path(__file__).resolve().parent.parent / "app.py"

# Command-line settings applied to every start; the user's own flags come after and win.
SERVER_FLAGS = ("--runner.postScriptGC", "false", "--server.fileWatcherType", "none")


def main(argv: Sequence[str] | None = None) -> None:
    patch_server_socket()
    use_navigation_only()
    try:  # a configuration that cannot be used stops the start, with its one-sentence reason
        settings = config.load()
    except InputError as error:
        print(f"tierboard: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    swept = dataset.sweep_stale_folders()  # what a killed server left in the temporary folder
    if swept:
        print(f"tierboard: deleted {len(swept)} stale data folder(s) of stopped servers.")
    if settings.auth != "off":
        # Only signed-in, admitted sessions may send files (st.login gates the script alone).
        guard_uploads(lambda user: access.admits(user, settings))
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
