"""The package's API: lexicon sources, errors, threads, the GIL, Arrow schema and stubs."""

import threading
import time
from pathlib import Path

import pyarrow as pa
import pytest

import roletag
import roletag.pandas
from conftest import ROOT, corpus_files, posting_text

PACKAGE = Path(roletag.__file__).parent


def test_invalid_lexicon_lists_every_problem():
    bad = (ROOT / "tests" / "fixtures" / "lexicons" / "broken.toml").read_text(encoding="utf-8")
    with pytest.raises(ValueError) as e:
        roletag.Tagger(bad)
    assert "unknown axis" in str(e.value) and "invalid regex" in str(e.value)


def test_missing_lexicon_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError, match="cannot read lexicon"):
        roletag.Tagger(tmp_path / "nowhere.toml")


@pytest.mark.parametrize("option", [dict(blend_margin=1.5), dict(min_evidence=-1.0), dict(length_exponent=2.0), dict(blend_floor=2.5)])
def test_thresholds_out_of_range_raise(option):
    with pytest.raises(ValueError, match=next(iter(option))):
        roletag.Tagger(**option)


def test_threads_do_not_change_results():
    texts = [posting_text(p) for p in corpus_files()]
    tagger = roletag.Tagger()
    one = tagger.tag_many(texts, threads=1)
    assert tagger.tag_many(texts, threads=2) == one
    assert tagger.tag_many(texts, threads=3) == one
    with pytest.raises(ValueError):
        tagger.tag_many(texts, threads=0)


def test_tag_many_releases_the_gil():
    # While Rust tags, another Python thread keeps running. With the GIL held for the
    # whole call, the counter could not move between the call's start and end.
    texts = [posting_text(p) for p in corpus_files()] * 8
    tagger = roletag.Tagger()
    ticks = []
    inside = threading.Event()
    done = threading.Event()

    def count():
        inside.wait()
        while not done.is_set():
            ticks.append(1)
            time.sleep(0)

    counter = threading.Thread(target=count)
    counter.start()
    engine = tagger._engine
    inside.set()
    before = len(ticks)
    engine.tag_json(texts, 1)
    during = len(ticks) - before
    done.set()
    counter.join()
    assert during > 0


def test_arrow_schema_names_every_axis():
    tagger = roletag.Tagger()
    schema = tagger.arrow_schema(pa.schema([("id", pa.int64())]))
    names = schema.names
    assert names[:6] == ["id", "label", "score", "confidence", "cio", "cto"]
    for axis in tagger.axes:
        assert f"{axis}_cio" in names and f"{axis}_cto" in names
    assert names[-3:] == ["coverage", "top_terms", "error"]
    assert schema.field("top_terms").type == pa.list_(pa.string())


def test_top_sets_how_many_terms():
    batch = pa.RecordBatch.from_pylist([{"text": posting_text(corpus_files()[0])}])
    tagger = roletag.Tagger()
    full = tagger.tag(posting_text(corpus_files()[0]))
    for top in (0, 1, 3):
        got = tagger.tag_arrow(batch, ["text"], top=top).column("top_terms").to_pylist()[0]
        assert got == [e["term"] for e in full["evidence"][:top]]


def test_typed_package():
    assert (PACKAGE / "py.typed").is_file()
    stub = (PACKAGE / "_roletag.pyi").read_text(encoding="utf-8")
    engine = roletag._roletag.Engine
    # Every public method of the extension class has its stub, and every stub a method.
    public = {m for m in dir(engine) if not m.startswith("_")}
    stubbed = {line.split("def ")[1].split("(")[0] for line in stub.splitlines() if "    def " in line}
    assert public == stubbed - {"__init__"}


def test_docstrings():
    for thing in (roletag, roletag.Tagger, roletag.Tagger.tag, roletag.Tagger.tag_many, roletag.Tagger.tag_arrow):
        assert thing.__doc__ and thing.__doc__.strip(), thing
    assert roletag.pandas.tag_frame.__doc__
