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


# --- data in Markdown ----------------------------------------------------------------------------

# Streamlit calls whose text (first argument, and `help`) is rendered as Markdown.
MARKDOWN_CALLS = {
    "markdown", "caption", "info", "warning", "error", "success", "toast", "write",
    "title", "header", "subheader", "spinner", "exception",
}  # fmt: skip
# Widgets whose label (first argument) is Markdown, like every `help=`.
LABELLED = {
    "button", "download_button", "toggle", "checkbox", "radio", "selectbox", "multiselect",
    "slider", "select_slider", "text_input", "number_input", "date_input", "file_uploader",
    "expander", "popover", "form_submit_button", "link_button", "page_link", "metric",
}  # fmt: skip
# Calls whose result is safe in Markdown: the escaping helper, and formatters of numbers.
SAFE_CALLS = {
    "markdown_text", "count", "money", "money_exact", "percent", "plural", "cut_label",
    "tier_name", "len", "int", "round", "churn_percent", "cap_percent",
    "_share_of_customers", "_distance", "_score_key",  # ui's own, of numbers / escaped text
}  # fmt: skip
# Tables of tierboard's own words, indexed by a key: text of no one's data.
CONSTANT_TABLES = {"COMPONENTS", "DIMENSIONS", "BASES"}


# A line may vouch for text the checker cannot follow (a function's parameter that only ever
# receives constants): "# markdown-safe: <why>".
VOUCHED = "# markdown-safe:"


def _name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def _is_safe(node: ast.expr, assigned: dict[str, list[ast.expr]], depth: int = 0) -> bool:  # noqa: PLR0911, PLR0912
    """Text that can hold no data-made Markdown: constants, formatted numbers, the helper's
    output, names assigned only such text in the same function, and f-strings /
    concatenations / conditionals / joins made only of those."""
    if depth > 20:  # a name assigned from itself (text = text + ...) ends here
        return False
    again = lambda child: _is_safe(child, assigned, depth + 1)  # noqa: E731
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        values = assigned.get(node.id)
        return bool(values) and all(again(value) for value in values)
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(part, ast.Constant)
            or (part.format_spec is not None and part.conversion == -1)  # {x:,.0f}, {d:%Y}
            or again(part.value)
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return again(node.left) and again(node.right)
    if isinstance(node, ast.IfExp):
        return again(node.body) and again(node.orelse)
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and node.value.id in CONSTANT_TABLES
    if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
        return again(node.elt)
    if isinstance(node, ast.Starred):
        return again(node.value)
    if isinstance(node, ast.List):
        return all(again(element) for element in node.elts)
    if isinstance(node, ast.Call):
        if _name(node) == "join" and isinstance(node.func, ast.Attribute) and node.args:
            return again(node.func.value) and again(node.args[0])
        if _name(node) == "append" and node.args:
            return again(node.args[0])
        if _name(node) in {"lower", "upper", "capitalize"} and isinstance(node.func, ast.Attribute):
            return again(node.func.value)
        return _name(node) in SAFE_CALLS
    return False


def _assignments(function: ast.AST) -> dict[str, list[ast.expr]]:
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.Call) and _name(node) == "append" and node.args:
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if isinstance(owner, ast.Name):  # lines.append(f"...")
                assigned.setdefault(owner.id, []).append(node.args[0])
    return assigned


def _unsafe_markdown() -> list[str]:
    """Text passed to a Markdown-rendering call that may hold unescaped data."""
    found = []
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source)
        scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
        for scope in scopes:
            assigned = _assignments(scope)
            body = scope.body if scope is not tree else [
                n for n in tree.body if not isinstance(n, ast.FunctionDef)
            ]  # fmt: skip
            for node in (n for statement in body for n in ast.walk(statement)):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                texts = []
                if _name(node) in MARKDOWN_CALLS | LABELLED and node.args:
                    texts.append(node.args[0])
                texts += [k.value for k in node.keywords if k.arg in ("help", "body", "label")]
                for text in texts:
                    span = lines[node.lineno - 1 : (node.end_lineno or node.lineno)]
                    if _is_safe(text, assigned) or any(VOUCHED in line for line in span):
                        continue
                    found.append(f"{path.relative_to(ROOT)}:{text.lineno} {ast.unparse(text)[:60]}")
    return sorted(set(found))


def test_data_reaches_markdown_only_through_the_escaping_helper() -> None:
    # st.markdown, captions, alerts, labels and help render Markdown: a customer name like
    # "[Sign in again](http://evil/login)" would be a live link (issue 13, finding 5).
    assert _unsafe_markdown() == []


def test_the_markdown_check_flags_data_and_passes_escaped_data() -> None:
    def flagged(code: str) -> bool:
        tree = ast.parse(code)
        call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n) == "info")
        return not _is_safe(call.args[0], _assignments(tree))

    assert flagged('st.info(f"No customer named {text}")')
    assert flagged("st.info(str(error))")
    assert flagged('scope = f"Slice {part.describe()}"\nst.info(scope)')
    assert not flagged('st.info(f"No customer named {markdown_text(text)}")')
    assert not flagged('scope = f"Slice {markdown_text(s)}: {count(n)}"\nst.info(f"{scope}.")')
    assert not flagged("st.info(f\"{within:d}% of {plural(n, 'row')}\")")
