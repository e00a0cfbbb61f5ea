"""`snowreg run`: results printed per statement, the first error as FILE:LINE:COL and exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from snowreg.cli import main


def test_run_prints_each_result_in_the_chosen_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "ok.sql"
    script.write_text("CREATE DATABASE d;\nSELECT 1 AS one, 'x' AS two;\n")
    assert main(["run", str(script), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "status\nDatabase D successfully created." in out
    assert "ONE,TWO\n1,x" in out


def test_run_stops_at_the_first_error_with_its_location(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bad.sql"
    script.write_text("CREATE DATABASE d;\nSELECT 1;\nALTER MODEL nope SET COMMENT = 'x';\nSELECT 2 AS never;\n")
    assert main(["run", str(script)]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{script}:3:13: 002003 (02000): SQL compilation error:\n"
                                   "Model 'D.PUBLIC.NOPE' does not exist or not authorized.")
    assert "NEVER" not in captured.out


def test_run_reports_syntax_errors_at_their_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "syntax.sql"
    script.write_text("SELECT 1;\nALTER MODEL m SET;\n")
    assert main(["run", str(script)]) == 1
    assert capsys.readouterr().err.startswith(f"{script}:2:")
