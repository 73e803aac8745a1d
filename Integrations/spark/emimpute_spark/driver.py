"""The driver: two Spark jobs (statistics, apply) around one `emimpute fit`, or, when the
statistics are too large for the driver, one E-step job per EM iteration.

All numerics run in the emimpute binary; the driver moves text and files.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

from . import partition as part
from . import tabular

# Default driver budget for the gathered statistics (bytes of JSON).
DEFAULT_BUDGET = 256 << 20

# Spark contexts that already have this package (addPyFile once per context).
_SHIPPED = set()


class EMImputeSparkError(Exception):
    """A failure to report to the user (one message, no traceback)."""


class Options:
    """What `python3 -m emimpute_spark` was asked to do."""

    def __init__(self, input, output, emimpute, report=None, save_model=None, format=None, na=(), na_only=False,
                 exclude=(), columns=(), delimiter=",", fit_args=(), budget=DEFAULT_BUDGET, strategy="auto",
                 split_size=None, ship_binary=False, quiet=False):
        self.input, self.output, self.emimpute = input, output, os.path.abspath(emimpute)
        self.report, self.save_model = report, save_model
        self.format = format or ("parquet" if input.rstrip("/").endswith(".parquet") else "csv")
        self.na, self.na_only, self.exclude, self.columns = list(na), na_only, list(exclude), list(columns)
        self.delimiter = delimiter
        self.fit_args, self.budget, self.strategy = list(fit_args), budget, strategy
        self.split_size, self.ship_binary, self.quiet = split_size, ship_binary, quiet

    def read_args(self):
        """The options that say how cells are read, for statistics and estep."""
        args = ["--delimiter", self.delimiter]
        for code in self.na:
            args += ["--na", code]
        if self.na_only:
            args.append("--na-only")
        for name in self.exclude:
            args += ["--exclude", name]
        for name in self.columns:
            args += ["--columns", name]
        return args

    def apply_args(self):
        return ["--delimiter", self.delimiter]


class Outcome:
    """What a run did: the strategy, why, and the timings."""

    def __init__(self):
        self.strategy = None
        self.reason = None
        self.statistics_bytes = None
        self.iterations = 0
        self.seconds = {}

    def as_dict(self):
        return {"strategy": self.strategy, "reason": self.reason, "statisticsBytes": self.statistics_bytes,
                "sparkIterations": self.iterations, "seconds": self.seconds}


def _say(options, text):
    if not options.quiet:
        sys.stderr.write("emimpute_spark: " + text + "\n")
        sys.stderr.flush()


def _user_message(error):
    """emimpute's message from a failed Spark job, or None."""
    text = str(error)
    at = text.find(part.MARKER)
    if at < 0:
        return None
    end = text.find("\n", at)
    try:
        return json.loads(text[at + len(part.MARKER):end if end >= 0 else None])
    except ValueError:
        return None


def _global_lines(payload, lines_rdd, input_name):
    """emimpute's message with its partition-relative lines made lines of the input."""
    message = payload["message"]
    first = payload.get("firstOffset")
    if first is None or lines_rdd is None:
        return message
    # Lines before the part's first record: its line 2 (after the given header) is this + 1.
    before = lines_rdd.filter(lambda kv: kv[0] < first).count()
    shift = before - 1

    def fix(m):
        return "%s%d" % (m.group(1), int(m.group(2)) + shift)

    message = re.sub(r"(<stdin>:)(\d+)", fix, message)
    message = re.sub(r"(line )(\d+)", fix, message)
    return message.replace("<stdin>", input_name)


def _run_job(rdd_action, lines_rdd, options):
    try:
        return rdd_action()
    except Exception as error:  # Py4JJavaError and friends: find emimpute's own words
        payload = _user_message(error)
        if payload is None:
            raise
        if payload["kind"] == "quotedNewline":
            raise EMImputeSparkError(options.input + ": " + payload["message"]) from None
        raise EMImputeSparkError(_global_lines(payload, lines_rdd, options.input)) from None


def _fit_command(options, statistics_files, model, report):
    args = [options.emimpute, "fit", "--statistics"] + statistics_files + ["--save-model", model, "--quiet"]
    if report:
        args += ["--report", report]
    return args + options.fit_args


def _check(done, what):
    if done.returncode != 0:
        raise EMImputeSparkError((done.stderr or b"").decode("utf-8", "replace").strip() or "%s failed" % what)


def _fit_statistics(sc, stats_rdd, options, work, model, report, outcome):
    gathered = sorted(stats_rdd.collect(), key=lambda kv: kv[0])
    files = []
    for i, (_, text) in enumerate(gathered):
        path = os.path.join(work, "part-%05d.stats.json" % i)
        with open(path, "w") as f:
            f.write(text)
        files.append(path)
    done = subprocess.run(_fit_command(options, files, model, report), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _check(done, "emimpute fit")


def _fit_iterating(sc, lines_rdd, job_of, options, work, model, report, outcome):
    """EM with one Spark job per E-step: `emimpute fit --summaries` asks, the partitions answer."""
    summaries = sorted(_run_job(lambda: lines_rdd.mapPartitionsWithIndex(job_of(["estep", "--summary"])).collect(),
                                lines_rdd, options), key=lambda kv: kv[0])
    files = []
    for i, (_, text) in enumerate(summaries):
        path = os.path.join(work, "part-%05d.summary.json" % i)
        with open(path, "w") as f:
            f.write(text)
        files.append(path)
    args = [options.emimpute, "fit", "--summaries"] + files + ["--save-model", model, "--quiet"]
    if report:
        args += ["--report", report]
    args += options.fit_args
    errors = open(os.path.join(work, "fit.stderr"), "w+b")
    coordinator = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
    estep = job_of(["estep"])
    try:
        while True:
            request = coordinator.stdout.readline()
            if not request:
                break
            text = request.decode("utf-8")
            answers = _run_job(lambda: lines_rdd.mapPartitionsWithIndex(
                lambda i, pairs: estep(i, pairs, request=text)).collect(), lines_rdd, options)
            answers.sort(key=lambda kv: kv[0])
            coordinator.stdin.write(("[" + ",".join(a.strip() for _, a in answers) + "]\n").encode("utf-8"))
            coordinator.stdin.flush()
            outcome.iterations += 1
    finally:
        try:
            coordinator.stdin.close()
        except OSError:
            pass
        code = coordinator.wait()
    if code != 0:
        errors.seek(0)
        raise EMImputeSparkError(errors.read().decode("utf-8", "replace").strip() or "emimpute fit --summaries failed")


def run(spark, options):
    """Imputes `options.input` into `options.output` with `spark`; returns an Outcome."""
    outcome = Outcome()
    sc = spark.sparkContext
    if not os.path.isfile(options.emimpute) or not os.access(options.emimpute, os.X_OK):
        raise EMImputeSparkError("%s: not an executable emimpute binary (give --emimpute with its absolute path)"
                                 % options.emimpute)
    work = tempfile.mkdtemp(prefix="emimpute-spark-")
    try:
        began = time.monotonic()
        # The executors import this package from a zip of it (spark-submit --py-files does
        # the same on a cluster).
        if id(sc) not in _SHIPPED:
            package = os.path.dirname(os.path.abspath(__file__))
            archive = shutil.make_archive(os.path.join(tempfile.mkdtemp(prefix="emimpute-spark-py-"), "emimpute_spark"),
                                          "zip", os.path.dirname(package), os.path.basename(package))
            sc.addPyFile(archive)
            _SHIPPED.add(id(sc))
        if options.format == "csv":
            table = tabular.CSVInput(sc, options)
        else:
            table = tabular.ParquetInput(spark, options)
        lines_rdd = table.records()
        header = table.header
        # The executors' binary: the same path, or the driver's copy shipped with the job.
        executor_binary = options.emimpute
        if options.ship_binary:
            shipped_binary = os.path.join(work, "emimpute-%s" % uuid.uuid4().hex)
            shutil.copy2(options.emimpute, shipped_binary)
            sc.addFile(shipped_binary)
            executor_binary = part.SHIPPED_PREFIX + os.path.basename(shipped_binary)
        job_of = lambda command: part.statistics_job(executor_binary, header, options.read_args(), command)

        model = options.save_model or os.path.join(work, "model.json")
        report = options.report
        strategy = options.strategy
        stats_rdd = None
        if strategy in ("auto", "statistics"):
            if strategy == "auto":
                from pyspark import StorageLevel
                stats_rdd = lines_rdd.mapPartitionsWithIndex(job_of(["statistics"])).persist(StorageLevel.MEMORY_AND_DISK)
                size = _run_job(lambda: stats_rdd.map(lambda kv: len(kv[1])).sum(), lines_rdd, options)
                outcome.statistics_bytes = int(size)
                if size <= options.budget:
                    strategy = "statistics"
                    outcome.reason = "the statistics (%d bytes) fit the driver budget (%d bytes)" % (size, options.budget)
                else:
                    strategy = "iterate"
                    outcome.reason = ("the statistics (%d bytes) exceed the driver budget (%d bytes): each E-step "
                                      "runs in Spark" % (size, options.budget))
            else:
                outcome.reason = "chosen with --strategy statistics"
                stats_rdd = lines_rdd.mapPartitionsWithIndex(job_of(["statistics"]))
        else:
            outcome.reason = "chosen with --strategy iterate"
        outcome.strategy = strategy
        _say(options, "strategy: %s (%s)" % (strategy, outcome.reason))
        outcome.seconds["statistics"] = round(time.monotonic() - began, 3)
        began = time.monotonic()
        if strategy == "statistics":
            _run_job(lambda: _fit_statistics(sc, stats_rdd, options, work, model, report, outcome), lines_rdd, options)
        else:
            if stats_rdd is not None:
                stats_rdd.unpersist()
            # Every E-step reads the records again: keep them on the executors.
            from pyspark import StorageLevel
            lines_rdd.persist(StorageLevel.MEMORY_AND_DISK)
            _fit_iterating(sc, lines_rdd, job_of, options, work, model, report, outcome)
        outcome.seconds["fit"] = round(time.monotonic() - began, 3)
        began = time.monotonic()
        # Shipped under a name of its own: a Spark context refuses a second file of one name.
        shipped = os.path.join(work, "model-%s.json" % uuid.uuid4().hex)
        shutil.copyfile(model, shipped)
        sc.addFile(shipped)
        completed = lines_rdd.mapPartitionsWithIndex(
            part.apply_job(executor_binary, header, os.path.basename(shipped), options.apply_args(), table.writes_header))
        _run_job(lambda: table.write(completed), lines_rdd, options)
        outcome.seconds["apply"] = round(time.monotonic() - began, 3)
        if report:
            with open(report) as f:
                data = json.load(f)
            data["spark"] = outcome.as_dict()
            with open(report, "w") as f:
                json.dump(data, f, indent=2, sort_keys=True)
                f.write("\n")
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)
