"""Workbooks (XLSX / XLSM / XLS / ODS) read where a hostile file cannot take the server down.

python-calamine allocates a sheet's whole extent: one cell at XFD1048576 in a 5 KB workbook made
it ask for ~512 GiB and abort the process, with no Python exception to catch. So:

1. the parent scans the sheets' XML inside the zip for their real extent (bounded, streaming) and
   refuses a sheet that reaches too far before anything is allocated (`check_extent`);
2. the reading itself runs in a child process (`python -m lib.workbook`) under a memory limit
   (RLIMIT_AS) and a time limit: whatever a file does (XLS and ODS have no cheap scan), the child
   dies, not the server, and the person gets one sentence.

The child writes the sheet's data rows as CSV (its own, well-formed: every field quoted when
needed) with the sheet row each one came from; lib/reading.py loads that into DuckDB. The child
imports only python-calamine and the pure layout rules, so it starts in a tenth of a second.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from lib.layout import (
    SAMPLE_RECORDS,
    cell_text,
    filled,
    footer_length,
    header_index,
    unique_headers,
)
from lib.mapping import suggest

ROOT = Path(__file__).resolve().parents[1]
MAX_COLUMNS = 1_000  # every column costs DuckDB buffers: 2,000 ran out of a dataset's 256 MB
MAX_SHEET_CELLS = 20_000_000  # 1M rows x 20 columns; calamine holds ~32 bytes per cell
# The child's address-space limit and wall-clock limit (the CPU limit backs the latter up).
MEMORY_BYTES = int(os.environ.get("TIERBOARD_WORKBOOK_MEMORY_MB", "3072")) * 2**20
SECONDS = int(os.environ.get("TIERBOARD_WORKBOOK_SECONDS", "120"))
SCAN_CHUNK = 1 << 20
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\br=\"([0-9]{1,9})\"")
# A cell's reference: its column letters (`ref="` of merged cells never matches).
_CELL = re.compile(rb'\br="([A-Z]{1,3})[0-9]')
# Past column Z, with the row: rare in real sheets, so finding them all stays cheap.
_FAR_CELL = re.compile(rb'\br="([A-Z]{2,3})([0-9]{1,9})"')
_SHEET_PART = re.compile(r"^xl/(worksheets|chartsheets|dialogsheets|macrosheets)/[^/]+\.xml$")


@dataclass(frozen=True)
class Sheet:
    """What the child read: the chosen sheet's layout, its data rows at `rows_path` as CSV."""

    sheet: str
    sheets: tuple[str, ...]
    header: tuple[str, ...]  # unique, printable names
    rows: int
    title_lines: int
    footer_lines: int
    blank_lines: int


class WorkbookError(Exception):
    """The workbook cannot be used; the message is the sentence for the person."""


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - ord("A") + 1
    return number


def _too_far(name: str, rows: int, columns: int) -> str | None:
    corner = f"{column_letters(columns)}{rows:,}".replace(",", "")
    if columns > MAX_COLUMNS:
        return (
            f"A sheet of {name} has something in column {column_letters(columns)} ({columns:,} "
            f"columns); tierboard reads at most {MAX_COLUMNS:,}. Delete what is beyond the table "
            "(or export the sheet as CSV) and upload it again."
        )
    if rows * columns > MAX_SHEET_CELLS:
        return (
            f"A sheet of {name} reaches cell {corner}, {rows * columns:,} cells; tierboard reads "
            f"sheets of up to {MAX_SHEET_CELLS:,} cells. Delete what is beyond the table (or "
            "export the sheet as CSV) and upload it again."
        )
    return None


def check_extent(path: Path, name: str) -> None:
    """Refuse an XLSX whose sheets reach too far, from their XML, before a reader allocates.

    The `<dimension>` a file declares is ignored (calamine ignores it too): the cells decide.
    Raises WorkbookError; a damaged archive raises zipfile.BadZipFile (and kin) to the caller.
    """
    with zipfile.ZipFile(path) as archive:
        for entry in archive.infolist():
            if not _SHEET_PART.match(entry.filename):
                continue
            rows = columns = 0
            with archive.open(entry) as part:
                carry = b""
                while chunk := part.read(SCAN_CHUNK):
                    data = carry + chunk
                    cut = data.rfind(b"<")
                    # A tag cut by the chunk boundary is looked at again with the next chunk.
                    body, carry = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
                    if len(carry) > SCAN_CHUNK:
                        body, carry = data, b""
                    if found := _ROW.findall(body):
                        rows = max(rows, *(int(number) for number in found))
                    for letters in set(_CELL.findall(body)):
                        columns = max(columns, _column_number(letters))
                    if columns > 26:
                        for _, number in _FAR_CELL.findall(body):
                            rows = max(rows, int(number))
                    if problem := _too_far(name, max(rows, 1), max(columns, 1)):
                        raise WorkbookError(problem)


# --- the parent side -----------------------------------------------------------------------------


def read(path: Path, name: str, sheet: str | None, rows_path: Path) -> Sheet:
    """Read `sheet` (or the most plausible one) of the workbook at `path` in a child process.

    The data rows go to `rows_path` as CSV: the sheet row number, then one field per column.
    Raises WorkbookError with the sentence for the person.
    """
    command = [sys.executable, "-m", "lib.workbook", str(path), str(rows_path), name, sheet or ""]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=SECONDS, cwd=ROOT, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        raise WorkbookError(
            f"{name} took longer than {SECONDS} seconds to read, so tierboard stopped: a sheet "
            "may reach far beyond its table. Export the sheet as CSV and upload that."
        ) from None
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if done.returncode == 0 and lines else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise WorkbookError(
            f"{name} needs more memory or time to read than tierboard gives one workbook "
            f"({MEMORY_BYTES // 2**20:,} MB), or it is damaged: a sheet may reach far beyond its "
            "table. Export the sheet as CSV and upload that."
        )
    if "error" in answer:
        raise WorkbookError(str(answer["error"]))
    return Sheet(
        sheet=answer["sheet"],
        sheets=tuple(answer["sheets"]),
        header=tuple(answer["header"]),
        rows=int(answer["rows"]),
        title_lines=int(answer["title_lines"]),
        footer_lines=int(answer["footer_lines"]),
        blank_lines=int(answer["blank_lines"]),
    )


# --- the child side ------------------------------------------------------------------------------


def _limit_resources() -> None:
    for limit, wanted in (
        (resource.RLIMIT_AS, MEMORY_BYTES),
        (resource.RLIMIT_CPU, SECONDS),
        (resource.RLIMIT_CORE, 0),
    ):
        # Never above a limit the parent already has (a hard limit cannot be raised).
        _, hard = resource.getrlimit(limit)
        value = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(limit, (value, hard))


MAX_ROW_CHARS = 2**20  # a row with more text than this is not a customer (see lib/reading.py)


class _Book:
    """An open workbook in the child: sheets as rows of text."""

    def __init__(self, workbook: CalamineWorkbook, name: str) -> None:
        self.workbook = workbook
        self.name = name

    def rows(self, sheet: str, limit: int | None = None) -> tuple[list[list[str]], int]:
        """The sheet's rows as text, and the sheet row number of the first one."""
        try:
            grid = self.workbook.get_sheet_by_name(sheet)
            start = grid.start
            if start is None:
                return [], 1
            if problem := _too_far(self.name, grid.height, grid.width):
                raise WorkbookError(problem.replace("A sheet of", f"Sheet “{sheet}” of", 1))
            values = grid.to_python(skip_empty_area=True, nrows=limit)
        except (MemoryError, WorkbookError):
            raise
        except Exception as error:  # calamine's own types (XmlError, ZipError, ...) for damage
            raise WorkbookError(
                f"Sheet “{sheet}” of {self.name} could not be read: it is damaged. Save the "
                "workbook again, or export the sheet as CSV."
            ) from error
        return [[cell_text(cell) for cell in row] for row in values], int(start[0]) + 1

    def plausibility(self, sheet: str) -> tuple[int, int]:
        """How much a sheet looks like a customer table: mapped columns found, then data rows."""
        try:
            rows, _ = self.rows(sheet, SAMPLE_RECORDS)
        except WorkbookError:
            return (-1, 0)
        if not rows:
            return (0, 0)
        found = suggest(rows[header_index(rows)]).mapping
        score = ("customer_id" in found) + ("annual_revenue" in found) * 2 + len(found)
        return (score, len(rows))


def _write_rows(
    rows_path: Path, body: list[list[str]], first_line: int, name: str
) -> tuple[int, int]:
    """Data rows to `rows_path` as CSV (sheet row, then the cells): rows written, blank rows."""
    blank = written = 0
    with rows_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        for offset, row in enumerate(body):
            if not filled(row):
                blank += 1
                continue
            if sum(len(cell) for cell in row) > MAX_ROW_CHARS:
                raise WorkbookError(
                    f"Row {first_line + offset:,} of {name} holds more than "
                    f"{MAX_ROW_CHARS:,} characters; tierboard reads rows of up to that. Check "
                    "the workbook: no customer's data is that long."
                )
            # NUL means nothing in a value (and no reader takes it back): it is dropped.
            writer.writerow([first_line + offset, *(cell.replace("\x00", "") for cell in row)])
            written += 1
    return written, blank


def _extract(source: Path, rows_path: Path, name: str, wanted: str | None) -> dict[str, object]:
    try:
        # From the bytes, not the path: calamine then goes by the content, not the file name
        # (an XLSX saved as ".xls" is still an XLSX).
        book = _Book(CalamineWorkbook.from_filelike(io.BytesIO(source.read_bytes())), name)
        sheets = [str(sheet) for sheet in book.workbook.sheet_names]
    except MemoryError:
        raise
    except Exception:  # calamine raises its own types (XmlError, ZipError, ...) for damage
        return {
            "error": f"{name} could not be opened as a spreadsheet: it is damaged or not a real "
            "workbook. Save it again, or export it as CSV."
        }
    if not sheets:
        return {"error": f"{name} has no sheets. Save it again, or export it as CSV."}
    if wanted is not None and wanted not in sheets:
        return {"error": f"{name} has no sheet “{wanted}”; its sheets are {', '.join(sheets)}."}
    try:
        sheet = wanted if wanted is not None else max(sheets, key=book.plausibility)
        rows, first_line = book.rows(sheet)
        if not any(filled(r) for r in rows):
            raise WorkbookError(
                f"Sheet “{sheet}” of {name} is empty: pick the sheet with the data."
            )
        header_at = header_index(rows)
        header = unique_headers(rows[header_at])
        body = rows[header_at + 1 :]
        footer, footer_blank = footer_length(body, len(header))
        body = body[: len(body) - footer]
        written, blank = _write_rows(rows_path, body, first_line + header_at + 1, name)
    except WorkbookError as error:
        return {"error": str(error)}
    return {
        "sheet": sheet,
        "sheets": sheets,
        "header": header,
        "rows": written,
        "title_lines": sum(1 for r in rows[:header_at] if filled(r)),
        "footer_lines": footer - footer_blank,
        "blank_lines": blank,
    }


def main(argv: list[str]) -> int:
    source, rows_path, name, sheet = argv
    _limit_resources()
    try:
        answer = _extract(Path(source), Path(rows_path), name, sheet or None)
    except MemoryError:
        answer = {
            "error": f"{name} needs more memory to read than tierboard gives one workbook "
            f"({MEMORY_BYTES // 2**20:,} MB): a sheet may reach far beyond its table. Export "
            "the sheet as CSV and upload that."
        }
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
