"""ALTER SESSION SET with several parameters: a refused value leaves every parameter as it was."""

from __future__ import annotations

import pytest

import snowreg


@pytest.mark.parametrize("bad", ["QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE", "USE_CACHED_RESULT = 'maybe'"])
def test_a_refused_value_sets_no_parameter(bad: str) -> None:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        with pytest.raises(snowreg.Error):
            cur.execute(f"ALTER SESSION SET QUERY_TAG = 'tagged', {bad}")
        rows = cur.execute("SHOW PARAMETERS LIKE 'QUERY_TAG' IN SESSION").fetchall()
        assert rows and rows[0][1] == ""
