"""Grammar: golden statements round-trip through render, syntax errors, AST shapes, never-crash properties."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snowreg.errors import ProgrammingError
from snowreg.grammar import ast, parse, render
from snowreg.grammar.parse import build_parser
from snowreg.grammar.render import RESERVED

GOLDEN = Path(__file__).parent / "golden"


def _golden_statements() -> list[str]:
    lines = (GOLDEN / "statements.sql").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("--")]


def _golden_errors() -> list[tuple[int, int, str, str]]:
    cases = []
    for raw in (GOLDEN / "syntax_errors.txt").read_text(encoding="utf-8").splitlines():
        if raw and not raw.startswith("#"):
            line, position, token, statement = raw.split("\t", 3)
            cases.append((int(line), int(position), token, statement.replace("\\n", "\n")))
    return cases


STATEMENTS = _golden_statements()


def one(sql: str) -> ast.Statement:
    statements = parse(sql)
    assert len(statements) == 1, statements
    return statements[0]


def q(name: ast.Name, schema: ast.Name | None = None, database: ast.Name | None = None) -> ast.QualifiedName:
    return ast.QualifiedName(name, schema, database)


def call(model: str, method: str, *args: str, version: ast.Name | None = None, explicit: bool = False
         ) -> ast.ModelCall:
    return ast.ModelCall(ast.ModelRef(q(model), version, explicit), method,
                         tuple(ast.Arg(ast.Template((x,))) for x in args))


# ---------------------------------------------------------------------------------------------
# The grammar itself
# ---------------------------------------------------------------------------------------------


def test_grammar_has_no_conflicts() -> None:
    pytest.importorskip("interegular", reason="Lark's strict mode needs lark[interegular]")
    build_parser(strict=True)


def test_reserved_covers_every_keyword_that_shares_a_state_with_a_name() -> None:
    """A keyword the parser accepts where a name may also stand must be quoted when it is a name."""
    parser = build_parser()
    terminals = {t.name: t for t in parser.terminals}
    table = parser.parser.parser.parser.parse_table  # type: ignore[attr-defined]
    ambiguous = set()
    for actions in table.states.values():
        if "WORD" in actions:
            for term in actions:
                pattern = terminals[term].pattern if term in terminals else None
                if pattern is not None and pattern.type == "str" and pattern.value.isidentifier():
                    ambiguous.add(pattern.value.upper())
    assert ambiguous <= RESERVED, ambiguous - RESERVED


def test_every_statement_class_has_a_golden_line() -> None:
    produced = {type(one(sql)) for sql in STATEMENTS}
    assert set(typing.get_args(ast.Statement)) - produced == set()


# ---------------------------------------------------------------------------------------------
# Golden files
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sql", STATEMENTS)
def test_golden_statement_renders_back_to_an_equal_ast(sql: str) -> None:
    stmt = one(sql)
    text = render(stmt)
    assert parse(text) == [stmt], text
    assert render(one(text)) == text  # canonical: rendering is a fixed point


@pytest.mark.parametrize(("line", "position", "token", "sql"), _golden_errors())
def test_golden_syntax_error(line: int, position: int, token: str, sql: str) -> None:
    with pytest.raises(ProgrammingError) as info:
        parse(sql)
    err = info.value
    assert (err.errno, err.sqlstate, err.line, err.column) == (1003, "42000", line, position)
    assert str(err) == (
        f"001003 (42000): SQL compilation error:\nsyntax error line {line} at position {position} "
        f"unexpected '{token}'."
    )
    source_line, caret = err.excerpt.split("\n")  # type: ignore[attr-defined]
    assert source_line == sql.split("\n")[line - 1]
    assert caret == " " * position + "^"


# ---------------------------------------------------------------------------------------------
# Lexical rules
# ---------------------------------------------------------------------------------------------


def test_identifiers_resolve_like_snowflake() -> None:
    assert one('DROP MODEL my$model') == ast.DropModel(q("MY$MODEL"))
    assert one('DROP MODEL "My ""odd"" model"') == ast.DropModel(q('My "odd" model'))
    assert one('DROP MODEL db."Sch".m') == ast.DropModel(q("M", "Sch", "DB"))


@pytest.mark.parametrize(
    ("literal", "value"),
    [("'it''s'", "it's"), ("'a\\'b'", "a'b"), ("'x\\ny'", "x\ny"), ("'\\\\'", "\\"), ("'\\x41\\u00e9'", "Aé"),
     ("$$it's \\n raw$$", "it's \\n raw"), ("$$multi\nline$$", "multi\nline")],
)
def test_string_literals(literal: str, value: str) -> None:
    assert one(f"COMMENT ON MODEL m IS {literal}") == ast.CommentOn("MODEL", q("M"), value)


def test_non_reserved_keywords_are_names() -> None:
    assert one("CREATE MODEL model WITH VERSION version FROM MODEL versions VERSION alias") == ast.CreateModel(
        q("MODEL"), ast.FromModel(q("VERSIONS"), "ALIAS"), "VERSION"
    )
    assert one("GRANT USAGE ON MODEL tag TO ROLE role") == ast.GrantPrivileges(
        ("USAGE",), ast.ObjectTarget("MODEL", q("TAG")), "ROLE"
    )
    assert one("SHOW FUNCTIONS IN MODEL functions VERSION first") == ast.ShowFunctions(q("FUNCTIONS"), "FIRST")
    assert one("ALTER MODEL comment VERSION metadata SET ALIAS = default") == ast.SetAlias(
        q("COMMENT"), "METADATA", "DEFAULT"
    )


def test_comments_semicolons_and_empty_statements() -> None:
    sql = "-- lead\n;; SELECT 1 /* a ; b */;;\n// c\nDROP MODEL m ; ;"
    first, second = parse(sql)
    assert first == ast.Query("SELECT", ast.Template(("SELECT 1",)))  # a trailing comment is outside
    assert second == ast.DropModel(q("M"))
    assert parse("") == parse(" ; -- nothing\n") == []


def test_spans() -> None:
    first, second = parse("SELECT 1;\n  DROP MODEL m")
    assert first.span == ast.Span(0, 8, 1, 0)
    assert second.span == ast.Span(12, 24, 2, 2)
    query = one("SELECT 1, m!p(a) FROM t")
    assert isinstance(query, ast.Query)
    model_call = query.body.parts[1]
    assert isinstance(model_call, ast.ModelCall)
    assert model_call.span == ast.Span(10, 16, 1, 10)


# ---------------------------------------------------------------------------------------------
# Registry statements
# ---------------------------------------------------------------------------------------------


def test_client_put_text() -> None:
    sql = (" PUT 'file:///tmp/x/MANIFEST.yml' '@DB.SCH.SNOWPARK_TEMP_STAGE_AB12/model'  parallel = 4 "
           "source_compression = 'AUTO_DETECT' auto_compress = False overwrite = False ")
    assert one(sql) == ast.Put(
        "file:///tmp/x/MANIFEST.yml",
        ast.StageRef("named", q("SNOWPARK_TEMP_STAGE_AB12", "SCH", "DB"), "model"),
        (("PARALLEL", "4"), ("SOURCE_COMPRESSION", "AUTO_DETECT"), ("AUTO_COMPRESS", "False"),
         ("OVERWRITE", "False")),
    )


@pytest.mark.parametrize(
    ("location", "ref"),
    [
        ("'snow://model/DB.\"sch\".M/versions/v1/model/'",
         ast.StageRef("model", q("M", "sch", "DB"), "model/", "v1")),
        ("'snow://model/my_model/versions/V3/'", ast.StageRef("model", q("MY_MODEL"), "", "V3")),
        ("@DB.\"sch\".S/a/b.txt", ast.StageRef("named", q("S", "sch", "DB"), "a/b.txt")),
        ("@~/staged", ast.StageRef("user", None, "staged")),
        ("@%tbl", ast.StageRef("table", q("TBL"))),
        ("'@s/with space/x'", ast.StageRef("named", q("S"), "with space/x")),
    ],
)
def test_stage_locations(location: str, ref: ast.StageRef) -> None:
    assert one(f"List {location}") == ast.ListFiles(ref)


def test_alter_model_forms() -> None:
    assert one("ALTER MODEL m SET DEFAULT_VERSION = 'v2'") == ast.AlterModelSet(
        q("M"), default_version=ast.IdentFromString("v2")
    )
    assert one("ALTER MODEL m MODIFY VERSION v1 SET COMMENT=$$x$$") == ast.ModifyVersion(q("M"), "V1", comment="x")
    assert one("ALTER MODEL m MODIFY VERSION v1 UNSET METADATA") == ast.ModifyVersion(
        q("M"), "V1", unset_metadata=True
    )
    assert one("ALTER MODEL m SET TAG db.s.t = $$v$$, t2 = 'w'") == ast.AlterModelSetTag(
        q("M"), ((q("T", "S", "DB"), "v"), (q("T2"), "w"))
    )


def test_identifier_function_names() -> None:
    stage = one("""CREATE TEMPORARY STAGE /* c */ identifier('"DB"."SCH"."ST"') FILE_FORMAT=(TYPE=PARQUET)""")
    assert stage == ast.CreateStage(
        q(ast.IdentFromString('"ST"'), ast.IdentFromString('"SCH"'), ast.IdentFromString('"DB"')),
        temporary=True, options=(("FILE_FORMAT", "(TYPE=PARQUET)"),),
    )
    assert one("USE SCHEMA IDENTIFIER($s)") == ast.Use("SCHEMA", q(ast.VarRef("S")))


def test_grants() -> None:
    assert one("GRANT ALL PRIVILEGES ON FUTURE MODELS IN SCHEMA d.s TO r WITH GRANT OPTION") == ast.GrantPrivileges(
        ("ALL",), ast.BulkTarget("FUTURE", "MODEL", "SCHEMA", q("S", "D")), "R", True
    )
    assert one("REVOKE GRANT OPTION FOR USAGE ON MODEL m FROM ROLE r CASCADE") == ast.RevokePrivileges(
        ("USAGE",), ast.ObjectTarget("MODEL", q("M")), "R", True, True
    )
    assert one("GRANT MANAGE GRANTS, APPLY TAG ON ACCOUNT TO ROLE r") == ast.GrantPrivileges(
        ("MANAGE GRANTS", "APPLY TAG"), ast.AccountTarget(), "R"
    )
    assert one("SHOW GRANTS") == ast.ShowGrants("CURRENT_USER")
    assert one("SHOW FUTURE GRANTS IN SCHEMA d.s") == ast.ShowGrants("FUTURE_IN", "SCHEMA", q("S", "D"))


def test_set_variables() -> None:
    assert one("SET (a, b) = (1, (SELECT 2, 3))") == ast.SetVariable(("A", "B"), ("1", "(SELECT 2, 3)"))


# ---------------------------------------------------------------------------------------------
# Queries and model calls
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "verb"),
    [("select 1", "SELECT"), ("(SELECT 1)", "SELECT"), ("WITH x AS (SELECT 1) SELECT * FROM x", "WITH"),
     ("Insert into t values (1)", "INSERT"), ("CREATE OR REPLACE TEMP TABLE t (a INT)", "CREATE TABLE"),
     ("CREATE SECURE MATERIALIZED VIEW v AS SELECT 1", "CREATE VIEW"), ("DROP FILE FORMAT ff", "DROP FILE FORMAT"),
     ("ALTER TABLE t ADD COLUMN c INT", "ALTER TABLE"), ("SHOW TERSE STREAMS", "SHOW STREAMS"), ("COMMIT", "COMMIT")],
)
def test_query_verbs_keep_the_text(sql: str, verb: str) -> None:
    assert one(sql + ";") == ast.Query(verb, ast.Template((sql,)))


def test_plain_table_functions_stay_text() -> None:
    for sql in ("SELECT * FROM TABLE(GENERATOR(ROWCOUNT => 10))", "SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))",
                "SELECT COLUMN_NAME, TYPE FROM table(infer_schema(location=>'@s', file_format=>'ff'))",
                "SELECT a != b, a!= b FROM t", "CREATE TABLE model (version INT)"):
        stmt = one(sql)
        assert isinstance(stmt, ast.Query) and stmt.body == ast.Template((sql,))


@pytest.mark.parametrize(
    ("callee", "ref"),
    [
        ("m", ast.ModelRef(q("M"))),
        ("db.s.m", ast.ModelRef(q("M", "S", "DB"))),
        ('"My Model"', ast.ModelRef(q("My Model"))),
        ("MODEL(m)", ast.ModelRef(q("M"), explicit=True)),
        ("MODEL(db.s.m, V1)", ast.ModelRef(q("M", "S", "DB"), "V1", explicit=True)),
        ("model (m , last)", ast.ModelRef(q("M"), "LAST", explicit=True)),
        ("MODEL(m, DEFAULT)", ast.ModelRef(q("M"), "DEFAULT", explicit=True)),
        ('MODEL(m, "v1")', ast.ModelRef(q("M"), "v1", explicit=True)),
        ("MODEL(m, IDENTIFIER($live))", ast.ModelRef(q("M"), ast.VarRef("LIVE"), explicit=True)),
        ("MODEL(m, IDENTIFIER('v2'))", ast.ModelRef(q("M"), ast.IdentFromString("v2"), explicit=True)),
    ],
)
def test_model_call_callees(callee: str, ref: ast.ModelRef) -> None:
    stmt = one(f"SELECT {callee}!predict(a) AS p FROM t")
    assert stmt == ast.Query("SELECT", ast.Template(
        ("SELECT ", ast.ModelCall(ref, "PREDICT", (ast.Arg(ast.Template(("a",))),)), " AS p FROM t")))


def test_model_call_arguments() -> None:
    stmt = one('SELECT m!"predict"(x => a + 1, "Y" => f(b, c)), n!p(m!q(a), (b)) FROM t')
    assert isinstance(stmt, ast.Query)
    first, second = stmt.body.parts[1], stmt.body.parts[3]
    assert first == ast.ModelCall(ast.ModelRef(q("M")), "predict", (
        ast.Arg(ast.Template(("a + 1",)), "X"), ast.Arg(ast.Template(("f(b, c)",)), "Y")))
    assert second == ast.ModelCall(ast.ModelRef(q("N")), "P", (
        ast.Arg(ast.Template((call("M", "Q", "a"),))), ast.Arg(ast.Template(("(b)",)))))


def test_table_call_with_partition_and_trailing_select_comma() -> None:
    sql = ("WITH SNOWPARK_ML_MODEL_INFERENCE_INPUT_X AS (SELECT A, B FROM T)\nSELECT *,\nFROM "
           "SNOWPARK_ML_MODEL_INFERENCE_INPUT_X,\n    TABLE(MODEL(DB.S.M,V1)!PREDICT_TABLE(A, B) OVER "
           "(PARTITION BY a.x, 1 ORDER BY b DESC))")
    stmt = one(sql)
    assert isinstance(stmt, ast.Query) and stmt.model_aliases == ()
    text, table = stmt.body.parts
    assert text == sql[: sql.index("TABLE(")]
    assert table == ast.TableCall(
        ast.ModelCall(ast.ModelRef(q("M", "S", "DB"), "V1", True), "PREDICT_TABLE",
                      (ast.Arg(ast.Template(("A",))), ast.Arg(ast.Template(("B",))))),
        (ast.Template(("a.x",)), ast.Template(("1",))), ast.Template(("b DESC",)),
    )
    assert table.span.start == sql.index("TABLE(") and table.span.line == 4 and table.span.column == 4


def test_table_call_without_over() -> None:
    stmt = one("SELECT * FROM t, TABLE(m!explain(a))")
    assert isinstance(stmt, ast.Query)
    assert stmt.body.parts[1] == ast.TableCall(call("M", "EXPLAIN", "a"))


def test_with_model_aliases_leave_the_body() -> None:
    stmt = one("WITH mv AS MODEL db.s.m VERSION v1, cte AS (SELECT m!p(1) AS x) SELECT mv!predict(x) FROM cte")
    assert stmt == ast.Query("WITH", ast.Template(
        ("WITH cte AS (SELECT ", call("M", "P", "1"), " AS x) SELECT ", call("MV", "PREDICT", "x"), " FROM cte")),
        (ast.ModelAlias("MV", q("M", "S", "DB"), "V1"),))
    only_models = one("with a as model m1, b as model m2 version identifier($v) select a!p(x) from t")
    assert only_models == ast.Query("WITH", ast.Template(("select ", call("A", "P", "x"), " from t")), (
        ast.ModelAlias("A", q("M1")), ast.ModelAlias("B", q("M2"), ast.VarRef("V"))))


def test_multiline_client_statements() -> None:
    assert one("SHOW SCHEMAS LIKE 'test'\nIN DATABASE TEMP;") == ast.ShowSchemas("test", "TEMP")
    packages = ("SELECT PACKAGE_NAME, VERSION\n            FROM information_schema.packages\n            WHERE "
                "(package_name = 'snowflake-ml-python')\n            AND language = 'python'\n            AND "
                "(runtime_version = '3.11' OR runtime_version is null);")
    assert one(packages) == ast.Query("SELECT", ast.Template((packages[:-1],)))
    tags = ("SELECT TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE\n"
            "FROM TABLE(DB.INFORMATION_SCHEMA.TAG_REFERENCES($$DB.\"s\".M$$, 'MODULE'))")
    assert one(tags) == ast.Query("SELECT", ast.Template((tags,)))


def test_set_expression_may_not_hold_a_model_call() -> None:
    with pytest.raises(ProgrammingError):
        parse("SET x = (SELECT m!p(1))")


# ---------------------------------------------------------------------------------------------
# Properties: nothing but our syntax error ever leaves parse()
# ---------------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(list("abcMODEL_x1 \n\t()[]{},;.:=<>!?$@%'\"-+*/~|#\\") + [
    "SELECT ", "FROM ", "MODEL(", "m!", "!=", "=>", "TABLE(", " OVER (PARTITION BY ", "$$", "--", "/*", "*/",
    "WITH ", " AS MODEL ", "VERSION ", "IDENTIFIER(", "'snow://model/", "@", "file://", "CREATE ", "ALTER ",
])


def _check(sql: str) -> None:
    try:
        statements = parse(sql)
    except ProgrammingError as err:
        assert err.errno == 1003 and err.line is not None and err.column is not None
        return
    for stmt in statements:
        assert parse(render(stmt)) == [stmt]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_random_text_only_raises_syntax_errors(sql: str) -> None:
    _check(sql)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(STATEMENTS), st.data())
def test_mutated_golden_statements_only_raise_syntax_errors(sql: str, data: st.DataObject) -> None:
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(sql)))
        kind = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = data.draw(_ALPHABET)
        end = at + data.draw(st.integers(1, 6)) if kind != "insert" else at
        sql = sql[:at] + ("" if kind == "delete" else piece) + sql[end:]
    _check(sql)
