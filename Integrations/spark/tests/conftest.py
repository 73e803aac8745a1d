import os
import subprocess
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


@pytest.fixture(scope="session")
def emimpute():
    """The emimpute binary: $EMIMPUTE, else the debug build of this checkout."""
    path = os.environ.get("EMIMPUTE") or os.path.join(ROOT, ".build", "debug", "emimpute")
    path = os.path.abspath(path)
    if not os.access(path, os.X_OK):
        pytest.fail("no emimpute binary at %s: build it (swift build) or set EMIMPUTE" % path)
    return path


@pytest.fixture(scope="session")
def spark():
    from emimpute_spark import local_session
    scratch = tempfile.mkdtemp(prefix="emimpute-spark-tests-")
    session = local_session(master="local[2]", scratch=scratch)
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture(scope="session")
def root():
    return ROOT


def run_local(emimpute, args):
    done = subprocess.run([emimpute] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert done.returncode == 0, done.stderr.decode()
    return done
