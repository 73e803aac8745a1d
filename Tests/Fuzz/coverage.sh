#!/usr/bin/env bash
# Source-line coverage reached by the fuzz corpora: builds the targets with coverage mapping
# (into .build-fuzz-cov, without ASan), replays every corpus input once (-runs=0) and prints
# llvm-cov's per-file report for the library sources.
#
# Usage: Tests/Fuzz/coverage.sh        (run after Tests/Fuzz/run.sh, whose corpora it replays)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
cov="$root/.build-fuzz-cov"
corpora="${FUZZ_BUILD:-$root/.build-fuzz}/corpus"
FUZZ_BUILD="$cov" FUZZ_SANITIZE=fuzzer FUZZ_SWIFTFLAGS="-profile-generate -profile-coverage-mapping" \
    nice Tests/Fuzz/build.sh 2>&1 | grep -v 'Cannot export' >&2
bin="$(dirname "$(readlink -f "$(command -v swiftc)")")"
for t in FuzzLoader FuzzImpute; do
    case "$t" in FuzzLoader) seeds=Tests/Fuzz/corpus-loader ;; FuzzImpute) seeds=Tests/Fuzz/corpus-impute ;; esac
    mkdir -p "$corpora/$t"
    rm -f "$cov/$t".*.profraw
    LLVM_PROFILE_FILE="$cov/$t.%p.profraw" SWIFT_BACKTRACE=enable=no nice "$cov/$t" -runs=0 "$corpora/$t" "$seeds" \
        >"$cov/$t.replay.log" 2>&1 || { echo "replay of $t failed: see $cov/$t.replay.log" >&2; exit 1; }
    "$bin/llvm-profdata" merge -sparse "$cov/$t".*.profraw -o "$cov/$t.profdata"
    echo "== $t: $(ls "$corpora/$t" | wc -l) corpus inputs + $(ls "$seeds" | wc -l) seeds"
    "$bin/llvm-cov" report "$cov/$t" -instr-profile="$cov/$t.profdata" \
        -ignore-filename-regex='Tests/|<compiler-generated>' Sources/EMImputeIO Sources/EMImputeCore
done
