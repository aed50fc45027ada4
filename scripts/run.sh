#!/usr/bin/env bash
# Runs the hub locally: installs what is missing, brings up the local stack (Azurite on 10002, RabbitMQ on 5672),
# starts the HubSpot simulator on http://127.0.0.1:7080 unless a real HubSpot is configured (both HubSpot__BaseAddress
# and Secrets__HubSpotAccessToken set), writes the sample email template (samples/platform-events/email-templates.json)
# into the EmailTemplates table (unless an admin's version is there), starts a local token issuer for the admin page on
# http://127.0.0.1:7075 unless AdminApi__Authority is set, and runs the host on http://127.0.0.1:7071 until Ctrl+C.
# The stack keeps running afterwards (scripts/stack.sh down ends it); the simulator and the issuer stop with the hub.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v dotnet >/dev/null || { echo "The .NET 10 SDK (dotnet) is needed: https://dot.net" >&2; exit 1; }

scripts/stack.sh up
dotnet build Crm.Integration.sln -c Release --nologo -v quiet

# The base settings point nowhere (a deployment missing an endpoint refuses to start); the local stack's addresses —
# Azurite, RabbitMQ with guest/guest, 127.0.0.1:7071 — are in src/Functions/appsettings.Development.json.
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}

# The Prometheus scrape endpoint (GET /metrics) is on locally; traces and logs go to an OTLP backend when
# OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Telemetry").
export Telemetry__PrometheusEndpoint=${Telemetry__PrometheusEndpoint:-true}

# The webhook refuses to start without a token (fail closed); locally a fixed one is used unless you set your own.
export Secrets__Auth0LogStreamToken=${Secrets__Auth0LogStreamToken:-local-dev-token}
# The key of the ledger's person fingerprints (erasure finds a person's rows by them); a fixed one locally.
export Secrets__PersonFingerprintKey=${Secrets__PersonFingerprintKey:-local-dev-person-fingerprint-key}

simulator= issuer=
trap '[ -n "$simulator" ] && kill "$simulator" 2>/dev/null; [ -n "$issuer" ] && kill "$issuer" 2>/dev/null; true' EXIT
if [ -z "${HubSpot__BaseAddress:-}" ] || [ -z "${Secrets__HubSpotAccessToken:-}" ]; then
  export HubSpot__BaseAddress=http://127.0.0.1:7080 Secrets__HubSpotAccessToken=local-simulator-token
  dotnet tests/Crm.Integration.HubSpotSimulator/bin/Release/net10.0/Crm.Integration.HubSpotSimulator.dll \
    --urls "$HubSpot__BaseAddress" --Simulator:AccessToken "$Secrets__HubSpotAccessToken" >"$ROOT/.stack/simulator.log" 2>&1 &
  simulator=$!
  for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/7080) 2>/dev/null && break; sleep 0.5; done
  echo "[run] HubSpot simulator on $HubSpot__BaseAddress (contacts: $HubSpot__BaseAddress/_simulator/contacts, log .stack/simulator.log)"
fi

node scripts/tools/seed-templates.mjs --file samples/platform-events/email-templates.json | sed 's/^/[run] /'

# The admin API trusts one token issuer. Unless one is configured (AdminApi__Authority), a local issuer stands in for
# the Auth0 tenant or Entra ID a deployment uses; it stops with the hub.
if [ -z "${AdminApi__Authority:-}" ]; then
  export AdminApi__Authority=http://127.0.0.1:7075/ AdminApi__Audience=crm-integration-admin AdminApi__RequireHttpsMetadata=false
  node scripts/tools/local-issuer.mjs --port 7075 --audience "$AdminApi__Audience" >"$ROOT/.stack/local-issuer.log" 2>&1 &
  issuer=$!
  for _ in $(seq 1 40); do (exec 3<>/dev/tcp/127.0.0.1/7075) 2>/dev/null && break; sleep 0.25; done
fi

echo "[run] Auth0 log-stream token: the Authorization header must be '$Secrets__Auth0LogStreamToken'"
echo "[run] send a sample: curl -i -H \"Authorization: $Secrets__Auth0LogStreamToken\" -H 'Content-Type: application/json' --data-binary @samples/auth0-log-batch.json http://127.0.0.1:7071/api/auth0/log-stream"
echo "[run] publish platform events (another terminal): node scripts/tools/publish-event.mjs --file samples/platform-events/transactional-email.json"
echo "[run]                                            node scripts/tools/publish-event.mjs --file samples/platform-events/task-signup.json"
echo "[run] then look at $HubSpot__BaseAddress/_simulator/emails and /_simulator/contacts"
echo "[run] metrics: curl -s http://127.0.0.1:7071/metrics | grep '^crm_'   (traces: set OTEL_EXPORTER_OTLP_ENDPOINT)"
echo "[run] admin page: http://127.0.0.1:7071/admin/ — sign in with an access token from $AdminApi__Authority"
if [ -n "$issuer" ]; then
  echo "[run]   get one (local issuer; role writer | reader | operator):"
  echo "[run]   curl -s -X POST ${AdminApi__Authority}token -d role=writer -d name='Ada Admin' | node -pe 'JSON.parse(require(\"fs\").readFileSync(0)).access_token'"
fi
dotnet src/Functions/bin/Release/net10.0/Crm.Integration.Functions.dll --contentRoot "$ROOT/src/Functions"
