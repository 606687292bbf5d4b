"""Flat result columns as Arrow arrays (``Tagger.tag_arrow``), and the columns' types.

The Rust side (``Engine.tag_flat``) returns the validity bitmap of the tagged rows, then
``(name, kind, data)`` per column: numbers as little-endian bytes, strings and lists as
Python lists. The arrays here are built on those buffers without copying the numbers.
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

import pyarrow as pa

KINDS = {
    "string": pa.string(),
    "float64": pa.float64(),
    "int64": pa.int64(),
    "list<string>": pa.list_(pa.string()),
}


def result_fields(tagger) -> List[pa.Field]:
    """The result columns, in order, as Arrow fields (all nullable: a failed row is null)."""
    return [pa.field(name, KINDS[kind]) for name, kind in tagger._engine.flat_schema()]


def result_schema(tagger, input_schema: Optional[pa.Schema], keep: Optional[Sequence[str]]) -> pa.Schema:
    kept = kept_fields(input_schema, keep)
    fields = result_fields(tagger)
    check_collisions([f.name for f in kept], [f.name for f in fields])
    return pa.schema(kept + fields)


def kept_fields(input_schema: Optional[pa.Schema], keep: Optional[Sequence[str]]) -> List[pa.Field]:
    if input_schema is None:
        if keep:
            raise ValueError("keep names input columns: give the input schema too")
        return []
    names = input_schema.names if keep is None else list(keep)
    missing = [n for n in names if n not in input_schema.names]
    if missing:
        raise KeyError(f"keep: no column {', '.join(missing)} in the input ({', '.join(input_schema.names)})")
    return [input_schema.field(n) for n in names]


def check_collisions(kept: Sequence[str], results: Sequence[str]) -> None:
    clash = [n for n in kept if n in results]
    if clash:
        raise ValueError(
            f"kept column {', '.join(clash)} has the name of a result column; "
            "rename it, or leave it out with keep=[...]"
        )


def flat_arrays(tagger, columns: List[list], names: Sequence[str], top: int, threads: Optional[int]):
    """(names, arrays) of the result columns for rows whose text is in ``columns``."""
    result = tagger._engine.tag_flat(columns, list(names), top, threads)
    (bitmap, tagged), rest = result[0], result[1:]
    n = len(columns[0])
    validity = pa.py_buffer(bitmap)
    out_names, arrays = [], []
    for name, kind, data in rest:
        out_names.append(name)
        arrays.append(to_array(kind, data, n, validity, n - tagged))
    return out_names, arrays


def to_array(kind: str, data: Any, n: int, validity: pa.Buffer, nulls: int) -> pa.Array:
    if kind in ("float64", "int64"):
        return pa.Array.from_buffers(KINDS[kind], n, [validity if nulls else None, pa.py_buffer(data)], null_count=nulls)
    return pa.array(data, type=KINDS[kind])


def column_names(text_columns) -> List[str]:
    names = [text_columns] if isinstance(text_columns, str) else list(text_columns)
    if not names:
        raise ValueError("text_columns: name at least one column")
    return names


def text_columns_of(batch, names: Sequence[str]) -> List[list]:
    missing = [c for c in names if c not in batch.schema.names]
    if missing:
        raise KeyError(
            f"text_columns: no column {', '.join(missing)} in the input ({', '.join(batch.schema.names)})"
        )
    return [batch.column(c).to_pylist() for c in names]


def tag_arrow(tagger, batch, text_columns, keep, *, top: int, threads: Optional[int]):
    if isinstance(batch, (pa.Table, pa.RecordBatch)):
        text_columns_of(batch.schema.empty_table(), column_names(text_columns))
    if isinstance(batch, pa.Table):
        schema = result_schema(tagger, batch.schema, keep)
        batches = [tag_batch(tagger, b, text_columns, keep, top, threads) for b in batch.to_batches()]
        return pa.Table.from_batches(batches, schema=schema)
    if not isinstance(batch, pa.RecordBatch):
        raise TypeError(f"expected a pyarrow.RecordBatch or Table, got {type(batch).__name__}")
    return tag_batch(tagger, batch, text_columns, keep, top, threads)


def tag_batch(tagger, batch: pa.RecordBatch, text_columns, keep, top, threads) -> pa.RecordBatch:
    schema = result_schema(tagger, batch.schema, keep)
    names = column_names(text_columns)
    texts = text_columns_of(batch, names)
    if batch.num_rows == 0:
        return pa.RecordBatch.from_pylist([], schema=schema)
    _, arrays = flat_arrays(tagger, texts, names, top, threads)
    kept = [batch.column(name) for name in schema.names[: len(schema) - len(arrays)]]
    return pa.RecordBatch.from_arrays(kept + arrays, schema=schema)
