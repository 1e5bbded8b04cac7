# The Shear silo. Build from the repository root:
#   docker build -f docker/silo.Dockerfile -t shear-silo:cpu .
#   docker build -f docker/silo.Dockerfile --build-arg TORCH_BACKEND=cuda --build-arg RUNTIME_BASE=nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 -t shear-silo:gpu .
# TORCH_BACKEND=cuda selects the TorchSharp-cuda-linux package through the ShearTorchBackend MSBuild property.
ARG RUNTIME_BASE=mcr.microsoft.com/dotnet/runtime:10.0

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TORCH_BACKEND=cpu
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY build/ build/
COPY src/ src/
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app -p:ShearTorchBackend=${TORCH_BACKEND} -p:UseAppHost=false

# The .NET runtime comes from Microsoft's runtime image by copy (no piped install script); on the .NET base it is
# there already.
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS dotnet

FROM ${RUNTIME_BASE} AS runtime
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet-copy
RUN if ! command -v dotnet >/dev/null 2>&1; then \
      mv /usr/share/dotnet-copy /usr/share/dotnet && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet; \
    else rm -rf /usr/share/dotnet-copy; fi \
 && apt-get update && apt-get install -y --no-install-recommends bubblewrap libicu-dev ca-certificates && rm -rf /var/lib/apt/lists/* \
 && (getent group shear || groupadd --system --gid 10001 shear) \
 && (id -u shear >/dev/null 2>&1 || useradd --system --uid 10001 --gid shear --home /tmp shear)
WORKDIR /app
# Application files stay root's: the runtime user (10001) can read them, not change them.
COPY --from=build /app ./
USER 10001
# Silo, gateway, health, Prometheus (see src/Silo/SiloDefaults.cs).
EXPOSE 11111 30000 8081 9464
ENV Shear__HealthHost=+ Shear__PrometheusHost=* DOTNET_gcServer=1
ENTRYPOINT ["dotnet", "shear-silo.dll"]
