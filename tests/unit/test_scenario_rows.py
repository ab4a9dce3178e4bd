"""Saved scenarios as rows of a store, SQLite and PostgreSQL alike: one unreadable row hides
nothing but itself, and authors and names are bounded and storable (issue 13, finding 11)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.errors import InputError
from lib.scenario import Scenario
from lib.scenario_store import AUTHOR_LIMIT, ScenarioStore, Unreadable, checked_author
from lib.scenario_store_sqlite import SqliteScenarioStore
from tests.unit.test_scenarios import BACKENDS

BROKEN = '{"cuts": [-1]}'  # JSON, but no scenario this tierboard can open


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ScenarioStore]:
    yield BACKENDS[request.param](request, tmp_path)


def run_sql(store: ScenarioStore, statement: str, params: list[object]) -> None:
    """Change the rows behind the store's back (damage, or rows from an older tierboard)."""
    if isinstance(store, SqliteScenarioStore):
        with sqlite3.connect(store.path) as connection:
            connection.execute(statement.replace("%s", "?"), params)
        return
    import psycopg

    with psycopg.connect(**store._params, autocommit=True) as connection:  # type: ignore[attr-defined]
        connection.execute(statement.replace("scenarios", "tierboard.scenarios"), params)


def test_one_unreadable_scenario_hides_only_itself(backend: ScenarioStore) -> None:
    for name in ("Q1 plan", "Damaged", "Q3 plan"):
        backend.save(name, Scenario((50_000.0, 20_000.0)), author="ana@example.com")
    run_sql(backend, "UPDATE scenarios SET scenario = %s WHERE name = %s", [BROKEN, "Damaged"])
    listed = backend.list()
    assert [item.name for item in listed] == ["Q3 plan", "Q1 plan"]
    assert listed.unreadable == (
        Unreadable(
            "Damaged",
            'The saved scenario "Damaged" cannot be opened: '
            "the scenario's cut-offs cannot be negative; got -1.",
        ),
    )


def test_a_row_that_is_not_json_is_named_too(tmp_path: Path) -> None:
    store = SqliteScenarioStore(tmp_path / "scenarios.sqlite3")
    store.save("Fine", Scenario((10.0,)))
    store.save("Garbled", Scenario((10.0,)))
    run_sql(store, "UPDATE scenarios SET scenario = %s WHERE name = %s", ["{not json", "Garbled"])
    run_sql(store, "UPDATE scenarios SET saved_at = %s WHERE name = %s", ["yesterday", "Fine"])
    listed = store.list()
    assert list(listed) == []
    assert [item.name for item in listed.unreadable] == ["Garbled", "Fine"]
    assert "save time is damaged" in listed.unreadable[1].reason


def test_a_megabyte_author_is_cut_to_the_limit(backend: ScenarioStore) -> None:
    saved = backend.save("Q3 plan", Scenario((10.0,)), author="A" * 1_000_000)
    assert saved.author == "A" * (AUTHOR_LIMIT - 1) + "…"
    assert backend.get("Q3 plan").author == saved.author
    assert backend.list()[0].author == saved.author


@pytest.mark.parametrize(
    ("author", "stored"),
    [
        ("Ana\x00 Martin", "Ana Martin"),  # NUL: PostgreSQL's text refuses it
        ("Ana\nMartin\t", "Ana Martin"),
        ("Ana\ud800", "Ana"),  # a lone surrogate cannot be UTF-8
        ("\u202e\x07", "\u202e"),  # a direction mark is text (shown escaped), BEL is not
        ("\x00\x01  ", None),
    ],
)
def test_an_author_with_control_characters_is_cleaned_and_saves(
    backend: ScenarioStore, author: str, stored: str | None
) -> None:
    saved = backend.save("Q3 plan", Scenario((10.0,)), author=author)
    assert saved.author == stored
    assert backend.get("Q3 plan").author == stored


@pytest.mark.parametrize("name", ["Q3\x00plan", "Q3\ud800"])
def test_a_name_no_database_can_store_is_refused_with_a_sentence(
    backend: ScenarioStore, name: str
) -> None:
    with pytest.raises(InputError, match="cannot contain"):
        backend.save(name, Scenario((10.0,)))


def test_an_author_saved_before_the_bound_is_shown_bounded(backend: ScenarioStore) -> None:
    backend.save("Q3 plan", Scenario((10.0,)), author="ana")
    run_sql(backend, "UPDATE scenarios SET author = %s", ["B" * 1_000_000])
    assert len(backend.list()[0].author or "") == AUTHOR_LIMIT


@given(st.text())
def test_every_author_is_stored_as_one_bounded_line(author: str) -> None:
    cleaned = checked_author(author)
    if cleaned is not None:
        assert 1 <= len(cleaned) <= AUTHOR_LIMIT
        assert cleaned == cleaned.strip()
        assert not any(char in cleaned for char in "\x00\n\r\t")
        cleaned.encode("utf-8")  # storable
