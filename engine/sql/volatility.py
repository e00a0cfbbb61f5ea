"""What a query's answer can depend on, read from its parsed tree: volatile functions, kinds of row sources."""

from __future__ import annotations

from sqlglot import exp

# Functions evaluated at execution time, and row sampling: a query with one is never reused. Neither is
# one calling a function sqlglot does not know as a built-in (exp.Anonymous: RESULT_SCAN, GETVARIABLE,
# anything a later version may add), nor one reading a table function but FLATTEN and
# INFORMATION_SCHEMA.TAG_REFERENCES.
_VOLATILE: tuple[type[exp.Expr], ...] = (
    exp.CurrentDate, exp.CurrentDatetime, exp.CurrentTime, exp.CurrentTimestamp, exp.CurrentTimestampLTZ,
    exp.Localtime, exp.Localtimestamp, exp.Systimestamp, exp.UtcTime, exp.UtcTimestamp,
    exp.Rand, exp.Randn, exp.Randstr, exp.Normal, exp.Uniform, exp.Zipf, exp.Seq1, exp.Seq2, exp.Seq4,
    exp.Seq8, exp.Uuid, exp.NextValueFor, exp.CurrentSession, exp.CurrentTransaction, exp.CurrentClient,
    exp.CurrentIpAddress, exp.Anonymous, exp.TableSample, exp.Unnest,
)


def deterministic(tree: exp.Expr) -> bool:
    """Is `tree` (a statement as parsed, before any rewrite) a query whose answer depends only on what it
    reads and the session's context?"""
    if not isinstance(tree, exp.Query):
        return False
    allowed: set[int] = set()  # the TAG_REFERENCES calls of INFORMATION_SCHEMA (no user function)
    for node in tree.walk():
        kind = _KINDS.get(type(node))
        if kind is None:
            kind = _KINDS[type(node)] = _kind(type(node))
        if kind == "table function":
            if isinstance(node.this, exp.Explode):
                continue
            if not _tag_references(node.this):
                return False
            allowed.add(id(node.this.expression))
        elif kind == "volatile" and id(node) not in allowed:
            return False
        elif kind == "column" and node.name.upper() == "NEXTVAL" and node.args.get("table"):  # seq.NEXTVAL
            return False
    return True


_KINDS: dict[type[exp.Expr], str] = {}  # node class → what it is here (isinstance once per class: fast walks)


def _kind(cls: type[exp.Expr]) -> str:
    if issubclass(cls, exp.TableFromRows | exp.Lateral):
        return "table function"
    if issubclass(cls, exp.Column):
        return "column"
    return "volatile" if issubclass(cls, _VOLATILE) else ""


def _tag_references(call: exp.Expr) -> bool:
    """`[db.]INFORMATION_SCHEMA.TAG_REFERENCES(…)`."""
    if not isinstance(call, exp.Dot) or not isinstance(call.expression, exp.Anonymous) \
            or call.expression.name.upper() != "TAG_REFERENCES":
        return False
    schema = call.this.expression if isinstance(call.this, exp.Dot) else call.this
    return isinstance(schema, exp.Identifier) and schema.name.upper() == "INFORMATION_SCHEMA"


# Row sources whose columns' types the engine cannot look up in the catalog before running the query.
_OTHER_SOURCES = (exp.CTE, exp.Subquery, exp.Values, exp.TableFromRows, exp.Lateral, exp.Unnest, exp.Explode,
                  exp.SetOperation, exp.Pivot)


def reads_only_tables(tree: exp.Expr) -> bool:
    """Does the query (as parsed) take its rows only from named tables or views outside INFORMATION_SCHEMA,
    so that every column it names is one of theirs (engine/sql/run.py drops needless VARIANT sort keys)?"""
    if not isinstance(tree, exp.Select):
        return False
    for node in tree.walk():
        if isinstance(node, _OTHER_SOURCES):
            return False
        if isinstance(node, exp.Table) and (not isinstance(node.this, exp.Identifier)
                                            or node.db.upper() == "INFORMATION_SCHEMA"):
            return False
        if isinstance(node, exp.Star) and node.args.get("replace"):  # `* REPLACE (expr AS col)`
            return False
    return True
