"""References to INFORMATION_SCHEMA views and table functions, each made a call of the table macro behind it
(catalog/views.sql; catalog/information.py lists them)."""

from __future__ import annotations

from sqlglot import exp

from snowreg.catalog import information
from snowreg.engine.sql import packages, variant
from snowreg.errors import not_supported

# Snowflake's INFORMATION_SCHEMA objects that snowreg emulates → (table macro, takes the database).
EMULATED: dict[str, tuple[str, bool]] = {
    **information.VIEWS,
    "TAG_REFERENCES": ("snowreg_tag_references", True),  # a table function
}


def reference(name: str, database: str | None, args: list[exp.Expr],
                        alias: exp.Expr | None) -> exp.Expr:
    """`DB.INFORMATION_SCHEMA.MODEL_VERSIONS` → `snowreg_model_versions('DB') AS "MODEL_VERSIONS"`; a documented
    view snowreg does not answer is not supported, any other name a view that does not exist."""
    if name not in EMULATED:
        if name in information.DOCUMENTED:
            raise not_supported(f"INFORMATION_SCHEMA.{name}")
        # no such view: engine.sql.bind reports it (002003) with the database it names, before anything runs
        return exp.Table(this=variant.fn("snowreg_is_no_such_view"), alias=alias)
    if len(args) != (2 if name == "TAG_REFERENCES" else 0) or any(isinstance(a, exp.PropertyEQ | exp.Kwarg) for a in args):
        takes = "(<object name>, <domain>), by position" if name == "TAG_REFERENCES" else "without arguments"
        raise not_supported(f"INFORMATION_SCHEMA.{name} other than {takes}")
    if name == "TAG_REFERENCES" and isinstance(args[1], exp.Literal) and args[1].is_string \
            and args[1].name.strip().upper() not in ("MODULE", "MODEL"):
        # the other domains' rows are worked out before translation (engine/sql/tag_references.py), for the text
        # of a statement: not inside a function's body, which is translated on its own
        raise not_supported("INFORMATION_SCHEMA.TAG_REFERENCES of a database, schema, table, view or column inside "
                            "a function's body")
    if name == "PACKAGES":  # the distributions installed here, read when first named (engine.sql.packages)
        return packages.table(alias)
    macro, takes_db = EMULATED[name]
    db: exp.Expr = exp.Literal.string(database) if database else variant.fn("current_database")
    call = variant.fn(macro, *([db] if takes_db else []), *args)
    alias = alias or exp.TableAlias(this=exp.Identifier(this=name, quoted=True))
    return exp.Table(this=call, alias=alias)
