"""A text file's encoding, and its transcoding to UTF-8 (the only encoding DuckDB reads).

UTF-8 with or without BOM, UTF-16 with or without BOM, cp1252 / Latin-1; bytes that fit none are
kept as Windows-1252 / Latin-1 characters, so no file fails on them and no byte is lost.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from lib.errors import InputError

CHUNK = 8 * 1024 * 1024


def detect(path: Path, head: bytes, name: str) -> str:
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
                # ASCII is UTF-8: most exports are ASCII throughout, checked without decoding
                # (~20x faster), unless the previous chunk ended inside a character.
                if not (chunk.isascii() and not decoder.getstate()[0]):
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


def to_utf8(path: Path, encoding: str, target: Path) -> Path:
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


def decode(data: bytes, name: str) -> str:
    """A small text file already in memory (a roster, a list) as text, read by the same rules
    as an uploaded customer file: BOMs, UTF-16, and cp1252 / Latin-1 when it is not UTF-8."""
    head = data[: 256 * 1024]
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        len(head) >= 4 and head.count(0) >= len(head) // 3
    ):
        encoding = _bytes_utf16(head)
    elif 0 in head:
        raise InputError(f"{name} looks like a binary file, not text: give a CSV file.")
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    errors = {"cp1252": "tierboard-latin-1", "utf-8-sig": "tierboard-1252"}.get(
        encoding, "tierboard-utf-16"
    )
    return data.decode(encoding, errors=errors)


def _bytes_utf16(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    zeros_odd = head[1::2].count(0)
    return "utf-16-le" if zeros_odd >= head[0::2].count(0) else "utf-16-be"
