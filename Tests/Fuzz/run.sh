#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a bounded time (default 120 s each).
#
# Usage: Tests/Fuzz/run.sh [seconds] [target...]     (targets: FuzzLoader FuzzImpute)
#
# Each target starts from its seed corpus (Tests/Fuzz/corpus-loader or corpus-impute, read
# only) plus the inputs found by earlier runs (.build-fuzz/corpus/<target>, where new ones
# go). A crash, an invariant failure (a trap) or a hang (-timeout=10) is saved under
# Tests/Fuzz/crashes/ and makes the script exit non-zero. Minimise one with
#   .build-fuzz/FuzzImpute -minimize_crash=1 -runs=20000 Tests/Fuzz/crashes/<file>
# Environment: FUZZ_BUILD (default .build-fuzz), FUZZ_SKIP_BUILD=1, FUZZ_FLAGS (extra flags).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
seconds="${1:-120}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzLoader FuzzImpute)
out="${FUZZ_BUILD:-$root/.build-fuzz}"
[ "${FUZZ_SKIP_BUILD:-0}" = 1 ] || FUZZ_BUILD="$out" nice Tests/Fuzz/build.sh || exit 1
mkdir -p Tests/Fuzz/crashes
status=0
for t in "${targets[@]}"; do
    case "$t" in
        FuzzLoader) seeds=Tests/Fuzz/corpus-loader; maxlen=4096 ;;
        FuzzImpute) seeds=Tests/Fuzz/corpus-impute; maxlen=2048 ;;
        *) echo "unknown target $t" >&2; exit 2 ;;
    esac
    mkdir -p "$out/corpus/$t"
    log="$out/$t.log"
    echo "== $t for ${seconds}s (log: $log)" >&2
    # detect_leaks=0: the targets call into Foundation, whose caches LeakSanitizer reports.
    # SWIFT_BACKTRACE=enable=no: the Swift backtracer reads memory that ASan then reports.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" nice "$out/$t" "$out/corpus/$t" "$seeds" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$maxlen" \
        -use_value_profile=1 -print_final_stats=1 \
        -artifact_prefix="Tests/Fuzz/crashes/$t-" ${FUZZ_FLAGS:-} >"$log" 2>&1
    rc=$?
    grep -E '^#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb' "$log" >&2
    if [ $rc -ne 0 ]; then
        status=1
        echo "!! $t failed (exit $rc); see $log and Tests/Fuzz/crashes/" >&2
        grep -E 'Fatal error|ERROR: |SUMMARY|Test unit written|Violation' "$log" | head -20 >&2
    fi
done
exit $status
