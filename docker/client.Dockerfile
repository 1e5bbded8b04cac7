# The shear console (sweep submission, results, local prune/eval/compare). Build from the repository root:
#   docker build -f docker/client.Dockerfile -t shear-client .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY build/ build/
COPY src/ src/
RUN dotnet publish src/Client/Client.csproj -c Release -o /app -p:UseAppHost=false
# The silo host beside it (same dependencies, shared files): `shear demo` starts it as a child process.
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
# bubblewrap isolates generated code (shear eval refuses to run code without it); files stay root's, read-only to
# the runtime user.
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 shear && useradd --system --uid 10001 --gid shear --home /tmp shear
WORKDIR /app
COPY --from=build /app ./
# The built-in tiny model and data, so `shear demo` and local commands work inside the image.
COPY models/ /app/models/
COPY data/ /app/data/
USER 10001
ENTRYPOINT ["dotnet", "shear.dll"]
