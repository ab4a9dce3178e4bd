"""One file, one answer: `tierboard summarize FILE` without options and the Upload page with its
defaults accepted give the same figures on every file of the test corpus (issue 14).

The corpus is tests/fixtures/corpus.py: a file added there (or to tests/fixtures/messy.py) is
checked here without a line more.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.cli import main
from lib.tiering import summarize
from tests.app.conftest import page, press
from tests.app.test_tiers_page import metrics
from tests.fixtures import corpus
from ui import keys

UPLOADED = keys.UPLOADED_DATASET  # the session's own upload
CUTS = keys.CUTS  # the cut-offs in use
REFUSED = "refused"


def cli_figures(file: corpus.File, folder: Path, capsys: pytest.CaptureFixture[str]) -> object:
    """What `tierboard summarize FILE --json` prints (no other option), or REFUSED."""
    path = folder / file.filename
    path.write_bytes(file.data)
    capsys.readouterr()
    code = main(["summarize", str(path), "--json"])
    out, err = capsys.readouterr()
    if code != 0:
        assert code == 2 and err.startswith("tierboard: "), err
        return REFUSED
    return json.loads(out)


def page_figures(app: AppTest, file: corpus.File) -> object:
    """Upload the file, accept every default, Load: the figures the session then works on."""
    page(app, "upload")
    app.file_uploader[0].upload(file.filename, file.data).run()
    assert not app.exception, app.exception
    if app.error:  # the file could not be read
        return REFUSED
    press(app, "Load")
    if app.error:  # the defaults did not load it
        return REFUSED
    dataset = app.session_state[UPLOADED]
    summary = summarize(dataset.index, app.session_state[CUTS])
    shown = metrics(page(app, "tiers"))
    for tier in summary.tiers:  # and the Tiers page reads the same
        assert shown[f"{tier.name} customers"] == f"{tier.customers:,}"
    payload = {**summary.as_dict(), "rejected_rows": dataset.report.rejected_rows}
    return json.loads(json.dumps(payload))  # as the CLI prints it: JSON numbers


@pytest.mark.parametrize("file", corpus.files(), ids=lambda file: file.name)
def test_summarize_without_options_gives_the_upload_pages_default_figures(
    app: AppTest, file: corpus.File, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert page_figures(app, file) == cli_figures(file, tmp_path, capsys)


def test_the_corpus_holds_invoice_lines_a_list_and_unusable_files() -> None:
    names = {file.name for file in corpus.files()}
    assert {"invoices_iso", "two_years_of_invoices", "bundled_sample", "empty_file"} <= names
