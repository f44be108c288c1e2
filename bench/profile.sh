#!/usr/bin/env bash
# Profiles one path under load: starts Redis and the service, drives the path and samples the service's CPU with
# perf (JIT frames named through DOTNET_PerfMapEnabled); prints the hottest functions by own CPU time and Redis's
# share of the box.
#   bench/profile.sh                        POST /events (one event per request, wrk)
#   PROFILE_PATH=session bench/profile.sh   POST /session (a new visitor's page load with its PageView)
#   PROFILE_PATH=drain bench/profile.sh     the outbox worker draining a deep queue to the instant stand-ins
# Needs wrk, redis-server and perf (Debian: linux-perf). Output: bench/out/profile-*.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD; OUT=$ROOT/bench/out; mkdir -p "$OUT"
export SESSIONS_FILE=$OUT/profile-sessions.txt
REDIS_PORT=6398; SVC=5310; STAND=5311; WHAT=${PROFILE_PATH:-events}; SECONDS_TRACED=${PROFILE_SECONDS:-12}
source bench/service.sh; build_service
dotnet build bench/StandIn -c Release -v q -nologo >/dev/null
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null
SVC_PID=""; STAND_PID=""
trap 'kill $SVC_PID $STAND_PID 2>/dev/null || true; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true' EXIT
ASPNETCORE_URLS=http://127.0.0.1:$STAND dotnet bench/StandIn/bin/Release/net10.0/StandIn.dll >/dev/null 2>&1 & STAND_PID=$!
start_service() { # $1 = worker enabled
  Redis__ConnectionString=127.0.0.1:$REDIS_PORT Meta__BaseUrl=http://127.0.0.1:$STAND Meta__PixelId=1234567890 Meta__AccessToken=p \
    PostHog__Host=http://127.0.0.1:$STAND PostHog__ApiKey=p Tracking__RateLimitPerMinute=1000000000 Tracking__NewSessionsPerMinute=1000000000 Tracking__AllowAnyOrigin=true Delivery__WorkerEnabled=$1 \
    Delivery__PollInterval=00:00:00.050 Logging__LogLevel__Default=Warning DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
    ASPNETCORE_URLS=http://127.0.0.1:$SVC dotnet "$SERVICE_DLL" >"$OUT/profile-service.log" 2>&1 &
  SVC_PID=$!
  for _ in $(seq 1 150); do curl -s -o /dev/null http://127.0.0.1:$SVC/health/ready && break; sleep 0.2; done
}
redis_ticks() { awk '{print $14+$15}' /proc/$(pgrep -f "redis-server 127.0.0.1:$REDIS_PORT")/stat; }
trace() {
  t0=$(redis_ticks)
  perf record -F 499 -g -p $SVC_PID -o "$OUT/profile-$WHAT.perf" -- sleep "$SECONDS_TRACED" >/dev/null 2>&1
  t1=$(redis_ticks)
  echo "Redis CPU while traced: $(awk -v t=$(( t1 - t0 )) -v hz="$(getconf CLK_TCK)" -v s="$SECONDS_TRACED" 'BEGIN {printf "%.2f", t / hz / s}') cores"
}

start_service false
: > "$SESSIONS_FILE"
wrk -t2 -c32 -d5s -s bench/wrk/session.lua http://127.0.0.1:$SVC >/dev/null
if [ "$WHAT" = drain ]; then
  wrk -t2 -c8 -d${PROFILE_FILL:-20}s -s bench/wrk/fill.lua http://127.0.0.1:$SVC >/dev/null
  kill $SVC_PID; wait $SVC_PID 2>/dev/null || true
  start_service true
  sleep 2
  trace
else
  script=bench/wrk/events.lua; [ "$WHAT" = session ] && script=bench/wrk/pageload.lua
  wrk -t2 -c64 -d${PROFILE_WARMUP:-15}s -s $script http://127.0.0.1:$SVC >/dev/null   # JIT warm-up (tier-1 code in place)
  wrk -t2 -c64 -d$(( SECONDS_TRACED + 6 ))s -s $script http://127.0.0.1:$SVC > "$OUT/profile-wrk.txt" & WRK_PID=$!
  sleep 3
  trace
  wait $WRK_PID
  grep Requests/sec "$OUT/profile-wrk.txt"
fi
perf report -i "$OUT/profile-$WHAT.perf" --no-children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -50 | cut -c1-200 > "$OUT/profile-$WHAT-self.txt" || true
perf report -i "$OUT/profile-$WHAT.perf" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -8 > "$OUT/profile-$WHAT-dso.txt" || true
cat "$OUT/profile-$WHAT-dso.txt" "$OUT/profile-$WHAT-self.txt"
