"""`TABLE([db.]INFORMATION_SCHEMA.TAG_REFERENCES('<object>', '<domain>'))` and TAG_REFERENCES_ALL_COLUMNS for the
domains other than models (DATABASE, SCHEMA, TABLE, COLUMN), answered before translation: the call becomes a
derived table of the rows engine.object_tags works out for the session (tag inheritance, privileges), so the rest
of the query (WHERE, joins, column names) runs as usual. TAG_REFERENCES of a model (domain MODULE) stays the
INFORMATION_SCHEMA macro's (catalog/views.sql).
(https://docs.snowflake.com/en/sql-reference/functions/tag_references, …/tag_references_all_columns)"""

from __future__ import annotations

import re

from snowreg import errors
from snowreg.engine.session import Session
from snowreg.grammar.text import LITERALS_AND_COMMENTS as _SKIP
from snowreg.grammar.text import Spliced, literal

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_ARG = r"\s*('(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$)\s*"
# A literal or comment (skipped), or the whole table function call with two literal arguments.
_SCAN = re.compile(_SKIP.pattern + rf"|(?<![\w$.])TABLE\s*\(\s*(?:(?!INFORMATION_SCHEMA\s*\.)(?P<db>{_IDENT})\s*\.\s*)?(?P<is>INFORMATION_SCHEMA"
                   rf"\s*\.\s*)?(?P<fn>TAG_REFERENCES(?:_ALL_COLUMNS)?)\s*\({_ARG},{_ARG}\)\s*\)", re.S | re.I)
_MODEL_DOMAINS = ("MODULE", "MODEL")
_VIEW = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:SECURE\s+)?(?:RECURSIVE\s+)?(?:MATERIALIZED\s+)?VIEW\b", re.I)
_LINEAGE = re.compile(_SKIP.pattern + r"|(?<![\w$])(TAG_REFERENCES_WITH_LINEAGE)\s*\(", re.S | re.I)


def expand(session: Session, sql: str) -> Spliced | None:
    """The text with each such call replaced by its rows; None when it has none."""
    if "tag_references" not in sql.lower():
        return None
    if "with_lineage" in sql.lower() and any(m.group(1) for m in _LINEAGE.finditer(sql)):
        raise errors.not_supported("SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES_WITH_LINEAGE (Account Usage: snowreg has "
                                   "no SNOWFLAKE database; TAG_REFERENCES answers for one object)")
    edits: list[tuple[int, int, str]] = []
    for m in _SCAN.finditer(sql):
        if m.group("fn") is None:
            continue
        if m.group("is") is None and (m.group("db") is not None or (session.schema or "") != "INFORMATION_SCHEMA"):
            continue  # not the INFORMATION_SCHEMA function: left to the translation
        args = re.findall(r"'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$", sql[m.start("fn"):m.end()], re.S)
        name, domain = _value(args[0]), _value(args[1])
        if domain.strip().upper() in _MODEL_DOMAINS and m.group("fn").upper() == "TAG_REFERENCES":
            continue  # a model's tags: the INFORMATION_SCHEMA macro's
        if _VIEW.match(sql):  # its rows would be the view's for good, not read when it is queried
            raise errors.not_supported(f"INFORMATION_SCHEMA.{m.group('fn').upper()} of objects other than models "
                                       "in a view's query")
        if m.group("db") is not None:
            _check_database(session, m.group("db"))
        edits.append((m.start(), m.end(), _rows(session, m.group("fn").upper(), name, domain.strip())))
    return Spliced.edited(sql, edits) if edits else None


def _value(text: str) -> str:
    if text.startswith("$$"):
        return text[2:-2]
    return re.sub(r"\\(.)|''", lambda m: m.group(1) or "'", text[1:-1])


def _check_database(session: Session, text: str) -> None:
    from snowreg.engine.access import privileges
    from snowreg.grammar.text import quote_ident

    name = text[1:-1].replace('""', '"') if text.startswith('"') else text.upper()
    if session.catalog.databases.get_database(name) is None or not privileges.can_see_database(session, name):
        raise errors.does_not_exist("Database", quote_ident(name))


def _rows(session: Session, function: str, name: str, domain: str) -> str:
    from snowreg.engine import object_tags  # loads with the first call

    if function == "TAG_REFERENCES":
        rows = object_tags.references(session, name, domain)
    else:
        rows = object_tags.references_all_columns(session, name, domain)
    columns = object_tags.COLUMNS
    if not rows:
        return "(SELECT " + ", ".join(f'NULL::VARCHAR AS "{c}"' for c in columns) + " WHERE FALSE)"
    values = ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)
    aliases = ", ".join(f"c{k}" for k in range(len(columns)))
    picked = ", ".join(f'c{k}::VARCHAR AS "{c}"' for k, c in enumerate(columns))
    return f"(SELECT {picked} FROM (VALUES {values}) AS snowreg_tag_references({aliases}))"
