"""`tierboard suggest --method natural`: the JSON contract, the scales, and what it says."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lib.natural_breaks import natural_breaks
from lib.tiering import TierIndex, tier_of
from tests.unit.test_cli import SAMPLE_FILE, SAMPLE_REVENUE, TIER_KEYS, TOP_KEYS, run

SAMPLE_INDEX = TierIndex.from_values(SAMPLE_REVENUE.to_numpy())


def suggest_json(capsys, *argv: str) -> dict:
    assert run(["suggest", SAMPLE_FILE, *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("tiers", [2, 3, 4, 5])
def test_natural_json_is_suggest_s_shape_plus_method_scale_and_gvf(capsys, tiers):
    payload = suggest_json(capsys, "--method", "natural", "--tiers", str(tiers))
    assert set(payload) == TOP_KEYS | {"method", "scale", "gvf"}
    assert payload["method"] == "natural"
    assert payload["scale"] == "log"  # the default for revenue
    assert all(set(tier) == TIER_KEYS for tier in payload["tiers"])
    assert len(payload["tiers"]) == tiers and len(payload["cuts"]) == tiers - 1
    expected = natural_breaks(SAMPLE_INDEX, tiers, "log")
    assert tuple(payload["cuts"]) == expected.cuts
    assert payload["gvf"] == pytest.approx(expected.gvf)
    assert 0 <= payload["gvf"] <= 1
    # Each cut-off is a customer's value to the cent, and the tiers are counted under the rule.
    assert set(payload["cuts"]) <= set(SAMPLE_REVENUE)
    placed = tier_of(SAMPLE_REVENUE.to_numpy(), payload["cuts"], in_cents=True)
    counts = [tier["customers"] for tier in payload["tiers"]]
    assert counts == [int((placed == t).sum()) for t in range(1, tiers + 1)]


def test_natural_on_the_linear_scale_says_so_and_differs_from_log(capsys):
    log = suggest_json(capsys, "--method", "natural", "--tiers", "3")
    linear = suggest_json(capsys, "--method", "natural", "--tiers", "3", "--scale", "linear")
    assert linear["scale"] == "linear"
    assert tuple(linear["cuts"]) == natural_breaks(SAMPLE_INDEX, 3, "linear").cuts
    assert linear["cuts"] != log["cuts"]


def test_without_method_the_suggest_json_is_unchanged_and_named_shares_adds_only_the_method(
    capsys,
):
    plain = suggest_json(capsys)
    assert set(plain) == TOP_KEYS
    named = suggest_json(capsys, "--method", "shares")
    assert named.pop("method") == "shares"
    assert named == plain


def test_natural_text_gives_the_fit_for_every_tier_count_and_counts_the_zero_revenue(capsys):
    assert run(["suggest", SAMPLE_FILE, "--method", "natural", "--tiers", "3"]) == 0
    out = capsys.readouterr().out
    zero = int((SAMPLE_REVENUE <= 0).sum())
    assert zero > 0  # the sample's free pilots
    assert f"{zero} customers with revenue of zero or less have no logarithm" in out
    assert "placed in Tier 3" in out
    gvfs = [natural_breaks(SAMPLE_INDEX, k, "log").gvf for k in range(2, 6)]
    table = ", ".join(f"{k} tiers {gvf:.2f}" for k, gvf in zip(range(2, 6), gvfs, strict=True))
    assert f"Goodness of variance fit by number of tiers: {table}." in out
    assert "tiers" in out.splitlines()[-1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--method", "natural", "--target-shares", "0.4,0.3"], "apply to --method shares"),
        (["--scale", "log"], "--scale applies to --method natural"),
        (["--tiers", "4", "--target-shares", "0.4,0.3"], "--tiers 4 takes 3 target shares"),
    ],
)
def test_options_of_the_other_method_are_refused_in_one_line(capsys, argv, message):
    assert run(["suggest", SAMPLE_FILE, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_tiers_picks_the_default_target_shares_of_that_many_tiers(capsys):
    payload = suggest_json(capsys, "--tiers", "4")
    assert len(payload["tiers"]) == 4
    assert set(payload) == TOP_KEYS


def test_the_help_says_why_log_is_the_default_for_revenue(capsys):
    assert run(["suggest", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Log is the default because revenue is heavy-tailed" in text


def test_no_revenue_above_zero_under_log_is_one_sentence(capsys, tmp_path):
    path = tmp_path / "credits.csv"
    path.write_text("customer_id,annual_revenue\nA,0\nB,-5\nC,-7\n", encoding="utf-8")
    assert run(["suggest", str(path), "--method", "natural", "--tiers", "2"]) == 2
    assert "choose the linear scale" in capsys.readouterr().err
    linear = ["suggest", str(path), "--method", "natural", "--tiers", "2", "--scale", "linear"]
    assert run([*linear, "--json"]) == 0
    assert np.isfinite(json.loads(capsys.readouterr().out)["gvf"])
