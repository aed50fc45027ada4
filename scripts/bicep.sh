#!/usr/bin/env bash
# Compiles and lints infra/bicep with the Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64, through
# tests/Crm.Integration.Infra.Tests), and fails on any diagnostic: an error, and also a warning or an info line.
#   scripts/bicep.sh            lint main.bicep and main.bicepparam, build both
#   scripts/bicep.sh path       print the path of the bicep binary
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PROJECT=$ROOT/tests/Crm.Integration.Infra.Tests/Crm.Integration.Infra.Tests.csproj

package=$(dotnet msbuild "$PROJECT" -nologo -getProperty:PkgAzure_Bicep_CommandLine_linux-x64 2>/dev/null || true)
if [ -z "$package" ] || [ ! -x "$package/tools/bicep" ]; then
  dotnet restore "$PROJECT" --nologo -v quiet >/dev/null
  package=$(dotnet msbuild "$PROJECT" -nologo -getProperty:PkgAzure_Bicep_CommandLine_linux-x64)
fi
BICEP=$package/tools/bicep
[ -x "$BICEP" ] || { echo "[bicep] no bicep binary at $BICEP" >&2; exit 1; }
[ "${1:-}" = path ] && { echo "$BICEP"; exit 0; }

cd "$ROOT/infra/bicep"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
run() { # what, command...
  local log=$out/log
  if ! "$@" >"$out/stdout" 2>"$log"; then status=1; fi
  # The CLI prints diagnostics (Error, Warning, Info) on stderr; any of them fails the step.
  if [ -s "$log" ]; then cat "$log" >&2; status=1; fi
}
run "$BICEP" lint main.bicep
run "$BICEP" lint main.bicepparam
run "$BICEP" build main.bicep --stdout
run "$BICEP" build-params main.bicepparam --stdout
[ "$status" = 0 ] && echo "[bicep] infra/bicep: built and linted, no diagnostics ($("$BICEP" --version))"
exit "$status"
