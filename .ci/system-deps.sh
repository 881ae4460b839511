#!/usr/bin/env bash
# Installs the Debian packages sluice needs, when missing. Usage: system-deps.sh run|test
#   run:  what running a pipeline uses (zstd, bzip2 and lbzip2 decode inputs fast; p7zip-full's
#         7z reads Stack Exchange site archives)
#   test: also what the test suite and benchmarks use: python3-numpy + python3-torch (the loader's
#         Python client and its training tests), slurm + munge (a one-machine cluster,
#         tests/slurm/local-cluster.sh), fasttext (the reference for the classifier stage),
#         chromium (headless, to look at the HTML report) and python3-readability (the extraction
#         bench's readability-lxml), about 1.5 GB, so `make run` does not wait for it.
# Runs as root (CI, containers); otherwise prints what to install and carries on.
set -euo pipefail
profile=${1:-test}
packages=(zstd bzip2 lbzip2 p7zip-full)
case "$profile" in
  run) ;;
  test) packages+=(python3-numpy python3-torch slurmctld slurmd slurm-client munge fasttext chromium python3-readability) ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
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
# keep postinst scripts from starting system-wide munge/slurm services on a systemd host
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod 755 /usr/sbin/policy-rc.d && guard=1
fi
status=0
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
[ -z "$guard" ] || $SUDO rm -f /usr/sbin/policy-rc.d
exit $status
