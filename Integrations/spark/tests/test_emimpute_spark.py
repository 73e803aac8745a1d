"""The Spark driver against the local tool (issue #14): the same estimates to 1e-10, the same
bytes per completed row, for CSV and Parquet, for both strategies; and the refusals."""

import csv
import glob
import json
import math
import os
import random

import pytest

from conftest import run_local
from emimpute_spark import EMImputeSparkError, Options, run
from emimpute_spark.partition import CHUNK


def synthetic_csv(path, rows, columns=5, rate=0.15, seed=1, text_column=False):
    """Correlated normal columns (AR(1), ρ = 0.6) with MCAR missing cells, seeded."""
    g = random.Random(seed)
    names = ["x%d" % (j + 1) for j in range(columns)]
    with open(path, "w") as f:
        f.write(",".join((["label"] if text_column else []) + names) + "\n")
        for i in range(rows):
            z, cells = 0.0, []
            for j in range(columns):
                z = 0.6 * z + 0.8 * g.gauss(0, 1)
                value = 10 * (j + 1) + (j + 1) * z
                cells.append("" if g.random() < rate else "%.6g" % value)
            if all(c == "" for c in cells):
                cells[0] = "%.6g" % (10 + z)
            f.write(",".join((["r%d" % i] if text_column else []) + cells) + "\n")
    return path


def spark_csv(output):
    return b"".join(open(p, "rb").read() for p in sorted(glob.glob(os.path.join(output, "part-*"))))


def relative(a, b):
    if isinstance(a, list):
        return max(relative(x, y) for x, y in zip(a, b))
    return abs(a - b) / max(abs(b), 1e-300)


def estimates_agree(spark_report, local_report, tolerance=1e-10):
    a, b = json.load(open(spark_report)), json.load(open(local_report))
    assert relative(a["mean"], b["mean"]) <= tolerance
    assert relative(sum(a["covariance"], []), sum(b["covariance"], [])) <= tolerance
    assert relative(a["logLikelihood"], b["logLikelihood"]) <= tolerance
    return a


def rows_agree(spark_text, local_text, tolerance=1e-10):
    """The same rows; a cell that differs in its bytes must be an imputed number within
    `tolerance` (partitions other than the local tool's chunks sum in another order)."""
    a = list(csv.reader(spark_text.decode().splitlines()))
    b = list(csv.reader(local_text.decode().splitlines()))
    assert len(a) == len(b)
    differing = 0
    for ra, rb in zip(a, b):
        assert len(ra) == len(rb)
        for x, y in zip(ra, rb):
            if x != y:
                differing += 1
                assert relative(float(x), float(y)) <= tolerance
    return differing


def impute_spark(spark, emimpute, tmp_path, input, name="out", **options):
    output = str(tmp_path / name)
    report = str(tmp_path / (name + ".json"))
    outcome = run(spark, Options(input, output, emimpute, report=report, quiet=True, **options))
    return output, report, outcome


def impute_local(emimpute, tmp_path, input, args=(), name="local"):
    output, report = str(tmp_path / (name + ".csv")), str(tmp_path / (name + ".json"))
    run_local(emimpute, ["impute", input, "-q", "-o", output, "--report", report] + list(args))
    return output, report


def test_20000x5_csv_equals_local_byte_for_byte(spark, emimpute, tmp_path):
    data = synthetic_csv(str(tmp_path / "data.csv"), 20000)
    local_csv, local_report = impute_local(emimpute, tmp_path, data)
    output, report, outcome = impute_spark(spark, emimpute, tmp_path, data)
    assert outcome.strategy == "statistics"
    estimates_agree(report, local_report)
    assert spark_csv(output) == open(local_csv, "rb").read()


def test_20000x5_csv_in_many_partitions_equals_local(spark, emimpute, tmp_path):
    data = synthetic_csv(str(tmp_path / "data.csv"), 20000)
    local_csv, local_report = impute_local(emimpute, tmp_path, data)
    output, report, _ = impute_spark(spark, emimpute, tmp_path, data, split_size=100_000)
    assert len(glob.glob(os.path.join(output, "part-*"))) >= 5
    estimates_agree(report, local_report)
    rows_agree(spark_csv(output), open(local_csv, "rb").read())


def test_a_file_of_several_chunks_is_bit_identical(spark, emimpute, tmp_path):
    # Beyond the local tool's 4 MiB chunk: two chunks (in one split: Hadoop's 10% slop), merged in order.
    data = synthetic_csv(str(tmp_path / "big.csv"), 120_000, rate=0.1, seed=3)
    assert os.path.getsize(data) > CHUNK
    local_csv, local_report = impute_local(emimpute, tmp_path, data)
    output, report, _ = impute_spark(spark, emimpute, tmp_path, data)
    estimates_agree(report, local_report, tolerance=0)
    assert spark_csv(output) == open(local_csv, "rb").read()


def test_survey_equals_local_byte_for_byte(spark, emimpute, tmp_path, root):
    survey = os.path.join(root, "Datasets", "survey.csv")
    reading = {"na": ["-99"], "exclude": ["respondent_id"]}
    local_csv, local_report = impute_local(emimpute, tmp_path, survey, ["--na", "-99", "--exclude", "respondent_id"])
    output, report, _ = impute_spark(spark, emimpute, tmp_path, survey, **reading)
    estimates_agree(report, local_report)
    assert spark_csv(output) == open(local_csv, "rb").read()
    # In small splits too: the same rows, imputed numbers to 1e-10.
    output, report, _ = impute_spark(spark, emimpute, tmp_path, survey, name="split", split_size=4096, **reading)
    estimates_agree(report, local_report)
    rows_agree(spark_csv(output), open(local_csv, "rb").read())


def test_parquet_keeps_its_schema_and_equals_local(spark, emimpute, tmp_path):
    from pyspark.sql import types as T
    data = synthetic_csv(str(tmp_path / "data.csv"), 20000, text_column=True)
    local_csv, local_report = impute_local(emimpute, tmp_path, data)
    rows = list(csv.reader(open(data)))
    header, body = rows[0], rows[1:]
    schema = T.StructType([T.StructField("label", T.StringType())] +
                          [T.StructField(n, T.DoubleType()) for n in header[1:]])
    values = [[r[0]] + [float(c) if c else None for c in r[1:]] for r in body]
    table = str(tmp_path / "data.parquet")
    spark.createDataFrame(values, schema).repartition(1).write.parquet(table)
    output, report, outcome = impute_spark(spark, emimpute, tmp_path, table, name="out.parquet", format="parquet")
    estimates_agree(report, local_report)
    result = spark.read.parquet(output)
    assert result.schema == schema
    completed = {r["label"]: r for r in result.collect()}
    local = list(csv.reader(open(local_csv)))[1:]
    assert len(completed) == len(local) == len(values)
    imputed = 0
    for original, expected in zip(values, local):
        got = completed[original[0]]
        for j, name in enumerate(header[1:]):
            if original[j + 1] is not None:
                assert got[name] == original[j + 1]  # observed values unchanged
            else:
                imputed += 1
                assert relative(got[name], float(expected[j + 1])) <= 1e-10
    assert imputed > 10000


def test_iterating_in_spark_equals_the_statistics_path(spark, emimpute, tmp_path, root):
    survey = os.path.join(root, "Datasets", "survey.csv")
    reading = {"na": ["-99"], "exclude": ["respondent_id"], "split_size": 8192}
    first, first_report, by_statistics = impute_spark(spark, emimpute, tmp_path, survey, name="statistics", **reading)
    second, second_report, by_iterating = impute_spark(spark, emimpute, tmp_path, survey, name="iterate", budget=100, **reading)
    assert by_statistics.strategy == "statistics"
    assert by_iterating.strategy == "iterate"
    assert "exceed the driver budget (100 bytes)" in by_iterating.reason
    report = estimates_agree(second_report, first_report)
    assert report["spark"]["strategy"] == "iterate"
    assert report["spark"]["sparkIterations"] == report["expectationSteps"]
    assert report["patterns"] == json.load(open(first_report))["patterns"]
    rows_agree(spark_csv(second), spark_csv(first))


def test_a_bad_cell_fails_with_its_line(spark, emimpute, tmp_path):
    data = synthetic_csv(str(tmp_path / "data.csv"), 3000, rate=0.05)
    lines = open(data).read().split("\n")
    cells = lines[2500].split(",")
    cells[2] = "abc"
    lines[2500] = ",".join(cells)
    open(data, "w").write("\n".join(lines))
    with pytest.raises(EMImputeSparkError) as failure:
        impute_spark(spark, emimpute, tmp_path, data, split_size=20_000)
    message = str(failure.value)
    # Line 2501 of the file (1-based), column 3, whatever partition holds it.
    assert data + ":2501:3" in message
    assert "line 2501 'abc'" in message


def test_an_empty_partition_works(spark, emimpute, tmp_path):
    # One very long text cell: the splits inside it hold no record.
    data = synthetic_csv(str(tmp_path / "data.csv"), 2000, text_column=True)
    lines = open(data).read().split("\n")
    lines[1000] = lines[1000].replace("r999", "r999" + "z" * 20000, 1)
    open(data, "w").write("\n".join(lines))
    local_csv, local_report = impute_local(emimpute, tmp_path, data)
    from pyspark import SparkContext
    sc = SparkContext.getOrCreate()
    sizes = sc.newAPIHadoopFile(data, "org.apache.hadoop.mapreduce.lib.input.TextInputFormat",
                                "org.apache.hadoop.io.LongWritable", "org.apache.hadoop.io.Text",
                                conf={"mapreduce.input.fileinputformat.split.maxsize": "8192"}).glom().map(len).collect()
    assert 0 in sizes
    output, report, _ = impute_spark(spark, emimpute, tmp_path, data, split_size=8192)
    estimates_agree(report, local_report)
    rows_agree(spark_csv(output), open(local_csv, "rb").read())


def test_quoted_line_breaks_are_refused_with_the_remedy(spark, emimpute, tmp_path):
    data = str(tmp_path / "quoted.csv")
    open(data, "w").write('name,x,y\n"two\nlines",1,2\nb,3,\nc,4,5\nd,5,7\n')
    with pytest.raises(EMImputeSparkError) as failure:
        impute_spark(spark, emimpute, tmp_path, data)
    message = str(failure.value)
    assert "quoted field" in message and "multiLine" in message and "normalise" in message


def test_the_command_line_writes_output_report_and_model(emimpute, tmp_path, root):
    import subprocess
    import sys
    survey = os.path.join(root, "Datasets", "survey.csv")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out, report, model = str(tmp_path / "out"), str(tmp_path / "r.json"), str(tmp_path / "m.json")
    done = subprocess.run([sys.executable, "-m", "emimpute_spark", survey, out, "--emimpute", emimpute, "--na", "-99",
                           "--exclude", "respondent_id", "--report", report, "--save-model", model, "--round-integers",
                           "--clamp", "--ship-binary", "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    local_csv = str(tmp_path / "local.csv")
    run_local(emimpute, ["impute", survey, "--na", "-99", "--exclude", "respondent_id", "--round-integers", "--clamp",
                         "-q", "-o", local_csv])
    assert spark_csv(out) == open(local_csv, "rb").read()
    assert json.load(open(model))["columns"]
    assert json.load(open(report))["spark"]["strategy"] == "statistics"
