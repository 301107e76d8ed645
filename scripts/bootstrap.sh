#!/usr/bin/env bash
# Installs everything `npm test` and `npm run demo` need on a fresh Debian machine (as root):
# Debian packages for the integration tests, npm dependencies, the native addon and the build.
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_pkgs=(keepalived tcpdump ipvsadm user-mode-linux kmod iproute2 procps openssl)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bootstrap: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}" >&2
  # Never let a package start its daemon (keepalived) on this host: policy-rc.d says no.
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi

# user-mode-linux looks for its modules under /lib/modules/<uml release>.
for d in /usr/lib/uml/modules/*; do
  [ -d "$d" ] || continue
  rel=$(basename "$d")
  [ -e "/lib/modules/$rel" ] || { mkdir -p /lib/modules && ln -s "$d" "/lib/modules/$rel"; }
done

# npm dependencies (+ native addon + build via `prepare`) when missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  # A tree that already has node_modules may still lack (or have a stale) native addon.
  [ build/Release/ka_net.node -nt native/ka_net.cc ] || npm run --silent install
  npm run --silent build
fi
