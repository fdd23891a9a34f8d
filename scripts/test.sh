#!/usr/bin/env bash
# Set up the venv and run the whole test suite. Storage tests run on SQLite and, when
# PostgreSQL answers (DATABASE_URL, or the local server on 127.0.0.1:5432 database test),
# on PostgreSQL too. Debian's chromium is installed for the browser test. Extra arguments
# go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/bootstrap.sh"
"$ROOT/scripts/install-browser.sh"
cd "$ROOT"
PY="${NAHBAR_VENV:-$ROOT/.venv}/bin/python"
if [ -z "${DATABASE_URL:-}" ]; then
  candidate="postgresql://postgres@127.0.0.1:5432/test"
  if "$PY" -c "import sqlalchemy as sa, sys; sa.create_engine(sys.argv[1]).connect().close()" "$candidate" 2>/dev/null; then
    export DATABASE_URL="$candidate"
  else
    echo "note: no PostgreSQL at $candidate; storage tests run on SQLite only"
  fi
fi
echo "storage tests: SQLite${DATABASE_URL:+ and $DATABASE_URL}"
if [ -z "${NAHBAR_TEST_REDIS_URL:-}" ]; then
  candidate="redis://127.0.0.1:6379/0"
  if "$PY" -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_timeout=2).ping()" "$candidate" 2>/dev/null; then
    export NAHBAR_TEST_REDIS_URL="$candidate"
  else
    echo "note: no Redis at $candidate; the tests of several processes are skipped"
  fi
fi
echo "Redis: ${NAHBAR_TEST_REDIS_URL:-none}"
# Dependencies point one way (pyproject.toml, [tool.importlinter]); a broken contract stops here.
contracts="$("$(dirname "$PY")/lint-imports" --no-cache 2>&1)" || { echo "$contracts"; exit 1; }
echo "$contracts" | tail -n 1
exec "$PY" -m pytest "$@"
