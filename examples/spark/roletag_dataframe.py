#!/usr/bin/env python3
"""Tag postings in a Spark DataFrame with the roletag Python package: Parquet out.

    python3 examples/spark/roletag_dataframe.py postings.jsonl -o tagged.parquet \\
        [--text title,description] [--keep id,company] [--partitions N] \\
        [--master local[2] | --remote sc://HOST:15002] [--lexicon my.toml] [--mask-titles] \\
        [--blend-margin M --min-evidence E --length-exponent G --min-terms N --blend-floor F]

The input is JSON Lines (`.jsonl`, `.json`), CSV with a header row (`.csv`) or Parquet
(`.parquet` or a folder of them), by extension or `--input-format`. Each row's text is its
`--text` columns joined by a blank line (by default `title` and `description`, as `roletag
scan` joins a record's), and the output has the `--keep` columns of the input (by default
all of them) and then `label`, `score`, `confidence`, `cio`, `cto`, `core_evidence`, one
`<axis>_cio`/`<axis>_cto` pair per axis, `words`, `coverage`, `top_terms` and `error`. A row
that cannot be tagged has its `error` and nulls; it fails nothing else.

The tagging runs in `DataFrame.mapInArrow` with an explicit result schema, which Spark
Connect supports too (`--remote`; RDD.pipe does not exist there). The roletag wheel must be
installed in the executors' Python: see the README, "Spark on a cluster". For Hadoop
Streaming, or a cluster without the wheel, `roletag_spark.py` pipes records through the
binary instead.

Exit codes: 0 every row tagged, 1 some rows failed (each has its `error`), 2 the job failed.
"""

import argparse
import os
import shlex
import sys

LOG_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "log4j2.properties")
FORMATS = {".jsonl": "json", ".ndjson": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="postings: a path or a URI Spark can read")
    p.add_argument("-o", "--output", required=True, help="the Parquet folder to write")
    p.add_argument("--input-format", choices=["json", "csv", "parquet"], help="default: by extension")
    p.add_argument("--text", default="title,description", help="text columns, comma-separated")
    p.add_argument("--keep", help="input columns to carry through, comma-separated (default: all)")
    p.add_argument("--partitions", type=int, help="repartition the input into N partitions first")
    p.add_argument("--master", default="local[2]", help="Spark master (default: local[2])")
    p.add_argument("--remote", help="a Spark Connect URL (sc://...) instead of --master")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output folder")
    p.add_argument("--lexicon", help="a lexicon TOML file (read on the driver; its text is shipped)")
    p.add_argument("--mask-titles", action="store_true")
    p.add_argument("--no-negation", action="store_true")
    p.add_argument("--no-boilerplate", action="store_true")
    # The CLI's threshold overrides, with its flag names (default: the lexicon's).
    p.add_argument("--blend-margin", type=float)
    p.add_argument("--min-evidence", type=float)
    p.add_argument("--length-exponent", type=float)
    p.add_argument("--min-terms", type=int)
    p.add_argument("--blend-floor", type=float)
    p.add_argument("--top", type=int, default=5, help="evidence terms in top_terms (default 5)")
    args = p.parse_args(argv)
    if args.input_format is None:
        base = args.input.rstrip("/")
        ext = os.path.splitext(base)[1].lower()
        if ext not in FORMATS and os.path.isdir(base):
            ext = ".parquet"  # a folder of Parquet parts, as Spark writes them
        if ext not in FORMATS:
            p.error(f"{args.input}: unknown format; pass --input-format")
        args.input_format = FORMATS[ext]
    return args


def spark_session(args):
    # Before pyspark starts the JVM: workers run this Python, and Spark stays on loopback.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("roletag")
    if args.remote:
        return builder.remote(args.remote).getOrCreate()
    quiet_logs = f"-Dlog4j.configurationFile={shlex.quote(LOG_CONFIG)}"
    spark = (
        builder.master(args.master)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", quiet_logs)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.debug.maxToStringFields", "200")  # the result has ~30 columns
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    return spark


def read_input(spark, args):
    reader = spark.read
    if args.input_format == "csv":
        # Quoted fields may hold line breaks, as postings do.
        return reader.csv(args.input, header=True, multiLine=True, escape='"')
    if args.input_format == "parquet":
        return reader.parquet(args.input)
    return reader.json(args.input)


def main(argv):
    args = parse_args(argv)
    import roletag
    from roletag.spark import tag_dataframe

    tagger = roletag.Tagger(
        args.lexicon,
        mask_titles=args.mask_titles,
        negation=not args.no_negation,
        boilerplate=not args.no_boilerplate,
        blend_margin=args.blend_margin,
        min_evidence=args.min_evidence,
        length_exponent=args.length_exponent,
        min_terms=args.min_terms,
        blend_floor=args.blend_floor,
    )
    spark = spark_session(args)
    try:
        postings = read_input(spark, args)
        if args.partitions:
            postings = postings.repartition(args.partitions)
        keep = None if args.keep is None else [c for c in args.keep.split(",") if c]
        tagged = tag_dataframe(postings, args.text.split(","), keep, tagger=tagger, top=args.top)
        tagged.write.mode("overwrite" if args.overwrite else "errorifexists").parquet(args.output)
        # Counted from what was written, so the numbers are the file's.
        written = spark.read.parquet(args.output)
        counts = {r["label"]: r["count"] for r in written.groupBy("label").count().collect()}
    finally:
        spark.stop()
    failed = counts.pop(None, 0)
    labels = ", ".join(f"{counts.get(label, 0)} {label}" for label in roletag.LABELS)
    print(f"roletag_dataframe: {sum(counts.values()) + failed} rows: {labels}; {failed} failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # one line, not a JVM stack trace
        java = getattr(e, "java_exception", None)
        while java is not None and java.getCause() is not None:
            java = java.getCause()
        text = java.toString() if java is not None else f"{type(e).__name__}: {e}"
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        print(f"roletag_dataframe: the job failed: {lines[-1] if lines else type(e).__name__}", file=sys.stderr)
        sys.exit(2)
