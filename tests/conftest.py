"""Settings every test shares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The test harness's own switches (a PostgreSQL server to use, whether it or Spark is required).
HARNESS = {"TIERBOARD_TEST_POSTGRES_URL", "TIERBOARD_REQUIRE_POSTGRES", "TIERBOARD_REQUIRE_SPARK"}


@pytest.fixture(scope="session")
def empty_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    empty = tmp_path_factory.mktemp("config") / "tierboard.toml"
    empty.write_text("", encoding="utf-8")
    return empty


@pytest.fixture(autouse=True)
def private_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_config: Path
) -> Iterator[Path]:
    """Saved scenarios go to a folder of the test's own, never to the developer's; and the
    developer's own configuration (a tierboard.toml, TIERBOARD_* variables) does not apply."""
    for name in os.environ:
        if name.startswith("TIERBOARD_") and name not in HARNESS:
            monkeypatch.delenv(name)
    monkeypatch.setenv("TIERBOARD_CONFIG", str(empty_config))
    folder = tmp_path / "tierboard-data"
    monkeypatch.setenv("TIERBOARD_DATA_DIR", str(folder))
    yield folder


@pytest.fixture(autouse=True)
def forget_unreachable_databases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no database remembered as unreachable (lib/scenario_store_pg.py
    pauses calls to one for a few seconds): a port a test found silent may be another's closed
    port."""
    monkeypatch.setattr("lib.scenario_store_pg._unreachable", {})
