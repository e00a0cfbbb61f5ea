"""`snowreg.patch()` and the pytest fixtures, against a stand-in `snowflake.connector` package.

The stand-in has the real package's shape (connect, errors with msg/errno/sqlstate/sfqid, DictCursor,
pandas_tools.write_pandas); tests/snowreg/test_real_client.py does the same against the real packages.
"""

from __future__ import annotations

import dataclasses
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg


class FakeError(Exception):
    def __init__(self, msg: str | None = None, errno: int | None = None, sqlstate: str | None = None,
                 sfqid: str | None = None, query: str | None = None, send_telemetry: bool = True) -> None:
        super().__init__(msg)
        self.raw_msg, self.errno, self.sqlstate, self.sfqid, self.query = msg, errno, sqlstate, sfqid, query
        self.msg = f"{errno:06d} ({sqlstate}): {msg}" if errno else msg


@pytest.fixture
def connector(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """A minimal `snowflake.connector` in sys.modules (whatever is installed is hidden for the test)."""
    package = types.ModuleType("snowflake")
    package.__path__ = []
    module = types.ModuleType("snowflake.connector")
    module.__path__ = []
    errors = types.ModuleType("snowflake.connector.errors")
    errors.Error = FakeError  # type: ignore[attr-defined]
    for name, base in [("InterfaceError", "Error"), ("DatabaseError", "Error"),
                       ("ProgrammingError", "DatabaseError"), ("NotSupportedError", "DatabaseError"),
                       ("OperationalError", "DatabaseError")]:
        setattr(errors, name, type(name, (getattr(errors, base),), {}))
    pandas_tools = types.ModuleType("snowflake.connector.pandas_tools")
    pandas_tools.write_pandas = lambda conn, df, table_name, **kw: ("original", table_name)  # type: ignore[attr-defined]
    module.connect = lambda **kwargs: "a real connection"  # type: ignore[attr-defined]
    module.Connect = module.connect  # type: ignore[attr-defined]
    module.DictCursor = type("DictCursor", (), {})  # type: ignore[attr-defined]
    module.errors = errors  # type: ignore[attr-defined]
    package.connector = module  # type: ignore[attr-defined]
    for name, mod in [("snowflake", package), ("snowflake.connector", module),
                      ("snowflake.connector.errors", errors), ("snowflake.connector.pandas_tools", pandas_tools)]:
        monkeypatch.setitem(sys.modules, name, mod)
    for name in [m for m in sys.modules if m.startswith("snowflake.snowpark")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "snowflake.snowpark", None)  # type: ignore[arg-type]
    yield module


def test_connect_returns_snowreg_connections_sharing_one_registry(connector: Any) -> None:
    with snowreg.patch():
        one = connector.connect(account="a", user="someone", password="p", database="DB", schema="S")
        two = connector.connect(database="DB", schema="S", warehouse="WH")
        one.cursor().execute("CREATE TABLE T (A INT)")
        one.cursor().execute("INSERT INTO T VALUES (1)")
        assert two.cursor().execute("SELECT A FROM T").fetchall() == [(1,)]
        assert (two.database, two.schema, two.warehouse, two.user) == ("DB", "S", "WH", "ADMIN")
    assert connector.connect() == "a real connection"
    with snowreg.patch():
        conn = connector.connect(database="DB", schema="S")
        with pytest.raises(connector.errors.ProgrammingError):
            conn.cursor().execute("SELECT A FROM T")  # a fresh registry


def test_errors_are_the_connectors_classes(connector: Any) -> None:
    with snowreg.patch():
        cur = connector.connect(database="DB", schema="S").cursor()
        with pytest.raises(connector.errors.ProgrammingError) as e:
            cur.execute("SELECT * FROM NOPE")
        assert (e.value.errno, e.value.sqlstate) == (2003, "42S02")
        assert e.value.sfqid and e.value.query == "SELECT * FROM NOPE"
        assert "does not exist or not authorized" in e.value.raw_msg
        assert not isinstance(e.value, snowreg.Error)
        with pytest.raises(connector.errors.ProgrammingError) as syntax:
            cur.execute("SELEC 1")
        assert (syntax.value.errno, syntax.value.sqlstate) == (1003, "42000")
        with pytest.raises(connector.errors.NotSupportedError):
            cur.execute("SELECT SYSTEM$ALLOWLIST()")
        cur.close()
        with pytest.raises(connector.errors.InterfaceError):
            cur.execute("SELECT 1")


def test_a_connection_config_gives_the_settings(connector: Any) -> None:
    """The connector 5.x's `connect(config=ConnectionConfig(...))`: the settings are the config's fields
    (unknown ones in its `_extra`), as keyword arguments would give them."""

    @dataclasses.dataclass
    class ConnectionConfig:
        account: str | None = None
        database: str | None = None
        schema: str | None = None
        warehouse: str | None = None
        paramstyle: str | None = None
        session_parameters: dict[str, Any] | None = None
        _extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    connector.ConnectionConfig = ConnectionConfig
    with snowreg.patch():
        config = ConnectionConfig(account="a", database="DB", schema="S", paramstyle="qmark",
                                  session_parameters={"QUERY_TAG": "from config"}, _extra={"warehouse": "WH"})
        conn = connector.connect(config=config)
        assert (conn.database, conn.schema, conn.warehouse) == ("DB", "S", "WH")
        cur = conn.cursor()
        assert cur.execute("SELECT ?, CURRENT_DATABASE(), CURRENT_SCHEMA()", (7,)).fetchall() == [(7, "DB", "S")]
        assert cur.execute("SHOW PARAMETERS LIKE 'QUERY_TAG'").fetchall()[0][:2] == ("QUERY_TAG", "from config")


@pytest.mark.parametrize(("version", "cursor_closed", "connection_closed"), [
    ("4.8.1", "Cursor is closed in execute.", "Connection is closed"),
    ("5.2.0", "Cursor is closed.", "Connection is closed."),
])
def test_closed_objects_in_the_installed_connectors_words(connector: Any, version: str, cursor_closed: str,
                                                          connection_closed: str) -> None:
    """The connector 5.x words its own client-side errors differently from 4.x; under `patch()` they
    read as the installed connector's."""
    connector.__version__ = version
    with snowreg.patch():
        conn = connector.connect(database="DB", schema="S")
        cur = conn.cursor()
        cur.close()
        with pytest.raises(connector.errors.InterfaceError) as closed:
            cur.execute("SELECT 1")
        assert (closed.value.errno, closed.value.raw_msg) == (252006, cursor_closed)
        conn.close()
        with pytest.raises(connector.errors.DatabaseError) as gone:
            conn.cursor()
        assert (gone.value.errno, gone.value.raw_msg) == (250002, connection_closed)


def test_a_named_connection_gives_its_settings(connector: Any, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`connect(connection_name=...)` (the connector 4.x and 5.x): the named connection's database, schema,
    warehouse and paramstyle from `connections.toml` in SNOWFLAKE_HOME (or `[connections.<name>]` of its
    `config.toml`, or the `connections_file_path` given); keyword arguments win; an unknown name gives none."""
    # ref: https://docs.snowflake.com/developer-guide/python-connector/python-connector-connect
    home = tmp_path / "home"
    home.mkdir()
    (home / "connections.toml").write_text('[dev]\naccount = "acme"\ndatabase = "DEVDB"\nschema = "S1"\n'
                                           'warehouse = "WH"\n')
    (home / "config.toml").write_text('[connections.ci]\ndatabase = "CIDB"\nschema = "S2"\n')
    (tmp_path / "other.toml").write_text('[dev]\ndatabase = "ELSEWHERE"\nparamstyle = "qmark"\n')
    monkeypatch.setenv("SNOWFLAKE_HOME", str(home))
    with snowreg.patch():
        dev = connector.connect(connection_name="dev")
        assert (dev.database, dev.schema, dev.warehouse) == ("DEVDB", "S1", "WH")
        assert connector.connect(connection_name="dev", schema="MINE").schema == "MINE"
        assert connector.connect(connection_name="ci").database == "CIDB"
        other = connector.connect(connection_name="dev", connections_file_path=tmp_path / "other.toml")
        assert other.database == "ELSEWHERE"
        assert other.cursor().execute("SELECT ?", (1,)).fetchall() == [(1,)]
        assert connector.connect(connection_name="nope").database is None


def test_the_asyncio_api_is_refused_rather_than_reaching_snowflake(connector: Any,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The connector's asyncio API, `snowflake.connector.aio.connect`, is not emulated: under `patch()` it is the
    connector's NotSupportedError (it would otherwise log in to the real account), restored after."""
    import asyncio

    aio = types.ModuleType("snowflake.connector.aio")

    async def real_connect(**kwargs: Any) -> str:
        return "a real asyncio connection"

    aio.connect = real_connect  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snowflake.connector.aio", aio)
    with snowreg.patch():
        with pytest.raises(connector.errors.NotSupportedError) as refused:
            asyncio.run(aio.connect(account="a", user="u", password="p"))  # type: ignore[attr-defined]
        assert (refused.value.errno, refused.value.sqlstate) == (2, "0A000")
        assert "snowflake.connector.aio" in refused.value.raw_msg
    assert asyncio.run(aio.connect()) == "a real asyncio connection"  # type: ignore[attr-defined]


def test_dict_cursor_by_the_connectors_class(connector: Any) -> None:
    with snowreg.patch():
        conn = connector.connect(database="DB", schema="S")
        assert conn.cursor(connector.DictCursor).execute("SELECT 1 AS A").fetchall() == [{"A": 1}]


def test_decorator_gives_each_call_a_fresh_registry(connector: Any) -> None:
    @snowreg.patch(database="DB", schema="S")
    def create() -> list[Any]:
        conn = connector.connect()
        conn.cursor().execute("CREATE TABLE T (A INT)")  # fails if T survived the previous call
        return conn.cursor().execute("SHOW DATABASES LIKE 'DB'").fetchall()

    assert len(create()) == 1
    assert len(create()) == 1
    assert connector.connect() == "a real connection"


def test_persistent_registry(connector: Any, tmp_path: Path) -> None:
    path = tmp_path / "registry.duckdb"
    with snowreg.patch(path=path):
        connector.connect(database="DB", schema="S").cursor().execute("CREATE TABLE T (A INT)")
    with snowreg.patch(path=path):
        conn = connector.connect(database="DB", schema="S")
        assert conn.cursor().execute("SELECT COUNT(*) FROM T").fetchall() == [(0,)]


def test_extra_targets(connector: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = types.ModuleType("my_app_db")
    app.connect = connector.connect  # type: ignore[attr-defined]  # `from snowflake.connector import connect`
    app.write_pandas = sys.modules["snowflake.connector.pandas_tools"].write_pandas  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "my_app_db", app)
    with snowreg.patch(targets=["my_app_db.connect", "my_app_db.write_pandas"]):
        conn = app.connect(database="DB", schema="S")
        assert isinstance(conn, snowreg.dbapi.Connection)
        assert app.write_pandas("not snowreg", None, "T") == ("original", "T")
    assert app.connect() == "a real connection"
    with pytest.raises(AttributeError), snowreg.patch(targets=["my_app_db.nothing"]):
        pass
    assert connector.connect() == "a real connection"


def test_nested_patches_restore_in_order(connector: Any) -> None:
    with snowreg.patch() as outer:
        with snowreg.patch() as inner:
            assert connector.connect.__self__ is inner
        assert connector.connect.__self__ is outer
    assert connector.connect() == "a real connection"


def test_users_and_roles(connector: Any) -> None:
    with snowreg.patch() as patched:
        admin = connector.connect(user="from_config", role="ANALYST", database="DB", schema="S")
        assert (admin.user, admin.role) == ("ADMIN", "ACCOUNTADMIN")  # unknown here: ignored
        cur = admin.cursor()
        cur.execute("CREATE ROLE ANALYST")
        cur.execute("CREATE USER ALICE")
        cur.execute("GRANT ROLE ANALYST TO USER ALICE")
        alice = patched.connect(user="alice", role="analyst")
        assert (alice.user, alice.role) == ("ALICE", "ANALYST")


def test_write_pandas(connector: Any) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"A": [1, 2], "b": ["x", None], "C": [0.5, 1.5], "D": [{"k": 1}, [1, 2]]})
    with snowreg.patch():
        from snowflake.connector.pandas_tools import write_pandas

        conn = connector.connect(database="DB", schema="S")
        assert write_pandas(conn, frame, "T", auto_create_table=True)[:3] == (True, 1, 2)
        cur = conn.cursor()
        rows = cur.execute('SELECT "A", "b", "C", "D" FROM "T" ORDER BY "A"').fetchall()
        assert rows == [(1, "x", 0.5, '{\n  "k": 1\n}'), (2, None, 1.5, "[\n  1,\n  2\n]")]
        assert [d.type_code for d in cur.description] == [0, 2, 1, 5]
        write_pandas(conn, frame[["A"]], "T", auto_create_table=False, overwrite=True)
        assert cur.execute('SELECT COUNT(*), COUNT("b") FROM "T"').fetchall() == [(2, 0)]
        with pytest.raises(connector.errors.ProgrammingError):
            write_pandas(conn, frame, "MISSING")
        write_pandas(conn, frame[["A"]], "TMP", auto_create_table=True, table_type="temporary")
        assert cur.execute('SELECT COUNT(*) FROM "TMP"').fetchall() == [(2,)]
        conn.close()
        other = connector.connect(database="DB", schema="S")
        with pytest.raises(connector.errors.ProgrammingError):
            other.cursor().execute('SELECT * FROM "TMP"')  # dropped with its connection


def test_without_the_connector_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ["snowflake", *(m for m in sys.modules if m.startswith("snowflake."))]:  # imported or not
        monkeypatch.setitem(sys.modules, name, None)  # type: ignore[arg-type]
    with snowreg.patch(database="DB", schema="S") as patched:
        conn = patched.connect()
        with pytest.raises(snowreg.ProgrammingError):  # no connector: snowreg's own errors
            conn.cursor().execute("SELECT * FROM NOPE")


# ---------------------------------------------------------------------------------------------
# The pytest plugin's fixtures (registered through the `pytest11` entry point)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("run", [1, 2])
def test_fixtures_are_isolated(snowreg_cursor: Any, run: int) -> None:
    snowreg_cursor.execute("CREATE TABLE T (A INT)")  # would fail in run 2 if state leaked
    assert snowreg_cursor.execute("SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()").fetchall() == [
        ("TEST_DB", "PUBLIC")]


def test_registry_fixture(snowreg_registry: Any) -> None:
    assert snowreg_registry.location == "TEST_DB.PUBLIC"
    assert snowreg_registry.models() == []


def test_patch_fixture(snowreg_patch: Any, connector: Any) -> None:
    conn = snowreg_patch.connect()
    assert conn.database == "TEST_DB"
    assert conn.cursor().execute("SELECT 1").fetchall() == [(1,)]


def test_session_patch_fixture_is_shared(snowreg_session_patch: Any) -> None:
    cur = snowreg_session_patch.connect().cursor()
    cur.execute("CREATE TABLE IF NOT EXISTS SHARED (A INT)")
    cur.execute("INSERT INTO SHARED VALUES (1)")
    assert cur.execute("SELECT COUNT(*) >= 1 FROM SHARED").fetchall() == [(True,)]
