"""With and without the stability rules on every figure page (issue 16): the expander each page
shows, its figures checked against lib.history computed independently and against the Tiers over
time page's own, its being open kept from page to page, and nothing measured while it is closed."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from lib.history import History, Rules
from tests.app.conftest import page
from tests.app.test_history_page import bundled, expected_row, hours_per_account, shown_metrics
from ui import history as history_ui
from ui import keys, rules_compare

__all__ = ["bundled"]  # the fixture, shared with the history page's tests

FIGURE_PAGES = ("tiers", "plan", "changes", "confidence", "books")


def typed(at: AppTest, **values: object) -> None:
    """Put figures in keys.TYPED, as the Tiers over time page's widgets (or the expander) do."""
    before = dict(at.session_state[keys.TYPED]) if keys.TYPED in at.session_state else {}
    at.session_state[keys.TYPED] = {**before, **values}


def opened(at: AppTest) -> AppTest:
    typed(at, rules_compare_open=True)  # what a click on the expander's label keeps
    at.run()
    assert not at.exception, at.exception
    return at


def rows(at: AppTest) -> list[list[str]]:
    values = [value for _, value in shown_metrics(at)]
    return [values[i : i + 5] for i in range(0, len(values), 5)]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption) + "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_every_figure_page_has_the_expander_and_measures_nothing_while_it_is_closed(
    app: AppTest, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = history_ui.outcomes
    monkeypatch.setattr(history_ui, "outcomes", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = page(app, name)
    assert rules_compare.LABEL in [e.label for e in at.expander]
    at.select_slider(key=keys.slider_key(0)).set_value(100_000.0).run()
    assert calls == []
    opened(at)
    assert calls
    assert rows(at)[0][0].endswith("%")


def test_opened_on_tiers_it_shows_the_plain_figures_and_where_to_set_rules(
    app: AppTest, bundled: History
) -> None:
    at = opened(page(app, "tiers"))
    cuts = app.session_state[keys.CUTS]
    assert rows(at) == [expected_row(bundled, cuts, Rules(), hours_per_account(app))]
    text = captions(at)
    assert "on the Tiers over time page to see the same figures under them" in text
    assert "The bundled history: 8 periods (2025 Q1 to 2026 Q4)" in text
    assert "Set the stability rules, and see every period" in [
        link.label for link in at.get("page_link")
    ]


def test_rules_set_over_time_show_on_plan_and_equal_the_history_page_s(
    app: AppTest, bundled: History
) -> None:
    at = page(app, "history")
    at.slider(key=keys.HISTORY_BUFFER).set_value(10).run()
    at.number_input(key=keys.HISTORY_MIN_STAY).set_value(2).run()
    on_history = rows(at)
    at = opened(page(app, "plan"))
    cuts = app.session_state[keys.CUTS]
    rules = Rules(buffer=0.1, min_stay=2)
    per_account = hours_per_account(app)
    assert rows(at) == [
        expected_row(bundled, cuts, Rules(), per_account),
        expected_row(bundled, cuts, rules, per_account),
    ]
    assert rows(at) == on_history  # the same figures on both pages, by construction
    assert any(
        m.value == "**With a 10% buffer band and a 2-period minimum stay**" for m in at.markdown
    )


def test_open_stays_open_from_page_to_page_and_follows_a_slider(
    app: AppTest, bundled: History
) -> None:
    opened(page(app, "tiers"))
    at = page(app, "changes")
    first = rows(at)
    assert first
    at.select_slider(key=keys.slider_key(0)).set_value(100_000.0).run()
    cuts = app.session_state[keys.CUTS]
    assert cuts[0] == 100_000.0
    assert rows(at) == [expected_row(bundled, cuts, Rules(), hours_per_account(app))]
    assert rows(at) != first
    typed(at, rules_compare_open=False)  # closed again: nothing shown
    at = page(app, "confidence")
    assert "Worst quarter" not in [label for label, _ in shown_metrics(at)]


def test_four_tiers_on_tiers_are_four_tiers_in_the_history(app: AppTest, bundled: History) -> None:
    app.sidebar.radio(key=keys.TIERS).set_value(4).run()
    at = opened(page(app, "books"))
    cuts = app.session_state[keys.CUTS]
    assert len(cuts) == 3
    assert rows(at) == [expected_row(bundled, cuts, Rules(), hours_per_account(app))]


def test_without_a_history_it_says_where_to_build_one(app: AppTest) -> None:
    typed(app, history_source="snapshots")  # chosen over time, never built
    at = opened(page(app, "plan"))
    assert "No history of periods yet" in captions(at)
    assert "Tiers over time" in [link.label for link in at.get("page_link")]
    assert not at.exception


def test_the_tier_of_record_with_no_adoption_says_the_same(app: AppTest) -> None:
    typed(app, history_source="adopted")
    at = opened(page(app, "tiers"))
    assert "No history of periods yet" in captions(at)


def test_a_score_in_the_sidebar_hides_it(app: AppTest) -> None:
    app.sidebar.radio(key=keys.BY).set_value("score").run()
    at = page(app, "plan")
    assert rules_compare.LABEL not in [e.label for e in at.expander]
