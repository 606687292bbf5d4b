#!/usr/bin/env bash
# Side-by-side benchmark of roletag against ripgrep and a plain Python baseline
# (issues #6 and #17), on two corpora of N postings each:
#   real       real text: the shared datasets' postings reused, paragraphs shuffled
#              (benches/gen_real.py; needs ../shared/datasets, or DATA=DIR)
#   synthetic  a small vocabulary (examples/gen_postings), which flatters ripgrep's DFA
#
#   benches/compare.sh                    # both corpora, 100,000 postings, 5 runs, one thread per core
#   CORPUS=real benches/compare.sh        # one corpus (real or synthetic)
#   N=2000 RUNS=2 benches/compare.sh      # a quick smoke run
#   MEM_1M=1 benches/compare.sh           # also peak memory on 1,000,000 postings (~8 GB of disk a corpus)
#
# Builds the release binary and the generator (examples/gen_postings), generates N
# postings as a folder and as one JSONL file (kept under $WORK and reused while N,
# SEED and the generator are unchanged), warms the page cache, then times with
# hyperfine, every tool on the same terms (`roletag lexicon terms`) and threads:
#   1. roletag scan DIR --format jsonl
#   2. rg -c -i -F -f terms DIR                 (stops at the first match per line)
#   3. rg --count-matches -i -F -f terms DIR    (counts every occurrence)
#   4. benches/baseline.py terms DIR            (one Python `re` alternation, one process)
#   5. roletag scan FILE.jsonl and rg --count-matches on FILE.jsonl (the same postings)
# plus peak RSS (N postings, and 1M with MEM_1M=1), 1 vs 2 threads, and the latency of
# `roletag tag FILE`. Prints, per corpus, a markdown table with the ratios and MB/s per
# core, the corpus's vocabulary next to real postings' (scripts/corpus_stats.py), and
# where every output is. Installs nothing. Take numbers for the README only from a
# quiet machine.
#
# Environment: CORPUS (both, real or synthetic), N (100000), SEED (42), RUNS (5),
# T (threads, default nproc), WORK (target/bench-compare), DATA (../shared/datasets),
# PY_N (postings the Python baseline reads, default 2000: it is hundreds of times
# slower, so its ratio compares throughput), PY_RUNS (2), MEM_1M (0).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100000}
SEED=${SEED:-42}
RUNS=${RUNS:-5}
T=${T:-$(nproc)}
WORK=${WORK:-target/bench-compare}
PY_N=${PY_N:-2000}
PY_RUNS=${PY_RUNS:-2}
MEM_1M=${MEM_1M:-0}
CORPUS=${CORPUS:-both}
DATA=${DATA:-../shared/datasets}
PER_DIR=1000 # the generators' postings per subfolder
case $CORPUS in
both) KINDS=(real synthetic) ;;
real | synthetic) KINDS=("$CORPUS") ;;
*)
    echo "compare.sh: CORPUS must be both, real or synthetic, not $CORPUS" >&2
    exit 2
    ;;
esac
if [[ " ${KINDS[*]} " == *" real "* ]] && [[ ! -f $DATA/ashby/postings.jsonl || ! -f $DATA/realworld/postings.jsonl ]]; then
    echo "compare.sh: the real corpus needs $DATA/{ashby,realworld}/postings.jsonl (DATA=DIR, or CORPUS=synthetic)" >&2
    exit 2
fi

missing=()
for tool in cargo rg hyperfine python3; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "compare.sh: missing ${missing[*]}; install them first, e.g." >&2
    echo "  apt-get install ripgrep hyperfine python3   (cargo: https://rustup.rs)" >&2
    exit 2
fi

echo "== building roletag and the generator (release)" >&2
cargo build --release --quiet --bin roletag --example gen_postings
ROLETAG=$PWD/target/release/roletag
GEN=$PWD/target/release/examples/gen_postings
BASELINE=$PWD/benches/baseline.py
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
TOP=$WORK/results-$(date +%Y%m%d-%H%M%S)
mkdir -p "$TOP"
# A corpus is reused only if its generator's source (and, for real text, the
# datasets' sizes) are unchanged.
GEN_ID=$(cat examples/gen_postings/*.rs | sha256sum | cut -c1-12)
REAL_ID=$({ cat benches/gen_real.py; stat -c %s "$DATA"/*/postings.jsonl 2>/dev/null; } | sha256sum | cut -c1-12)

# Prints the corpus folder of kind $1 (real or synthetic) for $2 postings, generating
# it first if needed.
corpus() {
    local id=$GEN_ID prefix=corpus
    if [[ $1 == real ]]; then id=$REAL_ID prefix=real; fi
    local dir=$WORK/$prefix-n$2-s$SEED-$id
    if [[ ! -f $dir/complete ]]; then
        echo "== generating $2 $1 postings into $dir" >&2
        rm -rf "$dir"
        mkdir -p "$dir"
        if [[ $1 == real ]]; then
            python3 benches/gen_real.py --count "$2" --seed "$SEED" --data-dir "$DATA" \
                --dir "$dir/postings" --jsonl "$dir/postings.jsonl"
        else
            "$GEN" --count "$2" --seed "$SEED" --dir "$dir/postings" --jsonl "$dir/postings.jsonl"
        fi
        touch "$dir/complete"
    fi
    echo "$dir"
}

# Reads every file of folder $1 and file $2 once, so timings start from a warm page cache.
warm() {
    find "$1" -type f -exec cat {} + >/dev/null
    cat "$2" >/dev/null
}

# Peak resident set size in KiB of the command "$@" (its output discarded).
peak_rss_kib() {
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }'
    else
        # Without GNU time: the kernel's own high-water mark, from wait4().
        python3 -c 'import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(os.wait4(p.pid, 0)[2].ru_maxrss)' "$@"
    fi
}

hf() { hyperfine --style basic --warmup 1 "$@"; }

# Runs every measurement on the corpus of kind $1 into $TOP/$1.
bench() {
    KIND=$1
    OUT=$TOP/$KIND
    mkdir -p "$OUT"
    CORPUS_DIR=$(corpus "$KIND" "$N")
    DIR=$CORPUS_DIR/postings
    JSONL=$CORPUS_DIR/postings.jsonl
    TERMS=$OUT/terms.txt
    "$ROLETAG" lexicon terms >"$TERMS"
    warm "$DIR" "$JSONL"

    # The Python baseline reads the first PY_N postings (whole subfolders), or all of them.
    py_dirs=()
    for ((i = 0; i * PER_DIR < N && i * PER_DIR < PY_N; i++)); do
        py_dirs+=("$(printf '%s/%04d' "$DIR" "$i")")
    done
    dir_bytes() { find "$@" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

    # What each tool saw: a broken corpus or a silent rg skip would make the timings meaningless.
    seen_roletag=$("$ROLETAG" scan "$DIR" --format jsonl -q -j "$T" | wc -l)
    seen_rg=$({ rg -c -i -F -j "$T" -f "$TERMS" "$DIR" || true; } | wc -l)
    if ((seen_roletag != N)); then
        echo "compare.sh: roletag reported $seen_roletag records for $N postings in $DIR" >&2
        exit 1
    fi
    cat >"$OUT/corpus.txt" <<EOF
kind=$KIND
postings=$N
seed=$SEED
generator=$(if [[ $KIND == real ]]; then echo "benches/gen_real.py $REAL_ID"; else echo "examples/gen_postings $GEN_ID"; fi)
folder=$DIR
jsonl=$JSONL
folder_bytes=$(dir_bytes "$DIR")
jsonl_bytes=$(stat -c %s "$JSONL")
python_postings=$((${#py_dirs[@]} * PER_DIR < N ? ${#py_dirs[@]} * PER_DIR : N))
python_bytes=$(dir_bytes "${py_dirs[@]}")
terms=$(wc -l <"$TERMS")
threads=$T
runs=$RUNS
roletag_records=$seen_roletag
rg_files_with_a_match=$seen_rg
EOF

    echo "== $KIND 1-3: folder of $N postings, $T threads" >&2
    hf --runs "$RUNS" --export-json "$OUT/folder.json" \
        -n "roletag scan DIR --format jsonl" "$ROLETAG scan $DIR --format jsonl -j $T > /dev/null" \
        -n "rg -c -i -F -f terms DIR" "rg -c -i -F -j $T -f $TERMS $DIR > /dev/null" \
        -n "rg --count-matches -i -F -f terms DIR" "rg --count-matches -i -F -j $T -f $TERMS $DIR > /dev/null"

    echo "== 4: Python baseline on ${#py_dirs[@]} subfolder(s)" >&2
    hyperfine --style basic --warmup 0 --runs "$PY_RUNS" --export-json "$OUT/python.json" \
        -n "python3 benches/baseline.py terms DIR" "python3 $BASELINE $TERMS ${py_dirs[*]} > /dev/null"

    echo "== 5: the same postings as one JSONL file" >&2
    hf --runs "$RUNS" --export-json "$OUT/jsonl.json" \
        -n "roletag scan FILE.jsonl --format jsonl" "$ROLETAG scan $JSONL --format jsonl -j $T > /dev/null" \
        -n "rg --count-matches -i -F -f terms FILE.jsonl" "rg --count-matches -i -F -j $T -f $TERMS $JSONL > /dev/null"

    echo "== scaling: 1 vs 2 threads" >&2
    # `-j 1` runs the whole scan on one thread; pinned to one core (taskset) as well, to
    # show that nothing else of the process runs on the other.
    pinned=()
    if command -v taskset >/dev/null; then
        pinned=(-n "folder -j 1, one core" "taskset -c 0 $ROLETAG scan $DIR --format jsonl -j 1 > /dev/null"
            -n "jsonl -j 1, one core" "taskset -c 0 $ROLETAG scan $JSONL --format jsonl -j 1 > /dev/null")
    fi
    hf --runs "$RUNS" --export-json "$OUT/threads.json" \
        -n "folder -j 1" "$ROLETAG scan $DIR --format jsonl -j 1 > /dev/null" \
        -n "folder -j 2" "$ROLETAG scan $DIR --format jsonl -j 2 > /dev/null" \
        -n "jsonl -j 1" "$ROLETAG scan $JSONL --format jsonl -j 1 > /dev/null" \
        -n "jsonl -j 2" "$ROLETAG scan $JSONL --format jsonl -j 2 > /dev/null" \
        "${pinned[@]}"

    echo "== latency: roletag tag FILE (no shell)" >&2
    ONE=$(printf '%s/0000/0000000.txt' "$DIR")
    hyperfine --style basic -N --warmup 5 --runs 100 --export-json "$OUT/tag.json" \
        -n "roletag tag FILE" "$ROLETAG tag $ONE"

    echo "== peak memory" >&2
    {
        echo "folder_${N}=$(peak_rss_kib "$ROLETAG" scan "$DIR" --format jsonl -q -j "$T")"
        echo "jsonl_${N}=$(peak_rss_kib "$ROLETAG" scan "$JSONL" --format jsonl -q -j "$T")"
        if [[ $MEM_1M == 1 ]]; then
            big=$(corpus "$KIND" 1000000)
            echo "folder_1000000=$(peak_rss_kib "$ROLETAG" scan "$big/postings" --format jsonl -q -j "$T")"
            echo "jsonl_1000000=$(peak_rss_kib "$ROLETAG" scan "$big/postings.jsonl" --format jsonl -q -j "$T")"
        fi
    } >"$OUT/memory.txt"
}

for kind in "${KINDS[@]}"; do
    bench "$kind"
done

{
    echo "Machine: $(uname -srm), $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)),"
    echo "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM; roletag $(git describe --always --dirty 2>/dev/null || echo '?'),"
    echo "$(rg --version | head -1), $(hyperfine --version), $(python3 --version)."
    for kind in "${KINDS[@]}"; do
        echo
        echo "### $kind"
        echo
        python3 benches/compare_report.py "$TOP/$kind"
        echo
        echo "Vocabulary of the $kind postings against real ones (scripts/corpus_stats.py):"
        echo
        python3 scripts/corpus_stats.py "$(grep '^jsonl=' "$TOP/$kind/corpus.txt" | cut -d= -f2-)"
    done
} >"$TOP/summary.md"
cat "$TOP/summary.md"
echo >&2
echo "compare.sh: outputs in $TOP (summary.md; per corpus: hyperfine JSON, memory.txt, corpus.txt)" >&2
