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

extras="${ALINEA_EXTRAS:-}"
stamp="$VENV/.alinea-installed"
want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)-$extras"
if [ ! -f "$stamp" ] || ! grep -qxF "$want" "$stamp" 2>/dev/null; then
    echo "installing alinea${extras:+[$extras]} into $VENV (log: $VENV/install.log)" >&2
    if ! { "$VENV/bin/python" -m pip install --upgrade pip &&
           "$VENV/bin/python" -m pip install -e "$ROOT${extras:+[$extras]}"; } >"$VENV/install.log" 2>&1; then
        tail -n 20 "$VENV/install.log" >&2
        echo "alinea: installation failed; see $VENV/install.log" >&2
        exit 1
    fi
    echo "$want" > "$stamp"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
