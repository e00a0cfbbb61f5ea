"""Corners of the Model Registry API found by sweeping snowflake-ml-python's Registry / Model / ModelVersion
against the documentation, run unmodified under `snowreg.patch()`:
- tags of a model in a database and schema with case-sensitive names (Model.show_tags reads
  `TABLE("db".INFORMATION_SCHEMA.TAG_REFERENCES(…))`),
  https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/overview
- ModelVersion.run_batch, a Snowpark Container Services job: refused, saying so,
  https://docs.snowflake.com/en/developer-guide/snowflake-ml/inference/batch-inference
- ModelVersion.load() unpickles only what the registry stored: a model file changed behind the registry's
  back is refused before the client sees it.
- ModelVersion.set_alias of a name that needs quotes is refused by the statement (aliases are plain
  identifiers), and a table made from `WITH … AS MODEL` calls has an OBJECT column.

The clients need pandas < 3, so they live in `.venv-client`; in the project environment one test re-runs
this file there.
"""

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


HAVE_CLIENTS = _have("snowflake.ml") and _have("snowflake.snowpark") and _have("snowflake.connector")


if not HAVE_CLIENTS:
    def test_client_sweep_with_the_real_client(rerun_in_client: Callable[..., None]) -> None:
        """Re-run this file with the client environment's interpreter (CI creates `.venv-client`)."""
        rerun_in_client(__file__, timeout=180)

else:
    import numpy as np
    import snowflake.connector
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from snowflake.ml._internal import platform_capabilities
    from snowflake.ml.model._client.model.batch_inference_job_specs import OutputSpec
    from snowflake.ml.registry import Registry
    from snowflake.snowpark import Session

    import snowreg

    @pytest.fixture(scope="module")
    def iris() -> tuple[Any, Any]:
        X, y = load_iris(return_X_y=True, as_frame=True)
        X.columns = ["SEPAL_LENGTH", "SEPAL_WIDTH", "PETAL_LENGTH", "PETAL_WIDTH"]
        return X, LogisticRegression(max_iter=1000).fit(X, y)

    def _session(path: Path | None = None) -> Iterator[Any]:
        platform_capabilities.PlatformCapabilities._instance = None
        with snowreg.patch(path):
            conn = snowflake.connector.connect(account="acct", user="me", password="x", database="ML",
                                               schema="PUBLIC", warehouse="WH")
            sp = Session.builder.configs({"connection": conn}).create()
            try:
                yield sp
            finally:
                sp.close()
                platform_capabilities.PlatformCapabilities._instance = None

    @pytest.fixture
    def session() -> Iterator[Any]:
        yield from _session()

    def test_tags_of_a_model_in_a_quoted_database_and_schema(session: Any, iris: tuple[Any, Any]) -> None:
        X, clf = iris
        for sql in ('CREATE DATABASE "myDb"', 'CREATE SCHEMA "myDb"."mySch"', 'CREATE TAG "myDb"."mySch"."myTag"'):
            session.sql(sql).collect()
        reg = Registry(session, database_name='"myDb"', schema_name='"mySch"')
        reg.log_model(clf, model_name='"myModel"', version_name="v1", sample_input_data=X.head(5))
        m = reg.get_model('"myModel"')
        assert m.show_tags() == {}
        m.set_tag('"myTag"', "prod")
        assert m.get_tag('"myDb"."mySch"."myTag"') == "prod"
        assert m.show_tags() == {'"myDb"."mySch"."myTag"': "prod"}
        m.unset_tag('"myTag"')
        assert m.show_tags() == {}

    def test_run_batch_is_refused_clearly(session: Any, iris: tuple[Any, Any]) -> None:
        """Batch inference jobs run on Snowpark Container Services: both input forms are refused with an
        error naming what snowreg does not emulate. A DataFrame input is first unloaded into the stage as
        parquet by the client (COPY INTO <location>, emulated), which removes it again when the job fails."""
        X, clf = iris
        reg = Registry(session)
        mv = reg.log_model(clf, model_name="m", version_name="v1", sample_input_data=X.head(5))
        session.sql("CREATE STAGE jobs").collect()
        out = OutputSpec(stage_location="@ML.PUBLIC.JOBS/out/")
        with pytest.raises(snowflake.connector.errors.NotSupportedError,
                           match=r"EXECUTE INFERENCE JOB SERVICE \(Snowpark Container Services.*run_batch"):
            mv.run_batch(input_stage_location="@ML.PUBLIC.JOBS/in/", compute_pool="pool", function_name="predict",
                         output_spec=out)
        with pytest.raises(snowflake.connector.errors.NotSupportedError,
                           match=r"EXECUTE INFERENCE JOB SERVICE \(Snowpark Container Services.*run_batch"):
            mv.run_batch(session.create_dataframe(X), compute_pool="pool", function_name="predict", output_spec=out)
        assert session.sql("LIST @ML.PUBLIC.JOBS").collect() == []
        assert np.array_equal(mv.run(X, function_name="predict")["output_feature_0"].to_numpy(), clf.predict(X))

    def test_aliases_are_plain_identifiers_and_calls_table_as_object(session: Any, iris: tuple[Any, Any]) -> None:
        """ModelVersion.set_alias quotes a lower-case name it is given quoted; "Aliases must be valid identifiers
        without double quotes" (https://docs.snowflake.com/en/sql-reference/sql/alter-model-modify-version), so
        such an alias is refused by the statement, and a plain one is found by Model.version. A table made from
        `WITH … AS MODEL` calls has an OBJECT column (DECISIONS.md I52-I54)."""
        X, clf = iris
        reg = Registry(session)
        mv = reg.log_model(clf, model_name="m", version_name="v1", sample_input_data=X.head(5))
        with pytest.raises(Exception, match="an alias must be a valid identifier that needs no double quotes"):
            mv.set_alias('"prod"')
        mv.set_alias("champion")
        assert reg.get_model("m").version("champion").version_name == "V1"
        session.create_dataframe(X.head(3)).write.save_as_table("FEATS")
        session.sql("CREATE TABLE preds AS WITH mv AS MODEL m VERSION champion "
                    "SELECT mv!predict(SEPAL_LENGTH, SEPAL_WIDTH, PETAL_LENGTH, PETAL_WIDTH) AS r FROM feats").collect()
        assert [tuple(r)[:2] for r in session.sql("DESCRIBE TABLE preds").collect()] == [("R", "OBJECT")]
        assert session.sql("SELECT COUNT(*) FROM preds").collect()[0][0] == 3

    def test_load_unpickles_only_what_the_registry_stored(tmp_path: Path, iris: tuple[Any, Any]) -> None:
        """A model file changed in the registry's storage after log_model is refused by GET (its hash no
        longer matches), so the client's load() never unpickles it; the stored model still loads."""
        import duckdb

        X, clf = iris
        path = tmp_path / "reg"
        for sp in _session(path):
            mv = Registry(sp).log_model(clf, model_name="M", version_name="V1", sample_input_data=X.head(5))
            assert np.array_equal(mv.load(force=True).predict(X), clf.predict(X))
        marker = tmp_path / "pwned"
        payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
        db = duckdb.connect(str(path / "registry.duckdb"))  # someone with write access to the registry's files
        db.execute("UPDATE snowreg.blobs SET content = ? WHERE sha IN (SELECT sha FROM snowreg.files "
                   "WHERE path LIKE 'model/models/%')", [payload])
        db.close()
        for sp in _session(path):
            mv = Registry(sp).get_model("M").version("V1")
            with pytest.raises(snowflake.connector.errors.OperationalError, match="does not match the hash"):
                mv.load(force=True)
            with pytest.raises(snowflake.connector.errors.OperationalError, match="does not match the hash"):
                mv.run(X, function_name="predict")
        assert not marker.exists()
