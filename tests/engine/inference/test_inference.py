"""Model methods in SQL (issue 3): predictions equal the model's own, every call form, table methods,
errors, describe-only, the model cache, and which path (fast batch or per-vector UDF) a call takes."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import snowreg
from snowreg.dbapi import Connection
from snowreg.engine.inference import methods as inference_exec
from snowreg.engine.inference.cache import MODELS

# ---------------------------------------------------------------------------------------------
# Models and fixtures
# ---------------------------------------------------------------------------------------------

FEATURES = pd.DataFrame({"A": [0.1, 0.9, -0.5, 2.0, -1.2, 0.3], "B": [1.0, -1.0, 0.3, 0.2, -0.4, 0.0]})
LABELS = ((FEATURES.A + FEATURES.B) > 0.4).astype(int)
ROWS = "(0.1, 1.0, 'x'), (0.9, -1.0, 'x'), (-0.5, 0.3, 'y'), (2.0, 0.2, 'y'), (-1.2, -0.4, 'y'), (0.3, 0.0, 'z')"


class Scaler:
    """A custom pandas model with an inference parameter."""

    def predict(self, df: pd.DataFrame, *, scale: float = 2.0) -> pd.DataFrame:
        return pd.DataFrame({"y": df["A"] * scale + df["B"]})


class Affine:
    """y = k * A, to tell versions apart."""

    def __init__(self, k: float) -> None:
        self.k = k

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"y": df["A"] * self.k})


class Summary:
    """Table methods: one row per partition (partitioned), and one row per input row (the default)."""

    def _get_partitioned_methods(self) -> list[str]:  # what @custom_model.partitioned_api declares
        return ["summarize"]

    def summarize(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"N": [len(df)], "TOTAL": [float(df["A"].sum())]})

    def explain(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"CONTRIB": df["A"] * 10})


class Raising:
    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        raise RuntimeError("this model version is not ready")


def log(conn: Connection, model: Any, name: str, version: str = "V1", **kwargs: Any) -> None:
    kwargs.setdefault("sample_input_data", FEATURES)
    snowreg.Registry(conn).log_model(model, model_name=name, version_name=version, **kwargs)


@pytest.fixture
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    c.cursor().execute("CREATE TABLE t (a DOUBLE, b DOUBLE, g VARCHAR)")
    c.cursor().execute(f"INSERT INTO t VALUES {ROWS}")
    yield c
    c.close()


@pytest.fixture
def clf(conn: Connection) -> LogisticRegression:
    model = LogisticRegression().fit(FEATURES, LABELS)
    log(conn, model, "M", options={"target_methods": ["predict", "predict_proba"]})
    return model


def rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return conn.cursor().execute(sql).fetchall()


def column(conn: Connection, sql: str) -> list[Any]:
    return [r[0] for r in rows(conn, sql)]


def error_of(conn: Connection, sql: str) -> snowreg.ProgrammingError:
    with pytest.raises(snowreg.ProgrammingError) as info:
        conn.cursor().execute(sql)
    return info.value


# ---------------------------------------------------------------------------------------------
# Predictions equal the model's own
# ---------------------------------------------------------------------------------------------


def test_classifier_predict_and_proba(conn: Connection, clf: LogisticRegression) -> None:
    assert column(conn, "SELECT m!predict(a, b):output_feature_0::int FROM t") == list(clf.predict(FEATURES))
    proba = rows(conn, "SELECT m!predict_proba(a, b):output_feature_0::float, "
                       "m!predict_proba(a, b)['output_feature_1']::float FROM t")
    np.testing.assert_array_equal(np.array(proba), clf.predict_proba(FEATURES))


def test_object_per_row_comes_back_as_json_text(conn: Connection, clf: LogisticRegression) -> None:
    cur = conn.cursor().execute("SELECT m!predict_proba(a, b) AS r, m!predict(a, b):output_feature_0 FROM t")
    assert [d[1] for d in cur.description] == [9, 5]  # OBJECT, VARIANT
    got = cur.fetchall()
    assert got[0][0].startswith('{\n  "output_feature_0": ')  # the connector's 2-space indented JSON
    np.testing.assert_allclose([list(orjson.loads(r[0]).values()) for r in got], clf.predict_proba(FEATURES),
                               rtol=1e-15)
    assert [r[1] for r in got] == [str(v) for v in clf.predict(FEATURES)]


def test_object_column_text_is_the_same_on_every_path(conn: Connection, clf: LogisticRegression) -> None:
    """A result column that is exactly a call gets its text built in one pass over the outputs; it must
    equal the text of the per-row route (taken when the column is read again, here by a lateral alias,
    or under DISTINCT / ORDER BY) for integers, doubles and several keys."""
    log(conn, LinearRegression().fit(FEATURES, FEATURES.A * 3.3 - 1e-7), "R")
    for call in ("m!predict(a, b)", "m!predict_proba(a, b)", "r!predict(a, b)"):
        direct = column(conn, f"SELECT {call} AS x FROM t")
        read_again = column(conn, f"SELECT {call} AS x, x:output_feature_0 AS y FROM t")
        ordered = column(conn, f"SELECT {call} AS x FROM t ORDER BY a")
        assert direct == read_again
        assert sorted(direct) == sorted(ordered)
        assert all(isinstance(v, str) and v.startswith('{\n  "output_feature_0": ') for v in direct)
    doubles = column(conn, "SELECT r!predict(a, b) FROM t")  # doubles print as the connector prints them
    assert all(re.fullmatch(r'\{\n  "output_feature_0": -?\d\.\d{15}e[+-]\d\d\n\}', v) for v in doubles)


def test_regressor_and_pipeline(conn: Connection) -> None:
    reg = LinearRegression().fit(FEATURES, FEATURES.A * 2 + FEATURES.B)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(FEATURES, LABELS)
    log(conn, reg, "REG")
    log(conn, pipe, "PIPE")
    got = column(conn, "SELECT reg!predict(a, b):output_feature_0::float FROM t")
    np.testing.assert_allclose(got, reg.predict(FEATURES), rtol=1e-12)
    assert column(conn, "SELECT pipe!predict(a, b):output_feature_0::int FROM t") == list(pipe.predict(FEATURES))


def test_custom_model_parameters(conn: Connection) -> None:
    log(conn, Scaler(), "SC")
    base = list(FEATURES.A * 2 + FEATURES.B)
    assert column(conn, "SELECT sc!predict(a, b):y::float FROM t") == base
    assert column(conn, "SELECT sc!predict(a, b, NULL):y::float FROM t") == base  # NULL → the default
    assert column(conn, "SELECT sc!predict(a, b, 10):y::float FROM t") == list(FEATURES.A * 10 + FEATURES.B)
    named = "SELECT sc!predict(scale => 3, b => b, a => a):y::float FROM t"
    assert column(conn, named) == list(FEATURES.A * 3 + FEATURES.B)
    # a parameter that differs by row: one model call per distinct value
    assert column(conn, "SELECT sc!predict(a, b, IFF(g = 'x', 1, 5)):y::float FROM t") == [
        a * (1 if g == "x" else 5) + b for a, b, g in rows(conn, "SELECT a, b, g FROM t")]


def test_wide_input_object(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    names = [f"F{i}" for i in range(501)]
    data = pd.DataFrame(np.random.default_rng(1).normal(size=(20, 501)), columns=names)
    model = LinearRegression().fit(data, data["F0"] - data["F500"])
    log(conn, model, "WIDE", sample_input_data=data.head(5))
    fn = rows(conn, "SHOW FUNCTIONS IN MODEL wide")[0]
    assert fn[5] == "(INPUT OBJECT)"
    pairs = ", ".join(f"'{n}', {v!r}" for n, v in zip(names, data.iloc[0], strict=True))
    got = column(conn, f"SELECT wide!predict(object_construct_keep_null({pairs})):output_feature_0::float")
    np.testing.assert_allclose(got, model.predict(data.head(1)), rtol=1e-12)
    # The client's form over a table: the OBJECT's values become argument columns (never parsed per row)
    conn.cursor().execute("CREATE TABLE w (" + ", ".join(f"{n} DOUBLE" for n in names) + ")")
    conn.cursor().execute("INSERT INTO w VALUES " + ", ".join(
        "(" + ", ".join(repr(v) for v in row) + ")" for row in data.itertuples(index=False)))
    wide_call = "object_construct_keep_null(" + ", ".join(f"'{n}', {n}" for n in names) + ")"
    monkeypatch.setattr(inference_exec, "_unpack_wide", None)
    got = column(conn, f"SELECT wide!predict({wide_call}):output_feature_0::float FROM w")
    np.testing.assert_allclose(got, model.predict(data), rtol=1e-12)
    monkeypatch.undo()  # an OBJECT that is not written out key by key is unpacked row by row
    got = column(conn, f"SELECT wide!predict(o):output_feature_0::float FROM (SELECT {wide_call} AS o FROM w)")
    np.testing.assert_allclose(got, model.predict(data), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Call forms and version resolution
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def versions(conn: Connection) -> Connection:
    """Model AFF: V1 (y = A), V2 (y = 2A, alias PROD), V3 (y = 3A); default V1."""
    for k in (1, 2, 3):
        log(conn, Affine(k), "AFF", f"V{k}", sample_input_data=FEATURES[["A"]])
    conn.cursor().execute("ALTER MODEL aff VERSION v2 SET ALIAS = prod")
    return conn


def factor(conn: Connection, call: str, prefix: str = "") -> float:
    return float(column(conn, f"{prefix}SELECT {call}:y::float FROM t WHERE a = 0.1")[0]) / 0.1


@pytest.mark.parametrize(("call", "k"), [
    ("aff!predict(a)", 1),
    ("DB.S.AFF!predict(a)", 1),
    ("s.aff!PREDICT(a)", 1),
    ('aff!"PREDICT"(a)', 1),
    ("MODEL(aff)!predict(a)", 1),
    ("MODEL(aff, V3)!predict(a)", 3),
    ('MODEL(DB.S.AFF, "V2")!predict(a)', 2),
    ("MODEL(aff, prod)!predict(a)", 2),
    ("MODEL(aff, DEFAULT)!predict(a)", 1),
    ("MODEL(aff, FIRST)!predict(a)", 1),
    ("MODEL(aff, LAST)!predict(a)", 3),
    ("model(aff,v2)!predict(a => a)", 2),
])
def test_call_forms(versions: Connection, call: str, k: int) -> None:
    assert factor(versions, call) == pytest.approx(k)


def test_identifier_variable_and_with_alias(versions: Connection) -> None:
    versions.cursor().execute("SET live = 'V3'")
    assert factor(versions, "MODEL(aff, IDENTIFIER($live))!predict(a)") == pytest.approx(3)
    assert factor(versions, "mv!predict(a)", "WITH mv AS MODEL aff VERSION prod ") == pytest.approx(2)
    mixed = ("WITH mv AS MODEL aff VERSION v3, d AS (SELECT a FROM t WHERE a = 0.1) "
             "SELECT mv!predict(a):y::float, aff!predict(a):y::float FROM d")
    assert rows(versions, mixed) == [(pytest.approx(0.3), pytest.approx(0.1))]
    assert factor(versions, "mv!predict(a)", "with mv as model aff version identifier($live) ") == pytest.approx(3)


def test_default_version_and_alias_moves(versions: Connection) -> None:
    cur = versions.cursor()
    cur.execute("ALTER MODEL aff SET DEFAULT_VERSION = v3")
    assert factor(versions, "aff!predict(a)") == pytest.approx(3)
    assert factor(versions, "MODEL(aff, DEFAULT)!predict(a)") == pytest.approx(3)
    cur.execute("ALTER MODEL aff VERSION v2 UNSET ALIAS")
    cur.execute("ALTER MODEL aff VERSION v1 SET ALIAS = prod")
    assert factor(versions, "MODEL(aff, prod)!predict(a)") == pytest.approx(1)
    assert factor(versions, "mv!predict(a)", "WITH mv AS MODEL aff VERSION prod ") == pytest.approx(1)


# ---------------------------------------------------------------------------------------------
# Calls anywhere an expression may stand
# ---------------------------------------------------------------------------------------------


def test_positions(conn: Connection) -> None:
    log(conn, Scaler(), "SC")
    y = dict(zip(FEATURES.A, FEATURES.A * 2 + FEATURES.B, strict=True))
    assert column(conn, "SELECT a FROM t WHERE sc!predict(a, b):y::float > 1 ORDER BY a") == sorted(
        a for a, v in y.items() if v > 1)
    assert column(conn, "SELECT a FROM t ORDER BY sc!predict(a, b):y DESC") == sorted(y, key=y.get, reverse=True)
    assert column(conn, "SELECT round(1 + sc!predict(a, b):y::float * 2, 6) FROM t WHERE a = 0.9") == [
        round(1 + y[0.9] * 2, 6)]
    assert column(conn, "SELECT max(v) FROM (SELECT sc!predict(a, b):y::float AS v FROM t)") == [max(y.values())]
    assert rows(conn, "SELECT g, sum(sc!predict(a, b):y::float) FROM t GROUP BY g ORDER BY g")[0][0] == "x"
    assert column(conn, "SELECT count(*) FROM t WHERE a IN (SELECT a FROM t WHERE sc!predict(a, b):y::float > 0)")
    got = rows(conn, "SELECT 8 AS h, sc!predict(h, 1) AS r, r:y::float AS p")
    assert got[0][0] == 8 and got[0][2] == 17.0


def test_insert_select_and_create_table_as(conn: Connection) -> None:
    log(conn, Scaler(), "SC")
    cur = conn.cursor()
    cur.execute("CREATE TABLE out1 (a DOUBLE, y DOUBLE)")
    cur.execute("INSERT INTO out1 SELECT a, sc!predict(a, b):y::float FROM t")
    assert cur.fetchall() == [(6,)]
    cur.execute("CREATE TABLE out2 AS SELECT a, sc!predict(a, b) AS o FROM t")
    assert rows(conn, "SELECT o:y::float FROM out2 ORDER BY a") == rows(conn, "SELECT y FROM out1 ORDER BY a")


def test_update_delete(conn: Connection) -> None:
    log(conn, Scaler(), "SC")
    cur = conn.cursor()
    cur.execute("CREATE TABLE u AS SELECT a, b, CAST(NULL AS DOUBLE) AS y FROM t")
    cur.execute("UPDATE u SET y = sc!predict(a, b):y::float WHERE a > 0")
    assert cur.fetchall() == [(4, 0)]  # rows updated, multi-joined rows updated
    cur.execute("DELETE FROM u WHERE sc!predict(a, b):y::float < 1")
    assert rows(conn, "SELECT count(*), count(y) FROM u") == [(2, 2)]  # 2a + b < 1 for four rows


# ---------------------------------------------------------------------------------------------
# Views over model calls: the version is resolved each time the view is read
# ---------------------------------------------------------------------------------------------


def test_view_follows_the_default_version(versions: Connection) -> None:
    cur = versions.cursor()
    cur.execute("CREATE VIEW scored AS SELECT a, g, aff!predict(a):y::float AS p FROM t")
    assert cur.fetchall() == [("View SCORED successfully created.",)]
    assert column(versions, "SELECT p / a FROM scored WHERE a = 0.1") == [pytest.approx(1)]
    cur.execute("ALTER MODEL aff SET DEFAULT_VERSION = v3")
    assert column(versions, "SELECT p / a FROM scored WHERE a = 0.1") == [pytest.approx(3)]
    described = cur.describe("SELECT * FROM scored")
    assert [d.name for d in described] == ["A", "G", "P"]
    # CREATE TABLE AS and INSERT ... SELECT over the view (and over a call) take today's default
    cur.execute("CREATE TABLE snap AS SELECT * FROM scored")
    cur.execute("INSERT INTO snap SELECT a, g, aff!predict(a):y::float FROM t WHERE a = 0.1")
    assert {round(p / a, 6) for p, a in rows(versions, "SELECT p, a FROM snap WHERE a = 0.1")} == {3.0}


def test_view_follows_an_alias_and_nests(versions: Connection) -> None:
    cur = versions.cursor()
    cur.execute("CREATE VIEW prod_scores AS SELECT a, MODEL(aff, prod)!predict(a):y::float AS p FROM t")
    cur.execute("CREATE VIEW doubled AS SELECT a, 2 * p AS q FROM prod_scores")
    assert column(versions, "SELECT q / a FROM doubled WHERE a = 0.1") == [pytest.approx(4)]
    cur.execute("ALTER MODEL aff VERSION v2 UNSET ALIAS")
    cur.execute("ALTER MODEL aff VERSION v3 SET ALIAS = prod")
    assert column(versions, "SELECT p / a FROM prod_scores WHERE a = 0.1") == [pytest.approx(3)]
    assert column(versions, "SELECT q / a FROM doubled WHERE a = 0.1") == [pytest.approx(6)]
    cur.execute("DROP VIEW doubled")
    cur.execute("CREATE OR REPLACE VIEW prod_scores AS SELECT 1 AS one")
    assert rows(versions, "SELECT * FROM prod_scores") == [(1,)]


def test_view_resolves_names_in_its_own_schema_and_survives_reopen(tmp_path: Any) -> None:
    path = tmp_path / "reg"
    with snowreg.connect(path=str(path), database="DB", schema="S") as c:
        c.cursor().execute("CREATE TABLE t (a DOUBLE, b DOUBLE, g VARCHAR)")
        c.cursor().execute(f"INSERT INTO t VALUES {ROWS}")
        log(c, Affine(2), "AFF", sample_input_data=FEATURES[["A"]])
        c.cursor().execute("CREATE VIEW scored AS SELECT a, aff!predict(a):y::float AS p FROM t")
    with snowreg.connect(path=str(path)) as c:
        c.cursor().execute("CREATE DATABASE other")  # the current schema is now OTHER.PUBLIC
        got = rows(c, "SELECT p / a FROM db.s.scored WHERE a = 0.1")
        assert got == [(pytest.approx(2),)]


def test_view_runs_with_its_owners_privileges(versions: Connection) -> None:
    cur = versions.cursor()
    cur.execute("CREATE VIEW scored AS SELECT a, aff!predict(a):y::float AS p FROM t")
    cur.execute("CREATE ROLE reader")
    cur.execute("GRANT USAGE ON DATABASE db TO ROLE reader")
    cur.execute("GRANT USAGE ON SCHEMA db.s TO ROLE reader")
    cur.execute("CREATE USER alice")
    cur.execute("GRANT ROLE reader TO USER alice")
    alice = snowreg.dbapi.Connection(versions._catalog, user="alice", role="reader")
    with pytest.raises(snowreg.ProgrammingError):  # no SELECT on the view yet
        alice.cursor().execute("SELECT * FROM db.s.scored")
    cur.execute("GRANT SELECT ON VIEW db.s.scored TO ROLE reader")
    assert len(rows(alice, "SELECT * FROM db.s.scored")) == 6  # no USAGE on the model: the owner's
    with pytest.raises(snowreg.ProgrammingError) as info:  # the model itself stays out of reach
        alice.cursor().execute("SELECT db.s.aff!predict(a) FROM db.s.scored")
    assert info.value.errno == 2003


def test_correlated_and_joined_calls_use_the_vector_udf(conn: Connection) -> None:
    log(conn, Scaler(), "SC")
    stats = conn.session.inference_stats
    stats.clear()
    joined = column(conn, "SELECT sc!predict(t.a, u.b):y::float FROM t JOIN t u ON t.g = u.g ORDER BY 1")
    assert stats["vector"] >= 1 and stats["fast"] == 0
    expected = sorted(a * 2 + b for (a, g1) in rows(conn, "SELECT a, g FROM t")
                      for (b, g2) in rows(conn, "SELECT b, g FROM t") if g1 == g2)
    assert joined == pytest.approx(expected)
    correlated = column(conn, "SELECT (SELECT max(sc!predict(u.a, t.b):y::float) FROM t u) FROM t ORDER BY a")
    top = FEATURES.A.max() * 2
    assert correlated == pytest.approx(sorted(top + b for b in FEATURES.B[np.argsort(FEATURES.A)]), abs=0) or \
        correlated == pytest.approx([top + b for _, b in sorted(zip(FEATURES.A, FEATURES.B, strict=True))])


def test_fast_path_calls_each_model_once(conn: Connection, clf: LogisticRegression) -> None:
    stats = conn.session.inference_stats
    stats.clear()
    column(conn, "SELECT SUM(m!predict(a, b):output_feature_0::int) FROM t")
    column(conn, "WITH i AS (SELECT * FROM t WHERE a > 0) SELECT *, MODEL(DB.S.M,V1)!PREDICT(A, B) AS T FROM i")
    assert stats == {"fast": 2}


# ---------------------------------------------------------------------------------------------
# The real client's statements (docs/SNOWFLAKE.md#c4)
# ---------------------------------------------------------------------------------------------

INNER = ('WITH SNOWPARK_ML_MODEL_INFERENCE_INPUT_ABCDEFGHIJ AS (SELECT "_ID", CAST("A" AS DOUBLE) AS "A", '
         'CAST("B" AS DOUBLE) AS "B" FROM (SELECT * FROM DB.S.SNOWPARK_TEMP_TABLE_ABC)) '
         'SELECT *, MODEL(DB.S.M,V1)!PREDICT(A, B) AS TMP_RESULT_ABCDEFGHIJ '
         'FROM SNOWPARK_ML_MODEL_INFERENCE_INPUT_ABCDEFGHIJ')


def test_client_statements(conn: Connection, clf: LogisticRegression) -> None:
    cur = conn.cursor()
    cur.execute('CREATE TABLE SNOWPARK_TEMP_TABLE_ABC ("_ID" BIGINT, "A" DOUBLE, "B" DOUBLE)')
    cur.execute("INSERT INTO SNOWPARK_TEMP_TABLE_ABC SELECT row_number() OVER (ORDER BY a) - 1, a, b FROM t")
    described = cur.describe(INNER)
    assert [(d.name, d.type_code) for d in described][-1] == ("TMP_RESULT_ABCDEFGHIJ", 9)
    wrapped = (f'SELECT "_ID", "A", "B", CAST("TMP_RESULT_ABCDEFGHIJ"[\'output_feature_0\'] AS BIGINT) '
               f'AS "output_feature_0" FROM ({INNER}) ORDER BY "_ID" ASC NULLS FIRST')
    cur.execute(wrapped)
    assert [d.name for d in cur.description] == ["_ID", "A", "B", "output_feature_0"]
    got = cur.fetchall()
    ordered = FEATURES.sort_values("A")
    assert [r[3] for r in got] == list(clf.predict(ordered))
    assert rows(conn, f'SELECT "_ID" FROM ({INNER}) LIMIT 1') in ([(0,)], [(1,)], [(2,)], [(3,)], [(4,)], [(5,)])
    trailing = 'SELECT *, FROM t, TABLE(MODEL(DB.S.M,V1)!PREDICT(A, B))'
    assert "scalar function" in error_of(conn, trailing).msg


# ---------------------------------------------------------------------------------------------
# Table methods
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def summary(conn: Connection) -> Connection:
    log(conn, Summary(), "SUMM", options={"target_methods": ["summarize", "explain"],
                                          "function_type": "TABLE_FUNCTION"})
    return conn


def test_table_method_partitions(summary: Connection) -> None:
    stats = summary.session.inference_stats
    stats.clear()
    got = rows(summary, "SELECT * FROM t, TABLE(summ!summarize(a, b) OVER (PARTITION BY g)) ORDER BY n, total")
    assert stats["table"] == 3  # one call per partition
    # Rows emitted at the end of a partition belong to no input row: their input columns are NULL,
    # also for partition z, whose one input row gave one output row.
    assert got == [(None, None, None, 1, 0.3), (None, None, None, 2, 1.0),
                   (None, None, None, 3, pytest.approx(0.3))]
    ordered = rows(summary, "SELECT g, contrib FROM t, TABLE(summ!explain(a, b) OVER (PARTITION BY g ORDER BY a DESC))")
    expected = {(g, round(a * 10, 6)) for a, g in rows(summary, "SELECT a, g FROM t")}
    assert {(g, round(c, 6)) for g, c in ordered} == expected
    for g in "xyz":  # each partition is handed to the method sorted by the OVER clause's ORDER BY
        part = [c for h, c in ordered if h == g]
        assert part == sorted(part, reverse=True)
    one = rows(summary, "SELECT n, total FROM t, TABLE(MODEL(summ, V1)!SUMMARIZE(t.a, t.b) OVER (PARTITION BY 1))")
    assert one == [(6, pytest.approx(FEATURES.A.sum()))]


@pytest.mark.parametrize("over", ["OVER (PARTITION BY i.g)", "OVER (PARTITION BY 1)", ""])
def test_table_method_keeps_the_input_row(summary: Connection, over: str) -> None:
    """A method logged as TABLE_FUNCTION without PARTITIONED is a `process` handler: each output row
    stands next to its input row, and `o.*` is the method's outputs only."""
    cur = summary.cursor().execute(
        f"SELECT i.g, i.a, o.* FROM t AS i, TABLE(MODEL(summ, V1)!explain(i.a, i.b) {over}) AS o ORDER BY i.a")
    assert [d.name for d in cur.description] == ["G", "A", "CONTRIB"]
    expected = sorted(rows(summary, "SELECT g, a FROM t"), key=lambda r: r[1])
    assert [(g, a, pytest.approx(a * 10)) for g, a in expected] == cur.fetchall()
    star = summary.cursor().execute(f"SELECT i.*, o.* FROM t AS i, TABLE(summ!explain(i.a, i.b) {over}) AS o")
    assert [d.name for d in star.description] == ["A", "B", "G", "CONTRIB"]
    assert all(r[3] == pytest.approx(r[0] * 10) for r in star.fetchall())


def test_table_method_not_partitioned_returns_a_row_per_input_row(conn: Connection) -> None:
    class Shrinking:
        def explain(self, df: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"C": [1.0]})

    log(conn, Shrinking(), "SHR", options={"target_methods": ["explain"], "function_type": "TABLE_FUNCTION"})
    err = error_of(conn, "SELECT o.* FROM t, TABLE(shr!explain(a, b)) AS o")
    assert err.errno == 100357 and "one row per input row" in err.msg


def test_table_method_per_row_and_client_shape(summary: Connection) -> None:
    cur = summary.cursor().execute("SELECT *, FROM t, TABLE(MODEL(DB.S.SUMM,V1)!EXPLAIN(A, B))")
    assert [d.name for d in cur.description] == ["A", "B", "G", "CONTRIB"]
    assert [(r[0], r[3]) for r in cur.fetchall()] == [(a, pytest.approx(a * 10)) for a in FEATURES.A]
    aliased = rows(summary, "SELECT e.contrib FROM t, TABLE(summ!explain(t.a, t.b)) e WHERE t.g = 'z'")
    assert aliased == [(pytest.approx(3.0),)]
    typed = summary.cursor().describe("SELECT * FROM t, TABLE(summ!summarize(a, b) OVER (PARTITION BY g))")
    assert [(d.name, d.type_code) for d in typed] == [("A", 1), ("B", 1), ("G", 2), ("N", 0), ("TOTAL", 1)]


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_model_exception_is_a_python_udf_error(conn: Connection) -> None:
    log(conn, Raising(), "R", signatures={"predict": {"inputs": [{"name": "A", "type": "DOUBLE"}],
                                                      "outputs": [{"name": "output_feature_0", "type": "DOUBLE"}]}})
    e = error_of(conn, "SELECT r!predict(a) FROM t")
    assert (e.errno, e.sqlstate) == (100357, "P0000")
    assert "RuntimeError: this model version is not ready" in e.msg
    cur = conn.cursor()
    cur.execute("CREATE TABLE sink (v VARIANT)")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("INSERT INTO sink SELECT r!predict(a) FROM t")
    with pytest.raises(snowreg.ProgrammingError):  # the per-vector UDF path fails the same way
        cur.execute("INSERT INTO sink SELECT r!predict(t.a) FROM t JOIN t u ON t.g = u.g")
    assert rows(conn, "SELECT count(*) FROM sink") == [(0,)]
    assert rows(conn, "SELECT count(*) FROM t") == [(6,)]


def test_compilation_errors(conn: Connection, clf: LogisticRegression) -> None:
    e = error_of(conn, "SELECT m!predict(1)")
    assert (e.errno, e.sqlstate) == (1044, "42P13")
    assert e.msg == ("SQL compilation error: error line 1 at position 7\n"
                     "Invalid argument types for function 'PREDICT': (NUMBER(1,0))")
    e = error_of(conn, "SELECT m!explain(a, b) FROM t")
    assert e.errno == 2140 and "PREDICT, PREDICT_PROBA" in e.msg
    assert error_of(conn, "SELECT nope!predict(a) FROM t").errno == 2003
    assert error_of(conn, "SELECT MODEL(m, V9)!predict(a, b) FROM t").errno == 2003
    assert "mixed" in error_of(conn, "SELECT m!predict(a => a, b) FROM t").msg
    assert "'C'" in error_of(conn, "SELECT m!predict(a => a, c => b) FROM t").msg
    assert error_of(conn, "SELECT m!predict('x', b) FROM t").errno == 100038  # not a number


def test_usage_privilege(conn: Connection, clf: LogisticRegression) -> None:
    cur = conn.cursor()
    for sql in ("CREATE ROLE analyst", f"GRANT ROLE analyst TO USER {conn.user}", "USE ROLE analyst"):
        cur.execute(sql)
    assert error_of(conn, "SELECT m!predict(1.0, 2.0)").errno == 2003
    cur.execute("USE ROLE ACCOUNTADMIN")
    for sql in ("GRANT USAGE ON DATABASE db TO ROLE analyst", "GRANT USAGE ON SCHEMA db.s TO ROLE analyst",
                "GRANT USAGE ON MODEL db.s.m TO ROLE analyst", "USE ROLE analyst"):
        cur.execute(sql)
    assert column(conn, "SELECT m!predict(0.1, 1.0):output_feature_0::int") == list(clf.predict(FEATURES.head(1)))


# ---------------------------------------------------------------------------------------------
# Describe-only and the model cache
# ---------------------------------------------------------------------------------------------


def test_describe_only_does_not_load_the_model(conn: Connection) -> None:
    log(conn, Affine(41.5), "FRESH", sample_input_data=FEATURES[["A"]])  # content no other test logs: not in the cache yet
    loads = MODELS.loads
    cur = conn.cursor()
    described = cur.describe("SELECT a, fresh!predict(a) AS r, fresh!predict(a):y::float AS y FROM t")
    assert [(d.name, d.type_code) for d in described] == [("A", 1), ("R", 9), ("Y", 1)]
    cur.execute("SELECT fresh!predict(a) FROM t", _describe_only=True)
    assert cur.fetchall() == [] and MODELS.loads == loads
    column(conn, "SELECT fresh!predict(a) FROM t")
    assert MODELS.loads == loads + 1


def test_cache_shared_and_invalidated(conn: Connection) -> None:
    log(conn, Affine(7.25), "CACHED", "V1", sample_input_data=FEATURES[["A"]])
    log(conn, Affine(8.25), "CACHED", "V2", sample_input_data=FEATURES[["A"]])
    loads = MODELS.loads
    others = [Connection(conn._catalog, database="DB", schema="S") for _ in range(3)]
    other = others[0]
    for c in others:
        rows(c, "SELECT 1")  # first use of a connection installs macros; not what this test is about
    threads = [threading.Thread(target=lambda c=c: column(c, "SELECT cached!predict(a) FROM t"))
               for c in (conn, *others)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert MODELS.loads == loads + 1  # once for four statements on four connections at the same time
    assert factor(other, "MODEL(cached, V2)!predict(a)") == pytest.approx(8.25)
    cached = len(MODELS)
    conn.cursor().execute("ALTER MODEL cached DROP VERSION v2")
    factor(conn, "cached!predict(a)")
    assert len(MODELS) == cached - 1  # the dropped version's model is gone
    conn.cursor().execute("CREATE OR REPLACE MODEL cached2 WITH VERSION v1 FROM MODEL cached")
    log(conn, Affine(9.5), "CACHED3", sample_input_data=FEATURES[["A"]])
    conn.cursor().execute("CREATE OR REPLACE MODEL cached WITH VERSION v1 FROM MODEL cached3")
    assert factor(conn, "cached!predict(a)") == pytest.approx(9.5)
    assert factor(conn, "cached2!predict(a)") == pytest.approx(7.25)
    for c in others:
        c.close()


def test_non_numeric_argument_is_snowflakes_100038_at_the_argument(conn: Connection) -> None:
    log(conn, Scaler(), "SC")
    err = error_of(conn, "SELECT 1,\n  sc!predict(1.0, 'x')")
    assert (err.errno, err.sqlstate, err.msg) == (100038, "22018", "Numeric value 'x' is not recognized")
    assert (err.line, err.column) == (2, 18)  # the 'x', not the start of the statement
    conn.cursor().execute("CREATE TABLE s (a VARCHAR, b DOUBLE)")
    conn.cursor().execute("INSERT INTO s VALUES ('1', 1), ('oops', 2)")
    err = error_of(conn, "SELECT sc!predict(b, a) FROM s")
    assert err.msg == "Numeric value 'oops' is not recognized" and (err.line, err.column) == (1, 21)
