"""The package's API: lexicon sources, errors, threads, the GIL, Arrow schema and stubs."""

import gc
import json
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
    inside.set()
    before = len(ticks)
    tagger.tag_many(texts, threads=1)
    during = len(ticks) - before
    done.set()
    counter.join()
    assert during > 0


def _shape(value):
    """A value's keys in order and its leaves' types: what `==` on dicts leaves out."""
    if isinstance(value, dict):
        return [(k, _shape(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


def test_tag_many_builds_what_json_loads_gives_for_the_report():
    # tag_many builds its dicts in Rust; tag_json writes the report's JSON with the
    # CLI's writer. The dicts must be that JSON read back: values, key order, types.
    texts = [posting_text(p) for p in corpus_files()]
    texts += [None, 7, "", " \n ", "\ud800 ERP", "ERP and product roadmap " * 3000]
    tagger = roletag.Tagger()
    for threads in (1, 2):
        built = tagger.tag_many(texts, threads=threads)
        read = json.loads(tagger._engine.tag_json(texts, threads))
        assert built == read
        assert _shape(built) == _shape(read)
    assert any(r.get("ignored") for r in built), "no posting with ignored hits: a weak test"
    assert sum("error" in r for r in built) == 5


@pytest.mark.parametrize("enabled", [True, False])
def test_tag_many_leaves_the_garbage_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        roletag.Tagger().tag_many(["ERP and service desk"] * 3)
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError):
            roletag.Tagger().tag_many(["x"], threads=0)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


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
