"""A label column's OBJECT texts are made once per distinct value and handed to each row by its code
(rows.py): labels of every integer width, starting at zero (the labels are the codes), below or above
zero, booleans, and NULLs, give exactly the texts of the per-vector UDF route, row by row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import snowreg
from snowreg.dbapi import Connection

N = 400
RNG = np.random.default_rng(11)
DATA = pd.DataFrame({"A": RNG.normal(size=N), "B": RNG.normal(size=N)})
UDF_ROUTE = " JOIN (SELECT 1 AS one) u ON TRUE"  # a join keeps every call off the fast path


class Labels:
    """Labels `low + k` (k in 0..span-1, from the inputs) as integers of one width, or booleans;
    NULL where A is NULL (the table `holes`)."""

    def __init__(self, low: int, span: int, dtype: str) -> None:
        self.low, self.span, self.dtype = low, span, dtype

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        k = ((df["A"].fillna(0) * 1000).round().astype(np.int64) % self.span) + self.low
        values: Any = k.astype(self.dtype) if self.dtype != "bool" else (k % 2 == 1)
        if df["A"].isna().any():
            values = pd.Series([None if pd.isna(a) else v for a, v in zip(df["A"], values.tolist(), strict=True)],
                               dtype=object)
        return pd.DataFrame({"LABEL": values})


MODELS = {
    "ZERO64": Labels(0, 3, "int64"),  # the labels are the codes: no copy
    "ZERO8": Labels(0, 5, "int8"),
    "NEG": Labels(-2, 5, "int64"),
    "HIGH": Labels(1_000_000_007, 4, "int64"),
    "U16": Labels(60_000, 3, "uint16"),
    "FLAG": Labels(0, 2, "bool"),
}


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    cur = c.cursor()
    cur.execute("CREATE TABLE t (id NUMBER, a DOUBLE, b DOUBLE)")
    cur.execute("INSERT INTO t VALUES " + ", ".join(f"({i}, {a!r}, {b!r})" for i, (a, b) in
                                                     enumerate(DATA.itertuples(index=False))))
    cur.execute("CREATE TABLE holes AS SELECT id, CASE WHEN id % 6 = 0 THEN NULL ELSE a END AS a, b FROM t")
    reg = snowreg.Registry(c)
    for name, model in MODELS.items():
        reg.log_model(model, model_name=name, version_name="V1", sample_input_data=DATA.head(8))
    yield c
    c.close()


def texts(conn: Connection, sql: str) -> list[Any]:
    return [r[-1] for r in conn.cursor().execute(sql).fetchall()]


def expected(model: Labels, frame: pd.DataFrame) -> list[str]:
    out = model.predict(frame)["LABEL"]
    def text(v: Any) -> str:
        value = "null" if v is None else ("true" if v else "false") if isinstance(v, bool | np.bool_) else str(int(v))
        return '{\n  "LABEL": ' + value + "\n}"
    return [text(v) for v in out]


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("table", ["t", "holes"])
def test_label_texts_row_by_row(conn: Connection, name: str, table: str) -> None:
    call = f"{name.lower()}!predict(a, b)"
    fast = texts(conn, f"SELECT {call} AS p FROM {table}")  # the Arrow route, rows in table order
    again = texts(conn, f"SELECT {call} AS p FROM {table}")  # the reused plan
    through_udf = texts(conn, f"SELECT id, {call} AS p FROM {table}{UDF_ROUTE} ORDER BY id")
    frame = conn.cursor().execute(f"SELECT a, b FROM {table} ORDER BY id").fetch_pandas_all()
    assert fast == again == through_udf == expected(MODELS[name], frame.set_axis(["A", "B"], axis=1))
    assert len(set(fast)) > 1
