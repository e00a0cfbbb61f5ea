"""The AUTO input formats DuckDB's casts do not read (https://docs.snowflake.com/en/sql-reference/date-time-input-output,
"Supported formats for AUTO detection"; conformance/DECISIONS.md T92).

DuckDB's cast reads the ISO forms. The others are read here: for a string literal, its text is rewritten as the
ISO text DuckDB reads (`iso_timestamp`, `iso_time`); for a value whose text is known only at run time, the
macros of engine.sql.dates try DuckDB's cast first and these strptime patterns after it (`ntz_read`, `zoned_read`,
`time_read`), so text in an ISO form costs nothing more.

- Dates: `DD-MON-YYYY` (`17-DEC-1980`), `MM/DD/YYYY` (`12/17/1980`), a time after either kept.
- Timestamps: the Internet (RFC) forms `DY, DD MON YYYY HH24:MI:SS[.FF] [TZHTZM]` and
  `DY, DD MON YYYY HH12:MI:SS[.FF] AM [TZHTZM]`, `DY MON DD HH24:MI:SS TZHTZM YYYY`, `MM/DD/YYYY HH24:MI:SS` and
  the ISO forms ending at the hour (`YYYY-MM-DD HH24`, `YYYY-MM-DD"T"HH24`).
- Times: `HH12:MI[:SS[.FF]] AM` (AM or PM).

The day's name is read, not checked against the date. A fraction keeps six digits (T93). A TIMESTAMP_NTZ ignores
the offset (its wall-clock time); a TIMESTAMP_LTZ / TZ is the instant the offset says.
"""

from __future__ import annotations

import re

from sqlglot import exp

_NAMES = "JANUARY FEBRUARY MARCH APRIL MAY JUNE JULY AUGUST SEPTEMBER OCTOBER NOVEMBER DECEMBER".split()
MONTHS = {**{m[:3]: n for n, m in enumerate(_NAMES, 1)}, **{m: n for n, m in enumerate(_NAMES, 1)}}
_DAYS = "MON|TUE|WED|THU|FRI|SAT|SUN"

_DD_MON_YYYY = re.compile(r"\s*(\d{1,2})-([A-Za-z]{3,9})-(\d{4})(?=\s|\Z)")
_MM_DD_YYYY = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})(?=\s|\Z)")
_CLOCK = r"(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
_MERIDIEM = r"(?:\s+([AP]M))?"
_OFFSET = r"([+-]\d{2}):?(\d{2})"
_RFC = re.compile(rf"\s*(?:{_DAYS}),\s*(\d{{1,2}})\s+([A-Z]{{3}})\s+(\d{{4}})\s+{_CLOCK}{_MERIDIEM}"
                  rf"(?:\s+{_OFFSET})?\s*", re.IGNORECASE)
_UNIX = re.compile(rf"\s*(?:{_DAYS})\s+([A-Z]{{3}})\s+(\d{{1,2}})\s+{_CLOCK}\s+{_OFFSET}\s+(\d{{4}})\s*", re.IGNORECASE)
_HOUR_ONLY = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2})\s*")
_TIME_12 = re.compile(r"\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s+([AP]M)\s*", re.IGNORECASE)


def _hour24(hour: str, meridiem: str | None) -> int | None:
    """The 24-hour hour of an HH12 hour and its AM / PM (None: no such time)."""
    h = int(hour)
    if meridiem is None:
        return h
    if not 1 <= h <= 12:
        return None
    return h % 12 + (12 if meridiem.upper() == "PM" else 0)


def _clock(hour: int, minute: str, second: str | None, fraction: str | None) -> str:
    return f"{hour:02d}:{minute}:{second or '00'}" + (f".{fraction[:6]}" if fraction else "")


def iso_timestamp(text: str) -> str:
    """A string literal in one of the AUTO date or timestamp formats DuckDB does not read, as the ISO text it
    reads (`2000-12-21 16:01:07+02:00`); any other text unchanged (so DuckDB's cast judges it)."""
    m = _DD_MON_YYYY.match(text)
    if m and m.group(2).upper() in MONTHS:
        return f"{m.group(3)}-{MONTHS[m.group(2).upper()]:02d}-{int(m.group(1)):02d}{text[m.end():]}"
    m = _MM_DD_YYYY.match(text)
    if m:
        return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d}{text[m.end():]}"
    if (m := _RFC.fullmatch(text)) is not None and m.group(2).upper()[:3] in MONTHS:
        day, month, year, hour, minute, second, fraction, meridiem, zh, zm = m.groups()
        h = _hour24(hour, meridiem)
        if h is None:
            return text
        zone = f"{zh}:{zm}" if zh else ""
        return f"{year}-{MONTHS[month.upper()]:02d}-{int(day):02d} {_clock(h, minute, second, fraction)}{zone}"
    if (m := _UNIX.fullmatch(text)) is not None and m.group(1).upper() in MONTHS:
        month, day, hour, minute, second, fraction, zh, zm, year = m.groups()
        return (f"{year}-{MONTHS[month.upper()]:02d}-{int(day):02d} {_clock(int(hour), minute, second, fraction)}"
                f"{zh}:{zm}")
    if (m := _HOUR_ONLY.fullmatch(text)) is not None:
        return f"{m.group(1)} {int(m.group(2)):02d}:00:00"
    return text


def iso_time(text: str) -> str:
    """A string literal in an AUTO time format with AM / PM as the 24-hour text DuckDB reads; other text
    unchanged."""
    m = _TIME_12.fullmatch(text)
    if m is None:
        return text
    hour, minute, second, fraction, meridiem = m.groups()
    h = _hour24(hour, meridiem)
    return text if h is None else _clock(h, minute, second, fraction)


# Run-time reading of a text DuckDB's cast refused. Fraction digits past the sixth are cut first (T93), as
# DuckDB's %f reads at most six.
_SIX = r"regexp_replace(trim({0}), '(\.\d{{6}})\d+', '\1')"
# Without the offset (a TIMESTAMP_NTZ keeps the wall-clock time): an RFC text's last word, or the word before
# the year of `DY MON DD HH24:MI:SS TZHTZM YYYY`.
_NO_OFFSET = r"regexp_replace(" + _SIX + r", '\s+[+-]\d{{2}}:?\d{{2}}(\s+\d{{4}})?$', '\1')"
_LOCAL = ["%d-%b-%Y", "%d-%B-%Y", "%m/%d/%Y", "%d-%b-%Y %H:%M:%S", "%d-%B-%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S",
          "%d-%b-%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M:%S.%f", "%a, %d %b %Y %H:%M:%S", "%a, %d %b %Y %H:%M:%S.%f",
          "%a, %d %b %Y %I:%M:%S %p", "%a, %d %b %Y %I:%M:%S.%f %p", "%a %b %d %H:%M:%S %Y", "%Y-%m-%d %H",
          "%Y-%m-%dT%H"]
_ZONED = ["%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S.%f %z", "%a, %d %b %Y %I:%M:%S %p %z",
          "%a, %d %b %Y %I:%M:%S.%f %p %z", "%a %b %d %H:%M:%S %z %Y"]
_TIMES = ["%I:%M %p", "%I:%M:%S %p", "%I:%M:%S.%f %p"]


def _patterns(formats: list[str]) -> str:
    return "[" + ", ".join(f"'{f}'" for f in formats) + "]"


def ntz_read(text: str) -> str:
    """The wall-clock TIMESTAMP of `text` (SQL) in an AUTO format DuckDB's cast lacks; NULL when none."""
    return f"try_strptime({_NO_OFFSET.format(text)}, {_patterns(_LOCAL)})"


def zoned_read(text: str) -> str:
    """The instant (TIMESTAMPTZ) of `text` in an AUTO format with an offset DuckDB's cast lacks; NULL when none."""
    return f"try_strptime({_SIX.format(text)}, {_patterns(_ZONED)})"


def time_read(text: str) -> str:
    """The TIME of `text` in an AUTO time format with AM / PM; NULL when none."""
    return f"CAST(try_strptime({_SIX.format(text)}, {_patterns(_TIMES)}) AS TIME)"


_DATED = ("DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")


_DIGIT_TEXT = re.compile(r"'[^']*\d")  # a string literal holding a digit


def compared(stmt: exp.Expr, sql: str) -> bool:
    """A string literal in an AUTO format besides ISO compared with another operand (`d = '17-DEC-1980'`,
    BETWEEN, IN) is its ISO text when that operand is a date, time or timestamp, and stays as written
    otherwise (a VARCHAR column compares its own text): DuckDB's implicit conversion reads only ISO text.
    typeof() of the other operand is a constant while DuckDB binds, so the choice is made once. BETWEEN and IN
    holding such a literal are written as the comparisons they stand for. True when a literal was rewritten
    (its comparison is then probed from the first run, engine.sql.comparisons)."""
    if not _DIGIT_TEXT.search(sql):
        return False
    found = False
    for node in list(stmt.find_all(exp.Between, exp.In)):
        assert isinstance(node, exp.Between | exp.In)
        bounds = [node.args.get("low"), node.args.get("high")] if isinstance(node, exp.Between) else node.expressions
        if node.args.get("query") is None and any(_rewritten(b) for b in bounds if isinstance(b, exp.Literal)):
            node.replace(exp.Paren(this=_spelled_out(node)))
    for lit in list(stmt.find_all(exp.Literal)):
        if not lit.is_string or lit.arg_key not in ("this", "expression", "low", "high", "expressions"):
            continue
        parent = lit.parent
        if isinstance(parent, exp.EQ | exp.NEQ | exp.GT | exp.GTE | exp.LT | exp.LTE):
            other = parent.expression if lit.arg_key == "this" else parent.this
        else:
            continue
        iso = _rewritten(lit)
        if iso is None or isinstance(other, exp.Literal):
            continue
        dated = exp.In(this=exp.Anonymous(this="typeof", expressions=[other.copy()]),
                       expressions=[exp.Literal.string(t) for t in _DATED])
        lit.replace(exp.Case(ifs=[exp.If(this=dated, true=exp.Literal.string(iso))], default=lit.copy()))
        found = True
    return found


def _rewritten(lit: exp.Literal) -> str | None:
    """The ISO text of a string literal in an AUTO format besides ISO; None for any other literal."""
    if not lit.is_string:
        return None
    iso = iso_timestamp(lit.this)
    iso = iso if iso != lit.this else iso_time(lit.this)
    return None if iso == lit.this else iso


def _spelled_out(node: exp.Between | exp.In) -> exp.Expr:
    """`x BETWEEN a AND b` as `x >= a AND x <= b`; `x IN (a, b)` as `x = a OR x = b`."""
    x = node.this
    if isinstance(node, exp.Between):
        return exp.and_(exp.GTE(this=x.copy(), expression=node.args["low"].copy()),
                        exp.LTE(this=x.copy(), expression=node.args["high"].copy()))
    return exp.or_(*(exp.EQ(this=x.copy(), expression=e.copy()) for e in node.expressions))
