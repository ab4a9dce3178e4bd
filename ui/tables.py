"""Tables a person reads: human headings, money with the data's currency, blanks left blank.

The frame keeps its canonical column names (downloads use them); only what is shown changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from lib.canonical import MONEY_COLUMNS, label
from lib.formatting import money_format


def column_config(
    frame: pd.DataFrame, currency: str, money: Iterable[str] = (), **overrides: ColumnConfig
) -> dict[str, ColumnConfig]:
    """Headings and formats for `frame`'s columns: MONEY_COLUMNS (and `money`) as currency."""
    money_columns = MONEY_COLUMNS | set(money)
    config: dict[str, ColumnConfig] = {}
    for name in frame.columns:
        if name in money_columns:
            config[name] = st.column_config.NumberColumn(label(name), format=money_format(currency))
        elif pd.api.types.is_integer_dtype(frame[name]):
            config[name] = st.column_config.NumberColumn(label(name), format="%,d")
        else:
            config[name] = st.column_config.Column(label(name))
    config.update(overrides)
    return config


def show(frame: pd.DataFrame, currency: str, money: Iterable[str] = (), **settings: Any) -> None:
    """`st.dataframe` of `frame` for people (hide_index, height... pass through `settings`)."""
    overrides = settings.pop("column_config", {})
    st.dataframe(
        frame,
        column_config=column_config(frame, currency, money, **overrides),
        hide_index=True,
        **settings,
    )
