#!/usr/bin/env bash
# One-command set-up on a fresh Debian machine (Node 20 + npm already present):
# system packages the tests and demos need, the pinned pnpm, workspace deps, and a build.
# Idempotent: re-running skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[setup] $*" >&2; }

# Debian packages: PyTorch (to check files we write and as the benchmark baseline),
# Fashion-MNIST (real data for tests), curl (download benchmark baseline),
# PuLP + GLPK (the ILP benchmark baseline: HAWQ's own solver stack).
APT_PKGS=(python3-torch dataset-fashion-mnist curl python3-pulp glpk-utils chromium)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  log "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

# pnpm pinned to the root package.json's packageManager field.
want_pnpm="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  log "installing pnpm $want_pnpm"
  npm install -g "pnpm@$want_pnpm" >&2
fi

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
# onnxruntime-node's postinstall would fetch CUDA binaries from the network; the CPU ones ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
log "installing workspace dependencies"
pnpm install --frozen-lockfile >&2
log "building"
pnpm -s build >&2
log "ready"
