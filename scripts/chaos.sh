#!/usr/bin/env bash
# The chaos suite (README, "Chaos"): a stack of its own (AMQP 5695, tables 10035, Azurite on disk so that a kill -9
# keeps what it had saved), the HubSpot simulator and an Auth0 stub in process, the hub's Release build as a process
# on 7691; one fault per scenario, the invariants after each. Report under bench-results/chaos-<time>/.
#   scripts/chaos.sh --quick         every scenario, small workload (a few minutes)
#   scripts/chaos.sh                 every scenario, bigger workload
#   scripts/chaos.sh --self-check    proves the checker sees a loss: one contact deleted, must report lost 1
#   --only broker-kill,hub-kill-twice   some scenarios only
# Last line: "chaos: <N> scenarios, lost <L>, duplicate emails <D>, stuck <S>"; exit status non-zero unless all three are 0.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is needed: https://dot.net" >&2; exit 1; }
export CHAOS_AMQP_PORT=${CHAOS_AMQP_PORT:-5695} CHAOS_TABLE_PORT=${CHAOS_TABLE_PORT:-10035} CHAOS_HUB_PORT=${CHAOS_HUB_PORT:-7691}
unset AZURITE_IN_MEMORY
HUB_PID_FILE=$ROOT/.stack/chaos-hub.pid

# Whatever happens to the harness (Ctrl-C, a crash), nothing it started outlives it: the hub it last started (only if
# that pid is still the hub), then the chaos stack, purged.
cleanup() {
  if [ -f "$HUB_PID_FILE" ]; then
    pid=$(cat "$HUB_PID_FILE")
    if { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q 'Crm.Integration.Functions.dll'; then kill -9 "$pid" 2>/dev/null || true; fi
    rm -f "$HUB_PID_FILE"
  fi
  STACK_HOME=$ROOT/.stack/chaos AMQP_PORT=$CHAOS_AMQP_PORT TABLE_PORT=$CHAOS_TABLE_PORT \
    STACK_EXTRA_DEFINITIONS=$ROOT/tests/stack/test-queues.json STACK_PURGE=1 scripts/stack.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT

dotnet build Crm.Integration.sln -c Release --nologo -v quiet >/dev/null
# Bounded as a whole: a wedged scenario cannot keep the machine busy (quick: 25 min, full: 90 min).
limit=5400; case " $* " in *" --quick "*|*" --self-check "*) limit=1500 ;; esac
set +e
timeout --signal=TERM --kill-after=30 "$limit" dotnet tests/Crm.Integration.Chaos/bin/Release/net10.0/Crm.Integration.Chaos.dll "$@"
status=$?
set -e
[ "$status" -ne 124 ] || echo "chaos: timed out after $limit s" >&2
exit "$status"
