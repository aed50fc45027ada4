# The hub's image, as infra/bicep deploys it (both container apps run it; function switches tell them apart).
#   docker build -t <registry>/crm-integration:<version> .
# Multi-stage: the SDK restores and publishes the Release build; the runtime image carries only ASP.NET Core and it.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The build settings first, then the sources (restore is redone only when a project or version changes).
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig host.json ./
COPY src/Connectors/Crm.Integration.Connectors.csproj src/Connectors/
COPY src/Functions/Crm.Integration.Functions.csproj src/Functions/
RUN dotnet restore src/Functions/Crm.Integration.Functions.csproj
COPY src/ src/
RUN dotnet publish src/Functions/Crm.Integration.Functions.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# Production unless told otherwise: no local defaults apply, a missing endpoint stops the host with its name.
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# The image's unprivileged user (uid 1654, defined by the .NET base images).
USER $APP_UID
# Liveness only (the process answers): readiness depends on the broker and storage and is the orchestrator's to probe.
# Container Apps ignores HEALTHCHECK and uses the probes in infra/bicep; this serves docker run and compose. No curl in
# the runtime image: bash's /dev/tcp speaks the one request.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /api/health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Crm.Integration.Functions.dll"]
