"""The package and the CLI give the same results, number for number (issue 15)."""

import pyarrow as pa
import pytest

import roletag
import roletag.pandas
from conftest import (
    CORPORA,
    ROOT,
    corpus_files,
    flat_from_json,
    labeled_records,
    posting_text,
    scan,
    without,
    write_jsonl,
)


def test_tag_many_equals_scan_on_every_corpus_posting():
    files = corpus_files()
    assert len(files) >= 284
    cli = {r["path"]: r for r in scan("corpora")}
    assert len(cli) == len(files)
    got = roletag.Tagger().tag_many([posting_text(p) for p in files])
    for path, mine in zip(files, got):
        want = cli[str(path.relative_to(ROOT))]
        assert "label" in want, want
        # Every field of the JSON report but the file's path, with equal numbers.
        assert mine == without(want, "path"), path


def test_tag_equals_tag_many():
    files = corpus_files()[:20]
    tagger = roletag.Tagger()
    many = tagger.tag_many([posting_text(p) for p in files], threads=2)
    assert [tagger.tag(posting_text(p)) for p in files] == many


@pytest.mark.parametrize(
    "options, flags",
    [
        (dict(mask_titles=True), ["--mask-titles"]),
        (dict(negation=False, boilerplate=False), ["--no-negation", "--no-boilerplate"]),
        (
            dict(blend_margin=0.1, min_evidence=2.0, length_exponent=0.0, min_terms=1),
            ["--blend-margin", "0.1", "--min-evidence", "2", "--length-exponent", "0", "--min-terms", "1"],
        ),
        (dict(blend_floor=2.0), ["--blend-floor", "2"]),
    ],
)
def test_options_equal_the_cli_flags(options, flags):
    files = sorted((CORPORA / "sample").glob("*.txt"))
    cli = {r["path"]: without(r, "path") for r in scan(*flags, "corpora/sample")}
    got = roletag.Tagger(**options).tag_many([posting_text(p) for p in files])
    assert got == [cli[str(p.relative_to(ROOT))] for p in files]
    # The options change something, or the comparison would prove nothing about them.
    assert got != roletag.Tagger().tag_many([posting_text(p) for p in files])


def test_lexicon_path_and_text_equal_the_cli_lexicon(tmp_path):
    text = (ROOT / "lexicon" / "default.toml").read_text(encoding="utf-8")
    # A different lexicon: service desk weighs far more.
    edited = text.replace('term = "service desk", weight = 2.499,', 'term = "service desk", weight = 12.0,')
    assert edited != text
    path = tmp_path / "edited.toml"
    path.write_text(edited, encoding="utf-8")
    files = sorted((CORPORA / "labeled" / "blended").glob("*.txt"))
    cli = {r["path"]: without(r, "path") for r in scan("--lexicon", str(path), "corpora/labeled/blended")}
    want = [cli[str(p.relative_to(ROOT))] for p in files]
    texts = [posting_text(p) for p in files]
    assert roletag.Tagger(path).tag_many(texts) == want
    assert roletag.Tagger(str(path)).tag_many(texts) == want
    assert roletag.Tagger(edited).tag_many(texts) == want
    assert roletag.Tagger(path).lexicon_info["source"] == str(path)


def records_scan(tmp_path):
    records = labeled_records()
    records.append({"id": "no-text", "title": "   ", "source": "none"})
    records.append({"id": "title-only", "title": "Chief Information Officer, ERP and service desk", "source": "none"})
    path = write_jsonl(records, tmp_path / "postings.jsonl")
    cli = scan(str(path))
    assert len(cli) == len(records)
    return records, cli


def test_tag_arrow_equals_scan_of_the_same_records(tmp_path):
    records, cli = records_scan(tmp_path)
    tagger = roletag.Tagger()
    table = pa.Table.from_pylist(records)
    out = tagger.tag_arrow(table.to_batches()[0], ["title", "description"], keep=["id"])
    assert out.num_rows == len(records)
    rows = out.to_pylist()
    for row, want in zip(rows, cli):
        assert row["id"] == want["id"]
        expected = flat_from_json(want, tagger.axes)
        if want.get("error"):
            # The CLI names the fields and the line; the package names the columns.
            assert row["error"] == "no text in any of the columns title, description"
            assert all(v is None for k, v in row.items() if k not in ("id", "error"))
        else:
            assert {k: row[k] for k in expected} == expected
    # A Table comes back a Table, with the same rows.
    assert tagger.tag_arrow(table, keep=["id"]).to_pylist() == rows


def test_tag_frame_equals_scan_of_the_same_records(tmp_path):
    import pandas as pd

    records, cli = records_scan(tmp_path)
    tagger = roletag.Tagger()
    df = pd.DataFrame(records)
    out = roletag.pandas.tag_frame(df, ["title", "description"], tagger=tagger)
    assert list(out.columns[:4]) == ["id", "title", "description", "source"]
    assert list(out.index) == list(df.index)
    for row, want in zip(out.to_dict("records"), cli):
        assert row["id"] == want["id"]
        if "error" in want:
            assert row["label"] is None and pd.isna(row["score"]) and pd.isna(row["words"])
            continue
        for key, value in flat_from_json(want, tagger.axes).items():
            assert row[key] == value or (value is None and row[key] is None), (want["id"], key)


def test_markup_in_text_is_read_as_the_cli_reads_it(tmp_path):
    """A description exported with its HTML tags (or escaped tags) gets the same
    result from the package as from `roletag scan`, and the same as its plain text."""
    plain = (
        "IT Manager\nRun the ERP and the service desk; own the IT budget.\n"
        "About Acme\nWe build ecommerce apps for customers."
    )
    markup = (
        '<h2>IT Manager</h2><p style="x">Run the <b>ERP</b> and the service desk; '
        "own the IT budget.</p><h3>About Acme</h3><p>We build ecommerce apps for customers.</p>"
    )
    escaped = markup.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    texts = [plain, markup, escaped]
    path = write_jsonl([{"id": str(i), "description": t} for i, t in enumerate(texts)], tmp_path / "m.jsonl")
    cli = [without(r, "path", "record", "id") for r in scan(str(path))]
    got = roletag.Tagger().tag_many(texts)
    assert got == cli
    # The markup makes no difference: the heading still opens the company section.
    assert got[1] == got[0] and got[2] == got[0]
    assert got[0]["label"] == "cio-like", got[0]
