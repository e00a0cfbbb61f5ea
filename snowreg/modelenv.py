"""The environment files of a packaged model (conda.yml, requirements.txt), as the ML client writes them."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from typing import Any

from snowreg.engine.api import written_yaml

SNOWFLAKE_CHANNEL = "https://repo.anaconda.com/pkgs/snowflake"
ML_PACKAGE = "snowflake-ml-python"
# The client version whose layout snowreg reproduces; used when snowflake-ml-python is not installed.
DEFAULT_ML_VERSION = "2.6.0"
_NAME = re.compile(r"^\s*(?:(?P<chan>[^:\s]+)::)?(?P<name>[A-Za-z0-9_.\-]+)(?P<spec>.*)$")
# How far `relax_version` widens a pin: cloudpickle never (it reads the blobs), scikit-learn to the minor.
_NO_RELAX = {"cloudpickle"}
_PATCH_RELAX = {"scikit-learn"}


@dataclass
class EnvFiles:
    """What build_env produces: files by path plus the dicts that model.yaml and MANIFEST.yml reference."""

    files: dict[str, bytes] = field(default_factory=dict)
    model_env: dict[str, Any] = field(default_factory=dict)
    model_runtimes: dict[str, Any] = field(default_factory=dict)
    manifest_runtime: dict[str, Any] = field(default_factory=dict)


@cache
def ml_version() -> str:
    try:
        return metadata.version(ML_PACKAGE)
    except metadata.PackageNotFoundError:
        return DEFAULT_ML_VERSION


@cache  # importlib.metadata scans every sys.path entry: once per package per process
def _pinned(pip_name: str) -> str:
    try:
        return f"{pip_name}=={metadata.version(pip_name)}"
    except metadata.PackageNotFoundError:
        return pip_name


def _name_of(requirement: str) -> str:
    m = _NAME.match(requirement)
    return m.group("name").lower().replace("_", "-") if m else requirement


def build_env(*, packages: tuple[str, ...], conda: list[str] | None, pip: list[str] | None,
              python_version: str | None, cuda_version: str | None, relax: bool) -> EnvFiles:
    """conda/pip dependency files for model/env, model/runtimes/{cpu,gpu} and runtimes/python_runtime."""
    py = python_version or f"{sys.version_info.major}.{sys.version_info.minor}"
    conda_deps = list(conda or [])
    pip_deps = list(pip or [])
    auto = [_pinned("cloudpickle"), f"{ML_PACKAGE}=={ml_version()}", *(_pinned(p) for p in packages)]
    # With only pip requirements given, the client adds its own dependencies to pip as well.
    target = pip_deps if pip_deps and not conda_deps else conda_deps
    for req in auto:
        if _name_of(req) not in {_name_of(r) for r in conda_deps + pip_deps}:
            target.append(req)
    out = EnvFiles()
    out.files["model/env/conda.yml"] = _conda_yml(conda_deps, py, cuda_version, SNOWFLAKE_CHANNEL)
    out.files["model/env/requirements.txt"] = "\n".join(pip_deps).encode("utf-8")
    out.model_env = {"artifact_repository_map": {}, "conda": "env/conda.yml", "cuda_version": cuda_version,
                     "pip": "env/requirements.txt", "python_version": py, "resource_constraint": {},
                     "snowpark_ml_version": ml_version()}
    for runtime in ("cpu", "gpu") if cuda_version else ("cpu",):
        base = f"runtimes/{runtime}/env"
        cuda = cuda_version if runtime == "gpu" else None
        out.files[f"model/{base}/conda.yml"] = _conda_yml(conda_deps, py, cuda, "conda-forge")
        out.files[f"model/{base}/requirements.txt"] = "\n".join(pip_deps).encode("utf-8")
        out.model_runtimes[runtime] = {
            "dependencies": {"artifact_repository_map": {}, "conda": f"{base}/conda.yml",
                             "pip": f"{base}/requirements.txt"},
            "imports": [], "resource_constraint": {},
        }
    wh_conda = [relax_requirement(r) for r in conda_deps] if relax else conda_deps
    wh_pip = [relax_requirement(r) for r in pip_deps] if relax else pip_deps
    base = "runtimes/python_runtime/env"
    out.files[f"{base}/conda.yml"] = _conda_yml(wh_conda, py, None, SNOWFLAKE_CHANNEL)
    out.files[f"{base}/requirements.txt"] = "\n".join(wh_pip).encode("utf-8")
    deps: dict[str, Any] = {"conda": f"{base}/conda.yml"}
    if wh_pip:
        deps["pip"] = f"{base}/requirements.txt"
    out.manifest_runtime = {"dependencies": deps, "imports": ["model/"], "language": "PYTHON", "version": py}
    return out


@cache
def _dumper() -> type:
    """A safe dumper that writes no anchors; libyaml's emitter (same text, ~10x faster) when PyYAML has it."""
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class NoAliases(base):  # type: ignore[valid-type, misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return NoAliases


def dump_yaml(data: Any) -> bytes:
    """YAML text as the client writes it: block style, sorted keys, no anchors (the server rejects them)."""
    import yaml

    text = yaml.dump(data, Dumper=_dumper(), default_flow_style=False).encode("utf-8")
    written_yaml(text, data)  # COMMIT VERSION / CREATE MODEL read it back without parsing
    return text


def _conda_yml(deps: list[str], python_version: str, cuda_version: str | None, default_channel: str) -> bytes:
    by_channel: dict[str, list[str]] = {}
    for dep in deps:
        m = _NAME.match(dep)
        chan = (m.group("chan") or "") if m else ""
        by_channel.setdefault(chan, []).append(dep)
    ranked = sorted(by_channel, key=lambda c: len(by_channel[c]), reverse=True)
    channels = [default_channel] + [c for c in ranked if c not in ("", default_channel)] + ["nodefaults"]
    lines = [f"python=={python_version}.*"]
    if cuda_version:
        lines.append(f"nvidia::cuda=={cuda_version}.*")
    for items in by_channel.values():
        lines.extend(items)
    return dump_yaml({"channels": channels, "dependencies": lines, "name": "snow-env"})


def relax_requirement(requirement: str) -> str:
    """`pkg==x.y.z` -> `pkg<x+1,>=x.y` (scikit-learn: `<x.y+1,>=x.y`; cloudpickle stays pinned)."""
    m = _NAME.match(requirement)
    if not m or _name_of(requirement) in _NO_RELAX:
        return requirement
    pin = re.fullmatch(r"\s*==\s*(\d+)\.(\d+)(?:[.\w+!-]*)\s*", m.group("spec") or "")
    if not pin:
        return requirement
    major, minor = int(pin.group(1)), int(pin.group(2))
    upper = f"{major}.{minor + 1}" if _name_of(requirement) in _PATCH_RELAX else f"{major + 1}"
    chan = f"{m.group('chan')}::" if m.group("chan") else ""
    return f"{chan}{m.group('name')}<{upper},>={major}.{minor}"
