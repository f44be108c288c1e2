#!/bin/bash
# Usage: dotnet build -c Release, then N=300 bench/session-growth.sh (needs redis-server, redis-cli, curl).
# One client, N new sessions each with its PageView (as the snippet's page load), against the Release build.
set -e
N=${N:-300}
RP=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
AP=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
redis-server --port $RP --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
RPID=$!
sleep 0.5
ASPNETCORE_URLS=http://127.0.0.1:$AP Redis__ConnectionString=127.0.0.1:$RP Tracking__AllowAnyOrigin=true Delivery__WorkerEnabled=false \
  Logging__LogLevel__Default=Warning dotnet "$(dirname "$0")/../src/Tracking.Api/bin/Release/net10.0/Tracking.Api.dll" >${TMPDIR:-/tmp}/svc.log 2>&1 &
SPID=$!
for i in $(seq 1 100); do curl -sf http://127.0.0.1:$AP/health/ready >/dev/null && break; sleep 0.2; done
before=$(redis-cli -p $RP info memory | grep '^used_memory:' | tr -d '\r' | cut -d: -f2)
keys0=$(redis-cli -p $RP dbsize)
for i in $(seq 1 $N); do
  curl -s -o /dev/null -w '%{http_code}\n' -X POST http://127.0.0.1:$AP/session -H 'Content-Type: application/json' \
   -H 'User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1' \
   -d "{\"url\":\"https://film.example/watch?utm_source=facebook&utm_medium=paid&utm_campaign=winter&utm_content=trailer_30s&fbclid=IwAR$i\",\"referrer\":\"https://m.facebook.com/\",\"events\":[{\"event\":\"PageView\",\"eventId\":\"pv-$i-0123456789\",\"url\":\"https://film.example/watch\"}]}"
done | sort | uniq -c > ${TMPDIR:-/tmp}/codes.txt
after=$(redis-cli -p $RP info memory | grep '^used_memory:' | tr -d '\r' | cut -d: -f2)
keys1=$(redis-cli -p $RP dbsize)
# MEMORY USAGE of every key written, summed (SAMPLES 0: exact for hashes, sets and sorted sets).
sum=0
for k in $(redis-cli -p $RP --scan); do u=$(redis-cli -p $RP memory usage "$k" samples 0); sum=$((sum+u)); done
echo "N=$N codes: $(cat ${TMPDIR:-/tmp}/codes.txt | tr '\n' ' ')"
echo "used_memory before=$before after=$after delta=$((after-before)) per_session=$(( (after-before)/N ))"
echo "keys before=$keys0 after=$keys1; MEMORY USAGE sum of all keys=$sum per_session=$((sum/N))"
redis-cli -p $RP --scan | sed -E 's/[:{][^:]*$//' | sort | uniq -c | sort -rn | head -20
kill $SPID; kill $RPID
