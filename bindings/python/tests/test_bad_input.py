"""Bad input is a per-row error, never an exception that loses the batch (issue 15)."""

import pyarrow as pa
import pytest

import roletag
import roletag.pandas

GOOD = "Run the service desk, the ERP and the IT budget for internal users; keep the data centre patched."
BAD = [
    (None, "expected a str, got None"),
    (42, "expected a str, got int"),
    (b"bytes", "expected a str, got bytes"),
    ("lone \ud800 surrogate", "text is not valid Unicode"),
    ("", "empty posting: no text to tag"),
    (" \t\n\u200b ", "empty posting: no text to tag"),
]


@pytest.fixture(scope="module")
def tagger():
    return roletag.Tagger()


def test_tag_many_keeps_every_row(tagger):
    texts = [GOOD] + [bad for bad, _ in BAD] + [GOOD]
    got = tagger.tag_many(texts)
    assert len(got) == len(texts)
    good = tagger.tag(GOOD)
    assert good["label"] == "cio-like"
    assert got[0] == good and got[-1] == good
    for result, (_, message) in zip(got[1:-1], BAD):
        assert "label" not in result
        assert result["error"].startswith(message), result
        assert result["schema_version"] == 1


@pytest.mark.parametrize("bad, message", BAD)
def test_tag_never_raises(tagger, bad, message):
    assert tagger.tag(bad)["error"].startswith(message)


def test_tag_many_takes_any_iterable(tagger):
    assert tagger.tag_many(t for t in [GOOD, None]) == tagger.tag_many([GOOD, None])
    assert tagger.tag_many([]) == []


def test_tag_arrow_rows_fail_alone(tagger):
    batch = pa.RecordBatch.from_pylist(
        [
            {"id": 1, "title": "IT Director", "description": GOOD},
            {"id": 2, "title": None, "description": None},
            {"id": 3, "title": "", "description": "  "},
            # Arrow holds UTF-8 only: a surrogate read from bytes arrives replaced, and is text.
            {"id": 4, "title": None, "description": "lone \ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace")},
            {"id": 5, "title": "IT Director", "description": None},
        ]
    )
    out = tagger.tag_arrow(batch, keep=["id"]).to_pylist()
    assert [r["id"] for r in out] == [1, 2, 3, 4, 5]
    assert out[0]["label"] == "cio-like" and out[0]["error"] is None
    for r in out[1:3]:
        assert r["label"] is None and r["score"] is None and r["top_terms"] is None
        assert r["error"] == "no text in any of the columns title, description"
    assert out[3]["error"] is None and out[3]["label"] == "unclassified"
    # A row with only a title is tagged on its title, as `roletag scan` tags such a record.
    assert out[4]["error"] is None and out[4]["words"] == 2


def test_tag_arrow_non_string_column_fails_rows_not_the_batch(tagger):
    batch = pa.RecordBatch.from_pylist([{"title": "CTO", "description": 3}, {"title": None, "description": None}])
    out = tagger.tag_arrow(batch).to_pylist()
    assert out[0]["error"] == "column description: expected a str, got int"
    assert out[1]["error"] == "no text in any of the columns title, description"


def test_tag_arrow_usage_errors_raise(tagger):
    batch = pa.RecordBatch.from_pylist([{"title": "CTO", "label": "x"}])
    with pytest.raises(KeyError, match="description"):
        tagger.tag_arrow(batch)
    with pytest.raises(ValueError, match="label"):
        tagger.tag_arrow(batch, ["title"])
    assert tagger.tag_arrow(batch, ["title"], keep=[]).num_rows == 1
    empty = tagger.tag_arrow(pa.RecordBatch.from_pylist([], schema=pa.schema([("title", pa.string())])), ["title"])
    assert empty.num_rows == 0 and empty.schema == tagger.arrow_schema(pa.schema([("title", pa.string())]))


def test_tag_frame_surrogates_nan_and_objects(tagger):
    import pandas as pd

    df = pd.DataFrame(
        {
            "title": ["IT Director", float("nan"), None, pd.NA, "x"],
            "description": [GOOD, "lone \ud800 surrogate", {"not": "text"}, None, float("nan")],
        }
    )
    out = roletag.pandas.tag_frame(df, tagger=tagger)
    assert len(out) == 5
    assert out["label"].tolist()[0] == "cio-like"
    assert out["error"][1].startswith("column description: text is not valid Unicode")
    assert out["error"][2] == "column description: expected a str, got dict"
    assert out["error"][3] == "no text in any of the columns title, description"
    assert out["error"][4] is None  # NaN is missing: the title alone is tagged
    assert out["words"].isna().tolist() == [False, True, True, True, False]
