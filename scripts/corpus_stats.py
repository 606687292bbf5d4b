#!/usr/bin/env python3
"""Compare a generated corpus's vocabulary with real postings'.

    python3 scripts/corpus_stats.py GENERATED.jsonl [REAL.jsonl]

REAL defaults to ../shared/datasets/ashby/postings.jsonl (shuffled with a
fixed seed, as its order groups postings by company). For each corpus it prints
the distinct words (case-folded runs of letters) in the first 500, 2,000 and
8,000 postings, the words used once in the first 500 and the mean bytes per
posting, so a change to the generator can be checked against real text rather
than by eye.
"""

import json
import random
import re
import sys
from pathlib import Path

WORD = re.compile(r"[a-z][a-z'-]*")
MARKS = (500, 2000, 8000)


def texts(path, shuffle):
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    if shuffle:
        random.Random(1).shuffle(records)
    return [r.get("title", "") + "\n\n" + r.get("description", "") for r in records]


def stats(docs):
    seen, counts500, row, size = set(), {}, {}, 0
    for n, text in enumerate(docs[: MARKS[-1]], 1):
        words = WORD.findall(text.lower())
        seen.update(words)
        size += len(text.encode())
        if n <= 500:
            for w in words:
                counts500[w] = counts500.get(w, 0) + 1
        if n in MARKS:
            row[n] = len(seen)
    if len(docs) >= 500:
        row["once in 500"] = sum(1 for c in counts500.values() if c == 1)
    row["bytes/posting"] = size // max(1, min(len(docs), MARKS[-1]))
    return row


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    real = Path(sys.argv[2] if len(sys.argv) == 3 else
                Path(__file__).resolve().parents[1] / "../shared/datasets/ashby/postings.jsonl")
    rows = [("generated", stats(texts(sys.argv[1], False)))]
    if real.exists():
        rows.append(("real", stats(texts(real, True))))
    else:
        print(f"corpus_stats: {real} not found; showing the generated corpus only", file=sys.stderr)
    # Every column, "-" where a corpus is too small for it.
    keys = list(MARKS) + ["once in 500", "bytes/posting"]
    print("| corpus | " + " | ".join(
        f"words in {k:,}" if isinstance(k, int) else k for k in keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, row in rows:
        print(f"| {name} | " + " | ".join(f"{row[k]:,}" if k in row else "-" for k in keys) + " |")


if __name__ == "__main__":
    main()
