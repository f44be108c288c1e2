#!/usr/bin/env bash
# The README's run command (`dotnet run --project src/Tracking.Api`: a Debug build on the embedded store, Garnet) takes
# a visitor's journey: a page load with its PageView, an event, a returning page load, and a daily report, which the
# projection must have counted. Garnet runs the same Lua scripts as Redis, but not every Redis command: a script that
# needs one it lacks answers 503 here. Every answer is checked; the service's log must name no store failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
LOG=$(mktemp)
dotnet build src/Tracking.Api -v q -nologo > /dev/null   # the Debug build `dotnet run` makes, built before the clock starts
Ops__ApiKey=embedded-smoke-ops-key-0123456789abcdef dotnet run --no-build --project src/Tracking.Api -- --urls "$BASE" > "$LOG" 2>&1 &
PID=$!
trap 'pkill -P $PID 2>/dev/null || true; kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 300); do curl -fs -o /dev/null "$BASE/health/ready" && break; sleep 0.5; done   # bounded: 150 s
fail() { echo "embedded store: $1"; tail -40 "$LOG"; exit 1; }
post() { # $1 path, $2 body, $3 expected status; prints the body
  local out status
  out=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' -d "$2" "$BASE$1")
  status=${out##*$'\n'}
  [ "$status" = "$3" ] || fail "POST $1 answered $status, not $3: ${out%$'\n'*}"
  echo "${out%$'\n'*}"
}
from=$(date -u +%Y-%m-%d)   # the report spans the journey even if it crosses midnight (UTC)
page=$(post /session '{"url":"https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter","events":[{"event":"PageView"}]}' 201)
sid=$(echo "$page" | sed -E 's/.*"sessionId":"([^"]+)".*/\1/')
post /events "{\"sessionId\":\"$sid\",\"event\":\"ViewContent\",\"properties\":{\"content\":\"trailer_30s\"}}" 202 > /dev/null
post /session "{\"sessionId\":\"$sid\",\"url\":\"https://film.example/donate\",\"events\":[{\"event\":\"PageView\"}]}" 200 > /dev/null
to=$(date -u +%Y-%m-%d)
funnel=$(curl -fs -H 'Authorization: Bearer embedded-smoke-ops-key-0123456789abcdef' "$BASE/reports/funnel?from=$from&to=$to") || fail "GET /reports/funnel failed"
echo "$funnel" | grep -q '"step":"content_views","count":1' || fail "the funnel did not count the ViewContent: $funnel"
! grep -E "Redis unavailable|Projection paused" "$LOG" || fail "the log names a store failure"
echo "embedded store: a journey and its report ok"
