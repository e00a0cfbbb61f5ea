"""What the tests of engine/sql share: a spy on the MODEL_VERSIONS fast path."""

from __future__ import annotations

from typing import Any

import pytest

from snowreg.engine.sql import information_rows


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each query was answered from the registry's rows (True) or went to DuckDB (False)."""
    seen: list[bool] = []
    original = information_rows.answer

    def spy(session: Any, tr: Any, shape: Any) -> Any:
        result = original(session, tr, shape)
        if information_rows.ENABLED[0]:
            seen.append(result is not None)
        return result

    monkeypatch.setattr(information_rows, "answer", spy)
    return seen
