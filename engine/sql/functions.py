"""The Snowflake functions snowreg implements: one entry per name, with its coercions and DuckDB rendering.

A call is looked up by the name its text spells (sqlglot folds several names into one node, and knows
DuckDB's own functions); a name missing from the table is refused: as not supported when Snowflake has a
function of that name (engine/sql/function_catalogue.py; NOT_EMULATED below says why for some), else as
Snowflake's `002140 Unknown function`, so user SQL cannot reach DuckDB-only functions (`read_csv`,
`query`, `glob`, snowreg's internal macros). Most entries need
nothing: sqlglot's Snowflake → DuckDB translation (and the VARIANT rewrites) already render them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from snowreg import errors
from snowreg.catalog.names import snowflake
from snowreg.engine.sql import (
    aggregates,
    arrays,
    binaries,
    context_calls,
    conversions,
    date_parts,
    dates,
    digests,
    function_catalogue,
    json_order,
    lambdas,
    numbers,
    numformat,
    phonetics,
    texts,
    urls,
    variant,
)
from snowreg.engine.sql.call_args import call_args as _args
from snowreg.grammar.text import place

Coercion = Literal["", "text", "number", "float"]
_T = exp.DataType.Type


@dataclass(frozen=True, slots=True)
class Function:
    """How one Snowflake function reaches DuckDB: implicit casts of its first argument, or a rewrite."""

    coerce: Coercion = ""
    rewrite: Callable[[exp.Expr], exp.Expr | None] | None = None  # None: keep the node as it is


PLAIN = Function()
TEXT = Function(coerce="text")
NUMBER = Function(coerce="number")
FLOAT = Function(coerce="float")

# Snowflake's version string (CURRENT_VERSION): a release number, never DuckDB's.
SNOWFLAKE_VERSION = "9.1.0"


def _version(node: exp.Expr) -> exp.Expr:
    return exp.Literal.string(SNOWFLAKE_VERSION)


_HAVERSINE = ("2 * 6371 * asin(sqrt(pow(sin((c - a) / 2), 2) + cos(a) * cos(c) * pow(sin((d - b) / 2), 2)))")


_SEEDED = "CAST(CAST(hash(seed, row_number() OVER ()) AS HUGEINT) - 9223372036854775808 AS BIGINT)"


def _random(node: exp.Expr) -> exp.Expr | None:
    """RANDOM(seed): the same seed gives the same values, row after row (a 64-bit hash of the seed and
    the row's number); RANDOM() is DuckDB's own random 64-bit value."""
    given = node.this if isinstance(node, exp.Rand) else next(iter(_args(node)), None)
    if not isinstance(given, exp.Expr):
        return None
    tree: exp.Expr = exp.maybe_parse(_SEEDED, dialect="duckdb")
    seed = next(c for c in tree.find_all(exp.Column) if c.name == "seed")
    seed.replace(given)
    return tree


def _haversine(node: exp.Expr) -> exp.Expr:
    """HAVERSINE(lat1, lon1, lat2, lon2): great-circle distance in km on a 6371 km sphere."""
    args = _args(node)
    if len(args) != 4:
        raise errors.wrong_arguments("HAVERSINE", 4, len(args))
    radians = {name: variant.fn("radians", exp.Cast(this=a, to=exp.DataType(this=_T.DOUBLE)))
               for name, a in zip("abcd", args, strict=True)}
    tree: exp.Expr = exp.maybe_parse(_HAVERSINE, dialect="duckdb")
    for column in list(tree.find_all(exp.Column)):
        column.replace(radians[column.name].copy())
    return tree


def _array_cat(node: exp.Expr) -> exp.Expr:
    """ARRAY_CAT(a, b) on VARIANT arrays: the elements of both, as one JSON array."""
    args = _args(node)
    if len(args) != 2:
        raise errors.wrong_arguments("ARRAY_CAT", 2, len(args))
    lists = [exp.Cast(this=variant.fn("to_json", a), to=exp.DataType.build("JSON[]")) for a in args]
    return variant.fn("to_json", variant.fn("list_concat", *lists))


def _array_construct_compact(node: exp.Expr) -> exp.Expr:
    """ARRAY_CONSTRUCT_COMPACT(…): the non-NULL arguments as a JSON array."""
    return variant.json_array_text([variant.variant_of(a) for a in _args(node)])


def _as_int(arg: exp.Expr) -> exp.Expr:
    return arg if _literal_integer(arg) else exp.Cast(this=arg, to=exp.DataType(this=_T.INT))


def _typeof(node: exp.Expr) -> exp.Expr:
    """TYPEOF(v): INTEGER, DECIMAL, DOUBLE, VARCHAR, BOOLEAN, ARRAY, OBJECT, NULL_VALUE, DATE, …"""
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("TYPEOF", 1, len(args))
    return dates.typeof_variant(args[0]) or variant.macro("snowreg_typeof", args[0])


def _strtok_to_array(node: exp.Expr) -> exp.Expr:
    """STRTOK_TO_ARRAY returns an ARRAY: a VARIANT (JSON text through the connector), not a list."""
    call = node.copy()
    texts.text_subjects(call)
    return variant.fn("to_json", call)


def _parse_json(node: exp.Expr) -> exp.Expr:
    """PARSE_JSON(text[, 's' | 'd']) / TRY_PARSE_JSON(text): the snowreg_parse_json macro, as a VARIANT."""
    name = "TRY_PARSE_JSON" if node.args.get("safe") else "PARSE_JSON"
    args = _args(node)
    if not 1 <= len(args) <= 2:
        raise errors.wrong_arguments(name, 1, len(args))
    parameter = args[1] if len(args) == 2 else exp.Literal.string("s")
    if not (isinstance(parameter, exp.Literal) and parameter.is_string and parameter.name.lower() in ("s", "d")):
        raise errors.not_supported(f"{name} with a parameter other than 's' or 'd'")
    strict = exp.Boolean(this=parameter.name.lower() == "s")
    text = args[0]
    if isinstance(text, exp.Literal | exp.Boolean) and not (isinstance(text, exp.Literal) and text.is_string):
        text = exp.Cast(this=text, to=exp.DataType(this=_T.VARCHAR))  # PARSE_JSON(0): the text '0'
    call = variant.macro("snowreg_parse_json", text, strict, exp.Boolean(this=name == "TRY_PARSE_JSON"))
    return json_order.ordered(exp.Cast(this=call, to=exp.DataType(this=_T.JSON)))  # keys in order (F108)


_INTEGER = re.compile(r"(\d+)(?:\.0*)?(?:[eE]\+?(\d+))?")


def _system_typeof(node: exp.Expr) -> exp.Expr:
    """SYSTEM$TYPEOF(<literal>): the type and storage of a constant in the forms the function's page shows
    (https://docs.snowflake.com/en/sql-reference/functions/system_typeof): `NULL[LOB]`, `NUMBER(5,0)[SB2]`
    for an integer (storage bytes: the smallest of 1, 2, 4, 8, 16 that holds it), `VARCHAR(9)[LOB]`.
    Anything else depends on types and storage snowreg does not keep: refused."""
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("SYSTEM$TYPEOF", 1, len(args))
    arg, sign = args[0], 1
    if isinstance(arg, exp.Neg):
        arg, sign = arg.this, -1
    if isinstance(arg, exp.Null):
        return exp.Literal.string("NULL[LOB]")
    parts = _args(arg) if isinstance(arg, (exp.Concat, exp.DPipe)) else [arg]
    if sign == 1 and all(isinstance(p, exp.Literal) and p.is_string for p in parts):
        return exp.Literal.string(f"VARCHAR({max(sum(len(p.name) for p in parts), 1)})[LOB]")
    m = _INTEGER.fullmatch(arg.this) if isinstance(arg, exp.Literal) and not arg.is_string else None
    if m is None:
        raise errors.not_supported("SYSTEM$TYPEOF of anything but a NULL, integer or string literal")
    value = sign * int(m.group(1)) * 10 ** int(m.group(2) or 0)
    size = next(b for b in (1, 2, 4, 8, 16) if -(2 ** (8 * b - 1)) <= value < 2 ** (8 * b - 1))
    return exp.Literal.string(f"NUMBER({len(str(abs(value)))},0)[SB{size}]")


def _months_between(node: exp.Expr) -> exp.Expr:
    """MONTHS_BETWEEN(d1, d2): engine.sql.dates' macro (sqlglot's rendering ignores the time of day)."""
    args = _args(node)
    if len(args) != 2:
        raise errors.wrong_arguments("MONTHS_BETWEEN", 2, len(args))
    return variant.macro("snowreg_months_between", *args)


def floor_ceil(node: exp.Floor | exp.Ceil) -> exp.Expr | None:
    """FLOOR / CEIL(x, <integer literal>): a NUMBER stays a NUMBER with that scale (at least 0), a FLOAT a
    FLOAT (https://docs.snowflake.com/en/sql-reference/functions/floor): x less its remainder modulo the
    unit 10^-scale, one unit further when the remainder points the other way, then rounded to the scale
    (DuckDB's ROUND with a constant scale gives the DECIMAL that scale)."""
    variant.numeric_args(node)
    args = _args(node)
    if len(args) != 2:
        return None
    x, given = args
    scale = -int(given.this.this) if isinstance(given, exp.Neg) and isinstance(given.this, exp.Literal) else (
        int(given.this) if isinstance(given, exp.Literal) and given.is_int else None)
    if scale is None:
        return None
    digits = min(scale, 18)  # a scale beyond an input's own has no effect (the page's usage notes)
    unit = exp.Literal.number(f"0.{'0' * (digits - 1)}1" if digits > 0 else str(10 ** -digits))
    rest = exp.Mod(this=x.copy(), expression=unit.copy())
    ceil = isinstance(node, exp.Ceil)
    beyond = exp.GT(this=rest.copy(), expression=exp.Literal.number(0)) if ceil else \
        exp.LT(this=rest.copy(), expression=exp.Literal.number(0))
    step = exp.Case(ifs=[exp.If(this=beyond, true=unit.copy())], default=exp.Literal.number(0))
    moved = exp.Sub(this=exp.Paren(this=exp.Sub(this=x.copy(), expression=rest)), expression=exp.Neg(this=step)) \
        if ceil else exp.Sub(this=exp.Paren(this=exp.Sub(this=x.copy(), expression=rest)), expression=step)
    return variant.fn("round", moved, exp.maybe_parse(_RESULT_SCALE.format(x=x.sql("duckdb"), s=max(digits, 0)),
                                                       dialect="duckdb"))


# The result's scale: the given one, but never more than a NUMBER input's own (typeof is a constant
# while DuckDB binds ROUND, so ROUND gives a DECIMAL of exactly that scale).
_RESULT_SCALE = ("CASE WHEN typeof({x}) IN ('DOUBLE', 'FLOAT') THEN {s} WHEN typeof({x}) LIKE 'DECIMAL(%' THEN "
                 "least({s}, CAST(split_part(split_part(typeof({x}), ',', 2), ')', 1) AS INTEGER)) ELSE 0 END")


def _cbrt(node: exp.Expr) -> exp.Expr:
    """CBRT: a perfect cube's root is exact (the CBRT page shows 3 for 27; DuckDB's is 3.0000000000000004)."""
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("CBRT", 1, len(args))
    root: exp.Expr = exp.maybe_parse("CASE WHEN power(round(cbrt(__x)), 3) = __x THEN round(cbrt(__x)) ELSE cbrt(__x) END",
                                     dialect="duckdb")
    value = exp.Cast(this=args[0], to=exp.DataType(this=_T.DOUBLE))
    for column in list(root.find_all(exp.Column)):
        column.replace(value.copy())
    return root


def _trunc(node: exp.Expr) -> exp.Expr | None:
    """TRUNC(x, scale) with a scale that is not a literal: DuckDB's TRUNC takes an INTEGER scale only."""
    args = _args(node)
    if len(args) != 2 or isinstance(args[1], exp.Literal) or isinstance(args[1], exp.Neg):
        return None
    args[1].replace(exp.Cast(this=args[1].copy(), to=exp.DataType(this=_T.INT)))
    return None


def _to_number(node: exp.Expr) -> exp.Expr | None:
    """TO_NUMBER / TO_DECIMAL / TO_NUMERIC (and TRY_) with a format model: engine.sql.numformat.parse."""
    given = node.args.get("format")
    if not isinstance(node, exp.ToNumber) or given is None:
        return None
    precision, scale = node.args.get("precision"), node.args.get("scale")
    if not (isinstance(given, exp.Literal) and given.is_string and isinstance(precision, exp.Literal)
            and precision.is_int and isinstance(scale, exp.Literal) and scale.is_int):
        raise errors.not_supported("TO_NUMBER with a format, precision or scale that is not a literal")
    return numformat.parse(node.this, given.this, int(precision.this), int(scale.this), bool(node.args.get("safe")))


def _to_double(node: exp.Expr) -> exp.Expr | None:
    """TO_DOUBLE / TRY_TO_DOUBLE(text, format): engine.sql.numformat's reading of the format, as a FLOAT."""
    given = node.args.get("format")
    if not isinstance(node, exp.ToDouble) or given is None:
        return None
    if not (isinstance(given, exp.Literal) and given.is_string):
        raise errors.not_supported("TO_DOUBLE with a format that is not a literal")
    return numformat.parse_as(node.this, given.this, exp.DataType(this=_T.DOUBLE), bool(node.args.get("safe")))


def _auto_format(node: exp.Expr) -> exp.Expr | None:
    """A format of 'AUTO' is the conversion without a format (https://docs.snowflake.com/en/sql-reference/functions/to_date:
    "If the format ... is AUTO, ... automatic format detection"); DuckDB would read it as a format."""
    given = node.args.get("format")
    if not (isinstance(given, exp.Literal) and given.is_string and given.this.upper() == "AUTO"):
        return None
    if isinstance(node, exp.StrToTime):
        to = node.args.get("target_type") or exp.DataType.build("TIMESTAMP")
        kind = exp.TryCast if node.args.get("safe") else exp.Cast
        return kind(this=node.this, to=to)
    node.set("format", None)
    return None


def _timestamp_call(name: str) -> Callable[[exp.Expr], exp.Expr | None]:
    """TO_TIMESTAMP_* / TO_DATE: engine.sql.conversions for numbers and values of unknown type, else
    'AUTO' formats dropped."""
    def rewrite(node: exp.Expr) -> exp.Expr | None:
        new = conversions.timestamp_call(name, node)
        if new is not None:
            return new
        return _auto_format(node)
    return rewrite


def _sha2(node: exp.Expr) -> exp.Expr:
    """SHA2 / SHA2_HEX(msg[, digest_size]): the hex digest of the text's UTF-8 bytes (engine.sql.digests)."""
    args = _args(node)
    if not 1 <= len(args) <= 2:
        raise errors.wrong_arguments("SHA2", 1, len(args))
    return digests.sha2("SHA2", texts.bytes_of(args[0]), args[1] if len(args) == 2 else None, binary=False)


def _text(arg: exp.Expr) -> exp.Expr:
    return arg if isinstance(arg, exp.Literal) and arg.is_string else exp.Cast(
        this=arg, to=exp.DataType(this=_T.VARCHAR))


def _time_call(node: exp.Expr) -> exp.Expr | None:
    """TO_TIME / TIME: a string of digits counts seconds (milli-, micro-, nanoseconds) from the epoch, its
    time of day (https://docs.snowflake.com/en/sql-reference/functions/to_time); TIME(…) is TO_TIME(…)."""
    args = conversions.arguments(node)
    if isinstance(node, exp.Time) and isinstance(node.args.get("zone"), exp.Expr):  # sqlglot's name for the format
        args.append(node.args["zone"])
    if len(args) == 1 and isinstance(args[0], exp.Literal) and args[0].is_string and args[0].this.strip().isdigit():
        moment = variant.macro("snowreg_to_ntz", exp.Literal.number(args[0].this.strip()),
                               exp.Boolean(this=False))
        return exp.Cast(this=moment, to=exp.DataType(this=_T.TIME))
    if len(args) == 1:  # without a format: a cast, so text in an AUTO time format is read (engine.sql.dates)
        kind = exp.TryCast if isinstance(node, exp.TryCast) or node.args.get("safe") else exp.Cast
        cast = kind(this=args[0], to=exp.DataType(this=_T.TIME))
        return dates.cast(cast) or cast
    if isinstance(node, exp.Time) and len(args) == 2:
        if not (isinstance(args[1], exp.Literal) and args[1].is_string):
            raise errors.not_supported("TIME with a format that is not a literal")
        call: exp.Expr = exp.maybe_parse(f"TO_TIME(__v, {args[1].sql(dialect='snowflake')})", dialect="snowflake")
        next(iter(call.find_all(exp.Column))).replace(args[0].copy())
        conversions.six_fraction_digits(call)
        return _auto_format(call) or call
    conversions.six_fraction_digits(node)
    return _auto_format(node)


def _width_bucket(node: exp.Expr) -> exp.Expr:
    """WIDTH_BUCKET(x, min, max, n) (https://docs.snowflake.com/en/sql-reference/functions/width_bucket): bucket 1..n
    of n equal-width buckets on [min, max); 0 below, n + 1 from max on."""
    args = _args(node)
    if len(args) != 4:
        raise errors.wrong_arguments("WIDTH_BUCKET", 4, len(args))
    x, low, high, count = (exp.Cast(this=a, to=exp.DataType(this=_T.DOUBLE)) for a in args)
    tree: exp.Expr = exp.maybe_parse(
        "CASE WHEN __x IS NULL OR __l IS NULL OR __h IS NULL OR __n IS NULL THEN NULL WHEN __x < __l THEN 0 "
        "WHEN __x >= __h THEN CAST(__n AS BIGINT) + 1 "
        "ELSE CAST(floor((__x - __l) * __n / (__h - __l)) AS BIGINT) + 1 END", dialect="duckdb")
    values = {"__x": x, "__l": low, "__h": high, "__n": count}
    for column in list(tree.find_all(exp.Column)):
        column.replace(values[column.name].copy())
    return tree


def cast_as(node: exp.Expr) -> exp.Expr | None:
    """CAST / TRY_CAST take `<expr> AS <type>`; sqlglot reads `CAST(x, 'type')` as another dialect's call
    (its node carries no name's place, so bind_call never sees it)."""
    raise errors.syntax_error_detail("CAST and TRY_CAST take '<expr> AS <data_type>'.")


_SPECIAL: dict[str, Function] = {
    "CURRENT_VERSION": Function(rewrite=_version),
    # https://docs.snowflake.com/en/sql-reference/functions/last_transaction (engine.transaction keeps it)
    "LAST_TRANSACTION": Function(rewrite=lambda node: variant.fn(
        "getvariable", exp.Literal.string("snowreg_last_transaction"))),
    "RANDOM": Function(rewrite=_random),
    "HAVERSINE": Function(rewrite=_haversine),
    "ARRAY_CAT": Function(rewrite=_array_cat),
    "ARRAY_CONSTRUCT_COMPACT": Function(rewrite=_array_construct_compact),
    "TYPEOF": Function(rewrite=_typeof),
    "STRTOK_TO_ARRAY": Function(rewrite=_strtok_to_array),
    **{name: Function(rewrite=_timestamp_call(name)) for name in conversions.TARGETS},
    **{name: Function(rewrite=_time_call) for name in ("TO_TIME", "TRY_TO_TIME", "TIME")},
    "PARSE_JSON": Function(rewrite=_parse_json),
    "TRY_PARSE_JSON": Function(rewrite=_parse_json),
    "SYSTEM$TYPEOF": Function(rewrite=_system_typeof),
    "LPAD": Function(coerce="text", rewrite=texts.pad),
    **{name: Function(coerce="" if name in ("POSITION", "CHARINDEX") else "text", rewrite=rewrite)
       for name, rewrite in binaries.REWRITES.items()},  # of BINARY arguments, in bytes
    "MONTHS_BETWEEN": Function(rewrite=_months_between),
    "CBRT": Function(rewrite=_cbrt),
    "WIDTH_BUCKET": Function(rewrite=_width_bucket),
    "GREATEST_IGNORE_NULLS": Function(rewrite=lambda node: variant.fn("greatest", *_args(node))),
    "LEAST_IGNORE_NULLS": Function(rewrite=lambda node: variant.fn("least", *_args(node))),
    **{name: Function(rewrite=_to_number) for name in ("TO_NUMBER", "TO_DECIMAL", "TO_NUMERIC", "TRY_TO_NUMBER",
                                                       "TRY_TO_DECIMAL", "TRY_TO_NUMERIC")},
    **{name: Function(rewrite=rewrite)
       for name, rewrite in (arrays.REWRITES | date_parts.REWRITES | aggregates.REWRITES | lambdas.REWRITES
                              | context_calls.REWRITES | phonetics.REWRITES | urls.REWRITES).items()},
    **{name: Function(rewrite=rewrite) for name, rewrite in texts.REWRITES.items()},
    "ROUND": Function(coerce="number", rewrite=numbers.round_mode),
    "EDITDISTANCE": Function(coerce="text", rewrite=texts.editdistance_bound),
    "REGEXP_INSTR": Function(rewrite=texts.regexp_instr_groups),
    "TO_DOUBLE": Function(rewrite=_to_double),
    "TRY_TO_DOUBLE": Function(rewrite=_to_double),
    "TRUNC": Function(rewrite=_trunc),
    "TRUNCATE": Function(rewrite=_trunc),

    "RPAD": Function(coerce="text", rewrite=texts.pad),
    "SHA2": Function(rewrite=_sha2),
    "SHA2_HEX": Function(rewrite=_sha2),
    "SHA1_HEX": Function(rewrite=lambda node: variant.fn("sha1", _text(_args(node)[0])) if len(_args(node)) == 1
                         else None),
}

_TEXT_FIRST = """ASCII BASE64_ENCODE CONTAINS EDITDISTANCE ENDSWITH INITCAP LEFT LEN LENGTH LOWER
    LPAD LTRIM MD5 MD5_HEX REPEAT REPLACE REVERSE RIGHT RPAD RTRIM RTRIMMED_LENGTH SHA1 SHA2 SPLIT SPLIT_PART
    STARTSWITH STRTOK SUBSTR SUBSTRING TRANSLATE TRIM UPPER UNICODE"""
# Functions of FLOAT arguments (their pages: "The data type must be FLOAT"): every argument is made a FLOAT,
# so a VARCHAR, a VARIANT or a NUMBER column is read as Snowflake coerces it.
_FLOAT_ARGS = """ACOS ASIN ATAN ATAN2 COS COT DEGREES EXP LN LOG POW POWER RADIANS SIN SQUARE TAN SINH COSH TANH ASINH
    ACOSH ATANH SQRT"""
_NUMBER_FIRST = """ABS AVG CEIL CEILING FLOOR ROUND SIGN SUM"""
_PLAIN = """SYS_CONNECT_BY_PATH DIV0 DIV0NULL MOD PI FACTORIAL GREATEST LEAST UNIFORM UUID_STRING TRY_TO_BINARY CHR CHAR CONCAT
    CONCAT_WS ILIKE INSERT POSITION CHARINDEX REGEXP_COUNT REGEXP_INSTR REGEXP_LIKE REGEXP_REPLACE RLIKE LIKE
    SPACE COLLATE TO_CHAR TO_VARCHAR TO_NUMBER TO_DECIMAL TO_NUMERIC TO_DOUBLE TO_BOOLEAN TO_TIME TO_TIMESTAMP
    TO_TIMESTAMP_NTZ TO_TIMESTAMP_LTZ TO_TIMESTAMP_TZ TRY_CAST CAST TRY_TO_NUMBER TRY_TO_DECIMAL TRY_TO_NUMERIC
    TRY_TO_DOUBLE TRY_TO_BOOLEAN TRY_TO_DATE TRY_TO_TIMESTAMP TRY_TO_TIME CURRENT_DATE CURRENT_TIMESTAMP
    CURRENT_TIME LOCALTIMESTAMP LOCALTIME SYSDATE GETDATE DATEADD TIMEADD TIMESTAMPADD DATEDIFF TIMEDIFF
    TIMESTAMPDIFF DATE_TRUNC DATE_PART EXTRACT YEAR QUARTER MONTH WEEK WEEKOFYEAR WEEKISO YEAROFWEEK DAY
    DAYOFMONTH DAYOFWEEK DAYOFWEEKISO DAYOFYEAR HOUR MINUTE SECOND LAST_DAY DAYNAME MONTHNAME ADD_MONTHS
    NEXT_DAY PREVIOUS_DAY DATE_FROM_PARTS DATEFROMPARTS TIME_FROM_PARTS TIMEFROMPARTS REGEXP TIMESTAMP_FROM_PARTS
    TIMESTAMP_NTZ_FROM_PARTS
    CONVERT_TIMEZONE COALESCE NVL NVL2 IFNULL NULLIF NULLIFZERO ZEROIFNULL IFF DECODE EQUAL_NULL BOOLAND BOOLOR
    BOOLXOR BOOLNOT IS_NULL_VALUE BITAND BITOR BITXOR BITNOT BITSHIFTLEFT BITSHIFTRIGHT COUNT COUNT_IF MIN MAX
    MODE STDDEV STDDEV_POP STDDEV_SAMP VARIANCE VAR_POP VAR_SAMP VARIANCE_POP VARIANCE_SAMP CORR COVAR_POP
    COVAR_SAMP LISTAGG ARRAY_AGG ARRAYAGG OBJECT_AGG ANY_VALUE APPROX_COUNT_DISTINCT RATIO_TO_REPORT BOOLAND_AGG
    BOOLOR_AGG BITAND_AGG BITOR_AGG BITXOR_AGG MIN_BY MAX_BY KURTOSIS SKEW REGR_SLOPE REGR_INTERCEPT REGR_R2 REGR_COUNT REGR_AVGX REGR_AVGY REGR_SXX
    REGR_SXY REGR_SYY REGR_VALX REGR_VALY PERCENTILE_CONT PERCENTILE_DISC
    APPROX_PERCENTILE ROW_NUMBER RANK DENSE_RANK PERCENT_RANK CUME_DIST NTILE LAG LEAD FIRST_VALUE LAST_VALUE
    NTH_VALUE TO_JSON TO_VARIANT TO_ARRAY OBJECT_CONSTRUCT OBJECT_CONSTRUCT_KEEP_NULL OBJECT_KEYS
    ARRAY_CONSTRUCT ARRAY_SIZE ARRAY_CONTAINS ARRAY_TO_STRING GET GET_PATH JSON_EXTRACT_PATH_TEXT IS_ARRAY
    CHECK_JSON STRIP_NULL_VALUE CURRENT_ROLE CURRENT_USER CURRENT_DATABASE CURRENT_SCHEMA CURRENT_WAREHOUSE
    CURRENT_SESSION SEQ1 SEQ2 SEQ4 SEQ8 NORMAL TO_BINARY BIT_LENGTH JAROWINKLER_SIMILARITY
    FLATTEN GENERATOR IDENTIFIER EXISTS ANY ALL GROUPING GROUPING_ID CURRENT_ACCOUNT CURRENT_ACCOUNT_NAME
    CURRENT_REGION CURRENT_CLIENT CURRENT_ORGANIZATION_NAME CURRENT_STATEMENT CURRENT_TRANSACTION RESULT_SCAN
    LAST_QUERY_ID SPLIT_TO_TABLE STRTOK_SPLIT_TO_TABLE"""
# Snowflake functions refused, never guessed, with the reasons (DECISIONS.md F45, F50): every other name of
# engine/sql/function_catalogue.py that FUNCTIONS lacks is refused the same way (geospatial, H3, files, AI, …).
# Snowflake's own values: HASH / HASH_AGG (https://docs.snowflake.com/en/sql-reference/functions/hash), MINHASH
# and MINHASH_COMBINE / APPROXIMATE_JACCARD_INDEX / APPROXIMATE_SIMILARITY over its states, the sketches (HLL_*,
# APPROX_*_ACCUMULATE / _COMBINE / _ESTIMATE, BITMAP_*), APPROX_TOP_K (counts from its own algorithm),
# ZIPF / RANDSTR (its generators), ENCRYPT / DECRYPT / COMPRESS (its formats). What snowreg's values do not
# keep: IS_DATE / IS_TIMESTAMP_NTZ / AS_DATE (a stored VARIANT keeps no DATE or TIMESTAMP type). Not at hand:
# ARRAY_SUM, AS_NUMBER (no page with their results), CURRENT_SECONDARY_ROLES (snowreg keeps USE SECONDARY
# ROLES' ALL / NONE, not the lists it shows), REDUCE (its accumulator's type rules). Not emulated:
# CURRENT_IP_ADDRESS, CURRENT_SCHEMAS, the database and application roles, geospatial, XML, vectors, SEARCH, MATCH_RECOGNIZE's MATCH_NUMBER / CLASSIFIER,
# GETVARIABLE / SESSION_CONTEXT (a value read when the statement is written would be kept by a view's body).
# Not at hand either: INTERPOLATE_LINEAR (DECISIONS.md F54).
_NOT_EMULATED = """HASH ARRAY_SUM MINHASH_COMBINE APPROXIMATE_JACCARD_INDEX APPROXIMATE_SIMILARITY
    APPROX_PERCENTILE_COMBINE APPROX_PERCENTILE_ESTIMATE APPROX_TOP_K_COMBINE APPROX_TOP_K_ESTIMATE GETVARIABLE
    SESSION_CONTEXT INTERPOLATE_LINEAR
    IS_DATE IS_TIMESTAMP_NTZ AS_NUMBER AS_DATE CURRENT_IP_ADDRESS
    REDUCE ZIPF RANDSTR APPROX_TOP_K MINHASH XMLGET PARSE_XML ENCRYPT DECRYPT COMPRESS DECOMPRESS_STRING
    CURRENT_SCHEMAS HASH_AGG
    APPROX_PERCENTILE_ACCUMULATE APPROX_TOP_K_ACCUMULATE BITMAP_COUNT BITMAP_BIT_POSITION BITMAP_BUCKET_NUMBER
    BITMAP_CONSTRUCT_AGG BITMAP_OR_AGG HLL_ACCUMULATE HLL_COMBINE HLL_ESTIMATE HLL_EXPORT HLL_IMPORT SEARCH
    SEARCH_IP ST_AREA ST_DISTANCE ST_MAKEPOINT TO_GEOGRAPHY TO_GEOMETRY TRY_TO_GEOGRAPHY
    VECTOR_COSINE_SIMILARITY VECTOR_L2_DISTANCE VECTOR_INNER_PRODUCT TO_XML CHECK_XML
    MATCH_NUMBER CLASSIFIER CURRENT_SECONDARY_ROLES IS_DATABASE_ROLE_IN_SESSION
    IS_APPLICATION_ROLE_IN_SESSION"""

FUNCTIONS: dict[str, Function] = {
    **{name: PLAIN for name in _PLAIN.split()},
    **{name: TEXT for name in _TEXT_FIRST.split()},
    **{name: NUMBER for name in _NUMBER_FIRST.split()},
    **{name: FLOAT for name in _FLOAT_ARGS.split()},
    **_SPECIAL,
}
NOT_EMULATED = frozenset(_NOT_EMULATED.split())
# Functions whose rewrite reads the call as written (its arguments counted there, 000938): sqlglot's node
# for them would refuse another number of arguments as a syntax error.
AS_WRITTEN = frozenset(phonetics.REWRITES)


def is_builtin(name: str) -> bool:
    """Whether a (upper-case) name is a Snowflake system-defined function's, answered or not."""
    return name in FUNCTIONS or name in NOT_EMULATED or function_catalogue.is_snowflake_function(name)


def not_answered(name: str) -> errors.NotSupportedError:
    """The refusal of a Snowflake function snowreg does not answer (000002, 0A000)."""
    return errors.not_supported(f"The function {name}")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_CALL = re.compile(r"__SNOWREG_T?CALL_\d+$")  # model calls, replaced by the inference engine


def written_name(node: exp.Expr, sql: str) -> str | None:
    """The function name as the statement spells it, when the node is a call written in the text."""
    meta = node._meta  # sqlglot records the name token's offsets on every call it parses
    if not meta or "start" not in meta or "end" not in meta:
        return None
    start, end = int(meta["start"]), int(meta["end"])
    name = sql[start:end + 1]
    if _NAME.fullmatch(name) is None or not sql[end + 1:].lstrip().startswith("("):
        return None
    return name.upper()


def _written_at(node: exp.Expr, sql: str) -> tuple[int, int]:
    """The line and position of a call's name in the text (`written_name` found it there)."""
    return place(sql, int((node._meta or {})["start"]))


def bind_call(node: exp.Func, sql: str, model_calls: int,
              udf: Callable[[exp.Func, str], exp.Expr] | None = None) -> exp.Expr | None:
    """Check a call against the table: its replacement, None to keep it, or 002140 / not supported.

    `model_calls` is how many model calls the inference engine put in the text as placeholders. A name
    no built-in function has is handed to `udf` (a user-defined function's call, bound when it runs).
    """
    name = written_name(node, sql)
    if name is None:
        quoted = node.this if isinstance(node, exp.Anonymous) else None
        if isinstance(quoted, exp.Identifier) and quoted.quoted and udf is not None:  # `"f"(…)`: no built-in
            return udf(node, snowflake(quoted.this))
        return None
    entry = FUNCTIONS.get(name)
    qualified = isinstance(node.parent, exp.Dot) and node.parent.expression is node  # `s.f(…)`: a built-in has no schema
    if entry is None or qualified:
        call = _CALL.match(name)
        if (call and int(name.rsplit("_", 1)[1]) < model_calls) or _information_schema_call(node):
            return None
        if not qualified and is_builtin(name):
            raise not_answered(name)
        if udf is not None and isinstance(node, exp.Anonymous):
            return udf(node, name)
        raise errors.unknown_function(name, at=_written_at(node, sql))
    if entry.rewrite is not None:
        new = entry.rewrite(node)
        if new is not None:
            return new
    if entry.coerce:
        _coerce_first(node, entry.coerce)
    if name in _INTEGER_ARGS:
        _integer_args(node, _INTEGER_ARGS[name], name)
    return None


# Functions whose node sqlglot completes with defaults, or fails to render, for a wrong number of arguments
# (INITCAP('a', 'b', 'c') was INITCAP('a')): snowflake_calls checks the count written first (000938).
ARITY: dict[str, tuple[int, int]] = {"DATE_PART": (2, 2), "INITCAP": (1, 2), "TIME": (1, 2)}


# Arguments (by position) that are integers: positions, lengths, counts, offsets, parts. Snowflake converts
# a NUMBER or FLOAT there (an INT column is NUMBER(38,0)); DuckDB's functions take no DECIMAL for them.
_INTEGER_ARGS: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(("SUBSTR", "SUBSTRING"), (1, 2)), **dict.fromkeys(("LEFT", "RIGHT", "REPEAT"), (1,)),
    **dict.fromkeys(("LPAD", "RPAD"), (1,)), "SPLIT_PART": (2,), **dict.fromkeys(("POSITION", "CHARINDEX"), (2,)),
    **dict.fromkeys(("REGEXP_SUBSTR", "REGEXP_SUBSTR_ALL", "REGEXP_EXTRACT_ALL"), (2, 3, 5)), "REGEXP_COUNT": (2,), "REGEXP_INSTR": (2, 3, 4), "INSERT": (1, 2),
    **dict.fromkeys(("SPACE", "NTILE"), (0,)), "STRTOK": (2,), "EDITDISTANCE": (2,),
    **dict.fromkeys(("LAG", "LEAD", "NTH_VALUE", "BITSHIFTLEFT", "BITSHIFTRIGHT"), (1,)),
    **dict.fromkeys(("DATE_FROM_PARTS", "DATEFROMPARTS", "TIME_FROM_PARTS", "TIMEFROMPARTS", "TIMESTAMP_FROM_PARTS",
                     "TIMESTAMPFROMPARTS", "TIMESTAMP_NTZ_FROM_PARTS", "TIMESTAMPNTZFROMPARTS"),
                    (0, 1, 2, 3, 4, 5, 6)),
    "ROUND": (1,),
}


# The same for calls sqlglot builds without the name's place (so bind_call never sees them), by node class.
_INTEGER_OPERANDS: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.Substring: ("start", "length"), exp.StrPosition: ("position",),
    exp.BitwiseLeftShift: ("expression",), exp.BitwiseRightShift: ("expression",),
}


def integer_operands(node: exp.Expr) -> exp.Expr | None:
    """Integer arguments of SUBSTR / POSITION / CHR / shifts, cast as `_integer_args` does."""
    if isinstance(node, (exp.Substring, exp.StrPosition)):
        if (of_bytes := (binaries.substr if isinstance(node, exp.Substring) else binaries.position)(node)) is not None:
            return of_bytes  # of BINARY arguments, in bytes
        texts.text_subjects(node)
    if isinstance(node, exp.Chr):
        return texts.chr_checked(node)
    operands = [node.args.get(key) for key in _INTEGER_OPERANDS.get(type(node), ())]
    for arg in operands:
        if isinstance(arg, exp.Literal | exp.Neg) and isinstance(node, exp.Substring | exp.StrPosition) \
                and _literal_integer(arg) and (far := _beyond_int(arg)) is not None:
            arg.replace(exp.Literal.number(far))
        elif isinstance(arg, exp.Expr) and not _literal_integer(arg):
            arg.replace(exp.Cast(this=arg.copy(), to=exp.DataType(this=_T.INT)))
    return None


def _literal_integer(arg: exp.Expr) -> bool:
    return (isinstance(arg, exp.Literal) and (arg.is_string or arg.is_int)) or isinstance(arg, exp.Null) \
        or (isinstance(arg, exp.Neg) and isinstance(arg.this, exp.Literal) and arg.this.is_int)


def _integer_args(node: exp.Expr, positions: tuple[int, ...], name: str = "") -> None:
    """CAST(<arg> AS INTEGER) for the integer arguments that are not integer or string literals."""
    args = _args(node)
    for n in positions:
        if n >= len(args):
            continue
        arg = args[n]
        if _literal_integer(arg):
            if isinstance(arg, exp.Literal | exp.Neg) and name not in _SIZES and (far := _beyond_int(arg)) is not None:
                arg.replace(exp.Literal.number(far))  # a position or length past any text (F102)
            continue
        arg.replace(exp.Cast(this=arg.copy(), to=exp.DataType(this=_T.INT)))


_SIZES = frozenset({"REPEAT", "SPACE", "LPAD", "RPAD", "NTILE"})  # counts that size a result: never widened


def _beyond_int(arg: exp.Literal | exp.Neg) -> int | None:
    """The nearest INTEGER to an integer constant beyond DuckDB's INTEGER range (None within it)."""
    value = -int(arg.this.this) if isinstance(arg, exp.Neg) else int(arg.this) if arg.is_int else 0
    return None if -2**31 <= value < 2**31 else max(min(value, 2**31 - 1), -2**31)


def _information_schema_call(node: exp.Expr) -> bool:
    """`TABLE(db.INFORMATION_SCHEMA.TAG_REFERENCES(…))`: a table function the translator redirects."""
    parent = node.parent
    if isinstance(parent, exp.Table):
        return parent.args.get("db") is not None and parent.text("db").upper() == "INFORMATION_SCHEMA"
    if isinstance(parent, exp.Dot):
        left = parent.this
        return (left.name if not isinstance(left, exp.Dot) else left.expression.name).upper() == "INFORMATION_SCHEMA"
    return False


def _first_arg(node: exp.Func) -> exp.Expr | None:
    first = node.expressions[0] if isinstance(node, exp.Anonymous) and node.expressions else node.this
    return first if isinstance(first, exp.Expr) else None


def _coerce_first(node: exp.Func, coerce: Coercion) -> None:
    """Snowflake's implicit casts: `TRIM(1)` trims '1'; `SUM('1.5')` adds the number 1.5."""
    arg = _first_arg(node)
    if arg is None:
        return
    if coerce == "text" and isinstance(arg, exp.Literal) and not arg.is_string and "E" in arg.this.upper():
        arg.replace(variant.macro("snowreg_varchar", arg.copy()))  # a FLOAT literal: `LOWER(1e3)` reads '1000'
    elif coerce == "text" and isinstance(arg, (exp.Boolean, exp.Literal)) and not arg.is_string:
        arg.replace(exp.Cast(this=arg.copy(), to=exp.DataType(this=_T.VARCHAR)))
    elif coerce == "text" and isinstance(arg, exp.Column):
        arg.replace(variant.macro("snowreg_varchar", arg.copy()))
    elif coerce == "number" and isinstance(arg, exp.Literal) and arg.is_string:
        arg.replace(exp.Cast(this=arg.copy(), to=_number_type(arg.this)))
    elif coerce == "float":
        for each in _args(node):
            if not (isinstance(each, exp.Literal) and not each.is_string) and not isinstance(each, exp.Neg | exp.Null):
                each.replace(exp.Cast(this=each.copy(), to=exp.DataType(this=_T.DOUBLE)))


def _number_type(text: str) -> exp.DataType:
    """NUMBER(38, s) for a decimal numeral (s = its digits after the point), FLOAT otherwise."""
    m = re.fullmatch(r"\s*[-+]?\d+(?:\.(\d*))?\s*", text)
    if m is None:
        return exp.DataType(this=_T.DOUBLE)
    return exp.DataType.build(f"DECIMAL(38, {len(m.group(1) or '')})")
