#!/usr/bin/env bash
# Install the Debian 12 packages authlint needs to build and to run its tests.
# Idempotent: packages already there are left as they are. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
	# build
	build-essential meson ninja-build pkg-config python3
	libldns-dev libpsl-dev libpcre2-dev libyaml-dev libssl-dev libknot-dev
	libcmocka-dev publicsuffix libunistring-dev libgmime-3.0-dev
	# DMARC aggregate reports: XML (libxml2), gzip (zlib), zip (libarchive)
	libxml2-dev zlib1g-dev libarchive-dev
	# zone inputs in JSON: DNSControl's print-ir, Terraform plans (json-c)
	libjson-c-dev
	# tests: sanitizers and warnings with clang, real DNS servers, SARIF schema
	clang knot nsd ldnsutils knot-dnsutils python3-jsonschema
	# tests: a caching resolver for the propagation tests (stale caches)
	unbound
	# benchmarks (bench/spf, bench/reports): the pyspf and dmarc-cat peers and /usr/bin/time
	python3-spf python3-dnspython time dmarc-cat
	# tests: the HTML page of `authlint reports` is loaded in a real browser
	chromium
	# tests: scripts/refresh-provider-spf.py reads YAML
	python3-yaml
	# authlint diff --git reads the old version with git (tests/test_diff_git.py)
	git
	# CI: the Debian package is built, checked and installed (scripts/package.sh)
	debhelper dpkg-dev fakeroot lintian
)

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 2; }
	SUDO=sudo
fi

# Packaged daemons (knot, nsd) must not start on install: the tests start their
# own servers on loopback. A policy-rc.d that says so is put in place for the
# install and removed again if we created it.
created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod +x /usr/sbin/policy-rc.d
	created_policy=1
fi
cleanup() { if [ -n "$created_policy" ]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
