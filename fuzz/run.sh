#!/usr/bin/env bash
# Coverage-guided fuzzing of request parsing and Stripe event handling with SharpFuzz and afl++, for a bounded time.
#   fuzz/run.sh            60 s (FUZZ_SECONDS to change); findings in fuzz/findings, new inputs kept in fuzz/corpus
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_LIMIT=${FUZZ_SECONDS:-60}
command -v afl-fuzz >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null; }
export PATH="$PATH:$HOME/.dotnet/tools"
command -v sharpfuzz >/dev/null || dotnet tool install -g SharpFuzz.CommandLine --version 2.3.0 >/dev/null
rm -rf bin findings
dotnet publish Tracking.Fuzz -c Release -o bin -v q -nologo >/dev/null
# Instrument our own code only: the service assembly is where the parsing and the decisions live.
sharpfuzz bin/Tracking.Api.dll >/dev/null
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1
timeout --preserve-status $(( SECONDS_LIMIT + 30 )) afl-fuzz -V "$SECONDS_LIMIT" -i corpus -o findings -t 5000 -m none -- dotnet bin/Tracking.Fuzz.dll || true
crashes=$(find findings -path '*crashes/id*' 2>/dev/null | wc -l)
execs=$(awk -F: '/execs_done/ {gsub(/ /, "", $2); print $2}' findings/default/fuzzer_stats 2>/dev/null || echo 0)
paths=$(awk -F: '/corpus_count/ {gsub(/ /, "", $2); print $2}' findings/default/fuzzer_stats 2>/dev/null || echo 0)
echo "fuzzing: ${SECONDS_LIMIT}s, executions=$execs, corpus=$paths, crashes=$crashes"
# Keep what afl found interesting as the next run's seeds, named by content so reruns do not duplicate them.
for f in findings/default/queue/id*; do [ -f "$f" ] && cp "$f" "corpus/afl-$(sha1sum "$f" | cut -c1-12)"; done
[ "$crashes" -eq 0 ]
