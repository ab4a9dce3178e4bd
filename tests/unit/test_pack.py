"""lib.pack: the meeting pack's Pareto chart names its axes' values and marks each cut-off."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lib import pack, tiering
from lib.tiering import TierIndex


@pytest.fixture
def index() -> TierIndex:
    return TierIndex.from_values(np.round(np.geomspace(100, 1_000_000, 400), 2))


@pytest.mark.parametrize("cuts", [[50_000.0], [100_000.0, 20_000.0], [3e5, 1e5, 3e4, 1e4]])
def test_the_pareto_chart_has_both_axes_values_and_one_marker_per_cut_off(index, cuts) -> None:
    summary = tiering.summarize(index, cuts)
    svg = pack.pareto_svg(index.pareto, summary)
    ticks = ["0%", "25%", "50%", "75%", "100%"]
    assert re.findall(r'class="tick x"[^>]*>([^<]+)<', svg) == ticks
    assert re.findall(r'class="tick y"[^>]*>([^<]+)<', svg) == ticks
    assert svg.count('class="cut"') == len(cuts)
    labels = re.findall(r'class="cut-label"[^>]*>([^<]+)<', svg)
    assert len(labels) == len(cuts) and all(label.startswith("$") for label in labels)
    notes = pack.cut_notes_html(index.pareto, summary)
    assert notes.count(" from $") == len(cuts)


def test_score_cut_offs_are_marked_as_scores(index) -> None:
    summary = tiering.summarize(index, [80.0, 40.0])
    assert "Tier 1 from score 80" in pack.cut_notes_html(index.pareto, summary, score=True)
