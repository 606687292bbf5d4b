#!/usr/bin/env python3
"""Fails when a module imports upward or two modules import each other (issue #18).

The library's layers, lowest first, are the folders of src/ (LAYERS below); a layer may
use itself and the layers below it, never one above. Within a layer, the modules that
are its direct children (`engine::matcher`, `input::records`, `cli::run`, ...) may not
import each other in a circle, and the engine's stages keep their pipeline order
(ENGINE_ORDER: a stage uses only earlier ones). The binary's `src/cli/` is checked the
same way for circles. Every `crate::...` and `super::...` path counts, in `use` lines,
in code and in test modules alike; comments do not.

    python3 scripts/check_layers.py              # from anywhere; exit 1 and one line per problem
    python3 scripts/check_layers.py --self-test  # shows that it fails on an upward import and a circle
"""

import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# Lowest first. `lib.rs` sits above them all; `cli/` is the binary (a crate of its own).
LAYERS = ["input", "engine", "report", "scan", "analysis"]
# The engine's stages in pipeline order; a stage may use only the stages before it.
ENGINE_ORDER = ["normalize", "thresholds", "lexicon", "formulas", "matcher", "scope", "score", "label", "tagger"]

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
PATH_RE = re.compile(r"\b(crate|super)((?:::" + IDENT + r")*)(::\{)?")


def module_of(path: Path) -> tuple:
    """`src/engine/matcher.rs` -> ("engine", "matcher"); `src/input/mod.rs` -> ("input",)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    if parts in (["lib"], ["main"]):
        return ()
    return tuple(parts)


def strip_comments(text: str) -> str:
    """Drops `//` comments (doc comments included) and string literals' contents."""
    out = []
    for line in text.splitlines():
        line = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
        i = line.find("//")
        out.append(line if i < 0 else line[:i])
    return "\n".join(out)


def brace_items(text: str, start: int) -> list:
    """The top-level items of the `{...}` group opening at `text[start] == '{'`."""
    depth, item, items = 0, "", []
    for ch in text[start:]:
        if ch == "{":
            depth += 1
            if depth == 1:
                continue
        elif ch == "}":
            depth -= 1
            if depth == 0:
                items.append(item)
                break
        if ch == "," and depth == 1:
            items.append(item)
            item = ""
        else:
            item += ch
    return [re.sub(r"\s+", "", i) for i in items if i.strip()]


def references(mod: tuple, text: str):
    """Every absolute module path (a tuple of segments) that `text` refers to."""
    code = strip_comments(text)
    for m in PATH_RE.finditer(code):
        kind, rest, brace = m.group(1), m.group(2), m.group(3)
        segs = [s for s in rest.split("::") if s]
        if kind == "crate":
            base = segs
        else:
            # `super` is resolved from the module the file defines. Inside an inline
            # `mod tests { use super::* }` that is one level too high, which lands on
            # the layer's own index (mod.rs) and is not counted: use `crate::` paths
            # in inline modules to reach a sibling.
            ups = 1
            while segs and segs[0] == "super":
                ups += 1
                segs = segs[1:]
            base = list(mod[: max(len(mod) - ups, 0)]) + segs
        if brace:
            for item in brace_items(code, m.end() - 1):
                yield tuple(base + [s for s in item.split("::") if s and s != "self"])
        else:
            yield tuple(base)


def root_reexports(lib: str) -> dict:
    """Names re-exported at the crate root (`pub use a::b::{X, Y};`) -> their module path."""
    names = {}
    for m in re.finditer(r"pub use ((?:" + IDENT + r"::)*)(\{[^}]*\}|" + IDENT + r");", lib):
        prefix = tuple(s for s in m.group(1).split("::") if s)
        items = m.group(2).strip("{}").split(",")
        for item in items:
            item = item.strip()
            if item:
                names[item.split("::")[-1].split(" as ")[-1].strip()] = prefix
    return names


def unit_of(path: tuple, modules: set, reexports: dict):
    """The (layer, child) unit a path lands in, or None when it is no module of ours."""
    if not path:
        return None
    if len(path) == 1 and path[0] in reexports:
        path = reexports[path[0]]
    if path[0] not in {m[0] for m in modules if m}:
        return None
    # The longest prefix that is a module of ours; children of a layer are units.
    for n in range(len(path), 0, -1):
        if path[:n] in modules:
            return path[: min(n, 2)]
    return path[:1]


def cycles(edges: dict) -> list:
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def check(files: list, reexports: dict, problems: list, is_lib: bool):
    modules = {module_of(f) for f in files}
    edges = {}
    for f in files:
        mod = module_of(f)
        if not mod:
            continue
        here = mod[: min(len(mod), 2)]
        for ref in references(mod, f.read_text(encoding="utf-8")):
            there = unit_of(ref, modules, reexports)
            if there is None or there == here:
                continue
            rel = Path("src") / f.relative_to(SRC)
            if is_lib and there[0] != here[0]:
                if LAYERS.index(there[0]) > LAYERS.index(here[0]):
                    problems.append(f"{rel}: layer {here[0]} uses {'::'.join(ref)} (layer {there[0]} is above it)")
                continue
            # Same layer: the layer's own mod.rs (its index) is not a stage.
            if len(here) < 2 or len(there) < 2:
                continue
            if here[0] == "engine" and is_lib:
                a, b = here[1], there[1]
                if a in ENGINE_ORDER and b in ENGINE_ORDER and ENGINE_ORDER.index(b) > ENGINE_ORDER.index(a):
                    problems.append(f"{rel}: engine stage {a} uses the later stage {'::'.join(ref)}")
            edges.setdefault(here, set()).add(there)
    for comp in cycles(edges):
        names = " <-> ".join("::".join(c) for c in comp)
        problems.append(f"import circle: {names}")


def problems_in(src: Path) -> list:
    """Every problem of the tree under `src` (a copy of src/ in the self-test)."""
    global SRC
    SRC = src
    lib_files = [p for p in SRC.rglob("*.rs") if p.relative_to(SRC).parts[0] not in ("cli", "main.rs")]
    bin_files = [p for p in SRC.rglob("*.rs") if p.relative_to(SRC).parts[0] in ("cli", "main.rs")]
    layers = {p.relative_to(SRC).parts[0] for p in lib_files if len(p.relative_to(SRC).parts) > 1}
    problems = []
    for extra in sorted(layers - set(LAYERS)):
        problems.append(f"src/{extra}/: a folder that is no layer (add it to LAYERS in {Path(__file__).name})")
    reexports = root_reexports((SRC / "lib.rs").read_text(encoding="utf-8"))
    check(lib_files, reexports, problems, True)
    check(bin_files, {}, problems, False)
    return problems, len(lib_files), len(bin_files)


def self_test() -> int:
    """The check fails on a copy of src/ given an upward import, then a circle."""
    cases = [
        ("engine/score.rs", "use crate::report::Record;", "layer engine uses report::Record"),
        ("engine/matcher.rs", "use crate::engine::scope::ScopeOptions;", "import circle: engine::matcher <-> engine::scope"),
        ("cli/exit.rs", "use crate::cli::run::run;", "import circle:"),
    ]
    for file, line, expected in cases:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "src"
            shutil.copytree(ROOT / "src", copy)
            target = copy / file
            target.write_text(line + "\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
            found = problems_in(copy)[0]
            if not any(expected in p for p in found):
                print(f"check_layers --self-test: `{line}` in {file} was not caught: {found}")
                return 1
    print(f"check_layers --self-test: {len(cases)} planted problems caught")
    return 0


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    problems, libs, bins = problems_in(ROOT / "src")
    for p in problems:
        print(f"check_layers: {p}")
    if not problems:
        print(f"check_layers: {libs} library files on {len(LAYERS)} layers, {bins} binary files: no upward import, no circle")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
