#!/usr/bin/env bash
# What the POST /events script costs Redis per event, run alone and group-committed (docs/capacity.md, "Group
# commit"): captures the service's own script call for one ViewContent in each of BATCH sessions (MONITOR), then
# replays it with redis-benchmark, one call per run and BATCH calls per run, fresh event ids on every run, and prints
# Redis's µs per event from INFO commandstats (the script, and the commands it ran) and the bytes per event it
# propagates to a replica (attached for the replay, as Redis__AckReplicas runs it). Redis has the box to itself
# while it replays, so these are Redis's own costs, lower than under the shared load of bench/run.sh.
#   bench/script-cost.sh                    (BATCH=16, RUNS=400 replays per shape, within a session's 1000 events; ports moved by BENCH_PORT_OFFSET, default 310)
#   PARTS=1 RUNS=150 bench/script-cost.sh   also where a group-committed run's time goes: the script as shipped, then
#                                           binding the arguments only, then starting the script only (docs/capacity.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD; OUT=$ROOT/bench/out; mkdir -p "$OUT"
OFF=${BENCH_PORT_OFFSET:-310}; BATCH=${BATCH:-16}; RUNS=${RUNS:-400}; PARTS=${PARTS:-0}
REDIS_PORT=$((6399 + OFF)); REPLICA_PORT=$((6400 + OFF)); SVC=$((5300 + OFF))
command -v redis-benchmark >/dev/null || { echo "needs redis-benchmark (Debian: redis-tools)"; exit 1; }
source bench/service.sh; build_service
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null
redis-server --port $REPLICA_PORT --bind 127.0.0.1 --save "" --appendonly no --replicaof 127.0.0.1 $REDIS_PORT --daemonize yes >/dev/null
SVC_PID=""; MON_PID=""
trap 'kill $SVC_PID $MON_PID 2>/dev/null || true; redis-cli -p $REPLICA_PORT shutdown nosave >/dev/null 2>&1 || true; redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true' EXIT
# Meta and PostHog configured (nowhere reachable, the worker is off) so each event is queued for both, as in production.
Redis__ConnectionString=127.0.0.1:$REDIS_PORT Meta__PixelId=1234567890 Meta__AccessToken=p PostHog__ApiKey=p \
  Tracking__AllowAnyOrigin=true Delivery__WorkerEnabled=false Logging__LogLevel__Default=Warning \
  ASPNETCORE_URLS=http://127.0.0.1:$SVC dotnet "$SERVICE_DLL" >"$OUT/script-cost-service.log" 2>&1 &
SVC_PID=$!
for _ in $(seq 1 150); do curl -s -o /dev/null http://127.0.0.1:$SVC/health/ready && break; sleep 0.2; done
post() { curl -fs -H 'Content-Type: application/json' -d "$2" "http://127.0.0.1:$SVC$1"; }
sessions=()
for _ in $(seq 1 "$BATCH"); do
  sessions+=("$(post /session '{"url":"https://film.example/watch?utm_source=facebook&utm_campaign=winter"}' | sed -E 's/.*"sessionId":"([^"]+)".*/\1/')")
done
# One ViewContent per session, each alone in its run (sent one after the other), as MONITOR shows them.
post /events "{\"sessionId\":\"${sessions[0]}\",\"event\":\"ViewContent\",\"properties\":{\"content\":\"warm\"}}" >/dev/null
# PARTS=1: the script cache emptied, so the service sends the script's text once more (EVAL), for its variants.
[ "$PARTS" = 1 ] && redis-cli -p $REDIS_PORT script flush >/dev/null
redis-cli -p $REDIS_PORT monitor > "$OUT/script-cost-monitor.txt" & MON_PID=$!
sleep 0.3
for s in "${sessions[@]}"; do post /events "{\"sessionId\":\"$s\",\"event\":\"ViewContent\",\"properties\":{\"content\":\"trailer_30s\"}}" >/dev/null; done
sleep 0.3; kill $MON_PID; MON_PID=""
kill $SVC_PID; wait $SVC_PID 2>/dev/null || true; SVC_PID=""
REDIS_PORT=$REDIS_PORT BATCH=$BATCH RUNS=$RUNS PARTS=$PARTS python3 - "$OUT/script-cost-monitor.txt" <<'PY'
import os, re, subprocess, sys
port, batch, runs = os.environ["REDIS_PORT"], int(os.environ["BATCH"]), int(os.environ["RUNS"])
# MONITOR quotes each argument C-style: "a\"b" and \xNN.
def args(line):
    out = []
    for raw in re.findall(r'"((?:[^"\\]|\\.)*)"', line.split("]", 1)[1]):
        out.append(re.sub(r'\\x([0-9a-fA-F]{2})|\\(.)', lambda m: chr(int(m.group(1), 16)) if m.group(1) else {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(2), m.group(2)), raw))
    return out
calls = [args(l) for l in open(sys.argv[1]) if '"EVALSHA"' in l and '"sess:{' in l]
if len(calls) < batch:
    sys.exit(f"captured {len(calls)} script calls, expected {batch}")
sha = calls[0][1]
# Each call: EVALSHA sha numkeys keys... 1 args... (a run of one call); its event id made fresh on every replay.
parts = []
for c in calls[:batch]:
    n = int(c[2])
    keys, rest = c[3:3 + n], c[3 + n + 1:]
    # The first id-shaped argument (letters among its characters) is the event's id, the events list's first field.
    ids = [a for a in rest if re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9_-]{10,}", a)]
    fresh = lambda a: a.replace(ids[0], "e__rand_int__") if ids else a
    parts.append((keys, [fresh(a) for a in rest]))
def repl_offset():
    info = subprocess.run(["redis-cli", "-p", port, "info", "replication"], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"master_repl_offset:(\d+)", info).group(1))
def replay(k):
    keys = [key for p in parts[:k] for key in p[0]]
    argv = [str(k)] + [a for p in parts[:k] for a in p[1]]
    subprocess.run(["redis-cli", "-p", port, "config", "resetstat"], check=True, capture_output=True)
    offset0 = repl_offset()
    subprocess.run(["redis-benchmark", "-p", port, "-c", "1", "-n", str(runs), "-r", "1000000000",
                    "EVALSHA", sha, str(len(keys)), *keys, *argv], check=True, capture_output=True)
    stats = subprocess.run(["redis-cli", "-p", port, "info", "commandstats"], check=True, capture_output=True, text=True).stdout
    usec = {m[0]: int(m[1]) for m in re.findall(r"cmdstat_([\w|]+):calls=\d+,usec=(\d+)", stats)}
    events = runs * k
    replicated = (repl_offset() - offset0) / events
    script = usec.get("evalsha", 0) / events
    commands = sum(v for c, v in usec.items() if c not in ("evalsha", "config|resetstat")) / events
    print(f"{k:>3} calls per run: {script:6.1f} µs of Redis per event ({commands:4.1f} µs of it in the commands the script ran), {replicated:5.0f} bytes per event to the replica")
replay(1)
replay(batch)
if os.environ["PARTS"] == "1":
    # The batched script's text, and two variants of it run with the same calls: each call's arguments bound to its
    # names, then answered at once (no command); and nothing bound (only Redis's parsing and the script's start).
    text = next((args(l)[1] for l in open(sys.argv[1]) if '"EVAL"' in l and "local function run()" in l), None)
    if not text:
        sys.exit("PARTS=1: the script's text was not captured")
    answer = "local ok, answer = true, {'status', 'Stored', 'accepted', 1, 'duplicates', 0}"
    bound = text.replace("local ok, answer = pcall(run)", answer)
    unbound = bound.replace("p = bind(kb, p)", f"p = p + {len(parts[0][1])}")
    for name, variant in (("bound, answered at once", bound), ("started only", unbound)):
        sha = subprocess.run(["redis-cli", "-p", port, "-x", "script", "load"], input=variant, check=True, capture_output=True, text=True).stdout.strip()
        print(f"   {name}:", end="")
        replay(batch)
# Every replay stored a fresh event (not a duplicate, not refused by the session's cap).
events = next(k for k in parts[0][0] if k.startswith("events:"))
held = int(subprocess.run(["redis-cli", "-p", port, "zcard", events], check=True, capture_output=True, text=True).stdout)
if held < 2 * runs:
    sys.exit(f"the first session holds {held} events, not the {2 * runs} replayed: the replays did not store fresh events")
PY
