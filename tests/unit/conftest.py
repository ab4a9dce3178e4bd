"""Shared setup for the lib unit tests: a Hypothesis profile and a small CSV-writing helper."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# No example database (nothing written outside tmp dirs) and no per-example deadline: speed is
# measured in bench/, never asserted in a test.
# HYPOTHESIS_PROFILE=tierboard-thorough runs many more examples per property (not in CI).
settings.register_profile("tierboard-unit", database=None, deadline=None)
settings.register_profile("tierboard-thorough", database=None, deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "tierboard-unit"))


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write `text` to a CSV file under tmp_path and return its path."""

    def write(text: str, name: str = "customers.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
