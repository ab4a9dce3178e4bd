"""What a leader reads on the pages: figures and words as shown, read from the page's text."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.sample import SAMPLE_PATH
from tests.app.conftest import page
from tests.visible import visible_text

SAMPLE = pd.read_csv(SAMPLE_PATH, dtype={"customer_id": str})


def shown(app: AppTest) -> str:
    """Every text the page shows: its HTML blocks' visible text, markdown, captions, info."""
    parts = [visible_text(block.proto.body) for block in app.get("html")]
    for kind in ("markdown", "caption", "info", "warning", "error", "success"):
        parts += [element.value for element in getattr(app, kind)]
    return "\n".join(parts)


def _team_hours(app: AppTest, tier: int) -> float:
    return app.session_state[f"tb_csms_{tier}"] * app.session_state[f"tb_hours_per_csm_{tier}"]


def test_a_slices_load_is_against_its_share_of_each_team_on_every_page(app: AppTest) -> None:
    app.multiselect(key="tb_slice_segment").select("Enterprise").run()
    text = shown(app)
    cuts = app.session_state["tb_cuts"]
    revenue, segment = SAMPLE["annual_revenue"], SAMPLE["segment"]
    tail_all = (revenue < cuts[-1]).sum()
    tail_slice = ((revenue < cuts[-1]) & (segment == "Enterprise")).sum()
    share = _team_hours(app, 2) * tail_slice / tail_all
    assert f"of {share:,.0f} h (this slice's" in text
    assert f"needed of {_team_hours(app, 2):,.0f} h\n" not in text  # never the whole team
    assert "its share of the team's hours" in text  # the load's heading says whose hours
    page(app, "plan")
    text = shown(app)
    assert "Hours available (slice's share)" in text
    assert "Under a slice, each tier's hours available are the slice's share" in text
    page(app, "tiers")
    app.toggle(key="tb_present").set_value(True).run()
    assert "Slice: hours are each team's share" in shown(app)
