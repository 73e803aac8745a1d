"""Times the Spark driver against the local tool on one CSV, with peak memory per process kind.

    .venv/bin/python benchmark.py DATA.csv --emimpute /abs/path/emimpute [--transport]

Prints Markdown lines for Docs/Performance.md and Docs/Spark.md. Memory is sampled from /proc
every 0.1 s over the process tree: the driver's Python, the JVM (in local mode the executors
run inside the driver's JVM), the Python workers, and the emimpute children (peak of their sum).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _children():
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parents.setdefault(int(fields[1]), []).append(int(name))
            except OSError:
                pass
    return parents


def _rss_and_name(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            status = f.read()
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            command = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return 0, ""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024, command
    return 0, command


def _kind(command, root_pid, pid):
    if pid == root_pid:
        return "driver (Python)"
    if "java" in command.split(" ")[0]:
        return "executor JVMs" if "CoarseGrainedExecutorBackend" in command else (
            "worker JVMs" if "deploy.worker" in command else "driver JVM")
    if "emimpute" in command.split(" ")[0]:
        return "emimpute children"
    if "python" in command:
        return "Python workers"
    return "other"


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peaks, self.total, self.running = pid, {}, 0, True

    def run(self):
        while self.running:
            tree, stack = [], [self.pid]
            parents = _children()
            while stack:
                p = stack.pop()
                tree.append(p)
                stack.extend(parents.get(p, []))
            sums, total = {}, 0
            for p in tree:
                rss, command = _rss_and_name(p)
                kind = _kind(command, self.pid, p)
                sums[kind] = sums.get(kind, 0) + rss
                total += rss
            for kind, value in sums.items():
                self.peaks[kind] = max(self.peaks.get(kind, 0), value)
            self.total = max(self.total, total)
            time.sleep(0.1)


def measure(command, env=None):
    began = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = Sampler(child.pid)
    sampler.start()
    out, err = child.communicate()
    sampler.running = False
    sampler.join()
    if child.returncode != 0:
        sys.stderr.write(err.decode()[-4000:])
        raise SystemExit("failed: %s" % " ".join(command))
    return time.monotonic() - began, sampler.peaks, sampler.total, err.decode()


def mib(n):
    return "%.0f MiB" % (n / 1048576)


def transports(data, emimpute):
    """The statistics job through RDD.pipe and through mapPartitions, same partitions."""
    sys.path.insert(0, HERE)
    from emimpute_spark import local_session
    from emimpute_spark.partition import CHUNK, statistics_job
    spark = local_session()
    try:
        sc = spark.sparkContext
        lines = sc.newAPIHadoopFile(data, "org.apache.hadoop.mapreduce.lib.input.TextInputFormat",
                                    "org.apache.hadoop.io.LongWritable", "org.apache.hadoop.io.Text",
                                    conf={"mapreduce.input.fileinputformat.split.maxsize": str(CHUNK)})
        header = lines.first()[1]
        results = {}
        for round_ in range(2):
            began = time.monotonic()
            n = lines.mapPartitionsWithIndex(statistics_job(emimpute, header, [], ["statistics"])).count()
            results.setdefault("mapPartitions", []).append(time.monotonic() - began)
            began = time.monotonic()
            import shlex
            command = shlex.join([emimpute, "statistics", "-", "--header-record", header, "--quiet", "--threads", "1"])
            m = lines.filter(lambda kv: kv[0] != 0).values().pipe(command, env={}, checkCode=True).count()
            results.setdefault("RDD.pipe", []).append(time.monotonic() - began)
        return results, lines.getNumPartitions()
    finally:
        spark.stop()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--emimpute", required=True)
    p.add_argument("--transport", action="store_true", help="also time RDD.pipe against mapPartitions")
    p.add_argument("--master", default="local[2]", help="e.g. local-cluster[2,1,2048] (executors in JVMs of their own)")
    a = p.parse_args()
    emimpute = os.path.abspath(a.emimpute)
    work = tempfile.mkdtemp(prefix="emimpute-spark-bench-")
    size = os.path.getsize(a.data)
    print("input: %s, %.0f MB" % (a.data, size / 1e6))
    wall, peaks, total, _ = measure([emimpute, "impute", a.data, "-q", "-o", os.path.join(work, "local.csv")])
    print("| local `emimpute impute` | %.1f s | %s (emimpute) |" % (wall, mib(total)))
    env = dict(os.environ, PYTHONPATH=HERE, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable)
    wall, peaks, total, err = measure([sys.executable, "-m", "emimpute_spark", a.data, os.path.join(work, "spark"),
                                       "--emimpute", emimpute, "--master", a.master, "--ship-binary"], env=env)
    strategy = [line for line in err.splitlines() if "strategy:" in line]
    print("| Spark `%s` (%s) | %.1f s | %s |" % (a.master, strategy[0].split("strategy: ")[1] if strategy else "?", wall,
                                                    ", ".join("%s %s" % (k, mib(v)) for k, v in sorted(peaks.items()))
                                                    + "; all %s" % mib(total)))
    same = subprocess.run("cat %s/spark/part-* | cmp - %s/local.csv" % (work, work), shell=True).returncode == 0
    print("completed CSV identical to the local one: %s" % same)
    if a.transport:
        results, partitions = transports(a.data, emimpute)
        for name, times in results.items():
            print("| statistics job through %s (%d partitions) | %s |" % (name, partitions,
                                                                       ", ".join("%.1f s" % t for t in times)))
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
