# Shared set-up for scripts/demo, scripts/test and the benchmarks (sourced, not run).
# Creates .venv with Python >= 3.11 if missing and installs alinea into it
# (editable, with the extras in $ALINEA_EXTRAS), again only when pyproject.toml changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

find_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    echo "alinea needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

if [ ! -x "$VENV/bin/python" ]; then
    PY="$(find_python)"
    echo "creating $VENV with $PY" >&2
    "$PY" -m venv "$VENV"
fi

# One environment for every script: the stamp records pyproject.toml's hash and the
# extras installed; a script whose extras are already there (scripts/demo after
# scripts/test) reuses it as it is, and a script that needs more installs the union.
wanted="${ALINEA_EXTRAS:-}"
stamp="$VENV/.alinea-installed"
hash="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
have_hash="" have_extras=""
if [ -f "$stamp" ]; then read -r have_hash have_extras < "$stamp" || true; fi
extras="$(printf '%s\n' ${have_extras//,/ } ${wanted//,/ } | sed '/^$/d' | sort -u | paste -sd, -)"
if [ "$have_hash" != "$hash" ] || [ "$extras" != "$have_extras" ]; then
    echo "installing alinea${extras:+[$extras]} into $VENV (log: $VENV/install.log)" >&2
    if ! { "$VENV/bin/python" -m pip install --upgrade pip &&
           "$VENV/bin/python" -m pip install -e "$ROOT${extras:+[$extras]}"; } >"$VENV/install.log" 2>&1; then
        tail -n 20 "$VENV/install.log" >&2
        echo "alinea: installation failed; see $VENV/install.log" >&2
        exit 1
    fi
    echo "$hash $extras" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
