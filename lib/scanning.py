"""Where the records of a text file start, from its bytes: the line numbers people see.

A numpy pass a chunk at a time finds each record's first line, the longest record and the blank
lines; Python's CSV reader stands in for files whose quotes sit where CSV does not put them.
"""

from __future__ import annotations

import csv
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lib.raw import RecordLines

CHUNK = 8 * 1024 * 1024
NEWLINE = ord("\n")
QUOTE = ord('"')
RETURN = ord("\r")


@dataclass(frozen=True)
class Scan:
    """Where the records of a text file are, from its bytes (numpy, a chunk at a time)."""

    starts: np.ndarray | None  # line each non-empty record after the header starts on
    blank: int  # empty lines after the header (outside quoted values when `starts` is known)
    longest: int  # bytes of the longest record (or physical line, when `starts` is None)
    longest_at: int  # the line it starts on
    header_end: int  # the line the header ends on


class Scanner:
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

    def scan(self, path: Path) -> Scan:
        size = path.stat().st_size
        offset = 0
        with path.open("rb") as handle:
            while True:
                handle.seek(offset)
                data = handle.read(CHUNK + 1)  # one byte more: what follows a closing quote
                if not data:
                    break
                # Bytes as they are (uint8): only the few bytes around newlines and quotes are
                # widened, where -1 stands for "before the file" or "after it".
                whole = np.frombuffer(data, np.uint8)
                chunk = whole[: min(len(data), CHUNK)]
                newlines = np.flatnonzero(chunk == NEWLINE)
                before_newline = np.where(
                    newlines > 0, _wide(chunk[np.maximum(newlines - 1, 0)]), self.previous
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
            before = np.where(quoted > 0, _wide(whole[np.maximum(quoted - 1, 0)]), self.previous)
            after_at = quoted + 1
            after = np.where(
                after_at < whole.size, _wide(whole[np.minimum(after_at, whole.size - 1)]), -1
            )
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

    def _result(self, size: int) -> Scan:
        tail = size - 1 - self.last_newline
        if tail > self.longest_line:
            self.longest_line, self.longest_line_at = tail, self.lines + 1
        if not self.exact:
            return Scan(
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
        return Scan(
            found.astype(np.int64), self.empty, self.longest, self.longest_at, self.header_end
        )


def _wide(found: np.ndarray) -> np.ndarray:
    """Bytes as int16, so that -1 can stand beside them."""
    return found.astype(np.int16)


def record_lines(path: Path, delimiter: str, scan: Scan, read: int) -> RecordLines:
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
