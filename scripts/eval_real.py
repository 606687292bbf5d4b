#!/usr/bin/env python3
"""Evaluate roletag on real postings we did not write (../shared/datasets/ashby).

Runs `roletag --mask-titles scan` over the dataset's JSONL (text = `description` only,
so the job title is never seen), joins the labels back to each posting's `title` and
`title_class` (a hint derived from the title alone), and prints:

1. labels by title_class (counts and row shares);
2. for title_class `none`, labels by job family read from the title (sales, marketing,
   people, finance, design, operations, ...);
3. the issue #3 targets: >= 90% of cto-like postings labelled cto-like or blended, and
   >= 80% of sales, marketing, people and finance postings labelled unclassified.

Standard library only. Usage:
    python3 scripts/eval_real.py [--roletag target/release/roletag] [--data PATH]
                                 [--lexicon FILE] [--unmasked] [--check] [--misses N]
                                 [--flag=--no-negation] [--flag=--no-boilerplate]
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_DATA = os.path.join(ROOT, "..", "shared", "datasets", "ashby", "postings.jsonl")
LABELS = ["cio-like", "cto-like", "blended", "unclassified", "error"]

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
    if TECHNICAL.search(title):
        return "technical"
    for name, pattern in FAMILIES:
        if re.search(pattern, title, re.I):
            return name
    return "other"


def run_roletag(args):
    cmd = [args.roletag]
    if args.lexicon:
        cmd += ["--lexicon", args.lexicon]
    if not args.unmasked:
        cmd.append("--mask-titles")
    cmd += args.flag
    cmd += ["scan", args.data, "--format", "jsonl", "--text-field", "description",
            "--id-field", "id", "-q"]
    print("$ " + " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, check=False)
    if proc.returncode not in (0, 1):
        sys.exit(f"roletag exited {proc.returncode}")
    out = {}
    for line in proc.stdout.decode().splitlines():
        r = json.loads(line)
        out[r.get("id")] = r
    return out


def table(title, rows):
    print(f"\n{title}")
    print(f"{'':<14}" + "".join(f"{l:>14}" for l in LABELS) + f"{'total':>8}")
    for name, counts in rows:
        n = sum(counts.values()) or 1
        cells = "".join(f"{counts.get(l, 0):>6} ({100 * counts.get(l, 0) / n:4.1f}%)" for l in LABELS)
        print(f"{name:<14}{cells}{sum(counts.values()):>8}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--roletag", default=os.path.join(ROOT, "target", "release", "roletag"))
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--lexicon")
    ap.add_argument("--unmasked", action="store_true", help="do not mask titles")
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--flag", action="append", default=[],
                    help="extra roletag flag, e.g. --flag=--no-boilerplate (repeatable)")
    ap.add_argument("--misses", type=int, default=0,
                    help="print N target-family postings that were labelled, with evidence")
    args = ap.parse_args()
    if not os.path.exists(args.data):
        sys.exit(f"{args.data}: not found (the dataset lives in ../shared/datasets/)")
    results = run_roletag(args)

    by_class = collections.defaultdict(collections.Counter)
    by_family = collections.defaultdict(collections.Counter)
    misses = []
    with open(args.data, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            r = results.get(p["id"], {})
            label = r.get("label", "error")
            by_class[p["title_class"]][label] += 1
            if p["title_class"] == "none":
                fam = family(p["title"])
                by_family[fam][label] += 1
                if fam in TARGET_FAMILIES and label != "unclassified":
                    misses.append((p["title"], label, r))

    table("labels by title_class (rows: the title's hint; titles masked: "
          f"{not args.unmasked})", sorted(by_class.items()))
    table("title_class none, by job family from the title", sorted(by_family.items()))

    cto = by_class["cto-like"]
    cto_ok = (cto["cto-like"] + cto["blended"]) / max(1, sum(cto.values()))
    target = collections.Counter()
    for fam in TARGET_FAMILIES:
        target.update(by_family[fam])
    non_ok = target["unclassified"] / max(1, sum(target.values()))
    print("\ntargets")
    print(f"  cto-like postings labelled cto-like or blended: {100 * cto_ok:.1f}% "
          f"(target >= 90%) {'PASS' if cto_ok >= 0.9 else 'FAIL'}")
    print(f"  sales/marketing/people/finance labelled unclassified: {100 * non_ok:.1f}% "
          f"of {sum(target.values())} (target >= 80%) {'PASS' if non_ok >= 0.8 else 'FAIL'}")
    for title, label, r in misses[: args.misses]:
        ev = ", ".join(f"{e['term']}({e['contribution']:+.2f})" for e in r.get("evidence", [])[:8])
        print(f"  {label:<10} {title[:60]:<60} {ev}")
    if args.check and (cto_ok < 0.9 or non_ok < 0.8):
        sys.exit(1)


if __name__ == "__main__":
    main()
