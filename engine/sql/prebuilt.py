"""The macros translated SQL calls, built once per DuckDB version into a file data instances attach read-only.

Creating the ~15 macros costs a session about as much as opening DuckDB; attaching a file that holds
them costs a fraction of a millisecond. The file lives in the user's own cache directory (owner-only
folder, a regular file only this user can write), is named by a hash of DuckDB's version and the
macros' text, and is written under a temporary name and renamed, so concurrent processes never see a
half-built one. The name is computed from the source of the modules the macros' text is made in
(`_MACRO_SOURCES`), so connecting imports none of them (nor sqlglot, which they import): they load
when a statement first needs the file or a translation. A fresh in-memory registry attaches it when a statement first calls one of the macros
(`Store.functions_for`), a persistent one when it opens. When it cannot be used, the macros are created
instead (`variant.install`). SNOWREG_NO_FUNCTION_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import os
import stat
from functools import cache
from pathlib import Path

import duckdb

from snowreg.catalog import FunctionCatalog
from snowreg.catalog.sandbox import MACRO_CATALOG

_FORMAT = "2"  # bump when the way the file is built changes
# The modules whose constants make up the macros' text: variant, numbers, dates and arrays hold the
# macros, and every engine.sql module they import (tests/engine/sql/test_trivial_select.py checks it).
_MACRO_SOURCES = ("arrays", "auto_formats", "binary_formats", "call_args", "comparisons", "conditionals", "date_texts",
                  "dates", "numbers", "numformat", "setops", "duckerrors", "function_catalogue", "input_texts", "json_errors",
                  "json_order", "variant", "weeks",
                  "zoned", "../input_formats", "../output_formats")  # the variables' names binary_formats' macros read


def _digest() -> str:
    """What names the file: DuckDB's version and the source of the modules that make the macros' text
    (the text itself when a source file cannot be read: an install without sources)."""
    digest = hashlib.sha256(f"{duckdb.__version__}\n{_FORMAT}\n".encode())
    here = Path(__file__).parent
    try:
        for name in _MACRO_SOURCES:
            digest.update((here / f"{name}.py").read_bytes())
    except OSError:
        return hashlib.sha256(_source().encode()).hexdigest()[:16]
    return digest.hexdigest()[:16]


def _source() -> str:
    from snowreg.engine.sql import arrays, dates, numbers, variant

    parts = [duckdb.__version__, _FORMAT]
    for macros in (variant._MACROS, numbers.MACROS, dates.MACROS, arrays.MACROS):  # noqa: SLF001 - their text names the file
        parts.extend(f"{signature} AS {body}" for signature, body in macros.items())
    return "\n".join(parts)


@cache
def function_catalog() -> FunctionCatalog | None:
    """The prebuilt macro catalog for this process (built on first call), or None when unavailable."""
    if os.environ.get("SNOWREG_NO_FUNCTION_CACHE") or not hasattr(os, "getuid"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "snowreg"
    path = folder / f"functions-{_digest()}.duckdb"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder, directory=True):
            return None
        if os.path.lexists(path) and not _private(path, directory=False):
            os.unlink(path)  # planted or loosened: never attach it
        if not path.exists():
            _build(path)
    except (OSError, duckdb.Error):
        return None
    return FunctionCatalog(MACRO_CATALOG, path, _create)


def _create(con: duckdb.DuckDBPyConnection) -> None:
    """Create the macros on a connection (an in-memory catalog of that name), when the file fails to attach."""
    from snowreg.engine.sql import numbers, variant

    variant.install(con)
    numbers.install(con)


def _build(path: Path) -> None:
    """Write the macros into a new DuckDB file under a temporary name, then rename it into place."""
    from snowreg.engine.sql import numbers, variant

    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    scratch.unlink(missing_ok=True)
    try:
        con = duckdb.connect()
        try:
            target = str(scratch).replace("'", "''")
            con.execute(f"ATTACH '{target}' AS {MACRO_CATALOG}")
            variant.install(con)  # into the attached file: ATTACH IF NOT EXISTS keeps it
            numbers.install(con)
            con.execute(f"DETACH {MACRO_CATALOG}")
        finally:
            con.close()
        os.chmod(scratch, 0o600)
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)
        Path(str(scratch) + ".wal").unlink(missing_ok=True)


def _private(path: Path, *, directory: bool) -> bool:
    """Owned by this user, not a link, and writable by no one else (a directory: no access for others)."""
    st = os.lstat(path)
    kind_ok = stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)
    others = 0o077 if directory else 0o022
    return kind_ok and st.st_uid == os.getuid() and not st.st_mode & others
