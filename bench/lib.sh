# Shared by bench/limiter-cost.sh and bench/before-after.sh (bench/run.sh sets up its own, larger, data set).
# Expects PORT, ADMIN and OUT to be set by the caller; works from the repository's top directory.

bench_tools() {
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  command -v pg_ctlcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
  pg_ctlcluster 15 main start 2>/dev/null || true
  for _ in $(seq 1 60); do su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break; sleep 0.5; done
}

fresh_database() { # an empty database vidgate_bench owned by the role of the same name
  su postgres -c "psql -q -c 'DROP DATABASE IF EXISTS vidgate_bench' -c \"DROP ROLE IF EXISTS vidgate_bench\" \
    -c \"CREATE ROLE vidgate_bench LOGIN PASSWORD 'vidgate_bench'\" -c 'CREATE DATABASE vidgate_bench OWNER vidgate_bench'"
}

start_app() { # JAR LOGFILE [VAR=value ...]: the packaged app (prod profile) on PORT against vidgate_bench; sets APP
  local jar=$1 log=$2; shift 2
  env "$@" VIDGATE_ADMIN_TOKEN="$ADMIN" VIDGATE_WORKER_TOKEN=bench-worker-token \
    VIDGATE_UPLOADS_SIGNING_KEY=bench-uploads-signing-key-0123456789abcdef \
    QUARKUS_HTTP_PORT="$PORT" QUARKUS_LOG_LEVEL=WARN \
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:5432/vidgate_bench \
    QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:5432/vidgate_bench \
    QUARKUS_DATASOURCE_USERNAME=vidgate_bench QUARKUS_DATASOURCE_PASSWORD=vidgate_bench \
    java -jar "$jar" > "$log" 2>&1 &
  APP=$!
  for _ in $(seq 1 120); do curl -sf "localhost:$PORT/q/health/ready" >/dev/null && return 0; sleep 0.5; done
  echo "the application did not start; see $log" >&2; exit 1
}

make_keys() { # FILE: 100 accounts with ample credits and limits (1000 active jobs each); one key per line in FILE
  : > "$1"
  for _ in $(seq 1 100); do
    local id
    id=$(curl -sf -X POST "localhost:$PORT/admin/accounts" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
      -d '{"name":"bench","concurrency_limit":1000,"rate_limit_per_minute":100000}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
    curl -sf -X POST "localhost:$PORT/admin/accounts/$id/credits" -H "Authorization: Bearer $ADMIN" \
      -H 'Content-Type: application/json' -d '{"amount":1000000000000}' >/dev/null
    curl -sf -X POST "localhost:$PORT/admin/accounts/$id/api-keys" -H "Authorization: Bearer $ADMIN" \
      -H 'Content-Type: application/json' -d '{}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["key"])' >> "$1"
  done
}

wrk_run() { # SCRIPT KEYFILE SECONDS CONNECTIONS: a 3 s warm-up, then one measured run; prints its RESULT json
  wrk -t2 -c"$4" -d3s -s "bench/lua/$1.lua" "http://localhost:$PORT" -- "$2" >/dev/null
  wrk -t2 -c"$4" -d"$3s" -s "bench/lua/$1.lua" "http://localhost:$PORT" -- "$2" | grep '^RESULT ' | sed 's/^RESULT //'
}

make_jobs() { # KEYFILE JOBFILE: one text-to-video job per key; "key job_id" per line in JOBFILE (for poll.lua)
  : > "$2"
  while read -r key; do
    echo "$key $(curl -sf -X POST "localhost:$PORT/v2/text-to-video" -H "Authorization: Bearer $key" \
      -H 'Content-Type: application/json' \
      -d '{"prompt":"A lighthouse at dusk","model":"ltx-2-3-pro","duration":8,"resolution":"1920x1080"}' \
      | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')" >> "$2"
  done < "$1"
}
