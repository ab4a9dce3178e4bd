"""PostgreSQL connections: libpq parameters from a URL with tierboard's timeouts, and messages
that name a database ("db on host:port") and say why it failed, never with its password.

Shared by the PostgreSQL scenario store (lib/scenario_store_pg.py) and table sources
(lib/sources.py).
"""

from __future__ import annotations

import re
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from lib.errors import InputError

CONNECT_TIMEOUT = 3  # seconds to give up on an unreachable server (libpq: whole seconds, >= 2)


def connection_params(url: str, connect_timeout: int = CONNECT_TIMEOUT) -> dict[str, Any]:
    """libpq parameters from a URL, with tierboard's timeouts; InputError for a bad URL."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise InputError(
            "The PostgreSQL URL cannot be read; write it as "
            "postgresql://user:password@host:5432/database."
        ) from None
    params["connect_timeout"] = str(max(2, int(connect_timeout)))
    params.setdefault("application_name", "tierboard")
    return params


def describe_database(params: dict[str, Any]) -> str:
    """ "tierboard on db.example.com:5432": which database, without user or password."""
    host = params.get("host") or params.get("hostaddr") or "the local socket"
    port = params.get("port") or "5432"
    where = host if host.startswith("/") or host == "the local socket" else f"{host}:{port}"
    return f"{params.get('dbname') or params.get('user') or 'postgres'} on {where}"


def short_reason(error: BaseException, params: dict[str, Any]) -> str:
    """libpq's reason, short: "Connection refused", "timeout expired", never the password."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    match = re.search(r".*failed:\s*(?:FATAL:\s*)?(.+)$", first)  # the last "failed:"
    reason = (match.group(1) if match else first).strip().rstrip(".")
    password = params.get("password")
    if password:
        reason = reason.replace(str(password), "***")
    return reason
