#!/usr/bin/env python3
"""Measure roletag on real postings nobody here wrote (../shared/datasets), per source.

The honest figure, and the default: leave one source out. `roletag calibrate
--leave-group-out` labels every posting of each source (the repository in its
`source` field; `corpora/labeled` is one more source) with term weights and
thresholds fitted on the *other* sources only, starting from the lexicon's hand-set
priors, and writes those held-out labels (`--predictions`). Text is the
`description` only (the title never reaches roletag) and titles are masked.

The script joins the labels back to each posting's `title` and `title_class` (a
hint derived from the title alone) and prints, per source and over all:
- cio-like titles labelled cio-like, cto-like titles labelled cto-like;
- cio/cto cross-labels (a cio-like title labelled cto-like, or the reverse);
- sales, marketing, people and finance titles labelled unclassified;
then the labels of every title family, and the targets with PASS/FAIL. It also
runs the 5-fold cross-validation on our own corpus (titles masked).

`--shipped` tags with the shipped lexicon instead (its weights were fitted on these
postings, so that figure is in-sample). Standard library only. Usage:
    cargo build --release
    python3 scripts/eval_real.py [--roletag target/release/roletag] [--data-dir DIR]
                                 [--lexicon FILE] [--lambda F] [--shipped] [--check]
                                 [--misses N]
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "datasets")
SETS = ["ashby", "realworld"]
LABELS = ["cio-like", "cto-like", "blended", "unclassified", "error"]

# Targets (issue "Right on real postings"), leave-one-source-out.
TARGETS = {
    "cio": 0.75,  # cio-like titles labelled cio-like, at least
    "cto": 0.90,  # cto-like titles labelled cto-like, at least
    "cross": 0.03,  # cio/cto cross-labels, at most
    "smpf": 0.85,  # sales/marketing/people/finance titles unclassified, at least
    "corpus": 0.90,  # our corpus, 5-fold macro-F1 (titles masked), at least
}
# What `--check` (and so CI) requires: every target. (While a target was missed, its
# guard was a floor just under the figure of the day; none is missed now.)
GUARDS = dict(TARGETS)

# Technical words that take a title out of the non-technology families
# ("Sales Engineer" and "Marketing Data Scientist" do technology work).
TECHNICAL = re.compile(
    r"engineer|developer|software|data scien|machine learning|\bml\b|\bai\b|architect|"
    r"devops|sre\b|technical|technology|\bit\b|security|infrastructure|analytics engineer",
    re.I,
)
FAMILIES = [
    ("sales", r"sales|account executive|account manager|business development|\bbdr\b|\bsdr\b|"
              r"partnership|customer success|revenue|deal desk|channel|\bgtm\b|go[- ]to[- ]market"),
    ("marketing", r"marketing|brand|content|communications|\bpr\b|public relations|social media|"
                  r"demand gen|growth|community|events?\b|copywriter|editor"),
    ("people", r"recruit|talent|people|human resources|\bhr\b|\bhrbp\b|payroll|benefits|"
               r"learning and development|workplace"),
    ("finance", r"financ|accountant|accounting|controller|fp&a|\btax\b|treasury|billing|"
                r"audit|procurement|investor relations|bookkeep|payable|receivable"),
    ("design", r"design|ux|ui\b|research"),
    ("operations", r"operations|ops\b|logistics|supply|fulfil|warehouse|driver|courier"),
    ("legal", r"legal|counsel|attorney|paralegal|compliance|privacy"),
    ("support", r"support|customer service|customer experience|help"),
]
TARGET_FAMILIES = {"sales", "marketing", "people", "finance"}


def family(title):
    """The job family of a `none` title: a technical title, or the first family that matches."""
    if TECHNICAL.search(title):
        return "technical"
    for name, pattern in FAMILIES:
        if re.search(pattern, title, re.I):
            return name
    return "other"


def run(cmd, **kw):
    print("$ " + " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=False, **kw)
    if proc.returncode not in (0, 1):
        sys.exit(f"roletag exited {proc.returncode}")
    return proc.stdout.decode()


def base(args):
    cmd = [args.roletag, "--mask-titles"]
    if args.lexicon:
        cmd += ["--lexicon", args.lexicon]
    return cmd


def held_out_labels(args, data):
    """Leave-one-source-out labels, by posting id."""
    with tempfile.TemporaryDirectory() as tmp:
        pred = os.path.join(tmp, "pred.jsonl")
        run(base(args) + ["calibrate", *data, os.path.join(ROOT, "corpora", "labeled"),
                          "--label-field", "title_class", "--text-field", "description",
                          "--leave-group-out", "--lambda", str(args.lam),
                          "--predictions", pred, "--format", "json", "-q"])
        with open(pred, encoding="utf-8") as f:
            return {r["id"]: r for r in map(json.loads, f) if r.get("id")}


def shipped_labels(args, data):
    out = {}
    for path in data:
        text = run(base(args) + ["scan", path, "--format", "jsonl", "--text-field",
                                 "description", "--id-field", "id", "-q"])
        for line in text.splitlines():
            r = json.loads(line)
            out[r.get("id")] = r
    return out


def corpus_cv(args):
    doc = json.loads(run(base(args) + ["calibrate", os.path.join(ROOT, "corpora", "labeled"),
                                       "--format", "json", "-q"]))
    return doc["cross_validated"]["macro_f1"]


def figures(counts):
    """The four figures of a {family: Counter(label)} table."""
    def share(c, label):
        n = sum(c.values())
        return c[label] / n if n else None
    cio, cto = counts["cio-like"], counts["cto-like"]
    smpf = collections.Counter()
    for fam in TARGET_FAMILIES:
        smpf.update(counts[fam])
    sides = sum(cio.values()) + sum(cto.values())
    return {
        "cio": share(cio, "cio-like"),
        "cto": share(cto, "cto-like"),
        "cross": (cio["cto-like"] + cto["cio-like"]) / sides if sides else None,
        "smpf": share(smpf, "unclassified"),
        "n": (sum(cio.values()), sum(cto.values()), sum(smpf.values())),
    }


def pct(x):
    return "     -" if x is None else f"{100 * x:5.1f}%"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--roletag", default=os.path.join(ROOT, "target", "release", "roletag"))
    ap.add_argument("--data-dir", default=DEFAULT_DATA)
    ap.add_argument("--lexicon")
    ap.add_argument("--lambda", dest="lam", type=float, default=30.0,
                    help="calibrate's --lambda (default 30, as the shipped lexicon)")
    ap.add_argument("--shipped", action="store_true",
                    help="tag with the shipped lexicon (in-sample) instead of leaving sources out")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--misses", type=int, default=0,
                    help="print N cio-like and N cto-like titles that were missed")
    args = ap.parse_args()
    data = [os.path.join(args.data_dir, s, "postings.jsonl") for s in SETS]
    for path in data:
        if not os.path.exists(path):
            sys.exit(f"{path}: not found (the datasets live in ../shared/datasets/)")
    if not os.path.exists(args.roletag):
        sys.exit(f"{args.roletag}: not found (run `cargo build --release` first)")
    labels = shipped_labels(args, data) if args.shipped else held_out_labels(args, data)

    by_source = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    everything = collections.defaultdict(collections.Counter)
    misses = collections.defaultdict(list)
    for path in data:
        with open(path, encoding="utf-8") as f:
            for line in f:
                p = json.loads(line)
                label = labels.get(p["id"], {}).get("label", "error")
                cls = p["title_class"]
                fam = cls if cls != "none" else family(p["title"])
                source = p["source"].split("@")[0]
                by_source[source][fam][label] += 1
                everything[fam][label] += 1
                if cls in ("cio-like", "cto-like") and label != cls:
                    misses[cls].append((label, source, p["title"]))

    mode = "shipped lexicon (in-sample)" if args.shipped else "leave one source out"
    print(f"real postings, description only, titles masked: {mode}\n")
    print(f"{'source':<34} {'cio→cio':>8} {'cto→cto':>8} {'cross':>7} {'s/m/p/f→unc':>12}"
          f"   (cio, cto, s/m/p/f titles)")
    for source in sorted(by_source):
        f = figures(by_source[source])
        print(f"{source:<34} {pct(f['cio']):>8} {pct(f['cto']):>8} {pct(f['cross']):>7} "
              f"{pct(f['smpf']):>12}   {f['n']}")
    total = figures(everything)
    print(f"{'all':<34} {pct(total['cio']):>8} {pct(total['cto']):>8} {pct(total['cross']):>7} "
          f"{pct(total['smpf']):>12}   {total['n']}")

    print("\nlabels by title family (the title's hint, then the family of `none` titles)")
    print(f"{'':<14}" + "".join(f"{l:>14}" for l in LABELS) + f"{'total':>8}")
    for fam in sorted(everything):
        c = everything[fam]
        n = sum(c.values()) or 1
        cells = "".join(f"{c[l]:>6} ({100 * c[l] / n:4.1f}%)" for l in LABELS)
        print(f"{fam:<14}{cells}{sum(c.values()):>8}")

    corpus = corpus_cv(args)
    checks = [
        ("cio-like titles labelled cio-like", total["cio"], ">=", TARGETS["cio"]),
        ("cto-like titles labelled cto-like", total["cto"], ">=", TARGETS["cto"]),
        ("cio/cto cross-labels", total["cross"], "<=", TARGETS["cross"]),
        ("sales/marketing/people/finance unclassified", total["smpf"], ">=", TARGETS["smpf"]),
        ("our corpus, 5-fold macro-F1", corpus, ">=", TARGETS["corpus"]),
    ]
    print("\ntargets (and what --check requires)")
    failed = False
    for (name, value, op, goal), key in zip(checks, ["cio", "cto", "cross", "smpf", "corpus"]):
        def meets(bar):
            return value is not None and (value >= bar if op == ">=" else value <= bar)
        guard = GUARDS[key]
        failed |= not meets(guard)
        fmt = (lambda x: f"{x:.2f}") if key == "corpus" else (lambda x: f"{100 * x:.0f}%")
        shown = f"{value:.3f}" if key == "corpus" else pct(value).strip()
        extra = "" if guard == goal else f"; --check: {op} {fmt(guard)} {'ok' if meets(guard) else 'FAIL'}"
        print(f"  {name:<46} {shown:>7}  (target {op} {fmt(goal)}) "
              f"{'PASS' if meets(goal) else 'MISSED'}{extra}")
    for cls in ("cio-like", "cto-like"):
        for label, source, title in misses[cls][: args.misses]:
            print(f"  {cls} -> {label:<12} {source:<32} {title[:60]}")
    if args.check and failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
