#!/usr/bin/env python3
"""Run roletag as the mapper of a Spark job: JSON Lines postings in, JSON Lines results out.

    python3 examples/spark/roletag_spark.py postings.jsonl -o results.jsonl \\
        --roletag target/release/roletag [--partitions N] [-- ROLETAG_OPTION...]

Spark splits the input into partitions and pipes each one through
`roletag scan - --format jsonl --quiet`, the same contract as Hadoop Streaming: records
on stdin, one result per record on stdout, in order, memory flat. Options after `--` go
to roletag (`--lexicon FILE`, `--id-field F`, `--text-field F`, ...).

In these results `path` is `<stdin>` and `record` restarts at 0 in every partition, so
join them back to the input by `id` (the posting's `id` field, or `--id-field`).

The job runs in local mode (`local[2]`; `--master` to change it) and writes the results,
in input order, to one file or stdout. On a cluster, write with `saveAsTextFile` instead,
and put the roletag binary at the same path on every node.

Exit codes follow roletag's: 0 every posting tagged, 1 some failed (each is in the
results with its `error`), 2 the job failed.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading


def parse_args(argv):
    # Everything after the first `--` is roletag's, even when it looks like our own option.
    ours, roletag_options = argv, []
    if "--" in argv:
        cut = argv.index("--")
        ours, roletag_options = argv[:cut], argv[cut + 1 :]
    p = argparse.ArgumentParser(
        usage="%(prog)s INPUT [-o OUTPUT] [--roletag PATH] [--partitions N] [-- ROLETAG_OPTION...]",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("input", help="JSON Lines postings: a local path or a URI Spark can read")
    p.add_argument("-o", "--output", default="-", help="results file (default: stdout)")
    p.add_argument(
        "--roletag",
        default=os.environ.get("ROLETAG") or shutil.which("roletag"),
        help="roletag binary (default: $ROLETAG, else roletag on PATH)",
    )
    p.add_argument("--partitions", type=int, default=2, help="minimum input partitions")
    p.add_argument("--master", default="local[2]", help="Spark master (default: local[2])")
    args = p.parse_args(ours)
    if not args.roletag:
        p.error("no roletag binary: pass --roletag PATH or set ROLETAG")
    args.roletag = os.path.abspath(args.roletag)
    args.roletag_options = roletag_options
    if "://" not in args.input and not os.path.isfile(args.input):
        p.error(f"{args.input}: no such file")
    problem = check_mapper(roletag_command(args))
    if problem:
        p.error(problem)
    return args


def check_mapper(command):
    """Runs the mapper on empty input: a bad binary, option or lexicon fails before Spark starts."""
    try:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True)
    except OSError as e:
        return f"cannot run {command[0]}: {e.strerror}"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        return message or f"{shlex.join(command)} exited with {done.returncode} on empty input"
    return None


def roletag_command(args):
    """The mapper: reads records on stdin, writes one JSON result per record on stdout."""
    return [args.roletag, "scan", "-", "--format", "jsonl", "--quiet", *args.roletag_options]


def pipe_through(command):
    """`RDD.pipe(command)`, reading roletag's exit code as roletag means it.

    Exit 1 means some postings failed and are in the output as error records: the task
    succeeded. Any other non-zero code fails the task with roletag's stderr. (`RDD.pipe`
    ignores exit codes, or with `checkCode=True` fails on 1 too and drops stderr.)
    """

    def run(lines):
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
            )
            feed_errors = []
            # Feed stdin from another thread so that a full stdout pipe cannot deadlock.
            feeder = threading.Thread(
                target=feed, args=(lines, proc.stdin, feed_errors), daemon=True
            )
            feeder.start()
            finished = False
            try:
                for out in proc.stdout:
                    yield out.decode("utf-8").rstrip("\n")
                finished = True
            finally:
                if not finished:
                    proc.kill()  # the task stopped reading early (take(), an error)
            feeder.join()
            code = proc.wait()
            if feed_errors:
                raise feed_errors[0]
            if code not in (0, 1):
                err.seek(0)
                message = err.read().decode("utf-8", "replace").strip()
                raise RuntimeError(f"{shlex.join(command)} exited with {code}: {message}")

    return run


def feed(lines, stdin, errors):
    try:
        for line in lines:
            stdin.write(line.encode("utf-8") + b"\n")
        stdin.close()
    except BrokenPipeError:
        pass  # roletag stopped reading; its exit code says why
    except BaseException as e:  # an input error, raised again in the task
        errors.append(e)
        stdin.close()


LOG_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "log4j2.properties")


def spark_context(master):
    # Before pyspark starts the JVM: workers run this Python, and Spark stays on loopback.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark import SparkConf, SparkContext

    quiet_logs = f"-Dlog4j.configurationFile={shlex.quote(LOG_CONFIG)}"
    conf = (
        SparkConf()
        .setMaster(master)
        .setAppName("roletag")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.extraJavaOptions", quiet_logs)
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "2")
        .set("spark.default.parallelism", "2")
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    return sc


def input_uri(path):
    return path if "://" in path else "file://" + os.path.abspath(path)


def write_results(lines, out):
    """Writes the result lines and returns (postings, failed)."""
    postings = failed = 0
    for line in lines:
        out.write(line + "\n")
        postings += 1
        failed += "error" in json.loads(line)
    return postings, failed


def write_output(lines, output):
    """Writes to stdout, or to `output` through a temporary file renamed at the end (as
    roletag does), so a failed job never leaves half a report. Returns (postings, failed)."""
    if output == "-":
        return write_results(lines, sys.stdout)
    folder = os.path.dirname(os.path.abspath(output))
    out = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=folder, prefix=".roletag-spark-", delete=False
    )
    try:
        with out:
            counts = write_results(lines, out)
        os.chmod(out.name, 0o644)
        os.replace(out.name, output)
    except BaseException:
        os.unlink(out.name)
        raise
    return counts


def main(argv):
    args = parse_args(argv)
    sc = spark_context(args.master)
    try:
        results = sc.textFile(input_uri(args.input), minPartitions=args.partitions)
        results = results.mapPartitions(pipe_through(roletag_command(args)))
        # toLocalIterator holds one partition at a time in the driver, not the whole output.
        postings, failed = write_output(results.toLocalIterator(), args.output)
    finally:
        sc.stop()
    print(f"roletag_spark: {postings} postings; {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def root_message(error):
    """The innermost cause of a failed Spark job, in one line, not a JVM stack trace."""
    java = getattr(error, "java_exception", None)
    while java is not None and java.getCause() is not None:
        java = java.getCause()
    text = java.toString() if java is not None else str(error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:
        print(f"roletag_spark: the job failed: {root_message(e)}", file=sys.stderr)
        sys.exit(2)
