#!/usr/bin/env bash
# Checks that an optimisation left the report byte-identical (issue #6).
#
#   cp target/release/roletag /tmp/roletag-before     # before the change
#   ... change, cargo build --release ...
#   scripts/same_report.sh /tmp/roletag-before        # compares with target/release/roletag
#
# Runs both binaries with `scan --format jsonl` over corpora/ and over N (default 2000)
# generated postings, as a folder and as one JSONL file, with -j 1 and -j 2 and with
# the scope and masking options, and diffs every pair of outputs. Exit 0 when all match.
set -euo pipefail
cd "$(dirname "$0")/.."

OLD=${1:?usage: scripts/same_report.sh OLD_BINARY [NEW_BINARY]}
NEW=${2:-target/release/roletag}
N=${N:-2000}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cargo build --release --quiet --example gen_postings
target/release/examples/gen_postings --count "$N" --seed 7 --dir "$TMP/postings" --jsonl "$TMP/postings.jsonl"

status=0
run=0
for input in corpora "$TMP/postings" "$TMP/postings.jsonl"; do
    for flags in "" "--mask-titles" "--no-negation" "--no-boilerplate"; do
        for threads in 1 2; do
            run=$((run + 1))
            # $flags is deliberately split: it holds zero or one option.
            # shellcheck disable=SC2086
            "$OLD" $flags scan "$input" --format jsonl -q -j "$threads" >"$TMP/old.jsonl" || true
            # shellcheck disable=SC2086
            "$NEW" $flags scan "$input" --format jsonl -q -j "$threads" >"$TMP/new.jsonl" || true
            if ! cmp -s "$TMP/old.jsonl" "$TMP/new.jsonl"; then
                echo "DIFFERENT: scan $input $flags -j $threads" >&2
                diff "$TMP/old.jsonl" "$TMP/new.jsonl" | head -5 | cut -c1-300 >&2
                status=1
            elif [[ ! -s $TMP/new.jsonl ]]; then
                echo "EMPTY: scan $input $flags -j $threads" >&2
                status=1
            fi
        done
    done
done
lines=$(wc -l <"$TMP/new.jsonl")
if ((status == 0)); then
    echo "same_report.sh: $run runs identical (last one $lines records)"
fi
exit "$status"
