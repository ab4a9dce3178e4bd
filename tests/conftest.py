"""Settings every test shares."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Saved scenarios go to a folder of the test's own, never to the developer's."""
    folder = tmp_path / "tierboard-data"
    monkeypatch.setenv("TIERBOARD_DATA_DIR", str(folder))
    yield folder
