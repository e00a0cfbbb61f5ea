"""Random sequences of role, grant, revoke, role-switch and model operations against a reference model.

Every operation of the user TESTER (whose session switches roles) must succeed exactly when an
independent reference of Snowflake's privilege rules allows it: CREATE / DROP / ALTER MODEL, LIST of the
version files (READ) and model calls (USAGE). After every step, TESTER must see exactly the models the
reference allows in SHOW MODELS and INFORMATION_SCHEMA, and SHOW VERSIONS of each model name must
succeed or fail as it says. A model the session holds no privilege on answers word for word like a model
that does not exist.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

import snowreg
from snowreg.dbapi import Connection

ROLES = ("R0", "R1", "R2", "R3")
MODELS = ("M0", "M1")
USAGE = frozenset({"USAGE", "READ", "OWNERSHIP"})
READ = frozenset({"READ", "OWNERSHIP"})
OWN = frozenset({"OWNERSHIP"})
HAS_INFERENCE = importlib.util.find_spec("snowreg.engine.inference.statement") is not None


@functools.cache
def version_root() -> Path:
    """One packaged model version (linear regression over X1, X2) at <root>/v1, made once per run."""
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    from snowreg.packaging import package_model

    root = Path(tempfile.mkdtemp(prefix="snowreg-governance-"))
    atexit.register(shutil.rmtree, root, True)
    X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.5]})
    model = linear_model.LinearRegression().fit(X, X["X1"] - X["X2"])
    for rel, data in package_model(model, model_name="M", version_name="V1", sample_input_data=X).items():
        path = root / "v1" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


class Reference:
    """Snowflake's privilege rules, written independently of snowreg's implementation."""

    def __init__(self) -> None:
        self.roles: set[str] = set()  # custom roles; every one is granted to TESTER when created
        self.edges: set[tuple[str, str]] = set()  # (child, parent): the parent inherits the child
        self.schema: dict[str, set[str]] = {}  # role -> privileges on schema D.S
        self.grants: dict[tuple[str, str], set[str]] = {}  # (model, role) -> privileges
        self.future: dict[str, set[str]] = {}  # role -> future privileges on models in D.S
        self.owner: dict[str, str] = {}  # model -> owning role
        self.current = "PUBLIC"
        self.secondary = False

    def closure(self, role: str) -> set[str]:
        seen, todo = {role, "PUBLIC"}, [role]
        while todo:
            parent = todo.pop()
            for child, p in self.edges:
                if p == parent and child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    def active(self) -> set[str]:
        out = self.closure(self.current)
        if self.secondary:
            for role in self.roles:
                out |= self.closure(role)
        return out

    def held(self, model: str) -> set[str]:
        """Privileges of the session on a model; none without USAGE on its schema."""
        roles = self.active()
        if model not in self.owner or not any("USAGE" in self.schema.get(r, ()) for r in roles):
            return set()
        out = set().union(*(self.grants.get((model, r), set()) for r in roles))
        return out | {"OWNERSHIP"} if self.owner[model] in roles else out

    def outcome(self, model: str, needed: frozenset[str]) -> str:
        held = self.held(model)
        return "ok" if held & needed else "3001" if held else "2003"

    def create_outcome(self, model: str) -> str:
        if model in self.owner:
            return "2002"
        roles = self.active()
        on_schema = set().union(*(self.schema.get(r, set()) for r in roles))
        if "USAGE" not in on_schema:
            return "3001" if on_schema else "2003"
        primary = set().union(*(self.schema.get(r, set()) for r in self.closure(self.current)))
        return "ok" if "CREATE MODEL" in primary else "3001"

    def drop_role(self, role: str) -> None:
        self.roles.discard(role)
        self.edges = {e for e in self.edges if role not in e}
        self.schema.pop(role, None)
        self.future.pop(role, None)
        self.grants = {k: v for k, v in self.grants.items() if k[1] != role}
        self.owner = {m: "ACCOUNTADMIN" if o == role else o for m, o in self.owner.items()}


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def outcome_of(conn: Any, sql: str) -> tuple[str, str]:
    """("ok", "") or (errno as text, message) of one statement."""
    try:
        conn.cursor().execute(sql).fetchall()
    except snowreg.ProgrammingError as e:
        return str(e.errno), e.msg
    return "ok", ""


def expect(conn: Any, sql: str, wanted: str, model: str | None = None) -> None:
    got, msg = outcome_of(conn, sql)
    assert got == wanted, f"{sql}: expected {wanted}, got {got} {msg}"
    if got == "2003" and model is not None:
        assert msg == f"SQL compilation error:\nModel 'D.S.{model}' does not exist or not authorized.", msg
    if got == "3001" and model is not None:
        assert msg == f"SQL access control error:\nInsufficient privileges to operate on model '{model}'", msg


roles = st.sampled_from(ROLES)
models = st.sampled_from(MODELS)


class GovernanceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.admin = snowreg.connect(database="D", schema="S", stage_roots=[version_root()])
        for sql in ("CREATE SCHEMA D.PUB", f"CREATE STAGE D.PUB.ART URL = '{version_root().as_uri()}'",
                    "GRANT USAGE ON DATABASE D TO ROLE PUBLIC", "GRANT USAGE ON SCHEMA D.PUB TO ROLE PUBLIC",
                    "GRANT READ ON STAGE D.PUB.ART TO ROLE PUBLIC", "CREATE USER tester"):
            run(self.admin, sql)
        self.tester = Connection(self.admin._catalog, user="tester")
        self.ref = Reference()

    def teardown(self) -> None:
        self.tester.close()
        self.admin.close()

    # -- roles ----------------------------------------------------------------------------------

    @rule(role=roles)
    def create_role(self, role: str) -> None:
        if role in self.ref.roles:
            expect(self.admin, f"CREATE ROLE {role}", "2002")
            return
        run(self.admin, f"CREATE ROLE {role}")
        run(self.admin, f"GRANT ROLE {role} TO USER tester")
        self.ref.roles.add(role)

    @rule(role=roles)
    def drop_role(self, role: str) -> None:
        expect(self.admin, f"DROP ROLE {role}", "ok" if role in self.ref.roles else "2003")
        self.ref.drop_role(role)

    @rule(child=roles, parent=roles, grant=st.booleans())
    def role_to_role(self, child: str, parent: str, grant: bool) -> None:
        sql = f"GRANT ROLE {child} TO ROLE {parent}" if grant else f"REVOKE ROLE {child} FROM ROLE {parent}"
        if child not in self.ref.roles or parent not in self.ref.roles:
            expect(self.admin, sql, "2003")
        elif grant and parent in self.ref.closure(child):
            assert outcome_of(self.admin, sql)[0] != "ok", "a cycle was accepted"
        else:
            expect(self.admin, sql, "ok")
            (self.ref.edges.add if grant else self.ref.edges.discard)((child, parent))

    @rule(role=st.sampled_from(ROLES + ("PUBLIC",)))
    def use_role(self, role: str) -> None:
        if role != "PUBLIC" and role not in self.ref.roles:
            expect(self.tester, f"USE ROLE {role}", "2003")
            return
        expect(self.tester, f"USE ROLE {role}", "ok")
        self.ref.current = role

    @rule(on=st.booleans())
    def secondary_roles(self, on: bool) -> None:
        run(self.tester, f"USE SECONDARY ROLES {'ALL' if on else 'NONE'}")
        self.ref.secondary = on

    # -- grants ---------------------------------------------------------------------------------

    @rule(role=roles, privilege=st.sampled_from(["USAGE", "CREATE MODEL"]), grant=st.booleans())
    def schema_privilege(self, role: str, privilege: str, grant: bool) -> None:
        sql = (f"GRANT {privilege} ON SCHEMA D.S TO ROLE {role}" if grant
               else f"REVOKE {privilege} ON SCHEMA D.S FROM ROLE {role}")
        expect(self.admin, sql, "ok" if role in self.ref.roles else "2003")
        if role in self.ref.roles:
            held = self.ref.schema.setdefault(role, set())
            (held.add if grant else held.discard)(privilege)

    @rule(role=roles, model=models, privilege=st.sampled_from(["USAGE", "READ"]), grant=st.booleans())
    def model_privilege(self, role: str, model: str, privilege: str, grant: bool) -> None:
        sql = (f"GRANT {privilege} ON MODEL D.S.{model} TO ROLE {role}" if grant
               else f"REVOKE {privilege} ON MODEL D.S.{model} FROM ROLE {role}")
        ok = role in self.ref.roles and model in self.ref.owner
        expect(self.admin, sql, "ok" if ok else "2003")
        if ok:
            held = self.ref.grants.setdefault((model, role), set())
            (held.add if grant else held.discard)(privilege)

    @rule(role=roles, privilege=st.sampled_from(["USAGE", "READ"]), grant=st.booleans())
    def future_privilege(self, role: str, privilege: str, grant: bool) -> None:
        sql = (f"GRANT {privilege} ON FUTURE MODELS IN SCHEMA D.S TO ROLE {role}" if grant
               else f"REVOKE {privilege} ON FUTURE MODELS IN SCHEMA D.S FROM ROLE {role}")
        expect(self.admin, sql, "ok" if role in self.ref.roles else "2003")
        if role in self.ref.roles:
            held = self.ref.future.setdefault(role, set())
            (held.add if grant else held.discard)(privilege)

    @rule(role=roles, model=models)
    def transfer_ownership(self, role: str, model: str) -> None:
        sql = f"GRANT OWNERSHIP ON MODEL D.S.{model} TO ROLE {role} COPY CURRENT GRANTS"
        ok = role in self.ref.roles and model in self.ref.owner
        expect(self.admin, sql, "ok" if ok else "2003")
        if ok:
            self.ref.owner[model] = role

    # -- models, as the tester ------------------------------------------------------------------

    @rule(model=models)
    def create_model(self, model: str) -> None:
        wanted = self.ref.create_outcome(model)
        expect(self.tester, f"CREATE MODEL D.S.{model} WITH VERSION V1 FROM @D.PUB.ART/v1", wanted)
        if wanted == "ok":
            self.ref.owner[model] = self.ref.current
            for role, privileges in self.ref.future.items():
                if privileges:
                    self.ref.grants[(model, role)] = set(privileges)

    @rule(model=models)
    def drop_model(self, model: str) -> None:
        wanted = self.ref.outcome(model, OWN)
        expect(self.tester, f"DROP MODEL D.S.{model}", wanted, model)
        if wanted == "ok":
            del self.ref.owner[model]
            self.ref.grants = {k: v for k, v in self.ref.grants.items() if k[0] != model}

    @rule(model=models)
    def alter_model(self, model: str) -> None:
        expect(self.tester, f"ALTER MODEL D.S.{model} SET COMMENT = 'changed'", self.ref.outcome(model, OWN),
               model)

    @rule(model=models)
    def list_files(self, model: str) -> None:
        expect(self.tester, f"LIST 'snow://model/D.S.{model}/versions/V1/'", self.ref.outcome(model, READ), model)

    @rule(model=models, explicit=st.booleans())
    def call_model(self, model: str, explicit: bool) -> None:
        if not HAS_INFERENCE:
            return
        callee = f"MODEL(D.S.{model}, V1)" if explicit else f"D.S.{model}"
        expect(self.tester, f"SELECT {callee}!predict(1.0, 2.0)", self.ref.outcome(model, USAGE), model)

    # -- what the tester observes after every step ----------------------------------------------

    @invariant()
    def observations_match_the_reference(self) -> None:
        visible = {m for m in MODELS if self.ref.held(m)}
        assert {r[1] for r in run(self.tester, "SHOW MODELS IN ACCOUNT")} == visible
        listed = run(self.tester, "SELECT DISTINCT MODEL_NAME FROM D.INFORMATION_SCHEMA.MODEL_VERSIONS")
        assert {r[0] for r in listed} == visible
        for m in MODELS:
            expect(self.tester, f"SHOW VERSIONS IN MODEL D.S.{m}", self.ref.outcome(m, USAGE), m)


GovernanceMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestGovernance = GovernanceMachine.TestCase
