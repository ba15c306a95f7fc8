#!/usr/bin/env bash
# Installs what MicroTick needs on a Debian/Ubuntu machine, idempotently: the servers it runs
# (PostgreSQL, NATS, Redis, HAProxy as the local gateway), Chromium for browser tests, kubectl for manifest
# checks, podman (with runc and debootstrap) for the image builds and container smoke run, and npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "MicroTick needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

missing=()
have_postgres() { ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; }
have_postgres || missing+=(postgresql)
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
have haproxy || missing+=(haproxy)
have podman || missing+=(podman)
have runc || missing+=(runc)
have debootstrap || missing+=(debootstrap)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The postgresql package starts a system cluster; MicroTick runs its own private one instead.
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    $sudo service postgresql stop >/dev/null 2>&1 || true
  fi
  if [[ " ${missing[*]} " == *" redis-server "* ]]; then
    $sudo service redis-server stop >/dev/null 2>&1 || true
  fi
  # Likewise HAProxy: the stack runs its own as the local gateway (devstack/src/gateway).
  if [[ " ${missing[*]} " == *" haproxy "* ]]; then
    $sudo service haproxy stop >/dev/null 2>&1 || true
  fi
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
