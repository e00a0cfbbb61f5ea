"""The registry lifecycle of issue 5, driven by the unmodified clients and by `snowreg.Registry`.

With snowflake-ml-python installed (the `.venv-client` environment, `pip install -e '.[client-tests]'`)
this file runs the real Registry over a Snowpark session on a `snowreg.patch()` connection, a plain
`snowflake.connector` session, and the same scenario on `snowreg.Registry`. In the project environment
(where the clients cannot be installed: they need pandas < 3) one test re-runs this file in
`.venv-client` and the `snowreg.Registry` scenario runs here too.
"""

# No `from __future__ import annotations`: CustomModel checks its methods' annotations at runtime.

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")

import snowreg  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]  # tests/<room>/ -> the checkout


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


HAVE_CLIENTS = _have("snowflake.ml") and _have("snowflake.snowpark") and _have("snowflake.connector")
pytestmark = pytest.mark.slow


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


def iris() -> tuple[pd.DataFrame, Any, Any, Any]:
    """Features, a fitted LogisticRegression, a second fitted one, and the labels."""
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    X, y = load_iris(return_X_y=True, as_frame=True)
    X.columns = ["SEPAL_LENGTH", "SEPAL_WIDTH", "PETAL_LENGTH", "PETAL_WIDTH"]
    first = LogisticRegression(max_iter=1000).fit(X, y)
    second = LogisticRegression(max_iter=1000, C=0.1).fit(X, y)
    return X, first, second, y


if HAVE_CLIENTS:
    from snowflake.connector.pandas_tools import write_pandas as unpatched_write_pandas
    from snowflake.ml.model import custom_model

    class Doubler(custom_model.CustomModel):
        """A CustomModel: twice the first feature."""

        @custom_model.inference_api
        def predict(self, X: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"DOUBLED": X["SEPAL_LENGTH"] * 2.0})

    def doubler() -> Any:
        return Doubler(custom_model.ModelContext())
else:
    class PlainDoubler:
        """A plain Python model (snowreg packages it as a custom model)."""

        def predict(self, X: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"DOUBLED": X["SEPAL_LENGTH"] * 2.0})

    def doubler() -> Any:
        return PlainDoubler()


# ---------------------------------------------------------------------------------------------
# The scenario, written once against snowflake-ml-python's API
# ---------------------------------------------------------------------------------------------


def registry_scenario(registry_cls: Any, session: Any, sql: Any, snowpark_run: Any = None) -> None:
    """Issue 5's lifecycle. `sql(text)` runs a statement; `snowpark_run(mv, X)` runs on a Snowpark frame."""
    X, clf, clf2, y = iris()
    reg = registry_cls(session)
    assert len(reg.show_models()) == 0

    mv1 = reg.log_model(clf, model_name="IRIS", version_name="V1", sample_input_data=X.head(10),
                        metrics={"accuracy": float(clf.score(X, y))})
    mv2 = reg.log_model(clf2, model_name="IRIS", version_name="V2", sample_input_data=X.head(10),
                        comment="regularised")
    custom = reg.log_model(doubler(), model_name="DOUBLER", version_name="V1", sample_input_data=X.head(5),
                           **({} if HAVE_CLIENTS else {"options": {"target_methods": ["predict"]}}))
    assert mv2.comment == "regularised"
    assert sorted(reg.show_models()["name"]) == ["DOUBLER", "IRIS"]

    model = reg.get_model("IRIS")
    assert model.default.version_name == "V1"
    model.default = "V2"
    assert model.default.version_name == "V2"
    model.default = mv1
    assert [v.version_name for v in model.versions()] == ["V1", "V2"]

    assert mv1.show_metrics() == {"accuracy": pytest.approx(clf.score(X, y))}
    mv1.set_metric("f1", 0.5)
    assert mv1.get_metric("f1") == 0.5
    assert set(mv1.show_metrics()) == {"accuracy", "f1"}

    out = mv1.run(X, function_name="predict")
    assert np.array_equal(out["output_feature_0"].to_numpy(), clf.predict(X))
    proba = mv2.run(X, function_name="predict_proba")
    assert np.allclose(proba.to_numpy(dtype=float), clf2.predict_proba(X))
    doubled = custom.run(X)
    assert np.allclose(doubled["DOUBLED"].to_numpy(), X["SEPAL_LENGTH"].to_numpy() * 2)
    if snowpark_run is not None:  # a Snowpark frame keeps its input columns; no row order is promised
        result = snowpark_run(mv1, X)
        assert len(result) == len(X)
        assert np.array_equal(result["output_feature_0"].to_numpy(), clf.predict(result[list(X.columns)]))

    mv1.set_alias("CHAMPION")
    assert model.version("CHAMPION").version_name == "V1"
    assert model.first().version_name == "V1"
    assert model.last().version_name == "V2"
    mv1.unset_alias("CHAMPION")
    with pytest.raises(ValueError):
        model.version("CHAMPION")

    mv1.comment = "first"
    assert mv1.comment == "first"
    model.comment = "iris classifier"
    assert model.comment == "iris classifier"

    sql("CREATE SCHEMA IF NOT EXISTS OTHER")
    other = registry_cls(session, database_name=reg_database(session), schema_name="OTHER")
    copy = other.log_model(mv1, model_name="IRIS_COPY", version_name="C1")
    assert copy.version_name == "C1"
    assert np.array_equal(copy.run(X, function_name="predict")["output_feature_0"].to_numpy(), clf.predict(X))

    model.delete_version("V2")
    assert list(model.show_versions()["name"]) == ["V1"]
    reg.delete_model("IRIS")
    assert list(reg.show_models()["name"]) == ["DOUBLER"]
    assert [m.name for m in other.models()] == ["IRIS_COPY"]


def reg_database(session: Any) -> str:
    conn = getattr(session, "connection", None) or session
    return str(conn.database).strip('"')


# ---------------------------------------------------------------------------------------------
# snowreg.Registry: runs in every environment
# ---------------------------------------------------------------------------------------------


def test_scenario_on_snowreg_registry() -> None:
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        def sql(text: str) -> None:
            conn.cursor().execute(text)

        registry_scenario(snowreg.Registry, conn, sql)


# ---------------------------------------------------------------------------------------------
# The unmodified clients (in .venv-client)
# ---------------------------------------------------------------------------------------------


if HAVE_CLIENTS:
    @pytest.fixture(params=[True, False], ids=["live-versions", "stage"])
    def snowpark_session(request: pytest.FixtureRequest) -> Iterator[Any]:
        """A Snowpark session on a patched connection; with and without the live-version capability
        (the client reads SYSTEM$ML_PLATFORM_CAPABILITIES once per process: forget its answer)."""
        import snowflake.connector
        from snowflake.ml._internal import platform_capabilities
        from snowflake.snowpark import Session

        platform_capabilities.PlatformCapabilities._instance = None
        with snowreg.patch(live_versions=request.param):
            conn = snowflake.connector.connect(account="acct", user="me", password="x", database="DB",
                                               schema="PUBLIC", warehouse="WH")
            session = Session.builder.configs({"connection": conn}).create()
            try:
                yield session
            finally:
                session.close()
                platform_capabilities.PlatformCapabilities._instance = None

    def test_the_guides_model_owner_logs_with_the_real_client() -> None:
        """USAGE on the database and schema and CREATE MODEL on the schema are enough for the unmodified
        client when live versions are reported (it then needs no stage)."""
        import snowflake.connector
        from snowflake.ml._internal import platform_capabilities
        from snowflake.ml.registry import Registry
        from snowflake.snowpark import Session

        X, clf, _, _ = iris()
        platform_capabilities.PlatformCapabilities._instance = None
        with snowreg.patch():
            admin = snowflake.connector.connect(database="ML", schema="REG")
            for sql in ("CREATE ROLE model_owner", "GRANT USAGE ON DATABASE ml TO ROLE model_owner",
                        "GRANT USAGE ON SCHEMA ml.reg TO ROLE model_owner",
                        "GRANT CREATE MODEL ON SCHEMA ml.reg TO ROLE model_owner",
                        "CREATE USER owner_user", "GRANT ROLE model_owner TO USER owner_user"):
                admin.cursor().execute(sql)
            conn = snowflake.connector.connect(user="owner_user", role="model_owner", database="ML", schema="REG")
            session = Session.builder.configs({"connection": conn}).create()
            try:
                reg = Registry(session)
                mv = reg.log_model(clf, model_name="IRIS", version_name="V1", sample_input_data=X.head(10))
                reg.log_model(clf, model_name="IRIS", version_name="V2", sample_input_data=X.head(10))
                assert mv.version_name == "V1"  # (run() on pandas would also need CREATE TABLE)
                row = X.iloc[0]
                got = conn.cursor().execute(
                    "SELECT MODEL(iris, v1)!predict(%s, %s, %s, %s):output_feature_0::int",
                    [float(v) for v in row]).fetchall()
                assert got == [(int(clf.predict(X.head(1))[0]),)]
                names = [r[1] for r in admin.cursor().execute("SHOW MODELS IN SCHEMA ml.reg").fetchall()]
                assert names == ["IRIS"]
            finally:
                session.close()
                platform_capabilities.PlatformCapabilities._instance = None

    def test_scenario_on_snowflake_ml_registry(snowpark_session: Any) -> None:
        from snowflake.ml.registry import Registry

        def sql(text: str) -> None:
            snowpark_session.sql(text).collect()

        def snowpark_run(mv: Any, X: pd.DataFrame) -> pd.DataFrame:
            return mv.run(snowpark_session.create_dataframe(X), function_name="predict").to_pandas()

        registry_scenario(Registry, snowpark_session, sql, snowpark_run)

    def test_snowreg_registry_on_a_snowpark_session(snowpark_session: Any) -> None:
        """snowreg.Registry accepts the Snowpark session too (it finds the snowreg connection inside)."""
        X, clf, _, _ = iris()
        reg = snowreg.Registry(snowpark_session)
        mv = reg.log_model(clf, model_name="M", version_name="V1", sample_input_data=X.head(5))
        assert np.array_equal(mv.run(X, function_name="predict")["output_feature_0"].to_numpy(), clf.predict(X))

    def test_real_and_snowreg_registry_agree(snowpark_session: Any) -> None:
        """The same version read through both APIs: same names, functions, metrics and predictions."""
        from snowflake.ml.registry import Registry

        X, clf, _, _ = iris()
        real = Registry(snowpark_session).log_model(clf, model_name="M", version_name="v1",
                                                     sample_input_data=X.head(5), metrics={"a": 1})
        ours = snowreg.Registry(snowpark_session).get_model("M").version("v1")
        assert (ours.version_name, ours.model_name) == (real.version_name, real.model_name)
        assert ours.fully_qualified_model_name == real.fully_qualified_model_name
        assert ours.show_metrics() == real.show_metrics()
        assert sorted(f["name"] for f in ours.show_functions()) == sorted(f["name"] for f in real.show_functions())
        pd.testing.assert_frame_equal(ours.run(X, function_name="predict"), real.run(X, function_name="predict"),
                                      check_dtype=False)
        mine, theirs = ours.load(), real.load()
        assert isinstance(theirs, type(mine))  # the client's is an instrumented subclass
        assert np.array_equal(mine.predict(X), theirs.predict(X))

    class PartitionSummary(custom_model.CustomModel):
        """A partitioned method: one row per partition, emitted at its end."""

        @custom_model.partitioned_api
        def summarize(self, X: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"N": [len(X)], "TOTAL": [float(X["SEPAL_LENGTH"].sum())]})

    def test_table_functions_keep_input_rows_unless_partitioned(snowpark_session: Any) -> None:
        """A TABLE_FUNCTION logged without PARTITIONED answers one row per input row, next to it; a
        partitioned_api method answers one row per partition (its input columns are NULL)."""
        from snowflake.ml.registry import Registry

        X, clf, _, y = iris()
        reg = Registry(snowpark_session)
        mv = reg.log_model(clf, model_name="TF", version_name="V1", sample_input_data=X.head(10),
                           options={"function_type": "TABLE_FUNCTION", "target_methods": ["predict"]})
        out = mv.run(X, function_name="predict")
        assert np.array_equal(out["output_feature_0"].to_numpy(), clf.predict(X))
        snowpark_session.write_pandas(X.assign(ID=range(len(X))), "SCORING_INPUT", auto_create_table=True)
        rows = snowpark_session.sql(
            'SELECT i.ID, o.* FROM SCORING_INPUT AS i, TABLE(MODEL(TF, V1)!PREDICT(i.SEPAL_LENGTH, '
            'i.SEPAL_WIDTH, i.PETAL_LENGTH, i.PETAL_WIDTH) OVER (PARTITION BY i.ID)) AS o ORDER BY i.ID').collect()
        assert [r["ID"] for r in rows] == list(range(len(X)))
        assert [r["OUTPUT_FEATURE_0"] for r in rows] == list(clf.predict(X))
        summary = reg.log_model(PartitionSummary(custom_model.ModelContext()), model_name="SUMM", version_name="V1",
                                sample_input_data=X.head(10), options={"function_type": "TABLE_FUNCTION"})
        got = summary.run(X.assign(SPECIES=y.to_numpy()), function_name="summarize", partition_column="SPECIES")
        assert sorted(got["N"].tolist()) == [50, 50, 50]

    def test_plain_connector() -> None:
        import snowflake.connector
        from snowflake.connector import DictCursor
        from snowflake.connector.errors import ProgrammingError

        with snowreg.patch():
            conn = snowflake.connector.connect(database="DB", schema="PUBLIC")
            cur = conn.cursor()
            assert cur.execute("SELECT 1 AS A, 'x' AS B").fetchall() == [(1, "x")]
            assert [(d.name, d.type_code) for d in cur.description] == [("A", 0), ("B", 2)]
            assert conn.cursor(DictCursor).execute("SELECT 1 AS A").fetchall() == [{"A": 1}]
            with pytest.raises(ProgrammingError) as missing:
                cur.execute("SELECT * FROM NOPE")
            assert (missing.value.errno, missing.value.sqlstate) == (2003, "42S02")
            assert missing.value.sfqid and "does not exist" in missing.value.raw_msg
            with pytest.raises(ProgrammingError) as syntax:
                cur.execute("SELEC 1")
            assert (syntax.value.errno, syntax.value.sqlstate) == (1003, "42000")
            assert str(syntax.value).startswith("001003 (42000): SQL compilation error:")

    def test_connector_write_pandas() -> None:
        import snowflake.connector

        frame = pd.DataFrame({"A": [1, 2], "b": ["x", "y"]})
        with snowreg.patch():
            # Imported inside the block: a name imported before patch() keeps the original function
            # (name such places in patch(targets=[...])).
            from snowflake.connector.pandas_tools import write_pandas

            conn = snowflake.connector.connect(database="DB", schema="PUBLIC")
            ok, chunks, rows, _ = write_pandas(conn, frame, "T", auto_create_table=True)
            assert (ok, rows) == (True, 2)
            got = conn.cursor().execute('SELECT "A", "b" FROM T ORDER BY 1').fetch_pandas_all()
            assert got.to_dict("list") == {"A": [1, 2], "b": ["x", "y"]}
    def test_connector_write_pandas_through_sql() -> None:
        """A write_pandas bound before patch() is the connector's own: its PUT / INFER_SCHEMA / COPY INTO
        statements run on snowreg."""
        import snowflake.connector

        frame = pd.DataFrame({"A": [1, 2], "b": ["x", None], "C": [0.5, 1.5]})
        with snowreg.patch():
            conn = snowflake.connector.connect(database="DB", schema="PUBLIC")
            assert unpatched_write_pandas(conn, frame, "T", auto_create_table=True)[:3] == (True, 1, 2)
            assert unpatched_write_pandas(conn, frame, "T")[:3] == (True, 1, 2)
            assert unpatched_write_pandas(conn, frame, "T", auto_create_table=True, overwrite=True)[2] == 2
            cur = conn.cursor().execute('SELECT "A", "b", "C" FROM T ORDER BY 1')
            assert cur.fetchall() == [(1, "x", 0.5), (2, None, 1.5)]
else:
    def test_unmodified_clients_in_their_environment(rerun_in_client: Callable[..., None]) -> None:
        """Re-run this file with the client environment's interpreter (CI creates `.venv-client`)."""
        rerun_in_client(__file__, timeout=240)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
