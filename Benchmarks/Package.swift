// swift-tools-version:6.0
// Benchmarks for EMImpute: a separate package (the root package never names it), so its
// executables and their OpenBLAS yardstick never enter the library's build or tests.
import PackageDescription

let package = Package(
    name: "EMImputeBenchmarks",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "generate-data", targets: ["GenerateData"]),
        .executable(name: "emimpute-bench", targets: ["EMImputeBench"]),
        .executable(name: "statistics-bench", targets: ["StatisticsBench"]),
        .executable(name: "pass1-bench", targets: ["Pass1Bench"]),
        .executable(name: "mixture-bench", targets: ["MixtureBench"]),
    ],
    dependencies: [
        .package(name: "EMImpute", path: ".."),
    ],
    targets: [
        // libcsv for the CSV yardstick (our own module map; the root's CLibCSV is internal to it).
        .systemLibrary(name: "CBenchCSV", providers: [.apt(["libcsv-dev"])]),
        // The other yardstick: one single-threaded libcsv pass with empty callbacks.
        .target(name: "CSVYardstick", dependencies: ["CBenchCSV"]),
        // OpenBLAS for the dsyrk yardstick (our own module map; the root's COpenBLAS is internal to it).
        .systemLibrary(name: "CBenchBLAS", providers: [.apt(["libopenblas-dev"])]),
        // The one-call yardstick: single-threaded cblas_dsyrk over an n×p matrix.
        .target(name: "BLASYardstick", dependencies: ["CBenchBLAS"]),
        // Synthetic multivariate-normal CSVs with MCAR or MAR missingness (no EMImpute dependency).
        .target(name: "SyntheticData"),
        .executableTarget(name: "GenerateData", dependencies: ["SyntheticData"]),
        .executableTarget(
            name: "EMImputeBench",
            dependencies: [
                "SyntheticData",
                "BLASYardstick",
                "CSVYardstick",
                .product(name: "EMImpute", package: "EMImpute"),
            ]
        ),
        // EM on pattern statistics against the row-wise engine and one dsyrk.
        .executableTarget(
            name: "StatisticsBench",
            dependencies: ["SyntheticData", "BLASYardstick", .product(name: "EMImpute", package: "EMImpute")]
        ),
        // Pass 1 (CSV → statistics) against the libcsv yardstick and the loader.
        .executableTarget(
            name: "Pass1Bench",
            dependencies: ["CSVYardstick", .product(name: "EMImpute", package: "EMImpute")]
        ),
        // Issue 16: masked-cell RMSE of the normal, mixture and t models, and the cost of a mixture iteration.
        .executableTarget(
            name: "MixtureBench",
            dependencies: [
                "SyntheticData",
                .product(name: "EMImpute", package: "EMImpute"),
            ]
        ),
    ]
)
