"""Collect conformance/**/*.test: one pytest item per record, per target (snowreg, and snowflake with credentials)."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def _runner() -> Any:
    if "snowreg_conformance_runner" not in sys.modules:
        spec = importlib.util.spec_from_file_location("snowreg_conformance_runner", HERE / "runner.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["snowreg_conformance_runner"]


runner = _runner()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".test" and HERE in file_path.resolve().parents:
        return ConformanceFile.from_parent(parent, path=file_path)
    return None


class ConformanceFile(pytest.File):
    """A .test file: one child per target, each replaying the file's records on a fresh registry."""

    def collect(self) -> Iterator[pytest.Collector]:
        try:
            records = runner.parse_file(self.path)
        except runner.FormatError as e:
            raise self.CollectError(str(e)) from None
        for target in runner.TARGETS:
            yield TargetRun.from_parent(self, name=target, records=records)


class TargetRun(pytest.Collector):
    """The records of one file on one target; the file's connections live from setup to teardown."""

    def __init__(self, *, records: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.records = records
        self.run: Any = None

    def collect(self) -> Iterator[pytest.Item]:
        if self.name == "snowflake" and (why := runner.snowflake_configured()) is not None:
            pytest.skip(f"real Snowflake: {why}")
        for rec in self.records:
            yield RecordItem.from_parent(self, name=f"L{rec.line}", record=rec)

    def setup(self) -> None:
        self.run = runner.FileRun(runner.make_backend(self.name, self.path))

    def teardown(self) -> None:
        if self.run is not None:
            self.run.close()
            self.run = None


class RecordItem(pytest.Item):
    """One statement, query or directive of a .test file; failures point at file:line."""

    def __init__(self, *, record: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.record = record
        target = self.parent.name if self.parent is not None else ""
        if target in record.skip:
            self.add_marker(pytest.mark.skip(reason=record.reason(target)))
        elif target in record.xfail:
            self.add_marker(pytest.mark.xfail(reason=record.reason(target), strict=True,
                                              raises=runner.Failure))

    def runtest(self) -> None:
        parent = self.parent
        assert isinstance(parent, TargetRun) and parent.run is not None
        try:
            parent.run.run(self.record)
        except runner.Unsupported as e:
            pytest.skip(str(e))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, runner.Failure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        rec = self.record
        return self.path, rec.line - 1, f"{rec.path}:{rec.line} {rec.kind}"
