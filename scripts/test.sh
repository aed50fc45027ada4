#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what is missing (apt-get, npm, dotnet restore), starts the
# test stack on ports of its own (AMQP 5673, tables 10012; brokers 5674/5675 for the outage tests), runs every test
# project (after compiling and linting infra/bicep: any warning fails), and stops and purges everything it started,
# whatever the outcome.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RESULTS=$ROOT/artifacts/test-results
# The shared test stack's ports; another checkout running its suite beside this one sets them apart (TestStack reads the same).
export CRM_TEST_AMQP_PORT=${CRM_TEST_AMQP_PORT:-5673} CRM_TEST_TABLE_PORT=${CRM_TEST_TABLE_PORT:-10012}
TEST_AMQP_PORT=$CRM_TEST_AMQP_PORT TEST_TABLE_PORT=$CRM_TEST_TABLE_PORT

command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is needed: https://dot.net" >&2; exit 1; }

stack() { # home amqp-port table-port command [components]
  STACK_HOME="$ROOT/.stack/$1" AMQP_PORT=$2 TABLE_PORT=$3 STACK_EXTRA_DEFINITIONS="$ROOT/tests/stack/test-queues.json" \
    "$ROOT/scripts/stack.sh" "${@:4}"
}

cleanup() {
  STACK_PURGE=1 stack test "$TEST_AMQP_PORT" "$TEST_TABLE_PORT" down || true
  STACK_PURGE=1 stack test-connectors-broker 5674 10014 down rabbitmq || true
  STACK_PURGE=1 stack test-e2e-broker 5675 10015 down rabbitmq || true
}
trap cleanup EXIT

# The admin page's browser test drives Debian's Chromium (playwright-core, installed with the stack's Node tools).
if ! command -v chromium >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "Chromium is needed for the admin page's browser test: apt-get install chromium (as root)" >&2; exit 1; }
  echo "[test] installing Chromium for the admin page's browser test"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

stack test "$TEST_AMQP_PORT" "$TEST_TABLE_PORT" up
dotnet restore Crm.Integration.sln
dotnet build Crm.Integration.sln --no-restore -c Debug

rm -rf "$RESULTS"
status=0
# The Azure deployment compiles and lints with no diagnostic at all (a warning fails the run as an error does).
scripts/bicep.sh || status=$?
# One project after another: the end-to-end tests measure batching against HubSpot's budget, and on two cores a
# connector suite running beside them (Azurite at full load) makes those figures noise.
for project in tests/*.Tests/*.csproj; do
  dotnet test "$project" --no-build -c Debug \
    --results-directory "$RESULTS" --logger "trx" --logger "console;verbosity=normal" \
    --blame-hang-timeout 5m || status=$?
done

# One plain closing line over every project's results.
passed=0; failed=0
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*' "$trx")
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
done
echo "tests: $passed passed, $failed failed"
exit "$status"
