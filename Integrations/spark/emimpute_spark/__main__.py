"""python3 -m emimpute_spark INPUT OUTPUT [options] (or spark-submit this file's package)."""

import argparse
import json
import sys

from .driver import DEFAULT_BUDGET, EMImputeSparkError, Options, run
from .session import local_session

# Fit options passed through to `emimpute fit` as the CLI spells them.
VALUED = ["--tolerance", "--max-iterations", "--ridge", "--starts", "--seed", "--accelerate", "--threads"]
FLAGS = ["--round-integers", "--clamp"]


def parse(argv):
    p = argparse.ArgumentParser(prog="python3 -m emimpute_spark",
                                description="Impute the missing cells of a CSV or Parquet table on Spark with emimpute.")
    p.add_argument("input", help="CSV file (one record per line, a header) or Parquet table")
    p.add_argument("output", help="output folder (CSV part files, or a Parquet table)")
    p.add_argument("--emimpute", required=True, help="absolute path of the emimpute binary (on every executor)")
    p.add_argument("--report", help="write the JSON report here (on the driver)")
    p.add_argument("--save-model", help="save the model here (on the driver)")
    p.add_argument("--master", help="Spark master (default: spark-submit's, else local[2])")
    p.add_argument("--format", choices=["csv", "parquet"], help="input and output format (default: by the input's name)")
    p.add_argument("--na", action="append", default=[], metavar="CODE", help="extra missing-value code (repeatable)")
    p.add_argument("--na-only", action="store_true", help="use only the --na codes")
    p.add_argument("--exclude", action="append", default=[], metavar="COLUMNS", help="never model these columns")
    p.add_argument("--columns", action="append", default=[], metavar="COLUMNS", help="model only these columns")
    p.add_argument("--delimiter", default=",", help="CSV field delimiter")
    p.add_argument("--driver-budget", type=int, default=DEFAULT_BUDGET, metavar="BYTES",
                   help="largest statistics (JSON bytes) gathered on the driver; beyond it EM iterates in Spark")
    p.add_argument("--strategy", choices=["auto", "statistics", "iterate"], default="auto")
    p.add_argument("--split-size", type=int, metavar="BYTES", help="largest CSV input split (Hadoop's split.maxsize)")
    p.add_argument("--ship-binary", action="store_true",
                   help="ship the driver's binary to the executors (SparkContext.addFile) instead of finding it at the same path")
    p.add_argument("--quiet", action="store_true")
    for name in VALUED:
        p.add_argument(name)
    for name in FLAGS:
        p.add_argument(name, action="store_true")
    a = p.parse_args(argv)
    fit_args = []
    for name in VALUED:
        value = getattr(a, name[2:].replace("-", "_"))
        if value is not None:
            fit_args += [name, value]
    for name in FLAGS:
        if getattr(a, name[2:].replace("-", "_")):
            fit_args.append(name)
    return a, Options(a.input, a.output, a.emimpute, report=a.report, save_model=a.save_model, format=a.format, na=a.na,
                      na_only=a.na_only, exclude=a.exclude, columns=a.columns, delimiter=a.delimiter, fit_args=fit_args,
                      budget=a.driver_budget, strategy=a.strategy, split_size=a.split_size, ship_binary=a.ship_binary,
                      quiet=a.quiet)


def main(argv=None):
    args, options = parse(sys.argv[1:] if argv is None else argv)
    from pyspark import SparkConf
    master = args.master or (None if SparkConf().contains("spark.master") else "local[2]")
    spark = local_session(master=master)
    try:
        outcome = run(spark, options)
    except EMImputeSparkError as error:
        sys.stderr.write("emimpute_spark: error: %s\n" % error)
        return 65
    finally:
        spark.stop()
    if not options.quiet:
        sys.stderr.write("emimpute_spark: %s\n" % json.dumps(outcome.as_dict(), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
