"""A naive peer: the tiering app as it is usually written, for the benchmarks to compare against.

pandas frame cached with st.cache_data (a copy handed out on every rerun), pd.cut + groupby on
every slider move, Plotly Express fed the raw rows. Not part of tierboard; `make bench` runs it
beside the real app on the same data.
"""

import os

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

st.set_page_config(page_title="Customer tiers (naive)", layout="wide")


@st.cache_data
def load(path: str) -> pd.DataFrame:
    return pd.read_csv(path)


df = load(os.environ["TIERBOARD_DATA"])
top = int(df["annual_revenue"].max()) + 1
tier_1 = st.sidebar.slider("Tier 1 cut-off", 0, top, 55_000, step=1_000, key="tier_1")
tier_2 = st.sidebar.slider("Tier 2 cut-off", 0, top, 20_000, step=1_000, key="tier_2")
hours = [
    st.sidebar.number_input(f"Tier {t} hours per account", value=h)
    for t, h in ((1, 60), (2, 12), (3, 2))
]

df["tier"] = pd.cut(
    df["annual_revenue"],
    bins=[-np.inf, tier_2, tier_1, np.inf],
    right=False,
    labels=["Tier 3", "Tier 2", "Tier 1"],
)
summary = (
    df.groupby("tier", observed=False)
    .agg(customers=("customer_id", "count"), revenue=("annual_revenue", "sum"))
    .reset_index()
)
summary["customer_share"] = summary["customers"] / summary["customers"].sum()
summary["revenue_share"] = summary["revenue"] / summary["revenue"].sum()

st.title("Customer tiers")
for column, row in zip(st.columns(3), summary.itertuples(), strict=True):
    column.metric(f"{row.tier} customers", f"{row.customers:,}")
    column.metric(f"{row.tier} % of customers", f"{row.customer_share:.1%}")
    column.metric(f"{row.tier} revenue", f"${row.revenue:,.0f}")
    column.metric(f"{row.tier} % of revenue", f"{row.revenue_share:.1%}")

st.plotly_chart(px.bar(summary, x="tier", y="revenue_share", color="tier"))
ranked = df.sort_values("annual_revenue", ascending=False).reset_index(drop=True)
ranked["cumulative_share"] = ranked["annual_revenue"].cumsum() / ranked["annual_revenue"].sum()
ranked["rank"] = np.arange(len(ranked)) / len(ranked)
st.plotly_chart(px.line(ranked, x="rank", y="cumulative_share", color="tier"))
summary["hours"] = summary["customers"] * hours
st.plotly_chart(px.bar(summary, x="tier", y="hours", color="tier"))
