"""Formula-safe cells: text a spreadsheet would run as a formula gets a leading quote (OWASP).

Its own module because every file tierboard writes (tier lists, rosters, movers, packs) needs
it, and the modules that write files must not depend on the ones that draw them.
"""

from __future__ import annotations

import re

# A spreadsheet runs a text cell starting with these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# ...and a line inside a cell starting with these (after a break, an empty line is harmless).
LINE_TRIGGERS = ("=", "+", "-", "@", "\t")
# Every line break a reader may split a cell on: a bare CR ends a row in Excel and in many
# line-based tools, so each line of a cell is a cell start of its own.
_LINES = re.compile(r"(\r\n|\r|\n)")


def formula_safe(value: object) -> object:
    """Prefix each line of a text value a spreadsheet would run as a formula with `'`.

    Each line, not only the first: `Acme\\r=cmd|...` is two rows to a reader that splits on the
    carriage return. Numbers stay numbers: -1200 is a credit, not an attack, and must stay
    summable.
    """
    if not isinstance(value, str):
        return value
    first, *rest = _LINES.split(value)
    # Behind double quotes too: a reader that splits on line breaks but not on quotes sees the
    # line '"=1+1' as the quoted cell =1+1.
    if value.lstrip('"').startswith(FORMULA_TRIGGERS):
        first = "'" + first
    # rest alternates: line break, the line after it (whose leading quotes a reader that splits
    # lines first may take for CSV quoting: `"=` is a formula to it too)
    lines = [
        "'" + part if i % 2 and part.lstrip('"').startswith(LINE_TRIGGERS) else part
        for i, part in enumerate(rest)
    ]
    return "".join([first, *lines])
