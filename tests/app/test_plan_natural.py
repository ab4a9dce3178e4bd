"""The Plan page's natural-break suggestion: what it shows, its scale, and applying it."""

from __future__ import annotations

import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.natural_breaks import fit_by_tiers, fit_sentence, natural_breaks
from lib.sample import SAMPLE_PATH
from lib.tiering import TierIndex
from tests.app.conftest import page, press
from tests.app.test_tiers_page import cut_sliders, metrics
from ui import keys

REVENUE = pd.read_csv(SAMPLE_PATH)["annual_revenue"]
INDEX = TierIndex.from_values(REVENUE.to_numpy())
BUTTON = "Suggest natural breaks (3 tiers)"


def suggested_line(app: AppTest) -> str:
    return next(md.value for md in app.markdown if md.value.startswith("**3 tiers:**"))


def fit_table(app: AppTest) -> dict[int, str]:
    body = next(h.proto.body for h in app.get("html") if "Goodness of variance fit" in h.proto.body)
    return {
        int(k): gvf
        for k, gvf in re.findall(r'data-tiers="(\d)".*?data-figure="gvf"[^>]*>([\d.]+)<', body)
    }


def captions(app: AppTest) -> str:
    return "\n".join(caption.value for caption in app.caption)


def test_the_plan_page_shows_the_natural_breaks_and_their_fit_for_2_to_5_tiers(app: AppTest):
    page(app, "plan")
    found = natural_breaks(INDEX, 3, "log")
    c1, c2 = found.cuts
    assert suggested_line(app) == (
        f"**3 tiers:** Tier 1 ≥ \\${c1:,.2f} · Tier 2 ≥ \\${c2:,.2f}"  # to the cent
    )
    fits = fit_by_tiers(INDEX, "log")
    assert fit_table(app) == {k: f"{fit.gvf:.2f}" for k, fit in fits.items()}
    shown = captions(app)
    assert fit_sentence(fits) in shown
    zero = int((REVENUE <= 0).sum())
    assert f"{zero} customers with revenue of zero or less have no logarithm" in shown
    assert "Log is the default for revenue" in shown


def test_applying_the_natural_breaks_moves_the_cut_offs_shown_on_the_tiers_page(app: AppTest):
    page(app, "plan")
    press(app, BUTTON)
    found = natural_breaks(INDEX, 3, "log")
    assert cut_sliders(app) == list(found.cuts)
    why = next(box.value for box in app.info if "Natural breaks" in box.value)
    assert f"{found.gvf:.2f}" in why
    app.switch_page("pages/tiers.py").run()
    shown = metrics(app)
    assert shown["Tier 1 customers"] == f"{(found.cuts[0] <= REVENUE).sum():,}"
    tier_3 = (found.cuts[1] > REVENUE).sum()
    assert shown["Tier 3 customers"] == f"{tier_3:,}"


def test_the_linear_scale_gives_its_own_breaks_and_stays_chosen_across_pages(app: AppTest):
    page(app, "plan")
    app.radio(key=keys.NATURAL_SCALE).set_value("linear").run()
    c1, c2 = natural_breaks(INDEX, 3, "linear").cuts
    assert suggested_line(app) == f"**3 tiers:** Tier 1 ≥ \\${c1:,.2f} · Tier 2 ≥ \\${c2:,.2f}"
    assert "no logarithm" not in captions(app)
    app.switch_page("pages/tiers.py").run()
    page(app, "plan")
    assert app.radio(key=keys.NATURAL_SCALE).value == "linear"
    press(app, BUTTON)
    assert cut_sliders(app) == [c1, c2]


def test_a_score_defaults_to_the_linear_scale(app: AppTest):
    app.sidebar.radio(key=keys.BY).set_value("score").run()
    page(app, "plan")
    assert app.radio(key=keys.NATURAL_SCALE).value == "linear"
    assert "Linear is the default for a score" in captions(app)
