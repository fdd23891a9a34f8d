#!/usr/bin/env bash
# Every figure in the README's "Measured" and "Evaluation" sections, with fixed seeds.
# Creates the venv if needed, trains the bot's model if needed, then runs each benchmark
# one after the other (they would distort each other's timings if run together) and keeps
# their output under benchmarks/results/ (not versioned). About 45 minutes on 2 cores,
# most of it the 1M-phrasing search run and the BANKING77 loop.
#
#   bash benchmarks/run_all.sh            # everything
#   SIZES=1000,10000 bash benchmarks/run_all.sh   # a quicker search benchmark
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap.sh
PY="${NAHBAR_VENV:-$ROOT/.venv}/bin/python"
OUT="$ROOT/benchmarks/results"
mkdir -p "$OUT"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs) × $(nproc) cores"
  echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "python: $("$PY" --version)"
} | tee "$OUT/machine.txt"
"$PY" -m nahbar.cli train >/dev/null
run() {  # stops at the first benchmark that fails; its whole output is in results/NAME.log
  local name="$1"; shift
  echo; echo "== $name: $*"
  "$PY" "$@" > "$OUT/$name.log" 2>&1 || { tail -20 "$OUT/$name.log"; exit 1; }
  grep -v -e 'Warning' -e 'Task was destroyed' -e '^task: <Task' "$OUT/$name.log" | tee "$OUT/$name.txt" || true
}
run anonymize benchmarks/bench_anonymize.py --seed 7
run search benchmarks/bench_search.py --sizes "${SIZES:-1000,10000,100000,1000000}"
run bridge benchmarks/bench_bridge.py --chats 2000 --seed 13
run widget benchmarks/bench_widget.py
run purge benchmarks/bench_purge.py --chats 2000 --postgres "${POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
# BASELINE=<path of a git worktree> adds an older release side by side in the load benchmark.
run load benchmarks/bench_load.py --customers 100 --messages 20 ${BASELINE:+--tree "$BASELINE"} --tree .
# One and two processes behind HAProxy on the machine's PostgreSQL and Redis (scripts/cluster.sh).
run cluster benchmarks/bench_load.py --customers 200 --messages 20 --processes 1 --processes 2
run eval_loop benchmarks/eval_loop.py --seed 13 --out "$OUT/eval_loop.json"
run eval_privacy benchmarks/eval_privacy.py --seed 29 --json "$OUT/eval_privacy.json"
run eval_feelings benchmarks/eval_feelings.py --cv
echo; echo "results in $OUT"
