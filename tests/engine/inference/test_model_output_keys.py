"""A method's OBJECT output keeps its keys in order, as every other OBJECT does (DECISIONS.md F108, F132): a
signature whose outputs are not in the order of their names (`SCORE`, `LABEL`; `output_feature_10` before
`output_feature_2` by name) gave an OBJECT that `=`, IN, DISTINCT and joins told apart from the PARSE_JSON of
the same keys and values, and printed its keys in the signature's order."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

import snowreg
from snowreg.dbapi import Connection

X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.0]})


class Numbers:
    """Integer and double outputs whose signature order is not the order of their names."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"ZED": (df["X1"] * 2).astype("int64"), "ALPHA": df["X2"] / 2.0})


class Labelled:
    """A string output after a number (the per-row road of the JSON objects)."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"SCORE": (df["X1"] * 10).astype("int64"), "LABEL": np.where(df["X1"] > 1, "hi", "lo")})


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    cur = c.cursor()
    cur.execute("CREATE TABLE t (X1 FLOAT, X2 FLOAT)")
    cur.execute("INSERT INTO t VALUES (1, 1), (3, 0), (1, 1)")
    reg = snowreg.Registry(c)
    reg.log_model(Numbers(), model_name="N", version_name="V1", sample_input_data=X)
    reg.log_model(Labelled(), model_name="L", version_name="V1", sample_input_data=X)
    yield c
    c.close()


def rows(conn: Connection, sql: str) -> list[tuple[object, ...]]:
    return conn.cursor().execute(sql).fetchall()


def test_number_outputs_compare_with_an_object_of_their_values(conn: Connection) -> None:
    built = "OBJECT_CONSTRUCT('ZED', p:ZED, 'ALPHA', p:ALPHA)"  # the same keys and values, made in order
    assert rows(conn, f"SELECT X1, p = {built} FROM (SELECT X1, n!predict(X1, X2) AS p FROM t) ORDER BY X1") == [
        (1.0, True), (1.0, True), (3.0, True)]
    assert rows(conn, "SELECT COUNT(*) FROM t WHERE OBJECT_DELETE(n!predict(X1, X2), 'ALPHA') = "
                      "PARSE_JSON('{\"ZED\": 2}')") == [(2,)]


def test_number_outputs_print_their_keys_in_order(conn: Connection) -> None:
    printed = rows(conn, "SELECT n!predict(X1, X2) AS p FROM t ORDER BY X1")
    assert [list(json.loads(r[0])) for r in printed] == [["ALPHA", "ZED"]] * 3
    assert rows(conn, "SELECT p::VARCHAR FROM (SELECT X1, n!predict(X1, X2) AS p FROM t) ORDER BY X1 LIMIT 1") == [
        ('{"ALPHA":5.000000000000000e-01,"ZED":2}',)]


def test_a_string_output_compares_with_the_parsed_object(conn: Connection) -> None:
    parsed = "PARSE_JSON('{\"SCORE\": 10, \"LABEL\": \"lo\"}')"
    assert rows(conn, f"SELECT COUNT(*) FROM t WHERE l!predict(X1, X2) = {parsed}") == [(2,)]
    assert rows(conn, "SELECT p::VARCHAR FROM (SELECT DISTINCT l!predict(X1, X2) AS p FROM t) ORDER BY 1") == [
        ('{"LABEL":"hi","SCORE":30}',), ('{"LABEL":"lo","SCORE":10}',)]
    printed = rows(conn, "SELECT l!predict(X1, X2) AS p FROM t ORDER BY X1 LIMIT 1")
    assert list(json.loads(printed[0][0])) == ["LABEL", "SCORE"]
