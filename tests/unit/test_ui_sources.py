"""Rules the Streamlit code of ui/ and pages/ keeps, read from its source (ast)."""

from __future__ import annotations

import ast
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"])


def _calls(name: str) -> list[tuple[str, ast.Call]]:
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if is_call and node.func.attr == name:
                found.append((f"{path.name}:{node.lineno}", node))
    return found


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def test_streamlit_still_drops_an_unsent_backend_answer_when_a_run_starts() -> None:
    # Why no download of tierboard is deferred (a callable as `data`): Streamlit 1.67 answers
    # the click with a backend_operation_response queued for the browser, and a script run that
    # starts before the queue is flushed clears it (AppSession._clear_queue keeps lifecycle
    # messages and toasts only). The browser then waits 180 s: "deferredFile timed out".
    # When this fails, Streamlit keeps the answer: deferred downloads may be safe again.
    queue = ForwardMsgQueue()
    answer = ForwardMsg()
    answer.backend_operation_response.request_id = "r1"
    answer.backend_operation_response.deferred_file.url = "/media/x.csv"
    queue.enqueue(answer)
    queue.clear(retain_lifecycle_msgs=True)
    assert queue.is_empty()


def test_every_download_button_gets_bytes_and_does_not_rerun_on_click() -> None:
    buttons = _calls("download_button")
    assert len(buttons) >= 6  # tier lists (one call), pack, plan, unprofitable, movers, rejected
    for where, call in buttons:
        data = _keyword(call, "data")
        assert not isinstance(data, ast.Lambda), f"{where}: a callable makes a deferred download"
        on_click = _keyword(call, "on_click")
        assert isinstance(on_click, ast.Constant) and on_click.value == "ignore", where
