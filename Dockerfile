# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Tracking.Api/Tracking.Api.csproj src/Tracking.Api/
# Restore for Release: the Debug-only embedded store (Garnet, Azure) must not reach the image. Restored and published
# for the image's runtime (linux-x64 or linux-arm64), which makes the publish ReadyToRun (see Tracking.Api.csproj).
ARG TARGETARCH
RUN echo "linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" > /rid \
 && dotnet restore src/Tracking.Api/Tracking.Api.csproj -p:Configuration=Release -r "$(cat /rid)"
COPY src/ src/
RUN dotnet publish src/Tracking.Api/Tracking.Api.csproj -c Release -r "$(cat /rid)" --self-contained false -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# Needs Redis: this Release image has no embedded store, so without Redis__ConnectionString (e.g.
# `docker run -e Redis__ConnectionString=redis:6379,password=… tracking`) it stops at start, naming the key.
LABEL org.opencontainers.image.title="tracking" \
      org.opencontainers.image.description="Attribution tracking service. Requires Redis: set Redis__ConnectionString."
WORKDIR /app
# curl only for the container health check.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_gcServer=0
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
ENTRYPOINT ["dotnet", "Tracking.Api.dll"]
