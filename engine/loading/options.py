"""Option lists of the loading statements (`KEY = value …`, `FILE_FORMAT = ( … )`) and file formats: the
documented options of each TYPE with their defaults, which of them snowreg emulates, and a format's
options resolved from a named format, a stage's own and the statement's
(https://docs.snowflake.com/en/sql-reference/sql/create-file-format, "Format type options")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from snowreg import errors
from snowreg.engine.loading import errors as lerrors

_TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:[^'\\]|\\.|'')*')|(?P<dollar>\$\$.*?\$\$)|(?P<arrow>=>)|(?P<punct>[=(),])|
                    (?P<num>-?\d+(?:\.\d+)?)(?![\w$])|(?P<word>(?:"(?:[^"]|"")+"|[A-Za-z_@$~%][\w$./@%~-]*)
                    (?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))*))""", re.S | re.X)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0", "\\": "\\", "'": "'", '"': '"'}


def unquote(literal: str) -> str:
    """A SQL string literal's text: `''` and backslash escapes (`\\t`, `\\n`, `\\\\`, octal, `\\x..`) read."""
    if literal.startswith("$$"):
        return literal[2:-2]
    body = literal[1:-1].replace("''", "'")
    return re.sub(r"\\(x[0-9a-fA-F]{2}|[0-7]{3}|.)", _escape, body, flags=re.S)


def _escape(m: re.Match[str]) -> str:
    code = m.group(1)
    if code[0] == "x":
        return chr(int(code[1:], 16))
    if len(code) == 3:
        return chr(int(code, 8))
    return _ESCAPES.get(code, code)


class Word(str):
    """A bare word of an option list (NONE, AUTO, CSV, a name), as written (quoted parts keep their quotes)."""


def tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip().rstrip(";")
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise lerrors.syntax(f"syntax error: unexpected '{text[pos:].strip()[:20]}'.")
        kind = m.lastgroup or ""
        out.append(("str" if kind == "dollar" else kind, m.group(kind)))
        pos = m.end()
    return out


class _Reader:
    def __init__(self, toks: list[tuple[str, str]]) -> None:
        self.toks, self.i = toks, 0

    def peek(self, k: int = 0) -> tuple[str, str]:
        return self.toks[self.i + k] if self.i + k < len(self.toks) else ("end", "")

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        self.i += 1
        return tok

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return unquote(text)
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "word":
            upper = text.upper()
            return True if upper == "TRUE" else False if upper == "FALSE" else Word(text)
        if text == "(":
            if self.peek()[0] == "word" and self.peek(1)[1] == "=":
                inner = self.options(until=")")
                self.take()
                return inner
            items = []
            while self.peek()[1] != ")":
                if self.peek()[0] == "end":
                    raise lerrors.syntax("syntax error: missing ')'.")
                items.append(self.value())
                if self.peek()[1] == ",":
                    self.take()
            self.take()
            return items
        raise lerrors.syntax(f"syntax error: unexpected '{text}'.")

    def options(self, until: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self.peek()[0] != "end" and self.peek()[1] != until:
            if self.peek()[1] == ",":
                self.take()
                continue
            kind, name = self.take()
            if kind != "word" or self.peek()[1] not in ("=", "=>"):
                raise lerrors.syntax(f"syntax error: unexpected '{name}'.")
            self.take()
            out[name.upper()] = self.value()
        return out


def parse_options(text: str) -> dict[str, Any]:
    """`KEY = value …` (values: strings, numbers, TRUE / FALSE, words, `( … )` lists or option lists)."""
    return _Reader(tokens(text)).options()


# ---------------------------------------------------------------------------------------------
# File format types: documented options, defaults, what is emulated
# ---------------------------------------------------------------------------------------------

_COMMON = {"COMPRESSION": "AUTO", "DATE_FORMAT": "AUTO", "TIME_FORMAT": "AUTO", "TIMESTAMP_FORMAT": "AUTO",
           "BINARY_FORMAT": "HEX", "TRIM_SPACE": False, "NULL_IF": ["\\N"], "FILE_EXTENSION": None,
           "REPLACE_INVALID_CHARACTERS": False, "SKIP_BYTE_ORDER_MARK": True}
DEFAULTS: dict[str, dict[str, Any]] = {
    "CSV": {**_COMMON, "RECORD_DELIMITER": "\n", "FIELD_DELIMITER": ",", "MULTI_LINE": True, "PARSE_HEADER": False,
            "SKIP_HEADER": 0, "SKIP_BLANK_LINES": False, "ESCAPE": "NONE", "ESCAPE_UNENCLOSED_FIELD": "\\",
            "FIELD_OPTIONALLY_ENCLOSED_BY": "NONE", "ERROR_ON_COLUMN_COUNT_MISMATCH": True,
            "EMPTY_FIELD_AS_NULL": True, "ENCODING": "UTF8"},
    "JSON": {**_COMMON, "NULL_IF": [], "MULTI_LINE": True, "ENABLE_OCTAL": False, "ALLOW_DUPLICATE": False,
             "STRIP_OUTER_ARRAY": False, "STRIP_NULL_VALUES": False, "IGNORE_UTF8_ERRORS": False},
    "PARQUET": {"COMPRESSION": "AUTO", "BINARY_AS_TEXT": True, "USE_LOGICAL_TYPE": False, "TRIM_SPACE": False,
                "USE_VECTORIZED_SCANNER": False, "REPLACE_INVALID_CHARACTERS": False, "NULL_IF": [],
                "SNAPPY_COMPRESSION": True},
}
# Options whose every value is emulated; any other option is accepted with its default value only.
_EMULATED = {"CSV": {"COMPRESSION", "RECORD_DELIMITER", "FIELD_DELIMITER", "PARSE_HEADER", "SKIP_HEADER",
                     "SKIP_BLANK_LINES", "DATE_FORMAT", "TIME_FORMAT", "TIMESTAMP_FORMAT", "ESCAPE",
                     "ESCAPE_UNENCLOSED_FIELD", "TRIM_SPACE", "FIELD_OPTIONALLY_ENCLOSED_BY", "NULL_IF",
                     "ERROR_ON_COLUMN_COUNT_MISMATCH", "EMPTY_FIELD_AS_NULL", "FILE_EXTENSION",
                     "REPLACE_INVALID_CHARACTERS", "SKIP_BYTE_ORDER_MARK", "MULTI_LINE"},
             "JSON": {"COMPRESSION", "DATE_FORMAT", "TIME_FORMAT", "TIMESTAMP_FORMAT", "TRIM_SPACE", "NULL_IF",
                      "FILE_EXTENSION", "STRIP_OUTER_ARRAY", "STRIP_NULL_VALUES", "ALLOW_DUPLICATE",
                      "REPLACE_INVALID_CHARACTERS", "SKIP_BYTE_ORDER_MARK", "MULTI_LINE"},
             "PARQUET": {"COMPRESSION", "BINARY_AS_TEXT", "USE_LOGICAL_TYPE", "USE_VECTORIZED_SCANNER",
                         "SNAPPY_COMPRESSION", "TRIM_SPACE", "NULL_IF"}}
_COMPRESSIONS = ("AUTO", "GZIP", "NONE")
_DOCUMENTED_COMPRESSIONS = ("AUTO", "GZIP", "BZ2", "BROTLI", "ZSTD", "DEFLATE", "RAW_DEFLATE", "NONE", "LZO",
                            "SNAPPY")


@dataclass(frozen=True, slots=True)
class FileFormat:
    """A resolved file format: its TYPE and every option of that type (the defaults filled in)."""

    type: str
    options: dict[str, Any]

    def get(self, name: str) -> Any:
        return self.options[name]

    def none_or(self, name: str) -> str | None:
        """A character option that may be NONE (the word, or the string 'NONE' as the docs write it)."""
        value = self.options[name]
        if value is None or (isinstance(value, str) and value.upper() == "NONE" and (isinstance(value, Word)
                                                                                    or len(value) == 4)):
            return None
        return str(value)


def checked(fmt_type: str, given: dict[str, Any]) -> dict[str, Any]:
    """The options a statement gave for a format of `fmt_type`, checked against its documented options
    (their names upper case; word values such as AUTO upper case too)."""
    fmt_type = fmt_type.upper()
    if fmt_type not in DEFAULTS:
        if fmt_type in ("AVRO", "ORC", "XML", "CUSTOM"):
            raise errors.not_supported(f"A file format of TYPE = {fmt_type} (CSV, JSON and PARQUET are)")
        raise lerrors.invalid_value(f"invalid value ['{fmt_type}'] for parameter 'TYPE'")
    out: dict[str, Any] = {}
    for name, value in given.items():
        if name in ("TYPE", "FORMAT_NAME", "COMMENT"):
            continue
        if name not in DEFAULTS[fmt_type]:
            raise errors.compilation_error(f"Invalid file format option '{name}' for TYPE = {fmt_type}.")
        if isinstance(value, Word) and "." not in value and '"' not in value:
            value = Word(value.upper())
        if name == "NULL_IF" and not isinstance(value, list):
            value = [value]
        out[name] = _typed(name, value, DEFAULTS[fmt_type][name])
    compression = str(out.get("COMPRESSION", "AUTO")).upper()
    if compression not in _DOCUMENTED_COMPRESSIONS:
        raise lerrors.invalid_value(f"invalid value ['{compression}'] for parameter 'COMPRESSION'")
    return out


def _typed(name: str, value: Any, default: Any) -> Any:
    """A boolean option's TRUE | FALSE ('TRUE' | 'FALSE' quoted too), an integer option's (SKIP_HEADER) whole
    number from 0, else 001008 before anything is made or changed (X23)."""
    if isinstance(default, bool):
        if isinstance(value, str) and value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        if isinstance(value, bool):
            return value
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    else:
        return value
    shown = f"'{value}'" if isinstance(value, str) else option_text(value)
    raise lerrors.invalid_value(f"invalid value [{shown}] for parameter '{name}'")


def resolve(fmt_type: str, *layers: dict[str, Any]) -> FileFormat:
    """A format of `fmt_type` from its defaults and the given option layers, later ones winning."""
    fmt_type = fmt_type.upper()
    checked(fmt_type, {})  # a TYPE no format has (COPY INTO … FILE_FORMAT = (TYPE = …)): 001008, not a KeyError
    options = dict(DEFAULTS[fmt_type])
    for layer in layers:
        options.update(checked(fmt_type, layer))
    for name, value in options.items():
        if name not in _EMULATED[fmt_type] and value != DEFAULTS[fmt_type][name]:
            raise errors.not_supported(f"The file format option {name} = {value!r} for TYPE = {fmt_type}")
    compression = str(options["COMPRESSION"]).upper()
    if fmt_type != "PARQUET" and compression not in _COMPRESSIONS:
        raise errors.not_supported(f"COMPRESSION = {compression} (AUTO, GZIP and NONE are)")
    options["COMPRESSION"] = compression
    return FileFormat(fmt_type, options)


def option_text(value: Any) -> str:
    """An option's value as DESCRIBE FILE FORMAT shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if value is None:
        return ""
    return str(value)
