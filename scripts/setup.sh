#!/bin/bash
# Install the Debian packages authlint needs to build and to run its tests.
set -euo pipefail

PACKAGES=(
  # build
  build-essential meson ninja-build pkg-config
  libldns-dev libpsl-dev libpcre2-dev libyaml-dev libcmocka-dev libssl-dev libknot-dev
  python3
  # tests against real servers (tests/dns): authoritative servers on loopback
  knot knot-dnsutils nsd
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (apt-get install)" >&2
  exit 1
fi
# the packaged daemons must not start by themselves: tests start their own
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"
