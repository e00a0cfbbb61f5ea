"""Statements that differ only in generated names (SNOWPARK_TEMP_TABLE_<10> …) share a translation,
and that never changes an answer: each name is still resolved, typed and privilege-checked where it
stands, and errors, headers and statement texts carry the names as written.

Every scenario runs its statements on two registries built the same way, one with the shape caches and
one without (`shape.ENABLED`), and compares rows, column metadata and errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection
from snowreg.grammar import shape

# Three generated names of one shape, and tables under them that differ in columns, types and rows.
NAMES = ["T_AAAAAAAAA1", "T_BBBBBBBBB2", "T_CCCCCCCCC3"]
TABLES = [
    "CREATE TABLE T_AAAAAAAAA1 (A INT, B TEXT) AS SELECT * FROM VALUES (1, 'x'), (2, 'y')",
    "CREATE TABLE T_BBBBBBBBB2 (A TEXT, B FLOAT) AS SELECT * FROM VALUES ('p', 1.5)",
    "CREATE TABLE T_CCCCCCCCC3 (B DATE, A NUMBER(10, 2)) AS SELECT * FROM VALUES ('2024-01-02'::DATE, 3.25)",
]
STATEMENTS = [
    "SELECT A, B FROM {t} ORDER BY A",
    'SELECT * FROM "TEST_DB"."PUBLIC"."{t}"',
    "SELECT {t}.A || '', B FROM {t}",  # an unaliased item: its header holds the name
    "WITH IN_ABCDEFGHI1 AS (SELECT A FROM {t}) SELECT *, A AS RES_ABCDEFGHI2 FROM IN_ABCDEFGHI1",
    "SELECT CURRENT_STATEMENT() AS s, A FROM {t}",
    "SELECT 'this reads {t}' AS s, A FROM {t}",  # the name is also in a string: never lifted
    "SELECT t_aaaaaaaaa1.a FROM {t}",  # another spelling of one of the names
    "SELECT NOPE FROM {t}",  # an error names the column where it stands
    "SELECT A + B FROM {t}",  # an error for one table's types, an answer for another's
    "SELECT COUNT(*) FROM {t} WHERE A IS NOT NULL",
]


def _answer(cur: Any, sql: str) -> tuple[Any, ...]:
    try:
        cur.execute(sql)
        rows = cur.fetchall() if cur.description else None
        return ("ok", rows, [tuple(d) for d in cur.description or ()])
    except snowreg.Error as e:
        return ("error", e.errno, e.sqlstate, e.msg, getattr(e, "line", None), getattr(e, "column", None))


@pytest.fixture
def pair() -> Iterator[tuple[Connection, Connection]]:
    """Two registries with the same tables: the first answers with the shape caches, the second without."""
    conns = [snowreg.connect(database="TEST_DB", schema="PUBLIC") for _ in range(2)]
    for conn in conns:
        for sql in TABLES:
            conn.cursor().execute(sql)
    yield conns[0], conns[1]
    for conn in conns:
        conn.close()


def _both(cached: Connection, plain: Connection, sql: str) -> tuple[Any, ...]:
    want = _with_caches(False, lambda: _answer(plain.cursor(), sql))
    got = _with_caches(True, lambda: _answer(cached.cursor(), sql))
    assert got == want, sql
    return got


def _with_caches(enabled: bool, run: Callable[[], Any]) -> Any:
    shape.ENABLED = enabled
    try:
        return run()
    finally:
        shape.ENABLED = True


@pytest.mark.parametrize("template", STATEMENTS)
def test_each_table_answers_for_itself(pair: tuple[Connection, Connection], template: str) -> None:
    answers = [_both(*pair, template.format(t=name)) for name in NAMES + NAMES]
    assert answers[:3] == answers[3:]
    if template.startswith("SELECT A, B"):  # the tables differ, so must their answers
        assert len({repr(a) for a in answers[:3]}) == 3
        assert answers[1] == ("ok", [("p", 1.5)], answers[1][2])


def test_headers_and_texts_carry_the_names_as_written(pair: tuple[Connection, Connection]) -> None:
    cached = pair[0].cursor()
    for name in NAMES:
        cached.execute(f"SELECT {name}.A || '', B FROM {name}")
        assert cached.description[0].name == f"{name}.A || ''"
        cached.execute(f"SELECT CURRENT_STATEMENT() AS s FROM {name} LIMIT 1")
        assert cached.fetchall() == [(f"SELECT CURRENT_STATEMENT() AS s FROM {name} LIMIT 1",)]
        cached.execute(f"WITH IN_{name[2:]} AS (SELECT A FROM {name}) SELECT *, A AS RES_{name[2:]} FROM IN_{name[2:]}")
        assert [d.name for d in cached.description] == ["A", f"RES_{name[2:]}"]


def test_a_dropped_table_is_missing_under_its_own_name(pair: tuple[Connection, Connection]) -> None:
    for name in NAMES:
        _both(*pair, f"SELECT A FROM {name}")
    for conn in pair:
        conn.cursor().execute("DROP TABLE T_BBBBBBBBB2")
    error = _both(*pair, "SELECT A FROM T_BBBBBBBBB2")
    assert error[:2] == ("error", 2003) and "T_BBBBBBBBB2" in error[3]
    assert _both(*pair, "SELECT A FROM T_DDDDDDDDD4")[3] == error[3].replace("T_BBBBBBBBB2", "T_DDDDDDDDD4")
    assert _both(*pair, "SELECT A FROM T_AAAAAAAAA1 ORDER BY A")[1] == [(1,), (2,)]


def test_a_recreated_table_is_read_with_its_new_columns(pair: tuple[Connection, Connection]) -> None:
    _both(*pair, "SELECT * FROM T_AAAAAAAAA1")
    _both(*pair, "SELECT * FROM T_BBBBBBBBB2")
    for conn in pair:
        conn.cursor().execute("CREATE OR REPLACE TABLE T_AAAAAAAAA1 (Z VARIANT) AS SELECT PARSE_JSON('[1]')")
    got = _both(*pair, "SELECT * FROM T_AAAAAAAAA1")
    assert got[1] == [("[\n  1\n]",)] and got[2][0][0] == "Z"


def test_a_role_reads_only_the_tables_it_was_granted(pair: tuple[Connection, Connection]) -> None:
    users = []
    for conn in pair:
        cur = conn.cursor()
        for sql in ["CREATE ROLE READER", "GRANT USAGE ON DATABASE TEST_DB TO ROLE READER",
                    "GRANT USAGE ON SCHEMA TEST_DB.PUBLIC TO ROLE READER",
                    "GRANT SELECT ON TABLE T_AAAAAAAAA1 TO ROLE READER", "CREATE USER READER DEFAULT_ROLE = READER",
                    "GRANT ROLE READER TO USER READER"]:
            cur.execute(sql)
        users.append(Connection(conn._catalog, user="READER"))
        users[-1].cursor().execute("USE SCHEMA TEST_DB.PUBLIC")
    assert _both(*users, "SELECT A FROM T_AAAAAAAAA1 ORDER BY A")[1] == [(1,), (2,)]
    assert _both(*users, "SELECT A FROM T_AAAAAAAAA1 ORDER BY A")[0] == "ok"
    refused = _both(*users, "SELECT A FROM T_BBBBBBBBB2 ORDER BY A")
    assert refused[:2] == ("error", 2003) and "T_BBBBBBBBB2" in refused[3]
    for conn in pair:
        conn.cursor().execute("GRANT SELECT ON TABLE T_BBBBBBBBB2 TO ROLE READER")
    assert _both(*users, "SELECT A FROM T_BBBBBBBBB2 ORDER BY A")[1] == [("p",)]
    for conn in pair:
        conn.cursor().execute("REVOKE SELECT ON TABLE T_AAAAAAAAA1 FROM ROLE READER")
    assert _both(*users, "SELECT A FROM T_AAAAAAAAA1 ORDER BY A")[:2] == ("error", 2003)


def test_model_calls_over_generated_names(pair: tuple[Connection, Connection], classifier: tuple[Any, Any]) -> None:
    """The model client's statements (a describe, a probe, the result query), for fresh names each call."""
    x, model = classifier
    for conn in pair:
        snowreg.Registry(conn).log_model(model, model_name="CLF", version_name="V1", sample_input_data=x.head(5))
        cur = conn.cursor()
        for n, name in enumerate(NAMES):
            cur.execute(f"CREATE TEMPORARY TABLE SNOWPARK_TEMP_TABLE_{name[2:]} (A FLOAT, B FLOAT, C FLOAT, _ID INT)")
            rows = x.iloc[n * 7:(n + 1) * 7]
            values = ", ".join(f"({a}, {b}, {c}, {i})" for i, (a, b, c) in enumerate(rows.itertuples(index=False)))
            cur.execute(f"INSERT INTO SNOWPARK_TEMP_TABLE_{name[2:]} VALUES {values}")
    for name in NAMES + NAMES:
        suffix = name[2:]
        inner = (f'WITH SNOWPARK_ML_MODEL_INFERENCE_INPUT_{suffix} AS (SELECT "_ID", CAST ("A" AS DOUBLE) AS "A", '
                 f'CAST ("B" AS DOUBLE) AS "B", CAST ("C" AS DOUBLE) AS "C" FROM "TEST_DB"."PUBLIC".'
                 f'"SNOWPARK_TEMP_TABLE_{suffix}") SELECT *, MODEL(TEST_DB.PUBLIC.CLF, V1)!PREDICT(A, B, C) AS '
                 f'TMP_RESULT_{suffix} FROM SNOWPARK_ML_MODEL_INFERENCE_INPUT_{suffix}')
        for sql in [inner, f'SELECT "_ID" FROM ({inner}) LIMIT 1',
                    f'SELECT CAST ("TMP_RESULT_{suffix}"[\'output_feature_0\'] AS BIGINT) AS "output_feature_0" '
                    f'FROM ({inner}) ORDER BY "_ID" ASC NULLS FIRST',
                    f'SELECT "TMP_RESULT_{suffix}" FROM ({inner}) WHERE NOPE > 1']:
            got = _both(*pair, sql)
            if "LIMIT 1" not in sql and "NOPE" not in sql:
                assert got[0] == "ok" and len(got[1]) == 7
                want = list(model.predict(x.iloc[NAMES.index(name) * 7:][:7]))
                if "output_feature_0" in sql:
                    assert [r[0] for r in got[1]] == want
                else:
                    assert [d[0] for d in got[2]][-1] == f"TMP_RESULT_{suffix}"


def test_a_shape_whose_translation_reads_a_name_is_translated_as_written() -> None:
    """The safety net: a translation that depends on a name's characters fails the first comparison,
    and every later text of its shape is translated as written."""
    from snowreg.grammar import generated

    seen: list[str] = []

    def translate(text: str) -> str:  # reads the name: its last character, doubled
        seen.append(text)
        return text + text.rstrip()[-1] * 2

    texts = [f"SELECT * FROM R_ABCDEFGH{n}{c}" for n, c in [(1, "X"), (2, "Y"), (3, "Z")]]
    assert [generated.shared(t, translate, ("reads",)) for t in texts] == [t + t[-1] * 2 for t in texts]
    assert seen[-1] == texts[-1]  # the last one was translated as written


def test_a_recreated_table_keeps_its_new_declared_types(cur: Any) -> None:
    """Creating a table keeps the registry's other cached reads, but never the old table's declared types."""
    for n in (5, 7, 9):
        cur.execute(f"CREATE OR REPLACE TABLE T_AAAAAAAAA1 (A VARCHAR({n}), B NUMBER({n + 2}, 1))")
        cur.execute("SELECT * FROM T_AAAAAAAAA1")
        assert [(d.name, d.internal_size, d.precision, d.scale) for d in cur.description] == [
            ("A", n, None, None), ("B", None, n + 2, 1)]
