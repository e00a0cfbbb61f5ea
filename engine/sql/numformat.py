"""TO_CHAR / TO_VARCHAR of a number with a format model, as one DuckDB expression built from the literal format.

https://docs.snowflake.com/en/sql-reference/sql-format-models: fixed-position models (`9`, `0`, `.`/`D`,
`,`/`G`, `$`, `S`, `MI`, `FM`, quoted literals around the number) and the text-minimal `TM9`. In fill mode
the output has the model's width: a blank reserved for the sign (unless `S` or `MI` places it), leading
zeros of `9` positions and trailing zeros of `9` fraction positions as blanks, a group separator only
between digits, and the sign and `$` just before the first digit. `FM` (compact mode) drops those blanks.
Elements snowreg does not reproduce (`B`, `X`, exponents, `TM`/`TME`, literals inside the number, a `0`
left of a `9` in the integer part or right of a `9` in the fraction) are refused as not supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp

from snowreg.errors import not_supported

_ELEMENT = re.compile(r'"(?:[^"]|"")*"|FM|TM9|TME|TM|MI|EE+|[90$.,DGSBX_]|[;:\-=/() ]', re.IGNORECASE)
_NUMERIC = re.compile(r'(?:"(?:[^"]|"")*"|FM|FX|TM9|TME|TM|MI|EE+|[90$.,DGSBX_]|[;:\-=/() ])+\Z', re.IGNORECASE)


def is_number_format(text: str) -> bool:
    """The text is a numeric format model (digits or a text-minimal element), not a date/time one."""
    return _NUMERIC.match(text) is not None and re.search(r"[90X]|TM", text, re.IGNORECASE) is not None


@dataclass
class _Model:
    """A parsed fixed-position model: literal text around one number."""

    before: str = ""
    after: str = ""
    integer: list[str] = field(default_factory=list)  # '9', '0', ',' in order
    fraction: list[str] = field(default_factory=list)  # '9', '0'
    point: bool = False
    dollar: bool = False
    sign: str = ""  # '', 'S<', 'S>', 'MI<', 'MI>'
    compact: bool = False


def render(value: exp.Expr, text: str) -> exp.Expr:
    """The DuckDB expression for TO_CHAR(value, 'text')."""
    if text.strip().upper() == "TM9":
        return _tm9(value)
    model = _parse(text)
    return _fixed(value, model)


def _tm9(value: exp.Expr) -> exp.Expr:
    """TM9: a NUMBER printed with the digits of its scale (its text); a FLOAT is refused."""
    refused = _call("error", exp.Literal.string("snowreg_unsupported:TO_CHAR of a FLOAT with the format TM9'"))
    is_float = exp.In(this=_call("typeof", value.copy()),
                      expressions=[exp.Literal.string("DOUBLE"), exp.Literal.string("FLOAT")])
    return exp.Case(ifs=[exp.If(this=is_float, true=refused)],
                    default=exp.Cast(this=value, to=exp.DataType.build("VARCHAR")))


def _parse(text: str) -> _Model:
    m = _Model()
    digits_seen = False
    done = False
    for token in _ELEMENT.findall(text):
        up = token.upper()
        if token.startswith('"') or (len(token) == 1 and token in ";:-=/() "):
            literal = token[1:-1].replace('""', '"') if token.startswith('"') else token
            if digits_seen and not done:
                done = True
            if digits_seen:
                m.after += literal
            elif m.integer or m.dollar or m.sign:
                raise not_supported(f"The format {text!r} (literal text inside the number)")
            else:
                m.before += literal
            continue
        if done and up not in ("S", "MI"):
            raise not_supported(f"The format {text!r} (literal text inside the number)")
        if up == "FM" and not (m.integer or m.before or m.dollar or m.sign):
            m.compact = True
        elif up in ("9", "0"):
            digits_seen = True
            (m.fraction if m.point else m.integer).append(up)
        elif up in (",", "G") and not m.point and m.integer:
            m.integer.append(",")
        elif up in (".", "D") and not m.point:
            m.point = True
        elif up == "$" and not digits_seen and not m.dollar:
            m.dollar = True
        elif up in ("S", "MI") and not m.sign:
            m.sign = up + (">" if digits_seen else "<")
        else:
            raise not_supported(f"The number format element {token!r} in {text!r}")
    _check(m, text)
    return m


def _check(m: _Model, text: str) -> None:
    digits = [c for c in m.integer if c != ","]
    if not digits and not m.fraction:
        raise not_supported(f"The format {text!r}")
    if "0" in digits and "9" in digits[digits.index("0"):]:
        raise not_supported(f"The format {text!r} (a 0 left of a 9 in the integer part)")
    if "9" in m.fraction and "0" in m.fraction[m.fraction.index("9"):]:
        raise not_supported(f"The format {text!r} (a 0 right of a 9 in the fraction)")
    if m.compact and (" " in m.before or " " in m.after):
        raise not_supported(f"The format {text!r} (FM with blank literals)")


def _call(name: str, *args: exp.Expr) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _s(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def _cat(*parts: exp.Expr) -> exp.Expr:
    out = parts[0]
    for p in parts[1:]:
        out = exp.DPipe(this=out, expression=p, safe=True)
    return out


def _fixed(value: exp.Expr, m: _Model) -> exp.Expr:
    """Round to the model's fraction digits, lay the digits out, then place sign, `$` and literals."""
    scale = len(m.fraction)
    rounded = exp.Cast(this=value.copy(), to=exp.DataType.build(f"DECIMAL(38, {scale})"))
    text = exp.Cast(this=_call("abs", rounded.copy()), to=exp.DataType.build("VARCHAR"))
    ip = _call("split_part", text.copy(), _s("."), exp.Literal.number(1))
    fp = _call("split_part", text.copy(), _s("."), exp.Literal.number(2))
    negative = exp.LT(this=rounded.copy(), expression=exp.Literal.number(0))
    width = sum(1 for c in m.integer if c != ",")
    body = _integer_part(ip, m.integer, width)
    if m.point:
        body = _cat(body, _s("."), *_fraction_digits(fp, m.fraction))
    prefix = _cat(_sign(negative, m.sign, leading=True), _s("$" if m.dollar else ""))
    slots = len(m.integer) + (0 if m.sign else 1) + (1 if m.dollar else 0) + (1 if m.sign == "S<" else 0)
    core = _call("ltrim", body.copy())
    number: exp.Expr = _call("lpad", _cat(prefix, core), exp.Literal.number(slots + (len(m.fraction) + 1 if m.point else 0)),
                   _s(" "))
    if m.sign == "MI<":
        number = _cat(_call("if", negative.copy(), _s("-"), _s(" ")), number)
    elif m.sign.endswith(">"):
        number = _cat(number, _sign(negative, m.sign, leading=False))
    overflow = exp.and_(exp.GT(this=_call("length", ip.copy()), expression=exp.Literal.number(width)),
                        exp.NEQ(this=ip.copy(), expression=_s("0")))
    hashes = _s(_overflow_text(m))
    number = exp.Case(ifs=[exp.If(this=overflow, true=hashes)], default=number)
    if m.compact:
        number = _call("replace", number, _s(" "), _s(""))
    out = _cat(_s(m.before), number, _s(m.after))
    return exp.Case(ifs=[exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()), true=exp.Null())],
                    default=out)


def _sign(negative: exp.Expr, sign: str, *, leading: bool) -> exp.Expr:
    """The sign text: '-' or nothing by default; S gives '+' / '-'; MI gives ' ' / '-'."""
    if sign == "" and leading:
        return _call("if", negative.copy(), _s("-"), _s(""))
    if sign.startswith("S") and (sign == "S<") == leading:
        return _call("if", negative.copy(), _s("-"), _s("+"))
    if sign.startswith("MI") and not leading and sign == "MI>":
        return _call("if", negative.copy(), _s("-"), _s(" "))
    return _s("")


def _integer_part(ip: exp.Expr, items: list[str], width: int) -> exp.Expr:
    """Digits right-aligned in the digit positions; a `0` position shows a leading zero, a `9` a blank;
    a group separator shows only with a digit on its left."""
    padded = _call("lpad", ip.copy(), exp.Literal.number(max(width, 1)), _s(" "))
    parts: list[exp.Expr] = []
    position = 0
    previous: exp.Expr | None = None
    for item in items:
        if item == ",":
            comma = _s(" ") if previous is None else _call(
                "if", exp.NEQ(this=previous.copy(), expression=_s(" ")), _s(","), _s(" "))
            parts.append(comma)
            continue
        position += 1
        digit: exp.Expr = _call("substr", padded.copy(), exp.Literal.number(position), exp.Literal.number(1))
        if item == "0":
            digit = _call("if", exp.EQ(this=digit.copy(), expression=_s(" ")), _s("0"), digit)
        parts.append(digit)
        previous = digit
    return _cat(*parts) if parts else _s("")


def _fraction_digits(fp: exp.Expr, items: list[str]) -> list[exp.Expr]:
    """Fraction digits; a `9` position shows a blank for a trailing zero."""
    parts: list[exp.Expr] = []
    for n, item in enumerate(items, 1):
        digit = _call("substr", fp.copy(), exp.Literal.number(n), exp.Literal.number(1))
        if item == "9":
            rest = _call("substr", fp.copy(), exp.Literal.number(n))
            trailing = _call("regexp_full_match", rest, _s("0*"))
            digit = _call("if", trailing, _s(" "), digit)
        parts.append(digit)
    return parts or [_s("")]


def _overflow_text(m: _Model) -> str:
    """UNCERTAIN (conformance/DECISIONS.md F8): every digit position printed as `#`, separators kept."""
    integer = "".join("#" if c != "," else "," for c in m.integer)
    fraction = "." + "#" * len(m.fraction) if m.point else ""
    lead = "" if m.sign else " "
    text = lead + ("$" if m.dollar else "") + integer + fraction
    return (" " + text) if m.sign.endswith("<") else (text + " ") if m.sign else text


# ---------------------------------------------------------------------------------------------
# Parsing: TO_NUMBER / TO_DECIMAL / TO_NUMERIC (and TRY_) with a format model, in lax mode
# ---------------------------------------------------------------------------------------------


def parse(value: exp.Expr, text: str, precision: int, scale: int, safe: bool) -> exp.Expr:
    """TO_NUMBER(value, 'text', p, s): the text must match one of the `|`-separated models (lax mode: blanks
    around it, group separators optional but, when present, between full groups; `9` digits may be left
    out, `0` digits must be there); else 100038 Numeric value '…' is not recognized (NULL for TRY_)."""
    return parse_as(value, text, exp.DataType.build(f"DECIMAL({precision}, {scale})"), safe)


def parse_as(value: exp.Expr, text: str, to: exp.DataType, safe: bool) -> exp.Expr:
    """`parse` to any numeric type: TO_DOUBLE(value, 'text') reads the text as TO_NUMBER does, as a FLOAT
    (https://docs.snowflake.com/en/sql-reference/functions/to_double)."""
    special = _text_minimal_or_hex(value, text.strip().upper(), to, safe)
    if special is not None:
        return special
    patterns = [_pattern(_parse(alternative), alternative) for alternative in text.split("|")]
    regex = "^\\s*(?:" + "|".join(patterns) + ")\\s*$"
    matches = _call("regexp_full_match", value.copy(), exp.Literal.string(regex))
    negative = _call("contains", value.copy(), exp.Literal.string("-"))
    digits = _call("regexp_replace", value.copy(), exp.Literal.string("[^0-9.]"), exp.Literal.string(""),
                        exp.Literal.string("g"))
    signed = _cat(_call("if", negative, exp.Literal.string("-"), exp.Literal.string("")), digits)
    number = (exp.TryCast if safe else exp.Cast)(this=signed, to=to)
    refused: exp.Expr = exp.Null() if safe else _call(
        "error", _cat(exp.Literal.string("Could not convert string '"), value.copy(), exp.Literal.string("' to DECIMAL")))
    return exp.Case(ifs=[exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()), true=exp.Null()),
                         exp.If(this=matches, true=number)], default=refused)


def _text_minimal_or_hex(value: exp.Expr, text: str, to: exp.DataType, safe: bool) -> exp.Expr | None:
    """TO_NUMBER(v, 'TM9' | 'TM' | 'TME'): the text as a number (a blank after its sign allowed, as the
    to_decimal page's `'- 0.1'`); 'XXX': up to that many hexadecimal digits (`'ae5'` is 2789). None for others."""
    kind = exp.TryCast if safe else exp.Cast
    if text in ("TM9", "TM", "TME"):
        tight = _call("regexp_replace", _call("trim", value.copy()), exp.Literal.string("^([-+])\\s+"),
                      exp.Literal.string("\\1"))
        return kind(this=tight, to=to)
    if re.fullmatch(r"X+", text) is None:
        return None
    ok = _call("regexp_full_match", value.copy(), exp.Literal.string(f"^\\s*[0-9a-fA-F]{{1,{len(text)}}}\\s*$"))
    number = kind(this=kind(this=_cat(_s("0x"), _call("trim", value.copy())), to=exp.DataType.build("HUGEINT")),
                  to=to)
    refused: exp.Expr = exp.Null() if safe else _call(
        "error", _cat(exp.Literal.string("Could not convert string '"), value.copy(), exp.Literal.string("' to DECIMAL")))
    return exp.Case(ifs=[exp.If(this=exp.Is(this=value.copy(), expression=exp.Null()), true=exp.Null()),
                         exp.If(this=ok, true=number)], default=refused)


def _pattern(m: _Model, text: str) -> str:
    """The regular expression of the texts one fixed-position model reads."""
    if m.before or m.after:
        raise not_supported(f"TO_NUMBER with the format {text!r} (literal text)")
    groups = [len(g) for g in "".join(m.integer).split(",")]
    digits = [c for c in m.integer if c != ","]
    required = len(digits) - digits.index("0") if "0" in digits else 0
    plain = f"\\d{{{max(required, 1)},{len(digits)}}}"
    integer = plain
    if len(groups) > 1:  # with separators: a first group (partial, but holding the required digits), then full ones
        starts = [(j, max(1, required - sum(groups[j + 1:]))) for j in range(len(groups))]
        grouped = [f"\\d{{{least},{groups[j]}}}" + "".join(f",\\d{{{g}}}" for g in groups[j + 1:])
                   for j, least in starts if least <= groups[j]]
        integer = "(?:" + "|".join([plain, *grouped]) + ")"
    fraction = ""
    if m.point:
        least = m.fraction.count("0")  # `0` positions come first (_check refuses a `0` after a `9`)
        fraction = f"(?:\\.\\d{{{least},{len(m.fraction)}}})" + ("?" if least == 0 else "")
    dollar = "\\$" if m.dollar else ""
    sign = {"": "[-+]?\\s*", "S<": "[-+]"}.get(m.sign, "")
    tail = {"S>": "[-+]", "MI>": "[-+]?", "MI<": ""}.get(m.sign, "")
    head = "[-+]?" if m.sign == "MI<" else sign
    return f"{head}{dollar}{integer}{fraction}{tail}"
