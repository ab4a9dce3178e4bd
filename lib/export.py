"""Tier lists out to CSV and XLSX, safe to open in any spreadsheet."""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Collection
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from lib.cells import formula_safe
from lib.charts import tier_color
from lib.errors import InputError
from lib.tiering import MAX_TIERS
from lib.views import text_color

# Columns that hold money: written to the cent (50470.48, never 50470.479999999996), whatever
# arithmetic made them. Other numbers (shares, scores, hours) keep their precision.
MONEY_COLUMNS = frozenset(
    {"annual_revenue", "revenue", "cost_to_serve", "csm_cost", "other_cost", "margin",
     "expansion_potential", "moved_revenue"}
)  # fmt: skip


def money_to_the_cent(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its money columns rounded to the cent (the frame itself when it has none).

    A double rounded to two decimals is the one nearest that many cents, which both CSV
    (shortest form) and XLSX write back as exactly those cents.
    """
    money = [c for c in frame.columns if c in MONEY_COLUMNS and _is_float(frame[c])]
    if not money:
        return frame
    rounded = frame.copy()
    for column in money:
        rounded[column] = rounded[column].round(2)
    return rounded


def _is_float(column: pd.Series) -> bool:
    return pd.api.types.is_float_dtype(column)


# The columns that hold account ids: they go back into a CRM, matched character for character.
ID_COLUMNS = frozenset({"customer_id"})
# An id like "-1042" or "+44-ACME/7": nothing a formula needs to call a function "(", to reach
# another sheet, file or program ("!", "|", ":", "[") or to build text ("&", '"'). Such an id is
# written exactly as it is (see README, "Exports"): the worst a spreadsheet can do with it is
# arithmetic on cells of the same sheet, shown in that cell only.
_PLAIN_SIGNED_ID = re.compile(r"[+-][\w .,+\-/#]*")


def id_safe(value: object) -> object:
    """An account id as exported: unchanged when it is a plain signed id ("-1042"), else as
    `formula_safe` makes it (an id that could call something is no id a CRM issued)."""
    if isinstance(value, str) and _PLAIN_SIGNED_ID.fullmatch(value):
        return value
    return formula_safe(value)


def formula_safe_frame(frame: pd.DataFrame, ids: Collection[str] = ID_COLUMNS) -> pd.DataFrame:
    """A copy of `frame` with every text cell (and header) passed through `formula_safe`
    (`id_safe` for the columns in `ids`)."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(id_safe if column in ids else formula_safe)
    safe.columns = [formula_safe(str(column)) for column in safe.columns]
    return safe


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Formula-safe CSV in UTF-8, every text cell in double quotes.

    Quoted, a cell holding a line break (a bare CR included) stays one cell for every CSV
    reader, and an id like "007" or "-1042" reads back as the text it is. No byte-order mark:
    CRM importers and scripts read plain UTF-8, and a BOM would end up glued to the first
    header ("\\ufeffcustomer_id") in many of them.
    """
    return (
        formula_safe_frame(money_to_the_cent(frame))
        .to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
        .encode("utf-8")
    )


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str = "Tiers") -> None:
    """Write `frame` to an XLSX file: text as text cells (never formulas), numbers as numbers."""
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    frame = money_to_the_cent(frame)
    with xlsxwriter.Workbook(str(path), options) as workbook:
        worksheet = workbook.add_worksheet(sheet)
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        # One colour per tier everywhere: the tier cells of the list wear the app's colours.
        tiers = {
            f"Tier {t}": workbook.add_format(
                {"bg_color": tier_color(t), "font_color": text_color(tier_color(t))}
            )
            for t in range(1, MAX_TIERS + 1)
        }
        for col, name in enumerate(frame.columns):
            worksheet.write_string(0, col, str(name), bold)
            is_number = pd.api.types.is_numeric_dtype(frame[name])
            for row, value in enumerate(frame[name].tolist(), start=1):
                if pd.isna(value):
                    worksheet.write_blank(row, col, None)
                elif is_number:
                    worksheet.write_number(row, col, float(value), money)
                else:
                    text = str(value)
                    worksheet.write_string(row, col, text, tiers.get(text))
            worksheet.set_column(col, col, max(12, min(40, len(str(name)) + 4)))
        worksheet.freeze_panes(1, 0)


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Tiers") -> bytes:
    """The XLSX file `write_xlsx` makes, as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        write_xlsx(frame, path, sheet)
        return path.read_bytes()


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` as XLSX when `path` ends in .xlsx, else as CSV.

    Raises InputError when the file cannot be created (missing folder, no permission).
    """
    try:
        if path.suffix.lower() == ".xlsx":
            write_xlsx(frame, path)
        else:
            path.write_bytes(to_csv_bytes(frame))
    except (OSError, FileCreateError) as error:
        raise InputError(
            f"Cannot write {path}: check that its folder exists and is writable."
        ) from error
    return path
