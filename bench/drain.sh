#!/usr/bin/env bash
# The outbox drain alone, repeatable on a busy machine: the queue is filled once and kept as a Redis snapshot
# (bench/out/drain-fill.rdb, reused while it exists), and each run reports what the shared cores blur least: the
# service's and Redis's CPU per 1 000 Meta events and Redis's own cost per script (INFO commandstats), beside the rate.
# The service stays up between runs (the snapshot is loaded again under it), so the first run is a drain right after
# a start, as bench/run.sh measures it, and the later ones a drain by a warm worker.
#   bench/drain.sh                      fill (once) and drain; DRAIN_RUNS=3 drains the same snapshot three times
#   DRAIN_REFILL=1 bench/drain.sh       fill again (after a change to what an outbox entry holds)
#   BENCH_DRAIN_EVENTS=100000           events queued (each goes to Meta and PostHog) over the sessions made in
#   DRAIN_SESSION_SECONDS=30            seconds of POST /session (as bench/run.sh's session runs: about one session an event)
#   DRAIN_PERF=2 bench/drain.sh         samples the service's CPU with perf during run 2 (bench/out/drain-profile-*.txt)
# Ports: 6499 (Redis), 5400 (service), 5401 (stand-ins), moved by BENCH_PORT_OFFSET (default 100).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD; OUT=$ROOT/bench/out; mkdir -p "$OUT"
export SESSIONS_FILE=$OUT/drain-sessions.txt
OFF=${BENCH_PORT_OFFSET:-100}; REDIS_PORT=$((6399 + OFF)); SVC=$((5300 + OFF)); STAND=$((5301 + OFF))
N=${BENCH_DRAIN_EVENTS:-100000}; RUNS=${DRAIN_RUNS:-1}; RDB=drain-fill.rdb
source bench/service.sh; build_service
dotnet build bench/StandIn -c Release -v q -nologo >/dev/null

SVC_PID=""; STAND_PID=""
cleanup() { kill $SVC_PID $STAND_PID 2>/dev/null || true; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; }
trap cleanup EXIT
wait_http() { for _ in $(seq 1 300); do curl -s -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "no answer from $1"; exit 1; }
start_redis() {
  redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --dir "$OUT" --dbfilename $RDB \
    --enable-debug-command local --daemonize yes >/dev/null
  for _ in $(seq 1 300); do [ "$(redis-cli -p $REDIS_PORT ping 2>/dev/null)" = PONG ] && return 0; sleep 0.2; done
}
start_service() { # $1 = worker enabled
  Redis__ConnectionString=127.0.0.1:$REDIS_PORT Meta__BaseUrl=http://127.0.0.1:$STAND Meta__PixelId=1234567890 Meta__AccessToken=bench \
    PostHog__Host=http://127.0.0.1:$STAND PostHog__ApiKey=bench Tracking__RateLimitPerMinute=1000000000 \
    Tracking__NewSessionsPerMinute=1000000000 Tracking__AllowAnyOrigin=true Delivery__WorkerEnabled=$1 \
    Delivery__PollInterval=00:00:00.050 Logging__LogLevel__Default=Warning DOTNET_PerfMapEnabled=$([ -n "${DRAIN_PERF:-}" ] && echo 1 || echo 0) \
    DOTNET_EnableWriteXorExecute=$([ -n "${DRAIN_PERF:-}" ] && echo 0 || echo 1) ASPNETCORE_URLS=http://127.0.0.1:$SVC \
    dotnet "$SERVICE_DLL" >"$OUT/drain-service.log" 2>&1 &
  SVC_PID=$!
  wait_http http://127.0.0.1:$SVC/health/ready
}
stop_service() { kill "$SVC_PID"; wait "$SVC_PID" 2>/dev/null || true; SVC_PID=""; }
# Entries still queued: one script summing the due sets found after the fill (a SCAN of the whole keyspace per poll
# would load the Redis being measured).
DUE_KEYS=$OUT/drain-due-keys.txt
depth() { redis-cli -p $REDIS_PORT eval "local n = 0 for _, k in ipairs(KEYS) do n = n + redis.call('ZCARD', k) end return n" $(wc -l < "$DUE_KEYS") $(cat "$DUE_KEYS"); }
ticks() { awk '{print $14+$15}' /proc/$1/stat; }
redis_pid() { redis-cli -p $REDIS_PORT info server | awk -F: '/^process_id/ {print $2+0}'; }

ASPNETCORE_URLS=http://127.0.0.1:$STAND dotnet bench/StandIn/bin/Release/net10.0/StandIn.dll >/dev/null 2>&1 & STAND_PID=$!
wait_http http://127.0.0.1:$STAND/stats

if [ "${DRAIN_REFILL:-0}" = 1 ] || [ ! -f "$OUT/$RDB" ]; then
  rm -f "$OUT/$RDB"; start_redis; start_service false
  : > "$SESSIONS_FILE"
  wrk -t2 -c32 -d${DRAIN_SESSION_SECONDS:-30}s -s bench/wrk/session.lua http://127.0.0.1:$SVC >/dev/null
  for _ in $(seq 1 600); do
    redis-cli -p $REDIS_PORT --scan --pattern 'outbox:*:due' > "$DUE_KEYS"
    [ "$(depth)" -ge $(( N * 2 )) ] && break
    wrk -t2 -c8 -d1s -s bench/wrk/fill.lua http://127.0.0.1:$SVC >/dev/null
  done
  stop_service
  redis-cli -p $REDIS_PORT --scan --pattern 'outbox:*:due' > "$DUE_KEYS"
  redis-cli -p $REDIS_PORT save >/dev/null
  redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
fi

HZ=$(getconf CLK_TCK)
field() { echo "$1" | sed -E "s/.*\"$2\":([0-9]+).*/\1/"; }
start_redis
[ -s "$DUE_KEYS" ] || redis-cli -p $REDIS_PORT --scan --pattern 'outbox:*:due' > "$DUE_KEYS"
start_service true
RPID=$(redis_pid)
for run in $(seq 1 "$RUNS"); do
  # The worker is already draining the first run; a later run loads the snapshot again under the running service.
  [ "$run" -gt 1 ] && redis-cli -p $REDIS_PORT debug reload nosave >/dev/null
  BEFORE=$(curl -fs http://127.0.0.1:$STAND/stats)
  redis-cli -p $REDIS_PORT config resetstat >/dev/null
  s0=$(ticks $SVC_PID); r0=$(ticks $RPID); t0=$(date +%s.%N)
  QUEUED=$(depth)
  PERF_PID=""
  if [ "${DRAIN_PERF:-0}" = "$run" ]; then perf record -F 999 -g -p $SVC_PID -o "$OUT/drain.perf" >/dev/null 2>&1 & PERF_PID=$!; fi
  for _ in $(seq 1 6000); do [ "$(depth)" -gt 0 ] || break; sleep 0.1; done   # bounded: 10 minutes
  t1=$(date +%s.%N); s1=$(ticks $SVC_PID); r1=$(ticks $RPID)
  if [ -n "$PERF_PID" ]; then
    kill -INT $PERF_PID; wait $PERF_PID 2>/dev/null || true
    perf report -i "$OUT/drain.perf" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -8 > "$OUT/drain-profile-dso.txt" || true
    perf report -i "$OUT/drain.perf" --no-children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -80 | cut -c1-220 > "$OUT/drain-profile-self.txt" || true
  fi
  AFTER=$(curl -fs http://127.0.0.1:$STAND/stats)
  redis-cli -p $REDIS_PORT info commandstats | tr -d '\r' > "$OUT/drain-commandstats-$run.txt"
  RSS=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$SVC_PID/status)
  ME=$(( $(field "$AFTER" metaEvents) - $(field "$BEFORE" metaEvents) ))
  MR=$(( $(field "$AFTER" metaRequests) - $(field "$BEFORE" metaRequests) ))
  PE=$(( $(field "$AFTER" posthogEvents) - $(field "$BEFORE" posthogEvents) ))
  PR=$(( $(field "$AFTER" posthogRequests) - $(field "$BEFORE" posthogRequests) ))
  awk -v me=$ME -v mr=$MR -v pe=$PE -v pr=$PR -v s=$(( s1 - s0 )) -v r=$(( r1 - r0 )) -v hz=$HZ -v a=$t0 -v b=$t1 -v q=$QUEUED -v rss=$RSS \
    'BEGIN {w = b - a; printf "run '$run': %d entries in %.2f s: %.0f Meta events/s (%d per request), %.0f PostHog events/s (%d requests); CPU per 1000 Meta events: service %.1f ms, Redis %.1f ms; RSS %d MB\n", q, w, me / w, (mr ? me / mr : 0), pe / w, pr, s / hz / me * 1e6, r / hz / me * 1e6, rss}'
  awk -F'[:,=]' '/^cmdstat_(evalsha|hmget|exists|zrange|zrangebyscore|hget|hincrby|zadd|zscore|zrem|hdel)[:]/ {printf "  %-14s calls %-8s usec %-10s usec/call %s\n", substr($1, 9), $3, $5, $7}' "$OUT/drain-commandstats-$run.txt"
done
stop_service
