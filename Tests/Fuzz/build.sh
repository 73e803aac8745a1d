#!/usr/bin/env bash
# Builds the libFuzzer targets FuzzLoader and FuzzImpute into .build-fuzz/ (or $FUZZ_BUILD).
#
# SwiftPM is not used: the library modules are compiled directly with swiftc (with
# -enable-testing, for the harness's @testable import), each with
# -sanitize=fuzzer,address (coverage instrumentation + AddressSanitizer), as static
# libraries, then each target is linked against them, libcsv and OpenBLAS. libFuzzer
# supplies main(). The targets also compile Tests/EMImputeIOTests/FuzzHarness.swift, the
# invariant checks they share with the FuzzRegressionTests.
#
# Usage: Tests/Fuzz/build.sh
# Environment: FUZZ_BUILD (output folder), FUZZ_OPT (-O or -Onone), FUZZ_SANITIZE
# (default fuzzer,address), FUZZ_SWIFTFLAGS (more swiftc flags, e.g. for coverage).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="${FUZZ_BUILD:-$root/.build-fuzz}"
opt="${FUZZ_OPT:--O}"
sanitize="${FUZZ_SANITIZE:-fuzzer,address}"
mkdir -p "$out"
common=(-swift-version 6 -use-ld=lld -parse-as-library "$opt" -g -sanitize="$sanitize" -enable-testing
        -I "$out" -I Sources/CLibCSV -I Sources/COpenBLAS -module-cache-path "$out/module-cache"
        -package-name emimpute
        ${FUZZ_SWIFTFLAGS:-})

module() {  # module NAME: Sources/NAME/**/*.swift -> $out/libNAME.a + NAME.swiftmodule
    local name="$1"
    echo "building $name" >&2
    local sources=()
    while IFS= read -r file; do sources+=("$file"); done < <(find Sources/"$name" -name '*.swift' | sort)
    swiftc "${common[@]}" -module-name "$name" -emit-module -emit-module-path "$out/$name.swiftmodule" \
        -emit-library -static -o "$out/lib$name.a" "${sources[@]}"
}

target() {  # target NAME: Tests/Fuzz/NAME.swift -> $out/NAME
    local name="$1"
    echo "linking $name" >&2
    swiftc "${common[@]}" -module-name "$name" -o "$out/$name" \
        Tests/Fuzz/"$name".swift Tests/Fuzz/FuzzSupport.swift Tests/EMImputeIOTests/FuzzHarness.swift \
        -L "$out" -lEMImputeIO -lEMImputeCore -lcsv -lopenblas
}

module EMImputeCore
module EMImputeIO
target FuzzLoader
target FuzzImpute
echo "built $out/FuzzLoader $out/FuzzImpute" >&2
