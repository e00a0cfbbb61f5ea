"""conformance/DECISIONS.md names each reading once: cases, code comments and notes cite readings by id
(`DECISIONS R3`), so an id given to two readings sends a reader to the wrong one."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # tests/<room>/ -> the checkout
ROW_ID = re.compile(r"^\| ([A-Z][0-9]+) \|", re.M)


def test_every_reading_id_is_used_once() -> None:
    ids = ROW_ID.findall((ROOT / "conformance" / "DECISIONS.md").read_text())
    assert len(ids) > 100  # the pattern still finds the table rows
    assert sorted(i for i, n in Counter(ids).items() if n > 1) == []
