# Sourced by bench/*.sh: builds the service as production runs it and names the assembly to start.
# Default: a ReadyToRun publish for this machine's runtime, as the Dockerfile makes it (Tracking.Api.csproj turns
# ReadyToRun on for any publish with a runtime). BENCH_R2R=0: the plain Release build, JIT only, for comparison.
build_service() {
  local rid=linux-x64
  case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; esac
  if [ "${BENCH_R2R:-1}" = 1 ]; then
    SERVICE_DLL=$ROOT/bench/out/app-r2r/Tracking.Api.dll
    dotnet publish "$ROOT/src/Tracking.Api" -c Release -r "$rid" --self-contained false -o "$ROOT/bench/out/app-r2r" -v q -nologo >/dev/null
  else
    SERVICE_DLL=$ROOT/bench/out/app-jit/Tracking.Api.dll
    dotnet publish "$ROOT/src/Tracking.Api" -c Release -o "$ROOT/bench/out/app-jit" -v q -nologo >/dev/null
  fi
}
