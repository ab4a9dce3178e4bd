"""Which character separates a text file's values, and reports aligned with spaces instead.

Picks among `,` `;` tab `|` the delimiter that splits the first lines most consistently, and
rewrites a whitespace-aligned report (mainframe and ERP exports) as tab-separated text.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

from lib.layout import SAMPLE_RECORDS, filled
from lib.raw import MAX_LINE_BYTES, SPACES

DELIMITERS = (",", ";", "\t", "|")

csv.field_size_limit(2 * MAX_LINE_BYTES)  # Python's default, 128 KiB, failed on long headers


def split_records(text: str, delimiter: str) -> list[tuple[list[str], int]]:
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


def detect(lines: list[str]) -> str:
    """The delimiter that splits the sample into the most consistent number of fields (>1).

    Reports printed for people (mainframe and ERP exports, some public datasets) align their
    columns with runs of spaces instead: SPACES, when no delimiter splits as consistently.
    """
    text = "\n".join(lines[: SAMPLE_RECORDS * 2])
    best, best_score = ",", -1.0
    candidates: list[tuple[str, list[int]]] = [
        (delimiter, [len(r) for r, _ in split_records(text, delimiter) if filled(r)])
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


def align(path: Path, target: Path, single: bool) -> Path:
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
