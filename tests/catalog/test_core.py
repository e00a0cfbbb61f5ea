"""The registry core through the public API: persistence, the DB-API surface, errors, atomicity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import snowreg


@pytest.fixture(scope="module")
def model_and_data() -> tuple[Any, pd.DataFrame]:
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.normal(size=(300, 2)), columns=["A", "B"])
    y = (x.A - x.B > 0).astype(int)
    return LogisticRegression().fit(x, y), x


def test_a_registry_at_path_survives_close_and_reopen(tmp_path: Path, model_and_data: Any) -> None:
    model, x = model_and_data
    with snowreg.connect(database="ML", schema="DEV", path=tmp_path / "reg") as conn:
        reg = snowreg.Registry(conn)
        reg.log_model(model, model_name="clf", version_name="v1", sample_input_data=x.head(),
                      metrics={"accuracy": 0.9})
        reg.log_model(model, model_name="clf", version_name="v2", sample_input_data=x.head())
        cur = conn.cursor()
        cur.execute("ALTER MODEL clf VERSION v2 SET ALIAS = prod")
        cur.execute("ALTER MODEL clf SET COMMENT = 'kept'")
        cur.execute("CREATE TABLE inputs AS SELECT 0.5::FLOAT AS a, -1.0::FLOAT AS b")

    with snowreg.connect(path=tmp_path / "reg") as conn:
        cur = conn.cursor()
        cur.execute("USE SCHEMA ML.DEV")
        cur.execute("SHOW MODELS LIKE 'CLF'")
        row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
        assert (row["comment"], row["default_version_name"]) == ("kept", "V1")
        cur.execute("SHOW VERSIONS IN MODEL clf")
        names = [d[0] for d in cur.description]
        versions = {r[names.index("name")]: r for r in cur.fetchall()}
        assert '"PROD"' in versions["V2"][names.index("aliases")]
        assert '"accuracy": 0.9' in versions["V1"][names.index("metadata")].replace(":0.9", ": 0.9")
        cur.execute("LIST 'snow://model/ML.DEV.CLF/versions/V1/'")
        assert any(r[0].endswith("model.pkl") for r in cur.fetchall())
        cur.execute("SELECT MODEL(clf, prod)!predict(a, b):output_feature_0::int FROM inputs")
        expected = model.predict(pd.DataFrame({"A": [0.5], "B": [-1.0]}))[0]
        assert cur.fetchall() == [(int(expected),)]


def test_parameters_qmark_and_pyformat_bind_as_literals() -> None:
    with snowreg.connect(database="D", schema="S") as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE t (a INT, b VARCHAR)")
        cur.executemany("INSERT INTO t VALUES (?, ?)", [(1, "it's"), (2, None)])
        cur.execute("INSERT INTO t VALUES (%s, %s)", (3, "x?y"))
        cur.execute("INSERT INTO t VALUES (%(a)s, %(b)s)", {"a": 4, "b": "%s"})
        assert cur.rowcount == 1
        cur.execute("SELECT a, b FROM t WHERE b = ? OR a = ? ORDER BY a", ("it's", 4))
        assert cur.fetchall() == [(1, "it's"), (4, "%s")]
        assert [d.name for d in cur.description] == ["A", "B"]
        assert cur.description[0].type_code == 0  # FIXED
        assert cur.description[1].type_code == 2  # TEXT


def test_errors_read_like_the_connector() -> None:
    with snowreg.connect(database="D", schema="S") as conn:
        cur = conn.cursor()
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute("SHOW VERSIONS IN MODEL nope")
        e = info.value
        assert (e.errno, e.sqlstate) == (2003, "02000")
        assert str(e) == "002003 (02000): SQL compilation error:\nModel 'D.S.NOPE' does not exist or not authorized."
        assert e.sfqid
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute("SELECT 1;\nSELECT 2")
        assert info.value.errno == 8  # two statements in one execute()
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute("ALTER MODEL m SET")
        assert info.value.errno == 1003
        assert str(info.value).startswith("001003 (42000): SQL compilation error:\nsyntax error line 1 at position")


def test_execute_string_returns_one_cursor_per_statement() -> None:
    with snowreg.connect() as conn:
        cursors = conn.execute_string("CREATE DATABASE x; SELECT CURRENT_DATABASE(); SELECT 2 AS two")
        assert [c.fetchall() for c in cursors] == [[("Database X successfully created.",)], [("X",)], [(2,)]]


def test_a_failed_statement_changes_nothing(model_and_data: Any) -> None:
    model, x = model_and_data
    with snowreg.connect(database="D", schema="S") as conn:
        snowreg.Registry(conn).log_model(model, model_name="m", version_name="v1", sample_input_data=x.head())
        cur = conn.cursor()
        before = cur.execute("SHOW VERSIONS IN MODEL m").fetchall()
        for bad in ["ALTER MODEL m DROP VERSION v1",  # the default and only version
                    "ALTER MODEL m VERSION v1 SET ALIAS = last",  # a system alias
                    "ALTER MODEL m MODIFY VERSION v1 SET METADATA = 'not json'",
                    "CREATE MODEL m WITH VERSION v2 FROM MODEL m VERSION v9"]:
            with pytest.raises(snowreg.ProgrammingError):
                cur.execute(bad)
        assert cur.execute("SHOW VERSIONS IN MODEL m").fetchall() == before
