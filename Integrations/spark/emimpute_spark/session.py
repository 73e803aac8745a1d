"""A Spark session for running on one machine: UI off, scratch in a temporary folder."""

import os
import sys
import tempfile


def local_session(master="local[2]", scratch=None, app_name="emimpute_spark"):
    """A SparkSession for `master`, with its scratch space, event logs and Derby/warehouse
    folders under `scratch` (a new temporary folder by default). Call `stop()` on it."""
    from pyspark.sql import SparkSession
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # The workers run the driver's Python.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    scratch = scratch or tempfile.mkdtemp(prefix="emimpute-spark-scratch-")
    # local-cluster workers keep their logs in SPARK_WORKER_DIR (else inside SPARK_HOME).
    os.environ.setdefault("SPARK_WORKER_DIR", os.path.join(scratch, "work"))
    builder = (SparkSession.builder.appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.local.dir", os.path.join(scratch, "local"))
               .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
               .config("spark.driver.extraJavaOptions", "-Dderby.system.home=" + os.path.join(scratch, "derby"))
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1"))
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
