#!/usr/bin/env bash
# Meterline's one test command: builds the whole solution in Release and runs every test project.
# Usage: ./test.sh [extra arguments passed to `dotnet test`, e.g. --filter "FullyQualifiedName~Security"]
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=.test-results
rm -rf "$results"

scripts/ensure-softhsm.sh
scripts/ensure-postgres.sh
scripts/ensure-rabbitmq.sh
scripts/ensure-libcoap.sh
scripts/ensure-mosquitto.sh
scripts/ensure-chromium.sh
dotnet build Meterline.slnx -c Release

status=0
dotnet test Meterline.slnx -c Release --no-build \
  --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@" || status=$?

# One closing line over all test projects, summed from the TRX files.
passed=0 failed=0 skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")
  f=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")
  t=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  e=$(sed -E 's/.* executed="([0-9]+)".*/\1/' <<<"$counters")
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + t - e))
done
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "No test ran." >&2
  status=1
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
