#!/usr/bin/env bash
# Runs Debian's podman with the settings this kind of machine needs (see docs/images.md), kept out of
# every image: runc instead of crun (crun 1.8 rejects a hybrid cgroup layout), cgroupfs, a file event
# log, and ulimits that root without CAP_SYS_RESOURCE can set. Rootless podman keeps its own defaults.
set -euo pipefail
conf_dir="$(cd "$(dirname "$0")/../.." && pwd)/.data/images"
if [ "$(id -u)" -eq 0 ] && [ -z "${CONTAINERS_CONF:-}" ]; then
  conf="$conf_dir/containers.conf"
  if [ ! -f "$conf" ]; then
    mkdir -p "$conf_dir"
    # podman's default (1048576) is above this machine's hard limits; these are enough for Node.
    limit() { local hard="$1"; [ "$hard" = unlimited ] || [ "$hard" -gt 20000 ] && hard=20000; echo "$hard"; }
    nofile=$(limit "$(ulimit -Hn)")
    nproc=$(limit "$(ulimit -Hu)")
    cat >"$conf.tmp" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
    mv "$conf.tmp" "$conf"
  fi
  export CONTAINERS_CONF="$conf"
fi
exec podman "$@"
