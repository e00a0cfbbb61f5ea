"""Fixtures shared by the engine's tests: a small fitted model for the live-version tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def fitted() -> tuple[Any, Any]:
    """A LinearRegression fitted on a 4-row frame, and that frame: a version small enough to PUT file by file."""
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.0]})
    return X, linear_model.LinearRegression().fit(X, 2 * X["X1"] + 3 * X["X2"])
