#!/usr/bin/env bash
# The same remote-write load against Prometheus' own receiver and against `foresight serve`, one after the other,
# and both rows side by side: samples/s acknowledged, write p50/p99, resident memory after the load and after an
# idle period with no load (docs/performance.md).
#
#   bench/compare-prometheus.sh                         # 15 s of the issue-18 load (5,000 series, 9 labels, 2,000 samples per request, 4 senders), 300 s idle
#   IDLE=60 bench/compare-prometheus.sh --duration 15s  # anything after the script name goes to the load (--help lists it)
#   bench/compare-prometheus.sh --scrape-like --series 100000 --cadence 15s --duration 5m
#
# Builds Release, starts Prometheus (PROMETHEUS, default /usr/bin/prometheus; 2.42 or later, with
# --web.enable-remote-write-receiver and storage.tsdb.out_of_order_time_window in its config) on a temporary directory
# and a free loopback port, then Foresight on another; each is stopped by its process id. The raw JSON rows are kept in
# $OUT (default a temporary directory), with each receiver's log.
set -euo pipefail
cd "$(dirname "$0")/.."

IDLE=${IDLE:-300}
PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
OOO_WINDOW=${OOO_WINDOW:-1h}
OUT=${OUT:-$(mktemp -d -t foresight-compare.XXXXXX)}
mkdir -p "$OUT"
LOAD_ARGS=("$@")
[ ${#LOAD_ARGS[@]} -gt 0 ] || LOAD_ARGS=(--duration 15s)

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

wait_ready() {   # URL PID: until URL answers 200, or the process is gone, or 120 s passed
  for _ in $(seq 1 1200); do
    kill -0 "$2" 2>/dev/null || { echo "the receiver (pid $2) exited; see $OUT" >&2; return 1; }
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "$1 did not answer within 120 s" >&2
  return 1
}

stop() {   # PID: SIGTERM, then SIGKILL after 30 s
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

PID=
trap '[ -n "$PID" ] && stop "$PID"' EXIT

echo "building Release ..." >&2
dotnet build -c Release src/Foresight.Cli >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
dotnet build -c Release bench/Foresight.Benchmarks >>"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
BENCH=(dotnet bench/Foresight.Benchmarks/bin/Release/net10.0/Foresight.Benchmarks.dll --remote-write-load)
CLI=(dotnet src/Foresight.Cli/bin/Release/net10.0/foresight.dll)

run_load() {   # NAME URL PID
  echo "load against $1 ($2, pid $3) ..." >&2
  "${BENCH[@]}" "$2" "${LOAD_ARGS[@]}" --pid "$3" --idle-after "$IDLE" --name "$1" --json | tee "$OUT/$1.out" >&2 || true
  tail -n 1 "$OUT/$1.out" > "$OUT/$1.json"
}

# Prometheus: its remote-write receiver and an out-of-order window (the load's senders may reorder a series' samples slightly).
port=$(free_port)
mkdir -p "$OUT/prometheus-data"
printf 'global:\n  scrape_interval: 15s\nstorage:\n  tsdb:\n    out_of_order_time_window: %s\n' "$OOO_WINDOW" > "$OUT/prometheus.yml"
"$PROMETHEUS" --config.file="$OUT/prometheus.yml" --storage.tsdb.path="$OUT/prometheus-data" \
  --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver >"$OUT/prometheus.log" 2>&1 &
PID=$!
wait_ready "http://127.0.0.1:$port/-/ready" "$PID"
run_load prometheus "http://127.0.0.1:$port" "$PID"
stop "$PID"; PID=
rm -rf "$OUT/prometheus-data"

# Foresight: `foresight serve` with its defaults (detection on, 1 h out-of-order window) on a fresh data directory.
port=$(free_port)
"${CLI[@]}" serve --data-dir "$OUT/foresight-data" --urls "http://127.0.0.1:$port" >"$OUT/foresight.log" 2>&1 &
PID=$!
wait_ready "http://127.0.0.1:$port/readyz" "$PID"
run_load foresight "http://127.0.0.1:$port" "$PID"
stop "$PID"; PID=
rm -rf "$OUT/foresight-data"

echo
echo "load: ${LOAD_ARGS[*]}; idle ${IDLE} s; rows in $OUT"
if command -v jq >/dev/null 2>&1; then
  printf '%-11s %14s %10s %10s %10s %8s %14s %14s %14s\n' receiver samples/s p50_ms p99_ms max_ms failed rss_load_MB rss_idle_MB idle_samples
  for name in prometheus foresight; do
    jq -r --arg n "$name" '[$n, (.samplesPerSecond|floor), .p50Ms, .p99Ms, .maxMs, .failures, .rssAfterLoadMb, (.rssAfterIdleMb // "-"),
      ((.rssIdleMb // []) | map(floor|tostring) | join(" "))] | @tsv' "$OUT/$name.json" 2>/dev/null \
      | awk -F'\t' '{ printf "%-11s %14s %10s %10s %10s %8s %14s %14s  %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' \
      || echo "$name: no result (see $OUT/$name.out)"
  done
else
  cat "$OUT/prometheus.json" "$OUT/foresight.json"
fi
