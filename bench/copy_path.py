"""The PostgreSQL source as tierboard read it before issue 17, kept for bench/sources.py to
measure against: every line of the table COPY'd out as CSV (`COPY ... TO STDOUT`), a chunk at
a time into DuckDB's CSV reader as text, then mapped and summed by lib/ingest as an upload.

A copy of lib/sources.py's `_read_postgres` / `_copy_rows` / `_append_csv` as they were (commit
db36be3), without their error messages: the benchmark's table is known to be there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

from lib import reading
from lib.dataset import Dataset, Upload, open_database
from lib.ingest import RevenueBasis
from lib.reading import RAW, SourceInfo
from lib.sql import quote_ident

CHUNK_BYTES = 32 * 1024 * 1024  # CSV from PostgreSQL handed to DuckDB this much at a time
CSV_OPTIONS = (
    "header = false, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
    "auto_detect = true, strict_mode = false, max_line_size = 16777216, names = ?"
)


def load(
    url: str, table: str, mapping: Mapping[str, str], basis: RevenueBasis
) -> tuple[Dataset, int]:
    """The table's customers the old way; and the bytes of CSV the COPY sent."""
    import psycopg

    from lib.postgres import connection_params

    con, folder = open_database("tierboard-bench-copy-")
    params = {**connection_params(url), "client_encoding": "UTF8"}
    with psycopg.connect(**params) as pg, pg.transaction():
        pg.execute("SET TRANSACTION READ ONLY")
        pg.execute("SET LOCAL DateStyle = 'ISO, YMD'")
        pg.execute("SET LOCAL TimeZone = 'UTC'")
        pg.execute("SET LOCAL extra_float_digits = 1")
        described = pg.execute(f"SELECT * FROM {quote_ident(table)} LIMIT 0").description or []
        headers = reading.unique_headers(column.name for column in described)
        columns = ", ".join(f"{quote_ident(header)} VARCHAR" for header in headers)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {RAW} ({columns})")
        sent = _copy_rows(
            pg, con, f"COPY (SELECT * FROM {quote_ident(table)}) TO STDOUT (FORMAT csv)", headers,
            folder,
        )  # fmt: skip
    row = con.execute(f"SELECT count(*) FROM {RAW}").fetchone()
    info = SourceInfo(name=table, kind="csv", headers=tuple(headers), rows=row[0] if row else 0)
    upload = Upload(con, folder, info)
    try:
        return upload.load(dict(mapping), basis), sent
    finally:
        upload.close()


def _copy_rows(
    pg: Any, con: duckdb.DuckDBPyConnection, copy_sql: str, headers: list[str], folder: Path
) -> int:
    spool = folder / "chunk.csv"
    pending: list[bytes] = []
    size = total = 0
    with pg.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for data in copy:
            pending.append(bytes(data))
            size += len(data)
            if size >= CHUNK_BYTES:
                _append_csv(con, spool, pending, headers)
                total += size
                pending, size = [], 0
    if pending:
        _append_csv(con, spool, pending, headers)
        total += size
    spool.unlink(missing_ok=True)
    return total


def _append_csv(
    con: duckdb.DuckDBPyConnection, spool: Path, chunk: list[bytes], headers: list[str]
) -> None:
    spool.write_bytes(b"".join(chunk))
    query = f"INSERT INTO {RAW} SELECT * FROM read_csv(?, {CSV_OPTIONS}"
    try:
        con.execute(query + ")", [str(spool), headers])
    except duckdb.Error as error:
        if "parallel" not in str(error):
            raise
        con.execute(query + ", parallel = false)", [str(spool), headers])
