#!/usr/bin/env python3
"""The plain Python baseline of benches/compare.sh (issue #6): standard library only.

    python3 benches/baseline.py TERMS PATH...

Reads the terms (one a line, as `roletag lexicon terms` prints them), compiles
one case-insensitive regular expression alternation of them, escaped and
longest first, and counts the matches in every file under PATH (folders are
walked in sorted order), one process, one thread. Prints `path:count` for each
file with a match, like `rg --count-matches`. This is the "what would a
script do" reference point, not a rival implementation: no word boundaries,
no scoring.
"""

import os
import re
import sys


def load_pattern(terms_path):
    with open(terms_path, encoding="utf-8") as f:
        terms = sorted({t.strip() for t in f if t.strip()}, key=lambda t: (-len(t), t))
    if not terms:
        sys.exit(f"baseline.py: no terms in {terms_path}")
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def files(path):
    if not os.path.isdir(path):
        yield path
        return
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            yield os.path.join(root, name)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    pattern = load_pattern(argv[1])
    out = sys.stdout
    for root in argv[2:]:
        for path in files(root):
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError as e:
                print(f"baseline.py: {path}: {e}", file=sys.stderr)
                continue
            n = len(pattern.findall(text))
            if n:
                out.write(f"{path}:{n}\n")


if __name__ == "__main__":
    main(sys.argv)
