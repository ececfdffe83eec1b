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

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v pg_ctlcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
pg_ctlcluster 15 main start 2>/dev/null || true
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests

fresh_database() {
  su postgres -c "psql -q -c 'DROP DATABASE IF EXISTS vidgate_bench' -c \"DROP ROLE IF EXISTS vidgate_bench\" \
    -c \"CREATE ROLE vidgate_bench LOGIN PASSWORD 'vidgate_bench'\" -c 'CREATE DATABASE vidgate_bench OWNER vidgate_bench'"
}

start_app() { # $1 = rate limiter on (true) or off (false)
  VIDGATE_ADMIN_TOKEN=$ADMIN VIDGATE_WORKER_TOKEN=bench-worker-token VIDGATE_UPLOADS_SIGNING_KEY=bench-uploads-signing-key-0123456789 VIDGATE_RATE_LIMIT_ENABLED="$1" \
  QUARKUS_HTTP_PORT=$PORT QUARKUS_LOG_LEVEL=WARN \
  QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:5432/vidgate_bench \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:5432/vidgate_bench \
  QUARKUS_DATASOURCE_USERNAME=vidgate_bench QUARKUS_DATASOURCE_PASSWORD=vidgate_bench \
    java -jar target/quarkus-app/quarkus-run.jar > "$OUT/tmp/app-$1.log" 2>&1 &
  APP=$!
  for _ in $(seq 1 120); do curl -sf "localhost:$PORT/q/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "the application did not start; see $OUT/tmp/app-$1.log" >&2; exit 1
}

make_keys() { # 100 accounts with ample credits and limits (1000 active jobs each), so no request is refused
  local keys=()
  for i in $(seq 1 100); do
    local id key
    id=$(curl -sf -X POST "localhost:$PORT/admin/accounts" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
      -d '{"name":"bench","concurrency_limit":1000,"rate_limit_per_minute":100000}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
    curl -sf -X POST "localhost:$PORT/admin/accounts/$id/credits" -H "Authorization: Bearer $ADMIN" \
      -H 'Content-Type: application/json' -d '{"amount":1000000000000}' >/dev/null
    key=$(curl -sf -X POST "localhost:$PORT/admin/accounts/$id/api-keys" -H "Authorization: Bearer $ADMIN" \
      -H 'Content-Type: application/json' -d '{}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["key"])')
    keys+=("\"$key\"")
  done
  local joined
  joined=$(IFS=,; echo "${keys[*]}")
  cat > "$OUT/tmp/create.lua" <<LUA
local keys = {$joined}
local n = 0
wrk.method = "POST"
wrk.body = '{"prompt":"A lighthouse at dusk","model":"ltx-2-3-pro","duration":8,"resolution":"1920x1080"}'
request = function()
  n = n + 1
  return wrk.format(nil, "/v2/text-to-video", {["Authorization"] = "Bearer " .. keys[(n % #keys) + 1],
                                                ["Content-Type"] = "application/json"})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p99=%.2f non2xx=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
}

# Alternating rounds (on, off, on, off): noise on a small shared machine shows up as spread between rounds.
ROWS=()
declare -A SUM=([true]=0 [false]=0)
for round in 1 2; do
  for mode in true false; do
    fresh_database
    start_app "$mode"
    make_keys
    wrk -t2 -c"$CONNECTIONS" -d3s -s "$OUT/tmp/create.lua" "http://localhost:$PORT" >/dev/null   # warm-up
    result=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$OUT/tmp/create.lua" "http://localhost:$PORT" | grep RESULT)
    kill "$APP"; wait "$APP" 2>/dev/null || true
    rps=$(echo "$result" | sed 's/.*rps=\([0-9.]*\).*/\1/')
    SUM[$mode]=$(python3 -c "print(${SUM[$mode]} + $rps)")
    ROWS+=("| $round | $([ "$mode" = true ] && echo on || echo off) | ${result#RESULT } |")
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
