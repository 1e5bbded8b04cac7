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

FROM ${RUNTIME_BASE} AS runtime
# The CUDA base has no .NET: install the runtime there (a no-op on the .NET base, which has it).
RUN if ! command -v dotnet >/dev/null 2>&1; then \
      apt-get update && apt-get install -y --no-install-recommends ca-certificates curl libicu-dev && \
      curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0 --runtime dotnet --install-dir /usr/share/dotnet && \
      ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && rm -rf /var/lib/apt/lists/*; fi \
 && (getent group shear || groupadd --system --gid 10001 shear) \
 && (id -u shear >/dev/null 2>&1 || useradd --system --uid 10001 --gid shear --home /app shear)
WORKDIR /app
COPY --from=build --chown=shear:shear /app ./
USER 10001
# Silo, gateway, health, Prometheus (see src/Silo/SiloDefaults.cs).
EXPOSE 11111 30000 8081 9464
ENV Shear__HealthHost=+ Shear__PrometheusHost=* DOTNET_gcServer=1
ENTRYPOINT ["dotnet", "shear-silo.dll"]
