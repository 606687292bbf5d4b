"""Shared fixtures: the repository, the release binary, and `roletag scan` run on records."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CORPORA = ROOT / "corpora"


def roletag_bin() -> Path:
    """The CLI the package is compared with: $ROLETAG_BIN, else target/release/roletag."""
    path = Path(os.environ.get("ROLETAG_BIN") or ROOT / "target" / "release" / "roletag")
    if not path.is_file():
        pytest.fail(f"{path} not found: run `cargo build --release` first (or set ROLETAG_BIN)")
    return path


def scan(*args: str) -> list:
    """`roletag scan ARGS --format jsonl --quiet` as a list of dicts, in order."""
    done = subprocess.run(
        [str(roletag_bin()), "scan", *args, "--format", "jsonl", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return [json.loads(line) for line in done.stdout.splitlines()]


def corpus_files() -> list:
    """Every posting under corpora/, in the order `roletag scan corpora` reports them."""
    return sorted(p for p in CORPORA.rglob("*") if p.is_file() and not p.name.startswith("."))


def posting_text(path: Path) -> str:
    # utf-8-sig: a byte-order mark is not text, for roletag as for Python.
    return path.read_text(encoding="utf-8-sig")


def labeled_records() -> list:
    """corpora/labeled as records: id, a title (the first line) and a description (the rest)."""
    records = []
    for path in sorted((CORPORA / "labeled").rglob("*.txt")):
        first, _, rest = posting_text(path).partition("\n")
        records.append(
            {"id": f"{path.parent.name}/{path.stem}", "title": first.strip(), "description": rest, "source": path.parent.name}
        )
    return records


def write_jsonl(records: list, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return path


def without(record: dict, *keys: str) -> dict:
    return {k: v for k, v in record.items() if k not in keys}


def flat_from_json(record: dict, axes: list, top: int = 5) -> dict:
    """The flat columns a JSON posting object gives (what tag_arrow and tag_frame hold)."""
    if "error" in record:
        return {"label": None, "error": record["error"]}
    flat = {k: record[k] for k in ("label", "score", "confidence", "cio", "cto", "core_evidence", "words", "coverage")}
    for a in axes:
        flat[f"{a}_cio"] = record["axes"][a]["cio"]
        flat[f"{a}_cto"] = record["axes"][a]["cto"]
    flat["top_terms"] = [e["term"] for e in record["evidence"][:top]]
    flat["error"] = None
    return flat
