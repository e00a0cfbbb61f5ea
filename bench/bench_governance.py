"""What privilege checks cost on the core registry statements (issue 4: at most +10% of the median).

    ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'x'     SHOW VERSIONS LIKE 'V1' IN MODEL M

Each is timed, interleaved round by round, with the checks as they are and with every check of
snowreg.engine.access.privileges replaced by "allow" (the cost of the statement without governance). Two
sessions, both reaching OWNERSHIP (held by R3) through the role hierarchy: the administrator
(ACCOUNTADMIN → SYSADMIN → R3) and a user with role R1 (R1 → R2 → R3) and secondary roles ALL.

Run: .venv/bin/python bench/bench_governance.py [--rounds R] [--calls C]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import common
from common import fmt_time

ALTER = "ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'x'"
SHOW = "SHOW VERSIONS LIKE 'V1' IN MODEL M"
CHECKS = ("check_model", "check_create_in_schema", "check_stage", "check_tables", "check_account",
          "check_database_owner", "check_schema_owner", "check_create_schema", "check_tag")


def setup(tmp: str) -> tuple[Any, Any]:
    """(admin connection, hierarchy connection) over one registry holding model D.S.M."""
    import pandas as pd
    from sklearn.linear_model import LinearRegression

    import snowreg
    from snowreg.dbapi import Connection
    from snowreg.packaging import package_model

    X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.5]})
    files = package_model(LinearRegression().fit(X, X["X1"] + X["X2"]), model_name="M", version_name="V1",
                          sample_input_data=X)
    for rel, data in files.items():
        path = Path(tmp) / "v1" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    admin = snowreg.connect(database="D", schema="S", stage_roots=[tmp])
    cur = admin.cursor()
    for sql in (f"CREATE STAGE art URL = '{Path(tmp).as_uri()}'", "CREATE MODEL M WITH VERSION V1 FROM @art/v1",
                "CREATE ROLE r1", "CREATE ROLE r2", "CREATE ROLE r3", "GRANT ROLE r3 TO ROLE r2",
                "GRANT ROLE r2 TO ROLE r1", "GRANT USAGE ON DATABASE D TO ROLE r3",
                "GRANT USAGE ON SCHEMA D.S TO ROLE r3", "CREATE USER bench",
                "GRANT ROLE r1 TO USER bench", "GRANT OWNERSHIP ON MODEL M TO ROLE r3"):
        cur.execute(sql)
    other = Connection(admin._catalog, user="bench", role="r1")
    other.cursor().execute("USE SCHEMA D.S")
    other.cursor().execute("USE SECONDARY ROLES ALL")
    cur.execute("GRANT ROLE r3 TO ROLE SYSADMIN")  # the administrator reaches the owner: ACCOUNTADMIN → SYSADMIN → R3
    return admin, other


def contender(cur: Any, sql: str, checks: bool) -> common.Contender:
    from snowreg.engine.access import privileges

    saved = {name: getattr(privileges, name) for name in CHECKS}

    def allow(*args: Any, **kwargs: Any) -> None:
        return None

    def run(calls: int) -> list[float]:
        for name in CHECKS:
            setattr(privileges, name, saved[name] if checks else allow)
        try:
            return common.time_calls(lambda: cur.execute(sql).fetchall(), calls)
        finally:
            for name in CHECKS:
                setattr(privileges, name, saved[name])

    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--calls", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="snowreg-bench-") as tmp:
        admin, other = setup(tmp)
        rows, payload = [], {}
        for who, conn in (("admin", admin), ("hierarchy", other)):
            for label, sql in (("ALTER … SET COMMENT", ALTER), ("SHOW VERSIONS LIKE", SHOW)):
                cur = conn.cursor()
                cases: dict[str, common.Contender] = {
                    "checks": contender(cur, sql, True), "no checks": contender(cur, sql, False)}
                stats = common.round_robin(cases, rounds=args.rounds, calls=args.calls, warmup=20)
                on, off = stats["checks"].median, stats["no checks"].median
                rows.append([f"{label} ({who})", fmt_time(on), fmt_time(off), f"{(on / off - 1) * 100:+.1f}%"])
                payload[f"{label} ({who})"] = {"checks": stats["checks"].summary(),
                                               "no_checks": stats["no checks"].summary()}
        print(common.table("privilege checks: median per statement", rows,
                           ["statement (session)", "with checks", "without", "overhead"]))
        common.save("bench_governance", {"results": payload, "machine": common.machine_info()})


if __name__ == "__main__":
    main()
