#!/usr/bin/env bash
# Builds the images with podman from the same Dockerfiles and build args as the main workflow:
#   infra/images/build.sh [name ...]       (default: every service of the roster, and client)
# Tags: localhost/microtick-<name>:test. The base image is pulled, or stood in for when no registry
# answers (base-image.sh). For `npm ci` inside the build, this machine's CA bundle and an npmrc naming
# it (and npm's configured registry) are mounted for the build only, so they never end up in a layer.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
podman="$repo/infra/images/podman.sh"
names=("$@")
# Without names: every service of devstack/src/roster.ts, and the client.
[ ${#names[@]} -gt 0 ] || read -r -a names <<<"$(npx --no-install tsx -e 'import("./devstack/src/roster").then(({ default: r }) => console.log([...r.serviceNames, "client"].join(" ")))')"

cache="$repo/.data/images"
mkdir -p "$cache"
ca=/etc/ssl/certs/ca-certificates.crt
mounts=()
if [ -f "$ca" ]; then
  printf 'cafile=%s\nregistry=%s\n' "$ca" "$(npm config get registry)" >"$cache/npmrc"
  mounts=(-v "$ca:$ca:ro" -v "$cache/npmrc:/usr/local/etc/npmrc:ro")
fi

base_of() { sed -n 's/^ARG NODE_IMAGE=//p' "$1" | head -n1; }
for dockerfile in infra/docker/service.Dockerfile client/Dockerfile; do
  "$repo/infra/images/base-image.sh" "$(base_of "$dockerfile")"
done

for name in "${names[@]}"; do
  args=(--pull=never --layers --tag "localhost/microtick-$name:test" --label "org.opencontainers.image.revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)")
  if [ "$name" = client ]; then
    args+=(--file client/Dockerfile --build-arg "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=${STRIPE_PUBLISHABLE_KEY:-}")
  else
    args+=(--file infra/docker/service.Dockerfile --build-arg "SERVICE=$name")
  fi
  started=$SECONDS
  if ! "$podman" build "${args[@]}" "${mounts[@]}" . >"$cache/build-$name.log" 2>&1; then
    tail -n 40 "$cache/build-$name.log" >&2
    echo "image microtick-$name failed to build (full log: .data/images/build-$name.log)" >&2
    exit 1
  fi
  size=$("$podman" image inspect --format '{{.Size}}' "localhost/microtick-$name:test")
  echo "built microtick-$name in $((SECONDS - started)) s ($((size / 1000000)) MB)"
done
