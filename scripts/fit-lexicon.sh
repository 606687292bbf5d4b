#!/usr/bin/env bash
# Refits lexicon/default.toml: every term's weight and the thresholds, on the shared
# datasets' real postings (description only, titles masked) and corpora/labeled.
# The fit starts from each term's `prior` (the hand-set weight), so running it twice
# gives the same file. Edit a term's `prior`, not its `weight`, then run this.
#   scripts/fit-lexicon.sh [extra calibrate flags]     (ROLETAG_DATA: the datasets' folder)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${ROLETAG_DATA:-../shared/datasets}"
for set in ashby realworld; do
  [ -f "$data/$set/postings.jsonl" ] || { echo "$data/$set/postings.jsonl: not found (set ROLETAG_DATA)" >&2; exit 2; }
done
cargo build --release --locked --quiet
target/release/roletag --lexicon lexicon/default.toml --mask-titles calibrate \
  "$data/ashby/postings.jsonl" "$data/realworld/postings.jsonl" corpora/labeled \
  --label-field title_class --text-field description --leave-group-out \
  -o lexicon/default.toml "$@"
