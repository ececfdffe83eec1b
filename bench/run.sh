#!/usr/bin/env bash
# The vidgate benchmark, one command (as root, from anywhere; about 6 minutes):
#
#   bash bench/run.sh                 # defaults: 32 connections, 15 s per measurement after a 3 s warm-up
#   CONNECTIONS=64 DURATION=30 bash bench/run.sh
#
# On this machine, in one run: installs wrk / PostgreSQL if missing, starts the machine's PostgreSQL 15
# (pg_ctlcluster 15 main start), creates a fresh role + database (vidgate_benchrun), records the PostgreSQL
# settings, builds the packaged app only if target/quarkus-app/quarkus-run.jar is missing, starts it (prod profile,
# simulator off) measuring start-up time (process start to the first 200 on /q/health/ready) and RSS, creates 300
# accounts in three sets of 100 (concurrency_limit 1000, rate_limit_per_minute 100000, 10^12 credits, one key each;
# set A for the service runs and the polled jobs, set B for pgbench's creates, set C for the half-rate create run:
# an account holds at most 1000 active jobs and nothing completes jobs here), pre-creates 3 jobs per set-A account,
# then measures:
#   the LIMIT   with pgbench -M prepared -n -j 2 (bench/sql/{create,poll,estimate}.sql): the SQL of one request,
#               and bench/sql/key_lookup.sql: the key lookup alone, what authentication costs without the rate limit
#   the SERVICE with wrk -t 2 (bench/lua/*.lua): create, poll, estimate, GET /q/health/live (the ceiling), and, to
#               show where estimate's time goes, GET /v2/models (REST, no database) and GET /v2/balance (REST + the
#               authenticating statement only); then create again at half the peak rate at a constant rate, with
#               latency counted from each request's scheduled time (bench/FixedRate.java, wrk2's method)
#   the CPU     each run's CPU time of the app and of PostgreSQL per request (from /proc)
#   a PROFILE   of the JVM under the estimate load (JFR, a separate run so it does not slow the measured one)
#   CONTENTION  create + cancel over 1000, 100, 10 and 1 accounts, and one account on one connection
# and writes bench/results/<UTC date>.md and .json, ending with the ledger conservation check (ledger/Conservation.java).
# Before every load run it waits while a CI run (surefire/failsafe) is going on. Scratch files: bench/results/tmp/run.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
PORT="${PORT:-18090}"
ADMIN=bench-admin-token
DB=vidgate_benchrun
export PGPASSWORD=$DB
TMP=bench/results/tmp/run
OUT=bench/results
STAMP=$(date -u +%Y-%m-%d)
T_START=$(date +%s)
rm -rf "$TMP"; mkdir -p "$TMP"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# ---- 1. tools, PostgreSQL, fresh database, settings ------------------------------------------------------------
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v pg_ctlcluster >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
command -v pgbench >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-contrib >/dev/null; }
pg_ctlcluster 15 main start >/dev/null 2>&1 || true
for _ in $(seq 1 60); do su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break; sleep 0.5; done
su postgres -c "psql -q -c 'DROP DATABASE IF EXISTS $DB' -c 'DROP ROLE IF EXISTS $DB' \
  -c \"CREATE ROLE $DB LOGIN PASSWORD '$DB'\" -c 'CREATE DATABASE $DB OWNER $DB'"
PSQL=(psql -h localhost -U "$DB" -d "$DB" -qAt -v ON_ERROR_STOP=1)
"${PSQL[@]}" -F $'\t' -c "SELECT name, current_setting(name) FROM pg_settings
  WHERE name IN ('shared_buffers','synchronous_commit','max_connections','fsync','wal_level','server_version')
  ORDER BY name" > "$TMP/pg_settings.tsv"

waited_ci=0
quiet() { # no load run while a CI run uses the CPU
  while pgrep -f "surefire|failsafe" >/dev/null; do
    [ "$waited_ci" -eq 0 ] && log "a CI run (surefire/failsafe) is going on: waiting for it to end"
    waited_ci=$((waited_ci + 5)); sleep 5
  done
}

# ---- 2. the packaged app: start-up time and RSS -----------------------------------------------------------------
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
APP=
cleanup() { [ -n "$APP" ] && kill "$APP" 2>/dev/null && wait "$APP" 2>/dev/null; true; }
trap cleanup EXIT
quiet
T0=$(date +%s.%N)
VIDGATE_ADMIN_TOKEN=$ADMIN VIDGATE_WORKER_TOKEN=bench-worker-token VIDGATE_UPLOADS_SIGNING_KEY=bench-uploads-signing-key-0123456789 VIDGATE_SIMULATOR_ENABLED=false \
QUARKUS_PROFILE=prod QUARKUS_HTTP_PORT=$PORT QUARKUS_LOG_LEVEL=WARN \
QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://localhost:5432/$DB \
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://localhost:5432/$DB \
QUARKUS_DATASOURCE_USERNAME=$DB QUARKUS_DATASOURCE_PASSWORD=$DB \
  java -jar target/quarkus-app/quarkus-run.jar > "$TMP/app.log" 2>&1 &
APP=$!
STARTUP=
for _ in $(seq 1 1200); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "localhost:$PORT/q/health/ready")" = 200 ]; then
    STARTUP=$(python3 -c "print(round($(date +%s.%N) - $T0, 3))"); break
  fi
  kill -0 "$APP" 2>/dev/null || break
  sleep 0.05
done
[ -n "$STARTUP" ] || { log "the application did not start; see $TMP/app.log"; exit 1; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$APP/status"; }
RSS_START=$(rss_mb)
log "started in ${STARTUP}s, RSS ${RSS_START} MB"

# ---- 3. accounts, keys, pre-created jobs, pgbench helper tables ---------------------------------------------------
python3 - "$PORT" "$ADMIN" "$TMP" <<'PY'
import json, sys, urllib.request
port, admin, tmp = sys.argv[1:4]
base = f"http://localhost:{port}"
def call(path, body, token, extra=None):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json", **(extra or {})}
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(req) as r:
        return json.load(r)
for s, count in [("A", 100), ("B", 100), ("C", 100), ("D", 1000)]:
    keys = []
    for i in range(1, count + 1):
        acc = call("/admin/accounts", {"name": f"bench-{s}-{i:03d}", "concurrency_limit": 1000,
                                       "rate_limit_per_minute": 100000}, admin)["id"]
        call(f"/admin/accounts/{acc}/credits", {"amount": 10**12, "description": "bench"}, admin,
             {"Idempotency-Key": f"bench-{s}-{i}"})
        keys.append(call(f"/admin/accounts/{acc}/api-keys", {"name": "bench"}, admin)["key"])
    open(f"{tmp}/keys_{s}.txt", "w").write("\n".join(keys) + "\n")
    if s == "A":
        body = {"prompt": "A lighthouse at dusk", "model": "ltx-2-3-pro", "duration": 8, "resolution": "1920x1080"}
        jobs = [f"{k} {call('/v2/text-to-video', body, k)['id']}" for _ in range(3) for k in keys]
        open(f"{tmp}/jobs.txt", "w").write("\n".join(jobs) + "\n")
PY
"${PSQL[@]}" <<'SQL'
CREATE TABLE bench_create_keys AS
  SELECT row_number() OVER (ORDER BY a.name)::int AS n, k.key_hash, k.account_id
    FROM accounts a JOIN api_keys k ON k.account_id = a.id WHERE a.name LIKE 'bench-B-%';
ALTER TABLE bench_create_keys ADD PRIMARY KEY (n);
CREATE TABLE bench_poll_jobs AS
  SELECT row_number() OVER (ORDER BY j.seq)::int AS n, j.id AS job_id, j.account_id, k.key_hash
    FROM jobs j JOIN api_keys k ON k.account_id = j.account_id;
ALTER TABLE bench_poll_jobs ADD PRIMARY KEY (n);
ANALYZE bench_create_keys, bench_poll_jobs, jobs, accounts, api_keys;
SQL
NJOBS=$("${PSQL[@]}" -c "SELECT count(*) FROM bench_poll_jobs")
log "1300 accounts, $NJOBS pre-created jobs"

# ---- 4./5. measurements -------------------------------------------------------------------------------------------
URL="http://localhost:$PORT"
cpu_ticks() { # clock ticks of CPU used so far by the app, and by all PostgreSQL processes
  awk '{print $14 + $15}' "/proc/$APP/stat"
  for pid in $(pgrep -u postgres); do awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null; done \
    | awk '{s += $1} END {print s + 0}'
}
cpu_per_request() { # json-file ticks-before ticks-after: adds the CPU per request of the app and of PostgreSQL
  python3 - "$1" "$2" "$3" "$(getconf CLK_TCK)" <<'PY'
import json, sys
path, before, after, hz = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), int(sys.argv[4])
r = json.load(open(path))
n = max(1, r.get("requests") or r.get("transactions") or 1)
r["cpu_app_us_per_req"] = round((int(after[0]) - int(before[0])) / hz * 1e6 / n, 1)
r["cpu_pg_us_per_req"] = round((int(after[1]) - int(before[1])) / hz * 1e6 / n, 1)
json.dump(r, open(path, "w"))
PY
}
run_wrk() { # name script file [delay_ms]
  quiet
  local c=${CONN:-$CONNECTIONS}
  wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d"${WARMUP}s" -s "bench/lua/$2.lua" "$URL" -- "$3" ${4:-} >/dev/null
  quiet
  local before; before=$(cpu_ticks | paste -sd' ')
  wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d"${DURATION}s" -s "bench/lua/$2.lua" "$URL" -- "$3" ${4:-} > "$TMP/wrk_$1.txt"
  local after; after=$(cpu_ticks | paste -sd' ')
  grep '^RESULT ' "$TMP/wrk_$1.txt" | sed 's/^RESULT //' > "$TMP/wrk_$1.json"
  cpu_per_request "$TMP/wrk_$1.json" "$before" "$after"
  if grep -q '^CREATES ' "$TMP/wrk_$1.txt"; then
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); r.update(json.loads(sys.argv[2])); r['connections']=$c; \
json.dump(r, open(sys.argv[1], 'w'))" "$TMP/wrk_$1.json" "$(grep '^CREATES ' "$TMP/wrk_$1.txt" | sed 's/^CREATES //')"
  fi
  log "wrk $1: $(cat "$TMP/wrk_$1.json")"
}
run_pgbench() { # name sql-file extra-args...
  local name=$1 file=$2; shift 2
  quiet
  local before; before=$(cpu_ticks | paste -sd' ')
  (cd "$TMP" && pgbench -h localhost -U "$DB" -c "$CONNECTIONS" -j 2 -T "$DURATION" -M prepared -n \
     -l --log-prefix="pgb_$name" "$@" -f "../../../sql/$file" "$DB") > "$TMP/pgbench_$name.txt" 2>&1
  local after; after=$(cpu_ticks | paste -sd' ')
  python3 - "$TMP" "$name" <<'PY'
import glob, json, re, sys
tmp, name = sys.argv[1:3]
text = open(f"{tmp}/pgbench_{name}.txt").read()
lat = sorted(int(l.split()[2]) for f in glob.glob(f"{tmp}/pgb_{name}.*") for l in open(f) if l.strip())
pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p / 100))] / 1000 if lat else None
num = lambda pat: float(re.search(pat, text).group(1)) if re.search(pat, text) else None
res = {"transactions": num(r"number of transactions actually processed: (\d+)"),
       "failed": int(num(r"number of failed transactions: (\d+)") or 0),
       "tps": num(r"tps = ([\d.]+) \(without initial connection time\)"),
       "p50_ms": pct(50), "p99_ms": pct(99), "p999_ms": pct(99.9), "max_ms": lat[-1] / 1000 if lat else None}
json.dump(res, open(f"{tmp}/pgbench_{name}.json", "w"))
PY
  cpu_per_request "$TMP/pgbench_$name.json" "$before" "$after"
  log "pgbench $name: $(cat "$TMP/pgbench_$name.json")"
}

# JIT warm-up: every path once before the first measurement (a 3 s warm-up per run is not enough for the first run
# that reaches the database: it measured GET /v2/balance at 0.7 of its warm rate)
quiet
for script in live models balance estimate poll create; do
  input="$TMP/keys_A.txt"; [ "$script" = poll ] && input="$TMP/jobs.txt"
  wrk -t2 -c"$CONNECTIONS" -d5s -s "bench/lua/$script.lua" "$URL" -- "$input" >/dev/null
done
run_wrk ceiling live "$TMP/keys_A.txt"
run_wrk models models "$TMP/keys_A.txt"
run_wrk balance balance "$TMP/keys_A.txt"
run_wrk estimate estimate "$TMP/keys_A.txt"
run_wrk poll poll "$TMP/jobs.txt"
run_wrk create create "$TMP/keys_A.txt"
RSS_LOAD=$(rss_mb)
# half the peak at a constant rate on as many connections: latency counted from each request's scheduled send time.
# Three runs (a tail percentile moves most with this machine's noise); the report shows all three and uses the
# run with the median p99.
HALF=$(python3 -c "import json; print(round(json.load(open('$TMP/wrk_create.json'))['rps'] / 2))")
for i in 1 2 3; do
  quiet
  before=$(cpu_ticks | paste -sd' ')
  java bench/FixedRate.java "$URL" "$TMP/keys_C.txt" "$HALF" "$DURATION" "$WARMUP" "$CONNECTIONS" > "$TMP/half$i.txt"
  after=$(cpu_ticks | paste -sd' ')
  grep '^RESULT ' "$TMP/half$i.txt" | sed 's/^RESULT //' > "$TMP/half$i.json"
  cpu_per_request "$TMP/half$i.json" "$before" "$after"
  log "fixed rate create_half run $i: $(cat "$TMP/half$i.json")"
done
python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
runs = [json.load(open(f"{tmp}/half{i}.json")) for i in (1, 2, 3)]
median = sorted(runs, key=lambda r: r["p99_ms"])[1]
median["p99_ms_of_runs"] = [r["p99_ms"] for r in runs]
json.dump(median, open(f"{tmp}/wrk_create_half.json", "w"))
PY
run_pgbench poll poll.sql -D njobs="$NJOBS"
JOBS_B0=$("${PSQL[@]}" -c "SELECT count(*) FROM jobs j JOIN accounts a ON a.id = j.account_id WHERE a.name LIKE 'bench-B-%'")
run_pgbench create create.sql
run_pgbench estimate estimate.sql -D njobs="$NJOBS"
run_pgbench key_lookup key_lookup.sql -D njobs="$NJOBS"
JOBS_B1=$("${PSQL[@]}" -c "SELECT count(*) FROM jobs j JOIN accounts a ON a.id = j.account_id WHERE a.name LIKE 'bench-B-%'")
MAX_ACTIVE=$("${PSQL[@]}" -c "SELECT max(active_jobs) FROM accounts")
# 7. hot-account contention: create + cancel of each created job (an account holds at most 1000 active jobs and
# nothing completes them here), over 1000 (set D), 100, 10 and 1 accounts (set C), then one account on one connection
cp "$TMP/keys_D.txt" "$TMP/hot1000.txt"
head -n 100 "$TMP/keys_C.txt" > "$TMP/hot100.txt"; head -n 10 "$TMP/keys_C.txt" > "$TMP/hot10.txt"
head -n 1 "$TMP/keys_C.txt" > "$TMP/hot1.txt"
for a in 1000 100 10 1; do run_wrk "hot$a" create_cancel "$TMP/hot$a.txt"; done
CONN=1 run_wrk hot1_alone create_cancel "$TMP/hot1.txt"

# where the JVM's time goes under the estimate load: JFR in a separate run after all measurements (recording, and
# stopping it, disturbs the JIT, so no measured run comes after it)
jcmd "$APP" JFR.start name=estimate settings=profile filename="$PWD/$TMP/estimate.jfr" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/lua/estimate.lua "$URL" -- "$TMP/keys_A.txt" >/dev/null
jcmd "$APP" JFR.stop name=estimate >/dev/null
python3 bench/jfr_summary.py "$TMP/estimate.jfr" > "$TMP/estimate_profile.md"

# ---- 6. conservation check, report --------------------------------------------------------------------------------
CONSERVATION_SQL=$(python3 -c "import re; s=open('src/main/java/io/vidgate/ledger/Conservation.java').read(); \
print(re.search(r'\"\"\"\n(.*?)\"\"\"', s, re.S).group(1))")
"${PSQL[@]}" -c "$CONSERVATION_SQL" > "$TMP/conservation.txt"
IMBALANCED=$(grep -c . "$TMP/conservation.txt" || true)
kill "$APP"; wait "$APP" 2>/dev/null || true; APP=
ELAPSED=$(( $(date +%s) - T_START ))

python3 - "$TMP" "$OUT/$STAMP" <<PY
import json, sys
tmp, out = sys.argv[1:3]
w = {n: json.load(open(f"{tmp}/wrk_{n}.json")) for n in ["ceiling", "models", "balance", "estimate", "poll", "create", "create_half", "hot1000", "hot100", "hot10", "hot1", "hot1_alone"]}
p = {n: json.load(open(f"{tmp}/pgbench_{n}.json")) for n in ["poll", "create", "estimate", "key_lookup"]}
profile = open(f"{tmp}/estimate_profile.md").read().rstrip("\n")
pg = dict(l.rstrip("\n").split("\t") for l in open(f"{tmp}/pg_settings.tsv"))
r = lambda a, b: round(a / b, 3) if a and b else None
ratios = {"create/pgbench_create": r(w["create"]["rps"], p["create"]["tps"]),
          "poll/pgbench_poll": r(w["poll"]["rps"], p["poll"]["tps"]),
          "estimate/ceiling": r(w["estimate"]["rps"], w["ceiling"]["rps"]),
          "estimate/pgbench_estimate": r(w["estimate"]["rps"], p["estimate"]["tps"]),
          "estimate/balance": r(w["estimate"]["rps"], w["balance"]["rps"]),
          "balance/ceiling": r(w["balance"]["rps"], w["ceiling"]["rps"]),
          "models/ceiling": r(w["models"]["rps"], w["ceiling"]["rps"]),
          "pgbench_estimate/ceiling": r(p["estimate"]["tps"], w["ceiling"]["rps"]),
          "pgbench_key_lookup/ceiling": r(p["key_lookup"]["tps"], w["ceiling"]["rps"])}
targets = {"create/pgbench_create": 0.5, "poll/pgbench_poll": 0.3, "estimate/ceiling": 0.6}
data = {"date_utc": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "cores": $(nproc), "connections": $CONNECTIONS,
        "duration_s": $DURATION, "warmup_s": $WARMUP, "postgresql": pg,
        "java": "$(java -version 2>&1 | head -1 | tr -d '"')",
        "app": {"startup_s": $STARTUP, "rss_after_start_mb": $RSS_START, "rss_after_create_load_mb": $RSS_LOAD},
        "wrk": w, "pgbench": p, "ratios": ratios, "targets": targets,
        "create_half_runs": [json.load(open(f"{tmp}/half{i}.json")) for i in (1, 2, 3)],
        "half_rate_target_rps": $HALF,
        "pgbench_create_jobs_reserved": $JOBS_B1 - $JOBS_B0, "max_active_jobs_per_account": $MAX_ACTIVE,
        "conservation_imbalanced_accounts": $IMBALANCED, "waited_for_ci_s": $waited_ci, "elapsed_s": $ELAPSED}
json.dump(data, open(out + ".json", "w"), indent=2)
f = lambda v: "-" if v is None else (f"{v:.0f}" if isinstance(v, float) and v >= 100 else f"{v:.2f}" if isinstance(v, float) else str(v))
rows = [("service: POST /v2/text-to-video (create)", w["create"]), ("service: create at half the peak rate (the run with the median p99 of three)", w["create_half"]),
        ("service: GET /v2/jobs/{id} (poll)", w["poll"]), ("service: POST /v2/estimate", w["estimate"]),
        ("service: GET /v2/balance (authenticating statement only)", w["balance"]),
        ("service: GET /v2/models (Quarkus REST, no database)", w["models"]),
        ("service: GET /q/health/live (ceiling)", w["ceiling"])]
L = [f"# vidgate benchmark, {data['date_utc']}", "",
     f"One {data['cores']}-core machine shared by PostgreSQL {pg.get('server_version')}, the app (packaged jar, prod profile, "
     f"simulator off, log level WARN, {data['java']}) and the load generators (wrk -t2, pgbench -j2, bench/FixedRate.java for the half-rate row): every number below "
     f"is for all three on those {data['cores']} cores. {data['connections']} connections, {data['duration_s']} s per measurement after a "
     f"{data['warmup_s']} s warm-up (wrk; pgbench runs on the already warm database). Latencies in ms.", "",
     "| measurement | requests/s | p50 | p99 | p99.9 | non-2xx | socket errors | app CPU µs/req | PostgreSQL CPU µs/req |",
     "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
cpu = lambda x: f"{f(x.get('cpu_app_us_per_req'))} | {f(x.get('cpu_pg_us_per_req'))}"
for name, x in rows:
    L.append(f"| {name} | {f(x['rps'])} | {f(x['p50_ms'])} | {f(x['p99_ms'])} | {f(x['p999_ms'])} | {x['non2xx']} | {x['socket_errors']} | {cpu(x)} |")
for name, x in [("pgbench: create.sql (limiter + RESERVE)", p["create"]), ("pgbench: poll.sql (limiter + job read)", p["poll"]),
                ("pgbench: estimate.sql (limiter, returns the balance)", p["estimate"]),
                ("pgbench: key_lookup.sql (the limiter's key lookup alone, no counting)", p["key_lookup"])]:
    L.append(f"| {name} | {f(x['tps'])} | {f(x['p50_ms'])} | {f(x['p99_ms'])} | {f(x['p999_ms'])} | failed: {f(x['failed'])} | - | - | - |")
L += ["", "| ratio | value | target | met |", "|---|---:|---:|---|"]
for k, v in ratios.items():
    t = targets.get(k)
    L.append(f"| {k} | {f(v)} | {'>= ' + str(t) if t else '-'} | {('yes' if v is not None and v >= t else 'NO') if t else '-'} |")
half = w["create_half"]
L.append(f"| create p99 at half the peak, constant rate ({f(half['rps'])} req/s, {f(100 * half['rps'] / w['create']['rps'])}% of peak; "
         f"median of three runs: {' / '.join(f(v) for v in half['p99_ms_of_runs'])} ms) | "
         f"{f(half['p99_ms'])} ms | < 20 ms | {'yes' if half['p99_ms'] < 20 else 'NO'} |")
L += ["", "Hot-account contention (step 7): each connection creates a job (POST /v2/text-to-video), then cancels it "
      "(POST /v2/jobs/{id}/cancel, which releases the hold at once), because an account holds at most 1000 active jobs and "
      "nothing completes jobs here; so these numbers are for a create + cancel mix, not comparable one to one with the "
      "pure create row above. requests/s counts both kinds.", "",
      "| accounts | connections | requests/s | creates/s | p50 | p99 | p99.9 | non-2xx | socket errors |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for name, acc in [("hot1000", 1000), ("hot100", 100), ("hot10", 10), ("hot1", 1), ("hot1_alone", 1)]:
    x = w[name]
    L.append(f"| {acc} | {x['connections']} | {f(x['rps'])} | {f(x['creates_per_s'])} | {f(x['p50_ms'])} | {f(x['p99_ms'])} | "
             f"{f(x['p999_ms'])} | {x['non2xx']} | {x['socket_errors']} |")
L += ["", "Notes:",
      "- /q/health/live runs no health check (no database, no key, no rate limit): it is the HTTP stack's ceiling, not a service endpoint. "
      "GET /v2/models is a Quarkus REST endpoint without key or database (it serializes the 2.6 KB catalog); GET /v2/balance does nothing but "
      "the statement every authenticated request runs (authenticate + count the rate limit, returning the balance): estimate cannot be cheaper than it.",
      "- estimate runs one statement: the rate-limiter statement, which also returns the balance; create runs the limiter statement and RESERVE "
      "(one statement each, autocommit, no Idempotency-Key); poll runs the limiter statement and the job read (one plain statement on the pool).",
      f"- pgbench create reserved {data['pgbench_create_jobs_reserved']} jobs in {f(p['create']['transactions'])} transactions "
      f"(they must be equal: an account at its 1000-active-jobs limit reserves nothing); highest active_jobs of an account: {data['max_active_jobs_per_account']}.",
      f"- half-rate run: bench/FixedRate.java sends {data['half_rate_target_rps']} creates/s on {half.get('connections')} connections, each on its own fixed "
      f"schedule (wrk2's constant-throughput method); each latency counts from the request's scheduled send time, so a slow answer counts for every "
      f"request it delayed; {half.get('late_sends')} requests were sent more than 1 ms after their slot; non-2xx by status: {half.get('non2xx_by_status') or 'none'}.",
      "- CPU µs/req: CPU time of the app process and of all PostgreSQL processes during the measured run, divided by its requests "
      "(the rest of the 2 cores goes to the load generator and the kernel). Not for pgbench: its backends exit with the run and /proc forgets them.",
      f"- app: start-up {data['app']['startup_s']} s (process start to the first 200 on /q/health/ready, migrations of an empty database included); "
      f"RSS {data['app']['rss_after_start_mb']} MB after start, {data['app']['rss_after_create_load_mb']} MB after the create run.",
      "- PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in pg.items() if k != "server_version") + ".",
      f"- ledger conservation check (ledger/Conservation.java) at the end: {data['conservation_imbalanced_accounts']} imbalanced accounts "
      f"({'PASS' if $IMBALANCED == 0 else 'FAIL'}).",
      f"- waited {$waited_ci} s for CI runs; whole run {$ELAPSED} s. Raw numbers: {out.split('/')[-1]}.json.",
      "", "## Where the JVM's time goes under the estimate load (JFR, separate run)", "", profile]
open(out + ".md", "w").write("\n".join(L) + "\n")
print("\n".join(L))
PY
[ "$IMBALANCED" -eq 0 ] || { log "the conservation check found $IMBALANCED imbalanced accounts"; exit 1; }
