"""roletag for Spark: :func:`tag_dataframe` tags a Spark DataFrame with ``mapInArrow``.

``mapInArrow`` works on classic Spark and on Spark Connect (RDDs do not exist there). Each
task gets Arrow batches of its partition and returns them tagged, with the input columns
carried through, so the result never needs a join. The schema is given explicitly
(:func:`result_schema`), so Spark never has to infer it. The ``roletag`` wheel must be
installed on every executor (see the README's "Spark on a cluster").

>>> from roletag.spark import tag_dataframe                 # doctest: +SKIP
>>> postings = spark.read.json("postings.jsonl")            # doctest: +SKIP
>>> tag_dataframe(postings).write.parquet("tagged.parquet")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple, Union

from . import DEFAULT_TEXT, Tagger, _tagger_from_config

__all__ = ["tag_dataframe", "result_schema"]

# One Tagger per executor Python process and configuration: compiling the lexicon takes
# a moment, and Spark reuses its Python workers from task to task.
_TAGGERS: Dict[Any, Tagger] = {}


def _spark_type(kind: str):
    from pyspark.sql import types as T

    return {
        "string": T.StringType(),
        "float64": T.DoubleType(),
        "int64": T.LongType(),
        "list<string>": T.ArrayType(T.StringType()),
    }[kind]


def result_schema(input_schema, tagger: Optional[Tagger] = None, keep: Optional[Sequence[str]] = None):
    """The Spark ``StructType`` of :func:`tag_dataframe`'s result: the ``keep`` fields of
    ``input_schema`` (``None``: all), then the result columns of
    :meth:`roletag.Tagger.tag_arrow`, all nullable."""
    from pyspark.sql import types as T

    tagger = tagger or Tagger()
    names = input_schema.names if keep is None else list(keep)
    missing = [n for n in names if n not in input_schema.names]
    if missing:
        raise KeyError(f"keep: no column {', '.join(missing)} in the DataFrame")
    results = tagger._engine.flat_schema()
    clash = [n for n in names if n in {r for r, _ in results}]
    if clash:
        raise ValueError(
            f"kept column {', '.join(clash)} has the name of a result column; "
            "rename it, or leave it out with keep=[...]"
        )
    fields = [input_schema[n] for n in names]
    fields += [T.StructField(name, _spark_type(kind), True) for name, kind in results]
    return T.StructType(fields)


def tag_dataframe(
    df,
    text: Union[str, Sequence[str]] = DEFAULT_TEXT,
    keep: Optional[Sequence[str]] = None,
    *,
    tagger: Optional[Tagger] = None,
    top: int = 5,
    threads: Optional[int] = 1,
    **options: Any,
):
    """Tags every row of the Spark DataFrame ``df``; returns a DataFrame (lazy, as ever).

    A row's text is its non-null, non-blank ``text`` columns joined by a blank line, as
    ``roletag scan`` joins a record's title and description. The result has the ``keep``
    columns (``None``: every column of ``df``) and the flat result columns of
    :meth:`roletag.Tagger.tag_arrow`; a row that cannot be tagged has its ``error`` and
    nulls, and fails nothing else.

    Args:
        tagger: a :class:`roletag.Tagger`, or its keyword arguments in ``options``. Its
            lexicon's TOML text travels with the task, so a lexicon file need only exist
            on the driver.
        top: how many evidence terms ``top_terms`` lists.
        threads: threads per task (default 1: Spark runs one task per core already).
    """
    if tagger is None:
        tagger = Tagger(**options)
    elif options:
        raise TypeError("give either tagger= or Tagger options, not both")
    names = [text] if isinstance(text, str) else list(text)
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise KeyError(f"text: no column {', '.join(missing)} in the DataFrame ({', '.join(df.columns)})")
    schema = result_schema(df.schema, tagger, keep)
    keep_names = df.columns if keep is None else list(keep)
    job = _Job(tagger._config, tuple(names), tuple(keep_names), top, threads)
    return df.mapInArrow(job, schema)


class _Job:
    """The function each task runs (picklable: the Tagger is rebuilt from its config)."""

    def __init__(self, config: Tuple, text: Tuple[str, ...], keep: Tuple[str, ...], top: int, threads: Optional[int]):
        self.config, self.text, self.keep, self.top, self.threads = config, text, keep, top, threads

    def __call__(self, batches):
        tagger = _TAGGERS.get(self.config)
        if tagger is None:
            tagger = _TAGGERS[self.config] = _tagger_from_config(self.config)
        for batch in batches:
            yield tagger.tag_arrow(batch, self.text, list(self.keep), top=self.top, threads=self.threads)
