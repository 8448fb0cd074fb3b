#!/usr/bin/env bash
# Memory of `authlint zone` on a large zone file: "a 1 GB zone must not need
# 1 GB of memory beyond what is kept". Peak RSS and CPU seconds from
# /usr/bin/time -v of `authlint zone --offline --format jsonl` (output to
# /dev/null) on zones generated into $TMPDIR and deleted afterwards:
#
#   records   SIZE_MB of ordinary records: per domain an A, an MX, an SPF, a
#             DMARC and a DKIM record (a 2048-bit key), 5 records in ~640 bytes
#   small     the records of the first 1/8 of `records` alone
#   padded    those same records, each domain followed by comment lines up to
#             the size of `records`: 8 times the bytes of `small`, the same
#             records; what the run holds beyond `small` is what the reader
#             holds for bytes it read and did not keep
#
#   bench/zone/memory.sh                 # SIZE_MB=1024
#   SIZE_MB=256 bench/zone/memory.sh
#
#   AUTHLINT  the binary (default: a release build in $WORK/build, lib.sh)
#   TMPDIR    where the zones go (default /tmp; SIZE_MB * 2.2 MB free needed)
#
# Run it at nice 19 on a shared machine; the table goes to stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
SIZE_MB=${SIZE_MB:-1024}
case "$SIZE_MB" in '' | *[!0-9]*) echo "$0: SIZE_MB is a number" >&2; exit 2 ;; esac
if [ -n "${AUTHLINT:-}" ]; then
	authlint=$AUTHLINT
else
	bench_build
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/authlint-zone-memory.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# 2048-bit RSA key of the DKIM records (base64 of random bytes: the lint finds
# it not a key, which costs what a key costs to read)
key=$(head -c 294 /dev/urandom | base64 -w0)
bytes=$((SIZE_MB * 1024 * 1024))

# gen FILE BYTES PAD: domains until BYTES of records; PAD bytes of comment after each domain
gen() {
	awk -v limit="$2" -v pad="$3" -v key="$key" 'BEGIN {
		print "$ORIGIN example.\n$TTL 3600"
		print "@ SOA ns.example. hostmaster.example. 1 3600 600 86400 300\n@ NS ns.example.\nns A 192.0.2.53"
		c = ""
		if (pad > 0) {
			line = "; " sprintf("%98s", "") ; gsub(/ /, "x", line)
			for (n = 0; n + 101 <= pad; n += 101) c = c line "\n"
		}
		size = 0
		for (i = 1; size < limit; i++) {
			d = "d" i
			s = d " A 192.0.2." (i % 250 + 1) "\n" \
			    d " MX 10 mx." d "\n" \
			    d " TXT \"v=spf1 ip4:198.51.100." (i % 250) " include:_spf.example -all\"\n" \
			    "_dmarc." d " TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@" d ".example\"\n" \
			    "s1._domainkey." d " TXT ( \"v=DKIM1; k=rsa; p=" substr(key, 1, 200) "\" \"" substr(key, 201) "\" )\n"
			printf "%s%s", s, c
			size += length(s) # records only: padded has the domains of small
		}
	}' > "$1"
}

# run NAME FILE: one row
rows=()
run() {
	local name=$1 file=$2 log=$tmp/$1.time
	local mb records
	mb=$(( $(stat -c %s "$file") / 1024 / 1024 ))
	records=$(grep -cv '^[;$]' "$file")
	/usr/bin/time -v -o "$log" nice -n 19 "$authlint" zone --offline --format jsonl --fail-on never "$file" >/dev/null 2>"$tmp/$name.err" || true
	local rss cpu wall
	rss=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$log")
	cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.1f", u + s }' "$log")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$log")
	rows+=("| $name | $mb | $records | $rss | $cpu | $wall | $(cut -d' ' -f1 /proc/loadavg) |")
	echo "$name: $mb MB, $records records, peak RSS $rss MiB, $cpu CPU s" >&2
	if [ -s "$tmp/$name.err" ]; then
		echo "$name: $(head -c 300 "$tmp/$name.err")" >&2
	fi
}

echo "generating $SIZE_MB MB of zones in $tmp ..." >&2
gen "$tmp/records.zone" "$bytes" 0
run records "$tmp/records.zone"
rm -f "$tmp/records.zone"
gen "$tmp/small.zone" $((bytes / 8)) 0
run small "$tmp/small.zone"
rm -f "$tmp/small.zone"
# the same domains, each followed by 7 times its ~640 bytes of comments
gen "$tmp/padded.zone" $((bytes / 8)) 4480
run padded "$tmp/padded.zone"
rm -f "$tmp/padded.zone"

echo "authlint zone memory: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $("$authlint" --version 2>/dev/null | head -1)"
echo
echo "| zone | MB | records | peak RSS MiB | CPU s | wall | load |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
