#!/usr/bin/env bash
# Makes a Dockerfile's base image available to podman: pulled when a registry answers, otherwise a
# local stand-in built under the exact same name (kept: rebuilt only when missing).
#
#   infra/images/base-image.sh node:24-bookworm-slim
#
# The stand-in is what the official node:<version>-bookworm-slim image is, minus the Node.js version:
# a minimal Debian bookworm root (debootstrap, from this machine's apt mirror), this machine's `node`
# binary and npm (unpacked from its package tarball), user and group `node` (1000:1000) and the
# official docker-entrypoint.sh. It needs root (debootstrap, chroot).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
podman="$repo/infra/images/podman.sh"
name="$1"
case "$name" in */*) full="$name" ;; *) full="docker.io/library/$name" ;; esac

if "$podman" image exists "$full"; then exit 0; fi
if timeout 300 "$podman" pull -q "$full" >/dev/null 2>&1; then
  echo "pulled $full"
  exit 0
fi
case "$name" in
  node:*-bookworm-slim) ;;
  *) echo "cannot pull $full and no stand-in recipe for it" >&2; exit 1 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "cannot pull $full; building the local stand-in needs root (debootstrap)" >&2
  exit 1
fi

# The Debian mirror apt already uses (DEBIAN_MIRROR overrides it).
mirror="${DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$( (grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | sed 's/\[[^]]*\]//' | awk '{print $2}') |
    grep -E '/debian/?$' | head -n1) || true
fi
[ -n "$mirror" ] || { echo "no Debian mirror found in apt's sources; set DEBIAN_MIRROR" >&2; exit 1; }

echo "building a local stand-in for $full (no registry answers): debootstrap from $mirror, node $(node --version)"
work="$(mktemp -d "${TMPDIR:-/tmp}/microtick-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }

install -m 0755 "$(command -v node)" "$root/usr/local/bin/node"
(cd "$work" && npm pack --silent "npm@$(npm --version)" >/dev/null)
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work"/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
set -e
# Run command with node if the first argument contains a "-" or is not a system command.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
ENTRYPOINT
chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*

tar -C "$root" -c . | "$podman" import --quiet \
  --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
  --change 'CMD ["node"]' \
  --change "ENV NODE_VERSION=$(node -p 'process.versions.node')" \
  --change 'LABEL org.microtick.stand-in=true' \
  - "$full" >/dev/null
echo "stand-in $full ready"
