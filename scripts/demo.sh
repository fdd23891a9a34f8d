#!/usr/bin/env bash
# Start Nahbar with the demo knowledge base on the embedded default (SQLite + FAISS in ./data).
# Sets up the venv, trains the Rasa model if its data changed, loads the demo articles if the
# knowledge base is empty, and serves on http://127.0.0.1:8000 (NAHBAR_HOST / NAHBAR_PORT).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
exec "${NAHBAR_VENV:-$ROOT/.venv}/bin/nahbar" demo
