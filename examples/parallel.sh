#!/bin/sh
# authlint check split into shards run by GNU parallel: one process per shard,
# each writing shard-K.jsonl; run it again after an interruption and --resume
# continues each shard where it stopped.
#
#   examples/parallel.sh DOMAINS_FILE [SHARDS]
#
# {%} is GNU parallel's job slot, 1 to -j; with as many jobs as slots every
# job gets its own, and --shard-index counts from 1 as {%} does. On several
# machines add -S host1,host2 (authlint and the files on each, or --transfer).
# GNU parallel's exit status counts the jobs that exited non-zero: authlint
# exits 1 when it finds something, 2 when a lookup failed.
set -eu
domains=${1:?usage: parallel.sh DOMAINS_FILE [SHARDS]}
shards=${2:-4}

seq "$shards" | parallel -j "$shards" \
  "authlint check --domains-file '$domains' --shard-count $shards --shard-index {%} --format jsonl --no-progress --resume shard-{%}.jsonl >> shard-{%}.jsonl" || true

# every domain once: the whole domain lines of all shards (a line cut short by
# a crash is not JSON and is dropped; its domain was checked again on resume)
cat shard-*.jsonl | jq -cR 'fromjson? | select(.type == "domain")' > all-domains.jsonl
wc -l all-domains.jsonl
