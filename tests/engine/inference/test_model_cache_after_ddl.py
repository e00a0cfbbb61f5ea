"""The model cache across plain DDL and version changes: no reload for a CREATE TABLE, new content at once."""

from __future__ import annotations

from typing import Any

import snowreg
from snowreg.engine.inference.cache import MODELS


def labels(cur: Any, table: str) -> list[int]:
    return [r[0] for r in cur.execute(f"SELECT M!PREDICT(A, B, C):output_feature_0::INT FROM {table}").fetchall()]


def test_plain_ddl_between_calls_keeps_the_loaded_model_and_a_replaced_version_answers_anew(
        classifier: tuple[Any, Any]) -> None:
    x, model = classifier
    flipped = type(model)().fit(x, 1 - model.predict(x))  # the opposite labels
    conn = snowreg.connect(database="D", schema="S")
    reg = snowreg.Registry(conn)
    reg.log_model(model, model_name="M", version_name="V1", sample_input_data=x.head(5))
    reg.log_model(model, model_name="M", version_name="V2", sample_input_data=x.head(5))
    cur = conn.cursor()
    cur.execute("CREATE TABLE ROWS (A FLOAT, B FLOAT, C FLOAT)")
    cur.execute("INSERT INTO ROWS VALUES " + ", ".join(f"({a}, {b}, {c})" for a, b, c in x.head(30).values))
    expected = list(model.predict(x.head(30)))
    assert labels(cur, "ROWS") == expected
    loads = MODELS.loads
    for i in range(3):
        cur.execute(f"CREATE TEMPORARY TABLE T{i} AS SELECT * FROM ROWS")
        assert labels(cur, f"T{i}") == expected
    assert MODELS.loads == loads  # plain DDL does not reload the model
    cur.execute("ALTER MODEL M SET DEFAULT_VERSION = V2")
    cur.execute("ALTER MODEL M DROP VERSION V1")
    reg.log_model(flipped, model_name="M", version_name="V1", sample_input_data=x.head(5))
    cur.execute("ALTER MODEL M SET DEFAULT_VERSION = V1")
    assert labels(cur, "ROWS") == list(flipped.predict(x.head(30))) != expected
    cur.execute("ALTER MODEL M SET DEFAULT_VERSION = V2")
    assert labels(cur, "T0") == expected
    conn.close()


def test_plain_ddl_does_not_list_the_version_files_again(classifier: tuple[Any, Any], monkeypatch: Any) -> None:
    """The files of a version change only with registry writes: a CREATE TABLE between two calls (as the
    model client makes before each call) reads no file listing; a registry write does."""
    x, model = classifier
    conn = snowreg.connect(database="D", schema="S")
    snowreg.Registry(conn).log_model(model, model_name="M", version_name="V1", sample_input_data=x.head(5))
    cur = conn.cursor()
    cur.execute("CREATE TABLE ROWS (A FLOAT, B FLOAT, C FLOAT)")
    cur.execute("INSERT INTO ROWS VALUES " + ", ".join(f"({a}, {b}, {c})" for a, b, c in x.head(10).values))
    expected = list(model.predict(x.head(10)))
    assert labels(cur, "ROWS") == expected
    files = conn.session.catalog.files
    listed: list[int] = []
    original = files.list_files

    def counted(owner_kind: str, owner_id: int, prefix: str = "") -> Any:
        listed.append(owner_id)
        return original(owner_kind, owner_id, prefix)

    monkeypatch.setattr(files, "list_files", counted)
    for i in range(3):
        cur.execute(f"CREATE TEMPORARY TABLE T{i} AS SELECT * FROM ROWS")
        assert labels(cur, f"T{i}") == expected
    assert listed == []
    cur.execute("ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'a registry write'")
    assert labels(cur, "ROWS") == expected
    assert listed  # read again after it
    conn.close()
