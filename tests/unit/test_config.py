"""lib.config: defaults (laptop mode), tierboard.toml and environment precedence, bad values."""

import subprocess
import sys
from pathlib import Path

import pytest

from lib.config import (
    KEYS,
    Settings,
    default_store_path,
    describe,
    env_name,
    load,
    pinned_environment,
    redact_url,
    streamlit_flags,
    table_parts,
)
from lib.errors import InputError
from lib.scenario_store_sqlite import SqliteScenarioStore, open_store

ROOT = Path(__file__).resolve().parents[2]


def write_toml(folder: Path, text: str, name: str = "tierboard.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_one_sentence_naming(error: InputError, key: str) -> None:
    message = str(error)
    assert key in message
    assert message.endswith(".")
    assert "\n" not in message


# ---------------------------------------------------------------------------------------------
# Defaults.


def test_without_configuration_everything_is_laptop_mode(tmp_path):
    settings = load({}, tmp_path)
    assert settings == Settings()
    assert settings.data is None
    assert settings.source is None
    assert settings.scenario_store == "sqlite"
    assert not settings.scenario_store_is_postgres
    assert settings.auth == "off"
    assert settings.allows(None)  # no sign-in: everyone
    assert settings.upload_limit_mb == 200
    assert streamlit_flags(settings) == []  # .streamlit/config.toml's limit stands
    assert settings.config_file is None


def test_the_laptop_store_is_the_sqlite_file_as_before(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIERBOARD_DATA_DIR", str(tmp_path / "team"))
    store = open_store()
    assert isinstance(store, SqliteScenarioStore)
    assert store.path == tmp_path / "team" / "scenarios.sqlite3"


def test_empty_variables_count_as_not_set(tmp_path):
    environ = {env_name(key): "  " for key in KEYS}
    assert load(environ, tmp_path) == Settings()


# ---------------------------------------------------------------------------------------------
# The file and the environment.


def test_the_file_in_the_working_folder_is_read(tmp_path):
    write_toml(tmp_path, 'auth = "oidc"\nallowed_domains = ["Example.com", "@example.org"]\n')
    settings = load({}, tmp_path)
    assert settings.auth == "oidc"
    assert settings.allowed_domains == ("example.com", "example.org")
    assert settings.config_file == (tmp_path / "tierboard.toml").resolve()


def test_tierboard_config_names_the_file(tmp_path):
    path = write_toml(tmp_path / "etc", "max_upload_mb = 500\n", name="team.toml")
    write_toml(tmp_path, "max_upload_mb = 7\n")  # ignored: TIERBOARD_CONFIG wins
    settings = load({"TIERBOARD_CONFIG": str(path)}, tmp_path)
    assert settings.max_upload_mb == 500
    assert streamlit_flags(settings) == ["--server.maxUploadSize", "500"]


def test_the_environment_wins_over_the_file(tmp_path):
    write_toml(
        tmp_path,
        'scenario_store = "postgresql://file@db/tierboard"\nmax_upload_mb = 50\nauth = "off"\n',
    )
    environ = {
        "TIERBOARD_SCENARIO_STORE": "postgresql://env@db:5433/tierboard",
        "TIERBOARD_MAX_UPLOAD_MB": "75",
    }
    settings = load(environ, tmp_path)
    assert settings.scenario_store == "postgresql://env@db:5433/tierboard"
    assert settings.scenario_store_is_postgres
    assert settings.max_upload_mb == 75
    assert settings.auth == "off"


def test_keys_may_be_written_as_the_variables_names(tmp_path):
    write_toml(tmp_path, 'TIERBOARD_AUTH = "oidc"\nTIERBOARD_ALLOWED_DOMAINS = "example.com"\n')
    assert load({}, tmp_path).allowed_domains == ("example.com",)


def test_relative_paths_start_at_the_file_or_the_working_folder(tmp_path):
    write_toml(tmp_path / "etc", 'data = "customers.csv"\ndata_dir = "~/tb"\n')
    from_file = load({"TIERBOARD_CONFIG": "etc/tierboard.toml"}, tmp_path)
    assert from_file.data == (tmp_path / "etc" / "customers.csv").resolve()
    assert from_file.data_dir == (Path.home() / "tb").resolve()
    from_env = load({"TIERBOARD_DATA": "data/x.csv"}, tmp_path)
    assert from_env.data == (tmp_path / "data" / "x.csv").resolve()


def test_the_data_folder_setting_moves_the_sqlite_store(tmp_path):
    write_toml(tmp_path, 'data_dir = "state"\n')
    settings = load({}, tmp_path)
    assert default_store_path(settings) == (tmp_path / "state" / "scenarios.sqlite3").resolve()


def test_a_parquet_source_with_its_mapping_and_basis(tmp_path):
    write_toml(
        tmp_path,
        'source = "extracts/*.parquet"\n'
        '[source_map]\ncustomer_id = "Account ID"\nannual_revenue = "Amount, USD"\n'
        'date = "Invoice Date"\n',
    )
    settings = load({}, tmp_path)
    assert settings.source == str(tmp_path / "extracts" / "*.parquet")
    assert not settings.source_is_postgres
    assert settings.source_mapping == {
        "customer_id": "Account ID",
        "annual_revenue": "Amount, USD",
        "date": "Invoice Date",
    }
    assert settings.source_basis == "transactions"  # a mapped date means invoice lines


def test_a_source_map_from_the_environment_keeps_commas_inside_headers(tmp_path):
    environ = {
        "TIERBOARD_SOURCE": str(tmp_path),
        "TIERBOARD_SOURCE_MAP": 'customer_id=Account ID, annual_revenue="Revenue, USD";segment=Seg',
        "TIERBOARD_SOURCE_BASIS": "Monthly",
    }
    settings = load(environ, tmp_path)
    assert settings.source_map == (
        ("customer_id", "Account ID"),
        ("annual_revenue", "Revenue, USD"),
        ("segment", "Seg"),
    )
    assert settings.source_basis == "monthly"


def test_a_postgres_source_needs_its_table(tmp_path):
    environ = {
        "TIERBOARD_SOURCE": "postgresql://reader:pw@warehouse:5432/crm",
        "TIERBOARD_SOURCE_TABLE": '"Sales"."Accounts 2026"',
    }
    settings = load(environ, tmp_path)
    assert settings.source_is_postgres
    assert settings.source_table == ("Sales", "Accounts 2026")


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("customers", ("customers",)),
        ("public.customers", ("public", "customers")),
        ("Public.Customers", ("public", "customers")),  # unquoted: folded, as PostgreSQL does
        ('"Sales"."Accounts 2026"', ("Sales", "Accounts 2026")),
        ('sales."say ""hi"""', ("sales", 'say "hi"')),
        ('"a.b".c', ("a.b", "c")),
    ],
)
def test_table_names_split_into_schema_and_table(text, parts):
    assert table_parts(text) == parts


@pytest.mark.parametrize("text", ["", "a.b.c", "a b", '"open', "a.", ".a", 'a."b"c'])
def test_a_table_name_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        table_parts(text)


# ---------------------------------------------------------------------------------------------
# Bad values: one sentence naming the key.

BAD = [
    ({"TIERBOARD_AUTH": "ldap"}, "TIERBOARD_AUTH"),
    ({"TIERBOARD_AUTH": "oidc"}, "TIERBOARD_ALLOWED_DOMAINS"),
    ({"TIERBOARD_AUTH": "oidc", "TIERBOARD_ALLOWED_DOMAINS": "ex ample"}, "ALLOWED_DOMAINS"),
    ({"TIERBOARD_AUTH": "oidc", "TIERBOARD_ALLOWED_DOMAINS": "a@b.com"}, "ALLOWED_DOMAINS"),
    ({"TIERBOARD_MAX_UPLOAD_MB": "lots"}, "TIERBOARD_MAX_UPLOAD_MB"),
    ({"TIERBOARD_MAX_UPLOAD_MB": "0"}, "TIERBOARD_MAX_UPLOAD_MB"),
    ({"TIERBOARD_MAX_UPLOAD_MB": "-5"}, "TIERBOARD_MAX_UPLOAD_MB"),
    ({"TIERBOARD_MAX_UPLOAD_MB": "99999999"}, "TIERBOARD_MAX_UPLOAD_MB"),
    ({"TIERBOARD_SCENARIO_STORE": "mysql://x@y/z"}, "TIERBOARD_SCENARIO_STORE"),
    ({"TIERBOARD_SCENARIO_STORE": "postgresql://x@y"}, "TIERBOARD_SCENARIO_STORE"),
    ({"TIERBOARD_SCENARIO_STORE": "postgresql://x@y:port/db"}, "TIERBOARD_SCENARIO_STORE"),
    ({"TIERBOARD_SOURCE": "s3://bucket/customers"}, "TIERBOARD_SOURCE"),
    ({"TIERBOARD_SOURCE": "postgresql://x@y/db"}, "TIERBOARD_SOURCE_TABLE"),
    ({"TIERBOARD_SOURCE_TABLE": "customers"}, "TIERBOARD_SOURCE_TABLE"),
    (
        {"TIERBOARD_SOURCE": "postgresql://x@y/db", "TIERBOARD_SOURCE_TABLE": "a.b.c"},
        "TIERBOARD_SOURCE_TABLE",
    ),
    ({"TIERBOARD_SOURCE": "/data", "TIERBOARD_SOURCE_MAP": "customer_id"}, "SOURCE_MAP"),
    ({"TIERBOARD_SOURCE": "/data", "TIERBOARD_SOURCE_MAP": "revenue=ARR"}, "SOURCE_MAP"),
    (
        {"TIERBOARD_SOURCE": "/data", "TIERBOARD_SOURCE_MAP": "customer_id=A, customer_id=B"},
        "TIERBOARD_SOURCE_MAP",
    ),
    ({"TIERBOARD_SOURCE": "/data", "TIERBOARD_SOURCE_BASIS": "weekly"}, "SOURCE_BASIS"),
    ({"TIERBOARD_SOURCE_MAP": "customer_id=A"}, "TIERBOARD_SOURCE_MAP"),
    ({"TIERBOARD_DATA": "a.csv", "TIERBOARD_SOURCE": "/data"}, "TIERBOARD_SOURCE"),
    ({"TIERBOARD_CONFIG": "missing.toml"}, "TIERBOARD_CONFIG"),
]


@pytest.mark.parametrize(("environ", "key"), BAD)
def test_a_bad_value_is_one_sentence_naming_its_key(tmp_path, environ, key):
    with pytest.raises(InputError) as raised:
        load(environ, tmp_path)
    assert_one_sentence_naming(raised.value, key)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("auth = oidc\n", "is not valid TOML"),
        ("colour = 'blue'\n", "unknown key 'colour'"),
        ("auth = 'off'\nTIERBOARD_AUTH = 'off'\n", "sets auth twice"),
        ("max_upload_mb = 2.5\n", "max_upload_mb in"),
        ("max_upload_mb = true\n", "max_upload_mb in"),
        ("data = 5\n", "data in"),
        ("auth = 'oidc'\nallowed_domains = [1]\n", "allowed_domains in"),
        ("source = '/x'\nsource_map = {customer_id = 5}\n", "source_map in"),
    ],
)
def test_a_bad_file_names_the_file_and_the_key(tmp_path, text, fragment):
    path = write_toml(tmp_path, text)
    with pytest.raises(InputError) as raised:
        load({}, tmp_path)
    assert fragment in str(raised.value)
    assert str(path) in str(raised.value)


def test_passwords_never_appear_in_messages_or_the_description(tmp_path):
    with pytest.raises(InputError) as raised:
        load({"TIERBOARD_SOURCE": "mysql://ana:hunter2@db/crm"}, tmp_path)
    assert "hunter2" not in str(raised.value)
    environ = {
        "TIERBOARD_SCENARIO_STORE": "postgresql://ana:hunter2@db:5432/tierboard",
        "TIERBOARD_SOURCE": "postgresql://bo:s3cret@warehouse/crm",
        "TIERBOARD_SOURCE_TABLE": "public.customers",
    }
    text = "\n".join(describe(load(environ, tmp_path)))
    assert "hunter2" not in text
    assert "s3cret" not in text
    assert "postgresql://ana:***@db:5432/tierboard" in text
    assert redact_url("postgresql://ana@db/x") == "postgresql://ana@db/x"


# ---------------------------------------------------------------------------------------------
# Sign-in allow-list and the launcher.


def test_the_allow_list_matches_email_domains_exactly(tmp_path):
    environ = {"TIERBOARD_AUTH": "OIDC", "TIERBOARD_ALLOWED_DOMAINS": "example.com, acme.io"}
    settings = load(environ, tmp_path)
    assert settings.allows("ana@example.com")
    assert settings.allows("Bo@ACME.io")
    assert not settings.allows("eve@evil.com")
    assert not settings.allows("eve@eu.example.com")
    assert not settings.allows("eve@example.com.evil.com")
    assert not settings.allows(None)
    assert not settings.allows("no-at-sign")
    anyone = load({"TIERBOARD_AUTH": "oidc", "TIERBOARD_ALLOWED_DOMAINS": "*"}, tmp_path)
    assert anyone.allows("someone@anywhere.org")


def test_the_launcher_can_pin_the_configuration_before_changing_folder(tmp_path):
    write_toml(tmp_path, 'data_dir = "state"\n')
    environ = {"TIERBOARD_DATA": "customers.csv", "TIERBOARD_SOURCE": ""}
    settings = load(environ, tmp_path)
    pinned = pinned_environment(settings, environ)
    assert pinned == {
        "TIERBOARD_CONFIG": str((tmp_path / "tierboard.toml").resolve()),
        "TIERBOARD_DATA": str((tmp_path / "customers.csv").resolve()),
    }
    # Elsewhere, with the pinned variables, the same settings.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert load(pinned, elsewhere) == settings


def test_python_m_lib_config_checks_and_prints_the_configuration(tmp_path):
    def run(**environ: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "lib.config"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={
                "PATH": "/usr/bin:/bin",
                "HOME": str(tmp_path),
                "PYTHONPATH": str(ROOT),
                **environ,
            },
            check=False,
        )

    good = run(TIERBOARD_MAX_UPLOAD_MB="300")
    assert good.returncode == 0, good.stderr
    assert "upload limit:    300 MB" in good.stdout
    bad = run(TIERBOARD_AUTH="maybe")
    assert bad.returncode == 2
    assert "TIERBOARD_AUTH must be off or oidc" in bad.stderr
