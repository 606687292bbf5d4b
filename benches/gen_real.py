#!/usr/bin/env python3
"""Generates a benchmark corpus of real text from the shared datasets (issue #17).

Real postings (the `description` of `../shared/datasets/*/postings.jsonl`) are
reused and recombined: posting i takes the text of one real posting (each reused in
turn, N / 23,539 times or so) and shuffles its paragraphs (its lines, or, for a
posting whose line breaks were flattened away, its sentences) with a generator
seeded by (seed, i). So the corpus has the vocabulary, the UTF-8, the HTML
entities and the line lengths of real postings, which the synthetic generator
(`examples/gen_postings`, a small vocabulary) does not. Deterministic: the same
datasets, N and seed give the same bytes.

Writes the postings as a folder (DIR/0000/0000000.txt, 1,000 a subfolder, like the
synthetic generator) and as one JSON Lines file (`{"id", "description"}`, raw
UTF-8), the same postings in the same order. The text stays outside the repository
(the corpus goes under target/). Standard library only.

    python3 benches/gen_real.py --count 100000 --seed 42 --dir OUT/postings --jsonl OUT/postings.jsonl
        [--data-dir ../shared/datasets]
"""

import argparse
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "datasets")
SETS = ("ashby", "realworld")
PER_DIR = 1000
# A sentence end in flattened text: end punctuation, then space and a capital.
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def load(data_dir):
    texts = []
    for name in SETS:
        path = os.path.join(data_dir, name, "postings.jsonl")
        if not os.path.exists(path):
            sys.exit(f"gen_real.py: {path} not found (--data-dir)")
        with open(path, encoding="utf-8") as f:
            for line in f:
                text = json.loads(line).get("description") or ""
                if text.strip():
                    texts.append(text)
    return texts


def pieces(text):
    """The parts to shuffle and the separator that joins them again."""
    if "\n" in text:
        return text.split("\n"), "\n"
    return SENTENCE.split(text), " "


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--dir", required=True, help="folder to write the postings into")
    ap.add_argument("--jsonl", required=True, help="JSON Lines file of the same postings")
    ap.add_argument("--data-dir", default=DEFAULT_DATA)
    args = ap.parse_args()
    if args.count < 1:
        sys.exit("gen_real.py: --count must be at least 1")

    texts = load(args.data_dir)
    order = list(range(len(texts)))
    random.Random(args.seed).shuffle(order)
    os.makedirs(args.dir, exist_ok=True)
    with open(args.jsonl, "w", encoding="utf-8", newline="\n") as out:
        for i in range(args.count):
            parts, sep = pieces(texts[order[i % len(order)]])
            random.Random(args.seed * 1_000_003 + i).shuffle(parts)
            text = sep.join(parts)
            sub = os.path.join(args.dir, f"{i // PER_DIR:04d}")
            if i % PER_DIR == 0:
                os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, f"{i:07d}.txt"), "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            out.write(json.dumps({"id": f"real-{i}", "description": text}, ensure_ascii=False))
            out.write("\n")


if __name__ == "__main__":
    main()
