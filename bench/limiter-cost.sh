#!/usr/bin/env bash
# What the rate limiter costs on the create path: POST /v2/text-to-video against the packaged application (prod
# profile, simulator off) and the machine's PostgreSQL 15, once with the limiter on and once off
# (VIDGATE_RATE_LIMIT_ENABLED=false swaps the limiter statement for a plain key lookup), same machine, same run.
# Usage: bash bench/limiter-cost.sh [seconds per run, default 20] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
CONNECTIONS="${2:-32}"
PORT=18080
ADMIN=bench-admin-token
OUT=bench/results
mkdir -p "$OUT/tmp"

. bench/lib.sh
bench_tools
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests

# Alternating rounds (on, off, on, off): noise on a small shared machine shows up as spread between rounds.
ROWS=()
declare -A SUM=([true]=0 [false]=0)
for round in 1 2; do
  for mode in true false; do
    fresh_database
    start_app target/quarkus-app/quarkus-run.jar "$OUT/tmp/app-$mode.log" VIDGATE_RATE_LIMIT_ENABLED="$mode"
    make_keys "$OUT/tmp/keys.txt"
    result=$(wrk_run create "$OUT/tmp/keys.txt" "$DURATION" "$CONNECTIONS")
    kill "$APP"; wait "$APP" 2>/dev/null || true
    rps=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['rps'])" "$result")
    SUM[$mode]=$(python3 -c "print(${SUM[$mode]} + $rps)")
    ROWS+=("| $round | $([ "$mode" = true ] && echo on || echo off) | $result |")
  done
done
{
  echo "# Rate limiter cost on POST /v2/text-to-video ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${DURATION}s, ${CONNECTIONS} connections)"
  echo
  echo "Packaged app (prod profile), PostgreSQL 15 and wrk on the same machine; p50/p99 in ms."
  echo
  echo "| round | limiter | result |"
  echo "|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "mean throughput with / without the limiter: $(python3 -c "print(round(${SUM[true]} / ${SUM[false]}, 3))")"
} | tee "$OUT/limiter-cost-$(date -u +%Y-%m-%d).md"
