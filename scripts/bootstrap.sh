#!/usr/bin/env bash
# Create the Python 3.10 virtual environment and install Nahbar into it, when needed.
# Idempotent: a second run with unchanged pyproject.toml installs nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${NAHBAR_VENV:-$ROOT/.venv}"

is_python310() {
  [ -n "$1" ] && [ -x "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1
}

# python3.10 on PATH may be a pyenv shim that refuses to run, so every candidate is tried.
find_python() {
  local candidate version
  for candidate in "${NAHBAR_PYTHON:-}" "$(command -v python3.10 || true)"; do
    if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -V -r); do
      candidate="$(PYENV_VERSION="$version" pyenv which python 2>/dev/null || true)"
      if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
    done
  fi
  for candidate in "$HOME"/.pyenv/versions/3.10*/bin/python /usr/bin/python3.10 /usr/local/bin/python3.10; do
    if is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

if ! is_python310 "$VENV/bin/python"; then
  if ! PYTHON="$(find_python)"; then
    echo "Nahbar needs Python 3.10 (Rasa 3.6 supports nothing newer), and none was found." >&2
    echo "Install it (e.g. 'pyenv install 3.10.13') or point NAHBAR_PYTHON at a python3.10 binary." >&2
    exit 1
  fi
  echo "creating virtual environment $VENV with $PYTHON"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade "pip<25" "setuptools>=68,<71" wheel > "$VENV/install.log" 2>&1 \
    || { echo "upgrading pip failed:" >&2; cat "$VENV/install.log" >&2; exit 1; }
fi

STAMP="$VENV/.nahbar-install"
WANT="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  # pip's own output goes to a log; the screen shows one line with the time it has taken.
  LOG="$VENV/install.log"
  echo "installing Nahbar and its dependencies into $VENV (the first time takes several minutes; log: $LOG)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check -e "$ROOT[test]" >> "$LOG" 2>&1 &
  PIP=$!
  START=$SECONDS
  while kill -0 "$PIP" 2>/dev/null; do
    sleep 5
    if [ -t 1 ]; then printf '\r  … %d s' $((SECONDS - START));
    elif [ $(( (SECONDS - START) % 60 )) -lt 5 ]; then echo "  … $((SECONDS - START)) s"; fi
  done
  if ! wait "$PIP"; then
    [ -t 1 ] && echo
    echo "installing failed; the end of $LOG:" >&2
    tail -n 30 "$LOG" >&2
    exit 1
  fi
  [ -t 1 ] && printf '\r'
  echo "installed in $((SECONDS - START)) s"
  echo "$WANT" > "$STAMP"
fi
