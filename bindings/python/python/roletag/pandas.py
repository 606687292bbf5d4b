"""roletag for pandas: :func:`tag_frame` tags a DataFrame's text columns.

>>> import pandas as pd, roletag.pandas
>>> df = pd.DataFrame({"id": [7], "title": ["IT Director"],
...                    "description": ["Run the service desk, the ERP and the IT budget."]})
>>> roletag.pandas.tag_frame(df)[["id", "label"]].to_dict("records")
[{'id': 7, 'label': 'cio-like'}]
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import DEFAULT_TEXT, Tagger

__all__ = ["tag_frame"]


def tag_frame(
    df: pd.DataFrame,
    text: Union[str, Sequence[str]] = DEFAULT_TEXT,
    keep: Optional[Sequence[str]] = None,
    *,
    tagger: Optional[Tagger] = None,
    top: int = 5,
    threads: Optional[int] = None,
    **options: Any,
) -> pd.DataFrame:
    """Tags each row of ``df`` and returns a new DataFrame with the same index.

    A row's text is its non-missing, non-blank ``text`` column values joined by a blank line
    (as ``roletag scan`` joins a record's title and description); ``None``, ``NaN`` and
    ``pd.NA`` are missing. The result holds the ``keep`` columns of ``df`` (``None``: all of
    them) and then the flat result columns of :meth:`roletag.Tagger.tag_arrow`: ``label``,
    ``score``, ``confidence``, ``cio``, ``cto``, ``core_evidence``, ``<axis>_cio`` and
    ``<axis>_cto`` per axis, ``words`` (nullable ``Int64``), ``coverage``, ``top_terms``
    (lists) and ``error``. A row that cannot be tagged has its ``error`` and ``NaN``/``None``
    elsewhere; it never raises.

    Args:
        tagger: the :class:`roletag.Tagger` to use; by default one is built from ``options``
            (the keyword arguments of :class:`roletag.Tagger`).
        top: how many evidence terms ``top_terms`` lists.
        threads: worker threads (``None``: every core).

    Raises:
        KeyError: a ``text`` or ``keep`` column is not in ``df``.
        ValueError: a kept column has the name of a result column.
    """
    if tagger is None:
        tagger = Tagger(**options)
    elif options:
        raise TypeError("give either tagger= or Tagger options, not both")
    names = [text] if isinstance(text, str) else list(text)
    if not names:
        raise ValueError("text: name at least one column")
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise KeyError(f"text: no column {', '.join(map(str, missing))} in the DataFrame")
    kept = list(df.columns) if keep is None else list(keep)
    absent = [c for c in kept if c not in df.columns]
    if absent:
        raise KeyError(f"keep: no column {', '.join(map(str, absent))} in the DataFrame")
    result_names = [name for name, _ in tagger._engine.flat_schema()]
    clash = [c for c in kept if c in result_names]
    if clash:
        raise ValueError(
            f"kept column {', '.join(map(str, clash))} has the name of a result column; "
            "rename it, or leave it out with keep=[...]"
        )
    out = df[kept].copy()
    if len(df) == 0:
        for name, kind in tagger._engine.flat_schema():
            out[name] = pd.Series([], dtype=_EMPTY_DTYPES[kind], index=df.index)
        return out
    columns = [[_missing_to_none(v) for v in df[c].tolist()] for c in names]
    result = tagger._engine.tag_flat(columns, [str(c) for c in names], top, threads)
    (bitmap, _tagged), rest = result[0], result[1:]
    valid = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")[: len(df)].astype(bool)
    for name, kind, data in rest:
        out[name] = _series(kind, data, valid, df.index)
    return out


_EMPTY_DTYPES = {"string": object, "float64": "float64", "int64": "Int64", "list<string>": object}


def _missing_to_none(value: Any) -> Any:
    """pandas' missing values (NaN, NA, NaT) as None; anything else as it is."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _series(kind: str, data: Any, valid: np.ndarray, index: pd.Index) -> pd.Series:
    if kind == "float64":
        values = np.frombuffer(data, dtype="<f8").copy()
        values[~valid] = np.nan
        return pd.Series(values, index=index)
    if kind == "int64":
        values = np.frombuffer(data, dtype="<i8")
        return pd.Series(pd.arrays.IntegerArray(values.copy(), ~valid), index=index)
    return pd.Series(data, index=index, dtype=object)
