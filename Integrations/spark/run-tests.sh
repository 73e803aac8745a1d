#!/usr/bin/env bash
# Runs the Spark driver's tests (Integrations/spark/tests), installing what they need when it
# is missing: a Java runtime (Debian's default-jre-headless), python3-venv, a virtual
# environment in Integrations/spark/.venv with the pinned PySpark and pytest
# (requirements.txt), and the emimpute binary (a debug build; $EMIMPUTE overrides it).
# Idempotent; prints pytest's summary, and the install logs only when an install fails.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
logs="$(mktemp -d "${TMPDIR:-/tmp}/emimpute-spark-setup.XXXXXX")"
trap 'rm -rf "$logs"' EXIT

quietly() {  # quietly LOGNAME COMMAND...: run, show the log only on failure
  local log="$logs/$1.log"; shift
  if ! "$@" >"$log" 2>&1; then
    echo "run-tests.sh: failed: $*" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then quietly apt-update apt-get update; apt_updated=1; fi
  quietly "apt-$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

if ! command -v java >"$logs/java.log" 2>&1; then
  apt_install default-jre-headless
fi

requirements_stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$requirements_stamp"; then
  if ! python3 -m venv --help >"$logs/venv-help.log" 2>&1 || ! python3 -c 'import ensurepip' >"$logs/ensurepip.log" 2>&1; then
    apt_install python3-venv
  fi
  rm -rf "$venv"
  quietly venv python3 -m venv "$venv"
  quietly pip "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$requirements_stamp"
fi

binary="${EMIMPUTE:-$root/.build/debug/emimpute}"
if [ ! -x "$binary" ]; then
  (cd "$root" && quietly swift-build swift build --product emimpute)
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

export SPARK_LOCAL_IP=127.0.0.1
export EMIMPUTE="$binary"
export PYSPARK_PYTHON="$venv/bin/python"
cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests
