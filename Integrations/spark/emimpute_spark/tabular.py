"""Inputs and outputs: a CSV read by lines with their byte offsets, or a Parquet table
rendered as CSV records for the binary and written back with its own schema."""

import math
import os

TEXT_INPUT = "org.apache.hadoop.mapreduce.lib.input.TextInputFormat"


def _quoted(text):
    return '"' + text.replace('"', '""') + '"'


class CSVInput:
    """A CSV file (or folder of files) read by Hadoop's line reader: (byte offset, line)."""

    writes_header = True

    def __init__(self, sc, options):
        self.sc, self.options = sc, options
        if os.path.isdir(options.input):
            from .driver import EMImputeSparkError
            raise EMImputeSparkError("%s: a folder; the CSV input is one file (its first line the header)" % options.input)
        # Splits of the local tool's chunk size start where its chunks start, so each
        # chunk's records reach one task (the last split may hold two chunks: Hadoop's slop).
        from .partition import CHUNK
        conf = {"mapreduce.input.fileinputformat.split.maxsize": str(options.split_size or CHUNK)}
        self._lines = sc.newAPIHadoopFile(options.input, TEXT_INPUT, "org.apache.hadoop.io.LongWritable",
                                          "org.apache.hadoop.io.Text", conf=conf)
        first = self._lines.filter(lambda kv: kv[0] == 0).take(1)
        if not first:
            from .driver import EMImputeSparkError
            raise EMImputeSparkError("%s: the file is empty (no header line)" % options.input)
        self.header = first[0][1]

    def records(self):
        return self._lines

    def write(self, completed):
        completed.saveAsTextFile(self.options.output)


class ParquetInput:
    """A Parquet table: its numeric columns are rendered as CSV records for the binary (the
    other columns are never modelled and are not sent); imputed cells come back into the
    same rows, with the same schema."""

    writes_header = False

    def __init__(self, spark, options):
        from pyspark.sql import types as T
        self.spark, self.options = spark, options
        self.frame = spark.read.parquet(options.input)
        self.schema = self.frame.schema
        numeric = (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType, T.DecimalType)
        self.numeric = [i for i, f in enumerate(self.schema.fields) if isinstance(f.dataType, numeric)]
        self.integral = [isinstance(self.schema.fields[i].dataType, (T.ByteType, T.ShortType, T.IntegerType, T.LongType))
                         for i in self.numeric]
        if not self.numeric:
            from .driver import EMImputeSparkError
            raise EMImputeSparkError("%s: no numeric column to model" % options.input)
        self.header = ",".join(_quoted(self.schema.fields[i].name) for i in self.numeric)
        numeric_positions = self.numeric

        from .partition import CHUNK

        def render(index, rows):
            # Offsets are made up so that each partition is one chunk, in partition order.
            yield (0, None) if index == 0 else None
            for r, row in enumerate(rows):
                cells = []
                for i in numeric_positions:
                    v = row[i]
                    if v is None or (isinstance(v, float) and math.isnan(v)):
                        cells.append("")
                    else:
                        cells.append(repr(float(v)) if isinstance(v, float) else str(v))
                yield (index * CHUNK + 1 + r, ",".join(cells))

        self._render = render
        self._rows = self.frame.rdd

    def records(self):
        render = self._render
        header = self.header
        return self._rows.mapPartitionsWithIndex(
            lambda i, rows: ((o, header if line is None else line)
                             for o, line in (x for x in render(i, rows) if x is not None)))

    def write(self, completed):
        # The completed numeric cells, zipped back into the original rows partition by partition.
        numeric, integral = self.numeric, self.integral

        def merge(rows, lines):
            out = []
            for row, line in zip(rows, lines):
                values = list(row)
                cells = line.split(",")
                for c, i in enumerate(numeric):
                    if values[i] is None or (isinstance(values[i], float) and math.isnan(values[i])):
                        v = float(cells[c])
                        values[i] = int(round(v)) if integral[c] else v
                out.append(values)
            return out

        merged = self._rows.zip(completed).map(lambda rl: merge([rl[0]], [rl[1]])[0])
        self.spark.createDataFrame(merged, self.schema).write.parquet(self.options.output)
