#!/usr/bin/env bash
# Installs what Lifeboat needs on a fresh Debian machine with Node 20: Debian packages
# (redis-server) when absent, npm packages when package-lock.json changed, then builds.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# Pod exec in the Kubernetes API emulator runs commands in a private mount namespace.
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "lifeboat: installing ${need_apt[*]} with apt-get" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Install npm packages only when package-lock.json differs from what was installed, so
# repeated runs are fast. `npm install` follows the lock file exactly; `npm ci` cannot be
# used because this machine's registry lacks other platforms' optional packages (rollup's
# and turbo's native builds), which npm therefore leaves out of the lock, and `npm ci`
# then refuses the lock as out of sync.
stamp=node_modules/.lifeboat-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "lifeboat: installing npm packages from package-lock.json" >&2
  npm install --no-audit --no-fund --loglevel=error
  sha256sum package-lock.json | cut -d' ' -f1 > "$stamp"
fi

npx turbo run build --output-logs=errors-only >&2
