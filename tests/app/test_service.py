"""The team service, headless: sign-in, a configured source with reload, an unreachable store."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.config import Settings
from lib.scenario import Scenario
from lib.scenario_store_sqlite import SqliteScenarioStore
from tests.app.conftest import APP, TIMEOUT, page, press
from tests.app.test_decisions import save
from tests.app.test_tiers_page import cut_sliders, metrics
from tests.unit.test_scenario_rows import BROKEN, run_sql
from tests.unit.test_sources import MESSY, rows_of, write_parquet
from tests.visible import markdown_read
from ui import access, keys

SECRET = "Secret Q3 plan"
ALICE = {"is_logged_in": True, "email": "alice@example.com", "name": "Alice Martin"}


def everything_shown(at: AppTest) -> str:
    """Every text the page shows, in one string (to look for what must not be there)."""
    parts = [element.value for kind in ("markdown", "caption", "error", "info", "title")
             for element in at.get(kind) if isinstance(element.value, str)]  # fmt: skip
    parts += [block.proto.body for block in at.get("html")]
    parts += [str(box.options) for box in at.selectbox]
    return "\n".join(parts)


@pytest.fixture
def secret_saved(private_data_dir: Path) -> None:
    """A team scenario in the embedded store that strangers must never see."""
    SqliteScenarioStore(private_data_dir / "scenarios.sqlite3").save(
        SECRET, Scenario(cuts=(90_000.0, 20_000.0)), "Bob"
    )


@pytest.fixture
def sign_in_on(monkeypatch: pytest.MonkeyPatch, navigation_only: None) -> None:
    monkeypatch.setenv("TIERBOARD_AUTH", "oidc")
    monkeypatch.setenv("TIERBOARD_ALLOWED_DOMAINS", "example.com")


def as_user(user: dict[str, object], page_name: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.user = dict(user)
    at.run()
    assert not at.exception, at.exception
    return page(at, page_name) if page_name else at


# --- sign-in -------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_name", [None, "scenarios", "tiers"])
def test_a_signed_out_user_sees_no_data_and_no_scenarios(
    sign_in_on: None, secret_saved: None, page_name: str | None
) -> None:
    at = as_user({"is_logged_in": False}, page_name)
    assert any(button.label == "Sign in" for button in at.button)
    shown = everything_shown(at)
    assert SECRET not in shown
    assert "Bob" not in shown
    assert not metrics(at)  # no customer figures
    assert not at.sidebar.select_slider  # no cut-offs either


def test_an_account_of_another_domain_is_refused(sign_in_on: None, secret_saved: None) -> None:
    at = as_user({"is_logged_in": True, "email": "mallory@evil.example"}, "scenarios")
    assert "mallory@evil.example may not use this tierboard" in markdown_read(at.error[0].value)
    assert SECRET not in everything_shown(at)
    assert not metrics(at)
    assert any(button.label == "Sign out" for button in at.button)


def test_a_signed_in_user_sees_the_team_scenarios_and_saves_under_their_name(
    sign_in_on: None, secret_saved: None, private_data_dir: Path
) -> None:
    at = as_user(ALICE)
    assert "Signed in as alice@example.com" in markdown_read(at.sidebar.caption[0].value)
    assert metrics(at)["Tier 1 customers"] == "299"
    page(at, "scenarios")
    assert SECRET in str(at.selectbox(key=keys.SAVED_PICK).options)
    assert not [box for box in at.text_input if box.key == keys.SAVE_AUTHOR]  # the account is
    save(at, "Alice's plan")
    saved = SqliteScenarioStore(private_data_dir / "scenarios.sqlite3").get("Alice's plan")
    assert saved.author == "Alice Martin"


def test_an_email_the_provider_has_not_verified_is_refused(
    sign_in_on: None, secret_saved: None
) -> None:
    at = as_user({**ALICE, "email_verified": False}, "scenarios")
    assert "is not verified" in at.error[0].value
    assert SECRET not in everything_shown(at)
    assert not metrics(at)


@pytest.mark.parametrize(
    ("claims", "admitted"),
    [
        ({}, True),  # not sent (Microsoft Entra ID): the provider's accounts are trusted
        ({"email_verified": True}, True),
        ({"email_verified": "true"}, True),  # AWS Cognito sends text
        ({"email_verified": False}, False),
        ({"email_verified": "false"}, False),
        ({"email_verified": None}, False),
        ({"email_verified": 1}, False),
    ],
)
def test_sign_in_admits_only_a_verified_email_of_an_allowed_domain(
    claims: dict[str, object], admitted: bool
) -> None:
    settings = Settings(auth="oidc", allowed_domains=("example.com",))
    assert access.admits({**ALICE, **claims}, settings) is admitted
    assert not access.admits({**ALICE, **claims, "email": "eve@evil.example"}, settings)
    assert not access.admits({**claims, "email": "ana@example.com"}, settings)  # not signed in
    assert access.admits({}, Settings())  # without sign-in, everyone


def test_the_scenarios_page_lists_the_good_ones_and_names_the_damaged_one(
    navigation_only: None, private_data_dir: Path
) -> None:
    store = SqliteScenarioStore(private_data_dir / "scenarios.sqlite3")
    store.save(SECRET, Scenario((50_000.0, 20_000.0)), author="Bob")
    store.save("Damaged", Scenario((50_000.0, 20_000.0)))
    run_sql(store, "UPDATE scenarios SET scenario = %s WHERE name = %s", [BROKEN, "Damaged"])
    at = page(AppTest.from_file(str(APP), default_timeout=TIMEOUT).run(), "scenarios")
    assert not at.error
    (listed,) = at.selectbox(key=keys.SAVED_PICK).options
    assert SECRET in listed
    assert any('"Damaged" cannot be opened' in warning.value for warning in at.warning)


def test_without_sign_in_configured_nobody_is_asked_to_sign_in(app: AppTest) -> None:
    assert not any(button.label == "Sign in" for button in app.button)
    assert metrics(app)["Tier 1 customers"] == "299"


# --- a configured source -------------------------------------------------------------------------


@pytest.fixture
def extract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, navigation_only: None) -> Path:
    """A Parquet folder configured as the source (the messy file's rows, two of them for now)."""
    folder = tmp_path / "extract"
    header, rows = rows_of(MESSY)
    write_parquet(folder / "1.parquet", header, rows[:2])
    monkeypatch.setenv("TIERBOARD_SOURCE", str(folder))
    monkeypatch.setenv("TIERBOARD_SOURCE_MAP", "customer_id=Account ID, annual_revenue=ARR")
    return folder


def test_a_configured_source_is_the_data_and_a_reload_picks_up_new_rows(extract: Path) -> None:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert "2 customers" in at.sidebar.caption[0].value
    assert any(caption.value.startswith("Read ") for caption in at.sidebar.caption)
    cuts = cut_sliders(at)

    header, rows = rows_of(MESSY)
    write_parquet(extract / "2.parquet", header, rows[2:])
    press(at, "Reload the data")
    assert "4 customers" in at.sidebar.caption[0].value
    assert "Reloaded: 4 customers" in at.sidebar.success[0].value
    assert cut_sliders(at) == cuts  # a reload renews the data, not the view

    other = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()  # another session
    assert "4 customers" in other.sidebar.caption[0].value


def test_a_source_that_cannot_be_read_says_why_and_the_sample_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, navigation_only: None
) -> None:
    monkeypatch.setenv("TIERBOARD_SOURCE", str(tmp_path / "nothing-here"))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert "The configured data source could not be read" in at.error[0].value
    assert "customers.csv · 5,000 customers" in at.sidebar.caption[0].value
    assert not any(button.label == "Reload the data" for button in at.button)


# --- an unreachable scenario store ---------------------------------------------------------------


def test_an_unreachable_scenario_store_says_so_and_the_app_runs_on(
    monkeypatch: pytest.MonkeyPatch, navigation_only: None
) -> None:
    # Port 1 on loopback: refused at once, no waiting for a timeout.
    monkeypatch.setenv("TIERBOARD_SCENARIO_STORE", "postgresql://tb:secret@127.0.0.1:1/tierboard")
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert metrics(at)["Tier 1 customers"] == "299"
    page(at, "scenarios")
    message = at.error[0].value
    assert message.startswith("Saved scenarios are not available:")
    assert "secret" not in message  # the password never shows
    save(at, "Plan B")
    assert any("127.0.0.1" in error.value for error in at.error)
