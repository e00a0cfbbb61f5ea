"""String, binary, hash and bit functions whose DuckDB rendering is written here rather than left to sqlglot.

Each rewrite takes the call's arguments as written and returns the DuckDB expression (engine.sql.functions
registers them by name). A text goes to a byte function as its UTF-8 bytes through `unhex(hex(x))`, which
reads a VARCHAR and a BINARY alike (DuckDB's VARCHAR → BLOB cast refuses non-ASCII characters).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowreg import errors
from snowreg.engine.sql import digests, regexps, variant
from snowreg.engine.sql.binary_formats import NOT_HEX
from snowreg.engine.sql.call_args import call_args as _args
from snowreg.engine.sql.duckerrors import BAD_CHR, BAD_UUID
from snowreg.engine.sql.numbers import UNSUPPORTED_MARKER

_T = exp.DataType.Type
_BASE64 = "+/="  # Snowflake's default characters 62 and 63 and the padding


def _count(name: str, args: list[exp.Expr], least: int, most: int) -> None:
    if not least <= len(args) <= most:
        raise errors.wrong_arguments(name, least, len(args))


def bytes_of(arg: exp.Expr) -> exp.Expr:
    """The value's bytes: a VARCHAR's UTF-8 encoding, a BINARY itself, another value's text (as `::VARCHAR`
    writes it); the type is known only while DuckDB binds, so a column goes through `typeof`."""
    if isinstance(arg, exp.Literal | exp.Boolean) and not arg.is_string:
        arg = exp.Cast(this=arg, to=exp.DataType(this=_T.VARCHAR))
    if not variant.typed_elsewhere(arg):
        return variant.fn("unhex", variant.fn("hex", arg))
    is_binary = exp.EQ(this=variant.fn("typeof", arg.copy()), expression=exp.Literal.string("BLOB"))
    return exp.Case(ifs=[exp.If(this=is_binary, true=exp.TryCast(this=arg.copy(), to=exp.DataType(this=_T.VARBINARY)))],
                    default=variant.fn("encode", variant.macro("snowreg_varchar", arg.copy())))


# The arguments Snowflake reads as text whatever their type (a NUMBER, a DATE, a BOOLEAN …), by node class.
SUBJECTS: dict[type[exp.Expr], tuple[str, ...]] = {
    **dict.fromkeys((exp.Substring, exp.StrPosition, exp.RegexpLike, exp.RegexpReplace, exp.RegexpCount,
                     exp.RegexpInstr, exp.RegexpExtract, exp.Like, exp.ILike, exp.Initcap, exp.Stuff,
                     exp.StrtokToArray), ("this",)),
    exp.Levenshtein: ("this", "expression"),
}


def text_subjects(node: exp.Expr) -> exp.Expr | None:
    """A string function's subject that is not text is read as its text, as `::VARCHAR` writes it
    (https://docs.snowflake.com/en/sql-reference/data-type-conversion: a function coerces its arguments):
    `SUBSTR(<number>, 1, 1)`, `<date> LIKE '2024%'`. VARIANT subjects are variant.text_args' (unquoted)."""
    for key in SUBJECTS.get(type(node), ()):
        arg = node.args.get(key)
        if isinstance(arg, exp.Expr):
            node.set(key, as_text(arg))
    variant.text_args(node)
    return regexps.normalize(node)


def as_text(arg: exp.Expr) -> exp.Expr:
    """`arg`, or its text (the `snowreg_varchar` macro) when its type is not visible and may not be text."""
    if variant.is_json(arg):
        return variant.as_string(arg.copy())  # a VARIANT string unquoted
    if not variant.typed_elsewhere(arg) or variant.is_text(arg):
        return arg
    return variant.macro("snowreg_varchar", arg.copy())


def _literal_text(arg: exp.Expr | None, what: str) -> str | None:
    if arg is None:
        return None
    if not (isinstance(arg, exp.Literal) and arg.is_string):
        raise errors.not_supported(f"{what} that is not a string literal")
    return str(arg.this)


def _literal_int(arg: exp.Expr | None, what: str) -> int | None:
    if arg is None:
        return None
    if not (isinstance(arg, exp.Literal) and arg.is_int):
        raise errors.not_supported(f"{what} that is not an integer literal")
    return int(arg.this)


def base64_encode(node: exp.Expr) -> exp.Expr:
    """BASE64_ENCODE(input[, max_line_length[, alphabet]]) (https://docs.snowflake.com/en/sql-reference/functions/base64_encode):
    a text's UTF-8 bytes in base64; lines of max_line_length characters joined by LF (0: one line); the
    alphabet's characters replace '+', '/' and '=' in that order."""
    args = _args(node)
    _count("BASE64_ENCODE", args, 1, 3)
    encoded: exp.Expr = variant.fn("to_base64", bytes_of(args[0]))
    alphabet = _literal_text(args[2] if len(args) > 2 else None, "BASE64_ENCODE with an alphabet")
    if alphabet:
        encoded = variant.fn("translate", encoded, exp.Literal.string(_BASE64[:len(alphabet)]),
                             exp.Literal.string(alphabet[:3]))
    width = _literal_int(args[1] if len(args) > 1 else None, "BASE64_ENCODE with a line length")
    if width:
        broken = variant.fn("regexp_replace", encoded, exp.Literal.string(f"(.{{{width}}})"),
                            exp.Literal.string("\\1\n"), exp.Literal.string("g"))
        encoded = variant.fn("rtrim", broken, exp.Literal.string("\n"))
    return encoded




def hex_checked(source: exp.Expr) -> exp.Expr:
    """The text itself when it is hex, else an error naming it (engine.sql.duckerrors: 100115)."""
    return exp.Case(ifs=[exp.If(this=exp.Not(this=variant.fn("regexp_full_match", source.copy(),
                                                            exp.Literal.string("([0-9A-Fa-f]{2})*"))),
                                true=variant.fn("error", exp.DPipe(this=exp.Literal.string(NOT_HEX),
                                                                    expression=source.copy())))],
                    default=source)


def text_to_binary(value: exp.Expr, safe: bool = False) -> exp.Expr:
    """`x::BINARY` where the text does not show x's type: a VARCHAR is read as BINARY_INPUT_FORMAT says (HEX
    unless set, https://docs.snowflake.com/en/user-guide/binary-input-output; engine.sql.binary_formats), failing
    with 100115 when it is no hex (NULL when `safe`: TRY_CAST); any other value is cast as before."""
    text = exp.Cast(this=value.copy(), to=exp.DataType.build("VARCHAR"))
    is_text = exp.EQ(this=variant.fn("typeof", value.copy()), expression=exp.Literal.string("VARCHAR"))
    return exp.Case(ifs=[exp.If(this=is_text, true=variant.macro("snowreg_text_binary", text, exp.Boolean(this=safe)))],
                    default=(exp.TryCast if safe else exp.Cast)(this=value.copy(), to=exp.DataType.build("BLOB", dialect="duckdb")))


def _decoder(name: str, decode: str, text: bool, safe: bool) -> Callable[[exp.Expr], exp.Expr]:
    """BASE64_DECODE_* / HEX_DECODE_* and their TRY_ forms: the bytes (as UTF-8 text for _STRING), NULL on
    bad input for TRY_ (https://docs.snowflake.com/en/sql-reference/functions/try_base64_decode_string)."""
    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _args(node)
        _count(name, args, 1, 2 if decode == "from_base64" else 1)
        alphabet = _literal_text(args[1] if len(args) > 1 else None, f"{name} with an alphabet")
        source = args[0]
        if alphabet and alphabet != _BASE64[:len(alphabet)]:
            source = variant.fn("translate", source, exp.Literal.string(alphabet[:3]),
                                exp.Literal.string(_BASE64[:len(alphabet)]))
        if decode == "unhex" and not safe:  # text that is no hex fails naming it (duckerrors: 100115)
            source = hex_checked(source)
        out: exp.Expr = variant.fn(decode, source)
        if text:
            out = variant.fn("decode", out)
        return variant.fn("try", out) if safe else out
    return rewrite


def jarowinkler_similarity(node: exp.Expr) -> exp.Expr:
    """JAROWINKLER_SIMILARITY (https://docs.snowflake.com/en/sql-reference/functions/jarowinkler_similarity):
    case-insensitive, 0 to 100, the fraction cut rather than rounded (the page's 'Gute nacht' / 'Ich weis
    nicht' is 56 for 0.565)."""
    args = _args(node)
    _count("JAROWINKLER_SIMILARITY", args, 2, 2)
    texts = [variant.fn("upper", exp.Cast(this=a, to=exp.DataType(this=_T.VARCHAR))) for a in args]
    score = exp.Mul(this=variant.fn("jaro_winkler_similarity", *texts), expression=exp.Literal.number(100))
    # 1e-9 keeps a whole score that the floating point lands just under (97.0 as 96.99999999999999) whole
    nudged = exp.Add(this=score, expression=exp.Literal.number("1e-9"))
    return exp.Cast(this=variant.fn("floor", nudged), to=exp.DataType(this=_T.INT))


def octet_length(node: exp.Expr) -> exp.Expr:
    """OCTET_LENGTH (https://docs.snowflake.com/en/sql-reference/functions/octet_length): the bytes of a
    VARCHAR's UTF-8 encoding or of a BINARY."""
    args = _args(node)
    _count("OCTET_LENGTH", args, 1, 1)
    return variant.fn("octet_length", bytes_of(args[0]))


def bit_length(node: exp.Expr) -> exp.Expr:
    """BIT_LENGTH (https://docs.snowflake.com/en/sql-reference/functions/bit_length): 8 bits per byte of a
    VARCHAR's UTF-8 encoding or of a BINARY (DuckDB's bit_length takes no BLOB)."""
    args = _args(node)
    _count("BIT_LENGTH", args, 1, 1)
    return exp.Mul(this=variant.fn("octet_length", bytes_of(args[0])), expression=exp.Literal.number(8))


def regexp_instr_groups(node: exp.Expr) -> exp.Expr | None:
    """REGEXP_INSTR with the 'e' parameter or a group_num (https://docs.snowflake.com/en/sql-reference/functions/regexp_instr:
    the position of a capture group within the match): engine.sql.regexps.instr_group, which refuses the patterns
    it cannot place the group in (the plain rendering would silently give the whole match's position)."""
    keys = ("this", "expression", "position", "occurrence", "option", "parameters", "group")
    given = dict(zip(keys, _args(node), strict=False)) if isinstance(node, exp.Anonymous) else {
        key: node.args[key] for key in keys if isinstance(node.args.get(key), exp.Expr)}
    parameters = _literal_text(given.get("parameters"), "REGEXP_INSTR with parameters") or ""
    if "group" not in given and "e" not in parameters:
        return None
    pattern = given.get("expression")
    plain = isinstance(pattern, exp.Literal) and pattern.is_string and regexps.group_count(pattern.name) == 0
    # 'e' in a pattern without groups: as if it were not set (the REGEXP_SUBSTR page's reading, F77)
    group = _literal_int(given.get("group"), "REGEXP_INSTR with a group_num") if "group" in given else 0 if plain else 1
    if group is None or group < 1 and not plain:
        raise errors.not_supported("REGEXP_INSTR with a group_num below 1")
    given["this"] = as_text(given["this"])
    return regexps.instr_group(given, group, parameters)


def _digest(name: str, algorithm: str, binary: bool) -> Callable[[exp.Expr], exp.Expr]:
    """MD5_BINARY / SHA1_BINARY / SHA2_BINARY(msg[, digest_size]): the digest's bytes
    (https://docs.snowflake.com/en/sql-reference/functions/sha2_binary; SHA-2 sizes in engine.sql.digests)."""
    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _args(node)
        _count(name, args, 1, 2 if name.startswith("SHA2") else 1)
        if name.startswith("SHA2"):
            return digests.sha2(name, bytes_of(args[0]), args[1] if len(args) == 2 else None, binary)
        digest = variant.fn(algorithm, bytes_of(args[0]))
        return variant.fn("unhex", digest) if binary else digest
    return rewrite


def _md5_number(name: str, start: int) -> Callable[[exp.Expr], exp.Expr]:
    """MD5_NUMBER_LOWER64 / _UPPER64 (https://docs.snowflake.com/en/sql-reference/functions/md5_number_lower64):
    the digest as a big-endian 128-bit number, its lower or upper 64 bits unsigned."""
    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _args(node)
        _count(name, args, 1, 1)
        half = variant.fn("substr", variant.fn("md5", bytes_of(args[0])), exp.Literal.number(start),
                          exp.Literal.number(16))
        unsigned = exp.Cast(this=exp.DPipe(this=exp.Literal.string("0x"), expression=half),
                            to=exp.DataType(this=_T.UBIGINT))
        return exp.Cast(this=unsigned, to=exp.DataType.build("DECIMAL(38, 0)"))
    return rewrite


def getbit(node: exp.Expr) -> exp.Expr:
    """GETBIT(integer, position) (https://docs.snowflake.com/en/sql-reference/functions/getbit): the bit
    (0 or 1) at position 0 (least significant) to 127 of the value as a 128-bit integer."""
    args = _args(node)
    _count("GETBIT", args, 2, 2)
    value = exp.Cast(this=args[0], to=exp.DataType(this=_T.INT128))
    position = exp.Cast(this=args[1], to=exp.DataType(this=_T.INT))
    bit = exp.BitwiseAnd(this=exp.Paren(this=exp.BitwiseRightShift(this=value, expression=position.copy())),
                         expression=exp.Literal.number(1))
    outside = exp.Or(this=exp.LT(this=position.copy(), expression=exp.Literal.number(0)),
                     expression=exp.GT(this=position.copy(), expression=exp.Literal.number(127)))
    refused = variant.fn("error", exp.Literal.string(f"{UNSUPPORTED_MARKER}GETBIT with a bit position outside 0 to 127"))
    return exp.Case(ifs=[exp.If(this=outside, true=refused)], default=exp.Cast(this=bit, to=exp.DataType(this=_T.INT)))


def regexp_substr(node: exp.Expr) -> exp.Expr:
    """REGEXP_SUBSTR(s, p[, position[, occurrence[, parameters[, group]]]]); parameter 'e' → group 1."""
    found, occurrence = _regexp_matches(node, "REGEXP_SUBSTR")
    return variant.fn("list_extract", found, occurrence)


def regexp_substr_all(node: exp.Expr) -> exp.Expr:
    """REGEXP_SUBSTR_ALL / REGEXP_EXTRACT_ALL (https://docs.snowflake.com/en/sql-reference/functions/regexp_substr_all):
    REGEXP_SUBSTR's arguments; every match from the occurrence on, as an ARRAY ([] for none)."""
    found, occurrence = _regexp_matches(node, "REGEXP_SUBSTR_ALL")
    return variant.fn("to_json", variant.fn("list_slice", found, occurrence, exp.Literal.number(-1)))


def _regexp_matches(node: exp.Expr, name: str) -> tuple[exp.Expr, exp.Expr]:
    """The matches (or the group's) from the position on, and the occurrence asked for."""
    keys = ("this", "expression", "position", "occurrence", "parameters", "group")
    given = dict(zip(keys, _args(node), strict=False)) if isinstance(node, exp.Anonymous) else {
        k: node.args[k] for k in keys if isinstance(node.args.get(k), exp.Expr)}
    if isinstance(given.get("group"), exp.Literal) and not given["group"]._meta:
        del given["group"]  # filled in by the parser, not written
    parameters = given.get("parameters")
    if parameters is not None and not (isinstance(parameters, exp.Literal) and parameters.is_string):
        raise errors.not_supported(f"{name} with non-literal parameters")
    params = parameters.name if parameters is not None else ""
    pattern = regexps.flagged(given["expression"], params, name)
    # 'e' without a group_num is group 1; "if there is no sub-expression in the pattern, REGEXP_SUBSTR behaves as
    # if e was not set" (the REGEXP_SUBSTR page)
    grouped = "e" in params and not (isinstance(given["expression"], exp.Literal) and given["expression"].is_string
                                     and regexps.group_count(given["expression"].name) == 0)
    group = _integer(given.get("group") or exp.Literal.number(1 if grouped else 0))
    source = variant.fn("substr", as_text(given["this"]),
                        _integer(given.get("position") or exp.Literal.number(1)))
    found = variant.fn("regexp_extract_all", source, pattern, group)
    return found, _integer(given.get("occurrence") or exp.Literal.number(1))


def _integer(arg: exp.Expr) -> exp.Expr:
    """An integer argument as DuckDB's functions take it (a NUMBER or FLOAT cast)."""
    literal = (isinstance(arg, exp.Literal) and (arg.is_string or arg.is_int)) or isinstance(arg, exp.Null) \
        or (isinstance(arg, exp.Neg) and isinstance(arg.this, exp.Literal) and arg.this.is_int)
    return arg if literal else exp.Cast(this=arg, to=exp.DataType(this=_T.INT))


def uuid_namespace(node: exp.Expr) -> None:
    """UUID_STRING(uuid, name) (https://docs.snowflake.com/en/sql-reference/functions/uuid_string): a version 5 UUID
    in the namespace `uuid`, which must be a UUID's text (any case); another text fails naming it
    (engine.sql.duckerrors), where DuckDB read whatever hex it found there."""
    namespace = node.this if isinstance(node, exp.Uuid) else None
    if not isinstance(namespace, exp.Expr):
        return None
    text = exp.Cast(this=namespace.copy(), to=exp.DataType(this=_T.VARCHAR))
    shape = variant.fn("regexp_full_match", text.copy(), exp.Literal.string(
        "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"))
    bad = variant.fn("error", exp.DPipe(this=exp.Literal.string(BAD_UUID), expression=text.copy()))
    node.set("this", exp.Case(ifs=[exp.If(this=exp.Or(this=exp.Is(this=text.copy(), expression=exp.Null()),
                                                       expression=shape), true=text)], default=bad))
    return None


def pad(node: exp.Expr) -> exp.Expr | None:
    """LPAD / RPAD(base, length[, pad]) (https://docs.snowflake.com/en/sql-reference/functions/lpad): an empty pad
    pads nothing but still cuts the base to the length (DuckDB would fail). A BINARY base or pad (one the text
    shows: a cast, TO_BINARY, a hex or base64 decoding, X'…') pads bytes: its hex padded with the pad's hex by
    twice the length, read back as bytes (DuckDB pads no BLOB)."""
    args = _args(node)
    if len(args) != 3:
        return None
    base, length, filler = args
    left = node.args.get("is_left") if isinstance(node, exp.Pad) else node.name.upper() == "LPAD"
    name = "lpad" if left else "rpad"
    if is_binary(base) or is_binary(filler):
        doubled = exp.Mul(this=exp.Cast(this=length.copy(), to=exp.DataType(this=_T.INT)), expression=exp.Literal.number(2))
        padded = variant.fn(name, variant.fn("hex", base.copy()), doubled, variant.fn("hex", filler.copy()))
        cut = variant.fn("left", variant.fn("hex", base.copy()), doubled.copy())
        empty = exp.EQ(this=variant.fn("octet_length", filler.copy()), expression=exp.Literal.number(0))
        return variant.fn("unhex", exp.Case(ifs=[exp.If(this=empty, true=cut)], default=padded))
    if isinstance(filler, exp.Literal) and filler.name != "":
        return None
    cut = variant.fn("left", base.copy(), length.copy())
    if isinstance(filler, exp.Literal):
        return cut
    empty = exp.EQ(this=filler.copy(), expression=exp.Literal.string(""))
    return exp.Case(ifs=[exp.If(this=empty, true=cut)], default=node.copy())


def concat_args(node: exp.Expr) -> exp.Expr | None:
    """`||` / CONCAT (https://docs.snowflake.com/en/sql-reference/functions/concat: BINARY arguments give a BINARY):
    of BINARY values the text shows, their bytes joined (DuckDB's BLOB `||`); it was the text of their hex.
    Anything else is variant.text_args' (VARIANT strings unquoted, other values as their text)."""
    parts = [node.this, node.expression] if isinstance(node, exp.DPipe) else list(node.expressions) \
        if isinstance(node, exp.Concat) else []
    if len(parts) < 2 or not all(isinstance(p, exp.Expr) and is_binary(p) for p in parts):
        return variant.text_args(node)
    joined = parts[0].copy()
    for part in parts[1:]:
        joined = exp.DPipe(this=joined, expression=part.copy())
    return joined


_BINARY_CALLS = frozenset({"unhex", "from_base64", "encode", "snowreg_text_binary"})


def is_binary(arg: exp.Expr) -> bool:
    """Whether the (translated) argument is visibly a BINARY value."""
    if isinstance(arg, exp.Cast | exp.TryCast):
        return arg.to.this in (_T.BINARY, _T.VARBINARY, _T.BLOB)
    if isinstance(arg, exp.Unhex | exp.FromBase64 | exp.HexString | exp.ByteString | exp.ToBinary):
        return True
    if isinstance(arg, exp.Case):
        return all(is_binary(i.args["true"]) for i in arg.args.get("ifs") or ()) and is_binary(arg.args.get("default")
                                                                                           or exp.Null())
    if isinstance(arg, exp.Paren):
        return is_binary(arg.this)
    if isinstance(arg, exp.DPipe):
        return is_binary(arg.this) and is_binary(arg.expression)
    called = variant.macro_called(arg) or (arg.name if isinstance(arg, exp.Anonymous) else None)
    return called is not None and called.lower() in _BINARY_CALLS


def hex_encode(node: exp.Expr) -> None:
    """HEX_ENCODE(input[, case]) (https://docs.snowflake.com/en/sql-reference/functions/hex_encode): the hex of a
    text's UTF-8 bytes or of a BINARY's own bytes (it was the hex of the BINARY's hex text)."""
    args = _args(node)
    _count("HEX_ENCODE", args, 1, 2)
    args[0].replace(bytes_of(args[0].copy()))


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "BASE64_ENCODE": base64_encode,
    "REGEXP_SUBSTR": regexp_substr,
    "REGEXP_SUBSTR_ALL": regexp_substr_all,
    "REGEXP_EXTRACT_ALL": regexp_substr_all,
    "BASE64_DECODE_STRING": _decoder("BASE64_DECODE_STRING", "from_base64", text=True, safe=False),
    "BASE64_DECODE_BINARY": _decoder("BASE64_DECODE_BINARY", "from_base64", text=False, safe=False),
    "TRY_BASE64_DECODE_STRING": _decoder("TRY_BASE64_DECODE_STRING", "from_base64", text=True, safe=True),
    "TRY_BASE64_DECODE_BINARY": _decoder("TRY_BASE64_DECODE_BINARY", "from_base64", text=False, safe=True),
    "HEX_DECODE_STRING": _decoder("HEX_DECODE_STRING", "unhex", text=True, safe=False),
    "HEX_DECODE_BINARY": _decoder("HEX_DECODE_BINARY", "unhex", text=False, safe=False),
    "TRY_HEX_DECODE_STRING": _decoder("TRY_HEX_DECODE_STRING", "unhex", text=True, safe=True),
    "TRY_HEX_DECODE_BINARY": _decoder("TRY_HEX_DECODE_BINARY", "unhex", text=False, safe=True),
    "JAROWINKLER_SIMILARITY": jarowinkler_similarity,
    "OCTET_LENGTH": octet_length,
    "BIT_LENGTH": bit_length,
    "MD5_BINARY": _digest("MD5_BINARY", "md5", binary=True),
    "SHA1_BINARY": _digest("SHA1_BINARY", "sha1", binary=True),
    "SHA2_BINARY": _digest("SHA2_BINARY", "sha256", binary=True),
    "MD5_NUMBER_LOWER64": _md5_number("MD5_NUMBER_LOWER64", 17),
    "MD5_NUMBER_UPPER64": _md5_number("MD5_NUMBER_UPPER64", 1),
    "GETBIT": getbit,
    "UUID_STRING": uuid_namespace,
    "HEX_ENCODE": hex_encode,
}


def chr_checked(node: exp.Expr) -> exp.Expr:
    """CHR / CHAR(code) (https://docs.snowflake.com/en/sql-reference/functions/chr): the character of a Unicode
    code point; anything else (negative, above U+10FFFF, a UTF-16 surrogate, too large for any integer) fails
    with the page's `Invalid character code <code> in the CHR input` (engine.sql.duckerrors), not DuckDB's
    text or an integer cast's."""
    args = _args(node)
    _count("CHR", args, 1, 1)
    given = args[0]
    code = exp.Cast(this=given.copy(), to=exp.DataType(this=_T.INT128))  # a text that is no number: 100038
    valid = exp.And(this=exp.Between(this=code.copy(), low=exp.Literal.number(0), high=exp.Literal.number(0x10FFFF)),
                    expression=exp.Not(this=exp.Between(this=code.copy(), low=exp.Literal.number(0xD800),
                                                        high=exp.Literal.number(0xDFFF))))
    bad = variant.fn("error", exp.DPipe(this=exp.Literal.string(BAD_CHR),
                                        expression=exp.Cast(this=given.copy(), to=exp.DataType(this=_T.VARCHAR))))
    return exp.Case(ifs=[exp.If(this=exp.Is(this=given.copy(), expression=exp.Null()), true=exp.Null()),
                         exp.If(this=valid, true=variant.fn("chr", exp.Cast(this=code.copy(), to=exp.DataType(this=_T.INT))))],
                    default=bad)


def editdistance_bound(node: exp.Expr) -> None:
    """EDITDISTANCE(a, b, max_distance) (https://docs.snowflake.com/en/sql-reference/functions/editdistance):
    a negative maximum counts as 0 ("the function uses 0 as the maximum distance and returns 0")."""
    args = _args(node)
    if len(args) == 3:
        negative = exp.LT(this=args[2].copy(), expression=exp.Literal.number(0))
        args[2].replace(exp.Case(ifs=[exp.If(this=negative, true=exp.Literal.number(0))], default=args[2].copy()))
