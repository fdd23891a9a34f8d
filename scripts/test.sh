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
# use_if_it_answers VARIABLE URL PYTHON-CHECK NOTE: unless VARIABLE is set already, export URL
# in it when the check (given the URL as argv[1]) succeeds, else print the note.
use_if_it_answers() {
  if [ -z "${!1:-}" ]; then
    if "$PY" -c "$3" "$2" 2>/dev/null; then export "$1=$2"; else echo "note: $4"; fi
  fi
}
use_if_it_answers DATABASE_URL "postgresql://postgres@127.0.0.1:5432/test" \
  "import sqlalchemy as sa, sys; sa.create_engine(sys.argv[1]).connect().close()" \
  "no PostgreSQL at 127.0.0.1:5432; storage tests run on SQLite only"
echo "storage tests: SQLite${DATABASE_URL:+ and $DATABASE_URL}"
use_if_it_answers NAHBAR_TEST_REDIS_URL "redis://127.0.0.1:6379/0" \
  "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_timeout=2).ping()" \
  "no Redis at 127.0.0.1:6379; the tests of several processes are skipped"
echo "Redis: ${NAHBAR_TEST_REDIS_URL:-none}"
# Dependencies point one way (pyproject.toml, [tool.importlinter]); a broken contract stops here.
contracts="$("$(dirname "$PY")/lint-imports" --no-cache 2>&1)" || { echo "$contracts"; exit 1; }
echo "$contracts" | tail -n 1
exec "$PY" -m pytest "$@"
