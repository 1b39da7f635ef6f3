#!/usr/bin/env bash
# Makes sure SoftHSM2 (the PKCS#11 token the key-provider tests use) is installed: Debian's softhsm2 package gives
# softhsm2-util and /usr/lib/softhsm/libsofthsm2.so. Installs it with apt-get when missing (as root, or through sudo).
set -euo pipefail

module=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
if command -v softhsm2-util >/dev/null 2>&1 && [ -f "$module" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "SoftHSM2 is missing and apt-get is not available: install softhsm2 (softhsm2-util and $module) by hand." >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "SoftHSM2 is missing: run 'apt-get install -y softhsm2' as root." >&2
    exit 1
  fi
  sudo="sudo"
fi

echo "Installing SoftHSM2 for the PKCS#11 tests…"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y -qq softhsm2 >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq softhsm2 >/dev/null; }

if ! command -v softhsm2-util >/dev/null 2>&1 || [ ! -f "$module" ]; then
  echo "SoftHSM2 was installed but softhsm2-util or $module is still missing." >&2
  exit 1
fi
