"""Targets of the conformance runner: snowreg or a real Snowflake account, plus the `model` directive.

A backend is a DB-API connection factory over one fresh registry (`connect(user, role)`), a model logger
(`log_model(conn, name, version, kind)`) and `close()`.
"""

from __future__ import annotations

import functools
import os
import pickle
import re
import tempfile
from pathlib import Path
from typing import Any

FEATURES = ("X1", "X2")
STAGE = "SNOWREG_CONFORMANCE_STAGE"


class Unsupported(Exception):
    """A record the chosen target cannot run (the runner reports it as a skip)."""


# ---------------------------------------------------------------------------------------------
# Small scikit-learn models on fixed data (no randomness: the same files everywhere)
# ---------------------------------------------------------------------------------------------


RAISING_SIGNATURE = {
    "inputs": [{"name": f, "type": "DOUBLE", "nullable": True} for f in FEATURES],
    "outputs": [{"name": "output_feature_0", "type": "DOUBLE", "nullable": True}],
}


class RaisingModel:
    """A model whose every method raises: the guide's "initial version that throws" (default scheme)."""

    def predict(self, X: Any) -> Any:
        raise RuntimeError("this model version is not ready")


def training_frame() -> Any:
    import pandas as pd

    x1 = [i / 10 for i in range(20)]
    x2 = [(i * 7 % 5) / 4 for i in range(20)]
    return pd.DataFrame({"X1": x1, "X2": x2})


@functools.cache
def train(kind: str) -> tuple[Any, Any, list[str]]:
    """(model, sample input, target methods) for a directive's kind; fixed data, so trained once."""
    X = training_frame()
    if kind == "raising":
        return RaisingModel(), X.head(3), ["predict"]
    if kind in ("regressor", "table", "table_cased"):
        from sklearn.linear_model import LinearRegression

        return LinearRegression().fit(X, 2 * X["X1"] + 3 * X["X2"]), X.head(3), ["predict"]
    from sklearn.linear_model import LogisticRegression

    y = ((X["X1"] + X["X2"]) > 1.2).astype(int)
    methods = ["predict", "predict_proba", "predict_log_proba", "decision_function"]
    return LogisticRegression().fit(X, y), X.head(3), methods


def log_options(kind: str, methods: list[str]) -> dict[str, Any]:
    """log_model's options: `kind=table` logs the regressor's PREDICT as a TABLE_FUNCTION;
    `kind=table_cased` also case-sensitive, so its output column is `"output_feature_0"`."""
    options: dict[str, Any] = {"target_methods": list(methods)}
    if kind in ("table", "table_cased"):
        options["function_type"] = "TABLE_FUNCTION"
    if kind == "table_cased":
        options["method_options"] = {m: {"case_sensitive": True} for m in methods}
    return options


def split_name(name: str) -> list[str]:
    """The dot-separated parts of an SQL name, double-quoted parts kept whole."""
    return re.findall(r'"(?:[^"]|"")*"|[^.]+', name)


# ---------------------------------------------------------------------------------------------
# snowreg
# ---------------------------------------------------------------------------------------------


class SnowregBackend:
    """A private in-memory registry; further connections share its catalog."""

    def __init__(self) -> None:
        self.connections: list[Any] = []
        self.tmp: tempfile.TemporaryDirectory[str] | None = None

    def connect(self, user: str | None, role: str | None) -> Any:
        import snowreg

        if not self.connections:
            conn = snowreg.connect(user=user, role=role)
        else:
            from snowreg.dbapi import Connection

            conn = Connection(self.connections[0]._catalog, user=user, role=role)
        self.connections.append(conn)
        return conn

    def close(self) -> None:
        for conn in reversed(self.connections):
            conn.close()
        self.connections.clear()
        if self.tmp is not None:
            self.tmp.cleanup()

    def log_model(self, conn: Any, name: str, version: str, kind: str) -> None:
        """Through snowreg.Registry.log_model when it exists, else a version directory PUT into a stage."""
        model, sample, methods = train(kind)
        how = os.environ.get("SNOWREG_CONFORMANCE_LOGGER", "registry")
        registry = None
        if how == "registry":
            import snowreg

            registry = getattr(snowreg, "Registry", None) if _has_registry() else None
        if registry is not None:
            parts = split_name(name)
            kwargs = {"database_name": parts[0], "schema_name": parts[1]} if len(parts) == 3 else {}
            reg = registry(conn, **kwargs)
            # The raising model cannot be run on the sample to infer its output: give the signature.
            given: dict[str, Any] = {"sample_input_data": sample}
            if kind == "raising":
                given = {"signatures": {"predict": RAISING_SIGNATURE}}
            reg.log_model(model, model_name=parts[-1], version_name=version,
                          options=log_options(kind, methods), **given)
            return
        if self.tmp is None:
            self.tmp = tempfile.TemporaryDirectory(prefix="snowreg-conformance-")
        root = Path(self.tmp.name) / f"v{len(list(Path(self.tmp.name).iterdir()))}"
        write_version_dir(root, model, methods, kind)
        upload_and_create(conn, root, name, version)


def _has_registry() -> bool:
    import importlib.util

    return importlib.util.find_spec("snowreg.registry") is not None


def _manifest(methods: list[str], kind: str) -> dict[str, Any]:
    """MANIFEST.yml: one FUNCTION (TABLE_FUNCTION for `kind=table`) per method over the two DOUBLE
    features (docs/SNOWFLAKE.md#c5-3)."""
    inputs = [{"name": f, "type": "DOUBLE"} for f in FEATURES]
    table = kind in ("table", "table_cased")
    output = "output_feature_0" if kind == "table_cased" else "OUTPUT_FEATURE_0"
    outputs = [{"name": output, "type": "DOUBLE"}] if table else [{"type": "OBJECT"}]
    runtime = {"language": "PYTHON", "version": "3.11", "imports": ["model/"],
               "dependencies": {"conda": "runtimes/python_runtime/env/conda.yml"}}
    return {
        "manifest_version": "1.0",
        "runtimes": {"python_runtime": runtime},
        "methods": [{"name": m if kind == "table_cased" else m.upper(), "runtime": "python_runtime", "type": "TABLE_FUNCTION" if table else "FUNCTION",
                     "handler": f"functions.{m}.infer", "inputs": inputs, "outputs": outputs}
                    for m in methods],
    }


def _model_spec(blob: str, methods: list[str], kind: str) -> dict[str, Any]:
    """model/model.yaml: the blob and the signatures of its methods (docs/SNOWFLAKE.md#c5-4)."""
    inputs = [{"name": f, "type": "DOUBLE", "nullable": True} for f in FEATURES]

    def signature(method: str) -> dict[str, Any]:
        """PREDICT gives the class (INT64) of the classifier; PREDICT_PROBA / PREDICT_LOG_PROBA one column
        per class; the rest one DOUBLE, as snowflake-ml-python infers them from the sample."""
        width = 2 if method in ("predict_proba", "predict_log_proba") else 1
        out_type = "INT64" if kind == "logreg" and method == "predict" else "DOUBLE"
        return {"inputs": inputs, "outputs": [{"name": f"output_feature_{i}", "type": out_type, "nullable": True}
                                              for i in range(width)]}
    model_type = "custom" if kind == "raising" else "sklearn"
    tasks = {"logreg": "TABULAR_BINARY_CLASSIFICATION", "regressor": "TABULAR_REGRESSION",
             "table": "TABULAR_REGRESSION", "table_cased": "TABULAR_REGRESSION"}
    return {
        "version": "2023-12-01", "name": blob, "model_type": model_type, "task": tasks.get(kind, "UNKNOWN"),
        "env": {"conda": "env/conda.yml", "python_version": "3.11"},
        "models": {blob: {"name": blob, "model_type": model_type, "path": "model.pkl",
                          "handler_version": "2023-12-01", "options": {}, "artifacts": {}}},
        "signatures": {m: signature(m) for m in methods}, "metadata": None, "function_properties": {},
    }


def write_version_dir(root: Path, model: Any, methods: list[str], kind: str) -> None:
    """A minimal version directory in the snowflake-ml-python layout (docs/SNOWFLAKE.md#c5-2)."""
    import yaml

    blob = "MODEL"
    conda = b"dependencies:\n- scikit-learn\n"
    files: dict[str, bytes] = {
        "MANIFEST.yml": yaml.safe_dump(_manifest(methods, kind), sort_keys=False).encode(),
        "model/model.yaml": yaml.safe_dump(_model_spec(blob, methods, kind), sort_keys=False).encode(),
        f"model/models/{blob}/model.pkl": pickle.dumps(model),
        "model/env/conda.yml": conda,
        "runtimes/python_runtime/env/conda.yml": conda,
    }
    for m in methods:
        files[f"functions/{m}.py"] = b"# written by the conformance runner; snowreg runs the model itself\n"
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def upload_and_create(conn: Any, root: Path, name: str, version: str) -> None:
    """PUT each file into a temporary stage, then CREATE MODEL (or ADD VERSION when the model exists)."""
    parts = split_name(name)
    stage = ".".join(parts[:-1] + [STAGE])
    prefix = f"{root.name}"
    cur = conn.cursor()
    cur.execute(f"CREATE TEMPORARY STAGE IF NOT EXISTS {stage}")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel_dir = path.parent.relative_to(root).as_posix()
        dest = f"@{stage}/{prefix}/" + ("" if rel_dir == "." else rel_dir + "/")
        cur.execute(f"PUT 'file://{path.as_posix()}' '{dest}' auto_compress = False overwrite = True")
    try:
        cur.execute(f"ALTER MODEL {name} ADD VERSION {version} FROM @{stage}/{prefix}")
    except Exception as e:
        if getattr(e, "errno", None) != 2003:
            raise
        cur.execute(f"CREATE MODEL {name} WITH VERSION {version} FROM @{stage}/{prefix}")


# ---------------------------------------------------------------------------------------------
# A real Snowflake account
# ---------------------------------------------------------------------------------------------


def snowflake_unavailable() -> str | None:
    """None when a Snowflake account is configured and the connector is installed, else why not."""
    if not (os.environ.get("SNOWFLAKE_ACCOUNT") or os.environ.get("SNOWFLAKE_CONNECTION_NAME")):
        return "set SNOWFLAKE_ACCOUNT (+ SNOWFLAKE_USER, SNOWFLAKE_PASSWORD, ...) or SNOWFLAKE_CONNECTION_NAME"
    import importlib.util

    if importlib.util.find_spec("snowflake.connector") is None:
        return "snowflake-connector-python is not installed (pip install -e '.[snowflake]')"
    return None


def _connect_args() -> dict[str, Any]:
    if os.environ.get("SNOWFLAKE_CONNECTION_NAME"):
        return {"connection_name": os.environ["SNOWFLAKE_CONNECTION_NAME"]}
    keys = ("account", "user", "password", "role", "warehouse", "authenticator", "host",
            "private_key_file", "private_key_file_pwd")
    return {k: os.environ[f"SNOWFLAKE_{k.upper()}"] for k in keys if os.environ.get(f"SNOWFLAKE_{k.upper()}")}


_CREATE_DB = re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TRANSIENT\s+)?DATABASE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                        r"(\"(?:[^\"]|\"\")*\"|[A-Za-z_][\w$]*)", re.I)


def _resolved(ident: str) -> str:
    return ident[1:-1].replace('""', '"') if ident.startswith('"') else ident.upper()


class SnowflakeBackend:
    """Connections to the account named by SNOWFLAKE_* variables. Every database a file creates is
    dropped afterwards; a file that would create a database already in the account is refused."""

    def __init__(self, file_text: str) -> None:
        self.connections: list[Any] = []
        self.wanted = {_resolved(m.group(1)) for m in _CREATE_DB.finditer(file_text)}
        self.before: set[str] | None = None
        self.sessions: dict[int, Any] = {}

    def connect(self, user: str | None, role: str | None) -> Any:
        if user is not None:
            raise Unsupported("connection user=...: a real account needs that user's credentials")
        import snowflake.connector

        conn = snowflake.connector.connect(**_connect_args())
        self.connections.append(conn)
        if self.before is None:
            self.before = self._databases(conn)
            clash = sorted(self.wanted & self.before)
            if clash:
                raise RuntimeError(f"refusing to run: the account already has database(s) {', '.join(clash)}")
        if role is not None:
            conn.cursor().execute(f"USE ROLE {role}")
        return conn

    @staticmethod
    def _databases(conn: Any) -> set[str]:
        cur = conn.cursor()
        cur.execute("SHOW DATABASES")
        idx = [d[0] for d in cur.description].index("name")
        return {row[idx] for row in cur.fetchall()}

    def close(self) -> None:
        if self.connections and self.before is not None:
            cur = self.connections[0].cursor()
            for name in sorted(self._databases(self.connections[0]) - self.before):
                cur.execute('DROP DATABASE IF EXISTS "' + name.replace('"', '""') + '"')
        for session in self.sessions.values():
            session.close()
        for conn in reversed(self.connections):
            conn.close()

    def log_model(self, conn: Any, name: str, version: str, kind: str) -> None:
        """snowflake-ml-python's Registry.log_model over a Snowpark session on the same connection."""
        try:
            from snowflake.ml.registry import Registry
            from snowflake.snowpark import Session
        except ImportError:
            raise Unsupported("the model directive needs snowflake-ml-python on a real account") from None
        session = self.sessions.get(id(conn))
        if session is None:
            session = self.sessions[id(conn)] = Session.builder.configs({"connection": conn}).create()
        model, sample, methods = train(kind)
        given: dict[str, Any] = {"sample_input_data": sample}
        if kind == "raising":
            model, given = _custom_raising()
        parts = split_name(name)
        kwargs = {"database_name": parts[0], "schema_name": parts[1]} if len(parts) == 3 else {}
        reg = Registry(session=session, **kwargs)
        reg.log_model(model, model_name=parts[-1], version_name=version, options=log_options(kind, methods),
                      **given)


def _custom_raising() -> tuple[Any, dict[str, Any]]:
    """The raising model as a snowflake-ml CustomModel (the form the real client can log) and its signature."""
    import pandas as pd
    from snowflake.ml.model import custom_model, model_signature

    double = model_signature.DataType.DOUBLE
    signature = model_signature.ModelSignature(
        inputs=[model_signature.FeatureSpec(name=f, dtype=double) for f in FEATURES],
        outputs=[model_signature.FeatureSpec(name="output_feature_0", dtype=double)])

    class Raising(custom_model.CustomModel):  # type: ignore[misc]
        @custom_model.inference_api  # type: ignore[misc]
        def predict(self, X: pd.DataFrame) -> pd.DataFrame:
            raise RuntimeError("this model version is not ready")

    return Raising(custom_model.ModelContext()), {"signatures": {"predict": signature}}
