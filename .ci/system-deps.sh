#!/usr/bin/env bash
# Installs the Debian packages sluice's readers and test suite use, when missing.
# Runs as root (CI, containers); otherwise prints what to install and carries on.
set -euo pipefail
# python3-numpy + python3-torch: the loader's Python client, its cross-language and training tests, `make bench`
packages=(zstd bzip2 lbzip2 python3-numpy python3-torch)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo; else
    echo "sluice: missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
    exit 0
  fi
else SUDO=; fi
echo "sluice: installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
