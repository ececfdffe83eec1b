#!/usr/bin/env bash
# A hot-path change measured before and after, same machine, same run: the packaged app built at git revision
# BEFORE against the one built from the working tree, in alternating rounds (before, after, before, after), each on a
# fresh database with 100 accounts (and, for poll, one job each), under the same wrk script (bench/lua/SCRIPT.lua,
# default estimate).
# Usage: bash bench/before-after.sh BEFORE_REV [SCRIPT] [seconds per run, default 15] [connections, default 32]
# Writes bench/results/before-after-<SCRIPT>-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$1
SCRIPT="${2:-estimate}"
DURATION="${3:-15}"
CONNECTIONS="${4:-32}"
PORT=18070
ADMIN=bench-admin-token
OUT=bench/results
TMP=$OUT/tmp/before-after
mkdir -p "$TMP"
. bench/lib.sh
bench_tools

WORKTREE=/tmp/vidgate-before-$(git rev-parse --short "$BEFORE")
if [ ! -f "$WORKTREE/target/quarkus-app/quarkus-run.jar" ]; then
  rm -rf "$WORKTREE"; git worktree prune
  git worktree add -f --detach "$WORKTREE" "$BEFORE" >/dev/null
  (cd "$WORKTREE" && ./mvnw -B -q package -DskipTests)
fi
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
declare -A JAR=([before]="$WORKTREE/target/quarkus-app/quarkus-run.jar" [after]=target/quarkus-app/quarkus-run.jar)

APP=
trap '[ -n "$APP" ] && kill "$APP" 2>/dev/null; true' EXIT
ROWS=()
declare -A SUM=([before]=0 [after]=0)
for round in 1 2; do
  for side in before after; do
    fresh_database
    start_app "${JAR[$side]}" "$TMP/app-$side.log"
    make_keys "$TMP/keys.txt"
    input="$TMP/keys.txt"
    if [ "$SCRIPT" = poll ]; then make_jobs "$TMP/keys.txt" "$TMP/jobs.txt"; input="$TMP/jobs.txt"; fi
    result=$(wrk_run "$SCRIPT" "$input" "$DURATION" "$CONNECTIONS")
    kill "$APP"; wait "$APP" 2>/dev/null || true; APP=
    rps=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['rps'])" "$result")
    SUM[$side]=$(python3 -c "print(${SUM[$side]} + $rps)")
    ROWS+=("| $round | $side | $result |")
  done
done
{
  echo "# $SCRIPT before ($(git rev-parse --short "$BEFORE")) and after (working tree of $(git rev-parse --short HEAD)), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$(nproc) cores shared by PostgreSQL 15, the packaged app (prod profile) and wrk; ${DURATION} s per run after a 3 s"
  echo "warm-up, ${CONNECTIONS} connections, 100 accounts, fresh database per run; latencies in ms."
  echo
  echo "| round | build | result |"
  echo "|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "mean throughput after / before: $(python3 -c "print(round(${SUM[after]} / ${SUM[before]}, 3))")"
} | tee "$OUT/before-after-$SCRIPT-$(date -u +%Y-%m-%d).md"
