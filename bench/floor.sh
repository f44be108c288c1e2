#!/usr/bin/env bash
# The floor under POST /events on this machine: the rate its request path reaches when the events script does no
# work, against the script as shipped. Builds the service twice — as it is, and from a copy of the tree whose
# append_events.lua answers at once (the same request, validation, entry JSON, group commit and Redis round trip;
# nothing written) — and runs each FLOOR_PAIRS times, alternating, with its own /health/live as the baseline.
#   bench/floor.sh                         3 pairs of 6 s (about 4 minutes)
#   FLOOR_PAIRS=1 FLOOR_SECONDS=2 bench/floor.sh
# Prints a line per run: POST /events ÷ /health/live, and the service's and Redis's CPU µs per POST /events.
# Needs wrk, redis-server and redis-cli (bench/run.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD; OUT=$ROOT/bench/out; mkdir -p "$OUT"
PAIRS=${FLOOR_PAIRS:-3}; D=${FLOOR_SECONDS:-6}
# Ports: BENCH_PORT_OFFSET moves them, as in bench/run.sh.
OFF=${BENCH_PORT_OFFSET:-0}; REDIS_PORT=$((6396 + OFF)); SVC=$((5320 + OFF)); STAND=$((5321 + OFF))
export SESSIONS_FILE=$OUT/floor-sessions.txt
RID=linux-x64; case "$(uname -m)" in aarch64|arm64) RID=linux-arm64 ;; esac

COPY=$(mktemp -d); SVC_PID=""; STAND_PID=""
cleanup() {
  kill $SVC_PID $STAND_PID 2>/dev/null || true
  redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$COPY"
}
trap cleanup EXIT
# A build's output is shown only when it fails.
build() { "$@" -v q -nologo >"$OUT/floor-build.txt" 2>&1 || { cat "$OUT/floor-build.txt"; exit 1; }; }

echo "== building: as shipped, and with the events script answering at once"
build dotnet publish src/Tracking.Api -c Release -r $RID --self-contained false -o "$OUT/floor-shipped"
cp -r src global.json .editorconfig Directory.Build.props Directory.Packages.props "$COPY"/
rm -rf "$COPY"/src/*/bin "$COPY"/src/*/obj
cat > "$COPY/src/Tracking.Api/Events/append_events.lua" <<'LUA'
--- @include "event_writes"
-- bench/floor.sh: answers at once, writing nothing (what the request path costs without the script's work).
if plan_events == nil then return {'status', S.UnknownSession} end
return {'status', S.Stored, 'accepted', #L.events, 'duplicates', 0}
LUA
build dotnet publish "$COPY/src/Tracking.Api" -c Release -r $RID --self-contained false -o "$OUT/floor-stub"
build dotnet build bench/StandIn -c Release

ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rate() { awk '/Requests\/sec/ {print $2}' "$1"; }

# One run: a fresh Redis and service, sessions made, warmed up, then /health/live and POST /events at wrk -c64.
run() { # $1 = label, $2 = publish dir
  redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null; sleep 0.3
  local rpid; rpid=$(redis-cli -p $REDIS_PORT info server | awk -F: '/^process_id/ {print $2+0}')
  ASPNETCORE_URLS=http://127.0.0.1:$STAND dotnet bench/StandIn/bin/Release/net10.0/StandIn.dll >/dev/null 2>&1 & STAND_PID=$!
  Redis__ConnectionString=127.0.0.1:$REDIS_PORT Meta__BaseUrl=http://127.0.0.1:$STAND Meta__PixelId=1234567890 Meta__AccessToken=bench \
    PostHog__Host=http://127.0.0.1:$STAND PostHog__ApiKey=bench Tracking__RateLimitPerMinute=1000000000 Tracking__NewSessionsPerMinute=1000000000 \
    Tracking__AllowAnyOrigin=true Delivery__WorkerEnabled=false Logging__LogLevel__Default=Warning ASPNETCORE_URLS=http://127.0.0.1:$SVC \
    dotnet "$2/Tracking.Api.dll" >"$OUT/floor-service.log" 2>&1 & SVC_PID=$!
  local up=0
  for _ in $(seq 1 150); do curl -s -o /dev/null http://127.0.0.1:$SVC/health/ready && { up=1; break; }; sleep 0.2; done
  [ $up = 1 ] || { echo "the service did not start: $OUT/floor-service.log"; exit 1; }
  : > "$SESSIONS_FILE"
  wrk -t2 -c32 -d3s -s bench/wrk/session.lua http://127.0.0.1:$SVC >/dev/null
  wrk -t2 -c64 -d4s -s bench/wrk/events.lua http://127.0.0.1:$SVC >/dev/null   # JIT warm-up
  wrk -t2 -c64 -d"${D}"s http://127.0.0.1:$SVC/health/live > "$OUT/floor-live.txt"
  local s0 r0; s0=$(ticks $SVC_PID); r0=$(ticks "$rpid")
  wrk -t2 -c64 -d"${D}"s -s bench/wrk/events.lua http://127.0.0.1:$SVC > "$OUT/floor-events.txt"
  local s1 r1; s1=$(ticks $SVC_PID); r1=$(ticks "$rpid")
  awk -v l="$1" -v e="$(rate "$OUT/floor-events.txt")" -v h="$(rate "$OUT/floor-live.txt")" -v s=$((s1 - s0)) -v r=$((r1 - r0)) \
    -v hz="$(getconf CLK_TCK)" -v d="$D" 'BEGIN {n = e * d; if (n == 0 || h == 0) {print l ": no requests measured"; exit}; printf "%-8s POST /events %8.0f/s ÷ /health/live %8.0f/s = %.2f   service %5.1f µs, Redis %5.1f µs per request\n", l, e, h, e / h, s / hz * 1e6 / n, r / hz * 1e6 / n}'
  kill $SVC_PID $STAND_PID 2>/dev/null || true; wait $SVC_PID $STAND_PID 2>/dev/null || true; SVC_PID=""; STAND_PID=""
  redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true
}

for _ in $(seq 1 "$PAIRS"); do
  run shipped "$OUT/floor-shipped"
  run floor "$OUT/floor-stub"
done
