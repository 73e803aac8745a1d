#!/usr/bin/env bash
# Builds and runs the whole test suite under AddressSanitizer, in its own scratch path
# (.build-asan), and prints how long the build and the tests took.
#
# Usage: Tests/Scripts/asan.sh [swift test options, e.g. --filter FuzzRegression]
#
# LeakSanitizer is off (detect_leaks=0): swift-corelibs-foundation and the Swift runtime keep
# allocations alive until exit on purpose (caches, type metadata, the test harness's own
# state), which LeakSanitizer reports as leaks in every test binary; those reports say nothing
# about this project. Set ASAN_OPTIONS=detect_leaks=1 to see them.
set -euo pipefail
cd "$(dirname "$0")/../.."
# dpkg's report is captured, not sent to /dev/null: nothing here writes to a system path.
if ! dpkg_status=$(dpkg -s libcsv-dev libopenblas-dev 2>&1); then
    apt-get update && apt-get install -y libcsv-dev libopenblas-dev
fi
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:${ASAN_OPTIONS:-}"
# The Swift backtracer, when a test crashes, reads memory that ASan would report as a bug
# of its own; ASan's report is the one we want.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"
scratch=.build-asan
t0=$(date +%s)
swift build --build-tests --sanitize=address --scratch-path "$scratch"
t1=$(date +%s)
status=0
swift test --skip-build --sanitize=address --scratch-path "$scratch" "$@" || status=$?
t2=$(date +%s)
echo "asan: build $((t1 - t0)) s, tests $((t2 - t1)) s, total $((t2 - t0)) s, exit $status" >&2
exit $status
