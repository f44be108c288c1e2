#!/usr/bin/env bash
# Memory over a sustained load: POST /events for SOAK_SECONDS (default 600) with the outbox worker draining to the
# stand-ins at the same time; samples the service's RSS every 10 s into bench/out/soak.csv and reports the trend.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECS=${SOAK_SECONDS:-600}
OUT=bench/out; mkdir -p $OUT
export SESSIONS_FILE=$OUT/soak-sessions.txt BENCH_DIR=$PWD/bench
REDIS_PORT=6399; SVC=5300; STAND=5301
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk redis-server redis-tools >/dev/null; }
source bench/service.sh; build_service
dotnet build bench/StandIn -c Release -v q -nologo >/dev/null
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; }
trap cleanup EXIT
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null; sleep 0.5
ASPNETCORE_URLS=http://127.0.0.1:$STAND dotnet bench/StandIn/bin/Release/net10.0/StandIn.dll >/dev/null 2>&1 & pids+=($!)
Redis__ConnectionString=127.0.0.1:$REDIS_PORT Meta__BaseUrl=http://127.0.0.1:$STAND Meta__PixelId=1234567890 Meta__AccessToken=bench \
PostHog__Host=http://127.0.0.1:$STAND PostHog__ApiKey=bench Tracking__RateLimitPerMinute=1000000000 Tracking__NewSessionsPerMinute=1000000000 Tracking__AllowAnyOrigin=true \
Logging__LogLevel__Default=Warning ASPNETCORE_URLS=http://127.0.0.1:$SVC \
  dotnet "$SERVICE_DLL" >$OUT/soak-service.log 2>&1 & SVC_PID=$!; pids+=($SVC_PID)
for _ in $(seq 1 100); do curl -fs http://127.0.0.1:$SVC/health/ready >/dev/null 2>&1 && break; sleep 0.2; done
: > "$SESSIONS_FILE"
wrk -t2 -c16 -d5s -s bench/wrk/session.lua http://127.0.0.1:$SVC >/dev/null
# A steady, paced load (about half of saturation) so the worker keeps up: a leak, not a backlog, would show.
DELAY_MS=${SOAK_DELAY_MS:-4} wrk -t2 -c16 -d"${SECS}s" -s bench/wrk/paced.lua http://127.0.0.1:$SVC > $OUT/soak-wrk.txt &
WRK=$!
echo "second,rss_mb" > $OUT/soak.csv
for s in $(seq 0 10 "$SECS"); do
  echo "$s,$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$SVC_PID/status)" >> $OUT/soak.csv
  sleep 10
done
wait $WRK || true
awk -F, 'NR > 1 {n++; x[n]=$1; y[n]=$2} END {
  for (i = 1; i <= n; i++) { sx += x[i]; sy += y[i] } mx = sx / n; my = sy / n;
  for (i = 1; i <= n; i++) { num += (x[i]-mx)*(y[i]-my); den += (x[i]-mx)^2 }
  half = int(n / 2); for (i = 2; i <= half; i++) a += y[i]; for (i = half + 1; i <= n; i++) b += y[i];
  printf "samples=%d first=%d MB last=%d MB max=%d MB slope=%.3f MB/min first_half_avg=%.0f second_half_avg=%.0f\n",
    n, y[1], y[n], max(y, n), 60 * num / den, a / (half - 1), b / (n - half) }
  function max(v, n,   m, i) { m = v[1]; for (i = 2; i <= n; i++) if (v[i] > m) m = v[i]; return m }' $OUT/soak.csv | tee $OUT/soak-summary.txt
grep Requests/sec $OUT/soak-wrk.txt
