#!/usr/bin/env python3
"""Turns the outputs of benches/compare.sh into markdown tables (standard library only).

    python3 benches/compare_report.py RESULTS_DIR

Reads folder.json, python.json, jsonl.json, threads.json and tag.json (hyperfine
exports), corpus.txt and memory.txt, and prints the side-by-side table with MB/s
per core, and the targets (issues #6 and #17) with the measured ratios.
"""

import json
import os
import sys


def load(out, name):
    with open(os.path.join(out, name), encoding="utf-8") as f:
        return {r["command"]: r for r in json.load(f)["results"]}


def keyvals(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)


def timing(r):
    sd = r.get("stddev")
    return f"{r['mean']:.3f} s ± {sd:.3f}" if sd is not None else f"{r['mean']:.3f} s"


def versus(t, base):
    ratio = t / base
    if abs(ratio - 1) < 0.005:
        return "1.00"
    return f"{ratio:.2f}x slower" if ratio > 1 else f"{1 / ratio:.2f}x faster"


# Issue #17's targets, by corpus kind: roletag's time over ripgrep's, at most.
TARGETS_17 = {
    "real": {"jsonl": 0.35, "folder": 0.7},
    "synthetic": {"jsonl": 0.7, "folder": 1.5},
}


def per_core(nbytes, r, threads):
    """Throughput in MB/s per core (threads busy the whole run)."""
    return nbytes / 1e6 / r["mean"] / threads


def verdict(ok):
    return "PASS" if ok else "FAIL"


def main(out):
    corpus = keyvals(out, "corpus.txt")
    memory = keyvals(out, "memory.txt")
    folder = load(out, "folder.json")
    python = load(out, "python.json")
    jsonl = load(out, "jsonl.json")
    threads = load(out, "threads.json")
    tag = load(out, "tag.json")

    n, t = int(corpus["postings"]), corpus["threads"]
    folder_bytes = int(corpus["folder_bytes"])
    py_postings, py_bytes = int(corpus["python_postings"]), int(corpus["python_bytes"])
    rt = folder["roletag scan DIR --format jsonl"]
    rg_c = folder["rg -c -i -F -f terms DIR"]
    rg_cm = folder["rg --count-matches -i -F -f terms DIR"]
    py = python["python3 benches/baseline.py terms DIR"]
    rt_j = jsonl["roletag scan FILE.jsonl --format jsonl"]
    rg_j = jsonl["rg --count-matches -i -F -f terms FILE.jsonl"]
    # The baseline may read only part of the corpus: compare throughput, scaled to the folder.
    py_full = py["mean"] * folder_bytes / py_bytes

    kind = corpus.get("kind", "synthetic")
    jsonl_bytes = int(corpus["jsonl_bytes"])
    threads_n = int(t)
    described = {"real": "real-text postings (the shared datasets, reused with paragraphs shuffled)",
                 "synthetic": "synthetic postings (a small vocabulary)"}[kind]
    print(f"{n:,} {described}: folder {folder_bytes / 1e6:.0f} MB, JSONL {jsonl_bytes / 1e6:.0f} MB; "
          f"{t} threads, {corpus['terms']} terms, {corpus['runs']} runs, page cache warm.")
    print()
    print(f"| command ({t} threads) | mean time | MB/s per core | vs roletag |")
    print("|---|---|---|---|")
    fb, jb = folder_bytes, jsonl_bytes
    print(f"| `roletag scan DIR --format jsonl` | {timing(rt)} | {per_core(fb, rt, threads_n):.0f} | 1.00 |")
    print(f"| `rg -c -i -F -f terms DIR` (first match per line) | {timing(rg_c)} | {per_core(fb, rg_c, threads_n):.0f} | {versus(rg_c['mean'], rt['mean'])} |")
    print(f"| `rg --count-matches -i -F -f terms DIR` (every match) | {timing(rg_cm)} | {per_core(fb, rg_cm, threads_n):.0f} | {versus(rg_cm['mean'], rt['mean'])} |")
    py_note = "" if py_postings >= n else f" (measured {timing(py)} on {py_postings:,} postings, scaled)"
    print(f"| `python3 benches/baseline.py terms DIR` (one `re`, one process) | {py_full:.1f} s{py_note} | {fb / 1e6 / py_full:.1f} | {versus(py_full, rt['mean'])} |")
    print(f"| `roletag scan FILE.jsonl --format jsonl` | {timing(rt_j)} | {per_core(jb, rt_j, threads_n):.0f} | {versus(rt_j['mean'], rt['mean'])} |")
    print(f"| `rg --count-matches -i -F -f terms FILE.jsonl` | {timing(rg_j)} | {per_core(jb, rg_j, threads_n):.0f} | {versus(rg_j['mean'], rt_j['mean'])} vs roletag on the file |")
    print()

    rows = [
        ("folder: roletag / `rg -c`", rt["mean"] / rg_c["mean"], "<= 1.0x", rt["mean"] <= rg_c["mean"]),
        ("folder: roletag / `rg --count-matches`", rt["mean"] / rg_cm["mean"], "<= 1.0x", rt["mean"] <= rg_cm["mean"]),
        ("JSONL file: roletag / roletag on the folder", rt_j["mean"] / rt["mean"], "<= 1.0x", rt_j["mean"] <= rt["mean"]),
        ("JSONL file: roletag / `rg --count-matches`", rt_j["mean"] / rg_j["mean"], "<= 0.5x", rt_j["mean"] <= 0.5 * rg_j["mean"]),
        ("Python baseline / roletag (throughput)", py_full / rt["mean"], ">= 50x", py_full >= 50 * rt["mean"]),
    ]
    goals = TARGETS_17[kind]
    rows.append((f"issue #17, {kind} text: JSONL, roletag / `rg --count-matches`", rt_j["mean"] / rg_j["mean"],
                 f"<= {goals['jsonl']}x", rt_j["mean"] <= goals["jsonl"] * rg_j["mean"]))
    rows.append((f"issue #17, {kind} text: folder, roletag / `rg -c`", rt["mean"] / rg_c["mean"],
                 f"<= {goals['folder']}x", rt["mean"] <= goals["folder"] * rg_c["mean"]))
    for kind in ("folder", "jsonl"):
        two = threads[f"{kind} -j 2"]["mean"]
        core = threads.get(f"{kind} -j 1, one core")
        if core:
            one = core["mean"]
            rows.append((f"{kind}: `-j 2` on 2 cores / `-j 1` pinned to 1 core", one / two, ">= 1.8x", one / two >= 1.8))
        one = threads[f"{kind} -j 1"]["mean"]
        rows.append((f"{kind}: `-j 2` / `-j 1`, unpinned", one / two, ">= 1.8x", one / two >= 1.8))
    tag_ms = tag["roletag tag FILE"]["mean"] * 1e3
    print("| target | measured | goal | |")
    print("|---|---|---|---|")
    for name, value, goal, ok in rows:
        print(f"| {name} | {value:.2f}x | {goal} | {verdict(ok)} |")
    print(f"| `roletag tag FILE`, process start included | {tag_ms:.1f} ms | < 10 ms | {verdict(tag_ms < 10)} |")
    for key, kib in sorted(memory.items(), key=lambda kv: (kv[0].split("_")[0], int(kv[0].split("_")[1]))):
        kind, count = key.split("_")
        mib = int(kib) / 1024
        print(f"| peak RSS, {kind}, {int(count):,} postings | {mib:.1f} MiB | < 64 MiB | {verdict(mib < 64)} |")
    for kind in ("folder", "jsonl"):
        small, big = memory.get(f"{kind}_{n}"), memory.get(f"{kind}_1000000")
        if small and big and n != 1000000:
            growth = int(big) / int(small)
            print(f"| peak RSS growth, {kind}, 1M / {n:,} postings | {growth:.2f}x | flat (~1x) | {verdict(growth < 1.25)} |")
    if not any(k.endswith("_1000000") for k in memory):
        print()
        print("Peak RSS at 1M postings: run with `MEM_1M=1`.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    main(sys.argv[1])
