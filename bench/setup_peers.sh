#!/usr/bin/env bash
# Create isolated virtualenvs for the benchmark peers (fakesnow, MLflow) under bench/.venvs/.
#
# Peers pin their own duckdb / sqlglot / pandas versions, so they never share snowreg's venv: each
# bench script drives them as a subprocess that times itself and prints JSON.
# Usage: bench/setup_peers.sh [--force]   (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venvs="$here/.venvs"
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x "$root/.venv/bin/python" ]]; then python="$root/.venv/bin/python"; else python="python3"; fi
fi
force="${1:-}"

pip_quiet() {  # pip, minus the warnings about package-index locations missing on this machine
    "$@" 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
}

make_venv() {  # name, packages...
    local name="$1"; shift
    local dir="$venvs/$name"
    if [[ "$force" == "--force" ]]; then rm -rf "$dir"; fi
    if [[ -x "$dir/bin/python" ]] && "$dir/bin/python" -c "import sys; sys.exit(0 if open('$dir/.ok').read().split() == sys.argv[1:] else 1)" "$@" 2>/dev/null; then
        echo "peer venv $name: up to date ($dir)"
        return
    fi
    echo "peer venv $name: creating with $* ..."
    rm -rf "$dir"
    "$python" -m venv "$dir"
    pip_quiet "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    pip_quiet "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
    echo "$*" > "$dir/.ok"
    "$dir/bin/python" -m pip list --disable-pip-version-check 2>/dev/null \
        | grep -i -E '^(fakesnow|duckdb|sqlglot|mlflow|scikit-learn|snowflake-connector-python) ' || true
}

mkdir -p "$venvs"
# fakesnow 0.12.1 imports snowflake.connector.converter, which connector 5.x no longer has; [server]
# brings its HTTP server (bench_server.py).
make_venv fakesnow "fakesnow[server]" "snowflake-connector-python<5"
make_venv mlflow mlflow scikit-learn pandas

if ! command -v hyperfine >/dev/null 2>&1; then
    echo "note: hyperfine not found; cold-start timing falls back to a subprocess loop" \
         "(Debian/Ubuntu: apt-get install hyperfine)"
fi
