"""Bytes → a table of text in DuckDB: whatever a CRM, billing or accounting tool exported.

Handles CSV/TSV/TXT in UTF-8 (with or without BOM), UTF-16 and cp1252/Latin-1, any of `,` `;`
tab `|` as delimiter or columns aligned with runs of spaces, quoted newlines, title lines above
the header, report footers below the data (Salesforce's "Grand Totals", copyright and "Generated
By" lines), XLSX / XLS / ODS workbooks (the most plausible sheet picked; read in a child process,
lib/workbook.py) and Parquet. Every value lands as text in `RAW`, with the line of the file (or
row of the sheet) it came from; turning text into numbers and dates is lib/values.py's job,
deciding what is a customer lib/ingest.py's.

Nothing a file holds may crash, hang or exhaust the server: every failure is one InputError
sentence, never an engine's message or a path. `tests/unit/test_fuzz_loader.py` holds the line.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import numpy as np
import pyarrow as pa

from lib import workbook
from lib.errors import InputError
from lib.formatting import plural
from lib.layout import (
    EXTRA,
    LINE,
    SAMPLE_RECORDS,
    VALUE_LIKE,
    cell_text,
    filled,
    footer_length,
    header_index,
    printable,
    unique_headers,
)
from lib.sql import one_row, quote_ident

__all__ = [
    "LINE",
    "RAW",
    "RecordLines",
    "SourceInfo",
    "cell_text",
    "footer_length",
    "header_index",
    "read",
    "unique_headers",
]

RAW = "raw_rows"
Kind = Literal["csv", "xlsx", "xls", "ods", "parquet"]

DELIMITERS = (",", ";", "\t", "|")
SPACES = " "  # the delimiter of a whitespace-aligned report (runs of spaces, rewritten to tabs)
# The longest record (line, or lines of one quoted value) tierboard reads: pages of notes fit;
# a longer one is a damaged file or an attack (DuckDB's reader holds lines whole).
MAX_LINE_BYTES = 4 * 2**20
READ_BUFFER_BYTES = 4 * MAX_LINE_BYTES  # per reading thread; must hold the longest line
HEAD_BYTES = 256 * 1024  # enough to see title lines, the header and the first rows
TAIL_BYTES = 64 * 1024  # enough to see a report's footer block
# The widest table tierboard reads. Every column costs DuckDB buffers while a file is read
# within the store's memory limit: measured in tests/unit/test_reading.py at this width.
MAX_COLUMNS = workbook.MAX_COLUMNS
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024  # an XLSX/ODS inflating beyond this is refused (zip bomb)
MAX_ZIP_ENTRIES = 20_000
CHUNK = 8 * 1024 * 1024
NEWLINE = ord("\n")
QUOTE = ord('"')
RETURN = ord("\r")
MAX_RATIO = 200  # an XLSX compresses ~10:1; a part inflating 200-fold and beyond is a bomb
RATIO_CHECK_BYTES = 20 * 1024 * 1024
SPREADSHEET_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError,
              NotImplementedError, KeyError, OverflowError, OSError, RuntimeError)  # fmt: skip

csv.field_size_limit(2 * MAX_LINE_BYTES)  # Python's default, 128 KiB, failed on long headers


@dataclass(frozen=True)
class RecordLines:
    """The line of the file each record in RAW starts on, for a table without a LINE column.

    Record n (RAW's rowid + 1, the records in file order) starts on `starts[n - 1]`, or on line
    n + `offset` when the records could not be located in the bytes. Looked up only for the
    rows that need a line number (rejected ones): most files have none.
    """

    starts: np.ndarray | None
    offset: int = 0

    def renumber(self, con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
        """Replace the record numbers in `column` of `table` by the lines they start on."""
        if self.starts is None:
            con.execute(f"UPDATE {quote_ident(table)} SET {quote_ident(column)} = "
                        f"{quote_ident(column)} + ?", [self.offset])  # fmt: skip
            return
        found = con.execute(f"SELECT DISTINCT {quote_ident(column)} FROM {quote_ident(table)}")
        records = np.asarray(next(iter(found.fetchnumpy().values())), dtype=np.int64)
        if not records.size:
            return
        known = records[(records >= 1) & (records <= len(self.starts))]
        con.register("tierboard_lines", pa.table({"record": known, "line": self.starts[known - 1]}))
        try:
            con.execute(
                f"UPDATE {quote_ident(table)} SET {quote_ident(column)} = l.line "
                f"FROM tierboard_lines l WHERE {quote_ident(column)} = l.record"
            )
        finally:
            con.unregister("tierboard_lines")


@dataclass(frozen=True)
class SourceInfo:
    """What was read, and how: everything the load report and the mapping step need."""

    name: str
    kind: Kind
    headers: tuple[str, ...]
    rows: int  # data rows in the raw table
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    title_lines: int = 0
    footer_lines: int = 0
    blank_lines: int = 0  # empty lines between the header and the footer, skipped
    prefers_european: bool = False  # ";"-separated: ambiguous "1.234" / "01/02" read the EU way
    # RAW without a LINE column (text files): where its records start, looked up on demand.
    lines: RecordLines | None = field(default=None, compare=False, repr=False)

    def describe(self) -> str:
        """How the file was read, in one line: "CSV, UTF-8, ';'-separated, sheet ..."."""
        parts = [self.kind.upper()]
        if self.encoding:
            parts.append(self.encoding)
        if self.delimiter == SPACES:
            parts.append("columns aligned with spaces")
        elif self.delimiter:
            shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[self.delimiter]
            parts.append(f"{shown}-separated")
        if self.sheet:
            parts.append(f"sheet “{self.sheet}”")
        return ", ".join(parts)


def read(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    sheet: str | None = None,
    workdir: Path | None = None,
) -> SourceInfo:
    """Read the file at `path` (uploaded as `name`) into the RAW table of `con`.

    RAW holds one text column per header, plus LINE: the line of the file (row of the sheet)
    each record starts on, as a person sees it. A transcoded copy, when one is needed, goes to
    `workdir` (never beside the user's file).
    """
    name = printable(name)
    if not path.is_file():
        raise InputError(f"There is no file at {printable(str(path))}.")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{name} is empty: export the data again, with its header row.")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    kind = _kind(head, name)
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        if kind in ("xlsx", "xls", "ods"):
            info = _read_workbook(con, path, name, kind, sheet=sheet, scratch=Path(scratch))
        elif kind == "parquet":
            info = _read_parquet(con, path, name)
        else:
            info = _read_text(con, path, name, head, Path(scratch))
    if info.rows == 0:
        where = f"Sheet “{info.sheet}” of {name}" if info.sheet else name
        raise InputError(
            f"{where} has a header but no data rows below it. Export it again with its data."
        )
    return info


def _kind(head: bytes, name: str) -> Kind:
    suffix = Path(name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return "ods" if SPREADSHEET_MIME in head[:200] or suffix == ".ods" else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"PAR1"):
        return "parquet"
    if suffix in (".xlsx", ".xlsm", ".ods"):
        raise InputError(
            f"{name} is not a valid {suffix[1:].upper()} file (it is not a zip archive). Open it "
            "in your spreadsheet program and save it again, or export it as CSV."
        )
    # Many tools save tab-separated text under an .xls name: the content decides.
    if suffix == ".parquet":
        raise InputError(f"{name} is not a valid Parquet file. Export it again, or as CSV.")
    return "csv"


# --- text files ---------------------------------------------------------------------------------


def _encoding(path: Path, head: bytes, name: str) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 3:
        # UTF-16 without a byte-order mark: every other byte of Latin text is zero.
        zeros_odd = sample[1::2].count(0)
        if zeros_odd > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4:
            return "utf-16-le" if zeros_odd >= sample[0::2].count(0) else "utf-16-be"
    if 0 in head:
        for candidate in ("utf-16-le", "utf-16-be"):
            if _reads_as_text(sample, candidate):
                return candidate
        raise InputError(
            f"{name} looks like a binary file, not text. Upload a CSV, TSV, XLSX, XLS, ODS or "
            "Parquet export."
        )
    return "utf-8" if _is_utf8(path) else "cp1252"


def _reads_as_text(sample: bytes, encoding: str) -> bool:
    """True when `sample` decodes to printable text (UTF-16 of any script has NUL bytes)."""
    try:
        text = sample[: len(sample) // 2 * 2].decode(encoding)
    except UnicodeDecodeError:
        return False
    printable_chars = sum(1 for char in text if char.isprintable() or char in "\r\n\t")
    # Text has lines: ASCII read two bytes at a time never yields a newline character.
    return "\n" in text and printable_chars / len(text) > 0.95


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _windows_1252(error: UnicodeError) -> tuple[str, int]:
    # Bytes that are not UTF-8 (a file that says UTF-8 with a BOM, then has one cp1252 "é"), and
    # the five bytes undefined in cp1252, are read as Windows-1252 / Latin-1: no file fails on
    # them, and no byte is lost. Excel's "CSV" is cp1252 in Western Europe.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    undecodable = error.object[error.start : error.end]
    return undecodable.decode("cp1252", errors="tierboard-latin-1"), error.end


def _latin_1(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


def _utf16(error: UnicodeError) -> tuple[str, int]:
    # A file cut at an odd byte ends in half a character: nothing to keep. A lone surrogate
    # inside keeps a "�" where the broken character was.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    if error.reason == "truncated data":
        return "", error.end
    return "\ufffd", error.end


codecs.register_error("tierboard-latin-1", _latin_1)
codecs.register_error("tierboard-utf-16", _utf16)
codecs.register_error("tierboard-1252", _windows_1252)


def _to_utf8(path: Path, encoding: str, target: Path) -> Path:
    """Transcode `path` to UTF-8 at `target`, streaming (files can be large).

    UTF-16 that is cut short (an odd byte at the end) or holds a lone surrogate keeps a "�"
    where the broken character was: the rest of the file still reads.
    """
    errors = {"cp1252": "tierboard-latin-1", "utf-8-sig": "tierboard-1252"}.get(
        encoding, "tierboard-utf-16"
    )
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    with path.open("rb") as source, target.open("wb") as out:
        while chunk := source.read(CHUNK):
            out.write(decoder.decode(chunk).encode("utf-8", "surrogatepass"))
        out.write(decoder.decode(b"", final=True).encode("utf-8", "surrogatepass"))
    return target


def _records(text: str, delimiter: str) -> list[tuple[list[str], int]]:
    """CSV records of `text` with the number of the physical line each one ends on."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', doublequote=True)
    out = []
    try:
        for record in reader:
            out.append((record, reader.line_num))
    except csv.Error:
        pass  # a sample cut mid-record; what was read is enough
    return out


_ALIGNED = re.compile(r"\S+(?: \S+)*")  # a value of a whitespace-aligned report: single spaces
_WORDS = re.compile(r"\S+")


def _aligned_fields(line: str, pattern: re.Pattern[str] = _ALIGNED) -> list[str]:
    return pattern.findall(line.replace("\t", "  "))


def _delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample into the most consistent number of fields (>1).

    Reports printed for people (mainframe and ERP exports, some public datasets) align their
    columns with runs of spaces instead: SPACES, when no delimiter splits as consistently.
    """
    text = "\n".join(lines[: SAMPLE_RECORDS * 2])
    best, best_score = ",", -1.0
    candidates: list[tuple[str, list[int]]] = [
        (delimiter, [len(r) for r, _ in _records(text, delimiter) if filled(r)])
        for delimiter in DELIMITERS
    ]
    sample = [line for line in lines[: SAMPLE_RECORDS * 2] if line.strip()]
    candidates.append((SPACES, [len(_aligned_fields(line)) for line in sample]))
    for delimiter, counts in candidates:
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        if common < 2:
            continue
        # Share of records with the usual field count, weighted towards more fields; a real
        # delimiter wins a tie with aligned columns (commas in "1,234" are not a layout).
        score = counts.count(common) / len(counts) + math.log(common) / 100
        if delimiter == SPACES:
            score -= 0.1
        if score > best_score:
            best, best_score = delimiter, score
    if best_score < 0:
        # No delimiter and no double spaces: values separated by single spaces ("00001
        # 19970101 1 11.77"), when every line splits into the same number of them.
        counts = [len(_aligned_fields(line, _WORDS)) for line in sample]
        if counts and min(counts) >= 2 and counts.count(counts[0]) == len(counts):
            return SPACES + SPACES
    return best


def _align(path: Path, target: Path, single: bool) -> Path:
    """Rewrite a whitespace-aligned report as tab-separated text, line for line.

    Each line's values are the runs of non-space text (single spaces belong to a value, "Acme
    Corp"). A line with a value missing has fewer of them: each value then goes to the header
    column it sits under (the one its characters overlap most), so nothing shifts columns.
    """
    pattern = _WORDS if single else _ALIGNED
    header: list[tuple[int, int]] | None = None
    with (
        path.open("r", encoding="utf-8", newline="") as source,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        for raw in source:
            line = raw.rstrip("\r\n").replace("\t", "  ")
            spans = [(m.start(), m.end()) for m in pattern.finditer(line)]
            values = [line[a:b] for a, b in spans]
            if header is None and len(values) >= 2:
                header = spans
            elif header is not None and values and len(values) != len(header):
                values = _by_position(line, spans, header)
            if values:
                writer.writerow(values)
            else:
                out.write("\n")
    return target


def _by_position(
    line: str, spans: list[tuple[int, int]], header: list[tuple[int, int]]
) -> list[str]:
    starts = [a for a, _ in header] + [max(len(line), header[-1][1]) + 1]
    cells: list[list[str]] = [[] for _ in header]
    for a, b in spans:
        overlaps = [
            min(b, starts[i + 1] if i + 1 < len(header) else b) - max(a, starts[i] if i else 0)
            for i in range(len(header))
        ]
        cells[max(range(len(header)), key=lambda i: overlaps[i])].append(line[a:b])
    return [" ".join(cell) for cell in cells]


def _head_lines(path: Path) -> list[str]:
    """The first lines of the file (split on newlines only, as the CSV reader does)."""
    with path.open("rb") as handle:
        raw = handle.read(HEAD_BYTES)
        if raw.count(b"\n") < 2:  # a header longer than the usual sample: read all of it
            raw += handle.read(2 * MAX_LINE_BYTES)
    text = raw.decode("utf-8", errors="replace")
    if raw.endswith(b"\n") or len(raw) < HEAD_BYTES:
        complete = text
    else:  # cut at the last complete line
        complete = text[: text.rfind("\n") + 1] or text
    return [line.removesuffix("\r") for line in complete.split("\n")[:-1] or [complete]]


def _tail_text(path: Path) -> str:
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - TAIL_BYTES))
        raw = handle.read()
    text = raw.decode("utf-8", errors="replace")
    return text[text.find("\n") + 1 :] if size > TAIL_BYTES else text


@dataclass(frozen=True)
class _Scan:
    """Where the records of a text file are, from its bytes (numpy, a chunk at a time)."""

    starts: np.ndarray | None  # line each non-empty record after the header starts on
    blank: int  # empty lines after the header (outside quoted values when `starts` is known)
    longest: int  # bytes of the longest record (or physical line, when `starts` is None)
    longest_at: int  # the line it starts on
    header_end: int  # the line the header ends on


class _Scanner:
    """Record boundaries and line numbers, for the line number a person sees in an editor.

    A newline ends a record unless it is inside a quoted value. When every quote in the file is
    where CSV puts them (an opening quote starts a field, a closing one ends it), counting quotes
    tells exactly which newlines those are; otherwise (`5" screen` in an unquoted cell) the
    reader's own leniency decides, and the starts are unknown.
    """

    def __init__(self, delimiter: str, header_end: int) -> None:
        self.separator = ord(delimiter)
        self.header_end = header_end
        self.starts: list[np.ndarray] = []
        self.exact = True
        self.quotes = self.lines = self.empty = self.empty_physical = 0
        self.last_term = self.last_ordinal = self.last_newline = -1
        self.longest = self.longest_at = self.longest_line = self.longest_line_at = 0
        self.previous = -1  # the byte before the chunk (-1: start of file)

    def scan(self, path: Path) -> _Scan:
        size = path.stat().st_size
        offset = 0
        with path.open("rb") as handle:
            while True:
                handle.seek(offset)
                data = handle.read(CHUNK + 1)  # one byte more: what follows a closing quote
                if not data:
                    break
                whole = np.frombuffer(data, np.uint8).astype(np.int16)
                chunk = whole[: min(len(data), CHUNK)]
                newlines = np.flatnonzero(chunk == NEWLINE)
                before_newline = np.where(
                    newlines > 0, chunk[np.maximum(newlines - 1, 0)], self.previous
                ).astype(np.int16)
                self._physical(newlines, before_newline, offset)
                if self.exact:
                    self._records(whole, chunk, newlines, before_newline, offset)
                self.lines += int(newlines.size)
                self.previous = int(chunk[-1])
                offset += chunk.size
                if len(data) <= CHUNK:
                    break
        return self._result(size)

    def _physical(self, newlines: np.ndarray, before: np.ndarray, offset: int) -> None:
        """Physical lines: the longest, and how many are empty ("\n" or "\r\n" alone)."""
        if not newlines.size:
            return
        positions = newlines + offset
        gaps = np.diff(positions, prepend=self.last_newline) - 1
        blank_line = (gaps == 0) | ((gaps == 1) & (before == RETURN))
        numbers = self.lines + np.arange(newlines.size) + 1
        self.empty_physical += int(np.count_nonzero(blank_line & (numbers > self.header_end)))
        widest = int(np.argmax(gaps))
        if gaps[widest] > self.longest_line:
            self.longest_line, self.longest_line_at = int(gaps[widest]), int(numbers[widest])
        self.last_newline = int(positions[-1])

    def _delimits(self, byte: np.ndarray) -> np.ndarray:
        found: np.ndarray = (
            (byte == self.separator)
            | (byte == NEWLINE)
            | (byte == RETURN)
            | (byte == QUOTE)
            | (byte == -1)
        )
        return found

    def _records(
        self,
        whole: np.ndarray,
        chunk: np.ndarray,
        newlines: np.ndarray,
        before_newline: np.ndarray,
        offset: int,
    ) -> None:
        quoted = np.flatnonzero(chunk == QUOTE)
        if quoted.size:
            opening = (self.quotes + np.arange(quoted.size)) % 2 == 0
            before = np.where(quoted > 0, whole[np.maximum(quoted - 1, 0)], self.previous)
            after_at = quoted + 1
            after = np.where(after_at < whole.size, whole[np.minimum(after_at, whole.size - 1)], -1)
            self.exact = bool(
                np.where(opening, self._delimits(before), self._delimits(after)).all()
            )
        if self.exact and newlines.size:
            ends = np.flatnonzero((self.quotes + np.searchsorted(quoted, newlines)) % 2 == 0)
            if ends.size:
                term = newlines[ends] + offset
                ordinal = self.lines + ends
                length = term - np.concatenate(([self.last_term], term[:-1])) - 1
                is_empty = (length == 0) | ((length == 1) & (before_newline[ends] == RETURN))
                start = np.concatenate(([self.last_ordinal], ordinal[:-1])) + 2
                after_header = start > self.header_end
                self.starts.append(start[~is_empty & after_header])
                self.empty += int(np.count_nonzero(is_empty & after_header))
                widest = int(np.argmax(length))
                if length[widest] > self.longest:
                    self.longest, self.longest_at = int(length[widest]), int(start[widest])
                self.last_term, self.last_ordinal = int(term[-1]), int(ordinal[-1])
        self.quotes += int(quoted.size)

    def _result(self, size: int) -> _Scan:
        tail = size - 1 - self.last_newline
        if tail > self.longest_line:
            self.longest_line, self.longest_line_at = tail, self.lines + 1
        if not self.exact:
            return _Scan(
                None, self.empty_physical, self.longest_line, self.longest_line_at, self.header_end
            )
        rest = size - 1 - self.last_term  # a last record without a newline after it
        if rest > 0 and not (rest == 1 and self.previous == RETURN):
            start = self.last_ordinal + 2
            if start > self.header_end:
                self.starts.append(np.array([start]))
            if rest > self.longest:
                self.longest, self.longest_at = rest, start
        found = np.concatenate(self.starts) if self.starts else np.zeros(0, dtype=np.int64)
        return _Scan(
            found.astype(np.int64), self.empty, self.longest, self.longest_at, self.header_end
        )


def _read_text(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, head: bytes, scratch: Path
) -> SourceInfo:
    encoding = _encoding(path, head, name)
    utf8 = path if encoding == "utf-8" else _to_utf8(path, encoding, scratch / "utf8.csv")
    lines = _head_lines(utf8)
    if not any(line.strip() for line in lines):
        raise InputError(f"{name} has no text in it: export the data again, with its header row.")
    delimiter = _delimiter(lines)
    shown = delimiter
    if delimiter.startswith(SPACES):
        utf8 = _align(utf8, scratch / "aligned.tsv", single=delimiter == SPACES + SPACES)
        delimiter, shown = "\t", SPACES
        lines = _head_lines(utf8)
    head_records = _records("\n".join(lines), delimiter)
    if not head_records:
        raise InputError(
            f"{name} could not be read as a table: its first lines are not rows of values. "
            "Check that it is a CSV/TSV export with one header row, or upload it as XLSX."
        )
    header_at = header_index([r for r, _ in head_records])
    header, header_end = head_records[header_at]
    _check_width(name, len(header))
    headers = tuple(unique_headers(header))
    skip = header_at + 1
    if _is_data(header):
        # No header at all (the public CDNOW transactions ship so): the first line is data, and
        # the columns are named by position for the person to map.
        headers = tuple(f"column{i + 1}" for i in range(len(header)))
        skip, header_end = header_at, head_records[header_at - 1][1] if header_at else 0
    tail_records = [r for r, _ in _records(_tail_text(utf8), delimiter)]
    footer, footer_blank = footer_length(tail_records, len(header))
    scan = _Scanner(delimiter, header_end).scan(utf8)
    if scan.longest > MAX_LINE_BYTES:
        what = "line" if scan.starts is None else "record"
        raise InputError(
            f"Line {scan.longest_at:,} of {name} is longer than {MAX_LINE_BYTES // 2**20} MB"
            + (" (a quoted value that never ends?)" if what == "record" else "")
            + f"; tierboard reads lines of up to {MAX_LINE_BYTES // 2**20} MB. Check the export: "
            "no customer's data is that long."
        )
    record_lines = _load_csv(con, utf8, name, delimiter, skip=skip, headers=headers, scan=scan)
    # DuckDB skips truly empty lines but keeps `""` or `,,` lines as rows: drop those too.
    empty_in_footer = sum(1 for r in tail_records[len(tail_records) - footer :] if not r)
    rows = _drop_last(con, footer - empty_in_footer)
    blank = scan.blank + footer_blank - empty_in_footer
    return SourceInfo(
        name=name,
        kind="csv",
        headers=headers,
        rows=rows,
        encoding={"utf-8-sig": "UTF-8 (BOM)", "cp1252": "Windows-1252"}.get(
            encoding, encoding.upper()
        ),
        delimiter=shown,
        title_lines=sum(1 for r, _ in head_records[:header_at] if filled(r)),
        footer_lines=footer - footer_blank,
        blank_lines=max(0, blank),
        prefers_european=delimiter == ";",
        lines=record_lines,
    )


def _is_data(record: Sequence[str]) -> bool:
    """True for a first record of figures and dates only: no header names, all values."""
    cells = [cell for cell in record if cell.strip()]
    return len(cells) >= 2 and all(VALUE_LIKE.match(cell) for cell in cells)


def _check_width(name: str, width: int) -> None:
    if width > MAX_COLUMNS:
        raise InputError(
            f"{name} has {width:,} columns; tierboard reads at most {MAX_COLUMNS:,}. "
            "Export only the columns you need."
        )


def _load_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    delimiter: str,
    *,
    skip: int,
    headers: tuple[str, ...],
    scan: _Scan,
) -> RecordLines:
    """Every record after the header into RAW as text; returns where each record starts.

    No detection at all (DuckDB's type sniffing is quadratic on long digit runs: a 1 MB number
    took 6 s): the columns are declared, all text. One spare column catches a row with more
    fields than the header (an unquoted "$7,000"): ingest rejects that row, with its line.
    RAW's records are in file order (its rowid); their lines are joined on only for the rows
    that need one, the rejected ones: joining a line number on to every record cost ~40% of
    the read (1M rows: 1.3 -> 2.1 s).
    """
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))} | {EXTRA: "VARCHAR"}
    options = (
        "auto_detect = false, header = false, quote = '\"', escape = '\"', null_padding = true, "
        f"strict_mode = false, max_line_size = {2 * MAX_LINE_BYTES}, "
        f"buffer_size = {READ_BUFFER_BYTES}, skip = ?, delim = ?, columns = ?"
    )
    params: list[object] = [str(path), skip, delimiter, columns]
    selected = ", ".join(f'"c{i}" AS {quote_ident(h)}' for i, h in enumerate(headers))
    query = (
        f"CREATE OR REPLACE TEMP TABLE {RAW} AS SELECT {selected}, {EXTRA} "
        f"FROM read_csv(?, {options}"
    )
    try:
        _execute_csv(con, query, params)
        read = int(one_row(con.execute(f"SELECT count(*) FROM {RAW}").fetchone())[0])
    except duckdb.Error as error:
        raise _unreadable(name, error) from None
    return _record_lines(path, delimiter, scan, read)


def _execute_csv(
    con: duckdb.DuckDBPyConnection, query: str, params: list[object], closing: str = ")"
) -> None:
    """`query` + `closing`, where the query ends inside read_csv(: in parallel if possible."""
    try:
        con.execute(query + closing, params)
    except duckdb.Error as error:
        if "parallel" not in str(error):
            raise
        # Quoted newlines need the single-threaded reader; most files do not have them.
        con.execute(query + ", parallel = false" + closing, params)


def _record_lines(path: Path, delimiter: str, scan: _Scan, read: int) -> RecordLines:
    """Where the `read` records DuckDB read start, when the scan (or Python's reader) agrees."""
    if scan.starts is not None and len(scan.starts) == read:
        return RecordLines(scan.starts)
    if scan.starts is None:
        # Quotes where CSV does not put them (`5" screen`): Python's reader is as lenient as
        # DuckDB's; slower, and only for such files.
        starts = _lenient_starts(path, delimiter, scan.header_end)
        if len(starts) == read:
            return RecordLines(starts)
    # Records the two readers split differently: count records from the header on.
    return RecordLines(None, offset=scan.header_end)


def _lenient_starts(path: Path, delimiter: str, header_end: int) -> np.ndarray:
    """The line each non-empty record after the header starts on, by Python's CSV reader."""
    starts = array("q")
    with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"', doublequote=True)
        ended = 0
        try:
            for record in reader:
                if record and ended >= header_end:
                    starts.append(ended + 1)
                ended = reader.line_num
        except csv.Error:
            return np.zeros(0, dtype=np.int64)
    return np.frombuffer(starts, dtype=np.int64) if starts else np.zeros(0, dtype=np.int64)


def _unreadable(name: str, error: Exception) -> InputError:
    # Never the engine's own text: it names temporary paths and internals ("Error when
    # sniffing file /tmp/..."), which mean nothing to the person and leak the server's layout.
    if isinstance(error, duckdb.OutOfMemoryException):
        return InputError(
            f"{name} is too large to read within the memory tierboard gives one file. Export "
            "fewer columns (or rows), or upload it as CSV."
        )
    return InputError(
        f"{name} could not be read as a table. Check that it is a CSV/TSV export with one "
        "header row, or upload it as XLSX."
    )


def _drop_last(con: duckdb.DuckDBPyConnection, rows: int) -> int:
    """Delete the last `rows` rows of RAW (a footer) and return how many rows remain."""
    total = int(one_row(con.execute(f"SELECT count(*) FROM {RAW}").fetchone())[0])
    if rows > 0:
        # RAW's rows are the file's records in order: the last ones are the footer's.
        con.execute(f"DELETE FROM {RAW} WHERE rowid >= ?", [total - rows])
    return total - min(max(rows, 0), total)


# --- spreadsheets -------------------------------------------------------------------------------


def _damaged(name: str) -> InputError:
    return InputError(
        f"{name} is damaged or not a real spreadsheet. Save it again, or export it as CSV."
    )


def _check_zip(path: Path, name: str) -> None:
    """Refuse archives that would inflate to absurd sizes before any XML parser sees them."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except ZIP_ERRORS:
        raise _damaged(name) from None
    unzipped = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    bomb = unzipped > RATIO_CHECK_BYTES and unzipped / packed > MAX_RATIO
    if len(entries) > MAX_ZIP_ENTRIES or unzipped > MAX_UNZIPPED_BYTES or bomb:
        raise InputError(
            f"{name} would unpack to {unzipped / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB in "
            f"{plural(len(entries), 'part')}: too large or too compressed to be a real spreadsheet "
            "(a zip bomb). Export it as CSV instead."
        )


def _read_workbook(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    kind: Kind,
    *,
    sheet: str | None,
    scratch: Path,
) -> SourceInfo:
    if kind in ("xlsx", "ods"):
        _check_zip(path, name)
    rows_path = scratch / "sheet.csv"
    try:
        if kind == "xlsx":
            workbook.check_extent(path, name)
        table = workbook.read(path, name, sheet, rows_path)
    except workbook.WorkbookError as error:
        raise InputError(str(error)) from None
    except ZIP_ERRORS:  # the scan met a damaged entry (a lying size, a bad checksum)
        raise _damaged(name) from None
    if table.rows:
        _load_sheet_rows(con, name, rows_path, table.header)
    else:
        columns = ", ".join(f"{quote_ident(h)} VARCHAR" for h in table.header)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {RAW} ({LINE} BIGINT, {columns})")
    return SourceInfo(
        name=name,
        kind=kind,
        headers=table.header,
        rows=table.rows,
        sheet=table.sheet,
        sheets=table.sheets,
        title_lines=table.title_lines,
        footer_lines=table.footer_lines,
        blank_lines=table.blank_lines,
    )


def _load_sheet_rows(
    con: duckdb.DuckDBPyConnection, name: str, path: Path, header: tuple[str, ...]
) -> None:
    """The child's CSV (sheet row, then one field per column) into RAW."""
    columns = {LINE: "BIGINT"} | {f"c{i}": "VARCHAR" for i in range(len(header))}
    selected = ", ".join(f'"c{i}" AS {quote_ident(h)}' for i, h in enumerate(header))
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {RAW} AS SELECT {LINE}, {selected} FROM read_csv(?, "
            "auto_detect = false, header = false, quote = '\"', escape = '\"', delim = ',', "
            f"strict_mode = false, null_padding = true, parallel = false, "
            f"max_line_size = {2 * MAX_LINE_BYTES + 2**16}, buffer_size = {READ_BUFFER_BYTES}, "
            "columns = ?)",
            [str(path), columns],
        )
    except duckdb.Error as error:
        raise _unreadable(name, error) from None


# --- parquet ------------------------------------------------------------------------------------


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> SourceInfo:
    try:
        described = con.execute(
            "SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?))", [str(path)]
        ).fetchall()
        _check_width(name, len(described))
        headers = tuple(unique_headers(str(row[0]) for row in described))
        # Columns by position (`#n`): a name in the file may hold characters no SQL name can.
        selected = ", ".join(
            f"CAST(#{i + 1} AS VARCHAR) AS {quote_ident(h)}" for i, h in enumerate(headers)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {RAW} AS SELECT {selected}, "
            f"file_row_number + 1 AS {LINE} FROM read_parquet(?, file_row_number = true)",
            [str(path)],
        )
    except duckdb.Error as error:
        raise _unreadable(name, error) from None
    rows = int(one_row(con.execute(f"SELECT count(*) FROM {RAW}").fetchone())[0])
    return SourceInfo(name=name, kind="parquet", headers=headers, rows=rows)


def raw_headers(con: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The file's columns in RAW, without tierboard's own."""
    described = con.execute(f"DESCRIBE {RAW}").fetchall()
    return tuple(row[0] for row in described if row[0] not in (LINE, EXTRA))


def _headers(headers: Sequence[str]) -> tuple[str, ...]:
    return tuple(headers)
