"""SHA2 / SHA2_HEX / SHA2_BINARY (https://docs.snowflake.com/en/sql-reference/functions/sha2): the SHA-224,
SHA-384 and SHA-512 digests DuckDB does not compute, from Python's hashlib.

SHA-256 stays DuckDB's own `sha256`. The other sizes call `snowreg_sha2_digest(bytes, size)`, a Python
function on the data instance (catalog/sandbox.py PYTHON_FUNCTIONS), created the first time a statement's text
names it (Store.functions_for), or, once per registry, when a statement reads tables and a view or function
body stored in the data instance names it (`ensure_stored`: a persistent registry opened again). User SQL
cannot call it by name: the binder allows only Snowflake's functions.
"""

from __future__ import annotations

import hashlib
import weakref
from typing import TYPE_CHECKING

from sqlglot import exp

from snowreg import error_catalog, errors
from snowreg.catalog import sandbox
from snowreg.engine.sql import variant

if TYPE_CHECKING:
    import duckdb

    from snowreg.catalog.store import Store

NAME = "snowreg_sha2_digest"
SIZES = (224, 256, 384, 512)  # the page's digest sizes; SHA-512/224 and SHA-512/256 are not among them

_CHECKED: weakref.WeakKeyDictionary[Store, bool] = weakref.WeakKeyDictionary()


def sha2(name: str, message: exp.Expr, size: exp.Expr | None, binary: bool) -> exp.Expr:
    """The digest of `message` (an expression of its bytes) as lower-case hex, or its bytes for _BINARY."""
    bits = 256 if size is None else _size(name, size)
    if bits == 256:
        digest: exp.Expr = variant.fn("sha256", message)
    else:
        digest = variant.fn(NAME, message, exp.Literal.number(bits))
    return variant.fn("unhex", digest) if binary else digest


def _size(name: str, size: exp.Expr) -> int:
    if not (isinstance(size, exp.Literal) and size.is_int):
        raise errors.not_supported(f"{name} with a digest size that is not an integer constant")
    bits = int(size.this)
    if bits not in SIZES:
        raise error_catalog.invalid_digest_size(name, bits)
    return bits


def _digest(message: bytes, bits: int) -> str:
    return hashlib.new(f"sha{bits}", message).hexdigest()


def ensure_stored(store: Store) -> None:
    """Create the Python functions (this one, engine.sql.json_order's) a view or function stored in the data
    instance calls (checked once per registry, before the first statement that reads tables)."""
    if store in _CHECKED or store.path is None:  # in memory, a view naming it was made here: created then
        return
    _CHECKED[store] = True
    for name in sandbox.PYTHON_FUNCTIONS:
        found = store.data_query(
            "SELECT 1 FROM duckdb_views() WHERE sql ILIKE $1 UNION ALL "
            "SELECT 1 FROM duckdb_functions() WHERE CAST(macro_definition AS VARCHAR) ILIKE $1 LIMIT 1",
            [f"%{name}%"])
        if found:
            store.python_function(name)


def _create(data: duckdb.DuckDBPyConnection) -> None:
    import duckdb

    data.create_function(NAME, _digest, [duckdb.sqltype("BLOB"), duckdb.sqltype("INTEGER")],  # type: ignore[call-overload]
                         duckdb.sqltype("VARCHAR"), side_effects=False)


sandbox.PYTHON_FUNCTIONS[NAME] = _create
