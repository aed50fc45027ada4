#!/usr/bin/env bash
# The benchmark (README, "Benchmark"): brings up a stack of its own (AMQP 5680, tables 10020), the HubSpot simulator
# (in process, 100 requests / 10 s) and the hub's Release build as a process, drives the workload, prints the report
# and writes it with a chart under bench-results/<time>/. Options pass through, e.g. --events 100000 --emails 500.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is needed: https://dot.net" >&2; exit 1; }
if ! command -v gnuplot >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "[bench] installing gnuplot (for the chart)"
    # A fresh machine has no package lists yet; without gnuplot the report still comes, only its chart is missing.
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null; }; } \
      || echo "[bench] gnuplot could not be installed: the report comes without its chart"
  else
    echo "[bench] gnuplot is not installed and this is not root: the report comes without its chart"
  fi
fi

# The benchmark's Azurite keeps its tables in memory: on disk it rewrites its whole store every 5 s, a cost of the
# emulator (85 s instead of 91 s to drain 20,000 events), not of the hub or of Azure Table Storage.
export AZURITE_IN_MEMORY=${AZURITE_IN_MEMORY:-1}
dotnet build Crm.Integration.sln -c Release --nologo -v quiet
exec dotnet tests/Crm.Integration.Benchmark/bin/Release/net10.0/Crm.Integration.Benchmark.dll "$@"
