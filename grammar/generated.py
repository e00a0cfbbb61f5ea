"""Statements that differ only in generated names share what is made from their text (a parse, a translation).

Clients name their temporary objects with random suffixes (Snowpark's SNOWPARK_TEMP_TABLE_<10>; the
model client's `WITH SNOWPARK_ML_MODEL_INFERENCE_INPUT_<10> AS (…) SELECT *, … AS TMP_RESULT_<10>`), so
each call sends texts no per-text cache has seen. The parse and the translation of a text depend on
the text alone (names are resolved, privileges checked and tables read on every run, afterwards). So
such a text is handled with its generated names numbered in order of appearance (same lengths: every
offset in the text stays where it was), and the names are written back into the result.

A shape is trusted only once a text of it, handled as written, came out equal, field for field, to
its shape's result with the names written back; a shape whose result reads a name's characters fails
that test and every text of it is handled as written. Errors never come from the shape: a text whose
shape fails is handled as written, and raises what it raises.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from snowreg.errors import Error
from snowreg.grammar import shape
from snowreg.grammar.shape import TOKEN

# A generated name: an upper-case name whose last part is ten upper-case letters and digits, at least one
# a digit, as clients name their temporary objects (Snowpark's SNOWPARK_TEMP_TABLE_<10>; the model
# client's SNOWPARK_ML_MODEL_INFERENCE_INPUT_<10> and TMP_RESULT_<10>). The digit keeps out keywords
# and function names (EPOCH_NANOSECOND, APPROX_PERCENTILE), which a translation reads.
_GENERATED = re.compile(r"([A-Z][A-Z0-9_]*_)(?=[A-Z]*[0-9])([A-Z0-9]{10})\Z")


@dataclass(frozen=True, slots=True)
class Names:
    """`key` is the text with each generated name's last part replaced by its number in order of first
    appearance (same length); `renames` pairs each such canonical name with the name it stands for."""

    key: str
    renames: tuple[tuple[str, str], ...]  # (canonical name, generated name)


def lift_names(text: str) -> Names | None:
    """The text's generated names lifted out, or None when it has none or one cannot be lifted safely:
    a generated name that also stands where it is not a whole name (a string, a comment, another
    spelling, part of a longer word), or a text that already holds a canonical name."""
    if not shape.ENABLED or _MAY_HOLD.search(text) is None:  # most texts: one scan in C, no tokenizing
        return None
    return _lift_names(text)


# What every generated name holds, written as a word or inside quotes (see _GENERATED)
_MAY_HOLD = re.compile(r"_[A-Z0-9]{10}")


@lru_cache(maxsize=256)
def _lift_names(text: str) -> Names | None:
    found: dict[str, str] = {}  # name → canonical name
    pieces: list[str] = []
    pos = 0
    for m in TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "word":
            name, start = m.group(), m.start()
        elif kind == "quoted":
            name, start = m.group()[1:-1], m.start() + 1
        else:
            continue
        generated = _GENERATED.match(name)
        if generated is None:
            continue
        canonical = found.get(name)
        if canonical is None:
            canonical = found[name] = f"{generated.group(1)}{len(found) + 1:010d}"
        pieces += [text[pos:start], canonical]
        pos = start + len(name)
    if not found:
        return None
    pieces.append(text[pos:])
    key = "".join(pieces)
    upper_key, upper_text = key.upper(), text.upper()
    if any(name in upper_key for name in found) or any(c in upper_text for c in found.values()):
        return None
    return Names(key, tuple((c, name) for name, c in found.items()))


T = TypeVar("T")
Renames = tuple[tuple[str, str], ...]  # (canonical name, the generated name it stands for)
_LIMIT = 1024

# (shape key, *the caller's key) → whether what is made of the shape may be renamed
_trusted: dict[tuple[object, ...], bool] = {}


def shared(text: str, make: Callable[[str], T], key: tuple[object, ...],
           rename: Callable[[T, Renames], T] | None = None, same: Callable[[T, T], bool] | None = None) -> T:
    """`make(text)`, from `make` of the text's shape when it has generated names.

    `make` must depend on nothing but its text and `key`, which names it and completes the cache key.
    `rename` writes the names back into what `make` made (default: through strings, tuples, sets and
    dataclasses) and `same` compares two of them (default: ==).
    """
    names = lift_names(text)
    if names is None:
        return make(text)
    known = (names.key, *key)
    trusted = _trusted.get(known)
    if trusted is False:
        return make(text)
    if trusted is None:
        written = make(text)  # raises what the text raises
        if len(_trusted) >= _LIMIT:
            _trusted.clear()
        renamed = _renamed_shape(names, make, rename)
        _trusted[known] = renamed is not None and (same or _equal)(renamed, written)
        return written
    renamed = _renamed_shape(names, make, rename)
    return make(text) if renamed is None else renamed


def _equal(a: object, b: object) -> bool:
    return a == b


def _renamed_shape(names: Names, make: Callable[[str], T], rename: Callable[[T, Renames], T] | None) -> T | None:
    try:
        return (rename or _rename)(make(names.key), names.renames)
    except (Error, _Unrenamable):
        return None


class _Unrenamable(Exception):
    """A canonical name inside a value `_rename` cannot rebuild (a str subclass)."""


def _rename(value: Any, renames: Renames) -> Any:
    """`value` with every canonical name written back, through strings, tuples, sets and dataclasses; a
    part that holds none is returned as it is (the same object), not rebuilt."""
    if isinstance(value, str):
        for canonical, name in renames:
            if canonical in value:
                if type(value) is not str:
                    raise _Unrenamable
                value = value.replace(canonical, name)
        return value
    if isinstance(value, tuple):
        items = [_rename(v, renames) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, frozenset):
        renamed = frozenset(_rename(v, renames) for v in value)
        return value if renamed == value else renamed
    names = _init_fields(type(value))
    if names is None:
        return value
    changes = {}
    for name in names:
        old = getattr(value, name)
        new = _rename(old, renames)
        if new is not old:
            changes[name] = new
    return dataclasses.replace(value, **changes) if changes else value


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _init_fields(kind: type) -> tuple[str, ...] | None:
    """The init fields of a dataclass type (None for any other type), looked up once per type."""
    found = _FIELDS.get(kind, False)
    if found is False:
        found = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.init) \
            if dataclasses.is_dataclass(kind) else None
    return found  # type: ignore[return-value]
