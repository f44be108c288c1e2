#!/usr/bin/env bash
# Benchmarks the hot paths side by side with their baselines, in one run, and writes docs/benchmarks.md.
#   bench/run.sh            full run (about 6 minutes on 2 cores)
#   BENCH_SMOKE=1 bench/run.sh   a few seconds per step, to keep the script working (numbers meaningless)
#   BENCH_ONLY=drain bench/run.sh   sessions and the outbox drain only; prints its rows, writes no docs
#   BENCH_R2R=0 bench/run.sh     the service as a plain JIT build instead of the ReadyToRun publish (bench/service.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export BENCH_DIR=$ROOT/bench
SMOKE=${BENCH_SMOKE:-0}
DUR=${BENCH_DURATION:-10}; REPEAT=${BENCH_REPEAT:-3}; DRAIN_N=${BENCH_DRAIN_EVENTS:-100000}
ONLY=${BENCH_ONLY:-all}
if [ "$SMOKE" = 1 ]; then DUR=2; REPEAT=1; DRAIN_N=2000; fi
OUT=$ROOT/bench/out; mkdir -p "$OUT"; rm -f "$OUT"/*.txt "$OUT"/bench-drain.rdb   # a kept snapshot would load (LOADING) under the next run
export SESSIONS_FILE=$OUT/sessions.txt
# Ports: BENCH_PORT_OFFSET moves them all, so two runs can share a machine (their timings then share its cores).
OFF=${BENCH_PORT_OFFSET:-0}
REDIS_PORT=$((6399 + OFF)); SVC=$((5300 + OFF)); STAND=$((5301 + OFF)); BASE=$((5302 + OFF))

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-cli >/dev/null || need+=(redis-tools)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== building (Release)"
source bench/service.sh; build_service
dotnet build bench/Baseline -c Release -v q -nologo >/dev/null
dotnet build bench/StandIn -c Release -v q -nologo >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; }
trap cleanup EXIT

wait_http() { for _ in $(seq 1 150); do curl -s -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.2; done; echo "no answer from $1"; exit 1; }

# The drain is measured on a kept snapshot (DEBUG RELOAD loads it again under the running worker).
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --dir "$OUT" --dbfilename bench-drain.rdb \
  --enable-debug-command local --daemonize yes >/dev/null
sleep 0.5
redis-cli -p $REDIS_PORT flushall >/dev/null
REDIS_PID=$(redis-cli -p $REDIS_PORT info server | awk -F: '/^process_id/ {print $2+0}')

ASPNETCORE_URLS=http://127.0.0.1:$STAND dotnet bench/StandIn/bin/Release/net10.0/StandIn.dll >/dev/null 2>&1 & pids+=($!)
ASPNETCORE_URLS=http://127.0.0.1:$BASE dotnet bench/Baseline/bin/Release/net10.0/Baseline.dll >/dev/null 2>&1 & pids+=($!)

start_service() { # $1 = worker enabled (true|false)
  Redis__ConnectionString=127.0.0.1:$REDIS_PORT \
  Meta__BaseUrl=http://127.0.0.1:$STAND Meta__PixelId=1234567890 Meta__AccessToken=bench \
  PostHog__Host=http://127.0.0.1:$STAND PostHog__ApiKey=bench \
  Tracking__RateLimitPerMinute=1000000000 Tracking__NewSessionsPerMinute=1000000000 Tracking__AllowAnyOrigin=true Delivery__WorkerEnabled=$1 Delivery__PollInterval=00:00:00.050 \
  Logging__LogLevel__Default=Warning ASPNETCORE_URLS=http://127.0.0.1:$SVC \
  dotnet "$SERVICE_DLL" >"$OUT/service.log" 2>&1 &
  SVC_PID=$!; pids+=($SVC_PID)
  wait_http http://127.0.0.1:$SVC/health/ready
}
stop_service() { kill "$SVC_PID"; wait "$SVC_PID" 2>/dev/null || true; }

# wrk helpers: requests/s, and p50/p99 in ms from --latency output.
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
pct() { awk -v p="$2" '$1==p {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' "$1"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
cpu_ticks() { awk '{print $14+$15}' /proc/$1/stat; }
# Context switches so far of every thread of the given processes (voluntary and not): a thread put to sleep and woken
# per request shows here whatever the VM's speed that minute (docs/capacity.md, "Thread wake-ups").
switches() { for p in "$@"; do cat /proc/$p/task/*/status 2>/dev/null; done | awk '/ctxt_switches/ {s += $2} END {print s + 0}'; }
requests() { awk '/requests in/ {print $1}' "$1"; }
# The outbox as a worker that keeps up leaves it (the drain below runs ≥ 20 000 events/s): emptied before each request
# run, so that no run pays for the entries the runs before it queued with the worker off (a due set of a million ids
# makes every enqueue slower than production's, and the page-load runs, which come last, paid the most).
drained() { redis-cli -p $REDIS_PORT --scan --pattern 'outbox:*' | xargs -r -n 500 redis-cli -p $REDIS_PORT del >/dev/null; }
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$1/status; }

wait_http http://127.0.0.1:$STAND/stats
wait_http http://127.0.0.1:$BASE/events
start_service false
HZ=$(getconf CLK_TCK)

echo "== POST /session (creates the sessions the event runs use)"
: > "$SESSIONS_FILE"
for i in $(seq 1 "$REPEAT"); do wrk -t2 -c32 -d"${DUR}s" --latency -s bench/wrk/session.lua http://127.0.0.1:$SVC > "$OUT/session-$i.txt"; done
SESSION_RPS=$(for f in "$OUT"/session-*.txt; do rps "$f"; done | median)
echo "   sessions: $SESSION_RPS req/s ($(wc -l < "$SESSIONS_FILE") sessions)"

# The projection's lag, sampled from the logs themselves (as /health/ready and tracking.projection.lag read it): the
# age in ms of the oldest fact not yet counted in any partition's log, and the facts waiting ("ms facts").
LOG_KEYS=$OUT/log-keys.txt
lag() {
  redis-cli -p $REDIS_PORT eval "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) local oldest, n = now, 0
    for _, k in ipairs(KEYS) do
      local head = redis.call('LINDEX', k, 0)
      if head then oldest = math.min(oldest, cjson.decode(head).t) end
      n = n + redis.call('LLEN', k)
    end
    return (now - oldest) .. ' ' .. n" $(wc -l < "$LOG_KEYS") $(cat "$LOG_KEYS")
}
# Samples lag every 0.5 s into $1 until killed.
sample_lag() { while :; do lag >> "$1"; sleep 0.5; done; }

if [ "$ONLY" != drain ]; then
echo "== POST /events at saturation: service vs bare endpoint"
# Every partition's log, named from its counters (a log projected to its end is deleted, so a scan would miss it).
redis-cli -p $REDIS_PORT --scan --pattern 'agg:{*}:20*' | sed -E 's/^(agg:\{[^}]*\}).*/\1:facts/' | sort -u > "$LOG_KEYS"
for i in $(seq 1 "$REPEAT"); do
  t0=$(cpu_ticks $SVC_PID); s0=$(date +%s.%N); c0=$(switches $SVC_PID $REDIS_PID)
  drained
  sample_lag "$OUT/lag-$i.txt" & LAG_PID=$!
  wrk -t2 -c64 -d"${DUR}s" --latency -s bench/wrk/events.lua http://127.0.0.1:$SVC > "$OUT/events-ours-$i.txt"
  kill $LAG_PID 2>/dev/null || true; wait $LAG_PID 2>/dev/null || true
  t1=$(cpu_ticks $SVC_PID); s1=$(date +%s.%N); c1=$(switches $SVC_PID $REDIS_PID)
  echo "$(( t1 - t0 )) $HZ $s0 $s1" | awk '{printf "%.2f\n", ($1/$2)/($4-$3)}' > "$OUT/cpu-$i.txt"
  echo "$(( c1 - c0 )) $(requests "$OUT/events-ours-$i.txt")" | awk '{printf "%.2f\n", $1 / $2}' > "$OUT/switches-$i.txt"
  wrk -t2 -c64 -d"${DUR}s" --latency -s bench/wrk/events.lua http://127.0.0.1:$BASE > "$OUT/events-base-$i.txt"
done
OURS=$(for f in "$OUT"/events-ours-*.txt; do rps "$f"; done | median)
BASELINE=$(for f in "$OUT"/events-base-*.txt; do rps "$f"; done | median)
CPU=$(cat "$OUT"/cpu-*.txt | median)
SWITCHES=$(cat "$OUT"/switches-*.txt | median)
LAG_MAX=$(cat "$OUT"/lag-*.txt | awk '$1 > m {m = $1} END {printf "%.1f", m / 1000}')
LAG_FACTS=$(cat "$OUT"/lag-*.txt | awk '$2 > m {m = $2} END {print m + 0}')
echo "   ours $OURS req/s, bare endpoint $BASELINE req/s; projection lag at most ${LAG_MAX} s ($LAG_FACTS facts waiting)"

echo "== POST /events at about half of saturation (paced connections)"
DELAY=$(awk -v r="$OURS" 'BEGIN {d = 16 * 1000 / (r / 2); if (d < 1) d = 1; printf "%d", d}')
for i in $(seq 1 "$REPEAT"); do
  drained
  DELAY_MS=$DELAY wrk -t2 -c16 -d"${DUR}s" --latency -s bench/wrk/paced.lua http://127.0.0.1:$SVC > "$OUT/paced-ours-$i.txt"
  DELAY_MS=$DELAY wrk -t2 -c16 -d"${DUR}s" --latency -s bench/wrk/paced.lua http://127.0.0.1:$BASE > "$OUT/paced-base-$i.txt"
done
P_RPS=$(for f in "$OUT"/paced-ours-*.txt; do rps "$f"; done | median)
P50=$(for f in "$OUT"/paced-ours-*.txt; do pct "$f" 50%; done | median)
P99=$(for f in "$OUT"/paced-ours-*.txt; do pct "$f" 99%; done | median)
B50=$(for f in "$OUT"/paced-base-*.txt; do pct "$f" 50%; done | median)
B99=$(for f in "$OUT"/paced-base-*.txt; do pct "$f" 99%; done | median)
RSS=$(hwm_mb $SVC_PID)

echo "== GET /health/live at saturation (the framework's ceiling in this process)"
for i in $(seq 1 "$REPEAT"); do wrk -t2 -c64 -d"${DUR}s" --latency http://127.0.0.1:$SVC/health/live > "$OUT/live-$i.txt"; done
LIVE=$(for f in "$OUT"/live-*.txt; do rps "$f"; done | median)

echo "== page loads: POST /session carrying the PageView (new visitor, returning visitor)"
for i in $(seq 1 "$REPEAT"); do
  drained
  PAGELOAD=new wrk -t2 -c32 -d"${DUR}s" --latency -s bench/wrk/pageload.lua http://127.0.0.1:$SVC > "$OUT/pageload-new-$i.txt"
  drained
  PAGELOAD=returning wrk -t2 -c32 -d"${DUR}s" --latency -s bench/wrk/pageload.lua http://127.0.0.1:$SVC > "$OUT/pageload-ret-$i.txt"
done
PL_NEW=$(for f in "$OUT"/pageload-new-*.txt; do rps "$f"; done | median)
PL_RET=$(for f in "$OUT"/pageload-ret-*.txt; do rps "$f"; done | median)
# The two-request page load it replaces (POST /session, then POST /events with the PageView), from this run's rates.
PL_TWO=$(awk -v s="$SESSION_RPS" -v e="$OURS" 'BEGIN {printf "%.0f", (s > 0 && e > 0 ? 1 / (1 / s + 1 / e) : 0)}')
fi
stop_service

echo "== Outbox drain: $DRAIN_N events queued, then delivered to the instant stand-ins"
redis-cli -p $REDIS_PORT --scan --pattern 'outbox:*' | xargs -r -n 500 redis-cli -p $REDIS_PORT del >/dev/null
start_service false
# One script per poll summing the due sets found after the fill: a SCAN of the whole keyspace (sessions, events)
# per poll took thousands of round trips and a share of the Redis being measured.
DUE_KEYS=$OUT/due-keys.txt
due_keys() { redis-cli -p $REDIS_PORT --scan --pattern 'outbox:*:due' > "$DUE_KEYS"; }
depth() {
  redis-cli -p $REDIS_PORT eval "local n = 0 for _, k in ipairs(KEYS) do n = n + redis.call('ZCARD', k) end return n" $(wc -l < "$DUE_KEYS") $(cat "$DUE_KEYS")
}
for _ in $(seq 1 300); do
  due_keys
  [ "$(depth)" -ge $(( DRAIN_N * 2 )) ] && break
  wrk -t2 -c8 -d1s -s bench/wrk/fill.lua http://127.0.0.1:$SVC >/dev/null
done
due_keys
QUEUED=$(depth)
stop_service
redis-cli -p $REDIS_PORT save >/dev/null
field() { echo "$1" | sed -E "s/.*\"$2\":([0-9]+).*/\1/"; }
# drain: times one whole drain of the queue; sets DRAIN_S, DRAIN_RATE, META_REQ, META_EV, PH_REQ, PH_EV, PER_REQ.
drain() {
  local before after t0 t1
  before=$(curl -fs http://127.0.0.1:$STAND/stats); t0=$(date +%s.%N)
  for _ in $(seq 1 6000); do [ "$(depth)" -gt 0 ] || break; sleep 0.1; done   # bounded: 10 minutes
  t1=$(date +%s.%N); after=$(curl -fs http://127.0.0.1:$STAND/stats)
  META_REQ=$(( $(field "$after" metaRequests) - $(field "$before" metaRequests) ))
  META_EV=$(( $(field "$after" metaEvents) - $(field "$before" metaEvents) ))
  PH_REQ=$(( $(field "$after" posthogRequests) - $(field "$before" posthogRequests) ))
  PH_EV=$(( $(field "$after" posthogEvents) - $(field "$before" posthogEvents) ))
  DRAIN_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
  DRAIN_RATE=$(awk -v e="$META_EV" -v s="$DRAIN_S" 'BEGIN {printf "%.0f", e / s}')
  PER_REQ=$(awk -v e="$META_EV" -v r="$META_REQ" 'BEGIN {printf "%.0f", (r > 0 ? e / r : 0)}')
}
# First a drain right after the start (the runtime re-JITs its hot paths meanwhile, docs/capacity.md), then the same
# snapshot loaded again under the running worker and drained warm: the figure the target is about.
start_service true
drain
COLD_S=$DRAIN_S; COLD_RATE=$DRAIN_RATE
redis-cli -p $REDIS_PORT debug reload nosave >/dev/null
drain
DRAIN_RSS=$(hwm_mb $SVC_PID)
stop_service

if [ "$ONLY" = drain ]; then
  echo "drain: $QUEUED entries; right after a start ${COLD_S} s, ${COLD_RATE} Meta events/s; warm ${DRAIN_S} s, ${DRAIN_RATE} Meta events/s, $PER_REQ per Meta request ($META_REQ; PostHog $PH_REQ), RSS ${DRAIN_RSS} MB"
  exit 0
fi
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
CPU_MODEL=$(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//')
# The hand-kept "Before and after" section (the latest pair of runs on both sides of a change) is passed through;
# older pairs belong in CHANGELOG.md.
HISTORY=$(awk '/^## Before and after/ {keep = 1} keep' docs/benchmarks.md 2>/dev/null || true)
{
  echo "# Benchmarks"
  echo
  echo "Produced by \`bench/run.sh\` on $(date -u +%Y-%m-%d) at commit \`$COMMIT\`: $(nproc) cores ($CPU_MODEL), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)."
  echo "wrk, the service, Redis and the baselines share the box, so absolute numbers are noisy: **the ratios count**."
  echo "Each figure is the median of $REPEAT runs of ${DUR} s$( [ "$SMOKE" = 1 ] && echo ' (SMOKE RUN: not meaningful)')."
  echo
  echo "| measure | ours | baseline | ratio | target |"
  echo "|---|---|---|---|---|"
  echo "| \`POST /events\` req/s at saturation (wrk -c64) | $OURS | $BASELINE (bare endpoint, same parsing, no Redis) | $(ratio "$OURS" "$BASELINE") | ≥ 0.50 |"
  echo "| \`POST /events\` vs \`GET /health/live\` of the same process (wrk -c64) | $OURS | $LIVE | $(ratio "$OURS" "$LIVE") | ≥ 0.40 |"
  echo "| \`POST /events\` p50 / p99 at ~half saturation ($P_RPS req/s, 16 paced connections) | ${P50} ms / ${P99} ms | ${B50} ms / ${B99} ms | $(ratio "$P99" "$B99") (p99) | p99 < 10 ms |"
  echo "| \`POST /session\` req/s at saturation (wrk -c32; creates a session each) | $SESSION_RPS | $OURS (\`POST /events\`) | $(ratio "$SESSION_RPS" "$OURS") | ≥ 0.80 |"
  echo "| page loads/s, new visitor (one \`POST /session\` with its PageView) | $PL_NEW | $PL_TWO (\`POST /session\` then \`POST /events\`, from the rates above) | $(ratio "$PL_NEW" "$PL_TWO") | — |"
  echo "| page loads/s, returning visitor (touch + PageView in one request) | $PL_RET | $PL_TWO (two requests, as above) | $(ratio "$PL_RET" "$PL_TWO") | — |"
  echo "| service CPU during the saturation run | ${CPU} cores | — | — | — |"
  echo "| context switches per \`POST /events\` at saturation (every thread of the service and Redis) | $SWITCHES | — | — | — |"
  echo "| projection lag during the saturation runs (oldest fact not yet counted, sampled every 0.5 s) | at most ${LAG_MAX} s, at most $LAG_FACTS facts waiting | — | — | bounded (\`/health/ready\` degrades past \`Reports__MaxLagSeconds\`) |"
  echo "| service peak RSS (after all request runs) | ${RSS} MB | — | — | < 250 MB |"
  echo "| outbox drain, warm: $QUEUED entries queued ($META_EV Meta + $PH_EV PostHog events), drained by a worker that has drained them once | ${DRAIN_S} s, ${DRAIN_RATE} Meta events/s | ${COLD_RATE} Meta events/s right after a start (${COLD_S} s) | $(ratio "$DRAIN_RATE" "$COLD_RATE") | ≥ 20 000 events/s (warm) |"
  echo "| events per Meta request while draining | $PER_REQ ($META_REQ requests; PostHog $PH_REQ requests) | — | — | ≥ 500 |"
  echo "| service peak RSS while draining | ${DRAIN_RSS} MB | — | — | < 250 MB |"
  echo
  echo "## Reproduce"
  echo
  echo '```bash'
  echo 'bench/run.sh                    # installs wrk/redis-tools if missing; ~6 minutes; rewrites this page'
  echo 'BENCH_SMOKE=1 bench/run.sh      # seconds, checks the script only (this page is left alone)'
  echo 'BENCH_ONLY=drain bench/run.sh   # the outbox drain alone'
  echo 'bench/script-cost.sh            # Redis µs per event of the POST /events script, one call per run and 16 (group commit)'
  echo 'bench/floor.sh                  # POST /events ÷ /health/live as shipped and with its script doing no work, alternated'
  echo 'DRAIN_RUNS=3 bench/drain.sh     # the drain of one kept snapshot, after a start then warm: CPU per 1000 events, Redis commandstats'
  echo 'BENCH_R2R=0 bench/run.sh        # a JIT-only build instead of the ReadyToRun publish'
  echo 'PROFILE_PATH=events bench/profile.sh   # samples the service CPU under one load (events|session|drain); needs perf'
  echo 'bench/soak.sh                   # a steady load for 10 minutes (SOAK_SECONDS), sampling memory'
  echo '```'
  echo
  echo "The service runs as production runs it: a ReadyToRun publish, as the Dockerfile makes it (\`bench/service.sh\`)."
  echo "Raw wrk outputs are in \`bench/out/\` after a run. The bare endpoint (\`bench/Baseline\`) reads"
  echo "and validates the body with the service's own code and answers 202; the stand-ins (\`bench/StandIn\`) answer Meta and"
  echo "PostHog at once and count requests and events. The request runs use \`Delivery__WorkerEnabled=false\` so they measure"
  echo "the HTTP path alone; the drain run measures the worker alone. What limits these figures: [capacity.md](capacity.md);"
  echo "earlier runs: [CHANGELOG.md](../CHANGELOG.md)."
  if [ -n "$HISTORY" ]; then echo; echo "$HISTORY"; fi
} > "$OUT/benchmarks.md"
if [ "$SMOKE" != 1 ]; then cp "$OUT/benchmarks.md" docs/benchmarks.md; fi
cat "$OUT/benchmarks.md"
