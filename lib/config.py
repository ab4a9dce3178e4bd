"""tierboard's configuration in one place: `tierboard.toml` and TIERBOARD_* environment variables.

Every setting has one key. In `tierboard.toml` it is written in lower case (`scenario_store`);
as an environment variable it is the same name in capitals behind `TIERBOARD_`
(`TIERBOARD_SCENARIO_STORE`). The environment wins over the file, so a deployment can keep its
file and override one value. An empty variable counts as not set. The file is
`$TIERBOARD_CONFIG` when that is set, else `./tierboard.toml` when there is one; without either
(and without variables) tierboard runs as on a laptop: the bundled sample, scenarios in an SQLite
file, no sign-in. `tierboard.example.toml` and the README list every key.

`load()` checks everything once and raises InputError with one sentence naming the key at
fault, so a misconfigured server says what is wrong at start instead of failing on some page.
Nothing here imports Streamlit, DuckDB or a database driver: the launcher reads it first.

Why one module (past 400 lines): it is one job, the settings, and each setting's key, default,
check and message sit together, so adding one is one edit here (plus its README row); the file
and the environment go through the same checks. What the settings lead to lives with its
subject: the scenario store (lib/scenario_store_sqlite.open_store), sources (lib/sources.py).
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlsplit, urlunsplit

from lib.canonical import BY_NAME
from lib.errors import InputError
from lib.mapping import DATE

PREFIX = "TIERBOARD_"
CONFIG_ENV = "TIERBOARD_CONFIG"
CONFIG_FILE = "tierboard.toml"
SQLITE = "sqlite"
STORE_FILE = "scenarios.sqlite3"  # the embedded scenario store's file, in the data folder
DEFAULT_UPLOAD_MB = 200  # Streamlit's own default, also written in .streamlit/config.toml
MAX_UPLOAD_MB = 10_000  # beyond 10 GB a browser upload is the wrong way to bring data in
POSTGRES_SCHEMES = ("postgresql", "postgres")
ALL_DOMAINS = "*"

Auth = Literal["off", "oidc"]
Basis = Literal["annual", "monthly", "transactions"]
KEYS = (
    "data",
    "source",
    "source_table",
    "source_map",
    "source_basis",
    "scenario_store",
    "data_dir",
    "auth",
    "allowed_domains",
    "max_upload_mb",
)
PATH_KEYS = ("data", "data_dir")  # plus `source` when it is a folder or glob

_GLOB = re.compile(r"[*?\[]")
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
_BARE_NAME = re.compile(r"^[^\s\".]+$")


def env_name(key: str) -> str:
    """The environment variable of a key: `scenario_store` -> `TIERBOARD_SCENARIO_STORE`."""
    return PREFIX + key.upper()


@dataclass(frozen=True)
class Settings:
    """The configuration in force; the defaults are laptop mode (today's behaviour)."""

    data: Path | None = None  # a customer file every session starts on (None: the sample)
    source: str | None = None  # a postgresql:// URL, or an absolute Parquet folder/glob
    source_table: tuple[str, ...] = ()  # ("schema", "table") or ("table",): PostgreSQL only
    source_map: tuple[tuple[str, str], ...] = ()  # canonical -> header; () = automatic
    source_basis: Basis = "annual"
    scenario_store: str = SQLITE  # "sqlite", or a postgresql:// URL
    data_dir: Path | None = None  # where the SQLite scenario file lives (None: XDG default)
    auth: Auth = "off"
    allowed_domains: tuple[str, ...] = ()  # lower case; ("*",) admits any signed-in user
    max_upload_mb: int | None = None  # None: Streamlit's setting (.streamlit/config.toml)
    config_file: Path | None = field(default=None, compare=False)  # the file read, if any

    @property
    def source_is_postgres(self) -> bool:
        return self.source is not None and is_postgres_url(self.source)

    @property
    def source_is_table(self) -> bool:
        """The source is a table in an engine (PostgreSQL, DuckDB, ...), not Parquet files."""
        return self.source is not None and is_table_source(self.source)

    @property
    def scenario_store_is_postgres(self) -> bool:
        return is_postgres_url(self.scenario_store)

    @property
    def source_mapping(self) -> dict[str, str] | None:
        """The source's column mapping, or None for the automatic one."""
        return dict(self.source_map) or None

    @property
    def upload_limit_mb(self) -> int:
        return self.max_upload_mb or DEFAULT_UPLOAD_MB

    def allows(self, email: str | None) -> bool:
        """Whether a signed-in user with this email may use the app.

        Without sign-in everyone may. With it, the email's domain must be listed exactly
        (`example.com` does not admit `eu.example.com`: list each one), unless the list is `*`.
        """
        if self.auth == "off":
            return True
        if not email or "@" not in email:
            return False
        domain = email.rsplit("@", 1)[1].strip().lower()
        return ALL_DOMAINS in self.allowed_domains or domain in self.allowed_domains


def is_postgres_url(text: str) -> bool:
    return urlsplit(text.strip()).scheme.lower() in POSTGRES_SCHEMES


def is_table_source(text: str) -> bool:
    """A source naming an engine (postgresql://, duckdb://, a .duckdb file, spark://, ...)
    whose table TIERBOARD_SOURCE_TABLE names; False for Parquet files, folders and globs."""
    from lib.engine_source import scheme_of  # noqa: PLC0415 -- the registry of engines

    return scheme_of(text) != "parquet"


def redact_url(url: str) -> str:
    """The URL with its password replaced by `***`, fit for a message or a log line."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        user = parts.username or ""
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return "(a URL that cannot be read)"


# ---------------------------------------------------------------------------------------------
# Loading.


@dataclass(frozen=True)
class _Given:
    """One configured value, with what to call it in a message and where relative paths start."""

    value: object
    name: str  # "TIERBOARD_AUTH" or "auth in /srv/tierboard.toml"
    base: Path  # relative paths are relative to this folder


def load(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """The settings from the config file and the environment (the environment wins).

    Raises InputError with one sentence naming the key when a value cannot be used.
    """
    env = os.environ if environ is None else environ
    here = Path.cwd() if cwd is None else cwd
    file = config_path(env, here)
    document = _read_file(file) if file is not None else {}
    given: dict[str, _Given] = {}
    for key in KEYS:
        text = env.get(env_name(key), "").strip()
        if text:
            given[key] = _Given(text, env_name(key), here)
        elif key in document:
            assert file is not None
            given[key] = _Given(document[key], f"{key} in {file}", file.parent)
    return _settings(given, file)


def config_path(environ: Mapping[str, str], cwd: Path) -> Path | None:
    """The config file to read: $TIERBOARD_CONFIG, else ./tierboard.toml if present, else None."""
    named = environ.get(CONFIG_ENV, "").strip()
    if named:
        path = (cwd / Path(named).expanduser()).resolve()
        if not path.is_file():
            raise InputError(f"{CONFIG_ENV} points to {path}, which is not a file.")
        return path
    local = cwd / CONFIG_FILE
    return local.resolve() if local.is_file() else None


def _read_file(path: Path) -> dict[str, object]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"The config file {path} cannot be read: {error.strerror}.") from None
    except UnicodeDecodeError:
        raise InputError(f"The config file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"The config file {path} is not valid TOML: {error}.") from None
    normalised: dict[str, object] = {}
    for key, value in document.items():
        # The variable's own name is accepted too: people copy keys from the README's table.
        name = key.lower().removeprefix(PREFIX.lower())
        if name not in KEYS:
            raise InputError(
                f"The config file {path} has an unknown key {key!r}; the keys are "
                f"{', '.join(KEYS)}."
            )
        if name in normalised:
            raise InputError(f"The config file {path} sets {name} twice.")
        normalised[name] = value
    return normalised


def _settings(given: dict[str, _Given], file: Path | None) -> Settings:
    source = _source(given["source"]) if "source" in given else None
    _check_source_parts(given, source)
    source_map = _source_map(given["source_map"]) if "source_map" in given else ()
    store = _scenario_store(given["scenario_store"]) if "scenario_store" in given else SQLITE
    auth = _choice(given["auth"], get_args(Auth)) if "auth" in given else "off"
    domains = _domains(given["allowed_domains"]) if "allowed_domains" in given else ()
    if auth == "oidc" and not domains:
        raise InputError(
            f"{env_name('auth')} is oidc but {env_name('allowed_domains')} is empty: list the "
            f"email domains that may sign in (or {ALL_DOMAINS} for anyone your identity provider "
            "admits)."
        )
    if "data" in given and source is not None:
        raise InputError(
            f"Set either {env_name('data')} (a file) or {env_name('source')} (a database table "
            "or Parquet files), not both."
        )
    return Settings(
        data=_path(given["data"]) if "data" in given else None,
        source=source,
        source_table=_table(given["source_table"], source) if "source_table" in given else (),
        source_map=source_map,
        source_basis=_basis(given.get("source_basis"), source_map),
        scenario_store=store,
        data_dir=_path(given["data_dir"]) if "data_dir" in given else None,
        auth=auth,  # type: ignore[arg-type]  # checked against Auth's values
        allowed_domains=domains,
        max_upload_mb=_upload_mb(given["max_upload_mb"]) if "max_upload_mb" in given else None,
        config_file=file,
    )


def _text(given: _Given) -> str:
    if not isinstance(given.value, str) or not given.value.strip():
        raise InputError(f"{given.name} must be text; got {_shown(given.value)}.")
    return given.value.strip()


def _path(given: _Given) -> Path:
    return (given.base / Path(_text(given)).expanduser()).resolve()


def _source(given: _Given) -> str:
    text = _text(given)
    from lib.engine_source import BACKENDS, scheme_of  # noqa: PLC0415 -- engines by scheme
    from lib.spark import is_master  # noqa: PLC0415, F401 -- registers spark:// and local[N]

    if is_postgres_url(text):
        _check_postgres_url(text, given.name)
        return text
    scheme = scheme_of(text)
    if scheme == "duckdb":  # a DuckDB database file: duckdb://path or path.duckdb
        path = text.split("://", 1)[1] if "://" in text else text
        return f"duckdb://{given.base / Path(path).expanduser()}"
    if scheme != "parquet" and scheme in BACKENDS:
        return text  # an engine another module registered (lib/engine_source.register_backend)
    if "://" in text or scheme != "parquet":
        known = ", ".join(sorted(f"{s}://" for s in BACKENDS if s != "parquet"))
        raise InputError(
            f"{given.name} must be a URL of an engine tierboard reads ({known}), a .duckdb "
            f"file, or a folder or glob of Parquet files; got {redact_url(text)!r}."
        )
    # A glob keeps its pattern: only the part before the first wildcard is a real folder.
    return str(given.base / Path(text).expanduser()) if _GLOB.search(text) else str(_path(given))


def _check_postgres_url(url: str, name: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        raise InputError(
            f"{name} is not a valid PostgreSQL URL (check the host and port): {redact_url(url)!r}."
        ) from None
    if not parts.path.strip("/"):
        raise InputError(
            f"{name} names no database: write it after the host, as in "
            "postgresql://user@host:5432/tierboard."
        )


def _check_source_parts(given: dict[str, _Given], source: str | None) -> None:
    """The source's companions make sense only with the source they belong to."""
    is_table = source is not None and is_table_source(source)
    if "source_table" in given and not is_table:
        raise InputError(
            f"{given['source_table'].name} is set but {env_name('source')} is not a database "
            "(postgresql://, duckdb://, ...); the table belongs to a database source."
        )
    if is_table and "source_table" not in given:
        what = "a PostgreSQL database" if is_postgres_url(source or "") else "a database"
        raise InputError(
            f"{env_name('source')} is {what}: set {env_name('source_table')} to "
            "the table or view that holds the customers (schema.table)."
        )
    for key in ("source_map", "source_basis"):
        if key in given and source is None:
            raise InputError(f"{given[key].name} is set but {env_name('source')} is not.")


def table_parts(text: str) -> tuple[str, ...]:
    """`schema.table` (or `table`) as its parts; ValueError when it is not such a name.

    A part in double quotes is taken as written ("Sales"."Accounts 2026"); a bare part is folded
    to lower case, as PostgreSQL folds unquoted names, so `Public.Customers` finds the table
    PostgreSQL calls public.customers.
    """
    parts: list[str] = []
    rest = text.strip()
    while True:
        if rest.startswith('"'):
            match = re.match(r'^"((?:[^"]|"")+)"', rest)
            if match is None:
                raise ValueError("unclosed quote")
            parts.append(match.group(1).replace('""', '"'))
            rest = rest[match.end() :]
        else:
            name, _, _ = rest.partition(".")
            if not _BARE_NAME.match(name):
                raise ValueError("not a name")
            parts.append(name.lower())
            rest = rest[len(name) :]
        if not rest:
            break
        if not rest.startswith(".") or len(parts) == 2:
            raise ValueError("too many parts")
        rest = rest[1:]
    return tuple(parts)


def _table(given: _Given, source: str | None = None) -> tuple[str, ...]:
    text = _text(given)
    from lib import spark  # noqa: PLC0415

    if source is not None and spark.is_master(source) and spark.is_path(text.strip('"')):
        return (text.strip('"'),)  # Parquet files for Spark: the path as written (case, dots)
    try:
        return table_parts(text)
    except ValueError:
        raise InputError(
            f"{given.name} must name a table or view as schema.table or table (double quotes "
            f"around names with spaces or capitals); got {_shown(text)}."
        ) from None


def _pairs_from_text(text: str) -> list[tuple[str, str]]:
    # Headers may hold commas ("Revenue, USD"): a comma separates pairs only where the next
    # pair's canonical name and "=" follow it.
    names = "|".join(re.escape(name) for name in (*BY_NAME, DATE))
    pieces = re.split(rf"[,;\n]\s*(?=(?:{names})\s*=)", text)
    pairs = []
    for piece in pieces:
        canonical, separator, header = piece.partition("=")
        if not separator or not header.strip():
            raise ValueError(piece)
        pairs.append((canonical.strip(), header.strip().strip('"').strip("'")))
    return pairs


def _source_map(given: _Given) -> tuple[tuple[str, str], ...]:
    example = 'customer_id=Account ID, annual_revenue=ARR, date="Invoice Date"'
    value = given.value
    try:
        if isinstance(value, Mapping):
            pairs = [(str(k), v) for k, v in value.items()]
            if not all(isinstance(v, str) and v.strip() for _, v in pairs):
                raise ValueError
            pairs = [(k, v.strip()) for k, v in pairs]
        elif isinstance(value, str):
            pairs = _pairs_from_text(value)
        else:
            raise ValueError
    except ValueError:
        raise InputError(
            f"{given.name} must be canonical=Header pairs, like {example}; got {_shown(value)}."
        ) from None
    known = (*BY_NAME, DATE)
    for canonical, _ in pairs:
        if canonical not in known:
            raise InputError(
                f"{given.name} maps {canonical!r}, which is not a column tierboard knows; use "
                f"{', '.join(known)}."
            )
    if len({canonical for canonical, _ in pairs}) != len(pairs):
        raise InputError(f"{given.name} maps the same column twice.")
    return tuple(pairs)


def _basis(given: _Given | None, source_map: Sequence[tuple[str, str]]) -> Basis:
    if given is None:
        # A mapped date column means invoice lines: summed over the trailing 12 months.
        return "transactions" if any(name == DATE for name, _ in source_map) else "annual"
    return _choice(given, get_args(Basis))  # type: ignore[return-value]


def _scenario_store(given: _Given) -> str:
    text = _text(given)
    if text.lower() == SQLITE:
        return SQLITE
    if not is_postgres_url(text):
        raise InputError(
            f"{given.name} must be sqlite or a postgresql:// URL; got {redact_url(text)!r}."
        )
    _check_postgres_url(text, given.name)
    return text


def _choice(given: _Given, choices: Sequence[str]) -> str:
    text = _text(given).lower() if isinstance(given.value, str) else given.value
    if text not in choices:
        listed = f"{', '.join(choices[:-1])} or {choices[-1]}"
        raise InputError(f"{given.name} must be {listed}; got {_shown(given.value)}.")
    return str(text)


def _domains(given: _Given) -> tuple[str, ...]:
    value = given.value
    if isinstance(value, str):
        items = re.split(r"[,\s]+", value)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = value
    else:
        raise InputError(
            f"{given.name} must be email domains separated by commas, like "
            f"example.com, example.org; got {_shown(value)}."
        )
    domains = [item.strip().lower().removeprefix("@") for item in items if item.strip()]
    for domain in domains:
        if domain != ALL_DOMAINS and not _DOMAIN.match(domain):
            raise InputError(
                f"{given.name} lists {domain!r}, which is not an email domain like example.com."
            )
    return tuple(dict.fromkeys(domains))


def _upload_mb(given: _Given) -> int:
    value = given.value
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 1 <= number <= MAX_UPLOAD_MB:
        raise InputError(
            f"{given.name} must be a whole number of megabytes from 1 to {MAX_UPLOAD_MB:,}; "
            f"got {_shown(value)}."
        )
    return number


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


# ---------------------------------------------------------------------------------------------
# For the launcher.


def streamlit_flags(settings: Settings) -> list[str]:
    """Command-line options for `streamlit run` that the settings decide (the upload limit)."""
    if settings.max_upload_mb is None:
        return []  # .streamlit/config.toml's value stands
    return ["--server.maxUploadSize", str(settings.max_upload_mb)]


def pinned_environment(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Variables that keep the same settings after the launcher changes directory.

    The launcher runs Streamlit from the project folder: a relative TIERBOARD_CONFIG, a
    ./tierboard.toml found in the starting folder, or a relative path in a variable would
    otherwise point elsewhere. Paths from the file are already relative to the file.
    """
    env = os.environ if environ is None else environ
    pinned: dict[str, str] = {}
    if settings.config_file is not None:
        pinned[CONFIG_ENV] = str(settings.config_file)
    for key in PATH_KEYS:
        value = getattr(settings, key)
        if env.get(env_name(key), "").strip() and value is not None:
            pinned[env_name(key)] = str(value)
    from_env = env.get(env_name("source"), "").strip()
    if from_env and settings.source is not None and not settings.source_is_postgres:
        pinned[env_name("source")] = settings.source
    return pinned


def default_store_path(settings: Settings | None = None) -> Path:
    """Where the embedded scenario store keeps scenarios: the data folder, else XDG's.

    That is `<data_dir>/scenarios.sqlite3` (TIERBOARD_DATA_DIR or `data_dir` in tierboard.toml),
    else `$XDG_DATA_HOME/tierboard/...`, else `~/.local/share/tierboard/scenarios.sqlite3`.
    """
    settings = load() if settings is None else settings
    if settings.data_dir is not None:
        return settings.data_dir / STORE_FILE
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    # The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "tierboard" / STORE_FILE


def describe(settings: Settings) -> list[str]:
    """The settings in force, one line each, passwords hidden: for `python -m lib.config`."""
    source = settings.source and (
        redact_url(settings.source) if settings.source_is_postgres else settings.source
    )
    table = ".".join(settings.source_table)
    lines = [
        f"config file:     {settings.config_file or '(none)'}",
        f"data:            {settings.data or '(the bundled sample)'}",
        f"source:          {source or '(none)'}" + (f" table {table}" if table else ""),
    ]
    if settings.source:
        mapping = ", ".join(f"{k}={v}" for k, v in settings.source_map) or "automatic"
        lines.append(f"source mapping:  {mapping}; revenue basis {settings.source_basis}")
    store = (
        redact_url(settings.scenario_store)
        if settings.scenario_store_is_postgres
        else f"sqlite at {default_store_path(settings)}"
    )
    lines += [
        f"scenario store:  {store}",
        f"sign-in:         {settings.auth}"
        + (f" for {', '.join(settings.allowed_domains)}" if settings.auth != "off" else ""),
        f"upload limit:    {settings.upload_limit_mb} MB",
    ]
    return lines


def main() -> int:
    """`python -m lib.config`: check the configuration and print it (exit 2 when it is bad)."""
    try:
        settings = load()
    except InputError as error:
        print(f"tierboard configuration: {error}", file=sys.stderr)
        return 2
    print("\n".join(describe(settings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
