#!/usr/bin/env bash
# Run every bench/bench_*.py, one process per script; results land in bench/results/ (git-ignored).
# Usage: bench/run_all.sh [--quick] [SCRIPT ...]   (PYTHON=... to choose the interpreter; default: .venv)
# --quick goes to the scripts that accept it. Peers (fakesnow, MLflow) come from bench/setup_peers.sh;
# without them their columns are skipped, not failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
    if [[ -x "$root/.venv/bin/python" ]]; then python="$root/.venv/bin/python"; else python="python3"; fi
fi
quick=""
scripts=()
for arg in "$@"; do
    case "$arg" in
        --quick) quick="--quick" ;;
        *) scripts+=("$(basename "$arg")") ;;
    esac
done

cd "$here"  # never the repo root: `import snowreg` must find the installed package, not the folder
if [[ ${#scripts[@]} -eq 0 ]]; then
    scripts=(bench_statements.py bench_registry.py)
    for f in bench_*.py; do
        [[ " ${scripts[*]} " == *" $f "* ]] || scripts+=("$f")
    done
fi

status=0
for script in "${scripts[@]}"; do
    args=()
    if [[ -n "$quick" ]] && grep -q -- '"--quick"' "$script"; then args=(--quick); fi
    echo "=== $script ${args[*]:-}"
    start=$(date +%s)
    if ! "$python" "$script" "${args[@]}"; then
        echo "!!! $script failed" >&2
        status=1
    fi
    echo "=== $script: $(( $(date +%s) - start )) s"
    echo
done
exit $status
