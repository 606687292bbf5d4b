#!/usr/bin/env python3
"""Scale check (not a test): 1M generated postings through Spark local mode vs `roletag scan`.

    cargo build --release --example gen_postings
    python3 benches/spark_scale.py [--count 1000000] [--master local[2]] [--partitions 16] \
        [--work target/spark-scale]

Generates `--count` postings as JSONL with `examples/gen_postings` (seed 42; kept in
`--work` and reused when already there), then runs, one after the other:

1. `roletag scan FILE --format jsonl -o OUT` (the binary, every core), and
2. `examples/spark/roletag_dataframe.py FILE -o OUT.parquet --master M --partitions P`
   (the Python package in `mapInArrow`; needs the wheel and pyspark installed).

For each it prints the wall time and the peak memory of the whole process tree (the sum of
the resident sets of the command and every process it started: for Spark the driver JVM and
its Python workers), sampled from /proc every 0.1 s, and at least the command's own peak
(`wait4`), so Linux only. It checks that both wrote one result per posting. Run it on a
quiet machine; the README says when and where its figures were taken.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=1_000_000)
    p.add_argument("--master", default="local[2]")
    p.add_argument("--partitions", type=int, default=16)
    p.add_argument("--work", default=str(ROOT / "target" / "spark-scale"))
    p.add_argument("--roletag", default=str(ROOT / "target" / "release" / "roletag"))
    p.add_argument("--gen", default=str(ROOT / "target" / "release" / "examples" / "gen_postings"))
    args = p.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    postings = work / f"postings-{args.count}.jsonl"
    if not postings.exists():
        run_checked([args.gen, "--count", str(args.count), "--seed", "42", "--jsonl", str(postings)])

    report = work / "scan.jsonl"
    scan = measure([args.roletag, "scan", str(postings), "--format", "jsonl", "--quiet", "-o", str(report)])
    parquet = work / "spark.parquet"
    spark = measure(
        [
            sys.executable, str(ROOT / "examples" / "spark" / "roletag_dataframe.py"), str(postings),
            "-o", str(parquet), "--overwrite", "--master", args.master, "--partitions", str(args.partitions),
            "--keep", "id",
        ]
    )
    with open(report, "rb") as f:
        scanned = sum(1 for _ in f)
    rows = count_rows(parquet)
    if scanned != args.count or rows != args.count:
        sys.exit(f"expected {args.count:,} results each: scan wrote {scanned:,}, Spark {rows:,}")
    print(f"{args.count:,} postings ({postings}, {postings.stat().st_size / 2**20:,.0f} MiB)")
    show("roletag scan --format jsonl", scan, scanned)
    show(f"Spark {args.master}, {args.partitions} partitions", spark, rows)
    print(f"ratio Spark / scan: {spark[0] / scan[0]:.2f}x time, {spark[1] / max(scan[1], 1):.1f}x peak memory")
    return 0


def count_rows(folder: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet"))


def run_checked(command):
    done = subprocess.run(command)
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} exited with {done.returncode}")


def measure(command):
    """(wall seconds, peak bytes of the process tree) of `command`; exit 0 or 1 accepted."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = 0
    while True:
        # wait4, not poll: its rusage holds the child's own peak (ru_maxrss, KiB on Linux),
        # which a run shorter than the sampling interval would otherwise miss.
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = max(peak, usage.ru_maxrss * 1024)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(map(str, command))} exited with {proc.returncode}")
    return elapsed, peak


def tree_rss(root: int) -> int:
    """The summed resident set of `root` and its descendants, from /proc."""
    children = {}
    rss = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/statm", "rb") as f:
                rss[int(entry)] = int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def show(name, result, rows):
    elapsed, peak = result
    print(f"{name:36} {elapsed:8.1f} s  peak {peak / 2**20:8,.0f} MiB  {rows:,} results")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
