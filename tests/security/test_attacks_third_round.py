"""Attacks on the trust boundary, third round (DECISIONS.md J50-J69): the surfaces added since the second
round (loading and unloading through stages, file formats, MATCH_RECOGNIZE, in-line Python functions, session
parameters read by SQL, schema clones, the REPL's completion, the server's logins), tried as ALICE (role
ANALYST) against what ADMIN keeps from her.

ADMIN owns ML.DEV.SECRET (42), a stage HST holding a file, a sequence HSEQ and a Python function PYF; ANALYST
may read ML.DEV.OPEN and the stage RST, owns the schema ML.MINE and may create schemas in ML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

Pair = tuple[Connection, Connection]

SETUP = [
    "CREATE TABLE ML.DEV.SECRET (x INT)", "INSERT INTO ML.DEV.SECRET VALUES (42)",
    "CREATE TABLE ML.DEV.OPEN (x INT)", "INSERT INTO ML.DEV.OPEN VALUES (1)",
    "CREATE STAGE ML.DEV.HST", "CREATE STAGE ML.DEV.RST", "CREATE SEQUENCE ML.DEV.HSEQ START = 4242",
    "COPY INTO @ML.DEV.HST/secret FROM ML.DEV.SECRET", "CREATE FILE FORMAT ML.DEV.CSVF TYPE = CSV",
    "CREATE FUNCTION ML.DEV.PYF(a NUMBER) RETURNS NUMBER LANGUAGE PYTHON RUNTIME_VERSION = '3.11' HANDLER = 'f' "
    "AS $$\ndef f(a):\n    return a + 4242\n$$",
    "CREATE SCHEMA ML.MINE", "USE SCHEMA ML.DEV",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT SELECT ON TABLE ML.DEV.OPEN TO ROLE ANALYST", "GRANT READ ON STAGE ML.DEV.RST TO ROLE ANALYST",
    "GRANT OWNERSHIP ON SCHEMA ML.MINE TO ROLE ANALYST", "GRANT CREATE SCHEMA ON DATABASE ML TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE", "CREATE USER HIDDEN_USER",
]


_CLAUSE = "MATCH_RECOGNIZE (ORDER BY x MEASURES COUNT(*) AS n PATTERN (a+) DEFINE a AS {})"

# Tried this round and refused already (kept refused): each fails, tells nothing of 42 / 4242, changes nothing
REFUSED = [
    # staged files of a stage ALICE holds nothing on, a table's stage she does not own, paths out of a stage
    "SELECT $1 FROM @HST", "SELECT $1 FROM '@HST/secret'", "SELECT * FROM OPEN, @HST", "SELECT $1 FROM @RST/../HST",
    "SELECT * FROM TABLE(INFER_SCHEMA(LOCATION => '@HST', FILE_FORMAT => 'CSVF'))", "COPY INTO OPEN FROM @HST",
    "COPY INTO @~ FROM SECRET", "COPY INTO @~/x FROM (SELECT * FROM SECRET)", "COPY INTO @%SECRET FROM OPEN",
    "LIST @%SECRET", "LIST @\"%SECRET\"", "COPY INTO '@~/../x' FROM OPEN", "COPY INTO @~/a/./b FROM OPEN",
    "CREATE TABLE ML.MINE.C AS SELECT $1 AS a FROM @HST", "EXECUTE IMMEDIATE 'SELECT $1 FROM @HST'",
    "INSERT INTO ML.MINE.NOPE SELECT $1 FROM @HST", "SELECT $1 FROM @~ t, @HST u",
    # MATCH_RECOGNIZE over, or with a DEFINE reading, what ALICE cannot read or call
    "SELECT * FROM SECRET " + _CLAUSE.format("x > 0"), "SELECT * FROM OPEN " + _CLAUSE.format("PYF(x) > 0"),
    "SELECT * FROM OPEN " + _CLAUSE.format("x < (SELECT MAX(x) FROM SECRET)"),
    "SELECT * FROM OPEN " + _CLAUSE.format("getvariable('snowreg_role') = 'x'"),
    "WITH q AS (SELECT * FROM SECRET) SELECT * FROM OPEN " + _CLAUSE.format("x > 0"),
    # DuckDB's variables and sequence functions
    "SELECT GETVARIABLE('snowreg_week_start')", "SET VARIABLE snowreg_role = 'ACCOUNTADMIN'",
    "RESET VARIABLE snowreg_role", "SELECT nextval('\"ML\".\"DEV\".\"HSEQ\"')", "SELECT currval('ML.DEV.HSEQ')",
    "SELECT HSEQ.NEXTVAL", "CREATE TABLE ML.MINE.D (a INT DEFAULT ML.DEV.HSEQ.NEXTVAL)",
    # another role's Python function without USAGE, by any road
    "SELECT PYF(1)", "SELECT * FROM TABLE(PYF(1))", "DESCRIBE FUNCTION PYF(NUMBER)", "SELECT \"__snowreg_py_1\"(1)",
    "SELECT GET_DDL('FUNCTION', 'PYF(NUMBER)')", "CREATE VIEW ML.MINE.V AS SELECT ML.DEV.PYF(1) AS y",
    "CREATE FUNCTION ML.MINE.G(a NUMBER) RETURNS NUMBER AS 'ML.DEV.PYF(a)'",
    # copies, moves and grants of what ALICE holds nothing on
    "CREATE TABLE ML.MINE.C CLONE SECRET", "CREATE SEQUENCE ML.MINE.S CLONE HSEQ", "CREATE TABLE ML.MINE.L LIKE SECRET",
    "ALTER TABLE OPEN RENAME TO ML.MINE.OPEN2", "ALTER SEQUENCE HSEQ RENAME TO ML.MINE.HSEQ",
    "GRANT SELECT ON FUTURE TABLES IN SCHEMA ML.DEV TO ROLE ANALYST", "GRANT READ ON STAGE HST TO ROLE ANALYST",
    "GRANT SELECT ON FUTURE TABLES IN SCHEMA ML.MINE TO ROLE ANALYST", "GRANT SELECT ON TABLE SECRET TO SHARE S1",
    "GRANT USAGE ON FUNCTION PYF(NUMBER) TO ROLE ANALYST",
]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def refused(conn: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        run(conn, sql)
    return info.value


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[Pair]]) -> Iterator[Pair]:
    yield from pair_of(SETUP)


@pytest.fixture(scope="module")
def kept(pair_of: Callable[..., Iterator[Pair]]) -> Iterator[Pair]:
    yield from pair_of(SETUP)


@pytest.mark.parametrize("sql", REFUSED)
def test_refused(kept: Pair, sql: str) -> None:
    admin, alice = kept
    error = refused(alice, sql)
    shown = str(error)
    for state in ("42S02", "42501", "42000", "42601", "42710", "42P13"):
        shown = shown.replace(state, "")
    assert "42" not in shown
    assert run(admin, "SELECT x FROM ML.DEV.SECRET") == [(42,)]
    assert [r[0] for r in run(admin, "LIST @ML.DEV.HST")] == ["hst/secret_0_0_0.csv.gz"]


# -- J50: a schema clone copies no sequence the role holds nothing on ---------------------------------


def test_a_schema_clone_does_not_copy_a_hidden_sequence(pair: Pair) -> None:
    """CREATE SCHEMA … CLONE copied every sequence of the source: ALICE, who may use the schema and create
    schemas, got a sequence she holds nothing on (its name, its next value) and owned the copy."""
    admin, alice = pair
    run(admin, "CREATE SCHEMA ML.PLAIN")
    run(admin, "CREATE SEQUENCE ML.PLAIN.PSEQ START = 4242")
    run(admin, "GRANT USAGE ON SCHEMA ML.PLAIN TO ROLE ANALYST")
    error = refused(alice, "CREATE SCHEMA ML.COPY CLONE ML.PLAIN")
    assert error.errno == 2 and "sequence the role cannot see" in str(error)
    assert "4242" not in str(error) and "PSEQ" not in str(error)
    assert [r[1] for r in run(admin, "SHOW SCHEMAS IN DATABASE ML")].count("COPY") == 0


def test_a_cloned_sequence_keeps_its_owner_and_grants(pair: Pair) -> None:
    """https://docs.snowflake.com/en/user-guide/object-clone: the clones of child objects inherit every grant
    on them; a role holding USAGE on a sequence does not come to own its clone."""
    admin, alice = pair
    run(admin, "CREATE SCHEMA ML.PLAIN")
    run(admin, "CREATE SEQUENCE ML.PLAIN.PSEQ START = 7")
    run(admin, "GRANT USAGE ON SCHEMA ML.PLAIN TO ROLE ANALYST")
    run(admin, "GRANT USAGE ON SEQUENCE ML.PLAIN.PSEQ TO ROLE ANALYST")
    run(alice, "CREATE SCHEMA ML.COPY CLONE ML.PLAIN")
    assert [(r[1], r[6]) for r in run(alice, "SHOW SEQUENCES IN SCHEMA ML.COPY")] == [("PSEQ", "ACCOUNTADMIN")]
    assert run(alice, "SELECT ML.COPY.PSEQ.NEXTVAL") == [(7,)]
    assert refused(alice, "DROP SEQUENCE ML.COPY.PSEQ").errno == 3001


# -- J51: the REPL completes only the users SHOW USERS lists ------------------------------------------


def test_repl_completion_offers_no_user_show_users_hides(pair: Pair) -> None:
    from snowreg.repl_objects import Objects

    admin, alice = pair
    shown = [r[0] for r in run(alice, "SHOW USERS")]
    assert Objects(alice).users() == shown == ["ALICE"]
    assert "HIDDEN_USER" in Objects(admin).users()


# -- J52: UNDROP SCHEMA / DATABASE of a name a hidden one holds --------------------------------------


def test_undrop_of_a_hidden_schema_or_database_answers_as_for_a_missing_one(pair: Pair) -> None:
    """002002 `Object 'H' already exists.` told ALICE which schemas and databases she cannot see exist (a free
    name answers 002003); a role that sees the one of that name still gets 002002."""
    admin, alice = pair
    run(admin, "CREATE SCHEMA ML.HIDDEN_S")
    run(admin, "CREATE DATABASE HIDDEN_DB")
    for hidden, missing, kind in (("ML.HIDDEN_S", "ML.FREE_S", "Schema"), ("HIDDEN_DB", "FREE_DB", "Database")):
        verb = f"UNDROP {kind.upper()}"
        told, free = refused(alice, f"{verb} {hidden}"), refused(alice, f"{verb} {missing}")
        assert (told.errno, free.errno) == (2003, 2003)
        assert str(told).replace(hidden, "?") == str(free).replace(missing, "?")
        assert refused(admin, f"{verb} {hidden}").errno == 2002
    run(admin, "GRANT USAGE ON SCHEMA ML.HIDDEN_S TO ROLE ANALYST")
    assert refused(alice, "UNDROP SCHEMA ML.HIDDEN_S").errno == 2002


# -- J53: SHOW FILE FORMATS IN a schema or database the role cannot see ------------------------------


@pytest.mark.parametrize("scope", ["SCHEMA ML.HIDDEN_S", "SCHEMA ML.FREE_S", "DATABASE HIDDEN_DB", "DATABASE FREE_DB"])
def test_show_file_formats_in_an_unseen_container_does_not_exist(pair: Pair, scope: str) -> None:
    """As SHOW TABLES / SEQUENCES / … IN it: 002003 (it listed nothing, where the other SHOW commands refuse)."""
    admin, alice = pair
    run(admin, "CREATE SCHEMA ML.HIDDEN_S")
    run(admin, "CREATE DATABASE HIDDEN_DB")
    run(admin, "USE SCHEMA ML.DEV")
    assert refused(alice, f"SHOW FILE FORMATS IN {scope}").errno == 2003
    assert [r[1] for r in run(alice, "SHOW FILE FORMATS IN SCHEMA ML.DEV")] == ["CSVF"]


# -- J54: a backtracking MATCH_RECOGNIZE pattern cannot hold the shared process -----------------------

_EXPONENTIAL = ("SELECT * FROM (SELECT SEQ4() AS o FROM TABLE(GENERATOR(ROWCOUNT => 40))) MATCH_RECOGNIZE (ORDER BY o "
                "MEASURES COUNT(*) AS n PATTERN ((a | a)* b) DEFINE a AS o >= 0, b AS o < 0)")


def test_a_backtracking_pattern_stops_at_the_statement_timeout(pair: Pair) -> None:
    """Matching runs in snowreg's Python, which STATEMENT_TIMEOUT_IN_SECONDS (it interrupted DuckDB only) and
    cancels did not reach: 40 rows of `(a | a)* b` take 2^40 steps, and held the process shared by every
    session until they were done. Needs no table: a generator is enough."""
    _, alice = pair
    run(alice, "ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 1")
    assert refused(alice, _EXPONENTIAL).errno == 630
    assert run(alice, "SELECT 1") == [(1,)]


def test_a_backtracking_pattern_past_the_step_limit_is_refused(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    from snowreg.engine.sql import match_recognize

    _, alice = pair
    monkeypatch.setattr(match_recognize, "MAX_STEPS", 100_000)
    error = refused(alice, _EXPONENTIAL)
    assert error.errno == 2 and "steps of backtracking" in str(error)


def test_a_cancel_stops_a_backtracking_pattern(pair: Pair) -> None:
    import threading

    from snowreg.engine import boundary

    _, alice = pair
    session = alice.session
    started = threading.Event()

    def cancel_when_running() -> None:
        started.wait()
        while not boundary._running.get(session.id):  # noqa: SLF001 - the running statement's registry
            threading.Event().wait(0.01)
        boundary.cancel(session)

    threading.Thread(target=cancel_when_running, daemon=True).start()
    started.set()
    assert refused(alice, _EXPONENTIAL).errno == 604
    assert run(alice, "SELECT 1") == [(1,)]


# -- J55: a Snowflake Scripting loop that runs no SQL stops at the statement timeout -------------------


@pytest.mark.parametrize("body", [
    "DECLARE i INT DEFAULT 0; BEGIN LOOP i := i + 1; END LOOP; END",
    "DECLARE i INT DEFAULT 0; BEGIN WHILE (TRUE) DO i := i + 1; END WHILE; END",
    "DECLARE i INT DEFAULT 0; BEGIN REPEAT i := i + 1; UNTIL (FALSE) END REPEAT; END",
])
def test_an_endless_loop_stops_at_the_statement_timeout(pair: Pair, body: str) -> None:
    """The loop's assignments never reached DuckDB, which alone the timeout interrupted: any role, holding
    nothing, held the process for good (a cancel did not stop it either)."""
    _, alice = pair
    run(alice, "ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 1")
    assert refused(alice, f"EXECUTE IMMEDIATE $${body}$$").errno == 630
    run(alice, f"CREATE PROCEDURE ML.MINE.SPIN() RETURNS INT LANGUAGE SQL AS $${body}$$")
    assert refused(alice, "CALL ML.MINE.SPIN()").errno == 630
    assert run(alice, "SELECT 1") == [(1,)]


# -- J56: CREATE FILE FORMAT over a name a hidden format holds ----------------------------------------


@pytest.mark.parametrize("form", ["CREATE FILE FORMAT {}", "CREATE FILE FORMAT IF NOT EXISTS {}",
                                  "CREATE OR REPLACE FILE FORMAT {}"])
def test_create_file_format_answers_a_hidden_name_as_a_free_one(pair: Pair, form: str) -> None:
    """As J23 for the other kinds: `Object 'HF' already exists.` (or IF NOT EXISTS' success) for a format
    in a schema ALICE cannot use, where a free name there answers 002003, told her both exist."""
    admin, alice = pair
    run(admin, "CREATE SCHEMA ML.HIDDEN_S")
    run(admin, "CREATE FILE FORMAT ML.HIDDEN_S.HF TYPE = CSV COMMENT = 'kept'")
    told = refused(alice, form.format("ML.HIDDEN_S.HF") + " TYPE = CSV")
    free = refused(alice, form.format("ML.HIDDEN_S.FREE") + " TYPE = CSV")
    assert (told.errno, str(told)) == (free.errno, str(free)) == (2003, str(free))
    assert [(r[1], r[6]) for r in run(admin, "SHOW FILE FORMATS IN SCHEMA ML.HIDDEN_S")] == [("HF", "kept")]


def test_create_file_format_checks_the_privilege_before_telling(pair: Pair) -> None:
    """The check changes nothing for a role that may create: her own schema still tells her of her own
    formats, and where she may not create, a free name is 003001."""
    _, alice = pair
    run(alice, "CREATE FILE FORMAT ML.MINE.MF TYPE = CSV")
    assert refused(alice, "CREATE FILE FORMAT ML.MINE.MF TYPE = CSV").errno == 2002
    run(alice, "CREATE FILE FORMAT IF NOT EXISTS ML.MINE.MF TYPE = CSV")
    assert refused(alice, "CREATE FILE FORMAT ML.DEV.FREE TYPE = CSV").errno == 3001


# -- J61: SHOW … LIKE patterns cannot freeze the process ----------------------------------------------


@pytest.mark.parametrize("sql", ["SHOW PARAMETERS LIKE '{}'", "SHOW ROLES LIKE '{}'", "SHOW TABLES LIKE '{}' IN ACCOUNT"])
def test_a_like_pattern_of_many_wildcards_answers_at_once(pair: Pair, sql: str) -> None:
    """SHOW … LIKE became a Python regular expression (`.*` per `%`), which backtracks: forty `%` before a
    character no name has took Python's `re` past any bound over each name, holding the interpreter's lock, so
    every session of the process stopped (no privilege needed: SHOW PARAMETERS and SHOW ROLES are anyone's).
    Now the pattern is matched by a greedy walk; the statement's own timeout would not have helped."""
    _, alice = pair
    run(alice, "CREATE TABLE ML.MINE." + "A" * 200 + " (x INT)")
    assert run(alice, sql.format("%" * 20 + "_%" * 20 + "!")) == []
    assert run(alice, sql.format("%_%_%")) != []


@pytest.mark.parametrize(("pattern", "name", "matched"), [
    ("ML%", "ml_dev", True), ("ML\\_%", "ML_X", True), ("ML\\_%", "MLAX", False), ("%%", "", True),
    ("_", "", False), ("a%b%c", "AxxBxxC", True), ("a%b%c", "AxxBxx", False), ("%\\%%", "50%", True),
])
def test_like_keeps_its_meaning(pattern: str, name: str, matched: bool) -> None:
    from snowreg.grammar.text import like

    assert like(pattern, name) is matched


# -- J62: a staged location's argument list cannot freeze the process ---------------------------------


def test_an_unclosed_argument_list_after_a_stage_answers_at_once(pair: Pair) -> None:
    """Every statement naming `@` is looked at for staged locations (FROM @s ( PATTERN => …, … )); the
    argument list's blanks read two ways per argument, so 40 arguments not closed by `)` took 2^40 steps of Python's
    `re`, holding the interpreter's lock for every session, before any privilege was checked."""
    _, alice = pair
    refused(alice, "SELECT $1 FROM @RST (" + "PATTERN => x " * 40 + "y)")  # the grammar lets it through
    assert run(alice, "SELECT $1 FROM @RST ( PATTERN => '.*' , FILE_FORMAT => 'CSVF' ) t") == []
    assert run(alice, "SELECT $1 FROM @RST (PATTERN => '.*' FILE_FORMAT => 'CSVF',)") == []
