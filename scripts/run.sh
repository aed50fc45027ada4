#!/usr/bin/env bash
# Runs the hub locally: installs what is missing, brings up the local stack (Azurite on 10002, RabbitMQ on 5672) and
# starts the host on http://127.0.0.1:7071. The stack keeps running after the hub stops: scripts/stack.sh down ends it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is needed: https://dot.net" >&2; exit 1; }

scripts/stack.sh up

# The webhook refuses to start without a token (fail closed); locally a fixed one is used unless you set your own.
export Secrets__Auth0LogStreamToken=${Secrets__Auth0LogStreamToken:-local-dev-token}
echo "[run] Auth0 log-stream token: the Authorization header must be '$Secrets__Auth0LogStreamToken'"
echo "[run] send a sample: curl -i -H \"Authorization: $Secrets__Auth0LogStreamToken\" -H 'Content-Type: application/json' --data-binary @samples/auth0-log-batch.json http://127.0.0.1:7071/api/auth0/log-stream"

dotnet build src/Functions -c Release --nologo -v quiet
exec dotnet run --project src/Functions -c Release --no-build
