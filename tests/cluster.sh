#!/usr/bin/env bash
# Starts a 6-master Redis Cluster on loopback (ports 7101-7106), runs the integration suite against it one test at a
# time (a cluster has a single database, so tests isolate by flushing), then stops it. Proves no script or command
# crosses slots on any path: sessions, events, outbox, Stripe ledger, aggregates, reports.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=$(mktemp -d)
PORTS=(7101 7102 7103 7104 7105 7106)
cleanup() { for p in "${PORTS[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done; rm -rf "$DIR"; }
trap cleanup EXIT
for p in "${PORTS[@]}"; do
  mkdir -p "$DIR/$p"
  redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$DIR/$p/nodes.conf" \
    --dir "$DIR/$p" --save "" --appendonly no --daemonize yes >/dev/null
done
sleep 0.5
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${PORTS[@]}") --cluster-replicas 0 --cluster-yes >/dev/null
for _ in $(seq 1 50); do
  redis-cli -p 7101 cluster info | grep -q 'cluster_state:ok' && break
  sleep 0.2
done
echo "Redis Cluster up: $(redis-cli -p 7101 cluster info | grep cluster_known_nodes | tr -d '\r')"
export TEST_REDIS=$(printf '127.0.0.1:%s,' "${PORTS[@]}" | sed 's/,$//')
dotnet test Tracking.sln -c "${CONFIGURATION:-Release}" --no-build --filter "FullyQualifiedName!~Tracking.Tests.EndToEnd.Browser" \
  --logger "console;verbosity=minimal" -- xUnit.ParallelizeTestCollections=false
