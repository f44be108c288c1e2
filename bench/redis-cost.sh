#!/usr/bin/env bash
# Redis time per request of POST /events and of a page load (POST /session with its PageView), from INFO
# commandstats: what the one Redis thread spends, which bounds a master's throughput whatever the service's cores.
# Timings of the service itself are left to bench/run.sh; this figure does not depend on how busy the box is.
#   bench/redis-cost.sh                      (ports moved by BENCH_PORT_OFFSET, default 300)
#   COST_SECONDS=5 bench/redis-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD; OUT=$ROOT/bench/out; mkdir -p "$OUT"
OFF=${BENCH_PORT_OFFSET:-300}; SECS=${COST_SECONDS:-5}
REDIS_PORT=$((6399 + OFF)); SVC=$((5300 + OFF)); STAND=$((5301 + OFF))
export SESSIONS_FILE=$OUT/cost-sessions.txt
source bench/service.sh; build_service
dotnet build bench/StandIn -c Release -v q -nologo >/dev/null
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null
SVC_PID=""; STAND_PID=""
trap 'kill $SVC_PID $STAND_PID 2>/dev/null || true; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true' EXIT
ASPNETCORE_URLS=http://127.0.0.1:$STAND dotnet bench/StandIn/bin/Release/net10.0/StandIn.dll >/dev/null 2>&1 & STAND_PID=$!
Redis__ConnectionString=127.0.0.1:$REDIS_PORT Meta__BaseUrl=http://127.0.0.1:$STAND Meta__PixelId=1234567890 Meta__AccessToken=p \
  PostHog__Host=http://127.0.0.1:$STAND PostHog__ApiKey=p Tracking__RateLimitPerMinute=1000000000 Tracking__NewSessionsPerMinute=1000000000 \
  Tracking__AllowAnyOrigin=true Delivery__WorkerEnabled=false Logging__LogLevel__Default=Warning \
  ASPNETCORE_URLS=http://127.0.0.1:$SVC dotnet "$SERVICE_DLL" >"$OUT/cost-service.log" 2>&1 &
SVC_PID=$!
for _ in $(seq 1 150); do curl -s -o /dev/null http://127.0.0.1:$SVC/health/ready && break; sleep 0.2; done
: > "$SESSIONS_FILE"
wrk -t2 -c32 -d3s -s bench/wrk/session.lua http://127.0.0.1:$SVC >/dev/null
# Per command: calls, usec, usec_per_call since the reset; then Redis µs per request of the run.
measure() { # $1 = label, $2 = wrk script, $3.. = env
  local label=$1 script=$2; shift 2
  env "$@" wrk -t2 -c32 -d2s -s "$script" http://127.0.0.1:$SVC >/dev/null   # warm-up
  sleep 1   # the projection (if any) of the warm-up settles before the reset
  redis-cli -p $REDIS_PORT config resetstat >/dev/null
  local cpu0; cpu0=$(redis-cli -p $REDIS_PORT info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {s+=$2} END {print s}')
  env "$@" wrk -t2 -c32 -d"${SECS}s" -s "$script" http://127.0.0.1:$SVC > "$OUT/cost-$label.txt"
  sleep 2   # the background projection of the run is counted with it
  local n cpu1; n=$(awk '/requests in/ {print $1}' "$OUT/cost-$label.txt")
  cpu1=$(redis-cli -p $REDIS_PORT info cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {s+=$2} END {print s}')
  redis-cli -p $REDIS_PORT info commandstats | tr -d '\r' | grep '^cmdstat' > "$OUT/cost-$label-stats.txt"
  # evalsha's usec includes the commands its scripts ran; Redis CPU (INFO cpu) also counts the event loop and I/O.
  awk -F'[:,=]' -v n="$n" -v l="$label" -v cpu="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {print b - a}')" '{calls[$1]=$3; us[$1]=$5} END {
    printf "%-13s %7d requests  Redis CPU %.1f us/request; scripts %.1f us/request (%.2f EVALSHA/request, %.1f us each)\n", l, n, cpu*1e6/n, us["cmdstat_evalsha"]/n, calls["cmdstat_evalsha"]/n, (calls["cmdstat_evalsha"] ? us["cmdstat_evalsha"]/calls["cmdstat_evalsha"] : 0) }' "$OUT/cost-$label-stats.txt"
  awk -F'[:,=]' -v n="$n" '$1 != "cmdstat_evalsha" {printf "    %-22s %6.2f calls/request %6.2f us/call\n", substr($1, 9), $3/n, $7}' "$OUT/cost-$label-stats.txt" | sort -k2 -g -r | head -8
}
measure events bench/wrk/events.lua
measure pageload-new bench/wrk/pageload.lua PAGELOAD=new
measure pageload-ret bench/wrk/pageload.lua PAGELOAD=returning
