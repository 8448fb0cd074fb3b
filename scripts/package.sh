#!/usr/bin/env bash
# Build the Debian packages from the committed tree (git archive, so the work
# tree stays clean), check them with lintian, install them into the system and
# run the installed authlint on the examples and a program against the
# installed library. CI runs it after the test suite (it needs root to install).
#
#   scripts/package.sh                 # build, lintian, install, check
#   scripts/package.sh --install-only  # build and install (the GitHub Action, action.yml)
#   KEEP=1 scripts/package.sh          # leave the build directory (its path is printed)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(dpkg-parsechangelog -SVersion)
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] && echo "package.sh: kept $work" || rm -rf "$work"' EXIT

install_only=
[ "${1:-}" = --install-only ] && install_only=1
if [ -d .git ] || git rev-parse --git-dir >/dev/null 2>&1; then
	echo "== package: build authlint $version from $(git rev-parse --short HEAD)"
	git archive --format=tar --prefix="authlint-$version/" HEAD | tar -x -C "$work"
else # an action's checkout has no .git: the tree as it is
	echo "== package: build authlint $version from $root"
	mkdir "$work/authlint-$version"
	tar -C "$root" --exclude='./build*' -cf - . | tar -x -C "$work/authlint-$version"
fi
start=$(date +%s)
# nocheck: the whole suite has just run (scripts/test.sh); a package build alone runs the unit suite
(cd "$work/authlint-$version" && DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) || { tail -40 "$work/build.log"; exit 1; }
echo "   built in $(( $(date +%s) - start )) s: $(cd "$work" && ls ./*.deb | tr '\n' ' ')"

if [ -n "$install_only" ]; then
	apt-get install -y -q --no-install-recommends "$work"/authlint_*.deb "$work"/libauthlint0_*.deb
	exit 0
fi

echo "== package: lintian"
# every tag lintian gives is either fixed or explained in debian/*.lintian-overrides;
# an error or a warning fails the job
lintian --fail-on error,warning --info "$work"/*.changes

echo "== package: install"
apt-get install -y -q --no-install-recommends "$work"/authlint_*.deb "$work"/libauthlint0_*.deb \
	"$work"/libauthlint-dev_*.deb >"$work/install.log" 2>&1 || { tail -20 "$work/install.log"; exit 1; }

echo "== package: the installed binary on the examples"
test "$(command -v authlint)" = /usr/bin/authlint
set +e
out=$(/usr/bin/authlint zone --offline examples/mistakes.example.zone)
code=$?
set -e
summary=$(printf '%s\n' "$out" | tail -1)
echo "   mistakes.example.zone: exit $code, $summary"
[ "$code" -eq 1 ] && [[ $summary == *"12 errors, 5 warnings, 7 notes in 12 records"* ]]
/usr/bin/authlint zone --offline examples/example.com.zone >/dev/null
rules=$(/usr/bin/authlint rules)
[[ $rules == *SPF001* ]]
test -f /usr/share/man/man1/authlint.1.gz
test -d /usr/share/authlint/rules

echo "== package: a program against the installed library (pkg-config authlint)"
cat >"$work/use.c" <<'C'
#include <authlint/authlint.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
	al_spf_record *rec = NULL;
	const char *text = "v=spf1 ip4:192.0.2.0/24 -all";
	if (al_spf_parse(text, strlen(text), &rec) != AL_OK)
		return 1;
	al_spf_record_free(rec);
	printf("libauthlint %s\n", al_version());
	return 0;
}
C
cc -Wall -Wextra -Werror -o "$work/use" "$work/use.c" $(pkg-config --cflags --libs authlint)
"$work/use"
echo "== package: passed"
