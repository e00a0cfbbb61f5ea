"""Translations shared by statements that differ only in generated names (`grammar.shape.lift_names`).

Clients name their temporary objects with random suffixes (Snowpark's SNOWPARK_TEMP_TABLE_<10>; the
model client's `WITH SNOWPARK_ML_MODEL_INFERENCE_INPUT_<10> AS (…) SELECT *, … AS TMP_RESULT_<10>`), so
each call sends texts no per-text cache has seen. A translation depends on the text alone: names are
resolved, privileges checked and tables read on every run, after translating. So such a text is
translated with its generated names numbered in order of appearance (same lengths: every offset in
the text stays where it was), and the names are written back into the translation.

A shape is trusted only once a text of it, translated as written, came out equal, field for field, to
the translation of its shape with the names written back; a shape whose translation reads a name's
characters fails that test and is translated as written every time. Errors never come from the
shape: a text whose shape does not translate is translated as written, and raises what it raises.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from snowreg import errors
from snowreg.grammar.shape import Names, lift_names

T = TypeVar("T")
_LIMIT = 1024

# (shape key, what else the translation depends on) → whether the shape's translation may be renamed
_trusted: dict[tuple[str, object], bool] = {}


def translation(text: str, translate: Callable[[str], T], extra: object = None) -> T:
    """`translate(text)`, from the translation of the text's shape when it has generated names.

    `translate` must depend on nothing but its text and `extra` (which completes the cache key).
    """
    names = lift_names(text)
    if names is None:
        return translate(text)
    key = (names.key, extra)
    trusted = _trusted.get(key)
    if trusted is False:
        return translate(text)
    if trusted is None:
        written = translate(text)  # raises what the text raises
        if len(_trusted) >= _LIMIT:
            _trusted.clear()
        _trusted[key] = _renamed_shape(names, translate) == written
        return written
    renamed = _renamed_shape(names, translate)
    return translate(text) if renamed is None else renamed


def _renamed_shape(names: Names, translate: Callable[[str], T]) -> T | None:
    try:
        shaped = translate(names.key)
    except errors.Error:
        return None
    return _rename(shaped, names.renames)  # type: ignore[no-any-return]


def _rename(value: Any, renames: tuple[tuple[str, str], ...]) -> Any:
    """`value` with every canonical name written back, through strings, tuples, sets and dataclasses."""
    if isinstance(value, str):
        for canonical, name in renames:
            if canonical in value:
                value = value.replace(canonical, name)
        return value
    if isinstance(value, tuple):
        items = [_rename(v, renames) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, frozenset):
        return frozenset(_rename(v, renames) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _rename(getattr(value, f.name), renames) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
