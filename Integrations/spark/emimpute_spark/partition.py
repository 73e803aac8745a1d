"""What runs on the executors: the emimpute binary over one partition's records.

Every function here is shipped to the executors by pickling, so it imports only the
standard library and reads nothing from the driver but its arguments.
"""

import json
import os
import subprocess
import tempfile

# The local tool's cut points (RecordBoundaries.defaultChunkSize in the Swift package): a
# record whose first byte lies at offset p > 0 of the file belongs to chunk (p - 1) // CHUNK.
# Hadoop's line reader assigns a record to a split by the same rule, and the statistics of
# these chunks, merged in order, are bit for bit those of `emimpute impute`.
CHUNK = 4 << 20

# Marks a message meant for the user inside a Spark task failure.
MARKER = "EMIMPUTE_SPARK_ERROR:"


class PartitionError(RuntimeError):
    """A partition that emimpute refused, with what the driver needs to name the line."""

    def __init__(self, kind, message, chunk=None, first_offset=None, partition=None):
        self.payload = {"kind": kind, "message": message, "chunk": chunk,
                        "firstOffset": first_offset, "partition": partition}
        super().__init__(MARKER + json.dumps(self.payload) + "\n")


def chunk_of(offset):
    """The local tool's chunk of a record starting at byte `offset`."""
    return 0 if offset <= 0 else (offset - 1) // CHUNK


def check_one_line(line, offset):
    """Refuses a line whose quotes do not balance: a quoted field goes on to the next line."""
    if '"' in line and line.count('"') % 2 == 1:
        raise PartitionError(
            "quotedNewline",
            "the record at byte %d has a quoted field that goes on past the end of the line; "
            "Spark splits the input by lines, so such a file cannot be read in parts. Remedy: "
            "normalise the file once (replace the line breaks inside quoted fields, e.g. with "
            "'emimpute impute' locally or a CSV tool), or read it with spark.read.option('multiLine', "
            "True) into a single partition and pass the DataFrame (emimpute_spark.impute_dataframe)" % offset)


SHIPPED_PREFIX = "sparkfiles:"


def resolve(binary):
    """The binary's path on this executor: as given, or where SparkContext.addFile put it."""
    if not binary.startswith(SHIPPED_PREFIX):
        return binary
    from pyspark import SparkFiles
    path = SparkFiles.get(binary[len(SHIPPED_PREFIX):])
    if not os.access(path, os.X_OK):
        os.chmod(path, 0o755)
    return path


def run_binary(binary, args, text, what, chunk=None, first_offset=None, partition=None):
    """Runs `binary args` with `text` on standard input; returns standard output.

    A nonzero exit becomes a PartitionError carrying emimpute's message."""
    binary = resolve(binary)
    with tempfile.TemporaryFile() as err:
        done = subprocess.run([binary] + args, input=text.encode("utf-8"), stdout=subprocess.PIPE,
                              stderr=err, env={"PATH": os.path.dirname(binary)})
        if done.returncode != 0:
            err.seek(0)
            message = err.read().decode("utf-8", "replace").strip()
            raise PartitionError(what, message or "emimpute exited with status %d" % done.returncode,
                                 chunk, first_offset, partition)
    return done.stdout.decode("utf-8")


def records_by_chunk(pairs):
    """Groups (offset, line) pairs of one partition, in order, by the local tool's chunks;
    the header (offset 0) is left out. Yields (chunk, first offset, [lines])."""
    current, first, lines = None, None, []
    for offset, line in pairs:
        check_one_line(line, offset)
        if offset == 0:
            continue
        k = chunk_of(offset)
        if k != current:
            if lines:
                yield current, first, lines
            current, first, lines = k, offset, []
        lines.append(line)
    if lines:
        yield current, first, lines


def text_of(lines):
    return "".join(line + "\n" for line in lines)


def statistics_job(binary, header, read_args, command):
    """mapPartitionsWithIndex body: per chunk, `emimpute <command>` → (chunk, JSON).

    `command` is ['statistics'] or ['estep', '--summary'] or ['estep', '--at', None] (the
    request text is then passed as `request` to the returned function's closure)."""

    def run(index, pairs, request=None):
        request_path = None
        try:
            if request is not None:
                fd, request_path = tempfile.mkstemp(suffix=".json")
                with os.fdopen(fd, "w") as f:
                    f.write(request)
            args = list(command)
            if request_path:
                args += ["--at", request_path]
            args += ["-", "--header-record", header] + read_args
            if command[0] == "statistics":
                args += ["--quiet", "--threads", "1"]
            produced = False
            for k, first, lines in records_by_chunk(pairs):
                produced = True
                yield k, run_binary(binary, args, text_of(lines), command[0], k, first, index)
            if not produced:
                # An empty partition: empty statistics, which merge as nothing.
                yield -1, run_binary(binary, args, "", command[0], None, None, index)
        finally:
            if request_path:
                os.unlink(request_path)

    return run


def apply_job(binary, header, model_name, apply_args, write_header):
    """mapPartitionsWithIndex body: the completed lines of a partition (the header first in
    partition 0 when `write_header`)."""

    def run(index, pairs):
        from pyspark import SparkFiles
        model = SparkFiles.get(model_name)
        lines, first = [], None
        saw_header = False
        for offset, line in pairs:
            check_one_line(line, offset)
            if offset == 0:
                saw_header = True
                continue
            if first is None:
                first = offset
            lines.append(line)
        if saw_header and write_header:
            yield header
        out = run_binary(binary, ["apply", "--model", model, "-", "--header-record", header, "--quiet"] + apply_args,
                         text_of(lines), "apply", chunk_of(first) if first is not None else None, first, index)
        lines = out.split("\n")
        if lines[-1] == "":
            lines.pop()  # the last line's end, or no output at all
        for line in lines:
            yield line

    return run
