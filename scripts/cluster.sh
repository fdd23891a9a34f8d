#!/usr/bin/env bash
# scripts/cluster.sh N — N Nahbar processes behind HAProxy on this machine, for trying the
# scale path and for the tests: the machine's PostgreSQL (DATABASE_URL, default database
# nahbar_cluster on 127.0.0.1:5432, created if missing) and Redis (NAHBAR_REDIS_URL, default
# redis://127.0.0.1:6379/0), the demo data, and the balancer on NAHBAR_BALANCER_PORT (default
# 8080; 0 picks a free port). Prints `balancer URL`, `process K URL (pid P)` per process and
# the demo login, then runs until Ctrl-C or SIGTERM and stops everything it started.
set -euo pipefail
N="${1:-2}"
case "$N" in ''|*[!0-9]*|0) echo "usage: scripts/cluster.sh N   (N >= 1 server processes)" >&2; exit 2 ;; esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/bootstrap.sh"
if ! command -v haproxy >/dev/null 2>&1; then
  echo "installing HAProxy from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
fi
VENV="${NAHBAR_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
cd "$ROOT"

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/nahbar_cluster}"
export NAHBAR_REDIS_URL="${NAHBAR_REDIS_URL:-redis://127.0.0.1:6379/0}"
"$PY" - "$DATABASE_URL" <<'PYEOF'
import sys
import sqlalchemy as sa
from sqlalchemy.engine import make_url
url = make_url(sys.argv[1])
if url.get_backend_name() != "postgresql":
    sys.exit("scripts/cluster.sh needs PostgreSQL: several processes cannot share SQLite")
admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with admin.connect() as conn:
    if conn.execute(sa.text("select 1 from pg_database where datname = :d"), {"d": url.database}).first() is None:
        conn.execute(sa.text(f'create database "{url.database}"'))
admin.dispose()
PYEOF

RUN="$(mktemp -d "${TMPDIR:-/tmp}/nahbar-cluster.XXXXXX")"
read -r -a PORTS <<< "$("$PY" -c "
import sys; sys.path.insert(0, '.')
from benchmarks.server_process import free_port
print(' '.join(str(free_port()) for _ in range(int(sys.argv[1]))))" "$N")"
BALANCER_PORT="${NAHBAR_BALANCER_PORT:-8080}"
if [ "$BALANCER_PORT" = 0 ]; then
  BALANCER_PORT="$("$PY" -c "import sys; sys.path.insert(0, '.'); from benchmarks.server_process import free_port; print(free_port())")"
fi
export NAHBAR_PUBLIC_URL="${NAHBAR_PUBLIC_URL:-http://127.0.0.1:$BALANCER_PORT}"

PIDS=()
stop() {
  trap - INT TERM EXIT
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap stop EXIT
trap 'exit 0' INT TERM

LOGIN="$("$VENV/bin/nahbar" demo-data 2> "$RUN/demo-data.log")" || { cat "$RUN/demo-data.log" >&2; exit 1; }

for k in $(seq 1 "$N"); do
  port="${PORTS[$((k - 1))]}"
  mkdir -p "$RUN/process-$k"
  NAHBAR_PORT="$port" NAHBAR_DATA_DIR="$RUN/process-$k" "$VENV/bin/nahbar" serve > "$RUN/process-$k.log" 2>&1 &
  PIDS+=("$!")
done

# A process is ready when it answers /livez; one that exits first stops the whole cluster.
READY=()
for k in $(seq 1 "$N"); do READY+=("${PIDS[$((k - 1))]}:${PORTS[$((k - 1))]}"); done
"$PY" - "${READY[@]}" <<'PYEOF' || { for k in $(seq 1 "$N"); do echo "--- process $k log:"; tail -n 30 "$RUN/process-$k.log"; done >&2; exit 1; }
import sys, time, urllib.request

def running(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

deadline = time.monotonic() + 600
for pair in sys.argv[1:]:
    pid, port = pair.split(":")
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2).read()
            break
        except OSError:
            if not running(pid):
                sys.exit(f"the process on port {port} stopped while starting")
            if time.monotonic() > deadline:
                sys.exit(f"the process on port {port} did not start within 600 s")
            time.sleep(0.3)
PYEOF

{
  sed "s/@BIND@/127.0.0.1:$BALANCER_PORT/" "$ROOT/deploy/haproxy.cfg"
  for k in $(seq 1 "$N"); do
    echo "    server p$k 127.0.0.1:${PORTS[$((k - 1))]} cookie p$k"
  done
} > "$RUN/haproxy.cfg"
haproxy -W -db -f "$RUN/haproxy.cfg" > "$RUN/haproxy.log" 2>&1 &
PIDS+=("$!")
"$PY" - "$BALANCER_PORT" <<'PYEOF' || { cat "$RUN/haproxy.log" >&2; exit 1; }
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/livez", timeout=2).read()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("HAProxy did not start")
PYEOF

echo "balancer http://127.0.0.1:$BALANCER_PORT"
for k in $(seq 1 "$N"); do
  echo "process $k http://127.0.0.1:${PORTS[$((k - 1))]} (pid ${PIDS[$((k - 1))]})"
done
echo "$LOGIN" | grep -E "^\s*(username|password) " | sed 's/^ *//'
echo "logs in $RUN; Ctrl-C stops everything"
# Runs until a signal; a process that dies (killed by a test, say) does not stop the others.
while true; do sleep 1; done
